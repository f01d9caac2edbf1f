"""What the referring vet's report says, gathered from the records and the study's DICOM
files (no layout here: :mod:`vetmri.report.pdf` lays it out).

Images: the key images chosen at review, with the window/level they were reviewed at;
a series without key images contributes its middle slice with the window the DICOM file
carries. The anaesthesia log is a plain list of :class:`VitalsEntry` the caller gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    import numpy as np

    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["KeyImage", "ReportContent", "ReportImage", "ReportSeries", "VitalsEntry", "age_text", "gather_report"]


@dataclass(frozen=True)
class KeyImage:
    """An image chosen for the report: a series and its 0-based slice (or the image's SOP
    Instance UID), and the window it was reviewed at (None: the file's window)."""

    series_id: str
    slice_index: int
    window_center: float | None = None
    window_width: float | None = None
    note: str = ""
    sop_instance_uid: str = ""


@dataclass(frozen=True)
class VitalsEntry:
    """One line of the anaesthesia log: when (``'09:42'`` or minutes into the exam) and
    the readings as (label, value) pairs, e.g. ``(("HR", "92 /min"), ("SpO2", "98 %"))``."""

    time: str
    readings: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class ReportSeries:
    """A series as the report lists it (times in seconds, angles in degrees)."""

    number: int
    description: str
    sequence: str
    tr_s: float | None
    te_s: float | None
    ti_s: float | None
    flip_angle_deg: float | None
    echo_train_length: int | None
    matrix: str
    images: int
    scan_time_s: float | None


@dataclass(frozen=True, eq=False)
class ReportImage:
    """A windowed image ready to print.

    Attributes
    ----------
    pixels : ndarray of shape (R, C), uint8
        Grey levels after the window (0 black, 255 white).
    aspect : float
        Height / width of the printed image (pixel spacing taken into account).
    caption : str
        ``#3 T2 TSE transverse, slice 10/19, W 1200 L 600``.
    key : bool
        Chosen at review (False: the middle slice of a series without key images).
    """

    pixels: "np.ndarray"
    aspect: float
    caption: str
    key: bool


@dataclass(frozen=True, eq=False)
class ReportContent:
    """Everything the report says."""

    clinic: str
    station: str
    study_id: str
    accession: str
    exam_date: date
    region: str
    pet: tuple[tuple[str, str], ...]
    owner: tuple[tuple[str, str], ...]
    referral: tuple[tuple[str, str], ...]
    exam: tuple[tuple[str, str], ...]
    series: tuple[ReportSeries, ...]
    images: tuple[ReportImage, ...]
    comment: str
    vitals: tuple[VitalsEntry, ...] = ()
    training: bool = False
    pet_name: str = field(default="")


def age_text(birth: date | None, on: date) -> str:
    """``'5 years 3 months'``, ``'7 months'``, ``'3 weeks'`` or ``'unknown'``."""
    if birth is None or birth > on:
        return "unknown"
    months = (on.year - birth.year) * 12 + on.month - birth.month - (on.day < birth.day)
    if months >= 24:
        years, rest = divmod(months, 12)
        return f"{years} years" + (f" {rest} months" if rest else "")
    if months >= 2:
        return f"{months} months"
    weeks = (on - birth).days // 7
    return f"{weeks} weeks" if weeks >= 2 else f"{(on - birth).days} days"


def _windowed(pixels: "np.ndarray", center: float, width: float) -> "np.ndarray":
    import numpy as np

    low = center - width / 2.0
    scaled = (pixels.astype(np.float32) - low) / max(width, 1e-6)
    return (np.clip(scaled, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def _image(folder: Path, series, key: KeyImage | None) -> ReportImage:
    from vetmri.dicom.series_slice import read_series_slice

    if key is None:
        picked = read_series_slice(folder)
    else:
        picked = read_series_slice(folder, key.slice_index, sop_instance_uid=key.sop_instance_uid)
    center = picked.window_center if key is None or key.window_center is None else key.window_center
    width = picked.window_width if key is None or key.window_width is None else key.window_width
    rows, cols = picked.pixels.shape
    aspect = (rows * picked.pixel_spacing_mm[0]) / max(cols * picked.pixel_spacing_mm[1], 1e-9)
    caption = f"#{series.number} {series.description}, slice {picked.index + 1}/{picked.count}, W {width:.0f} L {center:.0f}"
    if key is not None and key.note:
        caption += f": {key.note}"
    return ReportImage(_windowed(picked.pixels, center, width), aspect, caption, key is not None)


def _number(value) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _series_row(s) -> ReportSeries:
    p = s.parameters
    etl = _number(p.get("echo_train_length"))
    return ReportSeries(s.number, s.description, str(p.get("sequence", "")), _number(p.get("tr_s")), _number(p.get("te_s")),
                        _number(p.get("ti_s")), _number(p.get("flip_angle_deg")), None if etl is None else int(etl),
                        str(p.get("matrix", "")), s.image_count, _number(p.get("scan_time_s")))


def gather_report(store: "RecordStore", settings: "Settings", study_ref: str, *, comment: str = "",
                  key_images: Sequence[KeyImage] = (), vitals: Sequence[VitalsEntry] = (),
                  training: bool | None = None) -> ReportContent:
    """The report of a study: our id (``S-000042``) or its Study Instance UID.

    Raises
    ------
    UserInputError
        No such study, a study without DICOM series, or a key image beyond its series.
    """
    from vetmri.dicom.send_queue import find_study

    study = find_study(store, study_ref)
    pet = store.pet(study.pet_id)
    owner = store.owner(pet.owner_id)
    series = sorted((s for s in store.series_of_study(study.id) if s.dicom_folder), key=lambda s: s.number)
    if not series:
        raise UserInputError(f"Study {study.id} has no images yet; a report needs its DICOM series (scan or import them first).")
    weight = study.weight_kg if study.weight_kg is not None else pet.weight_kg
    sex = {"male": "male", "female": "female"}.get(pet.sex, "unknown")
    if pet.neutered is not None and sex != "unknown":
        sex += ", neutered" if pet.neutered else ", entire"
    pet_rows = (("Name", pet.name), ("Species", pet.species.replace("_", " ")), ("Breed", pet.breed or "-"),
                ("Sex", sex), ("Age", age_text(pet.birth_date, study.study_date)),
                ("Weight", f"{weight:g} kg" if weight is not None else "-"), ("Patient ID", study.patient_id or pet.patient_id))
    owner_rows = (("Owner", owner.name), ("Phone", owner.phone or "-"))
    referral = (("Referring vet", study.referring_vet or "-"), ("Referring clinic", study.referring_clinic or "-"))
    anaesthesia = f"{study.anaesthesia_s / 60:.0f} min" if study.anaesthesia_s else "-"
    exam_rows = (("Exam date", study.study_date.isoformat()), ("Study", f"{study.id}, accession {study.accession}"),
                 ("Region", study.region.replace("_", " ")), ("Position", study.position or "-"),
                 ("Time in the bore", anaesthesia), ("Operator", study.operator or "-"))
    by_id = {s.id: s for s in series}
    keys: dict[str, list[KeyImage]] = {}
    for key in key_images:
        if key.series_id not in by_id:
            raise UserInputError(f"The key image's series {key.series_id} is not a series with images of study {study.id}.")
        keys.setdefault(key.series_id, []).append(key)
    images = []
    for s in series:
        folder = store.data_dir / s.dicom_folder
        for key in keys.get(s.id) or [None]:
            images.append(_image(folder, s, key))
    if keys:  # key images first: they are what the reviewer chose
        images.sort(key=lambda image: not image.key)
    marked = study.training if training is None else training
    return ReportContent(
        clinic=settings.tui.station or settings.dicom.ae_title, station=settings.dicom.ae_title, study_id=study.id,
        accession=study.accession, exam_date=study.study_date, region=study.region, pet=pet_rows, owner=owner_rows,
        referral=referral, exam=exam_rows, series=tuple(_series_row(s) for s in series), images=tuple(images),
        comment=comment.strip(), vitals=tuple(vitals), training=marked, pet_name=pet.name,
    )

