"""The pixels and geometry of a series' DICOM files, for viewing and measuring.

Every file goes through :func:`vetmri.dicom.reader.read_dicom_file` (checked before it is
trusted). Pixel values are returned rescaled (Rescale Slope and Intercept applied), the
geometry in DICOM's patient frame and millimetres.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vetmri.dicom.reader import read_dicom_file
from vetmri.errors import UserInputError

__all__ = ["DicomImage", "DicomSeriesImages", "read_series_images"]


@dataclass(frozen=True, eq=False)
class DicomImage:
    """One image of a series.

    Attributes
    ----------
    pixels : ndarray of shape (rows, cols), float32
        Rescaled pixel values.
    position_mm : (3,) float
        Image Position (Patient): centre of the first pixel.
    row_direction, column_direction : (3,) float
        Image Orientation (Patient): the row then the column cosines.
    pixel_spacing_mm : (float, float)
        Between rows, between columns.
    instance_number : int or None
    sop_instance_uid : str
    path : Path
    """

    pixels: np.ndarray
    position_mm: tuple[float, float, float]
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    pixel_spacing_mm: tuple[float, float]
    instance_number: int | None
    sop_instance_uid: str
    path: Path


@dataclass(frozen=True, eq=False)
class DicomSeriesImages:
    """A series' images (by Instance Number, then Slice Location) and what names its contrast.

    Attributes
    ----------
    series_instance_uid, description, body_part : str
    echo_time_s, repetition_time_s, inversion_time_s : float or None
    images : tuple of DicomImage
    """

    series_instance_uid: str
    description: str
    body_part: str
    echo_time_s: float | None
    repetition_time_s: float | None
    inversion_time_s: float | None
    images: tuple[DicomImage, ...]


def _floats(ds, keyword: str, count: int, default: tuple[float, ...]) -> tuple[float, ...]:
    value = ds.get(keyword)
    try:
        values = tuple(float(v) for v in value) if value is not None else default
    except (TypeError, ValueError):
        values = default
    return values if len(values) == count else default


def _seconds(ds, keyword: str) -> float | None:
    value = ds.get(keyword)
    try:
        return float(value) / 1e3 if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _image(ds, path: Path) -> DicomImage:
    try:
        array = ds.pixel_array
    except Exception as exc:  # pydicom raises many kinds for undecodable pixel data
        raise UserInputError(f"{path} holds pixels that cannot be decoded ({type(exc).__name__}); ask for an uncompressed copy.") from None
    if array.ndim != 2:
        raise UserInputError(f"{path} holds {array.ndim}-dimensional pixels (multi-frame or colour); only single grey images can be shown.")
    slope = float(ds.get("RescaleSlope", 1) or 1)
    intercept = float(ds.get("RescaleIntercept", 0) or 0)
    pixels = array.astype(np.float32) * np.float32(slope) + np.float32(intercept)
    orientation = _floats(ds, "ImageOrientationPatient", 6, (1.0, 0.0, 0.0, 0.0, 1.0, 0.0))
    number = ds.get("InstanceNumber")
    return DicomImage(
        pixels=pixels,
        position_mm=_floats(ds, "ImagePositionPatient", 3, (0.0, 0.0, 0.0)),  # type: ignore[arg-type]
        row_direction=orientation[:3],  # type: ignore[arg-type]
        column_direction=orientation[3:],  # type: ignore[arg-type]
        pixel_spacing_mm=_floats(ds, "PixelSpacing", 2, (1.0, 1.0)),  # type: ignore[arg-type]
        instance_number=int(number) if number not in (None, "") else None,
        sop_instance_uid=str(ds.SOPInstanceUID),
        path=path,
    )


def read_series_images(paths: Iterable[Path] | Path) -> DicomSeriesImages:
    """Read the images of one series.

    Parameters
    ----------
    paths : Path or iterable of Path
        The series' folder, or its files.

    Raises
    ------
    UserInputError
        No image, a file that is not DICOM or cannot be decoded, or files of several series.
    """
    if isinstance(paths, Path):
        if not paths.exists():
            raise UserInputError(f"{paths} does not exist; the series' DICOM files may have been moved.")
        paths = sorted(p for p in paths.iterdir() if p.is_file() and not p.name.startswith(".")) if paths.is_dir() else [paths]
    first = None
    images = []
    for path in paths:
        ds = read_dicom_file(Path(path))
        if "PixelData" not in ds:
            continue
        if first is None:
            first = ds
        elif str(ds.SeriesInstanceUID) != str(first.SeriesInstanceUID):
            raise UserInputError(f"{path} belongs to another series than {first.filename}; give one series' files.")
        images.append(_image(ds, Path(path)))
    if first is None:
        raise UserInputError("No DICOM image was found for the series; check that its files are still on disk.")
    normal = np.cross(images[0].row_direction, images[0].column_direction)
    images.sort(key=lambda i: (i.instance_number is None, i.instance_number or 0, float(np.dot(i.position_mm, normal))))
    return DicomSeriesImages(
        series_instance_uid=str(first.SeriesInstanceUID),
        description=str(first.get("SeriesDescription", "") or ""),
        body_part=str(first.get("BodyPartExamined", "") or ""),
        echo_time_s=_seconds(first, "EchoTime"),
        repetition_time_s=_seconds(first, "RepetitionTime"),
        inversion_time_s=_seconds(first, "InversionTime"),
        images=tuple(images),
    )
