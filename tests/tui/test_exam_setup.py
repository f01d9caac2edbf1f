"""Planning a dog's brain exam on the set-up screen."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import settle
from vetmri.protocols.planner import plan_exam
from vetmri.records.store import open_store
from vetmri.tui.screens.exam_setup import ExamSetupScreen
from vetmri.tui.widgets.plan_table import PlanTable, minutes


def total(screen) -> str:
    return str(screen.query_one("#total").render())


def test_plan_a_dog_brain_edit_te_and_add_and_remove_series(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ExamSetupScreen)
            table = screen.query_one(PlanTable)
            assert table.row_count == 7 and str(table.get_cell_at((1, 0))).strip() == "T2 TSE sagittal"
            first_total = total(screen)
            planned = plan_exam("dog", 28.0, "brain", breed="Labrador retriever")  # what the CLI plans
            assert first_total.startswith(f"Exam {minutes(planned.total_time_s)} (7 series")
            assert f"{minutes(planned.max_exam_s)} anaesthesia budget" in first_total

            # TE of the T2 TSE sagittal below what its echo train needs: the planner's reason.
            await pilot.press("down", "right", "right", "enter")
            await settle(pilot)
            assert "TE ms of T2 TSE sagittal" in str(screen.query_one("#edit-label").render())
            await pilot.press(*"50")
            await settle(pilot)
            reason = str(screen.query_one("#explain").render())
            assert reason == ("The override of T2 TSE sagittal cannot be honoured: TE 50 ms is shorter "
                              "than the 86 ms the events of this sequence need.")
            await pilot.press("enter")  # refused: nothing changes
            await settle(pilot)
            assert total(screen) == first_total
            await pilot.press("backspace", "backspace", *"130")
            await settle(pilot)
            assert "enter keeps it" in str(screen.query_one("#explain").render())
            await pilot.press("enter")
            await settle(pilot)
            assert str(table.get_cell_at((1, 2))).strip() == "[b]130*[/b]"

            # Remove the FLAIR, then add it back at the end: the total follows.
            before, flair = screen.plan.total_time_s, screen.plan.series[3]
            assert flair.parameters.name == "FLAIR transverse"
            await pilot.press("down", "down", "x")
            await settle(pilot)
            assert table.row_count == 6
            assert total(screen).startswith(f"Exam {minutes(before - flair.scan_time_s)} (6 series")
            await pilot.press("a")
            await settle(pilot)
            picker = app.screen
            names = [str(picker.query_one("#templates").get_option_at_index(i).prompt)
                     for i in range(picker.query_one("#templates").option_count)]
            await pilot.press(*["down"] * names.index("FLAIR transverse  (ir_tse)"), "enter")
            await settle(pilot)
            assert table.row_count == 7
            assert str(table.get_cell_at((6, 0))).strip() == "FLAIR transverse"
            assert total(screen).startswith(f"Exam {minutes(before)} (7 series")

    asyncio.run(scenario())


def test_a_series_outside_the_region_cannot_be_started(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            picker = app.screen.query_one("#templates")
            prompts = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
            await pilot.press(*["down"] * prompts.index("3D GRE sagittal  (gre3d)"), "enter")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert not app.exam_running
            assert any("3D GRE sagittal is not part of the brain protocol" in n.message for n in app._notifications)

    asyncio.run(scenario())


def test_the_contrast_preview_follows_the_highlighted_series_and_an_edit(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            preview = app.screen.query_one("#preview")
            assert preview.display
            await pilot.press("down", "down", "down")  # the FLAIR
            await settle(pilot)
            shown = str(preview.render())
            assert "FLAIR transverse: TE 120 TR 7000 T" in shown
            await pilot.press("right", "right", "enter")
            await settle(pilot)
            await pilot.press(*"140")
            await settle(pilot)
            assert "TE 140" in str(preview.render())  # before the value is kept
        async with make_app().run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            pilot.app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            assert not pilot.app.screen.query_one("#preview").display  # no room beside the table

    asyncio.run(scenario())


def test_the_quick_variant_is_chosen_here_and_both_variants_are_compared(clinic, make_app):
    from textual.widgets import Select

    from vetmri.protocols.quality import exam_quality

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            screen = app.screen
            standard = plan_exam("dog", 28.0, "brain", breed="Labrador retriever")
            quick = plan_exam("dog", 28.0, "brain", breed="Labrador retriever", variant="quick")
            line = total(screen)
            assert line.startswith(f"Exam {minutes(standard.total_time_s)}")
            # Both variants side by side with the core's predicted quality.
            q = exam_quality(quick)
            assert f"standard {minutes(standard.total_time_s)}" in line
            assert f"quick {minutes(quick.total_time_s)} SSIM {q.ssim:.2f}" in line

            screen.query_one("#variant", Select).value = "quick"
            await settle(pilot, 0.3)
            assert screen.draft.variant == "quick"
            assert total(screen).startswith(f"Exam {minutes(quick.total_time_s)}")
            assert quick.total_time_s <= 0.5 * standard.total_time_s + 1

    asyncio.run(scenario())


def test_the_referring_vet_comes_from_the_pet_and_goes_with_the_exam_request(clinic, make_app):
    from textual.widgets import Input

    with open_store() as store:
        store.edit_pet(clinic["bella"], referring_vet="Dr. Weiss", referring_clinic="Tierarztpraxis Nord")

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["bella"])
            await settle(pilot)
            screen = app.screen
            assert screen.query_one("#referring-vet", Input).value == "Dr. Weiss"
            assert screen.query_one("#referring-clinic", Input).value == "Tierarztpraxis Nord"
            screen.query_one("#referring-vet", Input).focus()
            await pilot.press("end", *["backspace"] * 5, *"Braun")  # this time another vet of the practice sent her
            await settle(pilot)
            request = screen.exam_request()
            assert (request.referring_vet, request.referring_clinic) == ("Dr. Braun", "Tierarztpraxis Nord")
            assert request.pet_id == clinic["bella"] and request.region == "brain"

    asyncio.run(scenario())
