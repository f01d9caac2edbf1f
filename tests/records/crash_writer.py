"""Writer process for the SIGKILL test (run by tests/records/test_crash_safety.py).

Started once with ``DATA_DIR MARKER_DIR``, it imports the record store and then, for each
``go N`` line on stdin, forks a child that opens the store from disk and writes records
without end: owners, pets, studies and weighings, with a journal small enough to be
compacted every few dozen writes. Around each call the child appends ``begin`` and
``done <json>`` markers to ``MARKER_DIR/round-N.txt`` with unbuffered writes, so the test
knows which writes returned before the SIGKILL. The parent prints the child's pid, waits
for it to die and prints ``reaped``.
"""

import json
import os
import random
import sys
from pathlib import Path

from vetmri.records.store import RecordStore

DATA_DIR = Path(sys.argv[1])
MARKERS = Path(sys.argv[2])
COMPACT_AT_BYTES = 6_000


def mark(fd: int, text: str) -> None:
    os.write(fd, (text + "\n").encode("utf-8"))


def child(round_number: int) -> None:
    random.seed(os.getpid())
    fd = os.open(MARKERS / f"round-{round_number}.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    store = RecordStore(DATA_DIR, compact_at_bytes=COMPACT_AT_BYTES)
    mark(fd, "open")
    owner = pet = None
    step = 0
    while True:
        step += 1
        kind = "owner" if owner is None else random.choice(["owner", "pet", "pet", "study", "weight"] if pet else ["owner", "pet"])
        mark(fd, f"begin {kind}")
        if kind == "owner":
            name = f"Owner {round_number}-{step} Ñúñez"
            owner = store.add_owner(name, f"+34 600 {round_number:03d} {step:03d}")
            mark(fd, "done " + json.dumps({"kind": kind, "id": owner.id, "name": name}))
        elif kind == "pet":
            name = f"Pet {round_number}-{step}"
            pet = store.add_pet(owner.id, name, "cat", round(random.uniform(2, 6), 2))
            mark(fd, "done " + json.dumps({"kind": kind, "id": pet.id, "name": name, "owner": owner.id}))
        elif kind == "study":
            study = store.add_study(pet.id, "brain", plan_summary="T2 TSE, FLAIR, T1 " * 5)
            mark(fd, "done " + json.dumps({"kind": kind, "id": study.id, "pet": pet.id, "uid": study.study_uid}))
        else:
            kg = round(random.uniform(2, 6), 3)
            store.record_weight(pet.id, kg)
            mark(fd, "done " + json.dumps({"kind": kind, "id": pet.id, "kg": kg}))


def main() -> None:
    print("ready", flush=True)
    for line in sys.stdin:
        round_number = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            try:
                child(round_number)
            finally:
                os._exit(1)
        print(pid, flush=True)
        os.waitpid(pid, 0)
        print("reaped", flush=True)


if __name__ == "__main__":
    main()
