"""BART's array files: what BART writes is read back, what vetmri writes BART reads, and a
cut or foreign file gets one sentence."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.rawdata.cfl import read_cfl, write_cfl


def test_an_array_goes_to_bart_and_back(tmp_path):
    assert shutil.which("bart"), "BART is needed for this test: install it with 'make system-deps'"
    rng = np.random.default_rng(0)
    array = (rng.standard_normal((6, 5, 1, 3)) + 1j * rng.standard_normal((6, 5, 1, 3))).astype(np.complex64)
    write_cfl(tmp_path / "a", array)
    subprocess.run(["bart", "transpose", "0", "3", str(tmp_path / "a"), str(tmp_path / "b")], check=True, capture_output=True)
    back = read_cfl(tmp_path / "b")
    assert back.shape == (3, 5, 1, 6)
    assert np.array_equal(back, array.transpose(3, 1, 2, 0))  # the order of the samples is BART's


def test_barts_phantom_is_read_with_its_dimensions(tmp_path):
    subprocess.run(["bart", "phantom", "-x", "32", "-s", "2", str(tmp_path / "p")], check=True, capture_output=True)
    image = read_cfl(tmp_path / "p")
    assert image.shape == (32, 32, 1, 2) and np.abs(image).max() > 0


def test_a_cut_file_is_named(tmp_path):
    write_cfl(tmp_path / "a", np.ones((4, 4), np.complex64))
    data = (tmp_path / "a.cfl").read_bytes()
    (tmp_path / "a.cfl").write_bytes(data[:40])
    with pytest.raises(UserInputError, match="holds 5 samples where its header names 16"):
        read_cfl(tmp_path / "a")
    (tmp_path / "a.hdr").write_text("not a header\n")
    with pytest.raises(UserInputError, match="is not a readable BART header"):
        read_cfl(tmp_path / "a")
