"""One image ready to view: its pixels and where they lie in the animal.

Built from a reconstructed slice as the exam produces it (``vetmri.exam.SliceImageReady``:
an array and a :class:`vetmri.recon.geometry.SliceGeometry` in the scanner frame) or from
the DICOM files of a series on disk (:func:`series_slices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import numpy as np

from vetmri.viewing.orientation import OrientationLabels, orientation_labels

if TYPE_CHECKING:
    from vetmri.recon.geometry import SliceGeometry

__all__ = ["ViewSlice", "ViewSeries", "series_slices", "slice_from_geometry"]


@dataclass(frozen=True, eq=False)
class ViewSlice:
    """A 2D image with its geometry in the patient frame (DICOM, quadruped), millimetres.

    Attributes
    ----------
    key : str
        Names this image in caches (its SOP Instance UID, or ``live:<series>:<slice>``).
    pixels : ndarray of shape (rows, cols), float32
    pixel_spacing_mm : (float, float)
        Between rows, between columns.
    position_mm : (3,) float
        Centre of pixel (0, 0).
    row_direction, column_direction : (3,) float
        Unit vectors along a row and down a column.
    instance_number : int or None
    sop_instance_uid : str
        Empty for a live slice not yet written as DICOM.
    source_path : Path or None
        The DICOM file it was read from.
    """

    key: str
    pixels: np.ndarray
    pixel_spacing_mm: tuple[float, float]
    position_mm: tuple[float, float, float]
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    instance_number: int | None = None
    sop_instance_uid: str = ""
    source_path: Path | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        return int(self.pixels.shape[0]), int(self.pixels.shape[1])

    @property
    def normal(self) -> np.ndarray:
        """Row x column direction."""
        return np.cross(self.row_direction, self.column_direction)

    @property
    def location_mm(self) -> float:
        """Position of the slice along its normal (DICOM Slice Location)."""
        return float(np.dot(self.position_mm, self.normal))

    def point_mm(self, row: float, col: float) -> np.ndarray:
        """Patient-frame position of image point (row, col), millimetres; shape (3,)."""
        return (np.asarray(self.position_mm) + col * self.pixel_spacing_mm[1] * np.asarray(self.row_direction)
                + row * self.pixel_spacing_mm[0] * np.asarray(self.column_direction))

    def labels(self, region: str = "") -> OrientationLabels:
        """Edge labels in veterinary terms."""
        return orientation_labels(self.row_direction, self.column_direction, region=region)

    @property
    def centre_mm(self) -> np.ndarray:
        """Patient-frame position of the image centre."""
        return self.point_mm((self.shape[0] - 1) / 2, (self.shape[1] - 1) / 2)

    def value_at(self, row: float, col: float) -> float | None:
        """The pixel value at (row, col) (nearest pixel), None outside the image."""
        r, c = int(round(row)), int(round(col))
        if 0 <= r < self.shape[0] and 0 <= c < self.shape[1]:
            return float(self.pixels[r, c])
        return None


@dataclass(frozen=True, eq=False)
class ViewSeries:
    """A series' slices in order, with what names its contrast.

    Attributes
    ----------
    uid, description, contrast : str
    slices : tuple of ViewSlice
    reference : float
        Robust maximum of the series' signal (the window presets' scale).
    """

    uid: str
    description: str
    contrast: str
    slices: tuple[ViewSlice, ...]
    reference: float

    def nearest_slice(self, point_mm) -> int:
        """Index of the slice whose plane passes closest to the patient-frame ``point_mm``
        (the centre of a slice of another series: the same position in the animal)."""
        point = np.asarray(point_mm, dtype=float)
        return int(np.argmin([abs(float(np.dot(point - np.asarray(s.position_mm), s.normal))) for s in self.slices]))

    @property
    def centre_mm(self) -> np.ndarray:
        """Patient-frame centre of the middle slice."""
        middle = self.slices[len(self.slices) // 2]
        return middle.point_mm((middle.shape[0] - 1) / 2, (middle.shape[1] - 1) / 2)


def _tuple3(values: Iterable[float]) -> tuple[float, float, float]:
    a, b, c = (float(v) for v in values)
    return a, b, c


def slice_from_geometry(image: np.ndarray, geometry: "SliceGeometry", *, patient_position: str = "HFS",
                        key: str = "") -> ViewSlice:
    """A reconstructed slice (scanner frame, metres) as a :class:`ViewSlice`.

    Parameters
    ----------
    image : ndarray of shape (rows, cols)
        Magnitude, as in ``SliceImageReady.image``.
    geometry : SliceGeometry
        As in ``SliceImageReady.geometry``.
    patient_position : str
        DICOM Patient Position of the exam (``HFS``, ``HFP``, ``FFS``, ...).
    key : str
        Cache key; by default made from the position.
    """
    from vetmri.dicom.geometry import scanner_to_patient_matrix

    rotation = scanner_to_patient_matrix(patient_position)
    position = rotation @ np.asarray(geometry.position_m, float) * 1e3
    return ViewSlice(
        key=key or f"live:{position.round(3).tolist()}:{image.shape}",
        pixels=np.asarray(image, dtype=np.float32),
        pixel_spacing_mm=(geometry.pixel_spacing_m[0] * 1e3, geometry.pixel_spacing_m[1] * 1e3),
        position_mm=_tuple3(position),
        row_direction=_tuple3(rotation @ np.asarray(geometry.row_direction, float)),
        column_direction=_tuple3(rotation @ np.asarray(geometry.column_direction, float)),
    )


def series_slices(folder: Path) -> ViewSeries:
    """The slices of the series whose DICOM files are in ``folder``.

    Raises
    ------
    UserInputError
        The files are missing or unreadable (one sentence naming the file).
    """
    from vetmri.dicom.series_images import read_series_images
    from vetmri.viewing.window import contrast_of, robust_maximum

    series = read_series_images(Path(folder))
    slices = tuple(
        ViewSlice(key=image.sop_instance_uid, pixels=image.pixels, pixel_spacing_mm=image.pixel_spacing_mm,
                  position_mm=image.position_mm, row_direction=image.row_direction,
                  column_direction=image.column_direction, instance_number=image.instance_number,
                  sop_instance_uid=image.sop_instance_uid, source_path=image.path)
        for image in series.images
    )
    contrast = contrast_of(series.description, te_s=series.echo_time_s, tr_s=series.repetition_time_s,
                           ti_s=series.inversion_time_s)
    return ViewSeries(uid=series.series_instance_uid, description=series.description, contrast=contrast,
                      slices=slices, reference=robust_maximum(np.stack([s.pixels for s in slices[:64]])
                                                              if len({s.shape for s in slices[:64]}) == 1
                                                              else slices[0].pixels))
