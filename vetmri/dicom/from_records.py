"""From the pet records to the DICOM writer's inputs: the animal patient and the study.

The records keep the pet (species from the catalog, breed, sex, neutering, weights), its
owner and the study (Study Instance UID, accession, date, region); this module maps them
onto :class:`~vetmri.dicom.patient.AnimalPatient` and :class:`~vetmri.dicom.study.Study`,
and a body region onto a Body Part Examined term.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from vetmri.dicom.patient import AnimalPatient, Neutered, PersonName, Sex
from vetmri.dicom.study import Study

if TYPE_CHECKING:
    from vetmri.records.models import Owner, Pet, StudyContext
    from vetmri.records.models import Study as StudyRecord

__all__ = ["animal_patient", "body_part_for_region", "dicom_study", "owner_name", "patient_position_code", "study_datetime"]

#: Body Part Examined (PS3.16 CID 4031 terms dciodvfy knows) of the regions of the protocols.
_BODY_PARTS = {
    "brain": "SKULL", "head": "SKULL", "skull": "SKULL", "nasal_cavity": "SKULL",
    "cervical_spine": "CSPINE", "thoracic_spine": "TSPINE", "lumbar_spine": "LSPINE",
    "thoracolumbar_spine": "SPINE", "spine": "SPINE", "stifle": "KNEE", "knee": "KNEE",
    "elbow": "ELBOW", "shoulder": "SHOULDER", "coelom": "ABDOMEN", "abdomen": "ABDOMEN",
    "thorax": "CHEST", "chest": "CHEST", "pelvis": "PELVIS",
}
_SEXES = {"female": Sex.FEMALE, "male": Sex.MALE, "unknown": Sex.OTHER}


_RECUMBENCY_CODES = {"sternal": "P", "dorsal": "S", "right lateral": "DR", "left lateral": "DL"}

#: How the scanner's simulated and default animal lies when no position is recorded.
DEFAULT_PATIENT_POSITION = "HFP"


def patient_position_code(position: str) -> str:
    """DICOM Patient Position (0018,5100) of a recorded position: sternal recumbency is
    prone (``P``), dorsal supine (``S``), lateral decubitus (``DR``/``DL``); head or tail
    (feet) first (``HF``/``FF``). ``"sternal head first"`` -> ``"HFP"``; empty -> HFP.

    Raises
    ------
    UserInputError
        A position that is not recumbency + head/tail first.
    """
    from vetmri.errors import UserInputError

    text = " ".join(position.lower().split())
    if not text:
        return DEFAULT_PATIENT_POSITION
    for lying, code in _RECUMBENCY_CODES.items():
        for first, prefix in (("head first", "HF"), ("tail first", "FF")):
            if text == f"{lying} {first}":
                return prefix + code
    raise UserInputError(f"The position {position!r} is not a recumbency (sternal, dorsal, left or right lateral) "
                         "followed by head first or tail first.")


def body_part_for_region(region: str) -> str:
    """The Body Part Examined term of a body region (``"cervical_spine"`` -> ``"CSPINE"``)."""
    key = "_".join(region.lower().replace("-", " ").split())
    if key in _BODY_PARTS:
        return _BODY_PARTS[key]
    cleaned = "".join(c for c in key.upper() if c.isalnum() or c == "_")
    return cleaned[:16] or "UNKNOWN"


def owner_name(owner: "Owner") -> PersonName:
    """The owner's name in DICOM parts: the last word is the family name."""
    words = owner.name.split()
    if len(words) <= 1:
        return PersonName(owner.name.strip())
    return PersonName(words[-1], " ".join(words[:-1]))


def _species(pet: "Pet"):
    from vetmri.dicom.codes import species_from_name
    from vetmri.errors import UserInputError

    try:
        return species_from_name(pet.species.replace("_", " "))
    except UserInputError:
        from vetmri.protocols.species import load_species_catalog

        found = load_species_catalog().find(pet.species)
        from vetmri.dicom.patient import Species

        return Species(description=found.scientific_name or found.label, common_name=found.name)


def animal_patient(context: "StudyContext", *, clinic: str = "") -> AnimalPatient:
    """The Patient module of a study's pet and owner.

    Parameters
    ----------
    context : StudyContext
        The study with its pet and owner, read together from the records.
    clinic : str
        Responsible Organization (the clinic's name); may be empty.

    Returns
    -------
    AnimalPatient
        Weight at the scan when the study has one, else the pet's latest.
    """
    from vetmri.dicom.codes import breed_code

    pet, owner, study = context.pet, context.owner, context.study
    species = _species(pet)
    neutered = None if pet.neutered is None else (Neutered.ALTERED if pet.neutered else Neutered.UNALTERED)
    return AnimalPatient(
        patient_id=study.patient_id or pet.patient_id,
        pet_name=pet.name,
        species=species,
        breed=pet.breed,
        breed_code=breed_code(species, pet.breed) if pet.breed else None,
        sex=_SEXES.get(pet.sex, Sex.OTHER),
        neutered=neutered,
        birth_date=pet.birth_date,
        weight_kg=study.weight_kg if study.weight_kg is not None else pet.weight_kg,
        owner=owner_name(owner),
        responsible_organization=clinic,
    )


def study_datetime(study: "StudyRecord") -> datetime:
    """Study Date and Time: the study's date at the time it was registered (stable on rewrite)."""
    try:
        created = datetime.fromisoformat(study.created_at)
        moment = created.astimezone().time().replace(microsecond=0, tzinfo=None)
    except (TypeError, ValueError):
        moment = time(0, 0)
    return datetime.combine(study.study_date, moment)


def dicom_study(study: "StudyRecord", *, description: str = "") -> Study:
    """The General Study values of a study record (its own Study Instance UID and accession).

    The study's UID is also the key the series and instance UIDs derive from, so writing
    a series again gives the same UIDs.
    """
    referring = study.referring_vet.strip()
    words = referring.split()
    vet = None
    if words:
        vet = PersonName(words[-1], " ".join(words[:-1])) if len(words) > 1 else PersonName(words[0])
    return Study(
        key=study.study_uid,
        study_id=study.id,
        date_time=study_datetime(study),
        accession_number=study.accession,
        description=description or f"MRI {study.region.replace('_', ' ')}",
        referring_vet=vet,
        instance_uid=study.study_uid,
        training=getattr(study, "training", False),
    )
