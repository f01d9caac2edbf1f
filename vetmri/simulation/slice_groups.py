"""The slice groups of a sequence: which readouts each excitation's slab owns, the RF
pulses that reach that slab, and every readout's k-space position, echo time and derived
encoding counters, all from the sequence's events and gradient moments (no signal).

The signal engine (:mod:`~vetmri.simulation.engine`) runs one phase graph and one
synthesis per group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.errors import OperationFailedError
from vetmri.simulation.result import SimulatedAcquisition
from vetmri.simulation.seq_reader import RfEvent, SequenceEvents

__all__ = ["GroupPlan", "derive_counters", "plan_groups", "slab_of", "slab_quadrature"]

_SELECTIVE_MIN_HZ_PER_M = 10.0  # below this gradient at the RF centre, the pulse is non-selective


def slab_of(rf: RfEvent) -> tuple[int, float, float] | None:
    """(axis, centre_m, thickness_m) of a selective pulse, None for a non-selective one."""
    g = rf.gradient_hz_per_m
    strength = float(np.linalg.norm(g))
    if strength < _SELECTIVE_MIN_HZ_PER_M:
        return None
    axis = int(np.argmax(np.abs(g)))
    if abs(g[axis]) < 0.999 * strength:
        raise OperationFailedError(
            "The sequence selects an oblique slice; the simulator supports slices along the x, y or z axis only."
        )
    return axis, rf.freq_offset_hz / g[axis], rf.bandwidth_hz / strength


def slab_quadrature(rf: RfEvent, axis: int, thickness: float) -> tuple[np.ndarray, np.ndarray]:
    """17 offsets over twice the slab thickness and the excitation's small-tip profile at
    each, times their spacing (the quadrature of the slice profile)."""
    offsets = np.linspace(-thickness, thickness, 17)
    freq = offsets * rf.gradient_hz_per_m[axis]
    weights = np.interp(freq, rf.profile_hz, rf.profile, left=0.0, right=0.0) * (offsets[1] - offsets[0])
    return offsets, weights


def plan_groups(events: SequenceEvents) -> tuple[list[GroupPlan], list[tuple | None], dict[tuple, list[int]]]:
    """Group the readouts by the slab their excitation selected, and plan each group.

    Returns
    -------
    plans : list of GroupPlan
        In the order of the groups' first readouts.
    group_of_adc : list
        The group key of every readout, None for one without excitation (or labelled NOISE).
    groups : dict
        The readout indices of each group key.

    Raises
    ------
    OperationFailedError
        An oblique slice.
    """
    slabs = [slab_of(rf) for rf in events.rf]
    excitations = [i for i, rf in enumerate(events.rf) if rf.use == "excitation"]
    exc_times = np.array([events.rf[i].time_s for i in excitations])
    groups: dict[tuple, list[int]] = {}
    group_of_adc: list[tuple | None] = []
    group_rf: dict[tuple, int] = {}
    for a_index, adc in enumerate(events.adc):
        pos = int(np.searchsorted(exc_times, adc.start_s)) - 1
        if pos < 0 or "NOISE" in adc.flags:
            group_of_adc.append(None)
            continue
        rf_index = excitations[pos]
        slab = slabs[rf_index]
        key = ("volume",) if slab is None else (slab[0], round(slab[1], 5))
        groups.setdefault(key, []).append(a_index)
        group_rf.setdefault(key, rf_index)
        group_of_adc.append(key)
    table = _slab_table(slabs)
    plans = [_plan_group(events, table, key, adc_indices, group_rf[key]) for key, adc_indices in groups.items()]
    return plans, group_of_adc, groups


@dataclass(frozen=True)
class GroupPlan:
    """One slice group before synthesis: its events in time order and its readouts' k-space.

    Attributes
    ----------
    key : tuple
        (slice axis, centre_m) or ("volume",).
    excitation : int
        Index of its first excitation pulse in ``events.rf``.
    adc_indices : tuple of int
    timeline : list of (time_s, kind, index)
    moments : ndarray (E, 3)
    k_per_adc : tuple of ndarray (n, 3)
        Nominal k-space position of every sample.
    echo_ref_k : ndarray (A, 3), echo_ref_s : ndarray (A,)
        Nominal k and time at each readout's reference (its centre).
    te_s : tuple of float or None; echo_numbers : tuple of int
    """

    key: tuple
    excitation: int
    adc_indices: tuple[int, ...]
    timeline: list
    moments: np.ndarray
    k_per_adc: tuple[np.ndarray, ...]
    echo_ref_k: np.ndarray
    echo_ref_s: np.ndarray
    te_s: tuple[float | None, ...]
    echo_numbers: tuple[int, ...]


def _slab_table(slabs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Axis (-1 for a non-selective pulse), centre and half thickness of every pulse's slab."""
    axis = np.array([-1 if s is None else s[0] for s in slabs], dtype=int)
    centre = np.array([0.0 if s is None else s[1] for s in slabs])
    half = np.array([0.0 if s is None else s[2] / 2 for s in slabs])
    return axis, centre, half


