"""A series streams while it is simulated: each slice group's readouts leave the backend
as soon as that group is synthesised, with the same data as the collected run."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments, ScanAborted
from vetmri.acquisition.header import series_header
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import header_to_xml
from vetmri.sequences.api import build_sequence

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SLICES = 3


@pytest.fixture(scope="module")
def setting():
    settings = {"matrix": "64,64", "averages": "1", "slices": str(SLICES)}
    plan = plan_exam("dog", 35.0, "brain", overrides=[parse_override(f"{k}={v}", None) for k, v in settings.items()])
    series = plan.series[5]  # T1 spin echo, interleaved slices
    backend = SimulatedBackend(phantom_for_exam("dog", "brain", 35.0),
                               conditions=SimulatedConditions(coil=plan.coil, seed=5))
    header = series_header(series, backend.profile, index=5, species="dog", weight_kg=35.0)
    return backend, build_sequence(series, backend.profile).text, header


def key(a):
    c = a.counters
    return (a.is_noise, c.slice, c.kspace_encode_step_1, c.average, c.contrast, c.segment, c.repetition)


def test_the_first_readouts_arrive_before_the_last_slice_is_synthesised(setting):
    backend, text, header = setting
    log: list[tuple[str, object]] = []
    stream = backend.run(text, header_to_xml(header), Adjustments(),
                         on_progress=lambda fraction, message: log.append(("progress", message)))
    for acquisition in stream:
        log.append(("acquisition", acquisition))
    messages = [m for kind, m in log if kind == "progress"]
    assert f"slice group {SLICES} of {SLICES}" in messages
    last_group_at = log.index(("progress", f"slice group {SLICES} of {SLICES}"))
    first_imaging_at = next(i for i, (kind, a) in enumerate(log) if kind == "acquisition" and not a.is_noise)
    assert first_imaging_at < last_group_at
    arrived = [a for kind, a in log if kind == "acquisition"]
    assert all(a.is_noise for a in arrived[:NOISE_READOUTS])
    assert [a.scan_counter for a in arrived] == list(range(len(arrived)))


def test_streamed_data_equal_the_collected_run(setting):
    backend, text, header = setting
    streamed = list(backend.run(text, header_to_xml(header), Adjustments()))
    result = backend.simulate(text, Adjustments(), coil=header.coil_name)
    collected = list(backend.stream(result, header, Adjustments()))
    assert len(streamed) == len(collected)
    by_key = {key(a): a for a in collected if not a.is_noise}
    imaging = [a for a in streamed if not a.is_noise]
    assert len(by_key) == len(imaging) == header.encoded_matrix[1] * SLICES  # 64 rows + phase oversampling
    for a in imaging:
        b = by_key[key(a)]
        np.testing.assert_array_equal(a.data, b.data)
        assert a.time_stamp_s == b.time_stamp_s and a.position_m == b.position_m
    noise_s = [a.data for a in streamed if a.is_noise]
    noise_c = [a.data for a in collected if a.is_noise]
    for x, y in zip(noise_s, noise_c, strict=True):
        np.testing.assert_array_equal(x, y)
    # real signal and real noise, not zeros
    assert np.std(imaging[0].data) > 0


def test_abort_between_slice_groups(setting):
    backend, text, header = setting
    log: list[str] = []
    stream = backend.run(text, header_to_xml(header), Adjustments(), on_progress=lambda f, m: log.append(m))
    first_imaging = next(a for a in stream if not a.is_noise)
    assert first_imaging.counters.slice is not None
    backend.abort()
    with pytest.raises(ScanAborted):
        for _ in stream:
            pass
    assert f"slice group {SLICES} of {SLICES}" not in log


def test_readouts_arrive_a_slice_group_at_a_time_with_the_data_of_run(setting):
    """``arrivals`` hands a writer the noise scan, then each slice group as one list; a
    backend without batches (the paced one) gives one readout per list. Same readouts."""
    from vetmri.acquisition.contract import arrivals
    from vetmri.acquisition.link.pacing import PacedBackend

    backend, text, header = setting
    batches = list(arrivals(backend, text, header_to_xml(header), Adjustments()))
    assert [len(b) for b in batches[:1]] == [NOISE_READOUTS] and all(a.is_noise for a in batches[0])
    assert len(batches) == 1 + SLICES
    assert all(len({a.counters.slice for a in b}) == 1 for b in batches[1:])
    flat = [a for b in batches for a in b]
    one_by_one = list(backend.run(text, header_to_xml(header), Adjustments()))
    assert [a.scan_counter for a in flat] == [a.scan_counter for a in one_by_one]
    for a, b in zip(flat, one_by_one, strict=True):
        np.testing.assert_array_equal(a.data, b.data)
    paced = list(arrivals(PacedBackend(backend, speed=1e6), text, header_to_xml(header), Adjustments()))
    assert [len(b) for b in paced] == [1] * len(flat)
