"""Round trips through the disk: what was written is what a new process reads back."""

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetmri.errors import UserInputError
from vetmri.protocols.species import load_species_catalog
from vetmri.records.ids import PREFIXES
from vetmri.records.store import RecordStore

CATALOG = load_species_catalog()
names = st.text(alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters=" '-éüñ"), min_size=1, max_size=30).filter(lambda s: s.strip() and any(c.isalnum() for c in s))
phones = st.from_regex(r"\+?[0-9]{3}( ?[0-9]{3}){1,3}", fullmatch=True)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2024, 1, 1))


@st.composite
def pets(draw):
    species = draw(st.sampled_from(CATALOG.species))
    low, high = species.weight_range_kg
    return {
        "name": draw(names),
        "species": species.name,
        "weight_kg": draw(st.floats(min_value=low, max_value=high)),
        "breed": draw(st.sampled_from(["", "Labrador", "Maine Coon", "Rex"])),
        "sex": draw(st.sampled_from(["female", "male", "unknown"])),
        "neutered": draw(st.sampled_from([None, True, False])),
        "birth_date": draw(st.none() | days),
        "microchip": draw(st.none() | st.from_regex(r"[1-9][0-9]{14}", fullmatch=True)) or "",
        "alerts": draw(st.lists(st.sampled_from(["aggressive", "allergic to penicillin", "bites"]), unique=True, max_size=2)),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(owner_name=names, phone=phones, pet_list=st.lists(pets(), min_size=1, max_size=4, unique_by=lambda p: p["microchip"] or object()))
def test_owners_pets_and_studies_read_back_equal_after_reopening(owner_name, phone, pet_list):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        with RecordStore(data, compact_at_bytes=1_500) as store:
            owner = store.add_owner(owner_name, phone, email="x@example.org", address="1 Rue Haute\n75001 Paris")
            written = [store.add_pet(owner.id, **p) for p in pet_list]
            studies = [store.add_study(p.id, "brain", study_date="2024-01-02", operator="Dr Vet") for p in written]
            written = [store.pet(p.id) for p in written]  # the study's weight has not changed them
        with RecordStore(data) as store:
            assert store.owner(owner.id) == owner
            assert [store.pet(p.id) for p in written] == written
            assert [store.study(s.id) for s in studies] == studies
            assert store.pets_of_owner(owner.id) == written


def test_ids_are_never_reused_after_a_merge_deletes_a_pet(tmp_path):
    with RecordStore(tmp_path) as store:
        owner = store.add_owner("Ana", "600 123 456")
        first = store.add_pet(owner.id, "Kiwi", "parrot", 0.4)
        second = store.add_pet(owner.id, "Kiwi", "parrot", 0.41)
        store.merge_pets(first.id, second.id)
    with RecordStore(tmp_path) as store:
        third = store.add_pet(owner.id, "Mango", "parrot", 0.3)
    assert third.id not in (first.id, second.id)
    assert third.patient_id not in (first.patient_id, second.patient_id)
    assert third.id.startswith(PREFIXES["pets"] + "-") and len(third.patient_id) <= 64


def test_bulk_changes_are_saved_together(tmp_path):
    with RecordStore(tmp_path) as store:
        with store.bulk():
            owner = store.add_owner("Bulk Owner", "600 000 000")
            for i in range(20):
                store.add_pet(owner.id, f"Pet {i}", "rat", 0.3)
    with RecordStore(tmp_path) as store:
        assert store.counts()["pets"] == 20


def test_studies_left_on_disk_at_open_are_found_checked_and_moved_like_any_other(tmp_path):
    with RecordStore(tmp_path) as store:
        owner = store.add_owner("Greta Bauer", "0151 2345 678")
        keep = store.add_pet(owner.id, "Kiwi", "cat", 4.0)
        dup = store.add_pet(owner.id, "Kiwi", "cat", 4.1)
        first = store.add_study(dup.id, "brain", study_uid="1.2.3.4", accession="ACC1", study_date="2024-02-01")
        series = store.add_series(first.id, "T2 tra")
        store.compact()  # the studies now come from studies.json, read on first use
    with RecordStore(tmp_path) as store:
        assert [h.pet.id for h in store.search("greta")] == [keep.id, dup.id]
        with pytest.raises(UserInputError, match="exists already"):
            store.add_study(keep.id, "spine", study_uid="1.2.3.4")
        with pytest.raises(UserInputError, match="taken"):
            store.add_study(keep.id, "spine", accession="acc1")
        assert store.study_by_accession("acc1") == first
        assert store.series_of_study(first.id) == [series]
        assert [h.pet.id for h in store.search(seen_from="2024-01-01", seen_to="2024-03-01")] == [dup.id]
        second = store.add_study(keep.id, "spine")
        store.merge_pets(keep.id, dup.id)
        assert {s.id for s in store.studies_of_pet(keep.id)} == {first.id, second.id}
        assert store.counts() == {"owners": 1, "pets": 1, "studies": 2, "series": 1, "sends": 0}
    with RecordStore(tmp_path) as store:
        assert store.study(first.id).pet_id == keep.id and store.study_by_uid("1.2.3.4").pet_id == keep.id
