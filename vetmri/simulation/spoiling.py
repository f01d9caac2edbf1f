"""Whether a sequence leaves transverse magnetisation for later repetitions to refocus.

The engine synthesises the coherent echo only (the configuration states at each readout's
nominal k-space position). In an unspoiled sequence (no spoiler gradient, no RF spoiling)
whose TR is short against a tissue's T2, the magnetisation left over from earlier
repetitions refocuses as stimulated echoes and FIDs elsewhere in k-space (banding and
ghosts in long-T2 tissue) that the engine leaves out. This module detects the case, so the
run can say that its image is approximate; it does not model those echoes.

A repetition (excitation to the next excitation of the same slab) counts as spoiled when
the main path's dephasing at its end (the nominal k-space position, negated at refocusing
pulses) reaches one cycle across a voxel along some axis (the slice thickness along a
selective excitation's axis, 1 / the sampled k-space extent along the others), or when the
excitation phases follow a quadratic (RF spoiling, a second difference beyond 0.05 rad).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from vetmri.simulation.seq_reader import SequenceEvents
from vetmri.simulation.slice_groups import GroupPlan, slab_of

__all__ = ["unspoiled_note"]

_RESIDUAL_LIMIT = 0.05  # exp(-TR / T2) above which the left-over magnetisation matters
_RF_SPOILING_RAD = 0.05
_NON_SELECTIVE_EXTENT_M = 0.1  # the length a voxel spans along an axis nothing encodes


def _voxel_lengths(events: SequenceEvents, plan: GroupPlan) -> np.ndarray:
    k = np.concatenate(plan.k_per_adc) if plan.k_per_adc else np.zeros((0, 3))
    extent = np.ptp(k, axis=0) if len(k) else np.zeros(3)
    lengths = np.where(extent > 1.0, 1.0 / np.maximum(extent, 1e-9), _NON_SELECTIVE_EXTENT_M)
    slab = slab_of(events.rf[plan.excitation])
    if slab is not None and extent[slab[0]] <= 1.0:
        lengths[slab[0]] = slab[2]
    return lengths


def _repetitions(events: SequenceEvents, plan: GroupPlan) -> list[tuple[float, float, np.ndarray]]:
    """(excitation time, excitation phase, main-path dephasing at the next excitation)."""
    out = []
    k_nominal, m_prev, current = np.zeros(3), np.zeros(3), None
    for (t_event, kind, index), m_now in zip(plan.timeline, plan.moments):
        k_nominal = k_nominal + (m_now - m_prev)
        m_prev = m_now
        if kind != 0:
            continue
        rf = events.rf[index]
        if rf.use == "excitation":
            if current is not None:
                out.append((*current, k_nominal.copy()))
            current, k_nominal = (rf.time_s, rf.phase_rad), np.zeros(3)
        elif rf.use == "refocusing":
            k_nominal = -k_nominal
    return out


def _unspoiled(events: SequenceEvents, plan: GroupPlan) -> float | None:
    """The median TR of the group when most of its repetitions are unspoiled, else None."""
    repetitions = _repetitions(events, plan)
    if len(repetitions) < 2:
        return None
    lengths = _voxel_lengths(events, plan)
    dephased = np.array([np.max(np.abs(k) * lengths) >= 1.0 for _, _, k in repetitions])
    phases = np.array([p for _, p, _ in repetitions])
    if len(phases) >= 3:
        curvature = np.abs(np.remainder(phases[2:] - 2 * phases[1:-1] + phases[:-2] + math.pi, 2 * math.pi) - math.pi)
        if np.median(curvature) > _RF_SPOILING_RAD:
            return None
    if np.mean(dephased) >= 0.5:
        return None
    return float(np.median(np.diff([t for t, _, _ in repetitions])))


def unspoiled_note(events: SequenceEvents, plans: Sequence[GroupPlan], t2_s: Sequence[float]) -> str | None:
    """A sentence for the run's notes when the image leaves out stimulated echoes that matter.

    Parameters
    ----------
    plans : sequence of GroupPlan
        The slice groups of the run.
    t2_s : sequence of float
        T2 of the tissues that give signal.
    """
    if not len(t2_s):
        return None
    t2_max = float(max(t2_s))
    for plan in plans:
        tr = _unspoiled(events, plan)
        if tr is not None and math.exp(-tr / t2_max) > _RESIDUAL_LIMIT:
            return (f"The sequence does not spoil the transverse magnetisation between excitations (no spoiler "
                    f"gradient or RF spoiling) and its TR of {tr * 1e3:.0f} ms is short against the longest T2 "
                    f"({t2_max * 1e3:.0f} ms): the simulator synthesises the coherent echo only, so the stimulated "
                    "echoes of earlier repetitions (banding, ghosts in long-T2 tissue) are missing and the image is "
                    "approximate.")
    return None
