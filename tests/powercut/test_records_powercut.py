"""Power cuts while the record store works: nothing acknowledged is lost, ``records verify``
stays clean, backups stay readable, the send queue still knows what to send."""

from __future__ import annotations

import random

import pytest
from powercut_rounds import Tally, run_rounds
from powercut_records import RecordsWorkload

import vetmri.records.journal as journal


def test_every_acknowledged_change_survives_a_cut_of_everything_pending(disk, full_run) -> None:
    workload = RecordsWorkload(disk, random.Random(21))
    tally = run_rounds(disk, Tally("records (cut all pending)"), 1000 if full_run else 200,
                       work=workload.work, check=workload.check, mode="all", seed=1)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])
    assert tally.acknowledged > tally.cuts  # the work did go on between the cuts


def test_every_acknowledged_change_survives_a_cut_that_keeps_a_random_subset(disk, full_run) -> None:
    workload = RecordsWorkload(disk, random.Random(22))
    tally = run_rounds(disk, Tally("records (random subset kept)"), 1000 if full_run else 150,
                       work=workload.work, check=workload.check, mode="subset", seed=2)
    assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])


class _NoSync:
    """``os`` for the journal module with fsync and fdatasync doing nothing (the mutation)."""

    def __getattr__(self, name: str):
        import os

        if name in ("fsync", "fdatasync"):
            return lambda fd: None
        return getattr(os, name)


def test_the_harness_sees_a_journal_without_fsync_lose_records(disk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same run with the journal's fsync removed must report acknowledged records lost."""
    monkeypatch.setattr(journal, "os", _NoSync())
    workload = RecordsWorkload(disk, random.Random(23), strict=False)
    tally = run_rounds(disk, Tally("records without fsync"), 20, work=workload.work, check=workload.check,
                       mode="all", seed=3)
    assert tally.lost > 0
