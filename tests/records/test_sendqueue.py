"""The PACS send queue: claims, back-off, giving up, retry, and surviving a restart."""

from datetime import datetime, timedelta, timezone

import pytest

from vetmri.records.sendqueue import BACKOFF_MAX_S, retry_delay_s
from vetmri.records.store import RecordStore

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def study(tmp_path):
    with RecordStore(tmp_path) as store:
        owner = store.add_owner("Tom", "555 1234")
        pet = store.add_pet(owner.id, "Rocky", "tortoise", 1.5)
        return store.add_study(pet.id, "shell")


def test_a_failed_send_backs_off_then_gives_up_and_can_be_retried(tmp_path, study):
    with RecordStore(tmp_path) as store:
        job = store.enqueue_send(study.id, "main", now=T0)
        assert store.enqueue_send(study.id, "main", now=T0) == job  # no duplicate
        now = T0
        for attempt in range(1, 4):
            claimed = store.claim_next_send(now=now)
            assert (claimed.id, claimed.status, claimed.attempts) == (job.id, "sending", attempt)
            failed = store.mark_send_failed(job.id, "association rejected", now=now, max_attempts=3)
            if attempt < 3:
                assert failed.next_attempt_at == now + timedelta(seconds=retry_delay_s(attempt))
                assert store.claim_next_send(now=now + timedelta(seconds=1)) is None
                now = failed.next_attempt_at
        assert failed.status == "failed" and failed.last_error == "association rejected"
        assert store.claim_next_send(now=now + timedelta(days=1)) is None
        store.retry_send(job.id, now=now)
        assert store.claim_next_send(now=now).attempts == 1
        assert store.mark_sent(job.id).status == "sent"
    assert retry_delay_s(30) == BACKOFF_MAX_S


def test_the_queue_survives_a_restart_and_a_dead_senders_job_comes_back(tmp_path, study):
    with RecordStore(tmp_path) as store:
        job = store.enqueue_send(study.id, "main", now=T0)
        store.claim_next_send(now=T0, lease_s=60)  # and the sender dies
    with RecordStore(tmp_path) as store:
        assert store.send_jobs("sending")[0].id == job.id
        assert store.claim_next_send(now=T0 + timedelta(seconds=30)) is None
        again = store.claim_next_send(now=T0 + timedelta(seconds=61))
        assert (again.id, again.attempts) == (job.id, 2)
