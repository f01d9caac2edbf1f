"""Import prior studies (a folder, a USB stick, a CD) into the records.

Every file is checked first (:func:`vetmri.dicom.reader.read_folder`); if any is refused,
nothing is imported and each refused file is named. Otherwise each study becomes a study
of the records (status ``completed``, its summary saying where it was imported from) of a
pet matched by Patient ID, then microchip, or created with its owner; its files are
copied into the study folder, one folder per series, and each series is registered. One
study is saved in one transaction: a failure leaves neither records nor files of it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import OperationFailedError, UserInputError

if TYPE_CHECKING:
    from vetmri.dicom.animals_to_records import PetMatch
    from vetmri.dicom.reader import RefusedFile, StudySummary
    from vetmri.records.models import Study as StudyRecord
    from vetmri.records.store import RecordStore

__all__ = ["ImportResult", "ImportedStudy", "SkippedStudy", "import_dicom"]

IMPORTED_STATUS = "completed"
_REGIONS = {"SKULL": "brain", "HEAD": "brain", "BRAIN": "brain", "CSPINE": "cervical_spine",
            "TSPINE": "thoracolumbar_spine", "LSPINE": "thoracolumbar_spine", "SPINE": "thoracolumbar_spine",
            "TLSPINE": "thoracolumbar_spine", "KNEE": "stifle", "ABDOMEN": "coelom"}


@dataclass(frozen=True)
class ImportedStudy:
    """A study now in the records.

    Attributes
    ----------
    study : Study (records)
    match : PetMatch
        The pet and owner, and whether they were matched or created.
    series : int
        Series registered.
    files : int
        Files copied into the study folder.
    notes : tuple of str
        What changed on the way (a taken accession number replaced, a weight left out).
    """

    study: "StudyRecord"
    match: "PetMatch"
    series: int
    files: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SkippedStudy:
    """A study that was not imported because the records have it already."""

    study_instance_uid: str
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_dicom` did; when ``refused`` is not empty nothing was imported."""

    imported: tuple[ImportedStudy, ...]
    skipped: tuple[SkippedStudy, ...]
    refused: tuple["RefusedFile", ...]


def _region(study: "StudySummary") -> str:
    for series in study.series:
        if series.body_part.upper() in _REGIONS:
            return _REGIONS[series.body_part.upper()]
    for series in study.series:
        if series.body_part.strip():
            return series.body_part.strip().lower()[:64]
    return "unknown"


def import_dicom(store: "RecordStore", path: Path) -> ImportResult:
    """Import the DICOM studies found below ``path`` into the records.

    Raises
    ------
    UserInputError
        ``path`` holds no readable DICOM image, or a study's animal cannot become a pet
        (no name, no owner, a species without protocols): then nothing is imported.
    OperationFailedError
        The files could not be copied (that study is rolled back).
    """
    from vetmri.dicom.animals_to_records import check_animal
    from vetmri.dicom.reader import read_folder

    contents = read_folder(Path(path))
    if contents.refused:
        return ImportResult((), (), contents.refused)
    todo, skipped = [], []
    for study in contents.studies:
        existing = store.study_by_uid(study.study_instance_uid)
        if existing is not None:
            skipped.append(SkippedStudy(study.study_instance_uid,
                                        f"study {study.study_instance_uid} is in the records already as {existing.id}"))
            continue
        try:
            check_animal(study.patient)
        except UserInputError as exc:
            raise UserInputError(f"Study {study.study_instance_uid}: {exc} Nothing was imported.") from None
        todo.append(study)
    imported = [_import_study(store, study, Path(path)) for study in todo]
    return ImportResult(tuple(imported), tuple(skipped), ())


def _import_study(store: "RecordStore", summary: "StudySummary", source: Path) -> ImportedStudy:
    from vetmri.dicom.animals_to_records import register_animal

    notes: list[str] = []
    accession = summary.accession_number[:16]
    if accession and store.study_by_accession(accession) is not None:
        notes.append(f"accession number {accession} is taken in the records; the study got a new one")
        accession = ""
    day = summary.study_date if summary.study_date and summary.study_date <= date.today() else None
    folder: Path | None = None
    try:
        with store.bulk():
            match = register_animal(store, summary.patient)
            notes.extend(match.notes)
            study = store.add_study(
                match.pet.id, _region(summary), study_date=day, accession=accession,
                study_uid=summary.study_instance_uid, status=IMPORTED_STATUS,
                plan_summary=f"Imported from {source}" + (f": {summary.description}" if summary.description else ""),
                referring_clinic=summary.patient.responsible_organization[:64],
            )
            folder = store.data_dir / study.folder
            used: set[int] = set()
            files = 0
            for series in summary.series:
                number = series.number if series.number and series.number not in used and series.number <= 9999 else max(used, default=0) + 1
                used.add(number)
                name = _folder_name(number, series.description)
                target = folder / "dicom" / name
                target.mkdir(parents=True, exist_ok=True)
                for index, instance in enumerate(series.instances, start=1):
                    shutil.copyfile(instance.path, target / f"IM{index:05d}.dcm")
                files += len(series.instances)
                store.add_series(
                    study.id, (series.description or f"{series.modality} series {number}")[:64], number=number,
                    series_uid=series.series_instance_uid, dicom_folder=target.relative_to(store.data_dir).as_posix(),
                    image_count=len(series.instances), parameters={"modality": series.modality, "body_part": series.body_part},
                )
    except OSError as exc:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise OperationFailedError(
            f"Could not copy study {summary.study_instance_uid} into the data folder ({exc.strerror or exc}); nothing of it was imported."
        ) from None
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return ImportedStudy(store.study(study.id), match, len(summary.series), files, tuple(notes))


def _folder_name(number: int, description: str) -> str:
    """``S003_T2_sag``: the series number and its description in portable characters."""
    import re

    words = re.sub(r"[^A-Za-z0-9]+", "_", description).strip("_")[:40]
    return f"S{number:03d}" + (f"_{words}" if words else "")
