"""The short sequences the calibration plays: noise scan, FIDs of a slab, and gradient-echo
projections with a shim offset. Built with the same Pulseq block writer as the imaging
series (so the scanner or simulator plays them like any other sequence).

Every function returns the ``.seq`` text. Times are whole microseconds on the profile's
rasters; amplitudes in T/m.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from vetmri.protocols.events import Readout, Trapezoid, rasters_of, readout_for, rf_pulse_for, shortest_trapezoid
from vetmri.protocols.timing import GradientBlock, RfBlock
from vetmri.scanner.profile import ScannerProfile
from vetmri.sequences.writer import BlockWriter

__all__ = ["fid_scan", "noise_scan", "projection_scan"]

_AXES = "xyz"
#: Slab of the adjustment scans: thick enough for signal, thin enough to be cheap to simulate.
SLAB_M = 0.02
#: Wait between excitations so every tissue (CSF: T1 about 4 s) is fully relaxed.
RELAX_US = 30_000_000


def _writer(profile: ScannerProfile, read: str, phase: str, slice_: str) -> BlockWriter:
    return BlockWriter(profile, {"read": read, "phase": phase, "slice": slice_})


def _text(w: BlockWriter) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "adjust.seq"
        w.seq.write(str(path), create_signature=True, check_timing=False)  # type: ignore[attr-defined]
        return path.read_text()


def _rf_block(profile: ScannerProfile, flip_deg: float, thickness_m: float) -> RfBlock:
    r = rasters_of(profile)
    rf = rf_pulse_for(flip_deg, thickness_m, "excitation", r)
    amplitude = rf.slice_gradient_t_per_m(thickness_m, r.gamma_hz_per_t)
    ramp = max(r.grad_us, r.up(abs(amplitude) / r.max_slew_t_per_m_per_s * 1e6, r.grad_us))
    rf_delay = r.up(max(ramp, r.rf_dead_us), r.grad_us)
    gradient = Trapezoid(amplitude, ramp, rf.duration_us, ramp, delay_us=rf_delay - ramp)
    duration = r.up(max(gradient.duration_us, rf_delay + rf.duration_us + r.rf_ringdown_us))
    return RfBlock(rf, rf_delay, gradient, thickness_m, duration)


def _rephase(block: RfBlock, profile: ScannerProfile, read_area: float | None = None) -> GradientBlock:
    r = rasters_of(profile)
    slice_ = shortest_trapezoid(-block.rephase_area_t_s_per_m, r)
    read = shortest_trapezoid(read_area, r) if read_area else None
    duration = r.up(max(slice_.duration_us, read.duration_us if read else 0))
    return GradientBlock(read, None, slice_, duration)


def _plain_readout(samples: int, dwell_ns: int, profile: ScannerProfile) -> Readout:
    """An ADC window without a readout gradient (FID, noise)."""
    r = rasters_of(profile)
    delay = r.up(r.adc_dead_us + r.grad_us, r.grad_us)
    duration = r.up(delay + samples * dwell_ns / 1000 + r.adc_dead_us)
    return Readout(Trapezoid(0.0, r.grad_us, duration - 2 * r.grad_us, r.grad_us), samples, dwell_ns, delay, duration)


def noise_scan(profile: ScannerProfile, *, readouts: int, samples: int, dwell_s: float) -> str:
    """Readouts with no RF at all: the receiver's noise."""
    r = rasters_of(profile)
    dwell_ns = max(r.adc_ns, round(dwell_s * 1e9 / r.adc_ns) * r.adc_ns)
    w = _writer(profile, "x", "y", "z")
    readout = _plain_readout(min(samples, r.max_samples), dwell_ns, profile)
    for _ in range(readouts):
        w.readout(readout, acquire=True, labels={}, phase_rad=0.0)
        w.delay(r.up(1000))
    return _text(w)


def fid_scan(profile: ScannerProfile, *, flips_deg: tuple[float, ...], samples: int, dwell_s: float,
             slab_axis: str = "z", thickness_m: float = SLAB_M) -> str:
    """One free induction decay of a slab at the isocentre per flip angle, each from full
    relaxation."""
    r = rasters_of(profile)
    dwell_ns = max(r.adc_ns, round(dwell_s * 1e9 / r.adc_ns) * r.adc_ns)
    others = [a for a in _AXES if a != slab_axis]
    w = _writer(profile, others[0], others[1], slab_axis)
    readout = _plain_readout(min(samples, r.max_samples), dwell_ns, profile)
    spoil = GradientBlock(None, None, shortest_trapezoid(8 / (r.gamma_hz_per_t * thickness_m), r), 0)
    spoil = GradientBlock(None, None, spoil.slice, spoil.slice.duration_us)  # type: ignore[union-attr]
    for flip in flips_deg:
        block = _rf_block(profile, flip, thickness_m)
        w.rf_block(block, 0.0, math.pi / 2)
        w.gradient_block(_rephase(block, profile))
        w.readout(readout, acquire=True, labels={}, phase_rad=math.pi / 2)
        w.gradient_block(spoil)
        w.delay(RELAX_US)
    return _text(w)


def projection_scan(profile: ScannerProfile, *, read_axis: str, slab_axis: str, wait_us: int,
                    offset_hz_per_m: float, samples: int = 128, fov_m: float = 0.3,
                    bandwidth_hz_per_px: float = 300.0) -> str:
    """A gradient-echo projection along ``read_axis`` of a slab, with ``wait_us`` of a
    constant gradient offset (a shim error of ``offset_hz_per_m`` along the readout) before
    the readout, which also carries the offset."""
    r = rasters_of(profile)
    phase_axis = [a for a in _AXES if a not in (read_axis, slab_axis)][0]
    w = _writer(profile, read_axis, phase_axis, slab_axis)
    readout = readout_for(samples, fov_m, bandwidth_hz_per_px, r)
    block = _rf_block(profile, 30.0, SLAB_M)
    w.rf_block(block, 0.0, math.pi / 2)
    w.gradient_block(_rephase(block, profile, -readout.prephase_area_t_s_per_m()))
    offset_t_per_m = offset_hz_per_m / r.gamma_hz_per_t
    if offset_t_per_m and wait_us > 2 * r.grad_us:
        hold = Trapezoid(offset_t_per_m, r.grad_us, wait_us - 2 * r.grad_us, r.grad_us)
        w.gradient_block(GradientBlock(hold, None, None, wait_us))
    else:
        w.delay(wait_us)
    g = readout.gradient
    shifted = Readout(Trapezoid(g.amplitude_t_per_m + offset_t_per_m, g.rise_us, g.flat_us, g.fall_us, g.delay_us),
                      readout.samples, readout.dwell_ns, readout.adc_delay_us, readout.duration_us)
    w.readout(shifted, acquire=True, labels={}, phase_rad=math.pi / 2)
    return _text(w)
