"""The animal patient as the DICOM writer needs it: pet, species, breed, owner, clinic.

Plain frozen dataclasses with no DICOM library behind them, so the records and the user
interface can build them freely; :mod:`vetmri.dicom.codes` turns a species or breed name
into its coded concept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from vetmri.errors import UserInputError

__all__ = [
    "AnimalPatient",
    "animal_fields",
    "BreedRegistration",
    "Code",
    "Neutered",
    "PersonName",
    "Sex",
    "Species",
]

_PN_FORBIDDEN = re.compile(r"[\\^=\x00-\x1f]")


class Sex(StrEnum):
    """Patient's Sex (0010,0040)."""

    MALE = "M"
    FEMALE = "F"
    OTHER = "O"


class Neutered(StrEnum):
    """Patient's Sex Neutered (0010,2203)."""

    ALTERED = "ALTERED"
    UNALTERED = "UNALTERED"


@dataclass(frozen=True)
class Code:
    """A coded concept (Code Sequence item): value, coding scheme and meaning.

    Attributes
    ----------
    value : str
        Code Value, such as ``"448771007"``.
    scheme : str
        Coding Scheme Designator, such as ``"SCT"`` (SNOMED CT).
    meaning : str
        Code Meaning, such as ``"Canis lupus familiaris"``.
    """

    value: str
    scheme: str
    meaning: str


@dataclass(frozen=True)
class Species:
    """The animal's species: a description and, where DICOM lists one, its SNOMED CT code.

    Attributes
    ----------
    description : str
        Patient Species Description (0010,2201), such as ``"Canis lupus familiaris"``.
    code : Code or None
        Patient Species Code Sequence (0010,2202) item (DICOM CID 7454), or None for
        species the standard has no code for (parrots, tortoises, lizards).
    common_name : str
        What the clinic calls it (``"dog"``); not written to DICOM.
    """

    description: str
    code: Code | None = None
    common_name: str = ""


@dataclass(frozen=True)
class BreedRegistration:
    """One Breed Registration Sequence (0010,2294) item: a kennel-club registration.

    Attributes
    ----------
    number : str
        Breed Registration Number (0010,2295).
    registry : Code
        Breed Registry Code Sequence (0010,2296) item.
    """

    number: str
    registry: Code


@dataclass(frozen=True)
class PersonName:
    """A person's name in the parts DICOM keeps apart (family ^ given).

    Attributes
    ----------
    family : str
        Family name.
    given : str
        Given name(s).
    """

    family: str
    given: str = ""

    def __post_init__(self) -> None:
        for part in (self.family, self.given):
            if _PN_FORBIDDEN.search(part):
                raise UserInputError(
                    f"The name {part!r} contains a backslash, caret, equals sign or control "
                    "character; remove it and try again."
                )
            if len(part) > 64:
                raise UserInputError(f"The name part {part!r} is longer than 64 characters; shorten it.")

    def to_dicom(self) -> str:
        """The value of a Person Name (PN) element: ``Family^Given``."""
        return f"{self.family}^{self.given}".rstrip("^")

    @classmethod
    def from_dicom(cls, value: str) -> "PersonName":
        """Parse the alphabetic group of a PN value."""
        alphabetic = str(value).split("=")[0]
        family, _, rest = alphabetic.partition("^")
        given = rest.split("^")[0]
        return cls(family=family, given=given)


@dataclass(frozen=True)
class AnimalPatient:
    """The pet and its owner, as written in the Patient module.

    Patient's Name (0010,0010) follows the veterinary convention of DICOM: the owner's
    family name, then the animal's name (``Müller^Rex``).

    Attributes
    ----------
    patient_id : str
        Patient ID (0010,0020): our identifier of the pet (at most 64 characters).
    pet_name : str
        The animal's name.
    species : Species
        Species description and code.
    breed : str
        Patient Breed Description (0010,2292); empty when unknown.
    sex : Sex
        Patient's Sex.
    owner : PersonName
        Responsible Person (0010,2297), written with Responsible Person Role OWNER.
    responsible_organization : str
        Responsible Organization (0010,2299): the clinic.
    neutered : Neutered or None
        Patient's Sex Neutered; None when not known (written empty).
    birth_date : date or None
        Patient's Birth Date.
    weight_kg : float or None
        Patient's Weight in kilograms.
    breed_code : Code or None
        Breed Code Sequence (0010,2293) item (DICOM CID 7480); None writes it empty.
    breed_registrations : tuple of BreedRegistration
        Breed Registration Sequence items; empty writes it empty.
    """

    patient_id: str
    pet_name: str
    species: Species
    breed: str
    sex: Sex
    owner: PersonName
    responsible_organization: str = ""
    neutered: Neutered | None = None
    birth_date: date | None = None
    weight_kg: float | None = None
    breed_code: Code | None = None
    breed_registrations: tuple[BreedRegistration, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.patient_id.strip() or len(self.patient_id) > 64 or "\\" in self.patient_id:
            raise UserInputError(
                f"The patient ID {self.patient_id!r} must be 1 to 64 characters without a backslash."
            )
        PersonName(self.owner.family, self.pet_name)  # validates the pet's name as a PN part
        if not self.species.description.strip():
            raise UserInputError("The pet's species is empty; give its species (such as dog or cat).")
        if self.weight_kg is not None and not 0 < self.weight_kg < 2000:
            raise UserInputError(
                f"The weight {self.weight_kg} kg is not plausible; give the pet's weight in kilograms."
            )

    @property
    def dicom_name(self) -> PersonName:
        """Patient's Name: owner's family name ^ the animal's name."""
        return PersonName(self.owner.family, self.pet_name)

    def age_at(self, when: date) -> str | None:
        """Patient's Age (0010,1010) on ``when``, as DICOM ``nnnD/W/M/Y``, or None.

        Days under 4 weeks, weeks under 3 months, months under 2 years, then years:
        small exotics are often scanned weeks old.
        """
        if self.birth_date is None or when < self.birth_date:
            return None
        days = (when - self.birth_date).days
        months = (when.year - self.birth_date.year) * 12 + when.month - self.birth_date.month
        if when.day < self.birth_date.day:
            months -= 1
        if days < 28:
            return f"{days:03d}D"
        if months < 3:
            return f"{days // 7:03d}W"
        if months < 24:
            return f"{months:03d}M"
        return f"{min(months // 12, 999):03d}Y"


def animal_fields(animal) -> dict:
    """The animal and its owner as plain data for ``--json`` output.

    ``animal`` is anything that carries the patient attributes read from DICOM (a study's
    patient summary or a worklist item): ``patient_id``, ``pet_name``, ``owner``,
    ``species``, ``breed``, ``sex``, ``neutered``, ``weight_kg``, ``birth_date`` and
    ``responsible_organization``.
    """
    return {
        "patient_id": animal.patient_id, "pet_name": animal.pet_name,
        "owner": {"family": animal.owner.family, "given": animal.owner.given},
        "species": animal.species.common_name or animal.species.description,
        "species_description": animal.species.description,
        "species_code": animal.species.code.value if animal.species.code else None,
        "breed": animal.breed, "sex": animal.sex, "neutered": animal.neutered,
        "weight_kg": animal.weight_kg,
        "birth_date": animal.birth_date.isoformat() if animal.birth_date else None,
        "responsible_organization": animal.responsible_organization,
    }
