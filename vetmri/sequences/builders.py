"""Pulseq sequences from series plans: localizer, spin echo, turbo spin echo, spoiled
gradient echo, inversion-recovery TSE (STIR, FLAIR) and 3D spoiled gradient echo.

Each builder plays the blocks laid out by :func:`vetmri.protocols.timing.design_timing`
with the delays that set TE, TI and TR, so a plan at its ``min_te_s`` builds and one
gradient raster step shorter is refused (:class:`SequenceRefusedError`).

Encoding labels on every ADC: ``LIN`` (phase-encoding line, centre = rows // 2, rows of the
encoded field of view with any phase oversampling), ``SLC``
(slice index), ``AVG`` (average), ``PAR`` (3D partition, centre = partitions // 2), ``SEG``
(echo of the echo train, TSE and IR-TSE), ``SET`` (localizer plane: 0 sagittal, 1 dorsal,
2 transverse). Averages are the outer loop, then shots (echo trains, or lines), then the
slices of one TR; slices that do not fit one TR are played in further concatenations.
"""

from __future__ import annotations

import math

from vetmri.errors import UserInputError
from vetmri.protocols.events import rasters_of
from vetmri.protocols.geometry import LOCALIZER_PLANES, PLANE_AXES
from vetmri.protocols.plan import AXIS_CHANNELS, SeriesPlan
from vetmri.protocols.series_planner import timing_for
from vetmri.protocols.timing import SeriesTiming
from vetmri.scanner.profile import ScannerProfile
from vetmri.sequences.writer import BlockWriter

__all__ = ["SequenceRefusedError", "make_sequence"]

#: RF-spoiling phase increment of the spoiled gradient echoes (Zur et al., MRM 21:251, 1991).
RF_SPOIL_DEG = 117.0


class SequenceRefusedError(UserInputError):
    """The series cannot be played: its TE, TI or TR is shorter than its events need."""


def _check(plan: SeriesPlan, timing: SeriesTiming, step: int) -> tuple[int, int, int]:
    p = plan.parameters
    te, tr = round(p.te_s * 1e6), round(p.tr_s * 1e6)
    ti = round(p.ti_s * 1e6) if p.ti_s is not None else 0
    if te < timing.min_te_us:
        raise SequenceRefusedError(f"{p.name}: TE {te / 1e3:g} ms is shorter than the minimum "
                                   f"{timing.min_te_us / 1e3:g} ms of its events.")
    if timing.inversion is not None and ti < timing.min_ti_us:
        raise SequenceRefusedError(f"{p.name}: TI {ti / 1e3:g} ms is shorter than the minimum "
                                   f"{timing.min_ti_us / 1e3:g} ms of its events.")
    if not timing.on_grid(te, ti):
        raise SequenceRefusedError(f"{p.name}: TE {te / 1e3:g} ms (or TI) is not on the "
                                   f"{timing.te_step_us} us grid of its delays.")
    if _interleaves(plan, timing):
        needed = timing.shortest_interleaved_tr_us(plan.slices_per_tr, te, ti, step)
    else:
        needed = plan.slices_per_tr * timing.slice_period_us(te, ti)
    if tr < needed or tr % step:
        raise SequenceRefusedError(f"{p.name}: TR {tr / 1e3:g} ms is shorter than the {needed / 1e3:g} ms "
                                   f"its {plan.slices_per_tr} slice(s) per TR need, or off the {step} us grid.")
    return te, ti, tr


def _interleaves(plan: SeriesPlan, timing: SeriesTiming) -> bool:
    """Whether the series is an inversion recovery whose slices interleave their inversions
    (more than one slice per TR; one per TR plays inversion, wait and train in turn)."""
    return timing.inversion is not None and plan.slices_per_tr > 1


def _channels(read: str, phase: str, slice_: str) -> dict[str, str]:
    return {"read": AXIS_CHANNELS[read], "phase": AXIS_CHANNELS[phase], "slice": AXIS_CHANNELS[slice_]}


