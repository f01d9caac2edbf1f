"""``vetmri worklist`` stores the scheduled animals in the records (served by Orthanc's
worklist plugin), and the series written later join the worklist's study."""

from __future__ import annotations

import json

import pytest

from vetmri.dicom.worklist import worklist_item

from .exam import recon_to_dicom, write_raw_exam
from .samples import SCHEDULED


@pytest.fixture
def worklist(orthanc, run_vetmri):
    for number, item in enumerate(SCHEDULED):
        worklist_item(item).save_as(orthanc.folder / f"item{number}.wl", enforce_file_format=True)
    node = orthanc.node
    assert run_vetmri("settings", "set", "pacs.ris", f"{node.ae_title}@{node.host}:{node.port}").returncode == 0
    return orthanc


def pets(run_vetmri) -> dict[str, dict]:
    listed = json.loads(run_vetmri("records", "list", "pets", "--json").stdout)
    return {p["name"]: p for p in listed}


def test_the_worklist_ends_up_in_the_records_with_species_breed_owner_and_weight(worklist, run_vetmri):
    done = run_vetmri("worklist")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("added") == 3
    found = pets(run_vetmri)
    assert set(found) == {"Bello", "小虎", "Perla"}
    bello = json.loads(run_vetmri("records", "show", found["Bello"]["id"], "--json").stdout)
    assert bello["species"] == "dog" and bello["breed"] == "German shepherd" and bello["sex"] == "male"
    assert bello["neutered"] is False and bello["weight_kg"] == 34.2
    owner = json.loads(run_vetmri("records", "show", bello["owner_id"], "--json").stdout)
    assert owner["name"] == "Jürgen Schäfer"
    tiger = found["小虎"]
    assert (tiger["species"], tiger["breed"], tiger["neutered"]) == ("cat", "Siamese", True)
    assert found["Perla"]["species"] == "rabbit"
    studies = json.loads(run_vetmri("records", "list", "studies", "--json").stdout)
    by_uid = {s["study_uid"]: s for s in studies}
    planned = by_uid[SCHEDULED[0].study_instance_uid]
    assert planned["status"] == "planned" and planned["accession"] == "A-100"
    assert planned["region"] == "thoracolumbar_spine" and "MRI lumbar spine" in planned["plan_summary"]
    assert planned["referring_vet"] == "Lucía García"


def test_asking_again_matches_instead_of_adding(worklist, run_vetmri):
    assert run_vetmri("worklist").returncode == 0
    again = run_vetmri("worklist", "--json")
    assert again.returncode == 0, again.stderr
    records = [item["records"] for item in json.loads(again.stdout)]
    assert [r["pet_match"] for r in records] == ["matched by its planned study"] * 3
    assert not any(r["study_created"] for r in records)
    assert len(pets(run_vetmri)) == 3
    assert len(json.loads(run_vetmri("records", "list", "studies", "--json").stdout)) == 3


def test_series_written_later_join_the_worklist_study(worklist, run_vetmri, tmp_path):
    assert run_vetmri("worklist", "--date", "2024-05-06").returncode == 0
    bello = pets(run_vetmri)["Bello"]
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5", slices=1, matrix=16), bello["id"])
    assert result["study_created"] is False
    assert result["study_instance_uid"] == SCHEDULED[0].study_instance_uid and result["accession"] == "A-100"
    import pydicom
    from pathlib import Path

    first = pydicom.dcmread(sorted(Path(result["series"][0]["folder"]).glob("*.dcm"))[0])
    assert first.StudyInstanceUID == SCHEDULED[0].study_instance_uid and first.AccessionNumber == "A-100"
    assert float(first.PatientWeight) == 34.2 and first.PatientBreedDescription == "German shepherd"
