"""The front desk finds a pet and opens its record."""

from __future__ import annotations

import asyncio

from textual.widgets import DataTable

from tests.tui.helpers import settle
from vetmri.tui.screens.patients import PatientsScreen
from vetmri.tui.screens.pet_detail import PetDetailScreen


def rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_typing_part_of_the_owners_name_finds_the_pet(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert len(rows(app.screen, "#results")) == 3  # every pet before typing
            await pilot.press("slash", *"mull")  # "Müller" without the umlaut
            await settle(pilot)
            found = rows(app.screen, "#results")
            assert [r[0] for r in found] == ["Bella"]
            assert found[0][4] == "Hannah Müller" and found[0][6] == "2026-02-20 brain"
            await pilot.press("down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, PetDetailScreen)
            title = str(app.screen.query_one("#pet-title").render())
            assert "Bella" in title and "28 kg" in title
            assert "sedation: watch breathing" in str(app.screen.query_one("#alerts").render())
            weights = str(app.screen.query_one("#weights").render())
            assert "2025-11-02  26.5 kg" in weights and "2026-02-20  28 kg" in weights
            assert "030 1234567" in str(app.screen.query_one("#owner").render())
            assert rows(app.screen, "#studies")[0][2:4] == ["brain", "completed"]
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, PatientsScreen)

    asyncio.run(scenario())


def test_phone_digits_and_no_match(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"7946")
            await settle(pilot)
            assert sorted(r[0] for r in rows(app.screen, "#results")) == ["Mochi", "Pepper"]
            await pilot.press(*"9999")
            await settle(pilot)
            assert rows(app.screen, "#results") == []
            assert "No pet matches" in str(app.screen.query_one("#today-note").render())

    asyncio.run(scenario())


def test_today_lists_the_planned_study_of_today(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            today = rows(app.screen, "#today")
            assert today == [["today", "Mochi", "cat", "Domestic shorthaired", "4.1 kg", "Tom Lee", "brain", "planned"]]

    asyncio.run(scenario())


def test_e_opens_the_exam_set_up_of_the_highlighted_pet(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *"bella", "enter")  # enter: to the results
            await pilot.press("e")
            await settle(pilot)
            assert type(app.screen).__name__ == "ExamSetupScreen"
            assert "Bella" in str(app.screen.query_one("#animal").render())

    asyncio.run(scenario())
