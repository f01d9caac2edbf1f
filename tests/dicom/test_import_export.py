"""``vetmri dicom export`` (DICOMDIR for a USB stick, de-identified or not) and
``vetmri dicom import`` (priors into the records: pets matched or created, files copied,
broken files refused with nothing half-imported)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pydicom
from pydicom.fileset import FileSet
import pytest

from vetmri.dicom.writer import write_mr_series

from .exam import add_pet, recon_to_dicom, write_raw_exam
from .samples import UID_ROOT, make_equipment, make_patient, make_series, make_study, make_volume
from .tools import dciodvfy


@pytest.fixture
def study(tmp_path, run_vetmri):
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5", slices=2, matrix=16), pet["id"])
    return pet, result


def other_workstation(tmp_path: Path) -> dict[str, str]:
    """Environment of a second workstation with its own records."""
    return {"VETMRI_DATA_DIR": str(tmp_path / "other" / "data"), "VETMRI_CONFIG": str(tmp_path / "other" / "settings.toml")}


def test_export_writes_a_dicomdir_that_dciodvfy_accepts(study, tmp_path, run_vetmri):
    _, result = study
    usb = tmp_path / "usb"
    done = run_vetmri("dicom", "export", result["study"], "--out", str(usb), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["files"] == 4 and not info["anonymized"]
    code, problems = dciodvfy(usb / "DICOMDIR")
    assert code == 0 and not [p for p in problems if p.startswith("Error")], problems
    fileset = FileSet(usb / "DICOMDIR")
    assert len(fileset) == 4 and fileset.find(StudyInstanceUID=result["study_instance_uid"])
    for instance in fileset:
        assert dciodvfy(Path(instance.path)) == (0, [])
    again = run_vetmri("dicom", "export", result["study"], "--out", str(usb))
    assert again.returncode == 2 and "is not empty" in again.stderr


def test_an_anonymized_export_keeps_the_species_and_drops_the_owner(study, tmp_path, run_vetmri):
    pet, result = study
    usb = tmp_path / "anon"
    done = run_vetmri("dicom", "export", result["study_instance_uid"], "--out", str(usb), "--anonymize", "--json")
    assert done.returncode == 0, done.stderr
    pseudonym = json.loads(done.stdout)["pseudonym"]
    images = [Path(i.path) for i in FileSet(usb / "DICOMDIR")]
    ds = pydicom.dcmread(images[0])
    assert ds.PatientID == pseudonym != pet["patient_id"] and ds.ResponsiblePerson == ""
    assert ds.StudyInstanceUID != result["study_instance_uid"] and ds.PatientIdentityRemoved == "YES"
    assert ds.PatientSpeciesDescription == "Canis lupus familiaris" and ds.PatientBreedDescription == ""
    assert "PatientWeight" not in ds
    assert dciodvfy(images[0]) == (0, [])
    kept = run_vetmri("dicom", "export", result["study"], "--out", str(tmp_path / "teach"), "--anonymize",
                      "--keep-characteristics")
    assert kept.returncode == 0, kept.stderr
    teaching = pydicom.dcmread(next(Path(i.path) for i in FileSet(tmp_path / "teach" / "DICOMDIR")))
    assert teaching.PatientBreedDescription == "Labrador retriever" and float(teaching.PatientWeight) == 31.5


def test_import_creates_the_pet_and_owner_on_another_workstation(study, tmp_path, run_vetmri):
    pet, result = study
    usb = tmp_path / "usb"
    assert run_vetmri("dicom", "export", result["study"], "--out", str(usb)).returncode == 0
    env = other_workstation(tmp_path)
    done = run_vetmri("dicom", "import", str(usb), env=env)
    assert done.returncode == 0, done.stderr
    assert "2 series, 4 files of Rex (dog)" in done.stdout and "created" in done.stdout
    listed = json.loads(run_vetmri("records", "list", "pets", "--json", env=env).stdout)
    assert [(p["name"], p["species"], p["breed"], p["weight_kg"]) for p in listed] == [("Rex", "dog", "Labrador retriever", 31.5)]
    owner = json.loads(run_vetmri("records", "show", listed[0]["owner_id"], "--json", env=env).stdout)
    assert owner["name"] == "Anna Miller" and owner["phone"] == ""
    studies = json.loads(run_vetmri("records", "list", "studies", "--json", env=env).stdout)
    assert [(s["study_uid"], s["status"], s["region"]) for s in studies] == [(result["study_instance_uid"], "completed", "brain")]
    assert studies[0]["plan_summary"].startswith(f"Imported from {usb}")
    data = Path(env["VETMRI_DATA_DIR"])
    copied = sorted((data / studies[0]["folder"]).rglob("*.dcm"))
    assert len(copied) == 4
    assert run_vetmri("records", "verify", env=env).returncode == 0
    again = run_vetmri("dicom", "import", str(usb), env=env)
    assert again.returncode == 0 and "is in the records already" in again.stdout
    assert len(json.loads(run_vetmri("records", "list", "studies", "--json", env=env).stdout)) == 1


def test_a_prior_of_a_known_patient_id_joins_that_pet(study, tmp_path, run_vetmri):
    pet, _ = study
    prior = tmp_path / "prior"
    patient = make_patient()
    from dataclasses import replace

    write_mr_series(replace(patient, patient_id=pet["patient_id"]), make_study(key="prior-1"), make_series("GRE", 1),
                    make_volume(slices=2), prior / "GRE", uid_root=UID_ROOT, equipment=make_equipment())
    done = run_vetmri("dicom", "import", str(prior), "--json")
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout)["imported"]
    assert [(i["pet"], i["pet_match"]) for i in imported] == [(pet["id"], "matched by Patient ID")]
    # the prior's accession number ACC1001 is its own; the study keeps it
    shown = json.loads(run_vetmri("records", "show", imported[0]["study"], "--json").stdout)
    assert shown["accession"] == "ACC1001" and shown["pet_id"] == pet["id"]
    assert len(json.loads(run_vetmri("records", "list", "pets", "--json").stdout)) == 1


def test_broken_and_foreign_files_are_refused_and_nothing_is_imported(study, tmp_path, run_vetmri):
    _, result = study
    usb = tmp_path / "usb"
    assert run_vetmri("dicom", "export", result["study"], "--out", str(usb)).returncode == 0
    (usb / "README.TXT").write_text("Images of Rex\n")
    image = next(Path(i.path) for i in FileSet(usb / "DICOMDIR"))
    shutil.copyfile(image, usb / "CUT")
    with open(usb / "CUT", "r+b") as cut:
        cut.truncate(os.path.getsize(image) - 300)
    env = other_workstation(tmp_path)
    done = run_vetmri("dicom", "import", str(usb), env=env)
    assert done.returncode == 2
    assert f"{usb / 'README.TXT'} is not a DICOM file" in done.stderr
    assert f"{usb / 'CUT'} is a truncated DICOM file" in done.stderr
    assert "2 file(s)" in done.stderr and "nothing was imported" in done.stderr and "Traceback" not in done.stderr
    assert json.loads(run_vetmri("records", "list", "studies", "--json", env=env).stdout) == []
    assert json.loads(run_vetmri("records", "list", "pets", "--json", env=env).stdout) == []
