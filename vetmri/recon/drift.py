"""Frequency-drift correction from navigator echoes.

A permanent magnet drifts with temperature (about 10 kHz per kelvin at 8.5 MHz): during a
scan the resonance moves by Δf(t). A line read at time t then carries the phase
2π Δf(t) (TE + (n - c) dwell) on its sample n (c = echo centre): a line-to-line phase error
that ghosts the image along the phase direction, plus a small readout shift.

Navigators (readouts flagged ``IS_NAVIGATION_DATA``, without phase encoding, at the echo
time of the imaging lines) measure it: against the first navigator, the phase slope along
the readout gives Δf without wrapping, and the phase at the echo centre, divided by
2π TE, refines it. Δf is interpolated in time to every line and removed.
"""

from __future__ import annotations

import numpy as np

from vetmri.recon.readouts import Readouts

__all__ = ["correct_drift", "estimate_drift_hz"]


def estimate_drift_hz(navigators: Readouts, te_s: float) -> np.ndarray:
    """Frequency offset of every navigator relative to the first, Hz; shape (n,)."""
    ref = navigators.data[0]
    cross = np.sum(navigators.data * ref.conj()[None], axis=1)  # (n, samples)
    weight = np.abs(ref).sum(axis=0) ** 2
    samples = np.arange(cross.shape[1]) - navigators.center_sample[:, None]
    dwell = navigators.sample_time_s
    drift = np.zeros(len(navigators))
    for i in range(len(navigators)):
        phase = np.unwrap(np.angle(cross[i]))
        # weighted straight-line fit: phase = a + b * (n - c)
        a, b = _weighted_line(samples[i], phase, weight)
        coarse = b / (2 * np.pi * dwell)
        if te_s > 0:
            centre_phase = np.angle(cross[i, navigators.center_sample[i]])
            turns = np.round(coarse * te_s - centre_phase / (2 * np.pi))
            drift[i] = (centre_phase + 2 * np.pi * turns) / (2 * np.pi * te_s)
        else:
            drift[i] = coarse
    return drift


def _weighted_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    sw = w.sum()
    mx, my = (w * x).sum() / sw, (w * y).sum() / sw
    slope = (w * (x - mx) * (y - my)).sum() / max((w * (x - mx) ** 2).sum(), 1e-30)
    return float(my - slope * mx), float(slope)


def correct_drift(lines: Readouts, navigators: Readouts, te_s: float) -> tuple[Readouts, np.ndarray]:
    """Remove the navigator-measured frequency drift from the imaging lines.

    Returns
    -------
    Readouts
        The corrected lines.
    ndarray of shape (n_navigators,)
        The measured drift, Hz (for the reconstruction record).
    """
    order = np.argsort(navigators.time_s, kind="stable")
    navigators = navigators.select(np.isin(np.arange(len(navigators)), order))
    navigators = Readouts(
        navigators.data[order], navigators.counters[order], navigators.time_s[order],
        navigators.center_sample[order], navigators.sample_time_s,
        tuple(navigators.acquisitions[i] for i in order),
    )
    drift = estimate_drift_hz(navigators, te_s)
    line_drift = np.interp(lines.time_s, navigators.time_s, drift)
    n = np.arange(lines.data.shape[2])[None, :] - lines.center_sample[:, None]
    phase = 2 * np.pi * line_drift[:, None] * (te_s + n * lines.sample_time_s)
    return lines.with_data(lines.data * np.exp(-1j * phase)[:, None, :].astype(np.complex64)), drift
