"""Shared set-up of the TUI tests: a real record store with a few animals, and the app on it.

Everything the screens show is fixed (clock, dates, accession numbers, the store's site
code) so that snapshots are the same on every run and every day.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from vetmri.records.store import open_store

FIXED_NOW = datetime(2026, 3, 14, 9, 41)


@pytest.fixture
def clinic(monkeypatch: pytest.MonkeyPatch):
    """Owners and pets in a real store of this test's data folder (ids are fixed)."""
    monkeypatch.setattr("vetmri.records.store.new_site_code", lambda: "TEST")
    with open_store() as store:
        mueller = store.add_owner("Hannah Müller", "030 1234567", email="h.mueller@example.org")
        lee = store.add_owner("Tom Lee", "+44 20 7946 0000")
        bella = store.add_pet(mueller.id, "Bella", "dog", 26.5, breed="Labrador retriever", sex="female",
                              neutered=True, birth_date="2019-05-02", weighed_on="2025-11-02",
                              alerts=("sedation: watch breathing",))
        store.record_weight(bella.id, 28.0, day="2026-02-20")
        store.add_study(bella.id, "brain", study_date="2026-02-20", accession="A1001", status="completed")
        mochi = store.add_pet(lee.id, "Mochi", "cat", 4.1, breed="Domestic shorthaired", weighed_on="2026-01-10")
        store.add_study(mochi.id, "brain", accession="A1002")  # today, planned
        store.add_pet(lee.id, "Pepper", "rabbit", 2.2, weighed_on="2026-01-10")
    return {"bella": bella.id, "mochi": mochi.id, "mueller": mueller.id, "lee": lee.id, "today": date.today()}


@pytest.fixture
def make_app():
    """A factory of the app with the fixed clock and no periodic status checks."""
    from vetmri.tui.app import VetmriApp

    def make() -> VetmriApp:
        return VetmriApp(clock=lambda: FIXED_NOW, watch_status=False)

    return make
