"""Image measurements of the QA phantom, after the ACR MRI phantom test guidance.

Each function takes one magnitude image (rows along phase encoding, columns along the
readout) and returns a number: the large ROI, SNR over the noise of the noise scan,
percent integral uniformity, percent-signal ghosting, diameters and the slice thickness
from two crossed ramps. Pure numpy/scipy; no knowledge of scanners or records.

References: American College of Radiology, "Large and Medium Phantom Test Guidance for the
ACR MRI Accreditation Program" (2018): PIU from the brightest and darkest 1 cm² regions in
a large ROI, ghosting from four background ROIs, lengths at half the mean signal, slice
thickness 0.2 x a b / (a + b) from the ramps' bright lengths a and b at 1:10.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Disc",
    "diameters_m",
    "ghosting_ratio",
    "large_roi",
    "percent_integral_uniformity",
    "ramp_length_m",
    "slice_thickness_from_ramps_m",
    "snr",
]


@dataclass(frozen=True)
class Disc:
    """A circular region of an image, pixel units.

    Attributes
    ----------
    row, col : float
        Centre.
    radius_px : float
    """

    row: float
    col: float
    radius_px: float

    def mask(self, shape: tuple[int, int]) -> np.ndarray:
        """Bool mask of the disc in an image of ``shape``."""
        rows, cols = np.ogrid[: shape[0], : shape[1]]
        return (rows - self.row) ** 2 + (cols - self.col) ** 2 <= self.radius_px**2


def _object(magnitude: np.ndarray) -> np.ndarray:
    from scipy.ndimage import binary_fill_holes

    from vetmri.recon.intensity import object_mask

    return binary_fill_holes(object_mask(magnitude))


def large_roi(magnitude: np.ndarray, *, area_fraction: float = 0.75) -> Disc:
    """The large ROI: a disc centred on the phantom covering ``area_fraction`` of it (ACR:
    about 200 cm² of the 190 mm phantom's 284 cm², 0.7-0.8).

    Parameters
    ----------
    magnitude : ndarray of shape (M, N)
    """
    inside = _object(magnitude)
    rows, cols = np.nonzero(inside)
    radius = math.sqrt(area_fraction * inside.sum() / math.pi)
    return Disc(float(rows.mean()), float(cols.mean()), radius)


def snr(magnitude: np.ndarray, roi: Disc, noise_sigma: float) -> float:
    """Mean signal in ``roi`` over the noise: ``noise_sigma`` is the standard deviation per
    complex pixel from the noise scan (each channel's real part, as in
    :func:`vetmri.recon.qa.snr`)."""
    from vetmri.recon.qa import snr as snr_of

    if noise_sigma <= 0:
        raise ValueError("the noise level must be positive (the QA scan needs its noise scan)")
    return snr_of(magnitude, roi.mask(magnitude.shape), noise_sigma=noise_sigma)


def percent_integral_uniformity(magnitude: np.ndarray, roi: Disc, pixel_spacing_m: tuple[float, float]) -> float:
    """ACR PIU, percent: 100 (1 - (high - low) / (high + low)) with high and low the means
    of the brightest and darkest 1 cm² discs that lie inside ``roi``."""
    from scipy.ndimage import convolve

    radius_px = math.sqrt(1e-4 / math.pi) / min(pixel_spacing_m)
    half = int(math.ceil(radius_px))
    kr, kc = np.ogrid[-half: half + 1, -half: half + 1]
    kernel = (kr**2 + kc**2 <= radius_px**2).astype(float)
    kernel /= kernel.sum()
    smooth = convolve(magnitude.astype(float), kernel, mode="nearest")
    centres = Disc(roi.row, roi.col, roi.radius_px - radius_px).mask(magnitude.shape)
    values = smooth[centres]
    high, low = float(values.max()), float(values.min())
    return 100.0 * (1.0 - (high - low) / (high + low)) if high + low > 0 else 0.0


def ghosting_ratio(magnitude: np.ndarray, roi: Disc) -> float:
    """ACR percent-signal ghosting as a fraction: |(top + bottom) - (left + right)| / (2
    large-ROI mean), from four background rectangles beside the phantom; top and bottom lie
    along the phase-encoding axis (rows), where ghosts go; left and right hold the noise
    floor alone, which the difference takes out."""
    inside = _object(magnitude)
    rows = np.flatnonzero(inside.any(axis=1))
    cols = np.flatnonzero(inside.any(axis=0))
    n_rows, n_cols = magnitude.shape
    margin = 2
    r0, r1 = int(rows[0]) - margin, int(rows[-1]) + margin
    c0, c1 = int(cols[0]) - margin, int(cols[-1]) + margin
    span_c = slice(int(roi.col - 0.6 * roi.radius_px), int(roi.col + 0.6 * roi.radius_px) + 1)
    span_r = slice(int(roi.row - 0.6 * roi.radius_px), int(roi.row + 0.6 * roi.radius_px) + 1)
    bands = {
        "top": magnitude[max(margin, 0): max(r0, margin + 1), span_c],
        "bottom": magnitude[min(r1, n_rows - margin - 1): n_rows - margin, span_c],
        "left": magnitude[span_r, max(margin, 0): max(c0, margin + 1)],
        "right": magnitude[span_r, min(c1, n_cols - margin - 1): n_cols - margin],
    }
    if any(band.size == 0 for band in bands.values()):
        raise ValueError("the phantom fills the field of view: no background to measure ghosts in")
    mean = {name: float(band.mean()) for name, band in bands.items()}
    signal = float(magnitude[roi.mask(magnitude.shape)].mean())
    return abs((mean["top"] + mean["bottom"]) - (mean["left"] + mean["right"])) / (2.0 * signal)


def _profile_width(profile: np.ndarray, level: float) -> float:
    """Length (samples) over which ``profile`` stays above ``level``, with linear
    interpolation of both edges around its maximum."""
    peak = int(np.argmax(profile))
    above = profile > level
    lo = peak
    while lo > 0 and above[lo - 1]:
        lo -= 1
    hi = peak
    while hi < len(profile) - 1 and above[hi + 1]:
        hi += 1

    def crossing(inner: int, outer: int) -> float:
        if outer < 0 or outer >= len(profile):
            return float(inner)
        a, b = profile[outer], profile[inner]
        return outer + (inner - outer) * (level - a) / (b - a) if b != a else float(inner)

    return crossing(hi, hi + 1) - crossing(lo, lo - 1)


def diameters_m(magnitude: np.ndarray, roi: Disc, pixel_spacing_m: tuple[float, float]) -> tuple[float, float, float, float]:
    """The phantom's width through its centre along the columns (readout), the rows (phase)
    and both diagonals, metres, at half the large ROI's mean signal (ACR's window)."""
    from scipy.ndimage import map_coordinates

    level = 0.5 * float(magnitude[roi.mask(magnitude.shape)].mean())
    dr, dc = pixel_spacing_m
    reach = 0.5 * math.hypot(*magnitude.shape)
    out = []
    for along_row, along_col in ((0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (1.0, -1.0)):
        step_m = math.hypot(along_row * dr, along_col * dc)
        # sample every 0.25 pixel-length of the line's own step
        n = int(4 * 2 * reach)
        t = np.linspace(-reach, reach, n)
        norm = math.hypot(along_row, along_col)
        coords = np.array([roi.row + t * along_row / norm, roi.col + t * along_col / norm])
        line = map_coordinates(magnitude.astype(float), coords, order=1, mode="constant", cval=0.0)
        width_samples = _profile_width(line, level)
        out.append(width_samples * (t[1] - t[0]) * step_m / norm)
    return out[0], out[1], out[2], out[3]


def ramp_length_m(magnitude: np.ndarray, rows: slice, columns: slice, pixel_spacing_m: tuple[float, float]) -> float:
    """Full width at half maximum of a ramp's bright length along the columns, metres.

    The rows of the ramp are averaged, then the profile is smoothed over five pixels (the
    ACR reads the ramp at a narrow window; smoothing takes the noise out of the edges);
    half maximum is over the dark block around the ramp."""
    from scipy.ndimage import uniform_filter1d

    profile = magnitude[rows, columns].astype(float).mean(axis=0)
    profile = uniform_filter1d(profile, 5, mode="nearest")
    floor = float(np.percentile(profile, 5))
    level = floor + 0.5 * (float(profile.max()) - floor)
    return _profile_width(profile, level) * pixel_spacing_m[1]


def slice_thickness_from_ramps_m(length_a_m: float, length_b_m: float, slope: float) -> float:
    """Slice thickness from the bright lengths of two ramps crossed at ``slope`` (rise over
    run, 0.1 for 1:10): ``2 slope a b / (a + b)`` (ACR; a slice tilt lengthens one ramp as
    much as it shortens the other)."""
    if length_a_m + length_b_m <= 0:
        return 0.0
    return 2.0 * slope * length_a_m * length_b_m / (length_a_m + length_b_m)
