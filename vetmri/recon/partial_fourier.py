"""Partial Fourier along the phase-encoding direction: projection onto convex sets (POCS)
or homodyne detection.

A partial-Fourier scan skips up to nearly half of one side of k-space. For a real object
with a smooth phase, k-space is Hermitian up to that phase. Both methods estimate the phase
from the symmetric centre. POCS alternates between imposing it on the image and restoring
the measured lines (Haacke et al., J Magn Reson 1991); homodyne detection weights the
measured lines (2 where only one side was measured, a ramp across the symmetric centre) so
that the real part of the phase-corrected image is the object (Noll et al., IEEE TMI 1991):
one pass, no iterations, but it assumes the phase as smooth as the centre shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.recon.fft import fftc, ifftc

__all__ = ["PARTIAL_FOURIER_METHODS", "PartialFourier", "detect_partial_fourier", "fill_partial_fourier", "homodyne", "pocs"]

#: Methods of :func:`fill_partial_fourier`.
PARTIAL_FOURIER_METHODS = ("pocs", "homodyne")


@dataclass(frozen=True)
class PartialFourier:
    """Where the sampled lines lie: ``first`` .. ``last`` (inclusive) of ``lines``, and the
    half-width of the symmetric, fully sampled centre."""

    first: int
    last: int
    lines: int
    symmetric_half_width: int

    @property
    def fraction(self) -> float:
        return (self.last - self.first + 1) / self.lines


def detect_partial_fourier(sampled_lines: np.ndarray) -> PartialFourier | None:
    """A :class:`PartialFourier` when the sampled lines (bool, shape (ny,)) form one
    contiguous block that is clearly asymmetric about k = 0 (index ny // 2), else None."""
    ny = sampled_lines.size
    idx = np.flatnonzero(sampled_lines)
    if idx.size == 0:
        return None
    first, last = int(idx[0]), int(idx[-1])
    if idx.size != last - first + 1:
        return None
    centre = ny // 2
    below, above = centre - first, last - centre
    if not (below > 0 and above > 0):
        return None
    if min(below, above) >= 0.9 * max(below, above) or max(below, above) < 0.45 * ny:
        return None
    return PartialFourier(first, last, ny, min(below, above))


def pocs(kspace: np.ndarray, info: PartialFourier, *, iterations: int = 15) -> np.ndarray:
    """Fill the skipped lines of partial-Fourier k-space.

    Parameters
    ----------
    kspace : ndarray of shape (..., ny, nx), complex
        Zero where not sampled; lines ``info.first..info.last`` measured.
    info : PartialFourier
    iterations : int

    Returns
    -------
    ndarray of shape (..., ny, nx)
        k-space with the measured lines kept and the rest estimated.
    """
    ny = kspace.shape[-2]
    phase = _centre_phase(kspace, info)
    measured = np.zeros(ny, bool)
    measured[info.first:info.last + 1] = True
    estimate = kspace.copy()
    for _ in range(iterations):
        image = ifftc(estimate)
        image = np.abs(image) * phase
        estimate = fftc(image)
        estimate[..., measured, :] = kspace[..., measured, :]
    return estimate.astype(np.complex64)


def homodyne(kspace: np.ndarray, info: PartialFourier) -> np.ndarray:
    """Homodyne reconstruction of partial-Fourier k-space, returned as k-space (so the
    inverse FFT and the coil combination follow as for a full scan).

    Parameters
    ----------
    kspace : ndarray of shape (..., ny, nx), complex
        Zero where not sampled; lines ``info.first..info.last`` measured. Each coil is
        treated on its own (its own phase).
    info : PartialFourier

    Returns
    -------
    ndarray of shape (..., ny, nx), complex64
        k-space of the images ``Re(x e^{-iφ}) e^{iφ}``, φ the phase of the centre.
    """
    ny = kspace.shape[-2]
    centre, w = ny // 2, info.symmetric_half_width
    extended_above = info.last - centre > centre - info.first
    weight = np.zeros(ny)
    weight[info.first:info.last + 1] = 2.0
    t = np.arange(-w, w + 1) / max(w, 1)
    ramp = 1 + np.sin(np.pi * t / 2)  # 0 .. 2, with weight(k) + weight(-k) = 2
    weight[centre - w:centre + w + 1] = ramp if extended_above else ramp[::-1]
    phase = _centre_phase(kspace, info)
    image = ifftc(kspace * weight[:, None])
    image = (image * phase.conj()).real * phase
    return fftc(image).astype(np.complex64)


def fill_partial_fourier(kspace: np.ndarray, info: PartialFourier, method: str = "pocs") -> np.ndarray:
    """k-space completed by ``method`` ("pocs" or "homodyne"), shape as ``kspace``."""
    if method == "pocs":
        return pocs(kspace, info)
    if method == "homodyne":
        return homodyne(kspace, info)
    raise ValueError(f"partial-Fourier method must be one of {', '.join(PARTIAL_FOURIER_METHODS)}, not '{method}'")


def _centre_phase(kspace: np.ndarray, info: PartialFourier) -> np.ndarray:
    """exp(i φ) of the image of the Hann-windowed symmetric centre, shape as ``kspace``."""
    ny = kspace.shape[-2]
    centre, w = ny // 2, info.symmetric_half_width
    window = np.zeros(ny)
    window[centre - w:centre + w + 1] = np.hanning(2 * w + 1)
    low = ifftc(kspace * window[:, None])
    return np.exp(1j * np.angle(low))
