"""Studies and series as the DICOM side uses them: UIDs, accessions, folders, files."""

import stat

import pytest

from vetmri.errors import UserInputError
from vetmri.records.store import RecordStore


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "data", uid_root="1.2.826.0.1.3680043.10.1234") as store:
        yield store


@pytest.fixture
def pet(store):
    owner = store.add_owner("Mia Schulz", "0170 555 1234")
    return store.add_pet(owner.id, "Hoppel", "rabbit", 2.0)


def test_a_study_gets_a_uid_an_accession_and_an_owner_only_folder(store, pet):
    study = store.add_study(pet.id, "brain", weight_kg=2.1, referring_vet="Dr Braun")
    assert study.study_uid.startswith("1.2.826.0.1.3680043.10.1234.") and len(study.study_uid) <= 64
    assert len(study.accession) <= 16 and study.patient_id == pet.patient_id
    folder = store.data_dir / study.folder
    assert folder.is_dir() and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert store.study_by_uid(study.study_uid) == study
    assert store.study_by_accession(study.accession.lower()) == study
    assert store.pet(pet.id).weight_kg == 2.1


def test_given_uids_and_accessions_must_be_unique_and_valid(store, pet):
    store.add_study(pet.id, "spine", study_uid="1.2.3.4", accession="ACC1")
    with pytest.raises(UserInputError, match="exists already"):
        store.add_study(pet.id, "spine", study_uid="1.2.3.4")
    with pytest.raises(UserInputError, match="taken"):
        store.add_study(pet.id, "spine", accession="acc1")
    with pytest.raises(UserInputError, match="not a DICOM UID"):
        store.add_study(pet.id, "spine", study_uid="1.2.abc")
    with pytest.raises(UserInputError, match="not plausible for a rabbit"):
        store.add_study(pet.id, "spine", weight_kg=30)


def test_series_are_numbered_and_listed_in_order(store, pet):
    study = store.add_study(pet.id, "brain")
    first = store.add_series(study.id, "T2 TSE sagittal", parameters={"te_s": 0.09, "tr_s": 3.0})
    second = store.add_series(study.id, "FLAIR transverse", raw_file=f"{study.folder}/raw/exam.h5")
    assert (first.number, second.number) == (1, 2)
    done = store.edit_series(first.id, dicom_folder=f"{study.folder}/dicom/001", image_count=24)
    assert store.series_of_study(study.id) == [done, second]
    with pytest.raises(UserInputError, match="inside the data folder"):
        store.add_series(study.id, "x", raw_file="/etc/passwd")
    with pytest.raises(UserInputError, match="taken"):
        store.add_series(study.id, "x", number=1)


def test_study_status_and_listing_by_date(store, pet):
    old = store.add_study(pet.id, "abdomen", study_date="2023-01-05")
    new = store.add_study(pet.id, "brain", study_date="2024-02-01")
    store.set_study_status(new.id, "completed")
    assert store.list_studies(date_from="2023-01-01", date_to="2023-12-31") == [old]
    assert [s.id for s in store.list_studies(status="completed")] == [new.id]
    assert [s.id for s in store.studies_of_pet(pet.id)] == [new.id, old.id]
    with pytest.raises(UserInputError, match="not one of"):
        store.set_study_status(new.id, "lost")


def test_a_study_context_holds_what_a_dicom_header_needs(store, pet):
    study = store.add_study(pet.id, "brain")
    context = store.study_context(study.id)
    assert (context.study, context.pet.patient_id, context.owner.name) == (study, pet.patient_id, "Mia Schulz")
    assert store.study_folder(study.id) == store.data_dir / "studies" / study.study_uid


def test_a_study_at_the_weight_weighed_today_adds_no_second_weighing(store, pet):
    store.add_study(pet.id, "brain", weight_kg=2.0)  # the weight registered today
    store.add_study(pet.id, "spine", weight_kg=2.0)
    assert [w.weight_kg for w in store.pet(pet.id).weights] == [2.0]
    store.add_study(pet.id, "abdomen", weight_kg=2.3)  # a new weighing is kept
    assert [w.weight_kg for w in store.pet(pet.id).weights] == [2.0, 2.3]
