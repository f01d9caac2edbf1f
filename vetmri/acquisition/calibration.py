"""The calibration chain: each adjustment estimated from a measurement the scanner plays.

1. **Larmor search** (``larmor``): the free induction decay (FID) of a slab, first over a
   100 kHz band (dwell 10 us, 2048 samples), then, re-centred, over 0.8 s (dwell 100 us,
   8192 samples: 1.2 Hz bins); the water peak of the zero-padded spectrum with a parabolic
   fit of its top. The magnet's drift is the peak's offset from the nominal frequency.
2. **Noise scan** (``noise``): readouts with no RF; the channel covariance and the noise
   level per sqrt(dwell).
3. **Shim** (``shim``): per axis, two gradient-echo projections of a slab whose echo times
   differ by one fat-water period (34.5 ms at 0.2 T). A linear field error ``g`` (Hz/m) along the readout moves k-space by
   ``g x t``, so the projections differ by a linear phase of slope ``-2 pi g dt``; the slope
   (least squares, weighted by the signal) gives ``g`` and the shim is ``-g``.
4. **RF amplitude** (``rf``): the double-angle method (Insko and Bolinger, JMR A 103:82, 1993):
   FIDs after nominal 60 and 120 degree pulses from full relaxation, ``S2/S1 = 2 cos(a)``
   gives the actual angle ``a``; the RF scale makes it 60 degrees.
5. **Larmor again** (``larmor_final``): the fine search, as consoles do after shimming.

Each step reports progress and uses the adjustments found so far.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from vetmri.acquisition.adjustment_scans import fid_scan, noise_scan, projection_scan
from vetmri.acquisition.contract import Adjustments, Progress
from vetmri.errors import OperationFailedError
from vetmri.scanner.profile import ScannerProfile
from vetmri.simulation.result import SimulatedAcquisition

__all__ = ["Measure", "ScanText", "calibrate_chain", "estimate_rf_scale", "estimate_shim", "larmor_peak_hz", "noise_statistics"]

#: Builds a scan's ``.seq`` text given the linear field error (Hz/m along x, y, z) that the
#: console's gradient offsets leave; the scanner side knows that error, the chain does not.
ScanText = Callable[[tuple[float, float, float]], str]
#: Plays a scan with the given adjustments and returns its readouts.
Measure = Callable[[ScanText, Adjustments], Sequence[SimulatedAcquisition]]

_DAM_FLIP_DEG = 60.0
_SHIM_FIRST_WAIT_US = 2_000
_FAT_PPM = 3.4


def _shim_waits_us(profile: ScannerProfile) -> tuple[int, int]:
    """Waits that differ by one fat-water period (34.5 ms at 0.2 T): fat and water are in
    phase again, so the chemical shift adds nothing to the phase difference."""
    period_us = 1e6 / (_FAT_PPM * 1e-6 * profile.magnet.larmor_hz)
    return _SHIM_FIRST_WAIT_US, _SHIM_FIRST_WAIT_US + int(round(period_us / 10)) * 10
_SHIM_AXES = (("x", "y"), ("y", "z"), ("z", "x"))  # (readout, slab) per axis


def larmor_peak_hz(readout: SimulatedAcquisition, *, zero_fill: int = 8) -> float:
    """Frequency offset of the strongest spectral line of an FID (all channels), Hz, in
    the scanner's sign convention (a positive offset is a magnet above its nominal field)."""
    samples = readout.samples
    n = samples.shape[1] * zero_fill
    spectrum = (np.abs(np.fft.fft(samples, n, axis=1)) ** 2).sum(axis=0)
    peak = int(np.argmax(spectrum))
    left, centre, right = spectrum[peak - 1], spectrum[peak], spectrum[(peak + 1) % n]
    denominator = left - 2 * centre + right
    shift = 0.5 * (left - right) / denominator if denominator else 0.0
    frequency = np.fft.fftfreq(n, readout.dwell_s)[peak] + shift / (n * readout.dwell_s)
    # the signal of an offset f evolves as exp(-2 pi i f t): its spectrum peaks at -f
    return float(-frequency)


def noise_statistics(readouts: Sequence[SimulatedAcquisition]) -> tuple[float, np.ndarray]:
    """Noise std of one sample's real part x sqrt(dwell), and the covariance at a 1 s dwell."""
    data = np.concatenate([a.samples for a in readouts], axis=1)
    dwell = readouts[0].dwell_s
    data = data - data.mean(axis=1, keepdims=True)
    covariance = (data @ data.conj().T) / max(data.shape[1] - 1, 1) * dwell
    std = float(np.sqrt(np.mean(np.diag(covariance).real) / 2))
    return std, covariance


