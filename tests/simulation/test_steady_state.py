"""The phase graph's fast path (stop once the echoes of the repetitions have converged and
reuse them) against the exact path (the graph over every event), on short sequences with
tissues whose T1 and T2 are long against TR (so the approach to the steady state and the
stimulated echoes matter)."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.scanner.profile import load_profile
from vetmri.simulation.echo_timeline import echo_weights, repetition_families, same_family
from vetmri.simulation.engine import _GRAPH_PRUNE
from vetmri.simulation.phase_graph import PhaseGraph
from vetmri.simulation.seq_reader import read_sequence

from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: Stated accuracy of the fast path (steady-state reuse and the engine's pruning of states
#: below 1e-5 of the proton density): largest difference of any echo weight, relative to
#: the largest echo weight of the exact path (every event, pruning at 1e-6).
FAST_PATH_TOLERANCE = 2e-4

PD = np.array([1.0, 0.8, 0.9])
T1 = np.array([2.0, 0.6, 0.25])
T2 = np.array([1.5, 0.08, 0.06])
T2P = np.array([0.05, 0.04, 0.03])
OFFSET = np.array([0.0, 3.0, -29.0])


def timeline_of(events):
    pulses = [(rf.time_s, 0, i) for i, rf in enumerate(events.rf)]
    adcs = [(adc.start_s + adc.n * adc.dwell_s / 2, 1, a) for a, adc in enumerate(events.adc)]
    timeline = sorted(pulses + adcs)
    return timeline, events.moment(np.array([t for t, _, _ in timeline]))


def graph():
    return PhaseGraph(PD, T1, T2, OFFSET, np.full(3, 0.9))


def fast_graph():
    return PhaseGraph(PD, T1, T2, OFFSET, np.full(3, 0.9), prune=_GRAPH_PRUNE)


@pytest.mark.parametrize("kind", ["se", "gre", "tse"])
def test_the_fast_path_matches_the_exact_phase_graph(tmp_path, kind):
    extra = {"se": dict(tr=0.3), "gre": dict(gre=True, flip_deg=30.0, tr=0.02, te=0.008),
             "tse": dict(etl=4, tr=0.4)}[kind]
    events = read_sequence(write_se(tmp_path / "s.seq", n=64, **extra), load_profile())
    timeline, moments = timeline_of(events)
    exact = echo_weights(events, timeline, moments, graph, T2P, steady_tolerance=None)
    fast = echo_weights(events, timeline, moments, fast_graph, T2P)
    w_exact = np.array([w for w, _ in exact])
    w_fast = np.array([w for w, _ in fast])
    assert w_fast.shape == w_exact.shape
    assert np.max(np.abs(w_fast - w_exact)) < FAST_PATH_TOLERANCE * np.max(np.abs(w_exact))
    assert [t for _, t in fast] == pytest.approx([t for _, t in exact], abs=1e-9)
    # the approach to the steady state is really in the data: early echoes differ from late ones
    per_line = np.abs(w_exact).max(axis=1)
    assert abs(per_line[0] - per_line[-1]) > 1e-3 * per_line.max()


def test_the_repetitions_of_a_spin_echo_differ_only_by_the_phase_encode(tmp_path):
    events = read_sequence(write_se(tmp_path / "s.seq", n=32, tr=0.3), load_profile())
    timeline, moments = timeline_of(events)
    families, bounds = repetition_families(events, timeline, moments)
    assert len(bounds) == 32
    assert all(same_family(families[0], f) for f in families)
    # a different TE in one repetition is a different family
    longer = read_sequence(write_se(tmp_path / "t.seq", n=32, tr=0.3, te=0.03), load_profile())
    other, _ = repetition_families(longer, *timeline_of(longer))
    assert not same_family(families[0], other[0])
