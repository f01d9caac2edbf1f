"""Registering a pet and its owner, with the records' own checks as one types."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import settle
from vetmri.records.store import open_store
from vetmri.tui.screens.pet_detail import PetDetailScreen
from vetmri.tui.screens.pet_form import PetFormScreen


def note(screen, field: str) -> str:
    return str(screen.query_one(f"#{field}-note").render())


def test_register_a_cat_with_its_owner_refusing_a_40_kg_cat(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, PetFormScreen)
            await pilot.press(*"Ana Novak")  # no such owner yet: a new one
            await settle(pilot)
            assert "A new owner" in str(form.query_one("#owner-chosen").render())
            await pilot.press("tab", *"+386 40 123 456", "tab", "tab")
            await pilot.press(*"Luna", "tab", *"cat", "tab", *"40")
            await settle(pilot)
            refusal = note(form, "weight")
            assert refusal == ("A weight of 40 kg is not plausible for a cat (0.4 to 12 kg); "
                               "check the number and that it is in kilograms.")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, PetFormScreen)  # refused, still in the form
            assert str(form.query_one("#form-error").render()) == refusal
            await pilot.press("backspace", "backspace", *"4.2")
            await settle(pilot)
            assert note(form, "weight") == ""
            await pilot.press("tab", *"DSH")
            await settle(pilot)
            assert "Domestic shorthaired" in note(form, "breed")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, PetDetailScreen)
            assert any("Registered Luna" in n.message for n in app._notifications)
        with open_store() as store:
            hits = store.search("luna")
            assert len(hits) == 1
            assert hits[0].owner.name == "Ana Novak" and hits[0].owner.phone == "+386 40 123 456"
            assert hits[0].pet.weight_kg == 4.2 and hits[0].pet.breed == "Domestic shorthaired"

    asyncio.run(scenario())


def test_the_owner_is_found_as_typed_and_a_duplicate_is_announced(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            form = app.screen
            await pilot.press(*"müll")
            await settle(pilot)
            choices = form.query_one("#owner-choices")
            assert choices.display and choices.option_count == 1
            await pilot.press("down", "enter")  # into the list of owners found, choose the first
            await settle(pilot)
            assert form.owner_id == clinic["mueller"]
            assert form.query_one("#owner-phone").value == "030 1234567"
            await pilot.press(*"Bella")
            await settle(pilot)
            assert "Possible duplicate: Bella" in str(form.query_one("#duplicates").render())

    asyncio.run(scenario())


def test_a_breed_the_table_does_not_know_stays_free_text_with_a_warning(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            form = app.screen
            form.query_one("#species").focus()
            await pilot.press(*"dog", "tab", "tab", *"Labradoodle")
            await settle(pilot)
            text = note(form, "breed")
            assert "not in the DICOM breed table" in text and "free text" in text
            await pilot.press(*["backspace"] * 7)  # "Labra": the one breed beginning so
            await settle(pilot)
            assert "recorded as 'Labrador retriever'" in note(form, "breed")

    asyncio.run(scenario())


def test_the_referring_vet_is_registered_with_the_pet_and_edited(clinic, make_app):
    from textual.widgets import Input

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(PetFormScreen(clinic["bella"]))
            await settle(pilot)
            form = app.screen
            form.query_one("#referring_vet", Input).focus()
            await pilot.press(*"Dr. Weiss", "tab", *"Tierarztpraxis Nord")
            await settle(pilot)
            assert note(form, "referring_vet") == ""
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, PetFormScreen)
        with open_store() as store:
            bella = store.pet(clinic["bella"])
            assert (bella.referring_vet, bella.referring_clinic) == ("Dr. Weiss", "Tierarztpraxis Nord")
            assert store.add_study(bella.id, "spine").referring_vet == "Dr. Weiss"  # the default of its studies

        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:  # shown again when the pet is edited
            await settle(pilot)
            app.push_screen(PetFormScreen(clinic["bella"]))
            await settle(pilot)
            assert app.screen.query_one("#referring_clinic", Input).value == "Tierarztpraxis Nord"
            app.screen.query_one("#referring_vet", Input).value = "x" * 70
            await settle(pilot)
            assert "referring vet" in note(app.screen, "referring_vet")

    asyncio.run(scenario())
