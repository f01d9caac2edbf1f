"""The send / export screen as staff see it, at 80x24 and 120x40, dark and light: a study
of two series and a queue with a job sent, one waiting for a PACS that is down (reason and
next try) and one given up."""

from __future__ import annotations

import shutil
from datetime import timedelta, timezone
from pathlib import Path

import pytest

from tests.tui.conftest import FIXED_NOW
from tests.tui.helpers import settle
from vetmri.records.store import open_store
from vetmri.settings import set_setting

SNAPSHOT_HOME = Path("/tmp/vetmri-tui-send-snapshots")


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.rmtree(SNAPSHOT_HOME, ignore_errors=True)
    monkeypatch.setenv("VETMRI_CONFIG", str(SNAPSHOT_HOME / "settings.toml"))
    monkeypatch.setenv("VETMRI_DATA_DIR", str(SNAPSHOT_HOME / "data"))
    yield SNAPSHOT_HOME
    shutil.rmtree(SNAPSHOT_HOME, ignore_errors=True)


def queued_study(pet_id: str) -> str:
    """A study of two series with DICOM folders and three send jobs in three states."""
    now = FIXED_NOW.astimezone().astimezone(timezone.utc)
    with open_store() as store:
        study = store.add_study(pet_id, "brain", study_date="2026-03-14", accession="A2001", status="complete",
                                study_uid="1.2.826.0.1.3680043.10.1234.1")
        t2 = store.add_series(study.id, "T2 TSE transverse", dicom_folder=f"{study.folder}/dicom/S001", image_count=19)
        flair = store.add_series(study.id, "FLAIR transverse", dicom_folder=f"{study.folder}/dicom/S002", image_count=15)
        sent = store.enqueue_send(study.id, "main", series_id=t2.id, now=now)
        store.claim_next_send(now=now)
        store.mark_sent(sent.id)
        waiting = store.enqueue_send(study.id, "main", series_id=flair.id, now=now)
        store.claim_next_send(now=now)
        store.mark_send_failed(waiting.id, "15 of 15 files not accepted: Could not talk to the DICOM node 'main': "
                               "it could not be reached", now=now - timedelta(seconds=10))
        given_up = store.enqueue_send(study.id, "archive", series_id=flair.id, now=now)
        store.claim_next_send(now=now)
        store.mark_send_failed(given_up.id, "15 of 15 files not accepted: SOP class not supported", now=now,
                               max_attempts=1)
    return study.id


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_send_screen(size, theme, fixed_home, clinic, make_app, snap_compare):
    from vetmri.tui.screens.send import SendScreen

    set_setting("tui.theme", theme)
    set_setting("tui.station", "Clinic Nord")
    set_setting("pacs.main", "ORTHANC@127.0.0.1:4242")
    set_setting("pacs.archive", "ARCHIVE@127.0.0.1:4243")
    study_id = queued_study(clinic["bella"])

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(SendScreen(study_id))
        await settle(pilot, 0.1)
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
