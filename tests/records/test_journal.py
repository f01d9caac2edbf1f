"""The journal storage under TinyDB: torn lines, compaction, permissions, plain TinyDB use."""

import gc
import json
import os
import stat

import pytest
from tinydb import Query, TinyDB
from tinydb.table import Document

from vetmri.errors import OperationFailedError
from vetmri.records.journal import JOURNAL_NAME, JournalStorage, decode_line, encode_line
from vetmri.records.tinytable import JournalTable


class JournalDB(TinyDB):
    table_class = JournalTable


def test_a_line_round_trips_and_any_damage_is_detected():
    line = encode_line([("pets", "1", {"name": "Félix"}), ("pets", "2", None)])
    assert decode_line(line[:-1]) == [("pets", "1", {"name": "Félix"}), ("pets", "2", None)]
    for cut in range(1, len(line) - 1):
        assert decode_line(line[:cut]) is None
    flipped = bytearray(line[:-1])
    flipped[20] ^= 0x01
    assert decode_line(bytes(flipped)) is None


def test_a_torn_last_line_is_dropped_on_open_and_cut_off_by_the_next_writer(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("pets").insert(Document({"name": "Luna"}, doc_id=1))
    db.close()
    journal = tmp_path / JOURNAL_NAME
    whole = encode_line([("pets", "2", {"name": "Torn"})])
    with open(journal, "ab") as handle:  # what a power cut in the middle of a write leaves
        handle.write(whole[: len(whole) // 2])

    db = JournalDB(tmp_path, storage=JournalStorage)
    assert db.storage.last_open.dropped_tail_bytes == len(whole) // 2
    assert [d["name"] for d in db.table("pets").all()] == ["Luna"]
    db.table("pets").insert(Document({"name": "Milo"}, doc_id=3))
    db.close()

    db = JournalDB(tmp_path, storage=JournalStorage)
    assert db.storage.last_open.dropped_tail_bytes == 0
    assert sorted(d["name"] for d in db.table("pets").all()) == ["Luna", "Milo"]
    db.close()


def test_compaction_keeps_everything_and_empties_the_journal(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage, compact_at_bytes=2_000)
    pets = db.table("pets")
    for i in range(1, 60):
        pets.insert(Document({"name": f"pet {i}", "n": i}, doc_id=i))
    pets.update({"name": "renamed"}, doc_ids=[7])
    pets.remove(doc_ids=[8])
    assert (tmp_path / "pets.json").exists()
    assert (tmp_path / JOURNAL_NAME).stat().st_size < 2_000
    expected = {d.doc_id: dict(d) for d in pets.all()}
    db.close()
    db = JournalDB(tmp_path, storage=JournalStorage)
    assert {d.doc_id: dict(d) for d in db.table("pets").all()} == expected
    assert db.table("pets").get(doc_id=7)["name"] == "renamed" and db.table("pets").get(doc_id=8) is None
    db.close()


def test_a_crash_between_snapshot_and_journal_replacement_replays_harmlessly(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    pets = db.table("pets")
    for i in range(1, 6):
        pets.insert(Document({"name": f"pet {i}"}, doc_id=i))
    pets.remove(doc_ids=[2])
    journal_before = (tmp_path / JOURNAL_NAME).read_bytes()
    db.storage.compact()
    db.close()
    (tmp_path / JOURNAL_NAME).write_bytes(journal_before)  # as if the journal was never emptied
    db = JournalDB(tmp_path, storage=JournalStorage)
    assert sorted(d.doc_id for d in db.table("pets").all()) == [1, 3, 4, 5]
    db.close()


def test_files_are_owner_only(tmp_path):
    folder = tmp_path / "records"
    db = JournalDB(folder, storage=JournalStorage)
    db.table("owners").insert(Document({"name": "A"}, doc_id=1))
    db.storage.compact()
    db.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_plain_tinydb_tables_work_on_the_storage_too(tmp_path):
    db = TinyDB(tmp_path, storage=JournalStorage)  # TinyDB's own Table: whole-database writes
    table = db.table("things")
    table.insert({"kind": "coil", "n": 1})
    table.insert({"kind": "coil", "n": 2})
    table.update({"n": 20}, Query().n == 2)
    table.remove(Query().n == 1)
    db.close()
    db = TinyDB(tmp_path, storage=JournalStorage)
    assert [dict(d) for d in db.table("things").all()] == [{"kind": "coil", "n": 20}]
    db.close()


def test_a_failed_transaction_writes_nothing(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("pets").insert(Document({"name": "kept"}, doc_id=1))
    size = os.path.getsize(tmp_path / JOURNAL_NAME)
    try:
        with db.storage.transaction():
            db.table("pets").insert(Document({"name": "rolled back"}, doc_id=2))
            raise RuntimeError("validation failed half-way")
    except RuntimeError:
        pass
    assert os.path.getsize(tmp_path / JOURNAL_NAME) == size
    assert [d["name"] for d in db.table("pets").all()] == ["kept"]
    db.close()
    raw = (tmp_path / JOURNAL_NAME).read_bytes().splitlines()
    assert all(json.loads(line[9:])["ops"][0][2]["name"] == "kept" for line in raw)


def test_a_lazy_table_is_read_on_first_use_with_the_changes_made_meanwhile(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("studies").insert_multiple([{"region": "brain"}, {"region": "spine"}])
    db.table("pets").insert({"name": "Luna"})
    db.storage.compact()
    db.close()

    reader = JournalDB(tmp_path, storage=JournalStorage, lazy_tables={"studies"})
    assert reader.storage.loaded_tables == {"pets"}  # the studies are still on disk
    writer = JournalDB(tmp_path, storage=JournalStorage)
    writer.table("studies").update({"region": "stifle"}, doc_ids=[2])
    writer.table("studies").insert({"region": "abdomen"})
    writer.table("studies").remove(doc_ids=[1])
    writer.close()
    assert [d["name"] for d in reader.table("pets").all()] == ["Luna"]  # reads what is new...
    assert reader.storage.loaded_tables == {"pets"}  # ...and still leaves the studies alone
    assert {d.doc_id: d["region"] for d in reader.table("studies").all()} == {2: "stifle", 3: "abdomen"}
    assert reader.storage.loaded_tables == {"pets", "studies"}
    reader.close()


def test_a_compaction_by_another_process_replaces_a_lazy_table_consistently(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("studies").insert({"region": "brain"})
    db.storage.compact()
    db.close()
    reader = JournalDB(tmp_path, storage=JournalStorage, lazy_tables={"studies"})
    writer = JournalDB(tmp_path, storage=JournalStorage)
    writer.table("studies").insert({"region": "spine"})
    writer.storage.compact()  # a new studies.json and an empty journal
    writer.table("studies").insert({"region": "hip"})
    writer.close()
    assert [d["region"] for d in reader.table("studies").all()] == ["brain", "spine", "hip"]
    reader.close()


def test_compacting_writes_a_lazy_table_that_changed_while_still_on_disk(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("studies").insert({"region": "brain"})
    db.storage.compact()
    db.close()
    store = JournalDB(tmp_path, storage=JournalStorage, lazy_tables={"studies"}, compact_at_bytes=1)
    other = JournalDB(tmp_path, storage=JournalStorage)
    other.table("studies").insert({"region": "spine"})  # only in the journal
    other.close()
    store.table("pets").insert({"name": "Milo"})  # catches up, then compacts every table it changed
    store.close()
    assert os.path.getsize(tmp_path / JOURNAL_NAME) == 0
    snapshot = json.loads((tmp_path / "studies.json").read_text())
    assert [d["region"] for d in snapshot["docs"].values()] == ["brain", "spine"]


def test_a_damaged_lazy_table_is_reported_when_first_used(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("studies").insert({"region": "brain"})
    db.table("pets").insert({"name": "Luna"})
    db.storage.compact()
    db.close()
    (tmp_path / "studies.json").write_bytes(b'{"table": "studies", "docs": {"1": {"reg')
    db = JournalDB(tmp_path, storage=JournalStorage, lazy_tables={"studies"})
    assert [d["name"] for d in db.table("pets").all()] == ["Luna"]
    with pytest.raises(OperationFailedError, match="studies.json is damaged.*restore"):
        db.table("studies").all()
    with pytest.raises(OperationFailedError, match="studies.json is damaged"):
        db.storage.snapshot()  # a backup or verify never goes ahead without the studies
    db.close()


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path):
    db = JournalDB(tmp_path, storage=JournalStorage)
    db.table("pets").insert_multiple({"name": f"Pet {i}", "weights": [[i, 1.0]]} for i in range(200))
    db.storage.compact()
    db.close()
    assert gc.isenabled()
    db = JournalDB(tmp_path, storage=JournalStorage, lazy_tables={"pets"})
    assert len(db.table("pets")) == 200
    db.close()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        JournalDB(tmp_path, storage=JournalStorage).close()
        assert not gc.isenabled()
    finally:
        gc.enable()
