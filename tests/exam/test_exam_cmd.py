"""``vetmri exam`` as a technician runs it: one pet, one study, every series as DICOM."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import pytest

from tests.dicom.tools import dciodvfy
from tests.exam.conftest import SMALL, SMALL_SERIES, exam_json, study_record


def test_exam_files_every_series_in_one_study(run_vetmri, cat):
    result = run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, *SMALL_SERIES, "--json")
    assert result.returncode == 0, result.stderr
    summary = exam_json(result)
    assert summary["status"] == "complete" and summary["study"].startswith("S-")
    assert [s["number"] for s in summary["series"]] == [1, 2]
    assert all(s["status"] == "complete" and s["images"] == 2 for s in summary["series"])
    assert summary["scan_time_s"] > summary["wall_time_s"] > 0
    folders = {Path(s["dicom_dir"]).parent for s in summary["series"]}
    assert len(folders) == 1  # one study folder
    for s in summary["series"]:
        for path in Path(s["dicom_dir"]).glob("*.dcm"):
            code, problems = dciodvfy(path)
            assert code == 0, problems
    study = study_record(run_vetmri, summary["study"])
    assert study["status"] == "complete" and study["pet_id"] == cat["id"]
    assert study["exam_started_at"] <= study["exam_ended_at"] and study["anaesthesia_s"] > 0
    assert [s["number"] for s in study["series"]] == [1, 2]
    raw_files = {s["raw_file"] for s in study["series"]}
    assert len(raw_files) == 1  # stored once
    assert study["study_uid"] == summary["study_instance_uid"]


def test_a_piped_exam_prints_a_line_per_step_not_per_readout(run_vetmri, cat):
    result = run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert 5 <= len(lines) <= 20, lines
    assert any("started" in l for l in lines) and any("2 images" in l for l in lines)
    assert not any("Warning" in l or "dead time" in l for l in lines)  # library notices go to the log
    assert "complete" in result.stdout


def test_a_series_can_be_repeated_and_keeps_its_own_number(run_vetmri, cat):
    first = exam_json(run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1", "--json"))
    again = run_vetmri("exam", "--resume", first["study"], "--repeat", "1", "--json")
    assert again.returncode == 0, again.stderr
    repeated = exam_json(again)["series"]
    assert repeated[0]["number"] == 2 and "(repeat 2)" in repeated[0]["description"]
    study = study_record(run_vetmri, first["study"])
    assert [s["number"] for s in study["series"]] == [1, 2]
    raw = Path(study["series"][0]["raw_file"])
    data_dir = Path(json.loads(run_vetmri("settings", "show", "--json").stdout)["data"]["dir"])
    with h5py.File(data_dir / raw) as f:
        assert len([g for g in f if g.startswith("01_")]) == 2


def test_resuming_a_complete_exam_says_there_is_nothing_left(run_vetmri, cat):
    first = exam_json(run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1", "--json"))
    again = run_vetmri("exam", "--resume", first["study"])
    assert again.returncode == 2
    assert "complete" in again.stderr and "--repeat" in again.stderr


@pytest.mark.parametrize("args, words", [
    ([], "--pet"),
    (["--pet", "P-999999", "--region", "brain"], "P-999999"),
    (["--pet", "{pet}"], "--region"),
    (["--pet", "{pet}", "--region", "tail"], "region"),
    (["--pet", "{pet}", "--region", "brain", "--series", "1,x"], "--series"),
    (["--pet", "{pet}", "--region", "brain", "--series", "99"], "series 99"),
    (["--pet", "{pet}", "--region", "brain", "--series", "1,1"], "twice"),
    (["--pet", "{pet}", "--region", "brain", "--set", "colour=blue"], "colour"),
    (["--pet", "{pet}", "--region", "brain", "--set", "x:te_ms=90"], "INDEX:KEY=VALUE"),
    (["--pet", "{pet}", "--region", "brain", "--acceleration", "0.5"], "--acceleration"),
    (["--pet", "{pet}", "--region", "brain", "--max-exam-min", "-3"], "--max-exam-min"),
    (["--pet", "{pet}", "--region", "brain", "--send", "nowhere"], "nowhere"),
    (["--pet", "{pet}", "--region", "brain", "--position", "upside down"], "position"),
    (["--pet", "{pet}", "--region", "brain", "--repeat", "1"], "--resume"),
    (["--resume", "S-999999"], "S-999999"),
    (["--resume", "S-000001", "--region", "brain"], "--region"),
    (["--pet", "{pet}", "--region", "brain", "--seed", "many"], "--seed"),
    (["--pet", "{pet}", "--region", "brain", "--rf-error", "9"], "RF"),
    (["--demo", "--pet", "{pet}"], "not allowed"),
])
def test_bad_input_gets_one_sentence_and_exit_2(run_vetmri, cat, args, words):
    result = run_vetmri("exam", *[a.replace("{pet}", cat["id"]) for a in args])
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vetmri: "), lines
    assert words.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr


def test_an_exam_for_a_pet_without_weight_asks_for_it(run_vetmri, cat):
    from vetmri.records.store import open_store
    from vetmri.settings import load_settings

    settings = load_settings()
    with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
        owner = store.add_owner("Ann Smith", "030 7654321")
        pet = store.add_pet(owner.id, "Nemo", "cat", None)
    result = run_vetmri("exam", "--pet", pet.id, "--region", "brain")
    assert result.returncode == 2 and "weight" in result.stderr
