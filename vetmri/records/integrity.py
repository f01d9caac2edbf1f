"""``verify``: is the store intact? Files readable, every document valid, every reference
resolving, every referenced file present.

The report lists problems (the store is not intact) and notes (worth knowing, harmless:
a journal tail torn by a crash that was never acknowledged, a study folder no study uses).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from vetmri.errors import UserInputError
from vetmri.records.ids import format_id
from vetmri.records.models import STUDY_STATUSES, Owner, Pet, SendJob, Series, Study
from vetmri.records.store import RecordStore
from vetmri.records.studies import STUDIES_FOLDER
from vetmri.records.validation import clean_microchip, clean_species

__all__ = ["VerifyReport", "verify_store"]

_MODELS = {"owners": Owner, "pets": Pet, "studies": Study, "series": Series, "sends": SendJob}


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify_store`.

    Attributes
    ----------
    counts : dict
        Documents per table.
    problems : tuple of str
        What is wrong; empty when the store is intact.
    notes : tuple of str
        Harmless findings.
    """

    counts: dict[str, int]
    problems: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether the store is intact."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "counts": self.counts, "problems": list(self.problems), "notes": list(self.notes)}


def verify_store(store: RecordStore) -> VerifyReport:
    """Check the whole store (a consistent copy taken under the lock)."""
    tables = store.tables()
    problems: list[str] = []
    notes: list[str] = []
    torn = store.open_report.dropped_tail_bytes
    if torn:
        notes.append(f"{torn} bytes of an unfinished write (cut off by a crash, never confirmed) were ignored")
    records: dict[str, dict[str, Any]] = {}
    for table, model in _MODELS.items():
        records[table] = {}
        for key, doc in tables.get(table, {}).items():
            record_id = format_id(table, int(key))
            try:
                records[table][record_id] = model.from_doc(record_id, doc)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{record_id} cannot be read ({type(exc).__name__}: {exc})")
    owners, pets, studies = records["owners"], records["pets"], records["studies"]
    series, sends = records["series"], records["sends"]
    for pet in pets.values():
        problems += _check_pet(pet, owners)
    _duplicates(problems, "Patient ID", [pid for p in pets.values() for pid in (p.patient_id, *p.former_patient_ids)])
    _duplicates(problems, "microchip", [p.microchip for p in pets.values() if p.microchip])
    for study in studies.values():
        if study.pet_id not in pets:
            problems.append(f"study {study.id} belongs to pet {study.pet_id}, which does not exist")
        if study.status not in STUDY_STATUSES:
            problems.append(f"study {study.id} has the unknown status {study.status!r}")
        if not study.folder or not (store.data_dir / study.folder).is_dir():
            problems.append(f"the folder {study.folder or '(none)'} of study {study.id} is missing")
    _duplicates(problems, "Study Instance UID", [s.study_uid for s in studies.values()])
    _duplicates(problems, "accession number", [s.accession.upper() for s in studies.values()])
    for item in series.values():
        if item.study_id not in studies:
            problems.append(f"series {item.id} belongs to study {item.study_id}, which does not exist")
        for label, path in (("raw file", item.raw_file), ("DICOM folder", item.dicom_folder)):
            if path and not (store.data_dir / path).exists():
                problems.append(f"the {label} {path} of series {item.id} is missing")
    for job in sends.values():
        if job.study_id not in studies:
            problems.append(f"send job {job.id} is for study {job.study_id}, which does not exist")
        if job.series_id and job.series_id not in series:
            problems.append(f"send job {job.id} is for series {job.series_id}, which does not exist")
    used = {s.folder for s in studies.values()}
    folder = store.data_dir / STUDIES_FOLDER
    if folder.is_dir():
        unused = [p.name for p in folder.iterdir() if p.is_dir() and f"{STUDIES_FOLDER}/{p.name}" not in used]
        if unused:
            notes.append(f"{len(unused)} study folder(s) belong to no study (left by an interrupted registration)")
    counts = {table: len(records[table]) for table in _MODELS}
    return VerifyReport(counts, tuple(problems), tuple(notes))


def _check_pet(pet: Pet, owners: dict[str, Owner]) -> list[str]:
    found = []
    if pet.owner_id not in owners:
        found.append(f"pet {pet.id} belongs to owner {pet.owner_id}, which does not exist")
    try:
        species = clean_species(pet.species)
        if pet.microchip:
            clean_microchip(pet.microchip)
        for entry in pet.weights:
            species.check_weight(entry.weight_kg)
    except UserInputError as exc:
        found.append(f"pet {pet.id}: {exc}")
    if not pet.patient_id or len(pet.patient_id) > 64:
        found.append(f"pet {pet.id} has no usable Patient ID")
    return found


def _duplicates(problems: list[str], what: str, values: list[str]) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            problems.append(f"the {what} {value} is used {count} times")
