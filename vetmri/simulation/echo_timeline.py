"""The echo weights of one slice group: its RF pulses and ADCs in time order through the
phase graph, shared between slices that see the same timeline.

In an interleaved multi-slice sequence every slice sees the same pulses at the same
intervals with the same gradient moments in between; only the RF phases differ by a
constant per slice (the phase that goes with the slice's frequency offset). A constant
added to every RF phase rotates the whole transverse magnetisation by that phase, so such
slices share one phase graph: its echo weights times ``exp(i * phase difference)``.

The signature that decides "same timeline" uses what the phase graph itself uses: the
moments between events on the graph's merge grid, the intervals to 1 ns, the flip angles
to 1 urad and the RF phases relative to the group's first pulse to 1 mrad (the phases in a
``.seq`` file carry 6 significant digits, so equal slices differ by up to about 0.2 mrad
there). The time and moment before the first event do not enter: the graph starts at
equilibrium, where free precession changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from vetmri.simulation.phase_graph import PhaseGraph
from vetmri.simulation.seq_reader import SequenceEvents

__all__ = ["DEFAULT_STEADY_TOLERANCE", "TimelineEvent", "echo_weights", "repetition_families", "same_family", "timeline_signature"]

#: (time_s, kind, index): kind 0 = RF pulse (index into events.rf), 1 = ADC (into events.adc)
TimelineEvent = tuple[float, int, int]

_PHASE_STEP_RAD = 1e-3
_FLIP_STEP_RAD = 1e-6
_TIME_STEP_S = 1e-9
_MOMENT_STEP_PER_M = 0.05

#: Relative change of the echoes between repetitions below which the steady state counts as
#: reached (:func:`echo_weights`).
DEFAULT_STEADY_TOLERANCE = 3e-5


def timeline_signature(events: SequenceEvents, timeline: list[TimelineEvent], moments: np.ndarray,
                       dk_per_m: float) -> tuple[tuple, float]:
    """A hashable description of what the phase graph sees, and the phase of the first RF.

    Parameters
    ----------
    moments : ndarray of shape (E, 3)
        Gradient moment at each event of ``timeline``.

    Returns
    -------
    signature : tuple
    first_phase_rad : float
    """
    rf_phases = [events.rf[i].phase_rad for _, kind, i in timeline if kind == 0]
    first = rf_phases[0] if rf_phases else 0.0
    times = np.array([t for t, _, _ in timeline])
    steps = np.rint(np.diff(moments, axis=0) / dk_per_m).astype(np.int64)
    gaps = np.rint(np.diff(times) / _TIME_STEP_S).astype(np.int64)
    parts = []
    for position, (_, kind, index) in enumerate(timeline):
        motion = (int(gaps[position - 1]), *steps[position - 1].tolist()) if position else ()
        if kind == 0:
            rf = events.rf[index]
            relative = math.remainder(rf.phase_rad - first, 2 * math.pi)
            parts.append((0, *motion, rf.use, round(rf.flip_rad / _FLIP_STEP_RAD), round(relative / _PHASE_STEP_RAD)))
        else:
            parts.append((1, *motion))
    return tuple(parts), first


def echo_weights(events: SequenceEvents, timeline: list[TimelineEvent], moments: np.ndarray,
                 make_graph: Callable[[], PhaseGraph], t2prime_s: np.ndarray, *,
                 steady_tolerance: float | None = DEFAULT_STEADY_TOLERANCE, steady_from: int | None = None,
                 on_steady: Callable[[int], None] | None = None) -> list[tuple[np.ndarray, float]]:
    """Run the phase graph along ``timeline``; at each ADC the coherent echo at the nominal
    k-space position (reset at excitation, negated at refocusing).

    Once the echoes of a repetition (excitation to excitation) have converged to a steady
    state and every later repetition repeats the same events (only balanced phase-encode
    moments differ; see :func:`repetition_families`), the graph stops and the converged
    echoes are reused, rotated by each repetition's excitation phase (so RF spoiling with
    a quadratic phase is followed).

    Parameters
    ----------
    steady_tolerance : float or None
        Relative change of the echoes (to the largest echo so far) below which, with the
        geometric tail of the remaining changes, the steady state counts as reached. None
        runs the graph over every event (the exact path).
    steady_from : int, optional
        Reuse the echoes from this repetition on, converged or not: the repetition at which
        another graph of the same timeline reached its steady state (a coarse graph whose
        pruning noise would keep it from converging by itself follows the full one).
    on_steady : callable(int), optional
        Called with the repetition from which the echoes are reused, if any.

    Returns
    -------
    list of (weights (C,) complex, tau_s float), one per ADC in timeline order.
    """
    graph = make_graph()
    families, bounds = repetition_families(events, timeline, moments)
    start_of = {s: r for r, (s, _) in enumerate(bounds)}
    t_prev, m_prev = 0.0, np.zeros(3)
    k_nominal = np.zeros(3)
    out: list[tuple[np.ndarray, float]] = []
    tracker = _SteadyState(steady_tolerance)
    position = 0
    while position < len(timeline):
        repetition = start_of.get(position)
        if repetition is not None and repetition > 0:
            reuse = tracker.close(out, families[repetition - 1], _phase_at(events, timeline, bounds[repetition - 1][0]))
            if steady_from is not None:
                reuse = _last_repetition(out, families[repetition - 1], _phase_at(
                    events, timeline, bounds[repetition - 1][0])) if repetition == steady_from else None
            if reuse is not None and all(same_family(f, families[repetition - 1]) for f in families[repetition:]):
                weights_ref, phase_ref = reuse
                for s, e in bounds[repetition:]:
                    rotation = np.exp(1j * (_phase_at(events, timeline, s) - phase_ref))
                    out.extend((w * rotation, tau) for w, tau in weights_ref)
                if on_steady is not None:
                    on_steady(repetition)
                return out
        t_event, kind, index = timeline[position]
        m_now = moments[position]
        graph.precess(max(t_event - t_prev, 0.0), m_now - m_prev)
        k_nominal = k_nominal + (m_now - m_prev)
        t_prev, m_prev = t_event, m_now
        if kind == 0:
            rf = events.rf[index]
            graph.rotate(rf.flip_rad, rf.phase_rad)
            if rf.use == "excitation":
                k_nominal = np.zeros(3)
            elif rf.use == "refocusing":
                k_nominal = -k_nominal
        else:
            out.append(graph.echo(k_nominal, 1.0, t2prime_s))
        position += 1
    return out


def _phase_at(events: SequenceEvents, timeline: list[TimelineEvent], position: int) -> float:
    """RF phase of the event at ``position`` (0 for an ADC)."""
    _, kind, index = timeline[position]
    return events.rf[index].phase_rad if kind == 0 else 0.0


def _last_repetition(out: list, family: tuple, phase: float) -> tuple[list, float]:
    """The echoes of the repetition that just ended and its excitation phase."""
    n_adc = _adc_count(family)
    return (out[len(out) - n_adc:] if n_adc else []), phase


class _SteadyState:
    """Tracks the echoes of consecutive repetitions of one family until they converge."""

    def __init__(self, tolerance: float | None):
        self.tolerance = tolerance
        self.previous: tuple | None = None  # (family, rotated echoes)
        self.changes: list[float] = []
        self.scale = 0.0

    def close(self, out: list, family: tuple, phase: float):
        """Record the repetition that just ended; its echoes and phase once converged."""
        if self.tolerance is None:
            return None
        n_adc = _adc_count(family)
        echoes = out[len(out) - n_adc:] if n_adc else []
        rotated = np.array([w for w, _ in echoes]) * np.exp(-1j * phase) if echoes else np.zeros((0, 0))
        if rotated.size:
            self.scale = max(self.scale, float(np.abs(rotated).max()))
        if self.previous is None or not same_family(self.previous[0], family) or not rotated.size:
            self.previous, self.changes = (family, rotated), []
            return None
        change = float(np.abs(rotated - self.previous[1]).max())
        self.previous = (family, rotated)
        self.changes.append(change)
        limit = self.tolerance * self.scale
        if len(self.changes) < 3 or any(c > limit for c in self.changes[-3:]):
            return None
        ratio = self.changes[-1] / self.changes[-2] if self.changes[-2] > 0 else 0.0
        if ratio >= 0.95 or change * ratio / (1 - ratio) > limit:
            return None
        return echoes, phase


def _adc_count(family: tuple) -> int:
    return sum(1 for part in family[0][0] if part[0] == 1)


def repetition_families(events: SequenceEvents, timeline: list[TimelineEvent],
                        moments: np.ndarray) -> tuple[list[tuple], list[tuple[int, int]]]:
    """Split ``timeline`` into repetitions (excitation to excitation) and describe each.

    Two repetitions are of one family when their pulses, ADCs, intervals (to 1 ns), flip
    angles, RF phases relative to their excitation, the second difference of the
    excitation phases (quadratic RF spoiling), the net gradient moment over the repetition
    and the moments at their events agree, except along encoded axes: the axes along which
    otherwise identical repetitions differ (phase encodes). ``None`` in a description (the
    net moment of the last repetition, the phase curvature of the first two) matches anything
    (:func:`same_family`).

    Returns
    -------
    families : list of tuple, one per repetition
    bounds : list of (start, stop) positions in ``timeline``
    """
    n = len(timeline)
    starts = [p for p, (_, kind, i) in enumerate(timeline) if kind == 0 and events.rf[i].use == "excitation"]
    if not starts:
        return [], []
    if starts[0] != 0:
        starts = [0] + starts
    bounds = list(zip(starts, starts[1:] + [n]))
    times = np.array([t for t, _, _ in timeline])
    phases = [_phase_at(events, timeline, s) for s, _ in bounds]
    structures, shapes, nets, curvatures = [], [], [], []
    for r, (s, e) in enumerate(bounds):
        parts = []
        for p in range(s, e):
            _, kind, index = timeline[p]
            if kind == 0:
                rf = events.rf[index]
                relative = math.remainder(rf.phase_rad - phases[r], 2 * math.pi)
                parts.append((0, rf.use, round(rf.flip_rad / _FLIP_STEP_RAD), round(relative / _PHASE_STEP_RAD)))
            else:
                parts.append((1,))
        gaps = tuple(np.rint(np.diff(times[s:e]) / _TIME_STEP_S).astype(np.int64).tolist())
        structures.append((tuple(parts), gaps))
        shapes.append(np.rint((moments[s:e] - moments[s]) / _MOMENT_STEP_PER_M).astype(np.int64))
        nets.append(tuple(np.rint((moments[e] - moments[s]) / _MOMENT_STEP_PER_M).astype(np.int64).tolist())
                    if e < n else None)
        curvatures.append(round(math.remainder(phases[r] - 2 * phases[r - 1] + phases[r - 2], 2 * math.pi)
                                / _PHASE_STEP_RAD) if r >= 2 else None)
    encoded = np.zeros(3, dtype=bool)
    first_of: dict[tuple, int] = {}
    for r, structure in enumerate(structures):
        f = first_of.setdefault(structure, r)
        encoded |= np.any(shapes[r] != shapes[f], axis=0)
    families = []
    for r, structure in enumerate(structures):
        shape = shapes[r][:, ~encoded]
        families.append((structure, tuple(map(tuple, shape.tolist())), nets[r], curvatures[r]))
    return families, bounds


def same_family(a: tuple, b: tuple) -> bool:
    """Whether two repetition descriptions agree (``None`` matches anything; the phase
    curvatures within 2 mrad, the precision of the phases a ``.seq`` file stores)."""
    structure_a, shape_a, net_a, curve_a = a
    structure_b, shape_b, net_b, curve_b = b
    return (structure_a == structure_b and shape_a == shape_b
            and (net_a is None or net_b is None or net_a == net_b)
            and (curve_a is None or curve_b is None or abs(curve_a - curve_b) <= 2))
