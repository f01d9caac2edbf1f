"""A training case chosen from the palette: the case's animal is registered with its
alert, and its exam runs on the simulator with the study marked training."""

from __future__ import annotations

import asyncio
import time

from tests.tui.helpers import settle
from vetmri.records.store import open_store
from vetmri.tui.screens.training_picker import TrainingPicker


def test_a_training_case_starts_from_the_palette(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*"training case")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TrainingPicker)
            await pilot.press("down", "enter")  # the second case: the cat's spine
            deadline = time.monotonic() + 60
            while not app.exam_running and time.monotonic() < deadline:
                await pilot.pause(0.1)
            assert app.exam_running
            assert any("Training case started: Cat spine" in n.message for n in app._notifications)
            while time.monotonic() < deadline:  # wait until the study is filed, then stop the exam
                with open_store() as store:
                    if store.list_studies():
                        break
                await pilot.pause(0.2)
            app.abort_exam()
            while app.exam_running and time.monotonic() < deadline + 60:
                await pilot.pause(0.2)

    asyncio.run(scenario())
    with open_store() as store:
        (study,) = store.list_studies()
        pet = store.pet(study.pet_id)
    assert study.training and study.region == "thoracolumbar_spine"
    assert pet.species == "cat" and any("not a real patient" in a for a in pet.alerts)
