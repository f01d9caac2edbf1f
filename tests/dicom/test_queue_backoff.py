"""The send queue's back-off: ``dicom send`` waits for it, ``queue --retry`` overrides it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from vetmri.dicom.send_queue import enqueue_study, work_send_queue
from vetmri.records.store import open_store
from vetmri.settings import load_settings

from .exam import add_pet, recon_to_dicom, write_raw_exam
from .peers import free_port, start_storescp


def test_backoff_is_respected_unless_overridden(tmp_path, run_vetmri):
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5", slices=1, matrix=16), pet["id"])
    port = free_port()
    assert run_vetmri("settings", "set", "pacs.pacs", f"STORESCP@127.0.0.1:{port}").returncode == 0
    settings = load_settings()
    t0 = datetime(2024, 5, 6, 9, 0, tzinfo=timezone.utc)
    with open_store() as store:
        jobs = enqueue_study(store, result["study"], "pacs", settings, now=t0)
        assert len(jobs) == 2
        down = work_send_queue(store, settings, now=t0, timeout_s=5)
        assert [o.job.status for o in down] == ["pending", "pending"]
        assert all(o.job.next_attempt_at == t0 + timedelta(seconds=30) for o in down)
        assert "could not be reached" in down[0].problem

        peer = start_storescp(tmp_path / "pacs", port=port)
        try:
            assert work_send_queue(store, settings, now=t0 + timedelta(seconds=10)) == []  # backing off
            assert {j.attempts for j in store.send_jobs()} == {1}
            forced = work_send_queue(store, settings, override_backoff=True, now=t0 + timedelta(seconds=10))
            assert [o.job.status for o in forced] == ["sent", "sent"] and sum(o.accepted for o in forced) == 2
        finally:
            peer.stop()
        assert len(list(peer.folder.iterdir())) == 2
