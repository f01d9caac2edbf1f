"""Find or register the pet (and owner) a DICOM file or a worklist item describes.

Used by the import of prior studies and by the worklist. A pet is matched by its Patient
ID (also a former one, after a merge), then by a microchip the source carries, then
(where the caller allows it) by the pet's name, owner's name and species; otherwise the
owner and the pet are created. The species goes through the species catalog of the
protocols, so a pet from DICOM is planned like one typed at the front desk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    from vetmri.dicom.patient import PersonName, Species
    from vetmri.records.models import Owner, Pet
    from vetmri.records.store import RecordStore

__all__ = ["AnimalDescription", "PetMatch", "catalog_species", "find_pet", "register_animal"]

_MICROCHIP = re.compile(r"^\d{15}$")


class AnimalDescription(Protocol):
    """What a DICOM file or worklist item tells about the animal (``PatientSummary``,
    ``ScheduledAnimal``)."""

    patient_id: str
    pet_name: str
    owner: "PersonName"
    species: "Species"
    breed: str
    sex: str
    neutered: str
    weight_kg: float | None
    birth_date: date | None


@dataclass(frozen=True)
class PetMatch:
    """The pet an animal description belongs to.

    Attributes
    ----------
    pet : Pet
    owner : Owner
    how : str
        ``"matched by Patient ID"``, ``"matched by microchip"``, ``"matched by name, owner
        and species"`` or ``"created"``.
    notes : tuple of str
        What was left out and why (an implausible weight, a birth date in the future).
    """

    pet: "Pet"
    owner: "Owner"
    how: str
    notes: tuple[str, ...] = ()

    @property
    def created(self) -> bool:
        return self.how == "created"


def catalog_species(species: "Species") -> str:
    """The species catalog name (``"guinea_pig"``) of a DICOM species.

    Raises
    ------
    UserInputError
        vetmri has no protocols for that species.
    """
    from vetmri.protocols.species import load_species_catalog, normalise_species_name

    catalog = load_species_catalog()
    for text in (species.common_name, species.description):
        if text.strip():
            try:
                return catalog.find(text).name
            except UserInputError:
                pass
    wanted = normalise_species_name(species.description)
    for known in catalog.species:
        if wanted and normalise_species_name(known.scientific_name) == wanted:
            return known.name
    shown = species.common_name or species.description or "(none)"
    raise UserInputError(f"The species {shown!r} has no protocols in vetmri; add a species protocol or register the pet by hand.")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _owner_text(name: "PersonName") -> str:
    return " ".join(part for part in (name.given, name.family) if part).strip()


def _microchips(animal: AnimalDescription, extra: tuple[str, ...]) -> list[str]:
    found = [animal.patient_id, *extra]
    return [text.replace(" ", "").replace("-", "") for text in found
            if _MICROCHIP.match(text.replace(" ", "").replace("-", "")) and not text.startswith("000")]


def find_pet(store: "RecordStore", animal: AnimalDescription, *, microchips: tuple[str, ...] = (),
             by_name: bool = False) -> tuple["Pet | None", str]:
    """The pet already in the records for ``animal`` and how it was found, or (None, "")."""
    if animal.patient_id.strip():
        pet = store.pet_by_patient_id(animal.patient_id)
        if pet is not None:
            return pet, "matched by Patient ID"
    for chip in _microchips(animal, microchips):
        pet = store.pet_by_microchip(chip)
        if pet is not None:
            return pet, "matched by microchip"
    if by_name and animal.pet_name.strip():
        species = catalog_species(animal.species)
        owner = _plain(_owner_text(animal.owner))
        for hit in store.search(animal.pet_name):
            if (_plain(hit.pet.name) == _plain(animal.pet_name) and hit.pet.species == species
                    and owner and _plain(hit.owner.name) == owner):
                return hit.pet, "matched by name, owner and species"
    return None, ""


def check_animal(animal: AnimalDescription) -> str:
    """Refuse a description that cannot become a pet; return its catalog species.

    Raises
    ------
    UserInputError
        No pet name, no owner, or a species without protocols.
    """
    if not any(c.isalnum() for c in animal.pet_name):
        raise UserInputError(f"Patient {animal.patient_id or '(no ID)'} has no animal name in Patient's Name; it cannot become a pet record.")
    if not any(c.isalnum() for c in _owner_text(animal.owner)):
        raise UserInputError(f"{animal.pet_name} ({animal.patient_id or 'no ID'}) has no owner (Responsible Person or Patient's Name family part); it cannot become a pet record.")
    return catalog_species(animal.species)


def register_animal(store: "RecordStore", animal: AnimalDescription, *, microchips: tuple[str, ...] = (),
                    by_name: bool = False, record_weight: bool = False) -> PetMatch:
    """Find the pet of ``animal`` or create it (and its owner).

    Parameters
    ----------
    record_weight : bool
        Add the description's weight to a matched pet's history when it differs from the
        latest (a worklist weighs the animal for today's scan).

    Raises
    ------
    UserInputError
        The description cannot become a pet (see :func:`check_animal`).
    """
    species = check_animal(animal)
    pet, how = find_pet(store, animal, microchips=microchips, by_name=by_name)
    notes: list[str] = []
    if pet is not None:
        if record_weight and animal.weight_kg is not None and pet.weight_kg != animal.weight_kg:
            try:
                pet = store.record_weight(pet.id, float(animal.weight_kg))
            except UserInputError as exc:
                notes.append(f"weight not recorded: {exc}")
        return PetMatch(pet, store.owner(pet.owner_id), how, tuple(notes))
    owner = store.add_owner(_owner_text(animal.owner), "", phone_required=False)
    weight = animal.weight_kg
    if weight is not None:
        try:
            from vetmri.protocols.species import load_species_catalog

            load_species_catalog().find(species).check_weight(float(weight))
        except UserInputError as exc:
            notes.append(f"weight left out: {exc}")
            weight = None
    birth = animal.birth_date if animal.birth_date and animal.birth_date <= date.today() else None
    chips = _microchips(animal, microchips)
    chip = chips[0] if chips and store.pet_by_microchip(chips[0]) is None else ""
    pet = store.add_pet(
        owner.id, animal.pet_name, species, weight,
        breed=animal.breed[:64], sex={"M": "male", "F": "female"}.get(animal.sex.upper(), "unknown"),
        neutered={"ALTERED": True, "UNALTERED": False}.get(animal.neutered.upper()),
        birth_date=birth, microchip=chip,
    )
    return PetMatch(pet, owner, "created", tuple(notes))
