"""RF shapes as Pulseq defines them: their integral (the flip angle) and their small-tip
excitation profile (the slice they select). Plain numpy, no pypulseq.

A shape on the uniform RF raster (no time shape) holds each sample for its raster interval;
a shape with explicit sample times (a time shape, such as pypulseq's 2-point block pulse)
is piecewise-linear between them.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["rf_area", "small_tip_profile"]


_PROFILE_CACHE: dict[bytes, tuple[np.ndarray, np.ndarray, float]] = {}


def _cached_profile(signal: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    key = signal.tobytes() + t.tobytes()
    if key not in _PROFILE_CACHE:
        if len(_PROFILE_CACHE) > 64:
            _PROFILE_CACHE.clear()
        _PROFILE_CACHE[key] = _compute_profile(signal, t)
    return _PROFILE_CACHE[key]


def _compute_profile(signal: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    if len(signal) < 2:
        return np.array([-1e6, 1e6]), np.array([1.0, 1.0]), 1e9
    dt = float(np.median(np.diff(t)))
    n = 1 << int(math.ceil(math.log2(max(len(signal), 2) * 16)))
    spectrum = np.abs(np.fft.fftshift(np.fft.fft(signal, n)))
    freqs = np.fft.fftshift(np.fft.fftfreq(n, dt))
    spectrum /= spectrum.max()
    above = np.nonzero(spectrum >= 0.5)[0]
    bandwidth = float(freqs[above[-1]] - freqs[above[0]] + freqs[1] - freqs[0])
    return freqs, spectrum, bandwidth


def _uniform_step(t: np.ndarray) -> float | None:
    """The sample step of a shape on a uniform raster whose samples sit at the centres of
    their raster intervals (``(i + 0.5) dt``, a shape without a time shape), else None."""
    if len(t) < 2:
        return None
    dt = float(t[1] - t[0])
    if dt <= 0 or abs(t[0] - dt / 2) > 1e-3 * dt or np.ptp(np.diff(t)) > 1e-3 * dt:
        return None
    return dt


def rf_area(signal: np.ndarray, t: np.ndarray) -> complex:
    """Integral of an RF shape (cycles: flip angle / 2 pi) as Pulseq defines the shape.

    A shape on the uniform raster holds each sample for its raster interval (a sum times
    the step, the normalisation of pypulseq's ``make_sinc_pulse``, ``make_gauss_pulse``
    and ``make_arbitrary_rf``); a shape with explicit sample times (a time shape, such as
    the 2-point ``make_block_pulse``) is piecewise-linear between them (the trapezoidal
    integral)."""
    signal = np.asarray(signal, dtype=complex)
    t = np.asarray(t, dtype=float)
    if len(signal) == 0:
        return 0j
    step = _uniform_step(t)
    if step is not None:
        return complex(np.sum(signal) * step)
    if len(signal) == 1:
        return 0j
    return complex(np.sum(0.5 * (signal[1:] + signal[:-1]) * np.diff(t)))


def _on_uniform_grid(signal: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The shape on a uniform grid (a time shape interpolated linearly, at least 256 points
    and no coarser than 1 us), for its small-tip profile."""
    if _uniform_step(t) is not None or len(t) < 2:
        return signal, t
    duration = float(t[-1] - t[0])
    n = max(256, int(math.ceil(duration / 1e-6)))
    grid = t[0] + (np.arange(n) + 0.5) * duration / n
    values = np.interp(grid, t, signal.real) + 1j * np.interp(grid, t, signal.imag)
    return values, grid




def small_tip_profile(signal: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Frequencies (Hz), the normalised magnitude of the shape's Fourier transform there, and
    its full width at half maximum (Hz)."""
    return _cached_profile(*_on_uniform_grid(np.asarray(signal, dtype=complex), np.asarray(t, dtype=float)))
