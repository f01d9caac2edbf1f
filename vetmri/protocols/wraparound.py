"""Keep every series free of wrap-around: the encoded phase field of view holds the signal.

For each series the planner knows how far the signal reaches along the phase-encoding
axis (:func:`vetmri.protocols.coverage.signal_cover_m`). When the phase FOV is shorter it
tries, and keeps the one that costs the least scan time (averages re-chosen, so the SNR
the extra lines bring counts):

1. **phase oversampling**: more lines at the same pixel size; the reconstruction crops
   them, so the image shows the planned FOV;
2. **a wider phase FOV** at the same pixel size (rounded to the FOV step and matrix step);
3. **the other phase direction** (swapping phase and readout, where the readout's
   anti-alias filter removes what lies beyond): it turns motion and flow artefacts into
   the other in-plane direction, which the adjustment says. Only where
   ``allow_phase_swap`` (``planning.toml``) is on, since the image then comes out with its
   rows along the other axis; otherwise the reason says when it would have been cheaper.

On a tie the first of these wins. A series whose FOV or matrix the user set only gets
oversampling (neither changes); one whose oversampling the user set is not changed: a
warning says what would fold in and the setting that avoids it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from vetmri.protocols.plan import Adjustment, SeriesParameters, SeriesPlan, encoded_rows

__all__ = ["GEOMETRY_KEYS", "KINDS", "choose_cover", "override_warning", "oversampling_for", "phase_axes"]

#: Overrides that fix the phase geometry: the planner then only adds oversampling.
GEOMETRY_KEYS = frozenset({"fov_mm", "matrix"})
#: Phase-encoding axes of the localizer's planes (sagittal, dorsal, transverse).
_LOCALIZER_PHASE_AXES = ("dv", "lr")

Planner = Callable[[SeriesParameters], tuple[SeriesPlan, list[str]]]
#: The fixes, in the order that wins a tie.
KINDS = frozenset({"oversampling", "wider", "swap"})


def phase_axes(p: SeriesParameters) -> tuple[str, ...]:
    """The anatomical axes a series phase-encodes (the localizer's three planes: dv and lr)."""
    return _LOCALIZER_PHASE_AXES if p.sequence == "localizer" else (p.phase_axis,)


def oversampling_for(rows: int, fov_phase_m: float, cover_m: float, *, shot_lines: int = 1) -> float:
    """Smallest oversampling (fraction of the FOV) whose encoded lines reach ``cover_m``.

    ``shot_lines``: lines per excitation (an echo train's length). The encoded lines are
    rounded up to fill every train: the last shot's echoes would otherwise play without a
    line, and the extra lines cost no time."""
    if cover_m <= fov_phase_m * (1 + 1e-9):
        return 0.0
    needed = math.ceil(rows * cover_m / fov_phase_m - 1e-9)
    step = shot_lines * 2 // math.gcd(shot_lines, 2)
    total = step * math.ceil(needed / step)
    extra = total - rows + (total - rows) % 2
    oversampling = round(extra / rows, 4)
    while encoded_rows(rows, oversampling) < rows + extra:  # rounding of the fraction
        oversampling = round(oversampling + 1e-4, 4)
    return oversampling


def _mm(values: tuple[float, float]) -> list[float]:
    return [round(v * 1e3, 1) for v in values]


def _effect(plan: SeriesPlan, base: SeriesPlan) -> tuple[float, float, str]:
    dt = plan.scan_time_s - base.scan_time_s
    snr = plan.predicted_snr / base.predicted_snr if base.predicted_snr > 0 else 1.0
    text = (f"{'+' if dt >= 0 else '-'}{abs(dt):.0f} s scan time, SNR x{snr:.2f}"
            f"{f' ({base.parameters.averages} -> {plan.parameters.averages} averages)' if plan.parameters.averages != base.parameters.averages else ''}")
    return dt, snr, text


def _candidates(p: SeriesParameters, covers: dict[str, float], fov_step_m: float, matrix_step: int,
                max_matrix: int) -> list[tuple[str, SeriesParameters]]:
    axes = phase_axes(p)
    cover = max(covers[a] for a in axes)
    out: list[tuple[str, SeriesParameters]] = []
    rows = p.matrix[0]
    train = p.echo_train_length if p.sequence in ("tse", "ir_tse") and p.acceleration <= 1 else 1
    oversampling = oversampling_for(rows, p.fov_m[0], cover, shot_lines=train)
    out.append(("oversampling", replace(p, phase_oversampling=oversampling)))
    if p.sequence == "localizer":
        return out
    pixel = p.fov_m[0] / rows
    wider = math.ceil(cover / fov_step_m - 1e-9) * fov_step_m
    wider_rows = matrix_step * math.ceil(wider / pixel / matrix_step - 1e-9)
    if wider_rows <= max_matrix:
        out.append(("wider", replace(p, fov_m=(wider, p.fov_m[1]), matrix=(wider_rows, p.matrix[1]))))
    # Phase along the bore (cc) is not chosen: the body continues there and the coil's tail is long.
    if p.matrix[0] % 4 == 0 and p.read_axis != "cc":  # the new readout needs a multiple of 4 samples
        swapped = replace(p, phase_axis=p.read_axis, read_axis=p.phase_axis,
                          fov_m=(p.fov_m[1], p.fov_m[0]), matrix=(p.matrix[1], p.matrix[0]))
        extra = oversampling_for(swapped.matrix[0], swapped.fov_m[0], covers[swapped.phase_axis])
        out.append(("swap", replace(swapped, phase_oversampling=extra)))
    return out


def _adjustments(kind: str, p: SeriesParameters, q: SeriesParameters, cover_m: float, effect: str,
                 dt: float, snr: float) -> list[Adjustment]:
    why = (f"the signal the coil receives reaches about {cover_m * 1e3:.0f} mm along {p.phase_axis}, more than "
           f"the {p.fov_m[0] * 1e3:.0f} mm phase FOV, and would fold into the image (wrap-around)")
    if kind == "oversampling":
        return [Adjustment("phase_oversampling", p.phase_oversampling, q.phase_oversampling,
                           f"{why}; {q.encoded_rows - p.matrix[0]} more lines cover "
                           f"{q.encoded_fov_m[0] * 1e3:.0f} mm and are cropped from the image ({effect}), "
                           "the cheapest fix the planner makes by itself", dt, snr)]
    if kind == "wider":
        return [Adjustment("fov_mm", _mm(p.fov_m), _mm(q.fov_m), f"{why}; the phase FOV is widened at the same "
                           f"pixel size ({effect}), the cheapest fix the planner makes by itself", dt, snr),
                Adjustment("matrix", list(p.matrix), list(q.matrix), "the wider phase FOV keeps its pixel size")]
    changes = [Adjustment("phase_direction", p.phase_axis, q.phase_axis,
                          f"{why}; phase encoding along {q.phase_axis} puts the {p.phase_axis} extent in the "
                          f"readout, whose filter removes what lies beyond ({effect}), the cheapest fix; "
                          f"motion, flow and wrap artefacts now run along {q.phase_axis} instead of "
                          f"{p.phase_axis}", dt, snr),
               Adjustment("fov_mm", _mm(p.fov_m), _mm(q.fov_m), "rows follow the new phase direction"),
               Adjustment("matrix", list(p.matrix), list(q.matrix), "rows follow the new phase direction")]
    if q.phase_oversampling > 0:
        changes.append(Adjustment("phase_oversampling", 0.0, q.phase_oversampling,
                                  f"the signal reaches about {q.encoded_fov_m[0] * 1e3:.0f} mm along "
                                  f"{q.phase_axis} too"))
    return changes


def choose_cover(base: SeriesPlan, warnings: list[str], covers: dict[str, float], make: Planner, *,
                 fov_step_m: float, matrix_step: int, max_matrix: int,
                 kinds: frozenset[str] = KINDS) -> tuple[SeriesPlan, list[str]]:
    """The series as planned, or the cheapest variant whose phase FOV holds the signal.

    Parameters
    ----------
    base : SeriesPlan
        The series with its averages chosen, and ``warnings`` its planning warnings.
    covers : dict of str to float
        Full width the signal needs along each axis, metres.
    make : callable
        Plans a variant of the parameters (timing, checks, averages) with its warnings.
    kinds : frozenset of {"oversampling", "wider", "swap"}
        The fixes allowed; a cheaper one that is not allowed is named in the reason.
    """
    p = base.parameters
    need = max(covers[a] for a in phase_axes(p))
    if need <= p.encoded_fov_m[0] * (1 + 1e-9):
        return base, warnings
    tried: list[tuple[tuple[float, int], str, SeriesPlan, list[str]]] = []
    for rank, (kind, q) in enumerate(_candidates(p, covers, fov_step_m, matrix_step, max_matrix)):
        plan, notes = make(q)
        if plan.violations and not base.violations:
            continue
        tried.append(((round(plan.scan_time_s, 3), rank), kind, plan, notes))
    allowed = [t for t in tried if t[1] in kinds]
    if not allowed:
        return base, warnings + [override_warning(p, need)]
    _, kind, plan, notes = min(allowed, key=lambda t: t[0])
    dt, snr, effect = _effect(plan, base)
    made = _adjustments(kind, p, plan.parameters, need, effect, dt, snr)
    cheaper = [t for t in tried if t[1] == "swap" and "swap" not in kinds and t[0] < min(allowed, key=lambda t: t[0])[0]]
    if cheaper:
        saving = plan.scan_time_s - cheaper[0][2].scan_time_s
        made[0] = replace(made[0], reason=made[0].reason + (
            f"; phase encoding along {p.read_axis} would take {saving:.0f} s less but is not planned by itself "
            "(the image would come out turned, and motion artefacts would run along the other axis)"))
    return replace(plan, adjustments=tuple(made) + plan.adjustments), notes


def override_warning(p: SeriesParameters, need_m: float) -> str:
    """What folds in with the phase geometry as set, and the setting that avoids it."""
    encoded = p.encoded_fov_m[0]
    fix = oversampling_for(p.matrix[0], p.fov_m[0], need_m)
    return (f"{p.name}: the signal the coil receives reaches about {need_m * 1e3:.0f} mm along {p.phase_axis}, "
            f"more than the {encoded * 1e3:.0f} mm the phase encoding covers: tissue outside folds into the image "
            f"(wrap-around); set phase_oversampling={fix:g} for this series, or a phase FOV of at least "
            f"{need_m * 1e3:.0f} mm.")
