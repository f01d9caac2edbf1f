import json

import numpy as np
import pytest

from tests.recon.simulated_scan import Scan, nrmse


def test_recon_writes_npy_and_json_per_group(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan(slices=2).write(raw, "t2 tse", 0)
    Scan(coils=2, seed=3).write(raw, "t1", 1)
    out = tmp_path / "images"
    result = run_vetmri("recon", str(raw), "--out", str(out))
    assert result.returncode == 0, result.stderr
    volume = np.load(out / "00_t2_tse.npy")
    assert volume.dtype == np.float32 and volume.shape == (2, 64, 64)
    assert nrmse(volume[0] * np.sum(Scan().truth() * volume[0]) / np.sum(volume[0] ** 2), Scan().truth()) < 0.15
    meta = json.loads((out / "01_t1.json").read_text())
    assert "coil combination (adaptive)" in meta["steps"]
    assert len(meta["volumes"][0]["slices"]) == 1 and "pixel_spacing_m" in meta["volumes"][0]["slices"][0]
    assert "00_t2_tse" in result.stderr  # progress


def test_recon_one_group_as_png(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan().write(raw, "a", 0)
    Scan().write(raw, "b", 1)
    out = tmp_path / "png"
    result = run_vetmri("recon", str(raw), "--out", str(out), "--format", "png", "--group", "01_b")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["01_b.json", "01_b_000.png"]


def test_dicom_format_is_refused_with_a_sentence(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan().write(raw)
    result = run_vetmri("recon", str(raw), "--out", str(tmp_path / "d"), "--format", "dicom")
    assert result.returncode == 2
    assert "--pet" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"", b"not an hdf5 file at all", b"\x89HDF\r\n\x1a\n" + b"\0" * 50])
def test_broken_raw_files_exit_2_with_one_sentence(run_vetmri, tmp_path, content):
    raw = tmp_path / "broken.h5"
    raw.write_bytes(content)
    result = run_vetmri("recon", str(raw), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert str(raw) in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_truncated_raw_file_exits_2(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan().write(raw)
    blob = raw.read_bytes()
    raw.write_bytes(blob[: int(len(blob) * 0.6)])
    result = run_vetmri("recon", str(raw), "--out", str(tmp_path / "o"))
    assert result.returncode == 2, result.stderr
    assert "exam.h5" in result.stderr and "Traceback" not in result.stderr


def test_unknown_group_exits_2(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan().write(raw)
    result = run_vetmri("recon", str(raw), "--out", str(tmp_path / "o"), "--group", "07_x")
    assert result.returncode == 2 and "00_t2" in result.stderr


def test_wavelet_regulariser_and_homodyne_are_selectable(run_vetmri, tmp_path):
    from vetmri.recon.sampling import variable_density_mask

    raw = tmp_path / "exam.h5"
    Scan(lines_sampled=variable_density_mask(64, 2.5, seed=1)).write(raw, "cs", 0)
    lines = np.zeros(64, bool)
    lines[24:] = True
    Scan(lines_sampled=lines, seed=2).write(raw, "pf", 1)
    out = tmp_path / "images"
    result = run_vetmri("recon", str(raw), "--out", str(out), "--regulariser", "wavelet", "--partial-fourier", "homodyne")
    assert result.returncode == 0, result.stderr
    assert "compressed sensing (L1 wavelet)" in json.loads((out / "00_cs.json").read_text())["steps"]
    assert "partial Fourier (homodyne)" in json.loads((out / "01_pf.json").read_text())["steps"]
    off = run_vetmri("recon", str(raw), "--out", str(tmp_path / "off"), "--group", "01_pf", "--partial-fourier", "off")
    assert off.returncode == 0, off.stderr
    assert not any(step.startswith("partial Fourier") for step in json.loads((tmp_path / "off" / "01_pf.json").read_text())["steps"])


def test_regulariser_with_plain_fft_is_refused(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    Scan().write(raw)
    result = run_vetmri("recon", str(raw), "--out", str(tmp_path / "o"), "--method", "fft", "--regulariser", "wavelet")
    assert result.returncode == 2
    assert "--method cs" in result.stderr and "Traceback" not in result.stderr


def _write_with_dead_channel(scan: Scan, path, channel: int) -> None:
    """The scan with one receive channel dead (all zeros) in the noise scan and the lines."""
    from dataclasses import replace

    from vetmri.rawdata import RawExamWriter

    with RawExamWriter(path) as exam:
        series = exam.open_series(scan.header("t2", 0))
        for a in scan.acquisitions():
            data = a.data.copy()
            data[channel] = 0
            series.append(replace(a, data=data))


@pytest.mark.parametrize("case", ["no noise at all", "a dead channel"])
def test_an_unusable_noise_scan_skips_prewhitening_with_a_note_and_still_gives_the_image(run_vetmri, tmp_path, case):
    raw = tmp_path / "exam.h5"
    if case == "no noise at all":  # e.g. noiseless simulated data that still carries a noise scan
        scan = Scan(coils=4, noise_sigma=0.0)
        scan.write(raw, "t2", 0)
        expected_note = "the noise scan holds no noise"
    else:
        scan = Scan(coils=4, noise_sigma=0.01, seed=2)
        _write_with_dead_channel(scan, raw, channel=2)
        expected_note = "channel 3 of 4 carries no noise"
    out = tmp_path / "images"
    result = run_vetmri("recon", str(raw), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert "noise pre-whitening skipped" in result.stderr and expected_note in result.stderr
    assert "Traceback" not in result.stderr
    meta = json.loads((out / "00_t2.json").read_text())
    assert "noise pre-whitening" not in meta["steps"]
    assert any(expected_note in note for note in meta["details"]["notes"])
    volume = np.load(out / "00_t2.npy")[0]
    assert nrmse(volume * np.sum(scan.truth() * volume) / np.sum(volume**2), scan.truth()) < 0.15
