"""Training cases: ``vetmri exam --demo CASE`` scans the case's animal on the simulator
with its phantom's lesions, and the records and every DICOM file say it is no real
patient; ``--demo`` alone is still the demonstration dog; an unknown case is one sentence."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pydicom

from tests.exam.conftest import SMALL, exam_json, study_record


def test_a_training_case_is_marked_in_the_records_and_in_dicom(run_vetmri):
    done = run_vetmri("exam", "--demo", "cat-spine-lesion", "--series", "1", *SMALL, "--json",
                      "--referring-vet", "Dr. Jana Novak", "--referring-clinic", "Tierarztpraxis Nord", timeout=300)
    assert done.returncode == 0, done.stderr
    summary = exam_json(done)
    record = study_record(run_vetmri, summary["study"])
    study = record.get("study", record)
    assert study["training"] is True and study["region"] == "thoracolumbar_spine"
    assert study["referring_vet"] == "Dr. Jana Novak" and study["referring_clinic"] == "Tierarztpraxis Nord"
    pet = json.loads(run_vetmri("records", "show", study["pet_id"], "--json").stdout)
    pet = pet.get("pet", pet)
    assert any("not a real patient" in a for a in pet["alerts"])

    files = sorted(Path(summary["series"][0]["dicom_dir"]).glob("*.dcm"))
    assert files
    for path in files:
        ds = pydicom.dcmread(path)
        assert str(ds.StudyDescription).startswith("TRAINING - ")
        assert "TRAINING CASE" in ds.PatientComments and "not a real patient" in ds.PatientComments
        assert ds.ClinicalTrialProtocolID == "VETMRI-TRAINING" and ds.ClinicalTrialSponsorName == "vetmri training cases"
        assert ds.ClinicalTrialSubjectID == summary["study"]
        assert str(ds.PatientName).startswith("Training^")
    check = subprocess.run(["dciodvfy", str(files[0])], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr  # still a valid MR image


def test_the_case_draws_the_lesions_of_its_phantom():
    from vetmri.exam.backends import open_backend
    from vetmri.exam.request import ExamRequest
    from vetmri.exam.session import plan_for_request
    from vetmri.exam.training import training_case, training_request
    from vetmri.scanner.profile import load_profile
    from vetmri.settings import load_settings

    case = training_case("dog-brain-mass")
    profile = load_profile(None)
    plan = plan_for_request(ExamRequest(pet_id="P-000001", region=case.region), case.species, case.weight_kg,
                            case.breed, profile)
    shapes = {}
    for request in (training_request(case, "P-000001"), ExamRequest(pet_id="P-000001", region=case.region)):
        with open_backend(load_settings(), plan, request, profile) as opened:
            shapes[request.lesions] = {s.name for s in opened.backend.phantom.shapes}
    assert "mass (T2-bright)" in shapes[True] and "mass (T2-bright)" not in shapes[False]


def test_an_unknown_case_names_the_cases(run_vetmri):
    done = run_vetmri("exam", "--demo", "horse-hoof")
    assert done.returncode == 2
    assert "There is no training case 'horse-hoof'; the cases are dog-brain-mass, cat-spine-lesion" in done.stderr
    assert "Traceback" not in done.stderr
