"""C-STORE to real peers: a whole study arrives unchanged, Orthanc shows the animal's
species and owner, and a PACS that dies mid-send loses nothing once it is back."""

from __future__ import annotations

import pydicom

from vetmri.dicom.store import SendOutcome, send_files

from .peers import OUR_AE, orthanc_get, start_storescp


def study_paths(study_folder):
    return [p for written in study_folder.values() for p in written.paths]


def received_by_uid(folder):
    return {str(pydicom.dcmread(p).SOPInstanceUID): p for p in folder.iterdir()}


def test_storescp_receives_the_whole_study_with_identical_content(study_folder, storescp):
    paths = study_paths(study_folder)
    report = send_files(storescp.node, paths, calling_ae_title=OUR_AE)
    assert report.complete and report.connection_problem == "", report
    assert [r.outcome for r in report.results] == [SendOutcome.ACCEPTED] * len(paths)
    received = received_by_uid(storescp.folder)
    assert len(received) == len(paths), storescp.log_text()
    for path in paths:
        sent = pydicom.dcmread(path)
        got = pydicom.dcmread(received[str(sent.SOPInstanceUID)])
        assert got == sent  # every element, pixel data included
        assert got.PixelData == sent.PixelData


def test_a_pacs_stopped_mid_send_gets_exactly_the_rest_when_it_is_back(study_folder, tmp_path):
    paths = study_paths(study_folder)[:10]
    peer = start_storescp(tmp_path / "pacs")
    seen = []

    def crash_after_three(result):
        seen.append(result)
        if len(seen) == 3:
            peer.kill()

    try:
        first = send_files(peer.node, paths, calling_ae_title=OUR_AE, on_result=crash_after_three, timeout_s=5)
        accepted = [r.path for r in first.accepted]
        assert accepted == paths[:3]
        assert [r.path for r in first.pending] == paths[3:]
        assert all(r.outcome is SendOutcome.NOT_SENT for r in first.pending)
        assert first.connection_problem and not first.complete
        assert set(received_by_uid(peer.folder)) == {r.sop_instance_uid for r in first.accepted}

        down = send_files(peer.node, [r.path for r in first.pending], calling_ae_title=OUR_AE, timeout_s=5)
        assert not down.accepted and "could not be reached" in down.connection_problem
        assert len(down.pending) == 7

        peer = start_storescp(tmp_path / "pacs", port=peer.node.port)  # the PACS returns
        second = send_files(peer.node, [r.path for r in down.pending], calling_ae_title=OUR_AE)
        assert second.complete
        assert set(received_by_uid(peer.folder)) == {str(pydicom.dcmread(p).SOPInstanceUID) for p in paths}
    finally:
        peer.stop()


def test_unreadable_files_are_reported_and_the_rest_still_go(study_folder, storescp, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not an image")
    good = study_folder["SE"].paths[0]
    report = send_files(storescp.node, [junk, good], calling_ae_title=OUR_AE)
    assert [r.outcome for r in report.results] == [SendOutcome.UNREADABLE, SendOutcome.ACCEPTED]
    assert "notes.txt is not a DICOM file" in report.results[0].message
    assert not report.results[0].retry_may_help


def test_orthanc_shows_the_species_and_the_owner_of_the_stored_images(study_folder, orthanc):
    paths = list(study_folder["TSE"].paths)
    report = send_files(orthanc.node, paths, calling_ae_title=OUR_AE)
    assert report.complete, (report, orthanc.log_text())
    again = send_files(orthanc.node, paths[:1], calling_ae_title=OUR_AE)  # idempotent: stored again
    assert again.complete
    wanted = str(pydicom.dcmread(paths[0]).SOPInstanceUID)
    found = [
        tags for tags in (orthanc_get(orthanc, f"/instances/{i}/simplified-tags") for i in orthanc_get(orthanc, "/instances"))
        if tags["SOPInstanceUID"] == wanted
    ]
    assert len(found) == 1
    tags = found[0]
    assert tags["PatientSpeciesDescription"] == "Canis lupus familiaris"
    assert tags["PatientSpeciesCodeSequence"][0]["CodeValue"] == "448771007"
    assert tags["ResponsiblePerson"] == "Miller^Anna" and tags["ResponsiblePersonRole"] == "OWNER"
    assert tags["PatientBreedDescription"] == "Labrador retriever"
    series = orthanc_get(orthanc, "/series")
    assert any(len(orthanc_get(orthanc, f"/series/{s}")["Instances"]) == len(paths) for s in series)


def test_sending_nothing_reports_nothing(storescp):
    report = send_files(storescp.node, [], calling_ae_title=OUR_AE)
    assert report.results == () and report.complete
