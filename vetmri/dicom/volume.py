"""A reconstructed image volume with its geometry in the scanner frame.

The scanner frame (metres, origin at the magnet's isocentre): ``z`` along the bore,
pointing from the bore opening inward (away from the table end); ``y`` vertical, pointing
down to the floor; ``x`` horizontal, completing a right-handed frame (to the right of
someone standing at the table end looking into the bore). For a head-first supine patient
it coincides with the DICOM patient frame (x to the patient's left, y dorsal, z cranial);
:mod:`vetmri.dicom.geometry` maps the other patient positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ImageVolume"]

_TOLERANCE = 1e-4  # relative tolerance of the geometry checks


@dataclass(frozen=True, eq=False)
class ImageVolume:
    """Magnitude images of one series and where they lie.

    Attributes
    ----------
    pixels : ndarray of shape (S, R, C), float32
        S slices of R rows and C columns, non-negative magnitude in arbitrary units.
    positions_m : ndarray of shape (S, 3)
        Each slice's first transmitted pixel (row 0, column 0) centre, in the scanner
        frame, metres.
    row_direction : tuple of 3 float
        Unit vector along a row (direction of increasing column index).
    column_direction : tuple of 3 float
        Unit vector along a column (direction of increasing row index); orthogonal to
        ``row_direction``.
    pixel_spacing_m : tuple of 2 float
        (distance between rows, distance between columns), metres.
    slice_thickness_m : float
        Nominal slice (or 3D partition) thickness, metres.
    spacing_between_slices_m : float
        Centre-to-centre distance of adjacent slices, metres; the positions must step by it
        along the slice normal (row x column), all forward or all backward.
    """

    pixels: "np.ndarray"
    positions_m: "np.ndarray"
    row_direction: tuple[float, float, float]
    column_direction: tuple[float, float, float]
    pixel_spacing_m: tuple[float, float]
    slice_thickness_m: float
    spacing_between_slices_m: float

    def __post_init__(self) -> None:
        import numpy as np

        pixels = np.asarray(self.pixels)
        if pixels.ndim != 3 or min(pixels.shape) < 1:
            raise UserInputError(f"Images must be an array of shape (slices, rows, columns), not {pixels.shape}.")
        if not np.all(np.isfinite(pixels)) or pixels.min() < 0:
            raise UserInputError("Magnitude images must be finite and non-negative.")
        positions = np.asarray(self.positions_m, dtype=float)
        if positions.shape != (pixels.shape[0], 3):
            raise UserInputError(
                f"Give one 3D position per slice: {pixels.shape[0]} slices but positions of shape {positions.shape}."
            )
        row, col = np.asarray(self.row_direction, float), np.asarray(self.column_direction, float)
        if row.shape != (3,) or col.shape != (3,):
            raise UserInputError("Row and column directions must be 3-vectors.")
        if abs(np.linalg.norm(row) - 1) > _TOLERANCE or abs(np.linalg.norm(col) - 1) > _TOLERANCE:
            raise UserInputError("Row and column directions must be unit vectors.")
        if abs(row @ col) > _TOLERANCE:
            raise UserInputError("Row and column directions must be orthogonal.")
        if min(self.pixel_spacing_m) <= 0 or self.slice_thickness_m <= 0 or self.spacing_between_slices_m <= 0:
            raise UserInputError("Pixel spacing, slice thickness and slice spacing must be positive.")
        steps = np.diff(positions, axis=0)
        normal = np.cross(row, col)
        sign = 1.0 if not steps.size or steps[0] @ normal >= 0 else -1.0
        expected = sign * self.spacing_between_slices_m * normal
        # positions come rounded to the scanner's 10 um raster: allow 2 % of the spacing (at least 20 um)
        if steps.size and not np.allclose(steps, expected, atol=max(2e-5, 0.02 * self.spacing_between_slices_m)):
            raise UserInputError(
                "Slice positions must step by the slice spacing along the slice normal "
                "(row direction x column direction), all in one direction; check the geometry from the reconstruction."
            )
        object.__setattr__(self, "pixels", pixels.astype(np.float32, copy=False))
        object.__setattr__(self, "positions_m", positions)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(slices, rows, columns)."""
        return tuple(self.pixels.shape)  # type: ignore[return-value]

    @property
    def normal(self) -> "np.ndarray":
        """Unit slice normal, row direction x column direction."""
        import numpy as np

        return np.cross(np.asarray(self.row_direction, float), np.asarray(self.column_direction, float))
