"""Turns the planner's events (:mod:`vetmri.protocols.events`) into pypulseq events with
exactly the same numbers, and adds blocks to a sequence."""

from __future__ import annotations

import math
from typing import Any

from vetmri.protocols.events import Readout, Trapezoid
from vetmri.protocols.timing import GradientBlock, RfBlock
from vetmri.scanner.profile import ScannerProfile
from vetmri.sequences.system import pulseq_system

__all__ = ["BlockWriter"]


class BlockWriter:
    """Adds blocks to one pypulseq ``Sequence`` built with the profile's limits.

    Parameters
    ----------
    profile : ScannerProfile
    channels : dict
        Gradient channel ("x", "y", "z") of each logical axis ("read", "phase", "slice").
    """

    def __init__(self, profile: ScannerProfile, channels: dict[str, str]):
        import pypulseq as pp

        self.pp = pp
        self.system = pulseq_system(profile)
        self.seq = pp.Sequence(system=self.system)
        self.gamma = profile.magnet.gamma_hz_per_t
        self.channels = channels
        self._rf_cache: dict[tuple[Any, ...], Any] = {}

    # -- events ---------------------------------------------------------------------------

    def trapezoid(self, t: Trapezoid | None, axis: str) -> Any:
        """The pypulseq trapezoid of ``t`` on ``axis`` (None for a zero gradient)."""
        if t is None or t.amplitude_t_per_m == 0.0:
            return None
        return self.pp.make_trapezoid(
            channel=self.channels[axis], amplitude=t.amplitude_t_per_m * self.gamma,
            rise_time=t.rise_us * 1e-6, flat_time=t.flat_us * 1e-6, fall_time=t.fall_us * 1e-6,
            delay=t.delay_us * 1e-6, system=self.system,
        )

    def _rf(self, block: RfBlock) -> Any:
        key = (block.rf, block.rf_delay_us)
        if key not in self._rf_cache:
            self._rf_cache[key] = self.pp.make_sinc_pulse(
                flip_angle=math.radians(block.rf.flip_angle_deg), duration=block.rf.duration_us * 1e-6,
                time_bw_product=block.rf.time_bandwidth, apodization=block.rf.apodization,
                delay=block.rf_delay_us * 1e-6, system=self.system, use=block.rf.use,
            )
        return self._rf_cache[key]

    # -- blocks ---------------------------------------------------------------------------

    def rf_block(self, block: RfBlock, position_m: float, phase_rad: float) -> None:
        """An RF pulse on its slice gradient, shifted to a slice position."""
        import copy

        rf = copy.copy(self._rf(block))
        rf.freq_offset = block.gradient.amplitude_t_per_m * self.gamma * position_m
        rf.phase_offset = phase_rad - 2 * math.pi * rf.freq_offset * (block.rf.duration_us * 1e-6 / 2)
        self.seq.add_block(rf, self.trapezoid(block.gradient, "slice"),
                           self.pp.make_delay(block.duration_us * 1e-6))

    def gradient_block(self, block: GradientBlock, *, read: Trapezoid | None = None,
                       phase: Trapezoid | None = None, slice_: Trapezoid | None = None) -> None:
        """A block of trapezoids (the given ones replace the block's, same timing)."""
        events = [self.trapezoid(t, axis) for t, axis in (
            (read or block.read, "read"), (phase if phase is not None else block.phase, "phase"),
            (slice_ if slice_ is not None else block.slice, "slice"))]
        events = [e for e in events if e is not None]
        self.seq.add_block(*events, self.pp.make_delay(block.duration_us * 1e-6))

    def readout(self, r: Readout, *, acquire: bool, labels: dict[str, int], phase_rad: float) -> None:
        """The readout gradient with (or without) its ADC and encoding labels; a zero readout
        gradient (a noise or FID readout) plays the ADC alone."""
        gradient = self.trapezoid(r.gradient, "read")
        events: list[Any] = [self.pp.make_delay(r.duration_us * 1e-6)]
        if gradient is not None:
            events.insert(0, gradient)
        if acquire:
            events.append(self.pp.make_adc(num_samples=r.samples, dwell=r.dwell_ns * 1e-9,
                                           delay=r.adc_delay_us * 1e-6, phase_offset=phase_rad,
                                           system=self.system))
            events.extend(self.pp.make_label(label=k, type="SET", value=v) for k, v in labels.items())
        self.seq.add_block(*events)

    def delay(self, us: int) -> None:
        """A pause (nothing when zero)."""
        if us < 0:
            raise ValueError(f"negative delay {us} us")
        if us:
            self.seq.add_block(self.pp.make_delay(us * 1e-6))
