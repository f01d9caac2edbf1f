"""``vetmri simulate`` as a user runs it: a planned series, a Pulseq file written with plain
pypulseq (with and without encoding labels), and one-sentence errors with exit code 2."""

from __future__ import annotations

import json

import numpy as np
import pytest

from vetmri.rawdata import list_groups, read_series
from vetmri.recon import ReconOptions, reconstruct_series

from seqbuild import write_se
from tests.acquisition.plain_sequences import write_unlabelled_gre

PLAN = ["--species", "cat", "--weight", "3", "--region", "brain"]


def test_one_planned_series_with_json_summary(run_vetmri, tmp_path):
    raw = tmp_path / "cat.h5"
    result = run_vetmri("simulate", *PLAN, "--series", "2", "--set", "matrix=32,32", "--set", "slices=1",
                        "--set", "averages=1", "--out", str(raw), "--drift-hz", "900", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert abs(summary["adjustments"]["f0_hz"] - 900) < 3
    assert summary["series"][0]["group"] == "02_T2_TSE_transverse"
    assert "%" in result.stderr  # progress on stderr
    assert read_series(raw, "02_T2_TSE_transverse").header.species == "cat"


def test_the_rf_and_shim_errors_of_the_command_line_are_what_calibration_finds(run_vetmri, tmp_path):
    def adjustments(*errors: str) -> dict:
        result = run_vetmri("simulate", *PLAN, "--series", "0", "--set", "matrix=32,32", "--no-noise",
                            "--out", str(tmp_path / f"cat{len(errors)}.h5"), *errors, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["adjustments"]

    magnet = adjustments()  # the magnet's own B0 map has a linear part the shim also finds
    found = adjustments("--rf-error", "1.25", "--shim-error", "0,2500,0")
    assert magnet["rf_scale"] == pytest.approx(1.0, abs=0.03)
    assert found["rf_scale"] * 1.25 == pytest.approx(1.0, abs=0.03)
    assert found["shim_hz_per_m"][1] - magnet["shim_hz_per_m"][1] == pytest.approx(-2500, rel=0.05, abs=30)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("labelled", [True, False])
def test_a_plain_pypulseq_file_is_simulated_and_reconstructs(run_vetmri, tmp_path, labelled):
    seq = tmp_path / "mine.seq"
    if labelled:
        write_se(seq, n=48, fov=0.144, tr=0.3, te=0.02, thickness=0.006)
    else:
        write_unlabelled_gre(seq, n=48, fov=0.144)
    raw = tmp_path / "mine.h5"
    result = run_vetmri("simulate", "--seq", str(seq), "--phantom", "test_tubes", "--out", str(raw), "--no-effects")
    assert result.returncode == 0, result.stderr
    assert "note: Not in the sequence's [DEFINITIONS], so inferred from its events: slice thickness" in result.stdout
    assert list_groups(raw) == ["00_mine"]
    series = read_series(raw, "00_mine")
    assert series.header.encoded_matrix == (48, 48, 1)
    assert series.header.encoded_fov_m[0] == pytest.approx(0.144, rel=0.01)
    image = reconstruct_series(raw, "00_mine", ReconOptions(method="fft")).volumes[0].magnitude[0]
    # the three tubes (x = -30, 0, +30 mm) along the middle row, background between them
    row = image[24]
    px = 0.144 / 48
    centres = [24 + round(x / px) for x in (-0.03, 0.0, 0.03)]
    assert all(row[c] > 5 * row[c + 5] for c in centres[:2])
    assert min(row[c] for c in centres) > 0.2 * row.max()


@pytest.mark.parametrize("args, words", [
    (["--out", "x.h5"], "Give --species, --weight, --region"),
    (["--seq", "a.seq", "--out", "x.h5"], "needs a phantom"),
    (["--seq", "a.seq", *PLAN, "--out", "x.h5"], "either --seq"),
    ([*PLAN, "--fov-mm", "100,100", "--out", "x.h5"], "apply to --seq"),
    (["--species", "parrot", "--weight", "0.4", "--region", "coelom", "--out", "x.h5"], "no phantom of a parrot coelom"),
    ([*PLAN, "--drift-hz", "1e7", "--out", "x.h5"], "drift"),
    ([*PLAN, "--series", "9", "--out", "x.h5"], "no series 9"),
    ([*PLAN, "--shim-error", "1,2", "--out", "x.h5"], "--shim-error must be three numbers"),
    ([*PLAN, "--rf-error", "5", "--out", "x.h5"], "RF amplitude error"),
    ([*PLAN, "--phantom", "unicorn", "--out", "x.h5"], "no phantom called 'unicorn'"),
])
def test_bad_requests_get_one_sentence_and_exit_2(run_vetmri, tmp_path, args, words):
    result = run_vetmri("simulate", *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_bad_files_get_one_sentence(run_vetmri, tmp_path):
    bad_phantom = tmp_path / "bad.toml"
    bad_phantom.write_text('[phantom]\nname = "x"\n')
    seq = tmp_path / "broken.seq"
    seq.write_text("not pulseq at all\n")
    result = run_vetmri("simulate", "--seq", str(seq), "--phantom", str(bad_phantom), "--out", str(tmp_path / "o.h5"))
    assert result.returncode == 2 and "bad.toml" in result.stderr and "Traceback" not in result.stderr
    result = run_vetmri("simulate", "--seq", str(seq), "--phantom", "test_tubes", "--out", str(tmp_path / "o.h5"))
    assert result.returncode == 2 and "broken.seq is not a Pulseq file: it has no [VERSION] section" in result.stderr
    missing = run_vetmri("simulate", "--seq", str(tmp_path / "none.seq"), "--phantom", "test_tubes", "--out", str(tmp_path / "o.h5"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_a_file_that_is_not_pulseq_is_named_with_the_reason(run_vetmri, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# My sequences\n\nSee [the docs](x).\n")
    result = run_vetmri("simulate", "--seq", str(readme), "--phantom", "test_tubes", "--out", str(tmp_path / "o.h5"))
    assert result.returncode == 2
    message = result.stderr.strip().splitlines()[-1]
    assert f"{readme} is not a Pulseq file: it has no [VERSION] section" in message
    assert "series.seq" not in result.stderr and "ValueError" not in result.stderr and "Traceback" not in result.stderr


def test_interference_lines_show_in_the_noise_scan_at_their_frequency(run_vetmri, tmp_path):
    raw = tmp_path / "rf.h5"
    result = run_vetmri("simulate", *PLAN, "--series", "0", "--set", "matrix=32,32", "--out", str(raw),
                        "--no-effects", "--interference-hz", "3000")
    assert result.returncode == 0, result.stderr
    noise = read_series(raw, list_groups(raw)[0]).noise
    assert noise
    dwell = noise[0].sample_time_s
    n = noise[0].data.shape[1]
    spectra = np.mean([np.abs(np.fft.fftshift(np.fft.fft(a.data[0]))) ** 2 for a in noise], axis=0)
    freqs = np.fft.fftshift(np.fft.fftfreq(n, dwell))
    peak = freqs[int(np.argmax(spectra))]
    assert abs(abs(peak) - 3000) <= 1.5 / (n * dwell)
    assert spectra.max() > 10 * np.median(spectra)


@pytest.mark.parametrize("args, words", [
    (["--interference-hz", "3k"], "--interference-hz must be numbers"),
    (["--motion", "respiratory", "--motion-mm", "80"], "motion amplitude"),
    (["--b1-falloff", "1.5"], "fall-off"),
])
def test_bad_simulated_conditions_get_one_sentence(run_vetmri, args, words):
    result = run_vetmri("simulate", *PLAN, "--out", "x.h5", *args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_breathing_motion_puts_ghosts_into_the_background(run_vetmri, tmp_path):
    """A gradient echo (short TR) samples the breathing cycle at many phases: ghosts along
    the phase direction. (A TSE whose TR equals the 3 s breathing period would not ghost.)"""
    def image(*motion: str) -> np.ndarray:
        raw = tmp_path / f"m{len(motion)}.h5"
        result = run_vetmri("simulate", *PLAN, "--series", "4", "--set", "matrix=48,48", "--set", "slices=1",
                            "--set", "averages=1", "--out", str(raw), "--no-noise", "--no-effects", *motion)
        assert result.returncode == 0, result.stderr
        group = list_groups(raw)[0]
        return reconstruct_series(raw, group, ReconOptions(method="fft")).volumes[0].magnitude[0]

    still = image()
    moving = image("--motion", "respiratory", "--motion-mm", "4")
    background = still < 0.02 * still.max()
    assert background.sum() > 0.1 * still.size
    assert moving[background].mean() > 3 * still[background].mean()


def test_the_realistic_phantom_is_the_default_and_no_texture_gives_the_plain_one(run_vetmri, tmp_path):
    def image(*flags: str) -> np.ndarray:
        raw = tmp_path / f"cat{len(flags)}.h5"
        result = run_vetmri("simulate", *PLAN, "--series", "2", "--set", "matrix=64,64", "--set", "slices=1",
                            "--set", "averages=1", "--no-noise", "--no-effects", "--out", str(raw), *flags)
        assert result.returncode == 0, result.stderr
        images = reconstruct_series(raw, "02_T2_TSE_transverse", ReconOptions(denoise="none"))
        return images.volumes[0].magnitude[0]

    textured, plain = image(), image("--no-texture")
    difference = np.abs(textured - plain)
    # the folds, septa and heterogeneity change a real part of the head, not just a few pixels
    assert (difference > 0.05 * plain.max()).mean() > 0.02
    assert np.linalg.norm(textured - plain) > 0.05 * np.linalg.norm(plain)
