"""Floating-point magnitude images to 12-bit stored values and a window that shows anatomy.

One scale per series (so intensities compare across slices), the series maximum mapped to
4095: 12 bits hold far more than the dynamic range of a 0.2 T image (SNR 15 to 30), every
viewer handles unsigned 12-in-16-bit MR pixels, and no Rescale Slope is needed (it is not
part of the MR Image module). The window comes from the tissue histogram, as scanner
consoles do: the 1st to the 99.5th percentile of the voxels inside the body mask of the
series. The body mask is what lies above an Otsu threshold of the log intensities (which
separates the receiver-noise background from every tissue, dark or bright; a threshold on
the linear intensities would keep only the brightest tissue, CSF or fat, and leave most of
a T2 or FLAIR image below the window floor), opened once to drop noise specks and with
its holes filled slice by slice (dark structures inside the body count as body).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["BITS_STORED", "ScaledSeries", "body_mask", "scale_to_stored"]

BITS_STORED = 12
_MAX_STORED = (1 << BITS_STORED) - 1


@dataclass(frozen=True, eq=False)
class ScaledSeries:
    """Stored pixel values of a series and how to display them.

    Attributes
    ----------
    stored : ndarray of shape (S, R, C), uint16
        Values from 0 to 4095.
    scale : float
        Stored value per unit of the input magnitude (``stored = round(input * scale)``).
    window_center, window_width : float
        Window Center and Window Width, in stored values, shared by all slices.
    """

    stored: "np.ndarray"
    scale: float
    window_center: float
    window_width: float


def scale_to_stored(magnitude: "np.ndarray") -> ScaledSeries:
    """Scale a magnitude series to 12-bit stored values and choose its window.

    Parameters
    ----------
    magnitude : ndarray of shape (S, R, C)
        Non-negative magnitude images of one series.

    Returns
    -------
    ScaledSeries
        The stored values and the window. An all-zero series gets scale 1 and a window
        over the whole range.
    """
    import numpy as np

    magnitude = np.asarray(magnitude, dtype=np.float64)
    peak = float(magnitude.max()) if magnitude.size else 0.0
    if peak <= 0:
        return ScaledSeries(np.zeros(magnitude.shape, np.uint16), 1.0, _MAX_STORED / 2, _MAX_STORED + 1)
    scale = _MAX_STORED / peak
    stored = np.clip(np.rint(magnitude * scale), 0, _MAX_STORED).astype(np.uint16)
    low, high = _tissue_range(stored)
    width = max(high - low, 2.0)
    return ScaledSeries(stored, scale, window_center=round(low + width / 2, 1), window_width=round(width, 1))


def body_mask(magnitude: "np.ndarray") -> "np.ndarray":
    """The voxels of a series that lie inside the body (not receiver-noise background).

    Parameters
    ----------
    magnitude : ndarray of shape (S, R, C)
        Non-negative magnitude images of one series.

    Returns
    -------
    ndarray of bool, same shape
        Above the Otsu threshold of ``log(1 + magnitude)`` (relative to the series
        maximum), opened with a 3 x 3 cross and hole-filled, slice by slice; all True for
        a flat series.
    """
    import numpy as np
    from scipy.ndimage import binary_fill_holes, binary_opening
    from skimage.filters import threshold_otsu

    values = np.asarray(magnitude, dtype=np.float64)
    peak = float(values.max()) if values.size else 0.0
    if peak <= 0 or values.min() == values.max():
        return np.ones(values.shape, bool)
    logged = np.log1p(values * (_MAX_STORED / peak))
    above = logged > threshold_otsu(logged)
    mask = np.stack([binary_fill_holes(binary_opening(s) if s.shape[0] > 2 and s.shape[1] > 2 else s) for s in above])
    return mask if mask.sum() >= 16 else above


def _tissue_range(stored: "np.ndarray") -> tuple[float, float]:
    """1st and 99.5th percentile of the voxels inside the body mask (all, if flat)."""
    import numpy as np

    values = stored.ravel()
    if values.min() == values.max():
        return 0.0, float(_MAX_STORED)
    tissue = stored[body_mask(stored)]
    if tissue.size < 16:
        tissue = values
    low, high = np.percentile(tissue, [1.0, 99.5])
    return float(low), float(high)
