"""Studies and series: register an examination, its folder, its series and their files.

Mixed into :class:`vetmri.records.store.RecordStore`. A study's folder
(``studies/<Study Instance UID>/`` in the data folder) is created owner-only before the
study is saved, so a saved study always has its folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tinydb import Query

from vetmri.datadir import ensure_private_folder
from vetmri.errors import UserInputError
from vetmri.records.ids import format_id, new_accession, new_study_uid
from vetmri.records.index import key_of
from vetmri.records.models import STUDY_STATUSES, Series, Study, StudyContext
from vetmri.records.validation import check_weight, clean_species, clean_text, parse_day

__all__ = ["STUDIES_FOLDER", "StudyRecords"]

STUDIES_FOLDER = "studies"
STUDY_FIELDS = ("region", "status", "plan_summary", "weight_kg", "operator", "referring_vet",
                "referring_clinic", "study_date", "status_reason", "exam_started_at", "exam_ended_at",
                "anaesthesia_s", "position", "training")
SERIES_FIELDS = ("description", "parameters", "series_uid", "raw_file", "dicom_folder", "image_count")
_UID_CHARS = set("0123456789.")


class StudyRecords:
    """Study and series methods of the record store."""

    def add_study(
        self,
        pet_id: str,
        region: str,
        *,
        study_date: str | date | None = None,
        plan_summary: str = "",
        weight_kg: float | None = None,
        operator: str = "",
        referring_vet: str = "",
        referring_clinic: str = "",
        accession: str = "",
        study_uid: str = "",
        status: str = "planned",
    ) -> Study:
        """Register a study of ``pet_id``, make its folder, and return it.

        The Study Instance UID and the accession number are made when not given. A weight
        at scan is checked against the species and added to the pet's history. A referring
        vet or clinic not given is the pet's (see :class:`Pet`), if it has one.
        """
        day = parse_day(study_date, "study date") or date.today()
        uid = _clean_uid(study_uid) if study_uid else new_study_uid(self.uid_root)
        doc: dict[str, Any] = {
            "pet": "",
            "study_uid": uid,
            "accession": clean_text(accession, "accession number", max_length=16),
            "study_date": day.isoformat(),
            "region": _required(region, "body region"),
            "status": _status(status),
            "plan_summary": clean_text(plan_summary, "plan summary", max_length=2000, multiline=True),
            "weight_kg": None,
            "operator": clean_text(operator, "operator", max_length=64),
            "referring_vet": clean_text(referring_vet, "referring vet", max_length=64),
            "referring_clinic": clean_text(referring_clinic, "referring clinic", max_length=64),
            "patient_id": "",
            "folder": f"{STUDIES_FOLDER}/{uid}",
            "created_at": self._now(),
        }
        ensure_private_folder(self.data_dir / STUDIES_FOLDER)
        with self._write():
            pet_number, pet = self._doc("pets", pet_id, "pet")
            for key in ("referring_vet", "referring_clinic"):
                if not doc[key]:
                    doc[key] = pet.get(key, "")
            if weight_kg is not None:
                doc["weight_kg"] = check_weight(clean_species(pet["species"]), weight_kg)
                weighing = [day.isoformat(), doc["weight_kg"]]
                if weighing not in [list(w) for w in pet["weights"]]:  # the same weighing is kept once
                    pet["weights"] = sorted([*pet["weights"], weighing])
                    self._replace("pets", pet_number, pet)
            if uid in self._index.study_by_uid:
                raise UserInputError(f"A study with the Study Instance UID {uid} exists already.")
            number = self._next_number("studies")
            doc["accession"] = doc["accession"] or new_accession(day, number)
            if doc["accession"].upper() in self._index.study_by_accession:
                raise UserInputError(f"The accession number {doc['accession']} is taken; leave it out to get a new one.")
            doc["pet"] = format_id("pets", pet_number)
            doc["patient_id"] = pet["patient_id"]
            ensure_private_folder(self.data_dir / doc["folder"])
            self._insert("studies", number, doc)
        return Study.from_doc(format_id("studies", number), doc)

    def edit_study(self, study_id: str, **changes: Any) -> Study:
        """Change some study fields (region, status, plan_summary, weight_kg, operator, ...)."""
        unknown = set(changes) - set(STUDY_FIELDS)
        if unknown:
            raise UserInputError(f"A study has no field {sorted(unknown)[0]!r}; editable: {', '.join(STUDY_FIELDS)}.")
        with self._write():
            number, doc = self._doc("studies", study_id, "study")
            for key, value in changes.items():
                if key == "region":
                    doc[key] = _required(value, "body region")
                elif key == "status":
                    doc[key] = _status(value)
                elif key == "study_date":
                    doc[key] = parse_day(value, "study date", required=True).isoformat()  # type: ignore[union-attr]
                elif key == "weight_kg":
                    _, pet = self._doc("pets", doc["pet"], "pet")
                    doc[key] = None if value is None else check_weight(clean_species(pet["species"]), value)
                elif key in ("exam_started_at", "exam_ended_at"):
                    doc[key] = _moment_text(value, key.replace("_", " "))
                elif key == "anaesthesia_s":
                    doc[key] = _seconds(value)
                elif key == "training":
                    if not isinstance(value, bool):
                        raise UserInputError("A study's training mark is true or false.")
                    doc[key] = value
                elif key == "status_reason":
                    doc[key] = clean_text(value, "status reason", max_length=500)
                else:
                    limit = 2000 if key == "plan_summary" else 64
                    doc[key] = clean_text(value, key.replace("_", " "), max_length=limit, multiline=True)
            self._replace("studies", number, doc)
        return Study.from_doc(format_id("studies", number), doc)

    def set_study_status(self, study_id: str, status: str) -> Study:
        """Move a study to ``status`` (planned, scanning, acquired, reconstructed, completed, cancelled)."""
        return self.edit_study(study_id, status=status)

    def study(self, study_id: str) -> Study:
        """The study ``study_id`` (``S-000042``)."""
        number, doc = self._doc("studies", study_id, "study")
        return Study.from_doc(format_id("studies", number), doc)

    def study_context(self, study_id: str) -> StudyContext:
        """The study with its pet and owner, read together (for DICOM headers)."""
        with self._storage.lock.shared():
            study = self.study(study_id)
            pet = self.pet(study.pet_id)
            return StudyContext(study, pet, self.owner(pet.owner_id))

    def study_folder(self, study_id: str) -> Path:
        """The study's folder in the data folder (full plans, raw data, DICOM files go here)."""
        return self.data_dir / self.study(study_id).folder

    def study_by_uid(self, study_uid: str) -> Study | None:
        """The study with this Study Instance UID."""
        self._fresh()
        key = self._index.study_by_uid.get(study_uid.strip())
        return None if key is None else self.study(key)

    def study_by_accession(self, accession: str) -> Study | None:
        """The study with this accession number (case ignored)."""
        self._fresh()
        key = self._index.study_by_accession.get(accession.strip().upper())
        return None if key is None else self.study(key)

    def studies_of_pet(self, pet_id: str) -> list[Study]:
        """The pet's studies, newest first."""
        pet = self.pet(pet_id)
        studies = [self.study(k) for k in self._index.studies_by_pet.get(key_of(pet.id), ())]
        return sorted(studies, key=lambda s: (s.study_date, s.id), reverse=True)

    def list_studies(self, *, date_from: str | date | None = None, date_to: str | date | None = None,
                     status: str | None = None) -> list[Study]:
        """Studies in a date range (inclusive) and/or of one status, newest first."""
        low, high = _range(date_from, date_to)
        item = Query()
        condition = (item.study_date >= low.isoformat()) & (item.study_date <= high.isoformat())
        if status is not None:
            condition &= item.status == _status(status)
        docs = self._table("studies").search(condition)
        studies = [Study.from_doc(format_id("studies", d.doc_id), d) for d in docs]
        return sorted(studies, key=lambda s: (s.study_date, s.id), reverse=True)

    # -- series ----------------------------------------------------------------------------

    def add_series(
        self,
        study_id: str,
        description: str,
        *,
        number: int | None = None,
        parameters: dict[str, Any] | None = None,
        series_uid: str = "",
        raw_file: str = "",
        dicom_folder: str = "",
        image_count: int = 0,
    ) -> Series:
        """Register a series of a study (``number`` defaults to the next free one).

        ``raw_file`` and ``dicom_folder`` are paths relative to the data folder.
        """
        doc = {
            "study": "",
            "number": 0,
            "description": _required(description, "series description"),
            "parameters": _parameters(parameters),
            "series_uid": _clean_uid(series_uid) if series_uid else "",
            "raw_file": _relative(raw_file, "raw file"),
            "dicom_folder": _relative(dicom_folder, "DICOM folder"),
            "image_count": _count(image_count),
            "created_at": self._now(),
        }
        with self._write():
            study_number, _ = self._doc("studies", study_id, "study")
            existing = [self._table("series").get(doc_id=int(k)) for k in self._index.series_by_study.get(str(study_number), ())]
            used = {d["number"] for d in existing if d}
            wanted = max(used, default=0) + 1 if number is None else int(number)
            if wanted < 1 or wanted in used:
                raise UserInputError(f"Series number {wanted} is taken or below 1 in this study; leave it out to get the next one.")
            doc["study"] = format_id("studies", study_number)
            doc["number"] = wanted
            record = self._next_number("series")
            self._insert("series", record, doc)
        return Series.from_doc(format_id("series", record), doc)

    def edit_series(self, series_id: str, **changes: Any) -> Series:
        """Change some series fields (description, parameters, series_uid, raw_file, dicom_folder, image_count)."""
        unknown = set(changes) - set(SERIES_FIELDS)
        if unknown:
            raise UserInputError(f"A series has no field {sorted(unknown)[0]!r}; editable: {', '.join(SERIES_FIELDS)}.")
        cleaners = {"description": lambda v: _required(v, "series description"), "parameters": _parameters,
                    "series_uid": _clean_uid, "raw_file": lambda v: _relative(v, "raw file"),
                    "dicom_folder": lambda v: _relative(v, "DICOM folder"), "image_count": _count}
        cleaned = {k: cleaners[k](v) for k, v in changes.items()}
        with self._write():
            number, doc = self._doc("series", series_id, "series")
            doc.update(cleaned)
            self._replace("series", number, doc)
        return Series.from_doc(format_id("series", number), doc)

    def series(self, series_id: str) -> Series:
        """The series ``series_id`` (``SE-000042``)."""
        number, doc = self._doc("series", series_id, "series")
        return Series.from_doc(format_id("series", number), doc)

    def series_of_study(self, study_id: str) -> list[Series]:
        """The study's series by series number."""
        study = self.study(study_id)
        found = [self.series(k) for k in self._index.series_by_study.get(key_of(study.id), ())]
        return sorted(found, key=lambda s: s.number)

    def _pets_seen_between(self, seen_from: str | date | None, seen_to: str | date | None) -> set[str]:
        return {key_of(s.pet_id) for s in self.list_studies(date_from=seen_from, date_to=seen_to)}


