"""Minimum TE, TI and TR from the event durations of each sequence, as exact arithmetic.

:func:`design_timing` lays out the blocks of one slice of a series (excitation, prephasers,
refocusing, readout, spoilers, ...) on the profile's rasters. The delays that set TE, TI and
TR are what is left between those blocks; a negative delay means the timing is impossible,
so the minimum TE is the TE at which the tightest delay is zero. The Pulseq builders
(:mod:`vetmri.sequences`) play exactly these blocks and delays.

Echo times follow the Pulseq convention: TE runs from the centre of the excitation pulse to
the middle of the readout plateau (for a turbo spin echo: to the echo that encodes the
centre of k-space, ``centre_echo x echo spacing``); TI runs from the centre of the
inversion pulse to the centre of the excitation pulse.

An inversion recovery interleaves its slices (:class:`InversionSchedule`): the TR plays
equal slots, each one slice's inversion followed, after a gap, by the excitation and echo
train of the slice inverted a whole number of slots earlier, so that every slice is
inverted exactly TI before its own excitation while the other slices' trains fill the wait,
as clinical FLAIR and STIR do. Inverted and read in the same slot, it is the plain
inversion, wait and train of each slice in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vetmri.protocols.events import (
    Rasters,
    Readout,
    RfPulse,
    Trapezoid,
    readout_for,
    rf_pulse_for,
    shortest_trapezoid,
)

__all__ = ["GradientBlock", "InversionSchedule", "RfBlock", "SeriesTiming", "TimingInput", "design_timing"]

SequenceKind = Literal["localizer", "se", "tse", "gre", "ir_tse", "gre3d"]

#: Spoiler moments in cycles of phase across a slice (or partition) thickness.
SLICE_SPOIL_CYCLES = 4.0
#: Read-axis spoiler as a multiple of the readout plateau moment.
READ_SPOIL_FACTOR = 2.0


@dataclass(frozen=True)
class RfBlock:
    """An RF pulse played on a slice (or slab) gradient.

    ``crusher_us`` extends the plateau on both sides of the pulse; on a refocusing pulse
    this is a symmetric crusher pair (2 cycles across the slice each side).
    """

    rf: RfPulse
    rf_delay_us: int
    gradient: Trapezoid
    thickness_m: float
    duration_us: int

    @property
    def centre_us(self) -> int:
        return self.rf_delay_us + self.rf.duration_us // 2

    @property
    def rephase_area_t_s_per_m(self) -> float:
        """Slice-gradient area from the pulse centre to the end of the gradient."""
        g = self.gradient
        after_us = g.duration_us - self.centre_us - g.fall_us
        return g.amplitude_t_per_m * (after_us + 0.5 * g.fall_us) * 1e-6


@dataclass(frozen=True)
class GradientBlock:
    """Up to one trapezoid on each logical axis (read, phase, slice)."""

    read: Trapezoid | None
    phase: Trapezoid | None
    slice: Trapezoid | None
    duration_us: int


def _rf_block(rf: RfPulse, thickness_m: float, r: Rasters, crusher_us: int = 0) -> RfBlock:
    amplitude = rf.slice_gradient_t_per_m(thickness_m, r.gamma_hz_per_t)
    ramp = shortest_trapezoid(0.0, r).rise_us
    ramp = max(ramp, r.up(abs(amplitude) / r.max_slew_t_per_m_per_s * 1e6, r.grad_us))
    rf_delay = r.up(max(ramp + crusher_us, r.rf_dead_us), r.grad_us)
    gradient = Trapezoid(amplitude, ramp, crusher_us + rf.duration_us + crusher_us, ramp,
                         delay_us=rf_delay - ramp - crusher_us)
    duration = r.up(max(gradient.duration_us, rf_delay + rf.duration_us + r.rf_ringdown_us))
    return RfBlock(rf, rf_delay, gradient, thickness_m, duration)


def _gradient_block(r: Rasters, read: float | None = None, phase: float | None = None,
                    slice_: float | None = None) -> GradientBlock:
    """The block of the shortest trapezoids for the given areas (T s/m)."""
    traps = {k: (shortest_trapezoid(a, r) if a is not None else None)
             for k, a in (("read", read), ("phase", phase), ("slice", slice_))}
    duration = r.up(max([t.duration_us for t in traps.values() if t is not None] or [r.step_us]))
    return GradientBlock(traps["read"], traps["phase"], traps["slice"], duration)


@dataclass(frozen=True)
class TimingInput:
    """What the event layout depends on (SI units)."""

    kind: SequenceKind
    flip_angle_deg: float
    fov_read_m: float
    fov_phase_m: float
    read_samples: int
    phase_lines: int
    slice_m: float
    partitions: int
    bandwidth_hz_per_px: float
    echo_train_length: int
    centre_echo: int
    #: 3D: partitions the slab excitation covers (``partitions`` less the slab oversampling);
    #: 0 means all of them.
    excited_partitions: int = 0


@dataclass(frozen=True)
class SeriesTiming:
    """The blocks of one slice of a series and the arithmetic of its delays.

    Attributes
    ----------
    excitation, refocusing, inversion : RfBlock or None
    prephaser : GradientBlock
        Slice rephaser, read prephaser and (not in a TSE) the largest phase encode.
    phase_blip, rewinder : GradientBlock or None
        TSE: the phase encode before and its rewinder after each readout.
    readout : Readout
    spoiler, inversion_spoiler : GradientBlock or None
    te_step_us, ti_step_us : int
        The grid TE and TI must lie on.
    """

    kind: SequenceKind
    excitation: RfBlock
    prephaser: GradientBlock
    readout: Readout
    spoiler: GradientBlock
    refocusing: RfBlock | None
    phase_blip: GradientBlock | None
    rewinder: GradientBlock | None
    inversion: RfBlock | None
    inversion_spoiler: GradientBlock | None
    echo_train_length: int
    centre_echo: int
    te_step_us: int
    ti_step_us: int
    phase_area_max_t_s_per_m: float
    partition_area_max_t_s_per_m: float

    # -- TE -------------------------------------------------------------------------------

    def _te_parts(self) -> tuple[int, ...]:
        exc, prep, ro = self.excitation, self.prephaser, self.readout
        after_exc = exc.duration_us - exc.centre_us
        if self.refocusing is None:  # gradient echo
            return (after_exc + prep.duration_us + ro.echo_us,)
        ref = self.refocusing
        if self.phase_blip is None:  # spin echo: each half of TE
            return (after_exc + prep.duration_us + ref.centre_us,
                    ref.duration_us - ref.centre_us + ro.echo_us)
        blip, rew = self.phase_blip, self.rewinder
        assert rew is not None
        return (after_exc + prep.duration_us + ref.centre_us,  # half echo spacings
                ref.duration_us - ref.centre_us + blip.duration_us + ro.echo_us,
                ro.duration_us - ro.echo_us + rew.duration_us + ref.centre_us)

    @property
    def min_te_us(self) -> int:
        parts = self._te_parts()
        if self.refocusing is None:
            return _up(parts[0], self.te_step_us)
        if self.phase_blip is None:
            return _up(2 * max(parts), self.te_step_us)
        return _up(2 * max(parts) * self.centre_echo, self.te_step_us)

    def echo_spacing_us(self, te_us: int) -> int:
        """TSE echo spacing for an effective TE (the same as TE for other sequences)."""
        return te_us // self.centre_echo if self.phase_blip is not None else te_us

    @property
    def min_ti_us(self) -> int:
        if self.inversion is None:
            return 0
        assert self.inversion_spoiler is not None
        return _up(self.inversion.duration_us - self.inversion.centre_us
                   + self.inversion_spoiler.duration_us + self.excitation.centre_us, self.ti_step_us)

    def delays_us(self, te_us: int, ti_us: int = 0) -> dict[str, int]:
        """The delays that set TE (and TI); negative when TE (TI) is too short.

        Keys: ``ti`` (after the inversion spoiler), ``te`` (GRE: before the readout),
        ``te_half1``/``te_half2`` (SE: before and after the refocusing pulse),
        ``esp_first``/``esp_before_echo``/``esp_after_echo`` (TSE).
        """
        delays: dict[str, int] = {}
        if self.inversion is not None:
            delays["ti"] = ti_us - self._ti_fixed_us()
        parts = self._te_parts()
        if self.refocusing is None:
            delays["te"] = te_us - parts[0]
        elif self.phase_blip is None:
            delays["te_half1"] = te_us // 2 - parts[0]
            delays["te_half2"] = te_us // 2 - parts[1]
        else:
            half = self.echo_spacing_us(te_us) // 2
            delays["esp_first"] = half - parts[0]
            delays["esp_before_echo"] = half - parts[1]
            delays["esp_after_echo"] = half - parts[2]
        return delays

    def _ti_fixed_us(self) -> int:
        assert self.inversion is not None and self.inversion_spoiler is not None
        return (self.inversion.duration_us - self.inversion.centre_us
                + self.inversion_spoiler.duration_us + self.excitation.centre_us)

    def on_grid(self, te_us: int, ti_us: int = 0) -> bool:
        """Whether TE (and TI) lie on the grid the delays need."""
        return te_us % self.te_step_us == 0 and (self.inversion is None or ti_us % self.ti_step_us == 0)

    def slice_period_us(self, te_us: int, ti_us: int = 0) -> int:
        """Duration of everything played for one slice (one excitation, or one echo train)."""
        d = self.delays_us(te_us, ti_us)
        total = self.excitation.duration_us + self.prephaser.duration_us
        if self.inversion is not None:
            assert self.inversion_spoiler is not None
            total += self.inversion.duration_us + self.inversion_spoiler.duration_us + d["ti"]
        ro = self.readout.duration_us
        if self.refocusing is None:
            total += d["te"] + ro
        elif self.phase_blip is None:
            total += d["te_half1"] + self.refocusing.duration_us + d["te_half2"] + ro
        else:
            assert self.rewinder is not None
            echo = (self.refocusing.duration_us + d["esp_before_echo"] + self.phase_blip.duration_us
                    + ro + self.rewinder.duration_us)
            total += d["esp_first"] + self.echo_train_length * echo
            total += (self.echo_train_length - 1) * d["esp_after_echo"]
        return total + self.spoiler.duration_us

    # -- interleaved inversion recovery ----------------------------------------------------

    def inversion_block_us(self) -> int:
        """Duration of the inversion pulse and its spoiler."""
        assert self.inversion is not None and self.inversion_spoiler is not None
        return self.inversion.duration_us + self.inversion_spoiler.duration_us

    def train_block_us(self, te_us: int, ti_us: int) -> int:
        """Duration of one slice's excitation, echo train and spoiler (no inversion)."""
        period = self.slice_period_us(te_us, ti_us)
        if self.inversion is None:
            return period
        return period - self.inversion_block_us() - self.delays_us(te_us, ti_us)["ti"]

    def _interleaved_slots(self, te_us: int, ti_us: int, step_us: int) -> tuple[int, int, list[tuple[int, int]]]:
        """(busy, span, ways): the inversion and train of one slot, TI less the
        inversion-to-excitation events, and (slot_us, lead_slots) of every way the slices
        can interleave their inversions at this TI, each with its shortest slot on the grid."""
        busy = self.inversion_block_us() + self.train_block_us(te_us, ti_us)
        span = self.delays_us(te_us, ti_us)["ti"]
        if span < 0:
            return busy, span, []
        ways = [(_up(busy + span, step_us), 0)]  # inversion, wait and train in one slot
        for lead in range(1, span // busy + 1):
            # lead slots of P hold the span, leaving a gap of at most P - busy in the next
            slot = _up(max(busy, -(-(span + busy) // (lead + 1))), step_us)
            if lead * slot <= span:
                ways.append((slot, lead))
        return busy, span, ways

    def inversion_schedule(self, slices_per_tr: int, tr_us: int, te_us: int, ti_us: int,
                           step_us: int) -> InversionSchedule | None:
        """The shortest interleaving of ``slices_per_tr`` slices' inversions in a TR, or None
        when none fits the TR.

        The TR plays ``slices_per_tr + lead_slots`` equal slots and then waits the rest:
        slot k inverts slice k (while there is one) and, after the inversion spoiler and
        ``gap_us``, reads slice ``k - lead_slots`` (once there is one), so every slice is
        inverted exactly TI = ``lead_slots`` x slot + the inversion-to-excitation events +
        gap before its excitation, and the other slices' trains fill the wait."""
        if self.inversion is None or slices_per_tr < 1:
            return None
        busy, span, ways = self._interleaved_slots(te_us, ti_us, step_us)
        fitting = [(slot * (slices_per_tr + lead), slot, lead) for slot, lead in ways
                   if slot * (slices_per_tr + lead) <= tr_us]
        if not fitting:
            return None
        used, slot, lead = min(fitting)
        gap = span - lead * slot
        return InversionSchedule(slot_us=slot, lead_slots=lead, gap_us=gap,
                                 fill_us=slot - busy - gap, tr_rest_us=tr_us - used)

    def shortest_interleaved_tr_us(self, slices_per_tr: int, te_us: int, ti_us: int, step_us: int) -> int:
        """The shortest TR (on the ``step_us`` grid) in which ``slices_per_tr`` slices
        interleave their inversions at this TI (:meth:`inversion_schedule`: it has a
        schedule exactly from this TR on)."""
        _, _, ways = self._interleaved_slots(te_us, ti_us, step_us)
        return min(slot * (slices_per_tr + lead) for slot, lead in ways)


@dataclass(frozen=True)
class InversionSchedule:
    """The slots of an interleaved inversion recovery in one TR (see
    :meth:`SeriesTiming.inversion_schedule`).

    Attributes
    ----------
    slot_us : int
        One slot: an inversion, the gap, a train and the fill.
    lead_slots : int
        Slots from a slice's inversion to its excitation (0: in the same slot); the TR
        plays ``slices_per_tr + lead_slots`` slots.
    gap_us : int
        Delay between the inversion spoiler and the excitation in each slot.
    fill_us : int
        Delay after the train's spoiler to the end of the slot.
    tr_rest_us : int
        What the slots leave of the TR, played at its end.
    """

    slot_us: int
    lead_slots: int
    gap_us: int
    fill_us: int
    tr_rest_us: int


def _up(value: int, step: int) -> int:
    return -(-value // step) * step


def design_timing(t: TimingInput, r: Rasters) -> SeriesTiming:
    """Lay out the blocks of one slice of a series on the profile's rasters.

    Gradient amplitudes that the FOV, slice or bandwidth demand beyond the profile's
    limits are laid out anyway; :func:`gradient_demand` reports them as violations.
    """
    gamma = r.gamma_hz_per_t
    three_d = t.kind == "gre3d"
    thickness = t.slice_m * t.partitions if three_d else t.slice_m  # the encoded slab
    excited = t.slice_m * (t.excited_partitions or t.partitions) if three_d else t.slice_m
    excitation = _rf_block(rf_pulse_for(t.flip_angle_deg, excited, "excitation", r), excited, r)
    readout = readout_for(t.read_samples, t.fov_read_m, t.bandwidth_hz_per_px, r)
    spin_echo = t.kind in ("se", "tse", "ir_tse")
    prephase_read = readout.prephase_area_t_s_per_m() * (1.0 if spin_echo else -1.0)
    phase_max = (t.phase_lines // 2) / (gamma * t.fov_phase_m)
    partition_max = (t.partitions // 2) / (gamma * thickness) if three_d else 0.0
    rephase = -excitation.rephase_area_t_s_per_m
    train = t.kind in ("tse", "ir_tse")
    prephaser = _gradient_block(
        r, read=prephase_read, phase=None if train else phase_max,
        slice_=-(abs(rephase) + partition_max) if three_d else rephase,
    )
    refocusing = None
    if spin_echo:
        rf180 = rf_pulse_for(180.0, t.slice_m, "refocusing", r)
        refocusing = _rf_block(rf180, t.slice_m, r, crusher_us=r.up(rf180.duration_us / 2, r.grad_us))
    phase_blip = _gradient_block(r, phase=phase_max) if train else None
    rewinder = phase_blip
    read_spoil = READ_SPOIL_FACTOR * readout.gradient.amplitude_t_per_m * readout.gradient.flat_us * 1e-6
    slice_spoil = SLICE_SPOIL_CYCLES / (gamma * t.slice_m)
    spoiler = _gradient_block(
        r, read=read_spoil, phase=None if train else phase_max,
        slice_=slice_spoil + partition_max,
    )
    inversion = inversion_spoiler = None
    if t.kind == "ir_tse":
        inversion = _rf_block(rf_pulse_for(180.0, t.slice_m, "inversion", r), t.slice_m, r)
        inversion_spoiler = _gradient_block(r, slice_=slice_spoil)
    step = r.step_us
    if t.kind in ("se",):
        te_step = 2 * step
    elif train:
        te_step = 2 * step * t.centre_echo
    else:
        te_step = step
    return SeriesTiming(
        kind=t.kind, excitation=excitation, prephaser=prephaser, readout=readout,
        spoiler=spoiler, refocusing=refocusing, phase_blip=phase_blip, rewinder=rewinder,
        inversion=inversion, inversion_spoiler=inversion_spoiler,
        echo_train_length=t.echo_train_length if train else 1,
        centre_echo=t.centre_echo if train else 1, te_step_us=te_step, ti_step_us=step,
        phase_area_max_t_s_per_m=phase_max, partition_area_max_t_s_per_m=partition_max,
    )
