"""The send / export screen with a real storescp: a study sent while the PACS is down
waits in the queue with the reason and the next try, and leaves by itself once the PACS
is back; cancel and retry; an export with a DICOMDIR, de-identified, that pydicom and
dcmtk read; the screen reached from the pet's studies and from the palette."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pydicom
import pytest
from pydicom.fileset import FileSet
from textual.widgets import Checkbox, DataTable, Input

from tests.dicom.exam import add_pet, recon_to_dicom, write_raw_exam
from tests.dicom.peers import free_port, start_storescp
from tests.tui.helpers import settle
from vetmri.tui.app import VetmriApp
from vetmri.tui.screens.send import SendScreen


@pytest.fixture
def storescp(tmp_path):
    peer = start_storescp(tmp_path / "storescp")
    yield peer
    peer.stop()


@pytest.fixture
def study(tmp_path, run_vetmri):
    """Rex with a study of two series (three images each) in DICOM, via the real commands."""
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5"), pet["id"])
    result["pet"] = pet["id"]
    return result


def queue_cells(app, column: int) -> list[str]:
    table = app.screen.query_one("#send-queue", DataTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def wait_until(pilot, condition, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen did not get there in time")
        await pilot.pause(0.2)


def make_draining_app() -> VetmriApp:
    app = VetmriApp(clock=datetime.now, watch_status=False, drain_queue=True)  # the real clock: next tries are real
    app.drain_interval_s = 0.5
    return app


def test_a_study_sent_while_the_pacs_is_down_leaves_once_it_is_back(study, tmp_path, run_vetmri):
    port = free_port()
    assert run_vetmri("settings", "set", "pacs.main", f"STORESCP@127.0.0.1:{port}").returncode == 0
    peer = None

    async def scenario():
        nonlocal peer
        app = make_draining_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(SendScreen(study["study"]))
            await settle(pilot)
            assert "Rex (dog)" in str(app.screen.query_one("#send-title").render())
            await pilot.press("s")
            await wait_until(pilot, lambda: queue_cells(app, 4) == ["pending", "pending"]
                             and all("could not be reached" in r for r in queue_cells(app, 7)))
            assert all(t.startswith("in ") and t.endswith(" s") for t in queue_cells(app, 6))  # the next try
            assert app.header_state.queue == 2
            await pilot.pause(1.0)
            assert queue_cells(app, 4) == ["pending", "pending"]  # still down: still waiting

            peer = start_storescp(tmp_path / "pacs", port=port)  # the PACS is back
            await wait_until(pilot, lambda: queue_cells(app, 4) == ["sent", "sent"])
            await wait_until(pilot, lambda: app.header_state.queue == 0)
            assert queue_cells(app, 6) == ["-", "-"]

    try:
        asyncio.run(scenario())
        files = [p for s in study["series"] for p in Path(s["folder"]).glob("*.dcm")]
        received = {str(pydicom.dcmread(p).SOPInstanceUID) for p in peer.folder.iterdir()}
        assert received == {str(pydicom.dcmread(p).SOPInstanceUID) for p in files}
        jobs = json.loads(run_vetmri("dicom", "queue", "--json").stdout)
        assert [j["status"] for j in jobs] == ["sent", "sent"]
    finally:
        if peer is not None:
            peer.stop()


def test_one_series_is_sent_and_a_waiting_job_can_be_cancelled_and_retried(study, storescp, run_vetmri):
    node = storescp.node
    port = free_port()
    assert run_vetmri("settings", "set", "pacs.down", f"NOBODY@127.0.0.1:{port}").returncode == 0
    assert run_vetmri("settings", "set", "pacs.main", f"{node.ae_title}@{node.host}:{node.port}").returncode == 0

    async def scenario():
        app = make_draining_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(SendScreen(study["study"]))
            await settle(pilot)
            app.screen.query_one("#send-node").value = "main"
            await pilot.press("down", "v")  # the second series only
            await wait_until(pilot, lambda: queue_cells(app, 4) == ["sent"])
            assert queue_cells(app, 2)[0].startswith("#2 ")
            assert len(list(storescp.folder.iterdir())) == 3

            app.screen.query_one("#send-node").value = "down"
            await pilot.press("v")
            await wait_until(pilot, lambda: queue_cells(app, 4) == ["pending", "sent"])
            app.screen.query_one("#send-queue").focus()
            await pilot.press("home", "c")
            await wait_until(pilot, lambda: queue_cells(app, 4) == ["cancelled", "sent"])
            await pilot.press("r")
            await wait_until(pilot, lambda: queue_cells(app, 4)[0] == "pending" and queue_cells(app, 5)[0] == "1")

    asyncio.run(scenario())


def test_the_export_has_a_dicomdir_and_is_de_identified_on_request(study, tmp_path):
    usb = tmp_path / "usb"

    async def scenario():
        app = VetmriApp(clock=lambda: datetime(2026, 3, 14, 9, 41), watch_status=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(SendScreen(study["study"]))
            await settle(pilot)
            assert app.screen.query_one("#send-folder", Input).value.endswith(f"exports/{study['study']}")
            app.screen.query_one("#send-folder", Input).value = str(usb)
            app.screen.query_one("#send-deidentify", Checkbox).value = True
            await pilot.press("x")
            await settle(pilot)
            assert "Exported 6 images with a DICOMDIR" in str(app.screen.query_one("#send-status").render())
            await pilot.press("x")  # not empty any more: one sentence, no crash
            await settle(pilot)
            assert any("is not empty" in n.message for n in app._notifications)

    asyncio.run(scenario())
    fileset = FileSet(pydicom.dcmread(usb / "DICOMDIR"))
    assert len(fileset) == 6
    for instance in fileset:
        ds = instance.load()
        assert str(ds.PatientName).startswith("ANON^") and "Rex" not in str(ds.PatientName)
        assert ds.PatientIdentityRemoved == "YES" and ds.PatientSpeciesDescription == "Canis lupus familiaris"
    dump = subprocess.run(["dcmdump", str(usb / "DICOMDIR")], capture_output=True, text=True)
    assert dump.returncode == 0 and "Rex" not in dump.stdout and "IMAGE" in dump.stdout


def test_the_screen_opens_from_the_pets_studies_and_from_the_palette(study):
    from vetmri.tui.screens.pet_detail import PetDetailScreen

    async def scenario():
        app = VetmriApp(clock=lambda: datetime(2026, 3, 14, 9, 41), watch_status=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(PetDetailScreen(study["pet"]))
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SendScreen) and app.screen.study_id == study["study"]
            await pilot.press("escape", "escape")
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*"send and export")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, SendScreen) and app.screen.study_id == study["study"]  # the newest study

    asyncio.run(scenario())