def _plan_group(events: SequenceEvents, table: tuple[np.ndarray, np.ndarray, np.ndarray], key: tuple,
                adc_indices: list[int], rf_index: int) -> GroupPlan:
    axis, centre, half = table
    if axis[rf_index] < 0:  # a non-selective excitation: every pulse reaches its volume
        reaching = range(len(events.rf))
    else:
        same_axis = axis == axis[rf_index]
        reaching = np.nonzero((axis < 0) | (same_axis & (np.abs(centre - centre[rf_index]) < half)))[0].tolist()
    timeline = sorted([(events.rf[i].time_s, 0, i) for i in reaching]
                      + [(_ref_time(events, a), 1, a) for a in adc_indices])
    moments = events.moment(np.array([t for t, _, _ in timeline]))
    m_prev = np.zeros(3)
    k_nominal = np.zeros(3)
    t_exc = None
    echo = 0
    ref_k, ref_t, te, numbers = {}, {}, {}, {}
    for (t_event, kind, index), m_now in zip(timeline, moments):
        k_nominal = k_nominal + (m_now - m_prev)
        m_prev = m_now
        if kind == 0:
            rf = events.rf[index]
            if rf.use == "excitation":
                k_nominal, t_exc, echo = np.zeros(3), rf.time_s, 0
            elif rf.use == "refocusing":
                k_nominal = -k_nominal
        else:
            ref_k[index], ref_t[index] = k_nominal.copy(), t_event
            te[index] = None if t_exc is None else t_event - t_exc
            numbers[index] = echo
            echo += 1
    counts = np.array([events.adc[a].n for a in adc_indices])
    t = np.concatenate([events.adc[a].sample_times() for a in adc_indices])
    t_ref = np.array([ref_t[a] for a in adc_indices])
    owner = np.repeat(np.arange(len(adc_indices)), counts)
    k_ref = np.array([ref_k[a] for a in adc_indices])
    k = k_ref[owner] + events.moment(t) - events.moment(t_ref)[owner]
    return GroupPlan(key=key, excitation=rf_index, adc_indices=tuple(adc_indices), timeline=timeline,
                     moments=moments, k_per_adc=tuple(np.split(k, np.cumsum(counts)[:-1])),
                     echo_ref_k=k_ref, echo_ref_s=t_ref, te_s=tuple(te[a] for a in adc_indices),
                     echo_numbers=tuple(numbers[a] for a in adc_indices))


def _ref_time(events: SequenceEvents, index: int) -> float:
    adc = events.adc[index]
    return adc.start_s + adc.n * adc.dwell_s / 2


def derive_counters(acquisitions: list[SimulatedAcquisition], groups: dict) -> None:
    """Fill LIN, PAR and SLC from the trajectory and slices where the sequence set no label."""
    imaging = [a for a in acquisitions if "NOISE" not in a.flags]
    if not imaging:
        return
    centre_k = np.array([a.k_per_m[a.k_per_m.shape[0] // 2] for a in imaging])
    for counter, axis_rank in (("LIN", 1), ("PAR", 2)):
        if all(counter in a.counters for a in imaging):
            continue
        spread = np.ptp(centre_k, axis=0)
        order = np.argsort(spread)[::-1]
        if axis_rank >= 3:
            continue
        axis = order[axis_rank - 1] if spread[order[0]] > 0 else None
        readout = set(np.argmax(np.abs(np.array([a.k_per_m[-1] - a.k_per_m[0] for a in imaging])), axis=1).tolist())
        candidates = [ax for ax in np.argsort(spread)[::-1] if ax not in readout and spread[ax] > 0.5]
        if counter == "LIN":
            axis = candidates[0] if candidates else None
        else:
            axis = candidates[1] if len(candidates) > 1 else None
        values = centre_k[:, axis] if axis is not None else np.zeros(len(imaging))
        unique = np.unique(np.round(values, 2))
        step = np.min(np.diff(unique)) if len(unique) > 1 else 1.0
        base = unique.min()
        for a, v in zip(imaging, values):
            a.counters.setdefault(counter, int(round((v - base) / step)))
    keys = sorted(k for k in groups if k[0] != "volume")
    for a in imaging:
        if "SLC" not in a.counters and a.slab_centre_m is not None:
            axis = int(np.argmax(np.abs(a.slab_centre_m))) if np.any(a.slab_centre_m) else None
            for i, key in enumerate(keys):
                if axis is None or (key[0] == axis and abs(key[1] - a.slab_centre_m[axis]) < 1e-6):
                    if abs(key[1] - (a.slab_centre_m[key[0]])) < 1e-6:
                        a.counters.setdefault("SLC", i)
                        break
        a.counters.setdefault("SLC", 0)
