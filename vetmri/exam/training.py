"""Training cases: teaching exams on the simulator, with the phantoms' lesions drawn in.

Each case is an animal of its own (owner ``VETMRI TRAINING``, so the DICOM Patient's Name
reads ``TRAINING^...``), made once in the records with an alert that it is no real
patient; its study is marked ``training`` in the records, and the DICOM files say so
(Study Description ``TRAINING - ...``, Patient Comments, the Clinical Trial Subject
attributes: see ``docs/dicom.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    from vetmri.exam.request import ExamRequest
    from vetmri.records.models import Pet
    from vetmri.records.store import RecordStore

__all__ = ["TRAINING_CASES", "TRAINING_MARKINGS", "TRAINING_OWNER", "TrainingCase", "training_case", "training_pet",
           "training_request"]

TRAINING_OWNER = "Vetmri Training"
#: The start of a training animal's markings (the case name follows).
TRAINING_MARKINGS = "vetmri training case"
TRAINING_ALERT = "training case on the simulator: not a real patient"


@dataclass(frozen=True)
class TrainingCase:
    """A teaching case.

    Attributes
    ----------
    name : str
        What ``vetmri exam --demo NAME`` takes (``dog-brain-mass``).
    title : str
        What staff read (``Dog brain with a T2-bright mass``).
    species, breed, region : str
    weight_kg : float
    pet_name : str
        The animal's name in the records.
    findings : str
        What the lesion is, for the teacher.
    """

    name: str
    title: str
    species: str
    breed: str
    weight_kg: float
    region: str
    pet_name: str
    findings: str


TRAINING_CASES: tuple[TrainingCase, ...] = (
    TrainingCase("dog-brain-mass", "Dog brain with a T2-bright mass", "dog", "Labrador Retriever", 28.0, "brain",
                 "Case Max", "a T2-bright mass (glioma or meningioma with oedema) and a small subacute infarct"),
    TrainingCase("cat-spine-lesion", "Cat spine with a disc extrusion and cord oedema", "cat", "", 4.5,
                 "thoracolumbar_spine", "Case Luna", "a dorsolateral disc extrusion (Hansen type I) with cord oedema"),
    TrainingCase("dog-spine-disc", "Dog spine with a disc extrusion", "dog", "Dachshund", 9.0, "thoracolumbar_spine",
                 "Case Bruno", "a dorsolateral disc extrusion (Hansen type I) with cord oedema"),
    TrainingCase("cat-brain-lesions", "Cat brain with a mass and an infarct", "cat", "", 4.0, "brain",
                 "Case Mimi", "a T2-bright mass and a subacute infarct"),
    TrainingCase("rabbit-brain-lesions", "Rabbit brain with a mass and an infarct", "rabbit", "", 2.5, "brain",
                 "Case Hazel", "a T2-bright mass and a subacute infarct"),
    TrainingCase("dog-stifle-effusion", "Dog stifle with joint effusion", "dog", "", 30.0, "stifle",
                 "Case Rocky", "effusion in the suprapatellar recess"),
)


def training_case(name: str) -> TrainingCase:
    """The case ``name``.

    Raises
    ------
    UserInputError
        No such case (the sentence lists them).
    """
    for case in TRAINING_CASES:
        if case.name == name.strip().lower():
            return case
    raise UserInputError(f"There is no training case {name!r}; the cases are {', '.join(c.name for c in TRAINING_CASES)}.")


def training_pet(store: "RecordStore", case: TrainingCase) -> "Pet":
    """The case's animal, registered with the training owner on first use."""
    markings = f"{TRAINING_MARKINGS}: {case.name}"
    owner = next((o for o in store.list_owners() if o.name == TRAINING_OWNER), None)
    if owner is None:
        owner = store.add_owner(TRAINING_OWNER, "", phone_required=False)
    for pet in store.pets_of_owner(owner.id):
        if pet.markings == markings:
            return pet
    return store.add_pet(owner.id, case.pet_name, case.species, case.weight_kg, breed=case.breed, sex="unknown",
                         markings=markings, alerts=(TRAINING_ALERT,))


def training_request(case: TrainingCase, pet_id: str, **options) -> "ExamRequest":
    """The exam of the case: its region on the simulator with the lesions drawn in."""
    from vetmri.exam.request import ExamRequest

    return ExamRequest(pet_id=pet_id, region=case.region, lesions=True, training=True, **options)
