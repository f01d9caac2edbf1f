"""Front-desk work on owners and pets: search, edits, weights, merge of duplicates."""

import pytest

from vetmri.errors import UserInputError
from vetmri.records.store import RecordStore


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path) as store:
        renee = store.add_owner("Renée Lefèvre", "+33 6 12 34 56 78")
        john = store.add_owner("John O'Neil", "(020) 7946 0958")
        store.add_pet(renee.id, "Bélle", "cat", 4.2, microchip="250269604123456")
        store.add_pet(renee.id, "Oscar", "dog", 25)
        store.add_pet(john.id, "Nibbles", "guinea pig", 0.9)
        yield store


def names(hits):
    return sorted(h.pet.name for h in hits)


def test_search_is_partial_and_ignores_case_and_accents(store):
    assert names(store.search("belle")) == ["Bélle"]
    assert names(store.search("LEFEV")) == ["Bélle", "Oscar"]
    assert names(store.search("oneil")) == ["Nibbles"]
    assert names(store.search("renee osc")) == ["Oscar"]
    assert store.search("zebra") == []


def test_search_by_phone_compares_digits_only(store):
    assert names(store.search("7946 0958")) == ["Nibbles"]
    assert names(store.search("020-7946")) == ["Nibbles"]
    assert names(store.search("612345678")) == ["Bélle", "Oscar"]


def test_search_by_microchip_patient_id_and_pet_id(store):
    belle = store.search("belle")[0].pet
    assert names(store.search("250 269 604 123 456")) == ["Bélle"]
    assert names(store.search(belle.patient_id.lower())) == ["Bélle"]
    assert names(store.search(belle.id)) == ["Bélle"]
    assert store.pet_by_microchip("250269604123456") == belle
    assert store.search("belle")[0].owner.name == "Renée Lefèvre"


def test_search_by_date_range_of_studies(store):
    oscar = store.search("oscar")[0].pet
    store.add_study(oscar.id, "stifle", study_date="2023-05-10")
    assert names(store.search("", seen_from="2023-05-01", seen_to="2023-05-31")) == ["Oscar"]
    assert names(store.search("lefevre", seen_from="2023-06-01")) == []
    with pytest.raises(UserInputError, match="swap"):
        store.search("", seen_from="2023-06-01", seen_to="2023-05-01")


def test_a_microchip_belongs_to_one_pet(store):
    owner = store.search("oneil")[0].owner
    with pytest.raises(UserInputError, match="already on pet"):
        store.add_pet(owner.id, "Copy", "cat", 4, microchip="250269604123456")


def test_edits_are_validated_like_adds(store):
    oscar = store.search("oscar")[0].pet
    with pytest.raises(UserInputError, match="not plausible for a cat"):
        store.edit_pet(oscar.id, species="cat")  # 25 kg
    edited = store.edit_pet(oscar.id, name="Oscar II", neutered="yes", alerts=["Aggressive", "aggressive"])
    assert (edited.name, edited.neutered, edited.alerts) == ("Oscar II", True, ("Aggressive",))
    weighed = store.record_weight(oscar.id, 26.5, day="2024-01-01")
    assert weighed.weights[0].weight_kg == 26.5 and weighed.weight_kg == 25
    with pytest.raises(UserInputError, match="There is no pet P-000099"):
        store.pet("P-99")
    with pytest.raises(UserInputError, match="not a pet id"):
        store.pet("banana")


def test_merge_keeps_one_pet_and_the_duplicates_patient_id_still_resolves(store):
    renee = store.search("renee")[0].owner
    belle = store.search("belle")[0].pet
    duplicate = store.add_pet(renee.id, "Belle", "cat", 4.0, breed="Siamese", alerts=["allergic"])
    old_study = store.add_study(duplicate.id, "brain", study_date="2022-01-01")
    merged = store.merge_pets(belle.id, duplicate.id)
    assert merged.breed == "Siamese" and "allergic" in merged.alerts
    assert duplicate.patient_id in merged.former_patient_ids
    assert store.pet_by_patient_id(duplicate.patient_id) == merged
    assert store.study(old_study.id).pet_id == belle.id
    assert store.study(old_study.id).patient_id == duplicate.patient_id
    with pytest.raises(UserInputError):
        store.pet(duplicate.id)
    oscar = store.search("oscar")[0].pet
    with pytest.raises(UserInputError, match="correct the species"):
        store.merge_pets(belle.id, oscar.id)
