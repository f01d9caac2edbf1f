"""``verify`` finds what makes a store untrustworthy and stays quiet when it is intact."""

import shutil

from tinydb.table import Document

from vetmri.records.integrity import verify_store
from vetmri.records.store import RecordStore


def make_store(path):
    store = RecordStore(path)
    owner = store.add_owner("Lena Berg", "040 123 456")
    pet = store.add_pet(owner.id, "Bruno", "dog", 30)
    study = store.add_study(pet.id, "spine")
    store.add_series(study.id, "T2 sagittal", raw_file=f"{study.folder}/raw/exam.h5")
    return store, owner, pet, study


def test_an_intact_store_verifies_clean(tmp_path):
    store, *_ = make_store(tmp_path)
    raw = store.data_dir / store.series_of_study("S-1")[0].raw_file
    raw.parent.mkdir()
    raw.write_bytes(b"raw")
    report = verify_store(store)
    assert report.ok and report.counts == {"owners": 1, "pets": 1, "studies": 1, "series": 1, "sends": 0}


def test_missing_files_and_folders_are_problems(tmp_path):
    store, _, _, study = make_store(tmp_path)
    shutil.rmtree(store.data_dir / study.folder)
    report = verify_store(store)
    assert not report.ok
    assert any("folder" in p and study.id in p for p in report.problems)
    assert any("raw file" in p for p in report.problems)


def test_a_study_without_its_pet_is_a_problem(tmp_path):
    store, _, pet, study = make_store(tmp_path)
    # a record written around the API, as an old version or a hand edit could have left it
    store._table("pets").remove(doc_ids=[1])
    report = verify_store(store)
    assert any(f"study {study.id} belongs to pet {pet.id}, which does not exist" == p for p in report.problems)


def test_an_implausible_stored_weight_and_a_duplicate_uid_are_problems(tmp_path):
    store, owner, pet, study = make_store(tmp_path)
    doc = dict(store._table("studies").get(doc_id=1))
    with store.bulk():
        store._table("studies").insert(Document(doc, doc_id=2))
        bad = dict(store._table("pets").get(doc_id=1))
        bad["weights"] = [["2024-01-01", 900.0]]
        store._table("pets").update(bad, doc_ids=[1])
    problems = verify_store(store).problems
    assert any("Study Instance UID" in p for p in problems)
    assert any("not plausible for a dog" in p for p in problems)
