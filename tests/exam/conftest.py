"""Fixtures of the exam tests: pets registered through the real command line or in the
record store the exam session uses, a small cat-brain exam, and readers of what an exam
leaves (records, DICOM, raw file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vetmri.records.store import open_store
from vetmri.settings import load_settings

#: A small exam of a 3 kg cat's brain: 32x32, 2 slices, one average, two series.
SMALL = ["--set", "matrix=32,32", "--set", "slices=2", "--set", "averages=1"]
SMALL_SERIES = ["--series", "1,2"]


@pytest.fixture
def store():
    """The record store of the test's data folder, open for the test."""
    settings = load_settings()
    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as opened:
        yield opened


@pytest.fixture
def cat_id(store) -> str:
    """A 3 kg cat with its owner, registered in :func:`store`."""
    owner = store.add_owner("Tom Lee", "030 1234567")
    return store.add_pet(owner.id, "Mochi", "cat", 3.0).id


@pytest.fixture
def cat(run_vetmri) -> dict:
    """A 3 kg cat with its owner, registered with ``vetmri records``."""
    owner = run_vetmri("records", "add-owner", "--name", "Tom Lee", "--phone", "030 1234567", "--json")
    assert owner.returncode == 0, owner.stderr
    pet = run_vetmri("records", "add-pet", "--owner", json.loads(owner.stdout)["id"], "--name", "Mochi",
                     "--species", "cat", "--weight", "3", "--breed", "Domestic Shorthair", "--json")
    assert pet.returncode == 0, pet.stderr
    return json.loads(pet.stdout)


def study_record(run_vetmri, study_id: str) -> dict:
    """``vetmri records show S-... --json``."""
    shown = run_vetmri("records", "show", study_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def dicom_pixels(folder: Path) -> list:
    """The pixel arrays of a series folder, in Instance Number order."""
    import pydicom

    datasets = [pydicom.dcmread(p) for p in sorted(Path(folder).glob("*.dcm"))]
    datasets.sort(key=lambda ds: int(ds.InstanceNumber))
    return [ds.pixel_array for ds in datasets]


def exam_json(result) -> dict:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)
