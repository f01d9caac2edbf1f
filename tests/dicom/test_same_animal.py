"""Images are never filed under an animal other than the one scanned."""

from __future__ import annotations

import json

from tests.dicom.exam import add_pet

SMALL = ("--set", "matrix=32,32", "--set", "slices=2", "--set", "averages=1", "--series", "1")


def test_a_dogs_scan_is_not_filed_under_a_cat(run_vetmri, tmp_path):
    raw = tmp_path / "dog.h5"
    done = run_vetmri("simulate", "--species", "dog", "--weight", "30", "--region", "brain", *SMALL, "--out", str(raw))
    assert done.returncode == 0, done.stderr
    cat = add_pet(run_vetmri, name="Mochi", species="cat", breed="", weight="4")
    refused = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", cat["id"])
    assert refused.returncode == 2
    assert "scanned as a dog" in refused.stderr and "is a cat" in refused.stderr
    assert json.loads(run_vetmri("records", "list", "studies", "--json").stdout) == []


def test_a_weight_far_from_the_record_is_refused_and_the_right_pet_accepted(run_vetmri, tmp_path):
    raw = tmp_path / "dog.h5"
    assert run_vetmri("simulate", "--species", "dog", "--weight", "30", "--region", "brain", *SMALL,
                      "--out", str(raw)).returncode == 0
    small_dog = add_pet(run_vetmri, name="Bijou", weight="6")
    refused = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", small_dog["id"])
    assert refused.returncode == 2 and "30 kg" in refused.stderr and "6 kg" in refused.stderr
    right = add_pet(run_vetmri, name="Rex", weight="31")
    assert run_vetmri("recon", str(raw), "--format", "dicom", "--pet", right["id"]).returncode == 0


def test_exporting_an_exam_series_by_series_files_one_study(run_vetmri, tmp_path):
    raw = tmp_path / "exam.h5"
    assert run_vetmri("simulate", "--species", "dog", "--weight", "30", "--region", "brain", "--set", "matrix=32,32",
                      "--set", "slices=2", "--set", "averages=1", "--out", str(raw)).returncode == 0
    pet = add_pet(run_vetmri, weight="30")
    for group in ("01_T2_TSE_sagittal", "02_T2_TSE_transverse"):
        done = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", pet["id"], "--group", group, "--json")
        assert done.returncode == 0, done.stderr
    studies = json.loads(run_vetmri("records", "list", "studies", "--json").stdout)
    assert len(studies) == 1
    shown = json.loads(run_vetmri("records", "show", studies[0]["id"], "--json").stdout)
    assert [s["number"] for s in shown["series"]] == [1, 2]
    data = json.loads(run_vetmri("settings", "show", "--json").stdout)["data"]["dir"]
    from pathlib import Path

    assert len(list(Path(data).rglob("*.h5"))) == 1  # the raw file copied into the study folder once
