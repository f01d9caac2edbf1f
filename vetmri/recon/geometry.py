"""Where each image pixel is in the scanner: the slice geometry carried to the output
(and to DICOM: Image Position/Orientation, Pixel Spacing, Slice Thickness, Spacing
Between Slices)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.rawdata import Acquisition, SeriesHeader

__all__ = ["SliceGeometry", "slice_geometries"]

Vector3 = tuple[float, float, float]


@dataclass(frozen=True)
class SliceGeometry:
    """Geometry of one image (2D slice or 3D partition) in the scanner frame of the
    acquisition headers.

    Rows of the image follow phase encoding, columns follow the readout.

    Attributes
    ----------
    center_m : (3,) float
        Centre of the slice (the point at pixel (rows // 2, cols // 2)), metres.
    position_m : (3,) float
        Centre of the first pixel (row 0, column 0): DICOM Image Position (Patient).
    row_direction : (3,) float
        Direction of increasing column index (along a row, the readout direction).
    column_direction : (3,) float
        Direction of increasing row index (down a column, the phase direction).
    normal : (3,) float
        Slice (partition) direction.
    pixel_spacing_m : (float, float)
        (spacing between rows, spacing between columns), DICOM Pixel Spacing order.
    slice_thickness_m : float
    """

    center_m: Vector3
    position_m: Vector3
    row_direction: Vector3
    column_direction: Vector3
    normal: Vector3
    pixel_spacing_m: tuple[float, float]
    slice_thickness_m: float

    def pixel_position_m(self, row: float, column: float) -> np.ndarray:
        """Position of the centre of pixel (row, column), metres; shape (3,)."""
        return (
            np.asarray(self.position_m)
            + column * self.pixel_spacing_m[1] * np.asarray(self.row_direction)
            + row * self.pixel_spacing_m[0] * np.asarray(self.column_direction)
        )


def _vec(v: np.ndarray) -> Vector3:
    return (float(v[0]), float(v[1]), float(v[2]))


def _directions(acq: Acquisition) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read, phase and slice directions of a readout; zero vectors (the ``ismrmrd``
    package's default: not recorded) become the scanner axes x, y, z."""
    read, phase, normal = (np.asarray(v, float) for v in (acq.read_dir, acq.phase_dir, acq.slice_dir))
    if np.linalg.norm(read) < 1e-6 or np.linalg.norm(phase) < 1e-6:
        return np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])
    if np.linalg.norm(normal) < 1e-6:
        normal = np.cross(read, phase)
    return read, phase, normal


def slice_geometries(header: SeriesHeader, first_of_slice: dict[int, Acquisition], shape: tuple[int, int, int],
                     slice_indices: list[int] | None = None) -> tuple[SliceGeometry, ...]:
    """Geometry of every image of a volume.

    Parameters
    ----------
    header : SeriesHeader
    first_of_slice : dict of int to Acquisition
        An imaging readout of each slice (its position and directions are used).
    shape : (slices, rows, cols)
        Shape of the image volume (for 3D, slices are partitions).
    slice_indices : list of int, optional
        2D: the slice counter of each image (by default 0, 1, ...), when slices without
        data were left out.
    """
    n_slices, rows, cols = shape
    if slice_indices is None or header.is_3d:
        slice_indices = list(range(n_slices))
    if len(slice_indices) != n_slices:
        raise ValueError(f"{len(slice_indices)} slice counters for {n_slices} images")
    d_col = header.recon_fov_m[0] / cols
    d_row = header.recon_fov_m[1] / rows
    out = []
    for s in range(n_slices):
        acq = first_of_slice[min(first_of_slice)] if header.is_3d else first_of_slice[slice_indices[s]]
        read, phase, normal = _directions(acq)
        centre = np.asarray(acq.position_m, float)
        thickness = header.slice_thickness_m
        if header.is_3d:
            thickness = header.recon_fov_m[2] / n_slices
            centre = centre + (s - n_slices // 2) * thickness * normal
        first = centre - (cols // 2) * d_col * read - (rows // 2) * d_row * phase
        out.append(SliceGeometry(_vec(centre), _vec(first), _vec(read), _vec(phase), _vec(normal), (d_row, d_col), thickness))
    return tuple(out)
