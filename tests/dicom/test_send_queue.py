"""``vetmri dicom send`` and ``vetmri dicom queue`` against real peers: storescp gets the
whole study unchanged, Orthanc shows species and owner, and a PACS stopped mid-send gets
the rest from ``queue --retry`` once it is back (the queue lives in the records)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pydicom
import pytest

from tests.conftest import vetmri_command

from .exam import add_pet, recon_to_dicom, write_raw_exam
from .peers import orthanc_get, start_storescp


@pytest.fixture
def study(tmp_path, run_vetmri):
    """A study of Rex with two series of three images each, written by recon --format dicom."""
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5"), pet["id"])
    files = [p for s in result["series"] for p in sorted(Path(s["folder"]).glob("*.dcm"))]
    return result, files


def configure(run_vetmri, name, node):
    done = run_vetmri("settings", "set", f"pacs.{name}", f"{node.ae_title}@{node.host}:{node.port}")
    assert done.returncode == 0, done.stderr


def test_storescp_receives_the_whole_study_with_identical_content(study, storescp, run_vetmri):
    result, files = study
    configure(run_vetmri, "store", storescp.node)
    done = run_vetmri("dicom", "send", result["study"], "--to", "store")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("sent (3 files)") == 2
    received = {str(pydicom.dcmread(p).SOPInstanceUID): p for p in storescp.folder.iterdir()}
    assert len(received) == len(files) == 6, storescp.log_text()
    for path in files:
        sent = pydicom.dcmread(path)
        assert pydicom.dcmread(received[str(sent.SOPInstanceUID)]) == sent
    queue = json.loads(run_vetmri("dicom", "queue", "--json").stdout)
    assert [j["status"] for j in queue] == ["sent", "sent"]


def test_orthanc_shows_the_species_and_the_owner(study, orthanc, run_vetmri):
    result, files = study
    configure(run_vetmri, "pacs", orthanc.node)
    done = run_vetmri("dicom", "send", result["study_instance_uid"], "--to", "pacs")
    assert done.returncode == 0, done.stdout + done.stderr
    found = orthanc_get(orthanc, "/instances")
    uid = str(pydicom.dcmread(files[0]).SOPInstanceUID)
    ids = [i for i in found if orthanc_get(orthanc, f"/instances/{i}/simplified-tags")["SOPInstanceUID"] == uid]
    tags = orthanc_get(orthanc, f"/instances/{ids[0]}/simplified-tags")
    assert tags["PatientSpeciesDescription"] == "Canis lupus familiaris"
    assert tags["ResponsiblePerson"] == "Miller^Anna" and tags["ResponsiblePersonRole"] == "OWNER"
    assert tags["PatientName"] == "Miller^Rex" and tags["PatientBreedDescription"] == "Labrador retriever"
    study_ids = orthanc_get(orthanc, "/studies")
    assert any(orthanc_get(orthanc, f"/studies/{s}")["MainDicomTags"]["StudyInstanceUID"] == result["study_instance_uid"]
               for s in study_ids)


def test_a_node_that_is_not_configured_is_refused(study, run_vetmri):
    result, _ = study
    done = run_vetmri("dicom", "send", result["study"], "--to", "nowhere")
    assert done.returncode == 2 and "No PACS node called 'nowhere' is configured" in done.stderr
    assert json.loads(run_vetmri("dicom", "queue", "--json").stdout) == []


def test_a_pacs_stopped_mid_send_gets_the_rest_from_the_queue_when_it_is_back(study, tmp_path, run_vetmri):
    result, files = study
    # a slow PACS (one second per image) so it can be stopped while the send runs
    peer = start_storescp(tmp_path / "pacs", extra_args=("--sleep-during", "1"))
    configure(run_vetmri, "slow", peer.node)
    try:
        sender = subprocess.Popen([*vetmri_command(), "dicom", "send", result["study"], "--to", "slow"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(list(peer.folder.iterdir())) < 2 and time.monotonic() < deadline and sender.poll() is None:
            time.sleep(0.05)
        peer.kill()  # the PACS goes down in the middle of the first series
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 1, out + err
        assert "not sent yet; they stay queued" in err

        pending = run_vetmri("dicom", "queue")
        assert pending.returncode == 0
        jobs = json.loads(run_vetmri("dicom", "queue", "--json").stdout)
        assert [j["status"] for j in jobs] == ["pending", "pending"]
        assert all(j["attempts"] == 1 and j["last_error"] for j in jobs)
        assert "pending" in pending.stdout and jobs[0]["id"] in pending.stdout

        # still down: --retry tries at once, keeps everything queued
        down = run_vetmri("dicom", "queue", "--retry")
        assert down.returncode == 1 and "waiting, next try" in down.stdout
        assert "could not be reached" in down.stdout and ".." not in down.stdout  # one full stop
        assert [j["status"] for j in json.loads(run_vetmri("dicom", "queue", "--json").stdout)] == ["pending", "pending"]

        peer = start_storescp(tmp_path / "pacs", port=peer.node.port)  # the PACS is back
        back = run_vetmri("dicom", "queue", "--retry")
        assert back.returncode == 0, back.stdout + back.stderr
        assert [j["status"] for j in json.loads(run_vetmri("dicom", "queue", "--json").stdout)] == ["sent", "sent"]
        received = {str(pydicom.dcmread(p).SOPInstanceUID) for p in peer.folder.iterdir()}
        assert received == {str(pydicom.dcmread(p).SOPInstanceUID) for p in files}
    finally:
        peer.stop()
