"""Raw files no one here wrote: the ``ismrmrd`` package's defaults (no dwell time, no echo
centre, no geometry) and ISMRMRD's own Shepp-Logan generator (multi-coil, oversampled,
noise calibration, accelerated with a calibration region)."""

from __future__ import annotations

import shutil
import subprocess

import h5py
import numpy as np
import pytest

from vetmri.recon import reconstruct_series

from tests.rawdata.foreign import ismrmrd_shepp_logan, truth, write_with_ismrmrd_defaults
from tests.recon.simulated_scan import Scan


def _nrmse(image: np.ndarray, reference: np.ndarray) -> float:
    """Error after the best intensity scale (files differ in their units)."""
    image = image.astype(float)
    scaled = image * (reference * image).sum() / (image * image).sum()
    return float(np.linalg.norm(scaled - reference) / np.linalg.norm(reference))


def test_a_file_with_the_ismrmrd_packages_defaults_reconstructs_as_well_as_our_own(tmp_path):
    raw = write_with_ismrmrd_defaults(tmp_path / "foreign.h5", matrix=64, coils=2, noise_sigma=0.02)
    images = reconstruct_series(raw, "dataset")
    volume = images.volumes[0]
    assert "noise pre-whitening" in images.steps
    notes = " ".join(images.details["notes"])
    assert "no dwell time" in notes and "no echo centre" in notes
    ours = Scan(matrix=64, coils=2, noise_sigma=0.02, correlated_noise=False, fov_m=0.2)
    group = ours.write(tmp_path / "ours.h5")
    own = reconstruct_series(tmp_path / "ours.h5", group).volumes[0]
    reference = truth(64)
    assert _nrmse(volume.magnitude[0], reference) < _nrmse(own.magnitude[0], reference) + 0.01
    geometry = volume.geometry[0]  # zero direction vectors: the scanner axes
    assert geometry.row_direction == (1.0, 0.0, 0.0) and geometry.column_direction == (0.0, 1.0, 0.0)


def test_the_command_reconstructs_a_file_without_dwell_time_and_says_what_it_assumed(tmp_path, run_vetmri):
    raw = write_with_ismrmrd_defaults(tmp_path / "foreign.h5", matrix=32, coils=3)
    done = run_vetmri("recon", str(raw), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "unexpected error" not in done.stderr and "Traceback" not in done.stderr
    assert "dataset: note: the raw data give no dwell time" in done.stderr
    assert np.load(next((tmp_path / "out").glob("*.npy"))).shape[-2:] == (32, 32)


def _phantom(path) -> np.ndarray:
    with h5py.File(path, "r") as f:
        image = f["dataset/phantom"][0]
    return np.abs(image["real"] + 1j * image["imag"]).astype(float)


def _ismrmrd_own_recon(raw, tmp_path) -> np.ndarray:
    """ISMRMRD's reference reconstruction (FFT of every readout on one grid, root-sum-of-squares)."""
    copy = tmp_path / "reference.h5"
    shutil.copy(raw, copy)
    subprocess.run(["ismrmrd_recon_cartesian_2d", str(copy), "dataset"], check=True, capture_output=True, timeout=120)
    with h5py.File(copy, "r") as f:
        return np.abs(f["dataset/cpp/data"][()]).reshape(f["dataset/cpp/data"].shape[-2:]).astype(float)


def test_ismrmrd_shepp_logan_multi_coil_oversampled_with_noise_calibration(tmp_path):
    raw = ismrmrd_shepp_logan(tmp_path / "sl.h5", "-m", "64", "-c", "4", "-O", "2", "-C")
    images = reconstruct_series(raw, "dataset")
    assert images.method == "fft"
    for step in ("noise pre-whitening", "readout oversampling removal", "coil combination (adaptive)"):
        assert step in images.steps
    image = images.volumes[0].magnitude[0]
    assert image.shape == (64, 64)
    phantom = _phantom(raw)
    ours, theirs = _nrmse(image, phantom), _nrmse(_ismrmrd_own_recon(raw, tmp_path), phantom)
    assert ours < 0.25 and ours < theirs, (ours, theirs)


@pytest.mark.parametrize("acceleration", ["2", "3"])
def test_ismrmrd_shepp_logan_accelerated_with_a_calibration_region(tmp_path, acceleration):
    raw = ismrmrd_shepp_logan(tmp_path / "sl.h5", "-m", "64", "-c", "4", "-O", "2", "-C", "-a", acceleration, "-w", "16")
    images = reconstruct_series(raw, "dataset")
    assert images.method == "cs" and "noise pre-whitening" in images.steps
    phantom = _phantom(raw)
    # ISMRMRD's own recon fills one k-space from every repetition (the generator interleaves
    # the skipped lines over repetitions); ours reconstructs repetition 0 alone
    ours, theirs = _nrmse(images.volumes[0].magnitude[0], phantom), _nrmse(_ismrmrd_own_recon(raw, tmp_path), phantom)
    assert ours < 0.25 and ours < theirs, (ours, theirs)
