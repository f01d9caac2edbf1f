"""Slices of an interleaved multi-slice sequence share one phase graph: the echo weights of
each slice, computed on their own, equal the shared graph's rotated by the RF phase
difference."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vetmri.scanner.profile import load_profile
from vetmri.simulation.echo_timeline import echo_weights, timeline_signature
from vetmri.simulation.slice_groups import slab_of
from vetmri.simulation.phantom import load_phantom
from vetmri.simulation.phase_graph import PhaseGraph
from vetmri.simulation.seq_reader import read_sequence

from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def slice_timelines(events):
    """Per excited slice: its RF pulses and ADCs in time order (as the engine groups them)."""
    slabs = [slab_of(rf) for rf in events.rf]
    excitations = [i for i, rf in enumerate(events.rf) if rf.use == "excitation"]
    exc_times = np.array([events.rf[i].time_s for i in excitations])
    groups: dict[float, list] = {}
    for a, adc in enumerate(events.adc):
        slab = slabs[excitations[int(np.searchsorted(exc_times, adc.start_s)) - 1]]
        groups.setdefault(round(slab[1], 5), []).append((adc.start_s + adc.n * adc.dwell_s / 2, 1, a))
    for centre, adcs in groups.items():
        pulses = [(rf.time_s, 0, i) for i, rf in enumerate(events.rf) if abs(slabs[i][1] - centre) < slabs[i][2] / 2]
        yield sorted(pulses + adcs)


@pytest.mark.parametrize("kind", ["tse", "inversion"])
def test_each_slice_on_its_own_equals_the_shared_graph_rotated_by_its_rf_phase(tmp_path, kind):
    extra = dict(etl=4, te=0.02) if kind == "tse" else dict(ti=0.15)
    path = write_se(tmp_path / "ms.seq", n=16, tr=0.6, slices=(-0.01, 0.0, 0.012), **extra)
    events = read_sequence(path, load_profile())
    # as the vetmri builders do, give each slice's pulses a phase that follows its frequency
    # offset (a constant per slice)
    slice_phase = {round(c, 3): p for c, p in zip((-0.01, 0.0, 0.012), (0.0, 2.1, -0.7))}
    events = replace(events, rf=tuple(
        replace(rf, phase_rad=rf.phase_rad + slice_phase[round(slab_of(rf)[1], 3)]) for rf in events.rf))
    tissues = [t for t in load_phantom("test_tubes").tissues() if t.pd > 0]
    pd, t1, t2, t2p = (np.array([getattr(t, a) for t in tissues]) for a in ("pd", "t1_s", "t2_s", "t2prime_s"))
    offset = np.array([-29.0, 0.0, 5.0])[: len(tissues)]

    def graph():
        return PhaseGraph(pd, t1, t2, offset, np.full(len(pd), 0.93))

    results = []
    for timeline in slice_timelines(events):
        moments = events.moment(np.array([t for t, _, _ in timeline]))
        signature, phase = timeline_signature(events, timeline, moments, 0.05)
        results.append((signature, phase, echo_weights(events, timeline, moments, graph, t2p)))
    assert len(results) == 3
    phases = [r[1] for r in results]
    assert np.ptp(np.remainder(phases, 2 * np.pi)) > 0.1  # the slices' RF phases really differ
    first_signature, first_phase, first_echoes = results[0]
    for signature, phase, echoes in results[1:]:
        assert signature == first_signature
        rotation = np.exp(1j * (phase - first_phase))
        own = np.array([w for w, _ in echoes])
        shared = np.array([w for w, _ in first_echoes]) * rotation
        assert np.max(np.abs(own - shared)) < 1e-6 * np.max(np.abs(own))
        assert [t for _, t in echoes] == pytest.approx([t for _, t in first_echoes], abs=1e-9)


def test_a_different_timeline_gets_a_different_signature(tmp_path):
    events_a = read_sequence(write_se(tmp_path / "a.seq", n=16, tr=0.5), load_profile())
    events_b = read_sequence(write_se(tmp_path / "b.seq", n=16, tr=0.5, te=0.03), load_profile())
    signatures = []
    for events in (events_a, events_b):
        timeline = next(slice_timelines(events))
        moments = events.moment(np.array([t for t, _, _ in timeline]))
        signatures.append(timeline_signature(events, timeline, moments, 0.05)[0])
    assert signatures[0] != signatures[1]
