"""Read DICOM files and folders (a prior study, a USB stick) into typed summaries.

Every file is checked before it is trusted: it must be a DICOM Part 10 file that pydicom
parses, carry the identifying UIDs, and (for uncompressed images) hold all its pixels. A
file that fails is refused with one sentence naming it; a folder lists what it refused
beside what it read. A DICOMDIR is recognised as the index it is, and files it lists but
the medium lacks are reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vetmri.dicom.patient import Code, PersonName, Species
from vetmri.errors import UserInputError

__all__ = [
    "FolderContents",
    "InstanceSummary",
    "PatientSummary",
    "RefusedFile",
    "SeriesSummary",
    "StudySummary",
    "read_dicom_file",
    "read_folder",
]

DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10"
_REQUIRED = ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID")


@dataclass(frozen=True)
class PatientSummary:
    """The animal as a DICOM file describes it (empty strings where the file is silent)."""

    patient_id: str
    pet_name: str
    owner: PersonName
    species: Species
    breed: str
    sex: str
    neutered: str
    weight_kg: float | None
    birth_date: date | None
    responsible_organization: str


@dataclass(frozen=True)
class InstanceSummary:
    """One readable DICOM file."""

    path: Path
    sop_class_uid: str
    sop_instance_uid: str
    transfer_syntax_uid: str
    instance_number: int | None


@dataclass(frozen=True)
class SeriesSummary:
    """One series: its identity and its files, in instance-number order."""

    series_instance_uid: str
    number: int | None
    modality: str
    description: str
    body_part: str
    instances: tuple[InstanceSummary, ...]


@dataclass(frozen=True)
class StudySummary:
    """One study found in a folder, with its patient and series."""

    study_instance_uid: str
    study_id: str
    accession_number: str
    study_date: date | None
    description: str
    patient: PatientSummary
    series: tuple[SeriesSummary, ...]


@dataclass(frozen=True)
class RefusedFile:
    """A file that was not read, and why (one sentence naming the file)."""

    path: Path
    reason: str


@dataclass(frozen=True)
class FolderContents:
    """What :func:`read_folder` found: studies, and the files it refused."""

    studies: tuple[StudySummary, ...]
    refused: tuple[RefusedFile, ...]


def read_dicom_file(path: Path, *, pixels: bool = True):
    """Read and check one DICOM file; return the pydicom ``Dataset``.

    Parameters
    ----------
    path : Path
        The file.
    pixels : bool
        Also read and check the pixel data (``False`` stops before it).

    Raises
    ------
    UserInputError
        Not a DICOM file, broken or incomplete; the message names the file.
    """
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=not pixels)
    except InvalidDicomError:
        raise UserInputError(f"{path} is not a DICOM file (no DICM marker); only DICOM files can be imported.") from None
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, NotImplementedError) as exc:
        raise UserInputError(f"{path} is a broken DICOM file that cannot be read ({_short(exc)}); ask for a new copy.") from None
    if ds.file_meta.get("MediaStorageSOPClassUID") == DICOMDIR_SOP_CLASS:
        return ds
    missing = [k for k in _REQUIRED if not str(ds.get(k, "")).strip()]
    if missing:
        raise UserInputError(f"{path} is an incomplete DICOM file (it lacks {', '.join(missing)}); ask for a new copy.")
    if pixels and "PixelData" in ds and not ds.file_meta.TransferSyntaxUID.is_compressed:
        expected = _expected_pixel_bytes(ds)
        if expected is not None and len(ds.PixelData) < expected:
            raise UserInputError(
                f"{path} is a truncated DICOM file ({len(ds.PixelData)} of {expected} bytes of pixels); ask for a new copy."
            )
    return ds


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _expected_pixel_bytes(ds) -> int | None:
    try:
        frames = int(ds.get("NumberOfFrames", 1) or 1)
        return int(ds.Rows) * int(ds.Columns) * int(ds.SamplesPerPixel) * frames * int(ds.BitsAllocated) // 8
    except (AttributeError, TypeError, ValueError):
        return None


def _text(ds, keyword: str) -> str:
    return str(ds.get(keyword, "") or "").strip()


def _code(ds, keyword: str) -> Code | None:
    sequence = ds.get(keyword)
    if not sequence:
        return None
    item = sequence[0]
    return Code(_text(item, "CodeValue"), _text(item, "CodingSchemeDesignator"), _text(item, "CodeMeaning"))


def _date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) >= 8 else None
    except ValueError:
        return None


def patient_summary(ds) -> PatientSummary:
    """The animal described by a dataset (veterinary convention: ``Owner^Pet``)."""
    from vetmri.dicom.codes import species_by_code

    name = PersonName.from_dicom(_text(ds, "PatientName")) if _text(ds, "PatientName") else PersonName("")
    owner_text = _text(ds, "ResponsiblePerson")
    owner = PersonName.from_dicom(owner_text) if owner_text else PersonName(name.family)
    try:
        weight = float(ds.get("PatientWeight")) if ds.get("PatientWeight") not in (None, "") else None
    except (TypeError, ValueError):
        weight = None
    return PatientSummary(
        patient_id=_text(ds, "PatientID"),
        pet_name=name.given or name.family,
        owner=owner,
        species=species_by_code(_code(ds, "PatientSpeciesCodeSequence"), _text(ds, "PatientSpeciesDescription")),
        breed=_text(ds, "PatientBreedDescription"),
        sex=_text(ds, "PatientSex"),
        neutered=_text(ds, "PatientSexNeutered"),
        weight_kg=weight,
        birth_date=_date(_text(ds, "PatientBirthDate")),
        responsible_organization=_text(ds, "ResponsibleOrganization"),
    )


def _files_below(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path


def _dicomdir_gaps(path: Path, ds) -> list[RefusedFile]:
    """Files a DICOMDIR lists that are missing from the medium."""
    gaps = []
    for record in ds.get("DirectoryRecordSequence", []):
        parts = record.get("ReferencedFileID")
        if not parts:
            continue
        parts = [parts] if isinstance(parts, str) else list(parts)
        target = path.parent.joinpath(*parts)
        if not target.exists():
            gaps.append(RefusedFile(target, f"{target} is listed in {path} but missing from the medium; copy the study again."))
    return gaps


def read_folder(folder: Path) -> FolderContents:
    """Read every DICOM file below ``folder`` (recursively) into study summaries.

    Raises
    ------
    UserInputError
        ``folder`` does not exist, or holds no readable DICOM image at all.
    """
    folder = Path(folder)
    if not folder.exists():
        raise UserInputError(f"{folder} does not exist; give the folder or file to read.")
    paths = [folder] if folder.is_file() else list(_files_below(folder))
    refused: list[RefusedFile] = []
    by_study: dict[str, tuple[object, dict[str, list]]] = {}
    for path in paths:
        try:
            ds = read_dicom_file(path)
        except UserInputError as exc:
            refused.append(RefusedFile(path, str(exc)))
            continue
        if ds.file_meta.get("MediaStorageSOPClassUID") == DICOMDIR_SOP_CLASS:
            refused.extend(_dicomdir_gaps(path, ds))
            continue
        if "PixelData" in ds:
            del ds.PixelData  # checked; keep only the header in memory
        _, series = by_study.setdefault(str(ds.StudyInstanceUID), (ds, {}))
        members = series.setdefault(str(ds.SeriesInstanceUID), [ds])
        members.append(_instance_summary(ds, path))
    if not by_study:
        reasons = f" ({refused[0].reason})" if len(refused) == 1 else ""
        raise UserInputError(f"No readable DICOM images were found in {folder}{reasons}; check the folder or medium.")
    studies = tuple(_study_summary(first, series) for first, series in by_study.values())
    return FolderContents(studies=studies, refused=tuple(refused))


def _instance_summary(ds, path: Path) -> InstanceSummary:
    number = ds.get("InstanceNumber")
    return InstanceSummary(
        path=path,
        sop_class_uid=str(ds.SOPClassUID),
        sop_instance_uid=str(ds.SOPInstanceUID),
        transfer_syntax_uid=str(ds.file_meta.TransferSyntaxUID),
        instance_number=int(number) if number not in (None, "") else None,
    )


def _study_summary(first, series: dict[str, list]) -> StudySummary:
    summaries = []
    for uid, (ds0, *members) in series.items():
        instances = sorted(
            members, key=lambda i: (i.instance_number is None, i.instance_number or 0, str(i.path))
        )
        number = ds0.get("SeriesNumber")
        summaries.append(
            SeriesSummary(
                series_instance_uid=uid,
                number=int(number) if number not in (None, "") else None,
                modality=_text(ds0, "Modality"),
                description=_text(ds0, "SeriesDescription"),
                body_part=_text(ds0, "BodyPartExamined"),
                instances=tuple(instances),
            )
        )
    summaries.sort(key=lambda s: (s.number is None, s.number or 0, s.series_instance_uid))
    return StudySummary(
        study_instance_uid=str(first.StudyInstanceUID),
        study_id=_text(first, "StudyID"),
        accession_number=_text(first, "AccessionNumber"),
        study_date=_date(_text(first, "StudyDate")),
        description=_text(first, "StudyDescription"),
        patient=patient_summary(first),
        series=tuple(summaries),
    )
