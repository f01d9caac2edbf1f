"""Two processes writing the same store at once: nothing lost, no id used twice, and no
read-modify-write overwriting the other's change."""

import json
import subprocess
import sys
from pathlib import Path

from vetmri.records.integrity import verify_store
from vetmri.records.store import RecordStore

WRITER = Path(__file__).with_name("concurrent_writer.py")
PER_PROCESS = 60


def test_two_processes_adding_at_once_lose_nothing_and_share_no_id(tmp_path):
    data = tmp_path / "data"
    with RecordStore(data) as store:
        owner = store.add_owner("Shared Owner", "555 0000")
        shared = store.add_pet(owner.id, "Shared", "cat", 4.0)
    start = tmp_path / "start"
    writers = [
        subprocess.Popen([sys.executable, str(WRITER), str(data), str(start), shared.id, str(PER_PROCESS), tag],
                         stdout=subprocess.PIPE, text=True)
        for tag in ("first", "second")
    ]
    start.touch()
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    results = [json.loads(line) for out in outputs for line in out.splitlines()]

    assert len(results) == 2 * PER_PROCESS
    for key in ("owner", "pet", "patient_id"):
        assert len({r[key] for r in results}) == 2 * PER_PROCESS, f"a {key} id was handed out twice"
    with RecordStore(data) as store:
        assert store.counts()["pets"] == 2 * PER_PROCESS + 1
        assert store.counts()["owners"] == 2 * PER_PROCESS + 1
        for r in results:
            assert store.pet(r["pet"]).owner_id == r["owner"]
            assert store.pet_by_patient_id(r["patient_id"]).id == r["pet"]
        # each process appended its weighings to the same pet: none overwrote the other's
        assert len(store.pet(shared.id).weights) == 1 + 2 * PER_PROCESS
        assert verify_store(store).ok


def test_a_reader_sees_what_another_process_wrote(tmp_path):
    data = tmp_path / "data"
    reader = RecordStore(data)
    with RecordStore(data) as writer:
        owner = writer.add_owner("Inès Faure", "06 11 22 33 44")
        writer.add_pet(owner.id, "Moka", "rabbit", 1.8)
        writer.compact()
        writer.add_pet(owner.id, "Praline", "rabbit", 2.1)
    assert {h.pet.name for h in reader.search("ines")} == {"Moka", "Praline"}
    reader.close()