def estimate_rf_scale(readouts: Sequence[SimulatedAcquisition]) -> float:
    """Actual over nominal flip angle from the double-angle FIDs (60 then 120 degrees)."""
    first, second = (np.abs(a.samples[:, :8].mean(axis=1)) for a in readouts[:2])
    ratio = float(np.sum(second * first) / np.sum(first * first))
    if not -2.0 < ratio < 2.0 or first.sum() <= 0:
        raise OperationFailedError("The RF calibration found no usable signal; check that the patient is in the coil.")
    return math.degrees(math.acos(ratio / 2)) / _DAM_FLIP_DEG


def estimate_shim(first: SimulatedAcquisition, second: SimulatedAcquisition, *, axis: int, wait_s: float) -> float:
    """Linear field error along ``axis`` (Hz/m) from two projections whose waits differ by
    ``wait_s`` (readouts along +axis)."""
    n = first.samples.shape[1]
    fov = 1.0 / float(np.median(np.diff(first.k_per_m[:, axis])))
    p1 = np.fft.fftshift(np.fft.ifft(np.fft.ifftshift(first.samples, axes=1), axis=1), axes=1)
    p2 = np.fft.fftshift(np.fft.ifft(np.fft.ifftshift(second.samples, axes=1), axis=1), axes=1)
    product = (p2 * p1.conj()).sum(axis=0)
    x = (np.arange(n) - n // 2) * fov / n
    weight = np.abs(product)
    keep = weight > 0.1 * weight.max()
    # unwrap along the object, then fit the slope weighted by the signal
    phase = np.unwrap(np.angle(product[keep]))
    w = weight[keep]
    slope = float(np.polyfit(x[keep], phase, 1, w=np.sqrt(w))[0])
    return -slope / (2 * math.pi * wait_s)


def calibrate_chain(profile: ScannerProfile, measure: Measure, steps: Sequence[str], *,
                    start: Adjustments = Adjustments(), on_progress: Progress | None = None,
                    check_abort: Callable[[], None] = lambda: None) -> Adjustments:
    """Run the calibration ``steps`` in order, each from its own measurement.

    Parameters
    ----------
    measure : callable(scan, adjustments) -> readouts
        Plays a sequence on the scanner (or simulator) with the current adjustments.
    steps : sequence of str
        Names from :data:`vetmri.acquisition.contract.CALIBRATION_STEPS`.
    """
    report = on_progress or (lambda fraction, message: None)
    adj = start
    for number, step in enumerate(steps):
        check_abort()
        report(number / len(steps), f"calibration: {step.replace('_', ' ')}")
        if step in ("larmor", "larmor_final"):
            if step == "larmor":
                coarse = measure(lambda _: fid_scan(profile, flips_deg=(90.0,), samples=2048, dwell_s=10e-6), adj)
                adj = replace(adj, f0_hz=adj.f0_hz + larmor_peak_hz(coarse[0]))
            fine = measure(lambda _: fid_scan(profile, flips_deg=(90.0,), samples=8192, dwell_s=100e-6), adj)
            adj = replace(adj, f0_hz=adj.f0_hz + larmor_peak_hz(fine[0]))
        elif step == "noise":
            readouts = measure(lambda _: noise_scan(profile, readouts=32, samples=512, dwell_s=20e-6), adj)
            std, covariance = noise_statistics(readouts)
            adj = replace(adj, noise_std=std, noise_covariance=tuple(tuple(complex(v) for v in row) for row in covariance))
        elif step == "shim":
            shim = list(adj.shim_hz_per_m)
            waits = _shim_waits_us(profile)
            for axis_name, slab in _SHIM_AXES:
                axis = "xyz".index(axis_name)
                pair = [measure(lambda error, wait=wait, a=axis_name, s=slab, i=axis: projection_scan(
                    profile, read_axis=a, slab_axis=s, wait_us=wait, offset_hz_per_m=error[i]), adj)[0]
                    for wait in waits]
                error = estimate_shim(*pair, axis=axis, wait_s=(waits[1] - waits[0]) * 1e-6)
                shim[axis] -= error
                check_abort()
            adj = replace(adj, shim_hz_per_m=(shim[0], shim[1], shim[2]))
        elif step == "rf":
            readouts = measure(lambda _: fid_scan(profile, flips_deg=(_DAM_FLIP_DEG, 2 * _DAM_FLIP_DEG),
                                                  samples=64, dwell_s=100e-6), adj)
            adj = replace(adj, rf_scale=adj.rf_scale / estimate_rf_scale(readouts))
    report(1.0, "calibration done")
    return adj
