"""From the scanner frame to the DICOM patient frame of a quadruped.

With Anatomical Orientation Type QUADRUPED the DICOM patient frame has x toward the
animal's left, y toward its dorsal side and z toward its cranial end (PS3.3 C.7.6.2.1.1).
Patient Position names how the animal lies: head or feet (tail) first, supine (dorsal
recumbency), prone (sternal recumbency) or decubitus on its right or left side. For head
first supine the scanner frame (see :mod:`vetmri.dicom.volume`) is the patient frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from vetmri.dicom.volume import ImageVolume

__all__ = ["PlaneGeometry", "patient_plane_geometry", "scanner_to_patient_matrix"]

# Rows: patient x (left), y (dorsal), z (cranial) in scanner components.
_SCANNER_TO_PATIENT = {
    "HFS": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "HFP": ((-1, 0, 0), (0, -1, 0), (0, 0, 1)),
    "FFS": ((-1, 0, 0), (0, 1, 0), (0, 0, -1)),
    "FFP": ((1, 0, 0), (0, -1, 0), (0, 0, -1)),
    "HFDR": ((0, -1, 0), (1, 0, 0), (0, 0, 1)),
    "HFDL": ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),
    "FFDR": ((0, -1, 0), (-1, 0, 0), (0, 0, -1)),
    "FFDL": ((0, 1, 0), (1, 0, 0), (0, 0, -1)),
}


def scanner_to_patient_matrix(patient_position: str) -> "np.ndarray":
    """The rotation taking scanner-frame vectors to patient-frame vectors.

    Parameters
    ----------
    patient_position : str
        One of ``HFS HFP FFS FFP HFDR HFDL FFDR FFDL``.

    Returns
    -------
    ndarray of shape (3, 3)
        ``patient = matrix @ scanner``; orthogonal with determinant +1.
    """
    import numpy as np

    return np.array(_SCANNER_TO_PATIENT[patient_position], dtype=float)


@dataclass(frozen=True)
class PlaneGeometry:
    """Image Plane values of every slice, in DICOM units (millimetres).

    Attributes
    ----------
    positions_mm : tuple of (x, y, z)
        Image Position (Patient) of each slice.
    orientation : tuple of 6 float
        Image Orientation (Patient) of slice 0: row cosines then column cosines.
    pixel_spacing_mm : tuple of 2 float
        Pixel Spacing (between rows, between columns).
    slice_thickness_mm : float
        Slice Thickness.
    spacing_between_slices_mm : float or None
        Spacing Between Slices; None (not written) when the slices carry their own
        orientations.
    slice_locations_mm : tuple of float
        Slice Location of each slice: its position along its own slice normal.
    orientations : tuple of (tuple of 6 float)
        Image Orientation (Patient) of each slice (all equal to ``orientation`` for a
        stack of parallel slices).
    """

    positions_mm: tuple[tuple[float, float, float], ...]
    orientation: tuple[float, ...]
    pixel_spacing_mm: tuple[float, float]
    slice_thickness_mm: float
    spacing_between_slices_mm: float | None
    slice_locations_mm: tuple[float, ...]
    orientations: tuple[tuple[float, ...], ...] = ()

    def orientation_of(self, index: int) -> tuple[float, ...]:
        """Image Orientation (Patient) of slice ``index``."""
        return self.orientations[index] if self.orientations else self.orientation


def _clean(value: float) -> float:
    """Round to 6 decimals (DS holds 16 characters) and drop negative zero."""
    rounded = round(float(value), 6)
    return 0.0 if rounded == 0 else rounded


def patient_plane_geometry(volume: "ImageVolume", patient_position: str) -> PlaneGeometry:
    """The Image Plane module values of ``volume`` for an animal lying as given.

    Parameters
    ----------
    volume : ImageVolume
        Geometry in the scanner frame, metres.
    patient_position : str
        Patient Position of the series.
    """
    import numpy as np

    rotation = scanner_to_patient_matrix(patient_position)
    positions = (rotation @ np.asarray(volume.positions_m, float).T).T * 1e3
    orientations, locations = [], []
    for index, position in enumerate(positions):
        row_scanner, col_scanner = volume.slice_directions(index)
        row, col = rotation @ row_scanner, rotation @ col_scanner
        orientations.append(tuple(_clean(v) for v in (*row, *col)))
        locations.append(_clean(position @ np.cross(row, col)))
    return PlaneGeometry(
        positions_mm=tuple(tuple(_clean(v) for v in p) for p in positions),  # type: ignore[misc]
        orientation=orientations[0],
        pixel_spacing_mm=tuple(_clean(v * 1e3) for v in volume.pixel_spacing_m),  # type: ignore[arg-type]
        slice_thickness_mm=_clean(volume.slice_thickness_m * 1e3),
        spacing_between_slices_mm=None if volume.per_slice_orientation else _clean(volume.spacing_between_slices_m * 1e3),
        slice_locations_mm=tuple(locations),
        orientations=tuple(orientations),
    )
