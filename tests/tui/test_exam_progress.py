"""The exam set-up an exam was started from follows it to its end while the acquisition
screen is on top (going back to it shows how the exam ended, not "Starting ...")."""

from __future__ import annotations

import asyncio

from tests.tui.helpers import settle
from tests.tui.test_acquisition import SMALL, wait_until
from vetmri.exam import ExamRequest
from vetmri.tui.screens.acquisition import AcquisitionScreen
from vetmri.tui.screens.exam_setup import ExamSetupScreen


def test_the_set_up_under_the_acquisition_screen_shows_the_end_of_the_exam(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_exam_setup(clinic["mochi"])
            await settle(pilot)
            setup = app.screen
            assert isinstance(setup, ExamSetupScreen)
            assert app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(0,), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: isinstance(app.screen, AcquisitionScreen), "the acquisition screen")
            await wait_until(pilot, lambda: not app.exam_running, "the end of the exam")
            await settle(pilot, 0.2)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is setup
            line = str(setup.query_one("#progress").render())
            assert "is complete (1 series)" in line, line

    asyncio.run(scenario())

