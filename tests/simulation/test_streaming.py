"""The engine's streaming form: the readouts of each slice group come out as soon as the
group is synthesised, laid out before any signal, with the same data as the collected run."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import prepare_sequence, simulate_sequence
from vetmri.simulation.phantom import load_phantom

from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SLICES = (-0.01, 0.0, 0.012)


def test_groups_stream_in_order_with_the_collected_data(tmp_path):
    path = write_se(tmp_path / "ms.seq", n=16, tr=0.4, slices=SLICES)
    options = EffectOptions(b0_inhomogeneity=False, seed=4, coil="head_large")
    log: list[tuple[str, object]] = []
    run = prepare_sequence(path, load_phantom("test_tubes"), options=options,
                           on_progress=lambda fraction, message: log.append(("progress", message)))
    # the layout exists before any synthesis: every readout's counters and k-space
    assert not log
    assert {a.counters["SLC"] for a in run.skeleton if "NOISE" not in a.flags} == {0, 1, 2}
    assert all(a.samples.shape[1] == 0 for a in run.skeleton)
    for group in run.groups():
        log.append(("group", group))
    kinds = [kind for kind, _ in log]
    assert kinds[:2] == ["progress", "group"]  # the first group leaves before the second is made
    groups = [g for kind, g in log if kind == "group"]
    assert len(groups) == len(SLICES)
    assert all(len({a.counters["SLC"] for a in g}) == 1 for g in groups)
    collected = simulate_sequence(path, load_phantom("test_tubes"), options=options)
    streamed = sorted((a for g in groups for a in g), key=lambda a: a.index)
    assert len(streamed) == len(collected.acquisitions)
    for a, b in zip(streamed, collected.acquisitions):
        assert a.index == b.index and a.counters == b.counters
        np.testing.assert_array_equal(a.samples, b.samples)
        np.testing.assert_array_equal(a.k_per_m, b.k_per_m)
    assert np.std(streamed[0].samples) > 0