def _range(date_from: str | date | None, date_to: str | date | None) -> tuple[date, date]:
    low = parse_day(date_from, "start date", allow_future=True) or date(1900, 1, 1)
    high = parse_day(date_to, "end date", allow_future=True) or date.max
    if low > high:
        raise UserInputError(f"The date range starts ({low}) after it ends ({high}); swap the dates.")
    return low, high


def _moment_text(value: Any, what: str) -> str:
    """An ISO 8601 moment with its time zone (or empty)."""
    from datetime import datetime

    text = str(value or "").strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserInputError(f"The {what} {text!r} is not a date and time like 2026-12-06T14:02:00+00:00.") from None
    if moment.tzinfo is None:
        raise UserInputError(f"The {what} {text!r} has no time zone; add +00:00 for UTC.")
    return moment.isoformat()


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 7 * 86400:
        raise UserInputError(f"The anaesthesia time must be seconds from 0 to a week, not {value!r}.")
    return round(float(value), 1)


def _required(text: str, what: str) -> str:
    cleaned = clean_text(text, what, max_length=64)
    if not cleaned:
        raise UserInputError(f"The {what} is empty; type it.")
    return cleaned


def _status(text: str) -> str:
    if text not in STUDY_STATUSES:
        raise UserInputError(f"The study status {text!r} is not one of {', '.join(STUDY_STATUSES)}.")
    return text


def _clean_uid(text: str) -> str:
    uid = str(text).strip()
    if not uid or len(uid) > 64 or not set(uid) <= _UID_CHARS or ".." in uid or uid.startswith(".") or uid.endswith("."):
        raise UserInputError(f"{text!r} is not a DICOM UID (digits and dots, at most 64 characters).")
    return uid


def _relative(text: str, what: str) -> str:
    cleaned = clean_text(text, what, max_length=500)
    if cleaned.startswith("/") or ".." in cleaned.split("/"):
        raise UserInputError(f"The {what} {cleaned!r} must be a path inside the data folder, like studies/<uid>/raw/exam.h5.")
    return cleaned


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserInputError(f"The image count must be a whole number of 0 or more, not {value!r}.")
    return value


def _parameters(value: dict[str, Any] | None) -> dict[str, Any]:
    params = dict(value or {})
    for key, item in params.items():
        if not isinstance(key, str) or not (item is None or isinstance(item, (str, int, float, bool))):
            raise UserInputError(f"The series parameter {key!r} must be text or a number; keep the full parameters in the study folder.")
    return params
