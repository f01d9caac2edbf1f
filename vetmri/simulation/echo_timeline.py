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

__all__ = ["TimelineEvent", "echo_weights", "timeline_signature"]

#: (time_s, kind, index): kind 0 = RF pulse (index into events.rf), 1 = ADC (into events.adc)
TimelineEvent = tuple[float, int, int]

_PHASE_STEP_RAD = 1e-3
_FLIP_STEP_RAD = 1e-6
_TIME_STEP_S = 1e-9


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
                 make_graph: Callable[[], PhaseGraph], t2prime_s: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Run the phase graph along ``timeline``; at each ADC the coherent echo at the nominal
    k-space position (reset at excitation, negated at refocusing).

    Returns
    -------
    list of (weights (C,) complex, tau_s float), one per ADC in timeline order.
    """
    graph = make_graph()
    t_prev, m_prev = 0.0, np.zeros(3)
    k_nominal = np.zeros(3)
    out = []
    for (t_event, kind, index), m_now in zip(timeline, moments):
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
    return out
