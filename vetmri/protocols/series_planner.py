"""Validate one series against the scanner, adjust what may be adjusted, and compute its
timing limits, scan time and predicted SNR.

Rules: a parameter the user overrode is never changed (a limit it breaks is a violation);
any other parameter is adjusted to the nearest feasible value and the adjustment says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from vetmri.protocols import encoding as enc
from vetmri.protocols.events import Rasters
from vetmri.protocols.library import Budget
from vetmri.protocols.plan import (
    Adjustment,
    Encoding,
    GradientDemand,
    SeriesParameters,
    SeriesPlan,
    Violation,
)
from vetmri.protocols.snr import Relaxation, contrast, predicted_snr
from vetmri.protocols.timing import SeriesTiming, TimingInput, design_timing

__all__ = ["LONGEST_TR_FACTOR", "RELAXED_TR_T1", "SeriesContext", "plan_series", "relaxed_tr_s", "timing_for", "with_averages"]

#: Longest RF pulse the planner accepts (a thinner slice would need a longer one).
MAX_RF_US = 12_000
#: Repetitions played without acquisition before a 2D scan (per concatenation) and a 3D scan,
#: so the magnetization is in its steady state when k-space is sampled.
DUMMY_REPETITIONS_2D = 1
DUMMY_REPETITIONS_3D = 8
#: A spin-echo series whose TR is at least this many T1 of its main tissue may lengthen its
#: TR to play its slices in fewer concatenations (its contrast does not depend on TR).
RELAXED_TR_T1 = 5.0
#: The longest such TR over the series' own.
LONGEST_TR_FACTOR = 1.5
#: Planes played by a localizer.
LOCALIZER_PLANE_COUNT = 3


@dataclass(frozen=True)
class SeriesContext:
    """What a series is planned against."""

    rasters: Rasters
    coil_name: str
    coil_diameter_m: float
    main_tissue: str
    tissues: dict[str, Relaxation]
    null_tissue: str | None
    budget: Budget


def _us(seconds: float) -> int:
    return int(round(seconds * 1e6))


def _snap(value_us: int, step_us: int) -> int:
    return max(step_us, int(round(value_us / step_us)) * step_us)


class _Notes:
    def __init__(self, overridden: frozenset[str]):
        self.overridden = overridden
        self.adjustments: list[Adjustment] = []
        self.violations: list[Violation] = []

    def change(self, key: str, old: object, new: object, reason: str, problem: str) -> bool:
        """Record an adjustment (True) or, for an overridden key, a violation (False)."""
        if key in self.overridden:
            self.violations.append(Violation(key, problem))
            return False
        self.adjustments.append(Adjustment(key, old, new, reason))
        return True


def _encoding(p: SeriesParameters, positions: tuple[float, ...], side: str = "low") -> Encoding:
    rows = p.encoded_rows
    if p.sequence == "gre3d":
        points = enc.poisson_disc_mask(rows, p.encoded_partitions, p.acceleration, p.sampling_seed)
        return Encoding((), points, (), 1, (0,), (0.0,))
    lines = enc.variable_density_lines(rows, p.acceleration, p.sampling_seed)
    if p.sequence in ("tse", "ir_tse"):
        order = enc.echo_train_order(lines, rows, p.echo_train_length, p.ordering)  # type: ignore[arg-type]
        if p.partial_fourier < 1.0:
            lines = enc.partial_fourier_lines(lines, rows, p.partial_fourier, side)  # type: ignore[arg-type]
            order = enc.echo_train_order(lines, rows, p.echo_train_length, p.ordering)  # type: ignore[arg-type]
        shots, centre = order.shots, order.centre_echo
    else:
        lines = enc.partial_fourier_lines(lines, rows, p.partial_fourier)
        shots, centre = tuple((line,) for line in lines), 1
    return Encoding(lines, (), shots, centre, enc.slice_order(p.slices, p.slice_order), positions)  # type: ignore[arg-type]


def _encoding_and_timing(p: SeriesParameters, r: Rasters) -> tuple[Encoding, SeriesTiming]:
    """The encoding and its timing. An echo train with partial Fourier skips the side of
    k-space that lets the requested TE stay the centre line's echo time, and of those the
    side that keeps the centre at the echo nearest the fully sampled train's (so the echo
    spacing changes least); the low side when both do as well."""
    e = _encoding(p, _positions(p))
    if p.sequence not in ("tse", "ir_tse") or p.partial_fourier >= 1.0:
        return e, timing_for(p, e, r)
    full = _encoding(replace(p, partial_fourier=1.0), _positions(p)).centre_echo
    options = []
    for rank, side in enumerate(("low", "high")):
        e = _encoding(p, _positions(p), side)
        timing = timing_for(p, e, r)
        options.append((timing.min_te_us > _us(p.te_s) + 1, abs(e.centre_echo - full), rank, e, timing))
    best = min(options, key=lambda o: o[:3])
    return best[3], best[4]


def _positions(p: SeriesParameters) -> tuple[float, ...]:
    pitch = p.slice_m + p.slice_gap_m
    return tuple((i - (p.slices - 1) / 2) * pitch for i in range(p.slices))


def timing_for(p: SeriesParameters, e: Encoding, r: Rasters) -> SeriesTiming:
    """The event layout of a series (what the Pulseq builders play)."""
    kind = p.sequence if p.sequence != "localizer" else "gre"
    return design_timing(TimingInput(
        kind=kind, flip_angle_deg=p.flip_angle_deg, fov_read_m=p.fov_m[1], fov_phase_m=p.encoded_fov_m[0],
        read_samples=p.matrix[1], phase_lines=p.encoded_rows, slice_m=p.slice_m,
        partitions=p.encoded_partitions, excited_partitions=p.slices if p.sequence == "gre3d" else 1,
        bandwidth_hz_per_px=p.bandwidth_hz_per_px, echo_train_length=p.echo_train_length,
        centre_echo=e.centre_echo), r)


def _null_ti_s(tissue: Relaxation, tr_s: float) -> float:
    """TI at which a tissue's longitudinal magnetization crosses zero for a given TR:
    T1 ln(2 / (1 + exp(-TR/T1))), T1 ln 2 at long TR (Bydder and Young, JCAT 9:659, 1985)."""
    return tissue.t1_s * math.log(2 / (1 + math.exp(-tr_s / tissue.t1_s)))


def plan_series(p: SeriesParameters, overridden: frozenset[str], ctx: SeriesContext) -> SeriesPlan:
    """Check and adjust one series; compute its limits, time and SNR.

    Averages are left as given; :func:`with_averages` sets them afterwards.
    """
    r, notes = ctx.rasters, _Notes(overridden)
    # Readout gradient: bandwidth per pixel / (gamma x pixel) must stay under the limit.
    pixel_read = p.fov_m[1] / p.matrix[1]
    highest_bw = math.floor(0.98 * r.gamma_hz_per_t * r.max_grad_t_per_m * pixel_read)
    if p.bandwidth_hz_per_px > highest_bw:
        if notes.change("bandwidth_hz_per_px", p.bandwidth_hz_per_px, highest_bw,
                        f"the readout gradient for {pixel_read * 1e3:.2f} mm pixels stays within "
                        f"{r.max_grad_t_per_m * 1e3:g} mT/m",
                        f"{p.bandwidth_hz_per_px:g} Hz per pixel over {pixel_read * 1e3:.2f} mm pixels needs more "
                        f"than the {r.max_grad_t_per_m * 1e3:g} mT/m gradient; use at most {highest_bw} Hz/px "
                        "or a larger FOV or smaller matrix"):
            p = replace(p, bandwidth_hz_per_px=float(highest_bw))
    if p.matrix[1] > r.max_samples:
        notes.violations.append(Violation("matrix", f"{p.matrix[1]} readout samples exceed the "
                                          f"receiver's {r.max_samples}"))
    if p.echo_train_length > p.encoded_rows:
        notes.violations.append(Violation("echo_train_length", f"an echo train of {p.echo_train_length} "
                                          f"is longer than the {p.encoded_rows} phase-encoding lines"))
    e, timing = _encoding_and_timing(p, r)
    if timing.excitation.rf.duration_us > MAX_RF_US:
        notes.violations.append(Violation("slice_mm", f"a {p.slice_m * 1e3:g} mm slice needs an RF pulse "
                                          f"longer than {MAX_RF_US / 1000:g} ms at this gradient; use thicker slices"))
    actual_bw = timing.readout.bandwidth_hz_per_px
    if abs(actual_bw - p.bandwidth_hz_per_px) > 0.01 * p.bandwidth_hz_per_px:
        notes.adjustments.append(Adjustment("bandwidth_hz_per_px", p.bandwidth_hz_per_px, round(actual_bw, 2),
                                            "the sample time lies on the receiver's raster"))
    p = replace(p, bandwidth_hz_per_px=actual_bw)

    # TE on the grid of its delays, at least the shortest the events allow.
    te_us = _snap(_us(p.te_s), timing.te_step_us)
    if te_us != _us(p.te_s):
        notes.adjustments.append(Adjustment("te_ms", p.te_s * 1e3, te_us / 1e3,
                                            f"the delays around the echo lie on a {timing.te_step_us} us grid"))
    if te_us < timing.min_te_us:
        if notes.change("te_ms", te_us / 1e3, timing.min_te_us / 1e3,
                        "the shortest TE the RF pulses, gradients and readout allow",
                        f"TE {te_us / 1e3:g} ms is shorter than the {timing.min_te_us / 1e3:g} ms the "
                        "events of this sequence need"):
            te_us = timing.min_te_us
    p = replace(p, te_s=te_us / 1e6)

    ti_us = 0
    if p.sequence == "ir_tse":
        if p.ti_s is None and ctx.null_tissue is not None:
            p = replace(p, ti_s=_null_ti_s(ctx.tissues[ctx.null_tissue], p.tr_s))
        assert p.ti_s is not None
        ti_us = _snap(_us(p.ti_s), timing.ti_step_us)
        if ti_us < timing.min_ti_us and notes.change(
                "ti_ms", ti_us / 1e3, timing.min_ti_us / 1e3, "the shortest TI the inversion allows",
                f"TI {ti_us / 1e3:g} ms is shorter than the {timing.min_ti_us / 1e3:g} ms the inversion needs"):
            ti_us = timing.min_ti_us
        p = replace(p, ti_s=ti_us / 1e6)

    # TR: slices played per TR (more concatenations when they do not all fit).
    period = timing.slice_period_us(max(te_us, timing.min_te_us), max(ti_us, timing.min_ti_us))
    tr_us = _snap(_us(p.tr_s), r.step_us)
    three_d = p.sequence == "gre3d"
    if tr_us < period and notes.change(
            "tr_ms", tr_us / 1e3, period / 1e3, "the shortest TR that holds the events of one excitation",
            f"TR {tr_us / 1e3:g} ms is shorter than the {period / 1e3:g} ms one slice's events take"):
        tr_us = period
    p = replace(p, tr_s=tr_us / 1e6)
    if three_d:
        per_tr, concatenations = 1, 1
    elif p.slice_order == "sequential":
        per_tr, concatenations = 1, p.slices
    elif timing.inversion is not None:
        per_tr, concatenations = _interleaved_slices(timing, p.slices, tr_us, te_us, ti_us, r.step_us)
    else:
        fit = max(1, tr_us // period)
        concatenations = math.ceil(p.slices / fit)
        per_tr = math.ceil(p.slices / concatenations)
        longer = _fewer_concatenations(p, tr_us, period, concatenations, ctx, r.step_us)
        if longer is not None and "tr_ms" not in overridden:
            new_tr_us, fewer = longer
            per_average = len(e.shots) * concatenations * tr_us / 1e6
            saved = per_average - len(e.shots) * fewer * new_tr_us / 1e6
            notes.adjustments.append(Adjustment(
                "tr_ms", tr_us / 1e3, new_tr_us / 1e3,
                f"{p.slices} slices at TR {tr_us / 1e3:g} ms would need {concatenations} concatenations; "
                f"TR {new_tr_us / 1e3:g} ms plays them in {fewer}, {saved:.0f} s less per average, and keeps "
                f"the contrast ({ctx.main_tissue.replace('_', ' ')} stays fully relaxed)"))
            tr_us, concatenations = new_tr_us, fewer
            per_tr = math.ceil(p.slices / concatenations)
            p = replace(p, tr_s=tr_us / 1e6)
    if timing.inversion is not None and per_tr > 1:
        min_tr_us = timing.shortest_interleaved_tr_us(per_tr, max(te_us, timing.min_te_us),
                                                      max(ti_us, timing.min_ti_us), r.step_us)
    else:
        min_tr_us = per_tr * period

    # Time per average and the SNR of one average.
    if three_d:
        per_average = len(e.points) * p.tr_s
        dummies = DUMMY_REPETITIONS_3D
        dummy_time = dummies * p.tr_s
    else:
        planes = LOCALIZER_PLANE_COUNT if p.sequence == "localizer" else 1
        per_average = planes * concatenations * len(e.shots) * p.tr_s
        dummies = DUMMY_REPETITIONS_2D
        dummy_time = planes * concatenations * dummies * p.tr_s
    voxel = p.fov_m[0] / p.matrix[0] * p.fov_m[1] / p.matrix[1] * p.slice_m
    tissue = ctx.tissues[ctx.main_tissue]
    c = contrast(p.sequence, tissue, tr_s=p.tr_s, te_s=p.te_s, ti_s=p.ti_s, flip_angle_deg=p.flip_angle_deg)
    snr1 = predicted_snr(voxel_m3=voxel, phase_lines=e.acquired, partitions=1, averages=1,
                         bandwidth_hz_per_px=p.bandwidth_hz_per_px, contrast_factor=c,
                         coil_diameter_m=ctx.coil_diameter_m)
    gradients = GradientDemand(
        readout_t_per_m=abs(timing.readout.gradient.amplitude_t_per_m),
        slice_select_t_per_m=max(abs(b.gradient.amplitude_t_per_m) for b in
                                 (timing.excitation, timing.refocusing, timing.inversion) if b is not None),
        phase_encode_t_per_m=max(abs(t.amplitude_t_per_m) for t in
                                 (timing.prephaser.phase, timing.phase_blip and timing.phase_blip.phase)
                                 if t is not None),
    )
    return SeriesPlan(
        parameters=p, encoding=e, timing=timing, coil=ctx.coil_name, main_tissue=ctx.main_tissue,
        min_te_s=timing.min_te_us / 1e6, min_tr_s=min_tr_us / 1e6,
        min_ti_s=timing.min_ti_us / 1e6 if p.sequence == "ir_tse" else None,
        echo_spacing_s=timing.echo_spacing_us(te_us) / 1e6 if timing.phase_blip is not None else None,
        slices_per_tr=per_tr, concatenations=concatenations, dummy_repetitions=dummies,
        time_per_average_s=per_average, dummy_time_s=dummy_time, snr_single_average=snr1,
        scan_time_s=per_average * p.averages + dummy_time,
        predicted_snr=snr1 * math.sqrt(p.averages), gradients=gradients,
        violations=tuple(notes.violations), adjustments=tuple(notes.adjustments),
    )


def relaxed_tr_s(sequence: str, main_tissue: Relaxation) -> float | None:
    """The TR from which a series' contrast no longer depends on TR (its main tissue is
    fully relaxed, :data:`RELAXED_TR_T1`), or None for a sequence whose TR always weights it
    (only spin echoes and echo trains without inversion qualify)."""
    return RELAXED_TR_T1 * main_tissue.t1_s if sequence in ("se", "tse") else None


def _fewer_concatenations(p: SeriesParameters, tr_us: int, period_us: int, concatenations: int,
                          ctx: SeriesContext, step_us: int) -> tuple[int, int] | None:
    """(TR, concatenations) of a spin-echo series lengthened to play its slices in fewer
    concatenations, when that takes less time per average, or None.

    Offered only where TR does not weight the contrast: a spin echo or echo train whose TR
    is at least :data:`RELAXED_TR_T1` times the main tissue's T1 (the main tissue is fully
    relaxed at either TR; a T1-weighted series keeps its TR), and by at most
    :data:`LONGEST_TR_FACTOR` of its own (the long-T1 fluid brightens a little, as on any
    T2-weighted series at a longer TR)."""
    relaxed = relaxed_tr_s(p.sequence, ctx.tissues[ctx.main_tissue])
    if concatenations <= 1 or relaxed is None or tr_us < relaxed * 1e6:
        return None
    best = None
    for fewer in range(1, concatenations):
        needed = _snap(math.ceil(p.slices / fewer) * period_us, step_us)
        needed = max(needed, tr_us)
        if needed <= LONGEST_TR_FACTOR * tr_us and fewer * needed < concatenations * tr_us:
            if best is None or fewer * needed < best[1] * best[0]:
                best = (needed, fewer)
    return best


def _interleaved_slices(timing: SeriesTiming, slices: int, tr_us: int, te_us: int, ti_us: int,
                        step_us: int) -> tuple[int, int]:
    """(slices per TR, concatenations) of an inversion recovery whose slices interleave
    their inversions (:meth:`~vetmri.protocols.timing.SeriesTiming.inversion_schedule`):
    the fewest concatenations whose slices per TR have a schedule."""
    te_us, ti_us = max(te_us, timing.min_te_us), max(ti_us, timing.min_ti_us)
    busy = timing.inversion_block_us() + timing.train_block_us(te_us, ti_us)
    for concatenations in range(max(1, math.ceil(slices / max(1, tr_us // busy))), slices + 1):
        per_tr = math.ceil(slices / concatenations)
        if timing.inversion_schedule(per_tr, tr_us, te_us, ti_us, step_us) is not None:
            return per_tr, concatenations
    return 1, slices  # one slice per TR: TR holds inversion, wait and train (checked above)


def with_averages(plan: SeriesPlan, averages: int, adjustment: Adjustment | None = None) -> SeriesPlan:
    """The same series with another number of averages (time and SNR follow)."""
    return replace(
        plan,
        parameters=replace(plan.parameters, averages=averages),
        scan_time_s=plan.time_per_average_s * averages + plan.dummy_time_s,
        predicted_snr=plan.snr_single_average * math.sqrt(averages),
        adjustments=plan.adjustments + ((adjustment,) if adjustment else ()),
    )
