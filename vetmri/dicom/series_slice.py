"""One image of a DICOM series folder as pixels with its window, for documents (the
referring vet's report): the chosen slice, or the middle one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SeriesSlice", "read_series_slice"]


@dataclass(frozen=True, eq=False)
class SeriesSlice:
    """One stored image.

    Attributes
    ----------
    pixels : ndarray of shape (R, C), float32
        Stored values after the rescale (slope, intercept).
    index : int
        0-based position in the series, by Instance Number.
    count : int
        Images in the series.
    window_center, window_width : float
        The window the file carries (its full range when it has none).
    pixel_spacing_mm : tuple of float
        Row and column spacing (1, 1 when the file has none).
    sop_instance_uid : str
    """

    pixels: "np.ndarray"
    index: int
    count: int
    window_center: float
    window_width: float
    pixel_spacing_mm: tuple[float, float]
    sop_instance_uid: str


def _first(value, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value[0]) if hasattr(value, "__len__") and not isinstance(value, str) else float(value)
    except (TypeError, ValueError, IndexError):
        return default


def read_series_slice(folder: Path, index: int | None = None, *, sop_instance_uid: str = "") -> SeriesSlice:
    """The image ``index`` (0-based, by Instance Number) of the series in ``folder``, the
    image ``sop_instance_uid`` when given, or its middle image.

    Raises
    ------
    UserInputError
        The folder holds no readable image, or ``index`` is beyond the series.
    """
    import numpy as np

    from vetmri.dicom.reader import read_dicom_file

    folder = Path(folder)
    paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
    headers = []
    for path in paths:
        ds = read_dicom_file(path, pixels=False)
        if "Rows" in ds:
            headers.append((int(ds.get("InstanceNumber", 0) or 0), path, str(ds.get("SOPInstanceUID", ""))))
    if not headers:
        raise UserInputError(f"{folder} holds no DICOM image; write the series again (vetmri recon --format dicom).")
    headers.sort()
    chosen = len(headers) // 2 if index is None else index
    if sop_instance_uid:
        found = [n for n, (_, _, uid) in enumerate(headers) if uid == sop_instance_uid]
        if not found:
            raise UserInputError(f"The key image {sop_instance_uid} is not in {folder}; mark it again at review.")
        chosen = found[0]
    if not 0 <= chosen < len(headers):
        raise UserInputError(f"The series in {folder} has images 0 to {len(headers) - 1}, not {index}.")
    ds = read_dicom_file(headers[chosen][1])
    pixels = ds.pixel_array.astype(np.float32)
    if pixels.ndim != 2:
        pixels = pixels.reshape(-1, *pixels.shape[-2:])[pixels.shape[0] // 2 if pixels.ndim > 2 else 0]
    pixels = pixels * float(ds.get("RescaleSlope", 1) or 1) + float(ds.get("RescaleIntercept", 0) or 0)
    low, high = float(pixels.min()), float(pixels.max())
    center = _first(ds.get("WindowCenter"), (low + high) / 2)
    width = max(_first(ds.get("WindowWidth"), max(high - low, 1.0)), 1.0)
    spacing = ds.get("PixelSpacing") or (1.0, 1.0)
    return SeriesSlice(pixels, chosen, len(headers), center, width, (float(spacing[0]), float(spacing[1])),
                       str(ds.get("SOPInstanceUID", "")))
