"""The records as typed, frozen values: owners, pets, studies, series and PACS send jobs.

Each class converts to and from the plain document the store keeps (``to_doc`` /
``from_doc``); ids are not part of the document, they are the store's document ids
formatted by :mod:`vetmri.records.ids`. Dates are ISO ``YYYY-MM-DD`` text on disk and
:class:`datetime.date` here; moments are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

__all__ = [
    "SEND_STATUSES",
    "SEXES",
    "STUDY_STATUSES",
    "Owner",
    "Pet",
    "SearchHit",
    "SendJob",
    "StudyContext",
    "Series",
    "Study",
    "WeightEntry",
]

SEXES = ("female", "male", "unknown")
#: ``planned`` (booked or set up), ``scanning`` (an exam runs), ``complete`` (every series
#: acquired and written), ``incomplete`` (aborted or failed: ``status_reason`` says why; the
#: exam can be resumed); ``acquired``, ``reconstructed`` and ``completed`` are kept for
#: studies filed by hand (``vetmri recon --format dicom``) and imported ones.
STUDY_STATUSES = ("planned", "scanning", "complete", "incomplete", "acquired", "reconstructed", "completed", "cancelled")
SEND_STATUSES = ("pending", "sending", "sent", "failed", "cancelled")


def _day(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Owner:
    """The person responsible for a pet (DICOM Responsible Person)."""

    id: str
    name: str
    phone: str
    email: str = ""
    address: str = ""
    created_at: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "created_at": self.created_at,
        }

    @classmethod
    def from_doc(cls, record_id: str, doc: dict[str, Any]) -> "Owner":
        return cls(record_id, doc["name"], doc["phone"], doc.get("email", ""),
                   doc.get("address", ""), doc.get("created_at", ""))


@dataclass(frozen=True)
class WeightEntry:
    """One weighing: the day and the body weight in kilograms."""

    date: date
    weight_kg: float


@dataclass(frozen=True)
class Pet:
    """A patient.

    Attributes
    ----------
    id : str
        Our stable id (``P-000042``), never reused.
    patient_id : str
        The DICOM Patient ID (``VET-K7QD-000042``), unique, at most 64 characters.
    owner_id : str
        The owner's id.
    species : str
        A species name of the catalog (``"guinea_pig"``).
    sex : {"female", "male", "unknown"}
    neutered : bool or None
        None when not known.
    weights : tuple of WeightEntry
        Weight history, oldest first; :attr:`weight_kg` is the latest.
    microchip : str
        15 ISO 11784/11785 digits, or empty.
    alerts : tuple of str
        Warnings for the staff (``"aggressive"``, ``"allergic to penicillin"``).
    former_patient_ids : tuple of str
        Patient IDs of duplicates merged into this pet; studies made under them still
        resolve here.
    referring_vet, referring_clinic : str
        Who referred the pet (may be empty): the default for its new studies, each of
        which keeps its own.
    """

    id: str
    patient_id: str
    owner_id: str
    name: str
    species: str
    breed: str = ""
    sex: str = "unknown"
    neutered: bool | None = None
    birth_date: date | None = None
    weights: tuple[WeightEntry, ...] = ()
    microchip: str = ""
    markings: str = ""
    alerts: tuple[str, ...] = ()
    former_patient_ids: tuple[str, ...] = ()
    created_at: str = ""
    referring_vet: str = ""
    referring_clinic: str = ""

    @property
    def weight_kg(self) -> float | None:
        """The latest weight, or None when never weighed."""
        return self.weights[-1].weight_kg if self.weights else None

    def to_doc(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "owner": self.owner_id,
            "name": self.name,
            "species": self.species,
            "breed": self.breed,
            "sex": self.sex,
            "neutered": self.neutered,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "weights": [[w.date.isoformat(), w.weight_kg] for w in self.weights],
            "microchip": self.microchip,
            "markings": self.markings,
            "alerts": list(self.alerts),
            "former_patient_ids": list(self.former_patient_ids),
            "created_at": self.created_at,
            "referring_vet": self.referring_vet,
            "referring_clinic": self.referring_clinic,
        }

    @classmethod
    def from_doc(cls, record_id: str, doc: dict[str, Any]) -> "Pet":
        return cls(
            id=record_id,
            patient_id=doc["patient_id"],
            owner_id=doc["owner"],
            name=doc["name"],
            species=doc["species"],
            breed=doc.get("breed", ""),
            sex=doc.get("sex", "unknown"),
            neutered=doc.get("neutered"),
            birth_date=_day(doc.get("birth_date")),
            weights=tuple(WeightEntry(date.fromisoformat(d), float(w)) for d, w in doc.get("weights", [])),
            microchip=doc.get("microchip", ""),
            markings=doc.get("markings", ""),
            alerts=tuple(doc.get("alerts", [])),
            former_patient_ids=tuple(doc.get("former_patient_ids", [])),
            created_at=doc.get("created_at", ""),
            referring_vet=doc.get("referring_vet", ""),
            referring_clinic=doc.get("referring_clinic", ""),
        )


@dataclass(frozen=True)
class Study:
    """One MRI examination of a pet; bulky data (the full plan) lives in its folder.

    Attributes
    ----------
    study_uid : str
        DICOM Study Instance UID.
    accession : str
        Accession number (at most 16 characters).
    patient_id : str
        The pet's Patient ID when the study was made (it stays valid after a merge).
    weight_kg : float or None
        Weight at the scan.
    folder : str
        The study folder, relative to the data folder (``studies/<uid>``).
    status_reason : str
        Why an ``incomplete`` study stopped (one sentence), else empty.
    exam_started_at, exam_ended_at : str
        ISO moments (UTC) of the first calibration and of the end of the last series.
    anaesthesia_s : float or None
        Time the animal lay in the bore for this exam (sum over runs, resumed ones too).
    position : str
        The animal's position (``sternal head first``, ...), empty when not recorded.
    training : bool
        A teaching or demonstration exam on the simulator, never a real patient (its
        DICOM files say so, see ``docs/dicom.md``).
    """

    id: str
    pet_id: str
    study_uid: str
    accession: str
    study_date: date
    region: str
    status: str = "planned"
    plan_summary: str = ""
    weight_kg: float | None = None
    operator: str = ""
    referring_vet: str = ""
    referring_clinic: str = ""
    patient_id: str = ""
    folder: str = ""
    created_at: str = ""
    status_reason: str = ""
    exam_started_at: str = ""
    exam_ended_at: str = ""
    anaesthesia_s: float | None = None
    position: str = ""
    training: bool = False

    def to_doc(self) -> dict[str, Any]:
        return {
            "pet": self.pet_id,
            "study_uid": self.study_uid,
            "accession": self.accession,
            "study_date": self.study_date.isoformat(),
            "region": self.region,
            "status": self.status,
            "plan_summary": self.plan_summary,
            "weight_kg": self.weight_kg,
            "operator": self.operator,
            "referring_vet": self.referring_vet,
            "referring_clinic": self.referring_clinic,
            "patient_id": self.patient_id,
            "folder": self.folder,
            "created_at": self.created_at,
            "status_reason": self.status_reason,
            "exam_started_at": self.exam_started_at,
            "exam_ended_at": self.exam_ended_at,
            "anaesthesia_s": self.anaesthesia_s,
            "position": self.position,
            "training": self.training,
        }

    @classmethod
    def from_doc(cls, record_id: str, doc: dict[str, Any]) -> "Study":
        return cls(
            id=record_id,
            pet_id=doc["pet"],
            study_uid=doc["study_uid"],
            accession=doc["accession"],
            study_date=date.fromisoformat(doc["study_date"]),
            region=doc["region"],
            status=doc.get("status", "planned"),
            plan_summary=doc.get("plan_summary", ""),
            weight_kg=doc.get("weight_kg"),
            operator=doc.get("operator", ""),
            referring_vet=doc.get("referring_vet", ""),
            referring_clinic=doc.get("referring_clinic", ""),
            patient_id=doc.get("patient_id", ""),
            folder=doc.get("folder", ""),
            created_at=doc.get("created_at", ""),
            status_reason=doc.get("status_reason", ""),
            exam_started_at=doc.get("exam_started_at", ""),
            exam_ended_at=doc.get("exam_ended_at", ""),
            anaesthesia_s=doc.get("anaesthesia_s"),
            position=doc.get("position", ""),
            training=bool(doc.get("training", False)),
        )


@dataclass(frozen=True)
class Series:
    """One acquired series of a study.

    Attributes
    ----------
    number : int
        DICOM Series Number.
    parameters : dict
        Key parameters for listing (``{"te_s": 0.09, "tr_s": 3.2}``); the full sequence
        parameters live in the study folder. Treat as read-only.
    raw_file : str
        The MRD raw file, relative to the data folder, or empty.
    dicom_folder : str
        The folder of its DICOM files, relative to the data folder, or empty.
    """

    id: str
    study_id: str
    number: int
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    series_uid: str = ""
    raw_file: str = ""
    dicom_folder: str = ""
    image_count: int = 0
    created_at: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {
            "study": self.study_id,
            "number": self.number,
            "description": self.description,
            "parameters": dict(self.parameters),
            "series_uid": self.series_uid,
            "raw_file": self.raw_file,
            "dicom_folder": self.dicom_folder,
            "image_count": self.image_count,
            "created_at": self.created_at,
        }

    @classmethod
    def from_doc(cls, record_id: str, doc: dict[str, Any]) -> "Series":
        return cls(record_id, doc["study"], int(doc["number"]), doc["description"],
                   dict(doc.get("parameters", {})), doc.get("series_uid", ""),
                   doc.get("raw_file", ""), doc.get("dicom_folder", ""),
                   int(doc.get("image_count", 0)), doc.get("created_at", ""))


@dataclass(frozen=True)
class SendJob:
    """A PACS send waiting, running, done or given up.

    Attributes
    ----------
    destination : str
        The PACS node name of the settings (``pacs.NAME``).
    series_id : str
        One series, or empty for the whole study.
    status : {"pending", "sending", "sent", "failed", "cancelled"}
        ``failed`` only after the last allowed attempt; ``sending`` whose lease ran out
        (the sender died) is due again; ``cancelled`` by the staff (never sent, until
        retried).
    next_attempt_at : datetime
        When a pending job may be tried (UTC); for ``sending`` the end of the lease.
    """

    id: str
    study_id: str
    destination: str
    series_id: str = ""
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    created_at: str = ""
    updated_at: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {
            "study": self.study_id,
            "destination": self.destination,
            "series": self.series_id,
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "last_error": self.last_error,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_doc(cls, record_id: str, doc: dict[str, Any]) -> "SendJob":
        when = doc.get("next_attempt_at")
        return cls(record_id, doc["study"], doc["destination"], doc.get("series", ""),
                   doc.get("status", "pending"), int(doc.get("attempts", 0)),
                   _moment(when) if when else None, doc.get("last_error", ""),
                   doc.get("created_at", ""), doc.get("updated_at", ""))


@dataclass(frozen=True)
class SearchHit:
    """A pet found by a search, with its owner."""

    pet: Pet
    owner: Owner


@dataclass(frozen=True)
class StudyContext:
    """A study with its pet and the pet's owner: what a DICOM header needs (Patient ID,
    species, breed, sex, neutered, Responsible Person, Study Instance UID, accession)."""

    study: Study
    pet: Pet
    owner: Owner
