"""The ``vetmri dicom`` and ``vetmri worklist`` commands, run as the real console script
against a real Orthanc."""

from __future__ import annotations

import json
import shutil

import pytest

from vetmri.dicom.worklist import worklist_item

from .peers import free_port
from .samples import SCHEDULED


@pytest.fixture
def configured(run_vetmri, orthanc):
    """The settings name the test Orthanc as node 'pacs'."""
    node = orthanc.node
    done = run_vetmri("settings", "set", "pacs.pacs", f"{node.ae_title}@{node.host}:{node.port}")
    assert done.returncode == 0, done.stderr
    return orthanc


def test_dicom_echo_reports_the_answer(run_vetmri, configured):
    done = run_vetmri("dicom", "echo", "pacs")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"'pacs' (ORTHANC at 127.0.0.1:{configured.node.port}) answered the echo in")
    data = json.loads(run_vetmri("dicom", "echo", "pacs", "--json").stdout)
    assert data["ok"] is True and data["port"] == configured.node.port


def test_dicom_echo_to_an_unknown_or_silent_node(run_vetmri, configured):
    unknown = run_vetmri("dicom", "echo", "nowhere")
    assert unknown.returncode == 2 and "No PACS node called 'nowhere' is configured" in unknown.stderr
    assert run_vetmri("settings", "set", "pacs.down", f"X@127.0.0.1:{free_port()}").returncode == 0
    down = run_vetmri("dicom", "echo", "down")
    assert down.returncode == 1 and "could not be reached" in down.stderr
    assert "Traceback" not in down.stderr and len(down.stderr.strip().splitlines()) == 1


def test_worklist_lists_the_scheduled_animals(run_vetmri, configured):
    for number, item in enumerate(SCHEDULED):
        worklist_item(item).save_as(configured.folder / f"cli{number}.wl", enforce_file_format=True)
    table = run_vetmri("worklist")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["scheduled", "patient", "ID"]
    assert "Bello" in lines[1] and "dog" in lines[1] and "German shepherd" in lines[1] and "34.2 kg" in lines[1]
    assert "Jürgen Schäfer" in lines[1] and "MRI lumbar spine" in lines[1]
    one_day = json.loads(run_vetmri("worklist", "--date", "2024-05-07", "--json").stdout)
    assert [(d["pet_name"], d["species"], d["breed"], d["weight_kg"], d["owner"]["family"]) for d in one_day] == [
        ("Perla", "rabbit", "New Zealand", 3.3, "Núñez")
    ]
    bad = run_vetmri("worklist", "--date", "6 May")
    assert bad.returncode == 2 and "--date takes YYYY-MM-DD or 'today'" in bad.stderr


def test_worklist_needs_a_node_name_when_several_are_configured(run_vetmri, configured):
    assert run_vetmri("settings", "set", "pacs.other", "OTHER@127.0.0.1:4242").returncode == 0
    done = run_vetmri("worklist")
    assert done.returncode == 2 and "--from NODE (configured: other, pacs)" in done.stderr


def test_dicom_inspect_lists_the_study_and_names_refused_files(run_vetmri, study_folder, tmp_path):
    folder = tmp_path / "usb"
    shutil.copytree(study_folder["TSE"].paths[0].parent, folder / "TSE")
    clean = run_vetmri("dicom", "inspect", str(folder))
    assert clean.returncode == 0, clean.stderr
    assert "Rex (PET-000042): dog, Labrador retriever, 31.5 kg; owner Anna Miller" in clean.stdout
    (folder / "autorun.inf").write_text("[autorun]")
    dirty = run_vetmri("dicom", "inspect", str(folder), "--json")
    assert dirty.returncode == 2 and "1 file(s) under" in dirty.stderr
    data = json.loads(dirty.stdout)
    assert data["studies"][0]["patient"]["species_code"] == "448771007"
    assert len(data["studies"][0]["series"][0]["files"]) == 4
    assert data["refused"][0]["reason"].endswith("autorun.inf is not a DICOM file (no DICM marker); only DICOM files can be imported.")
