"""Export a study of the records as a DICOM File-set (a DICOMDIR for a USB stick or CD).

The files are written by pydicom's :class:`~pydicom.fileset.FileSet` in the layout of
PS3.10 (``DICOMDIR`` plus ``PT000000/ST000000/SE000000/IM000000``...), which every viewer
on a referring vet's computer can open. With ``anonymize`` the copies are de-identified
first (:mod:`vetmri.dicom.deidentify`); the originals in the study folder never change.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import OperationFailedError, UserInputError

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = ["ExportResult", "export_study"]


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_study` wrote.

    Attributes
    ----------
    study_id : str
        The study exported.
    dicomdir : Path
        The DICOMDIR file.
    files : tuple of Path
        The image files of the File-set.
    anonymized : bool
        Whether the copies were de-identified.
    pseudonym : str
        The Patient ID of de-identified copies ("" otherwise).
    """

    study_id: str
    dicomdir: Path
    files: tuple[Path, ...]
    anonymized: bool
    pseudonym: str = ""


def export_study(
    store: "RecordStore",
    study_ref: str,
    out_dir: Path,
    *,
    anonymize: bool = False,
    keep_characteristics: bool = False,
    uid_root: str = "2.25",
) -> ExportResult:
    """Write the DICOM files of a study with a DICOMDIR into ``out_dir``.

    Parameters
    ----------
    store : RecordStore
        The records.
    study_ref : str
        Our study id (``S-000042``) or its Study Instance UID.
    out_dir : Path
        An empty or new folder (the root of the USB stick, for instance).
    anonymize : bool
        De-identify the copies (PS3.15 basic profile, dates shifted, new UIDs).
    keep_characteristics : bool
        With ``anonymize``: keep breed, sex, neutering, weight and age (teaching files).

    Raises
    ------
    UserInputError
        No such study, no DICOM files, or ``out_dir`` already holds a File-set or files.
    OperationFailedError
        ``out_dir`` cannot be written.
    """
    from pydicom.fileset import FileSet

    from vetmri.dicom.deidentify import DeidentifyOptions
    from vetmri.dicom.send_queue import find_study
    from vetmri.records.models import SendJob

    if keep_characteristics and not anonymize:
        raise UserInputError("--keep-characteristics only applies with --anonymize.")
    study = find_study(store, study_ref)
    paths = _study_files(store, SendJob("", study.id, ""))
    if not paths:
        raise UserInputError(f"Study {study.id} has no DICOM files to export; write them first (vetmri recon --format dicom).")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise UserInputError(f"{out_dir} is not empty; export into an empty folder (or an empty USB stick).")
    pseudonym = ""
    sources: list = list(paths)
    if anonymize:
        pseudonym = "ANON" + secrets.token_hex(4).upper()
        options = DeidentifyOptions(pseudonym=pseudonym, uid_root=uid_root, date_shift_days=-secrets.randbelow(365) - 1,
                                    keep_characteristics=keep_characteristics)
        sources = [_deidentified(path, options) for path in paths]
    fileset = FileSet()
    try:
        for source in sources:
            fileset.add(source)
    except ValueError as exc:
        raise UserInputError(f"A file of study {study.id} cannot go into a DICOMDIR ({exc}).") from None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fileset.write(out_dir)
    except OSError as exc:
        raise OperationFailedError(f"Could not write the export into {out_dir} ({exc.strerror or exc}); check the medium.") from None
    files = tuple(sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != "DICOMDIR"))
    return ExportResult(study.id, out_dir / "DICOMDIR", files, anonymize, pseudonym)


def _deidentified(path: Path, options):
    """A de-identified dataset of ``path`` that a DICOMDIR can index.

    The Study ID, emptied by the profile, gets the dummy value ``1`` (PS3.15 allows a
    dummy for it), because a DICOMDIR's study record needs one.
    """
    from vetmri.dicom.deidentify import deidentify_dataset
    from vetmri.dicom.reader import read_dicom_file

    ds = read_dicom_file(path)
    deidentify_dataset(ds, options)
    if not str(ds.get("StudyID", "")).strip():
        ds.StudyID = "1"
    return ds


def _study_files(store: "RecordStore", job) -> list[Path]:
    from vetmri.dicom.send_queue import job_files

    return job_files(store, job)
