"""The engine on a textured phantom: the relaxation nodes' coarse phase graph against the
exact one, and the texture's effect on the image."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from vetmri.simulation import engine
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom, scale_phantom

from seqbuild import write_se

QUIET = EffectOptions(noise=False, b0_inhomogeneity=False)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _samples(result) -> np.ndarray:
    return np.concatenate([a.samples.ravel() for a in result.acquisitions])


@pytest.mark.parametrize("etl", [1, 8])
def test_the_coarse_relaxation_nodes_give_the_exact_graphs_signal(tmp_path, monkeypatch, etl):
    head = scale_phantom(load_phantom("cat_brain"), texture=True)
    seq = write_se(tmp_path / "se.seq", n=64, te=0.03, tr=0.6, etl=etl)
    fast = _samples(simulate_sequence(seq, head, options=QUIET, workers=1))
    # the exact path: both relaxation nodes through the full graph
    monkeypatch.setattr(engine, "_NODE_GRAPH_PRUNE", engine._GRAPH_PRUNE)
    monkeypatch.setattr(engine, "_NODE_GRAPH_STATES", 20000)
    monkeypatch.setattr(engine, "_NODE_GRAPH_FOLLOWS", False)  # and converging by itself
    exact = _samples(simulate_sequence(seq, head, options=QUIET, workers=1))
    plain = _samples(simulate_sequence(seq, replace(head, textured=False), options=QUIET, workers=1))
    texture = np.linalg.norm(exact - plain)
    assert texture > 0.01 * np.linalg.norm(exact)  # the texture is there
    assert np.linalg.norm(fast - exact) < 0.02 * texture  # and the coarse nodes keep it
