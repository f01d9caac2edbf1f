"""Studies with real DICOM images for the review tests, made once per test session.

A 3 kg cat is registered and two exams of the test-tube phantom (three 20 mm tubes at
x = -30, 0 and +30 mm along the bore) are simulated on the cat-brain plan with the real
``vetmri simulate`` and filed as DICOM with ``vetmri recon --format dicom --pet``: a prior
(S-000001, its T2 TSE transverse only) and the study read now (S-000002, the whole plan).
Each test gets its own copy of that data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import vetmri_command

#: A small, fast plan: 64x64 over 100 mm (1.5625 mm pixels), 5 slices, one average.
PLAN = ["--species", "cat", "--weight", "3", "--region", "brain", "--phantom", "test_tubes", "--no-effects",
        "--set", "matrix=64,64", "--set", "slices=5", "--set", "averages=1", "--set", "fov_mm=100,100"]
PRIOR, CURRENT = "S-000001", "S-000002"
PRIOR_DATE, CURRENT_DATE = "2026-02-20", "2026-03-14"
#: Centre-to-centre distance of tubes 1 and 3 in the phantom file, millimetres.
TUBES_1_TO_3_MM = 60.0


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*vetmri_command(), *args], capture_output=True, text=True, env=env, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (args, done.stderr[-2000:])
    return done.stdout


@pytest.fixture(scope="session")
def simulated_studies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder holding the two studies (do not change it: use ``review_data``)."""
    home = tmp_path_factory.mktemp("review-exams")
    env = {**os.environ, "VETMRI_CONFIG": str(home / "settings.toml"), "VETMRI_DATA_DIR": str(home / "data")}
    _run(env, "records", "add-owner", "--name", "Tom Lee", "--phone", "030 1234567")
    _run(env, "records", "add-pet", "--owner", "O-000001", "--name", "Mochi", "--species", "cat", "--weight", "3",
         "--breed", "Domestic Shorthair")
    _run(env, "simulate", *PLAN, "--series", "2", "--seed", "2", "--out", str(home / "prior.h5"))
    _run(env, "recon", str(home / "prior.h5"), "--format", "dicom", "--pet", "P-000001")
    _run(env, "simulate", *PLAN, "--seed", "1", "--out", str(home / "current.h5"))
    _run(env, "recon", str(home / "current.h5"), "--format", "dicom", "--pet", "P-000001")
    from vetmri.records.store import open_store

    with open_store(home / "data") as store:
        store.edit_study(PRIOR, study_date=PRIOR_DATE)
        store.edit_study(CURRENT, study_date=CURRENT_DATE)
    return home / "data"


@pytest.fixture
def review_data(simulated_studies: Path, isolated_workstation: Path) -> Path:
    """This test's own copy of the data folder with the two studies."""
    target = Path(os.environ["VETMRI_DATA_DIR"])
    shutil.copytree(simulated_studies, target)
    return target
