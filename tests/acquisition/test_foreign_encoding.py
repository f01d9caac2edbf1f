"""A foreign Pulseq file through the workstation's encoding and header: the matrix on the
image axes (a refocusing pulse negates the encodes), the readout centre of an even sample
count, and the header's slice thickness, TR and TE from [DEFINITIONS] or the events."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.encoding import infer_encoding
from vetmri.acquisition.runner import run_sequence_file
from vetmri.acquisition.simulated import SimulatedBackend
from vetmri.errors import UserInputError
from vetmri.rawdata import read_series
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom

from foreign_image import encoded, foreign_image
from plain_pulseq import write_plain

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
QUIET = EffectOptions(noise=False, b0_inhomogeneity=False)


@pytest.fixture(scope="module")
def spin_echo(tmp_path_factory):
    """A 64 x 64 spin echo whose phase encodes sit before the refocusing pulse, no labels."""
    path = write_plain(tmp_path_factory.mktemp("se") / "se.seq", "se", labels=False, n=64, fov=0.128)
    return simulate_sequence(path, load_phantom("test_tubes"), options=QUIET)


def test_a_spin_echo_with_negated_encodes_is_64_lines_on_a_64_line_grid(spin_echo):
    matrix, fov, slices = infer_encoding(spin_echo.acquisitions)
    assert matrix == (64, 64, 1) and slices == 1
    assert fov[:2] == pytest.approx((0.128, 0.128), rel=1e-3)
    header, acquisitions = encoded(spin_echo)
    lines = sorted(a.counters.kspace_encode_step_1 for a in acquisitions if a.is_imaging)
    assert lines == list(range(64))  # every line once


def test_an_even_readout_is_centred_on_sample_n_over_2_and_resampled_onto_the_lattice(spin_echo):
    header, acquisitions = encoded(spin_echo)
    assert {a.center_sample for a in acquisitions if a.is_imaging} == {32}
    # the k = 0 of a pypulseq readout falls half-way between samples 31 and 32; after the
    # resampling the plain FFT image of the centred, symmetric tube is real: no phase ramp
    # of half a sample (pi/2 across the field of view) along the readout
    image = foreign_image(spin_echo)
    row = image[32]
    inside = np.abs(row) > 0.5 * np.abs(row).max()
    phase = np.angle(row[inside] * np.conj(row[32]))
    assert np.max(np.abs(phase)) < 0.05  # the ramp would reach 0.74 rad at the outer tubes (x = 30 mm)
    middle = np.abs(row[32 - 3:32 + 4])  # the middle tube (x = 0, 20 mm across) is centred
    assert middle == pytest.approx(middle[::-1], rel=0.01)


def _run(tmp_path, **kw):
    seq = write_plain(tmp_path / "mine.seq", "irse", n=32, fov=0.128, thickness=0.007, te=0.024, tr=1.2, ti=0.3, **kw)
    run = run_sequence_file(seq, SimulatedBackend(load_phantom("test_tubes")), tmp_path / "mine.h5")
    return run.series[0], read_series(tmp_path / "mine.h5", "00_mine").header


def test_the_header_of_a_foreign_series_is_inferred_from_its_events_and_says_so(tmp_path):
    series, header = _run(tmp_path)
    # thickness: the sinc's small-tip FWHM over its gradient (pypulseq's bandwidth: 7 mm nominal)
    assert header.slice_thickness_m == pytest.approx(0.007, rel=0.03)
    assert header.encoded_fov_m[2] == pytest.approx(header.slice_thickness_m)
    assert header.tr_s == pytest.approx(1.2, abs=1e-4)
    assert header.te_s == pytest.approx(0.024, abs=1e-4) and header.echo_times_s == pytest.approx((0.024,), abs=1e-4)
    assert header.ti_s == pytest.approx(0.3, abs=1e-4)
    assert header.flip_angle_deg == pytest.approx(90.0, abs=0.1)
    note = " ".join(series.notes)
    assert "inferred" in note and "slice thickness" in note and "TR 1200.0 ms" in note and "TE 24.0 ms" in note


def test_the_header_takes_the_sequence_definitions_where_present(tmp_path):
    series, header = _run(tmp_path, definitions=True)
    assert header.slice_thickness_m == pytest.approx(0.007, rel=1e-6)  # as written, not the FWHM
    assert header.tr_s == pytest.approx(1.2, rel=1e-6) and header.te_s == pytest.approx(0.024, rel=1e-6)
    note = " ".join(series.notes)
    assert "slice thickness" not in note and "TR " not in note and "TE " not in note
    assert "TI 300.0 ms" in note  # not among the definitions written


def test_a_file_that_is_not_pulseq_is_named_with_the_reason(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# My sequences\n\nSee [the docs](x).\n")
    with pytest.raises(UserInputError) as error:
        run_sequence_file(readme, SimulatedBackend(load_phantom("test_tubes")), tmp_path / "o.h5")
    message = str(error.value)
    assert message.startswith(f"{readme} is not a Pulseq file: it has no [VERSION] section")
    assert "tmp" not in message.replace(str(tmp_path), "") and "Error" not in message


@pytest.mark.parametrize("definitions", [False, True])
def test_a_multi_echo_file_has_the_echo_time_of_each_echo_in_the_header_summary_and_images(tmp_path, definitions):
    from vetmri.recon import ReconOptions, reconstruct_series

    seq = write_plain(tmp_path / "me.seq", "gre", labels=False, n=32, fov=0.128, te=0.008, tr=0.1, echoes=3,
                      definitions=definitions)
    run = run_sequence_file(seq, SimulatedBackend(load_phantom("test_tubes")), tmp_path / "me.h5")
    header = read_series(tmp_path / "me.h5", "00_me").header
    spacing = header.echo_times_s[1] - header.echo_times_s[0]
    assert spacing > 0.003  # a readout and a fly-back
    assert header.echo_times_s == pytest.approx((0.008, 0.008 + spacing, 0.008 + 2 * spacing), abs=2e-5)
    assert header.te_s == pytest.approx(0.008, abs=2e-5) and header.echo_train_length == 1
    assert header.limits.contrast.maximum == 2
    note = " ".join(run.series[0].notes)
    if definitions:
        assert "TE " not in note
    else:
        times = ", ".join(f"{t * 1e3:.1f}" for t in header.echo_times_s)
        assert f"TE {times} ms (3 echoes)" in note
    images = reconstruct_series(tmp_path / "me.h5", "00_me", ReconOptions())
    by_echo = sorted(images.volumes, key=lambda v: v.contrast)
    assert [v.echo_time_s for v in by_echo] == pytest.approx(list(header.echo_times_s))
    signal = [float(v.magnitude.mean()) for v in by_echo]
    assert signal[0] > signal[1] > signal[2]  # T2* decay from echo to echo
