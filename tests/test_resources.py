"""The data resolver finds the shipped data in a source checkout and in an installed wheel
(the PyInstaller bundle is covered by tests/build/test_binary.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vetmri.resources import DATA_FOLDERS, data_folder, package_file, where_running

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_from_the_source_checkout_the_top_level_folders_are_used():
    assert where_running() == "source"
    for name in DATA_FOLDERS:
        assert data_folder(name) == REPO_ROOT / name
    assert package_file("scanner/profile.toml").is_file()


def test_an_unknown_folder_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown data folder"):
        data_folder("images")


def test_an_installed_wheel_carries_and_finds_its_data(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheel_dir), str(REPO_ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheel_dir.glob("vetmri-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = (
        "import vetmri.resources as r, vetmri.scanner as s;"
        "print(r.__file__); print(r.where_running());"
        "print(*(r.data_folder(n) for n in r.DATA_FOLDERS), sep='\\n');"
        "print(s.load_profile().magnet.b0_t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
    ).stdout.split("\n")
    assert out[0].startswith(str(target))
    assert out[1] == "wheel"
    for line, name in zip(out[2:4], DATA_FOLDERS):
        folder = Path(line)
        assert folder == target / "vetmri" / "_data" / name
        assert (folder / "README.md").is_file()
    assert out[4] == "0.2"
