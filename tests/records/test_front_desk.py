"""What the front desk asks the records: today's work, owners as typed, duplicates, and
search ranges that run past today."""

from datetime import date, timedelta

from vetmri.records.store import open_store
from vetmri.records.today import todays_work


def test_todays_work_is_today_and_the_unfinished_studies_of_the_last_two_weeks():
    today = date.today()
    with open_store() as store:
        owner = store.add_owner("Ana Díaz", "+34 600 123 456")
        luna = store.add_pet(owner.id, "Luna", "cat", 4.2)
        rex = store.add_pet(owner.id, "Rex", "dog", 30)
        planned = store.add_study(luna.id, "brain")
        store.add_study(rex.id, "brain", status="cancelled")
        open_last_week = store.add_study(rex.id, "stifle", study_date=today - timedelta(days=5), status="acquired")
        store.add_study(rex.id, "brain", study_date=today - timedelta(days=5), status="completed")
        store.add_study(luna.id, "brain", study_date=today - timedelta(days=40), status="planned")
        items = todays_work(store)
    assert [i.study.id for i in items] == [planned.id, open_last_week.id]
    assert items[0].pet.name == "Luna" and items[0].owner.name == "Ana Díaz"


def test_owners_found_by_part_of_the_name_or_phone_and_duplicates_announced():
    with open_store() as store:
        ana = store.add_owner("Ana Díaz", "+34 600 123 456")
        store.add_owner("Tom Lee", "+44 20 7946 0000")
        store.add_pet(ana.id, "Luna", "cat", 4.2, microchip="276098106123456")
        assert [o.name for o in store.search_owners("diaz")] == ["Ana Díaz"]
        assert [o.name for o in store.search_owners("7946")] == ["Tom Lee"]
        assert store.search_owners("nobody") == []
        assert [p.name for p in store.possible_duplicates("LUNA", ana.id)] == ["Luna"]
        assert [p.name for p in store.possible_duplicates("Mia", None, "276 098106123456")] == ["Luna"]
        assert store.possible_duplicates("Mia", ana.id) == []


def test_a_search_range_may_end_in_the_future():
    with open_store() as store:
        owner = store.add_owner("Ana Díaz", "+34 600 123 456")
        luna = store.add_pet(owner.id, "Luna", "cat", 4.2)
        store.add_study(luna.id, "brain")
        ahead = date.today() + timedelta(days=60)
        assert [h.pet.name for h in store.search(seen_from=date.today(), seen_to=ahead)] == ["Luna"]
        assert store.list_studies(date_from=ahead, date_to=ahead + timedelta(days=30)) == []
