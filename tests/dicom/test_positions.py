"""The animal's recorded position decides the DICOM orientation: every recumbency, head
and tail first, against orientations derived by hand.

Derivation (PS3.3 C.7.6.2.1.1, quadruped frame: x toward the animal's left, y dorsal,
z cranial). The scanner frame is the patient frame of a dorsally recumbent animal lying
head first (HFS): +y toward the bed, +z into the bore. Sternal recumbency (prone) turns the
animal 180 degrees about z: left = -x, dorsal = -y. Tail first turns it 180 degrees about
y: cranial = -z. Lying on its right side puts its left side up (-y); on its left side,
down (+y); dorsal then follows from y = z x x. The transverse series below has scanner row
direction (1, 0, 0) and column direction (0, -1, 0); each entry is (row, column) in the
patient frame, worked out with those rules.
"""

from __future__ import annotations

import pydicom
import pytest

from vetmri.dicom.recon_export import write_raw_as_dicom
from vetmri.records.store import open_store
from vetmri.settings import load_settings

EXPECTED = {
    "dorsal head first": ("HFS", (1, 0, 0), (0, -1, 0)),
    "sternal head first": ("HFP", (-1, 0, 0), (0, 1, 0)),
    "dorsal tail first": ("FFS", (-1, 0, 0), (0, -1, 0)),
    "sternal tail first": ("FFP", (1, 0, 0), (0, 1, 0)),
    "right lateral head first": ("HFDR", (0, 1, 0), (1, 0, 0)),
    "left lateral head first": ("HFDL", (0, -1, 0), (-1, 0, 0)),
    "right lateral tail first": ("FFDR", (0, -1, 0), (1, 0, 0)),
    "left lateral tail first": ("FFDL", (0, 1, 0), (-1, 0, 0)),
}


@pytest.fixture(scope="module")
def transverse_raw(tmp_path_factory):
    import os
    import subprocess

    from tests.conftest import vetmri_command

    folder = tmp_path_factory.mktemp("positions")
    raw = folder / "cat.h5"
    env = {**os.environ, "VETMRI_DATA_DIR": str(folder / "data"), "VETMRI_CONFIG": str(folder / "settings.toml")}
    done = subprocess.run([*vetmri_command(), "simulate", "--species", "cat", "--weight", "3", "--region", "brain",
                           "--series", "2", "--set", "matrix=32,32", "--set", "slices=2", "--set", "averages=1",
                           "--out", str(raw)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return raw


@pytest.mark.parametrize("position", list(EXPECTED))
def test_every_position_gives_its_hand_derived_orientation(transverse_raw, position):
    code, row, column = EXPECTED[position]
    settings = load_settings()
    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
        owner = store.add_owner("Tom Lee", "030 1234567")
        pet = store.add_pet(owner.id, "Mochi", "cat", 3.0)
        study = store.add_study(pet.id, "brain")
        store.edit_study(study.id, position=position)
        result = write_raw_as_dicom(transverse_raw, store=store, pet_id=pet.id, study_id=study.id,
                                    uid_root=settings.dicom.uid_root)
    files = sorted(result.series[0].folder.glob("*.dcm"))
    ds = pydicom.dcmread(files[0])
    assert ds.PatientPosition == code and ds.AnatomicalOrientationType == "QUADRUPED"
    orientation = [round(float(v)) for v in ds.ImageOrientationPatient]
    assert orientation == [*row, *column]
