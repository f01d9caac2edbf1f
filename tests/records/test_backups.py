"""Backups rotate, restore brings the records back, and a damaged backup is refused."""

import stat

import pytest

from vetmri.errors import UserInputError
from vetmri.records.backups import backup_if_due, list_backups, make_backup, restore_backup
from vetmri.records.export import export_csv, export_json
from vetmri.records.store import RecordStore


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "data") as store:
        owner = store.add_owner("Sam Lee", "555 9876")
        store.add_pet(owner.id, "Pip", "ferret", 1.1)
        yield store


def test_backups_are_owner_only_and_only_the_newest_are_kept(store):
    for _ in range(5):
        make_backup(store, keep=3)
    backups = list_backups(store)
    assert len(backups) == 3
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in backups)
    assert stat.S_IMODE(backups[0].parent.stat().st_mode) == 0o700


def test_an_automatic_backup_is_made_once_per_interval(store):
    assert backup_if_due(store) is not None
    assert backup_if_due(store) is None
    assert backup_if_due(store, interval_s=0) is not None


def test_restore_brings_back_the_backed_up_records_and_keeps_the_current_ones_aside(store):
    backup = make_backup(store)
    owner = store.add_owner("Added Later", "555 0000")
    safety = restore_backup(store, backup.path)
    assert [o.name for o in store.list_owners()] == ["Sam Lee"]
    reopened = RecordStore(store.data_dir)
    assert [o.name for o in reopened.list_owners()] == ["Sam Lee"]
    assert reopened.add_owner("Next", "555 1111").id != owner.id  # an id is never handed out twice
    reopened.close()
    restore_backup(store, safety.path)
    assert "Added Later" in [o.name for o in store.list_owners()]


def test_a_file_that_is_not_a_backup_is_refused(store, tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"tables": {}}')
    with pytest.raises(UserInputError, match="not a vetmri records backup"):
        restore_backup(store, bogus)
    with pytest.raises(UserInputError, match="no backup file"):
        restore_backup(store, tmp_path / "missing.json")


def test_exports_hold_every_record(store, tmp_path):
    assert export_json(store, tmp_path / "all.json") == {"owners": 1, "pets": 1, "studies": 0, "series": 0, "sends": 0}
    export_csv(store, tmp_path / "csv")
    lines = (tmp_path / "csv" / "pets.csv").read_text().splitlines()
    assert lines[0].startswith("id,patient_id,owner,name,species") and "Pip" in lines[1]
