"""A pet in the records with a raw exam of two small series, and the commands around it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.recon.simulated_scan import Scan

#: Two small series of the analytic head phantom: a T2 TSE and a T1 gradient echo.
SERIES = (("t2 tse brain", dict(te_s=0.09, tr_s=3.0)), ("t1 gre brain", dict(te_s=0.01, tr_s=0.4)))


def write_raw_exam(path: Path, slices: int = 3, matrix: int = 32) -> Path:
    """An MRD exam file with the series of :data:`SERIES` (3 slices of 32 x 32)."""
    for index, (name, times) in enumerate(SERIES, start=1):
        Scan(matrix=matrix, slices=slices, fov_m=0.16, seed=index, **times).write(path, name=name, index=index)
    return path


def add_pet(run_vetmri, *, name: str = "Rex", owner: str = "Anna Miller", species: str = "dog",
            breed: str = "Labrador retriever", weight: str = "31.5") -> dict:
    """Register an owner and a pet with the records commands; returns the pet as JSON."""
    done = run_vetmri("records", "add-owner", "--name", owner, "--phone", "0170 1234567", "--json")
    assert done.returncode == 0, done.stderr
    owner_id = json.loads(done.stdout)["id"]
    done = run_vetmri("records", "add-pet", "--owner", owner_id, "--name", name, "--species", species,
                      "--weight", weight, "--breed", breed, "--sex", "male", "--neutered", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def recon_to_dicom(run_vetmri, raw: Path, pet_id: str, *extra: str) -> dict:
    """``vetmri recon RAW --format dicom --pet PET --json``, parsed."""
    done = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", pet_id, "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