class _Kernel:
    """Plays the events of one slice (one excitation or echo train) of a series."""

    def __init__(self, w: BlockWriter, plan: SeriesPlan, timing: SeriesTiming, te: int, ti: int):
        self.w, self.plan, self.t = w, plan, timing
        self.delays = timing.delays_us(te, ti)
        self.gamma = w.gamma
        p = plan.parameters
        self.rows, self.fov_phase = p.encoded_rows, p.encoded_fov_m[0]
        self.partitions = p.encoded_partitions
        self.thickness = p.slice_m
        self.spoil_count = 0

    def _phase_area(self, line: int) -> float:
        return (line - self.rows // 2) / (self.gamma * self.fov_phase) if line >= 0 else 0.0

    def _partition_area(self, partition: int) -> float:
        return (partition - self.partitions // 2) / (self.gamma * self.thickness * self.partitions)

    def invert(self, position_m: float) -> None:
        """The inversion pulse of the slice at ``position_m`` and its spoiler."""
        assert self.t.inversion is not None and self.t.inversion_spoiler is not None
        self.w.rf_block(self.t.inversion, position_m, 0.0)
        self.w.gradient_block(self.t.inversion_spoiler)

    def play(self, lines: tuple[int, ...], position_m: float, labels: dict[str, int], acquire: bool,
             partition: int = 0, invert: bool = True) -> None:
        """One slice's events; ``invert=False`` leaves out an inversion recovery's inversion
        and wait (played by the interleaved schedule instead)."""
        t, w, d = self.t, self.w, self.delays
        spin_echo = t.refocusing is not None
        if spin_echo:
            exc_phase, adc_phase = math.pi / 2, math.pi / 2
        else:  # RF spoiling: quadratic phase
            self.spoil_count += 1
            exc_phase = adc_phase = math.radians(RF_SPOIL_DEG * self.spoil_count * (self.spoil_count + 1) / 2 % 360)
        if t.inversion is not None and invert:
            self.invert(position_m)
            w.delay(d["ti"])
        w.rf_block(t.excitation, position_m, exc_phase)
        prep = t.prephaser
        if t.phase_blip is None:  # SE, GRE, 3D: phase (and partition) encoding before the echo
            area = self._phase_area(lines[0])
            slice_ = None
            if self.partitions > 1:
                slice_ = prep.slice.with_area(-t.excitation.rephase_area_t_s_per_m + self._partition_area(partition))  # type: ignore[union-attr]
            w.gradient_block(prep, phase=prep.phase.with_area(area), slice_=slice_)  # type: ignore[union-attr]
        else:
            w.gradient_block(prep)
        if t.refocusing is None:
            w.delay(d["te"])
            w.readout(t.readout, acquire=acquire, labels=labels, phase_rad=adc_phase)
        elif t.phase_blip is None:
            w.delay(d["te_half1"])
            w.rf_block(t.refocusing, position_m, 0.0)
            w.delay(d["te_half2"])
            w.readout(t.readout, acquire=acquire, labels=labels, phase_rad=adc_phase)
        else:
            assert t.rewinder is not None and t.phase_blip.phase is not None
            w.delay(d["esp_first"])
            for echo, line in enumerate(lines):
                w.rf_block(t.refocusing, position_m, 0.0)
                w.delay(d["esp_before_echo"])
                area = self._phase_area(line)
                w.gradient_block(t.phase_blip, phase=t.phase_blip.phase.with_area(area))
                w.readout(t.readout, acquire=acquire and line >= 0,
                          labels={**labels, "LIN": max(line, 0), "SEG": echo}, phase_rad=adc_phase)
                w.gradient_block(t.rewinder, phase=t.phase_blip.phase.with_area(-area))
                if echo < len(lines) - 1:
                    w.delay(d["esp_after_echo"])
        spoil = t.spoiler
        phase = spoil.phase.with_area(-self._phase_area(lines[0])) if spoil.phase is not None else None
        slice_ = None
        if self.partitions > 1 and spoil.slice is not None:
            slice_ = spoil.slice.with_area(spoil.slice.area_t_s_per_m - t.partition_area_max_t_s_per_m
                                           - self._partition_area(partition))
        w.gradient_block(spoil, phase=phase, slice_=slice_)


def _groups(plan: SeriesPlan) -> list[tuple[int, ...]]:
    order = plan.encoding.slice_order
    return [order[k::plan.concatenations] for k in range(plan.concatenations)]


def _repetitions(plan: SeriesPlan) -> list[tuple[int, tuple[int, ...], bool]]:
    """(average, shot, acquire) of every TR of one concatenation, dummies first."""
    return [*((0, plan.encoding.shots[0], False) for _ in range(plan.dummy_repetitions)),
            *((a, shot, True) for a in range(plan.parameters.averages) for shot in plan.encoding.shots)]


def _two_d(w: BlockWriter, plan: SeriesPlan, timing: SeriesTiming, te: int, ti: int, tr: int,
           extra_labels: dict[str, int], step: int) -> None:
    if _interleaves(plan, timing):
        _interleaved_inversion(w, plan, timing, te, ti, tr, step)
        return
    kernel = _Kernel(w, plan, timing, te, ti)
    period = timing.slice_period_us(te, ti)
    positions = plan.encoding.slice_positions_m
    for group in _groups(plan):
        fill = tr - len(group) * period
        for average, shot, acquire in _repetitions(plan):
            for s in group:
                labels = {**extra_labels, "SLC": s, "AVG": average, "LIN": max(shot[0], 0)}
                kernel.play(shot, positions[s], labels, acquire)
            w.delay(fill)


def _interleaved_inversion(w: BlockWriter, plan: SeriesPlan, timing: SeriesTiming, te: int, ti: int,
                           tr: int, step: int) -> None:
    """An inversion recovery with its slices interleaved: slot k of every TR inverts slice k
    of the concatenation (while there is one) and reads slice ``k - lead_slots`` (once there
    is one); a concatenation with fewer slices than the others leaves those slots empty."""
    schedule = timing.inversion_schedule(plan.slices_per_tr, tr, te, ti, step)
    assert schedule is not None  # checked by _check
    kernel = _Kernel(w, plan, timing, te, ti)
    positions = plan.encoding.slice_positions_m
    inversion_us = timing.inversion_block_us()
    train_us = timing.train_block_us(te, ti)
    n, lead = plan.slices_per_tr, schedule.lead_slots
    for group in _groups(plan):
        slices: list[int | None] = [*group, *([None] * (n - len(group)))]
        for average, shot, acquire in _repetitions(plan):
            for k in range(n + lead):
                inverted = slices[k] if k < n else None
                read = slices[k - lead] if k >= lead else None
                if inverted is not None:
                    kernel.invert(positions[inverted])
                else:
                    w.delay(inversion_us)
                w.delay(schedule.gap_us)
                if read is None:
                    w.delay(train_us + schedule.fill_us)
                    continue
                labels = {"SLC": read, "AVG": average, "LIN": max(shot[0], 0)}
                kernel.play(shot, positions[read], labels, acquire, invert=False)
                w.delay(schedule.fill_us)
            w.delay(schedule.tr_rest_us)


def _three_d(w: BlockWriter, plan: SeriesPlan, timing: SeriesTiming, te: int, tr: int) -> None:
    kernel = _Kernel(w, plan, timing, te, 0)
    fill = tr - timing.slice_period_us(te, 0)
    centre = (plan.parameters.encoded_rows // 2, plan.parameters.encoded_partitions // 2)
    points = [(0, centre, False)] * plan.dummy_repetitions
    points += [(a, pt, True) for a in range(plan.parameters.averages) for pt in plan.encoding.points]
    for average, (line, partition), acquire in points:
        kernel.play((line,), 0.0, {"LIN": line, "PAR": partition, "AVG": average, "SLC": 0},
                    acquire, partition=partition)
        w.delay(fill)


def make_sequence(plan: SeriesPlan, profile: ScannerProfile) -> object:
    """The pypulseq ``Sequence`` of a series plan (built with the profile's limits).

    Raises
    ------
    SequenceRefusedError
        TE, TI or TR shorter than the events need (or off their timing grid).
    """
    p = plan.parameters
    rasters = rasters_of(profile)
    timing = timing_for(p, plan.encoding, rasters)
    te, ti, tr = _check(plan, timing, rasters.step_us)
    if p.sequence == "localizer":
        w = BlockWriter(profile, _channels("cc", "dv", "lr"))
        for index, plane in enumerate(LOCALIZER_PLANES):
            (read, phase), slice_axis = PLANE_AXES[plane]
            w.channels = _channels(read, phase, slice_axis)
            _two_d(w, plan, timing, te, ti, tr, {"SET": index}, rasters.step_us)
    else:
        w = BlockWriter(profile, _channels(p.read_axis, p.phase_axis, p.slice_axis))
        if p.sequence == "gre3d":
            _three_d(w, plan, timing, te, tr)
        else:
            _two_d(w, plan, timing, te, ti, tr, {}, rasters.step_us)
    seq = w.seq
    seq.set_definition("Name", p.name)
    # What the file encodes: the phase FOV and lines include any phase oversampling.
    seq.set_definition("FOV", [p.fov_m[1], p.encoded_fov_m[0], p.slice_m * p.encoded_partitions])
    seq.set_definition("Matrix", [p.matrix[1], p.encoded_rows, p.encoded_partitions if p.sequence == "gre3d" else p.slices])
    if p.phase_oversampling > 0:
        seq.set_definition("PhaseOversampling", p.phase_oversampling)
    if p.slab_oversampling > 0:
        seq.set_definition("SlabOversampling", p.slab_oversampling)
    seq.set_definition("TE", p.te_s)
    seq.set_definition("TR", p.tr_s)
    if p.ti_s is not None:
        seq.set_definition("TI", p.ti_s)
    seq.set_definition("Axes", f"read={p.read_axis} phase={p.phase_axis} slice={p.slice_axis}")
    return seq
