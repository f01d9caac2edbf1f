"""Partial Fourier along the phase-encoding direction: projection onto convex sets (POCS).

A partial-Fourier scan skips up to nearly half of one side of k-space. For a real object
with a smooth phase, k-space is Hermitian up to that phase: POCS estimates the phase from
the symmetric centre, then alternates between imposing it on the image and restoring the
measured lines (Haacke et al., J Magn Reson 1991).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.recon.fft import fftc, ifftc

__all__ = ["PartialFourier", "detect_partial_fourier", "pocs"]


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
    centre, w = ny // 2, info.symmetric_half_width
    window = np.zeros(ny)
    window[centre - w:centre + w + 1] = np.hanning(2 * w + 1)
    low = ifftc(kspace * window[:, None])
    phase = np.exp(1j * np.angle(low))
    measured = np.zeros(ny, bool)
    measured[info.first:info.last + 1] = True
    estimate = kspace.copy()
    for _ in range(iterations):
        image = ifftc(estimate)
        image = np.abs(image) * phase
        estimate = fftc(image)
        estimate[..., measured, :] = kspace[..., measured, :]
    return estimate.astype(np.complex64)
