"""Slices reconstructed while the scan runs are the batch reconstruction of the same data."""

from __future__ import annotations

import numpy as np

from vetmri.acquisition.header import series_header
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import RawSeries, header_to_xml, sort_acquisitions
from vetmri.recon.live_slices import LiveSlices
from vetmri.recon.pipeline import reconstruct_raw
from vetmri.sequences.api import build_sequence


def _series(overrides: tuple[str, ...]):
    plan = plan_exam("cat", 3.0, "brain", overrides=[parse_override(o) for o in overrides])
    backend = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0), conditions=SimulatedConditions(coil=plan.coil, seed=2))
    series = plan.series[2]
    header = series_header(series, backend.profile, index=2, species="cat", weight_kg=3.0)
    adjustments = backend.calibrate()
    text = build_sequence(series, backend.profile).text
    return header, list(backend.run_batches(text, header_to_xml(header), adjustments))


def test_live_slices_equal_the_batch_reconstruction_and_each_is_made_once():
    header, batches = _series(("matrix=48,48", "slices=3", "averages=2"))
    live = LiveSlices(header, "02_t2")
    shown = [s for batch in batches for s in live.add(batch)]
    assert sorted(s.slice_index for s in shown) == [0, 1, 2]
    final, missing = live.finish()
    assert missing == []
    acquisitions = [a for b in batches for a in b]
    batch = reconstruct_raw(RawSeries("02_t2", header, sort_acquisitions([a for a in acquisitions if not a.is_noise]),
                                      tuple(a for a in acquisitions if a.is_noise)))
    a, b = final.volumes[0], batch.volumes[0]
    assert a.magnitude.shape == b.magnitude.shape == (3, 48, 48)
    scale = float(b.magnitude.max())
    assert np.max(np.abs(a.magnitude - b.magnitude)) < 1e-4 * scale
    for g, h in zip(a.geometry, b.geometry):
        assert np.allclose(g.position_m, h.position_m)
    for s in shown:
        assert np.allclose(s.image, b.magnitude[s.slice_index], atol=1e-4 * scale)


def test_an_undersampled_series_is_shown_zero_filled_and_finished_with_compressed_sensing():
    header, batches = _series(("matrix=48,48", "slices=2", "averages=1", "acceleration=2"))
    live = LiveSlices(header, "02_t2")
    shown = [s for batch in batches for s in live.add(batch)]
    assert len(shown) == 2
    final, _ = live.finish()
    assert final.method == "cs"


def test_a_partial_fourier_series_is_shown_filled_and_assembled_from_its_live_slices():
    header, batches = _series(("matrix=48,48", "slices=2", "averages=1", "partial_fourier=0.875"))
    assert header.sampling_pattern == "partial Fourier 0.875"
    live = LiveSlices(header, "02_t2")
    shown = [s for batch in batches for s in live.add(batch)]
    assert len(shown) == 2
    final, missing = live.finish()
    assert missing == [] and "partial Fourier (POCS)" in final.steps
    acquisitions = [a for b in batches for a in b]
    batch = reconstruct_raw(RawSeries("02_t2", header, sort_acquisitions([a for a in acquisitions if not a.is_noise]),
                                      tuple(a for a in acquisitions if a.is_noise)))
    assert final.volumes[0].magnitude.shape == batch.volumes[0].magnitude.shape == (2, 48, 48)
    scale = float(batch.volumes[0].magnitude.max())
    assert np.max(np.abs(final.volumes[0].magnitude - batch.volumes[0].magnitude)) < 1e-4 * scale
    for s in shown:
        assert np.allclose(s.image, batch.volumes[0].magnitude[s.slice_index], atol=1e-4 * scale)
