"""QA metrics for the phantom check: SNR, uniformity, ghosting ratio, geometric accuracy
(after the ACR MRI phantom test guidance), and the fastMRI-style scores (NRMSE, SSIM)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GeometryCheck", "geometric_accuracy", "ghosting_ratio", "nrmse", "snr", "ssim", "uniformity"]


def snr(image: np.ndarray, signal_roi: np.ndarray, *, noise_sigma: float | None = None, noise_roi: np.ndarray | None = None) -> float:
    """Mean signal in ``signal_roi`` over the noise standard deviation.

    The noise comes from the noise scan (``noise_sigma``, per complex pixel: the magnitude
    image then has that standard deviation in the signal) or, failing that, from a
    background ``noise_roi`` of a magnitude image (Rayleigh-corrected: σ = mean / √(π/2)).
    """
    signal = float(np.mean(np.abs(image)[signal_roi]))
    if noise_sigma is not None:
        return signal / noise_sigma * np.sqrt(2)  # per real channel, as a magnitude image sees it
    if noise_roi is None:
        raise ValueError("give noise_sigma (from the noise scan) or a background noise_roi")
    background = float(np.mean(np.abs(image)[noise_roi]))
    return signal / (background / np.sqrt(np.pi / 2))


def uniformity(image: np.ndarray, roi: np.ndarray) -> float:
    """Percent-integral uniformity as a fraction: 1 - (max - min) / (max + min) of the
    image smoothed over about 1 % of the ROI area (ACR); 1 is perfectly uniform."""
    from scipy.ndimage import uniform_filter

    size = max(3, int(round(np.sqrt(0.01 * roi.sum()))))
    smooth = uniform_filter(np.abs(image).astype(float), size)
    from skimage.morphology import disk, erosion

    inner = erosion(roi, disk(size // 2 + 1)).astype(bool) if roi.sum() > 4 * size * size else roi
    values = smooth[inner]
    hi, lo = values.max(), values.min()
    return float(1 - (hi - lo) / (hi + lo)) if hi + lo > 0 else 0.0


def ghosting_ratio(image: np.ndarray, object_mask: np.ndarray, *, axis: int = 0) -> float:
    """Mean signal in the background bands beside the object along the phase-encoding
    ``axis`` (rows), relative to the mean in the object, minus the same for the bands along
    the readout (which holds only noise): ghosts propagate along phase encoding only."""
    mag = np.abs(image)
    rows = np.any(object_mask, axis=1)
    cols = np.any(object_mask, axis=0)
    outside_rows = ~rows
    outside_cols = ~cols
    phase_band = mag[np.ix_(outside_rows, cols)] if axis == 0 else mag[np.ix_(rows, outside_cols)]
    read_band = mag[np.ix_(rows, outside_cols)] if axis == 0 else mag[np.ix_(outside_rows, cols)]
    signal = mag[object_mask].mean()
    ghost = phase_band.mean() if phase_band.size else 0.0
    floor = read_band.mean() if read_band.size else 0.0
    return float(max(ghost - floor, 0.0) / signal)


@dataclass(frozen=True)
class GeometryCheck:
    """Measured against expected lengths of the phantom, metres."""

    measured_m: tuple[float, float]
    expected_m: tuple[float, float]

    @property
    def max_error_m(self) -> float:
        return max(abs(m - e) for m, e in zip(self.measured_m, self.expected_m))


def geometric_accuracy(image: np.ndarray, pixel_spacing_m: tuple[float, float], expected_m: tuple[float, float]) -> GeometryCheck:
    """Diameters of the phantom along columns and rows (full width at half the object's
    median intensity) against the known ones."""
    mag = np.abs(image)
    from vetmri.recon.intensity import object_mask

    mask = object_mask(mag)
    level = 0.5 * np.median(mag[mask])
    profile_rows = mag.max(axis=1)
    profile_cols = mag.max(axis=0)

    def width(profile: np.ndarray, spacing: float) -> float:
        above = np.flatnonzero(profile > level)
        if above.size == 0:
            return 0.0
        lo, hi = above[0], above[-1]
        # sub-pixel edges by linear interpolation
        left = lo - (profile[lo] - level) / max(profile[lo] - profile[max(lo - 1, 0)], 1e-12)
        right = hi + (profile[hi] - level) / max(profile[hi] - profile[min(hi + 1, len(profile) - 1)], 1e-12)
        return float((right - left) * spacing)

    return GeometryCheck((width(profile_rows, pixel_spacing_m[0]), width(profile_cols, pixel_spacing_m[1])), expected_m)


def nrmse(image: np.ndarray, truth: np.ndarray) -> float:
    """‖|image| − truth‖ / ‖truth‖."""
    return float(np.linalg.norm(np.abs(image) - truth) / np.linalg.norm(truth))


def ssim(image: np.ndarray, truth: np.ndarray) -> float:
    """SSIM of the magnitude with data_range = max of the truth (as fastMRI)."""
    from skimage.metrics import structural_similarity

    return float(structural_similarity(truth, np.abs(image).astype(truth.dtype), data_range=float(truth.max())))
