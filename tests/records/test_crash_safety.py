"""SIGKILL real writer processes at random moments; nothing acknowledged may be lost.

A writer process (``crash_writer.py``) adds owners, pets, studies and weighings through
the record store while this test kills it with SIGKILL after a random delay, again and
again. After every kill the store must open, verify clean and hold every record whose
add had returned. The journal is compacted every few dozen writes, so kills also land
inside compactions.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vetmri.records.integrity import verify_store
from vetmri.records.store import RecordStore

WRITER = Path(__file__).with_name("crash_writer.py")


def _wait_for_writes(markers: Path, writes: int, deadline_s: float = 30.0) -> None:
    """Wait until the writer opened the store and finished ``writes`` writes."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if markers.exists():
            text = markers.read_bytes()
            if text.startswith(b"open\n") and text.count(b"\ndone ") >= writes:
                return
        time.sleep(0.0002)
    raise AssertionError(f"the writer did not get {writes} writes done in {deadline_s} s ({markers})")


def _check_acknowledged(store: RecordStore, acknowledged: list[dict]) -> None:
    for record in acknowledged:
        if record["kind"] == "owner":
            assert store.owner(record["id"]).name == record["name"]
        elif record["kind"] == "pet":
            pet = store.pet(record["id"])
            assert (pet.name, pet.owner_id) == (record["name"], record["owner"])
        elif record["kind"] == "study":
            study = store.study(record["id"])
            assert (study.pet_id, study.study_uid) == (record["pet"], record["uid"])
        else:
            assert record["kg"] in {w.weight_kg for w in store.pet(record["id"]).weights}


def run_kills(tmp_path: Path, kills: int, capsys: pytest.CaptureFixture) -> None:
    data, markers = tmp_path / "data", tmp_path / "markers"
    markers.mkdir()
    rng = random.Random(20240611)
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(data), str(markers)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
    )
    acknowledged: list[dict] = []
    inside_write = torn_tails = inside_compaction = 0
    try:
        assert writer.stdout.readline().strip() == "ready"
        for round_number in range(kills):
            writer.stdin.write(f"go {round_number}\n")
            writer.stdin.flush()
            pid = int(writer.stdout.readline())
            round_markers = markers / f"round-{round_number}.txt"
            # kill at a random moment after a random number of writes, whatever the load
            _wait_for_writes(round_markers, rng.randrange(0, 8))
            time.sleep(rng.uniform(0.0, 0.005))
            os.kill(pid, signal.SIGKILL)
            assert writer.stdout.readline().strip() == "reaped"

            lines = round_markers.read_text(encoding="utf-8").splitlines()
            inside_write += lines[-1].startswith("begin")
            inside_compaction += any((data / "records").glob(".*.tmp"))
            acknowledged += [json.loads(line[5:]) for line in lines if line.startswith("done ")]
            with RecordStore(data) as store:
                torn_tails += store.open_report.dropped_tail_bytes > 0
                report = verify_store(store)
                assert report.ok, (round_number, report.problems)
                _check_acknowledged(store, acknowledged)
    finally:
        writer.kill()
        writer.wait()
    with capsys.disabled():
        print(
            f"\n[records crash test] {kills} SIGKILLs: {inside_write} landed inside a write "
            f"({inside_compaction} inside a compaction, {torn_tails} left a torn journal line); "
            f"{len(acknowledged)} acknowledged writes all present, verify clean after every kill"
        )
    assert inside_write >= kills / 2, f"only {inside_write} of {kills} kills landed inside a write"
    assert len(acknowledged) >= 3 * kills  # the writer really wrote between kills (on average 3.5 waited for)


def test_sigkill_during_writes_loses_nothing_acknowledged(tmp_path, capsys):
    run_kills(tmp_path, 110, capsys)


@pytest.mark.slow
def test_a_thousand_sigkills_lose_nothing_acknowledged(tmp_path, capsys):
    run_kills(tmp_path, 1000, capsys)
