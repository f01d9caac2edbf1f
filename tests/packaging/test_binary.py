"""The single-file binary builds from a clean environment, starts, and finds its data.

Slow (a clean virtual environment and a PyInstaller build take minutes): run with
``pytest --full``.
"""

import json
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_the_binary_builds_starts_and_finds_its_data(isolated_workstation):
    subprocess.run(["bash", str(REPO_ROOT / "build" / "build.sh")], check=True, cwd=REPO_ROOT)
    binary = REPO_ROOT / "dist" / "vetmri"
    status = json.loads(
        subprocess.run([str(binary), "status", "--json"], capture_output=True, text=True, check=True).stdout
    )
    assert status["running_from"] == "bundle"
    for name, folder in status["data_folders"].items():
        assert Path(folder).name == name and "_MEI" in folder
    shown = subprocess.run([str(binary), "scanner", "show"], capture_output=True, text=True)
    assert shown.returncode == 0 and "16 mT/m" in shown.stdout
    bad = subprocess.run([str(binary), "--bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    # the simulator's worker processes (forked slice groups) run inside the bundle too
    raw = isolated_workstation / "cat.h5"
    simulated = subprocess.run([str(binary), "simulate", "--species", "cat", "--weight", "3", "--region", "brain",
                                "--series", "1", "--set", "slices=4", "--out", str(raw), "--json"],
                               capture_output=True, text=True)
    assert simulated.returncode == 0, simulated.stderr
    assert json.loads(simulated.stdout)["series"][0]["acquisitions"] > 4
