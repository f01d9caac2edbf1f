"""The acquisition screen as the operator uses it: the demo exam started from the exam
set-up, live slices while the series runs, abort (confirmed) and resume, skip, the vitals
reminder and log, and a scanner that is not there or dies."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import timedelta

from tests.acquisition.link.conftest import start_sim_server  # noqa: F401  (fixture)
from tests.tui.helpers import settle
from vetmri.exam import ExamRequest
from vetmri.records.store import open_store
from vetmri.records.vitals import vitals_of_study
from vetmri.settings import set_setting
from vetmri.tui.screens.acquisition import AcquisitionScreen
from vetmri.tui.screens.confirm import ConfirmDialog
from vetmri.tui.screens.vitals_dialog import VitalsDialog
from vetmri.tui.widgets.live_slice import LiveSlicePanel

SMALL = ("matrix=32,32", "slices=2", "averages=1")


async def wait_until(pilot, condition, what: str, limit_s: float = 120.0) -> None:
    """Let the app run until ``condition()`` holds (``limit_s`` only keeps a broken run from hanging)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen; the notes were: {notes(pilot.app)}"
        await pilot.pause(0.02)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def use_link(address: str) -> None:
    set_setting("scanner.backend", "link")
    set_setting("scanner.address", address)


def test_the_demo_exam_from_the_set_up_shows_calibration_progress_and_a_live_slice(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            seen = {}

            def first_slice_while_running() -> bool:
                screen = app.screen
                panels = screen.query(LiveSlicePanel) if isinstance(screen, AcquisitionScreen) else []
                if not panels or panels.first().slice is None:  # not composed yet, or no slice yet
                    return False
                seen.setdefault("state", screen.snapshot.series[0].state)
                seen.setdefault("calibration", text(screen, "#calibration"))
                seen.setdefault("progress", text(screen, "#series-progress"))
                return True

            await app.run_action("demo_exam")  # the palette's entry: the set-up, then start
            await wait_until(pilot, first_slice_while_running, "a live slice")
            assert seen["state"] == "running", "the first slice came after its series ended"
            assert "✓ calibration" in seen["calibration"]
            for result in ("Larmor frequency: centre frequency", "noise level: receiver noise", "shim: linear shim",
                           "RF scale: RF scale"):
                assert result in seen["calibration"]
            assert "left · slice " in seen["progress"]
            screen = app.screen
            assert screen.snapshot.series[0].description == "Localizer 3-plane"
            assert [s.state for s in screen.snapshot.series[1:]] == ["planned"] * 6
            await pilot.press("a")
            await pilot.pause(0.1)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await wait_until(pilot, lambda: not app.exam_running, "the abort")
            await settle(pilot)
            assert app.screen.snapshot.status == "incomplete"
            assert any("incomplete: The operator aborted the exam; press u" in n for n in notes(app))

    asyncio.run(scenario())


def test_abort_asks_first_and_resume_finishes_the_exam(clinic, make_app, start_sim_server):
    server = start_sim_server("--pace", "5")  # slow enough to abort in the middle of a series
    use_link(server.address)

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(1, 2), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: app.live_exam.snapshot().current == 1, "series 1 running")
            screen = app.screen
            await pilot.press("a")
            await pilot.pause(0.1)
            await pilot.press("n")  # no: the exam goes on
            await pilot.pause(0.2)
            assert app.screen is screen and app.exam_running
            await pilot.press("a", "y")
            await wait_until(pilot, lambda: not app.exam_running, "the abort")
            await settle(pilot)
            snapshot = app.live_exam.snapshot()
            study = snapshot.study_id
            assert snapshot.status == "incomplete" and snapshot.series[0].state == "failed"
            await pilot.press("u")
            await wait_until(pilot, lambda: app.live_exam.snapshot().status == "complete", "the resumed exam")
            await settle(pilot)
            assert [s.state for s in app.screen.snapshot.series] == ["done", "done"]
        with open_store() as store:
            assert store.study(study).status == "complete"
            assert [s.parameters["exam_index"] for s in store.series_of_study(study)] == [1, 2]

    asyncio.run(scenario())


def test_a_planned_series_skipped_from_the_screen_is_not_acquired(clinic, make_app, start_sim_server):
    server = start_sim_server("--pace", "5")
    use_link(server.address)

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(1, 2), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: app.live_exam.snapshot().current == 1, "series 1 running")
            await pilot.pause(0.1)
            await pilot.press("down", "s")  # the second row: series 2, still planned
            await wait_until(pilot, lambda: not app.exam_running, "the end of the exam")
            await settle(pilot)
            snapshot = app.screen.snapshot
            assert snapshot.status == "complete"
            assert [(s.index, s.state) for s in snapshot.series] == [(1, "done"), (2, "skipped")]
            assert any("skipped: The operator skipped the series." in n for n in notes(app))

    asyncio.run(scenario())


def test_the_vitals_reminder_and_the_vitals_entered_end_up_in_the_records(clinic, make_app, start_sim_server):
    server = start_sim_server("--pace", "5")
    use_link(server.address)

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(1, 2), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: app.live_exam.snapshot().current == 1, "series 1 running")
            live = app.live_exam
            start = live.snapshot().anaesthesia_started_at
            live.now = lambda: start + timedelta(minutes=5, seconds=3)  # five minutes under anaesthesia
            app.check_vitals_due()
            await pilot.pause(0.1)
            assert any("5 min under anaesthesia: record the vital signs" in n for n in notes(app))
            assert "vitals due now" in text(app.screen, "#vitals")
            await pilot.press("v")
            await pilot.pause(0.2)
            assert isinstance(app.screen, VitalsDialog)
            await pilot.press(*"9o", "tab", *"120")  # two wrong values: a sentence under each
            await pilot.pause(0.1)
            dialog = app.screen
            assert text(dialog, "#p-heart_rate_bpm") == "The heart rate '9o' is not a number; type it in beats/min."
            assert text(dialog, "#p-spo2_percent") == ("The SpO2 120 % is outside 50-100 %; check the monitor and "
                                                       "type it again.")
            await pilot.press("ctrl+s")
            await pilot.pause(0.2)
            assert isinstance(app.screen, VitalsDialog)  # refused: nothing saved
            await pilot.press("shift+tab", "backspace", "backspace", *"92", "tab", "backspace", "backspace", "backspace",
                              *"98", "tab", *"38", "tab", *"37.5", "ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, AcquisitionScreen), "the vitals saved")
            await pilot.pause(0.1)
            assert app.exam_running and "vitals due in" in text(app.screen, "#vitals")  # no longer due
            study = app.live_exam.snapshot().study_id
            await wait_until(pilot, lambda: not app.exam_running, "the end of the exam")
        with open_store() as store:
            log = vitals_of_study(store, study)
        assert [(v.heart_rate_bpm, v.spo2_percent, v.etco2_mmhg, v.temperature_c) for v in log] == [(92, 98, 38, 37.5)]

    asyncio.run(scenario())


def test_a_scanner_that_is_not_there_is_a_notification_not_a_crash(clinic, make_app):
    use_link("127.0.0.1:9")  # nothing listens on the discard port here

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(1,), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: not app.exam_running, "the failed start")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, AcquisitionScreen)
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert errors and "No scanner answers at 127.0.0.1:9" in errors[0] and "Traceback" not in errors[0]
            assert "No scanner answers" in text(app.screen, "#series-progress")

    asyncio.run(scenario())


def test_a_killed_scanner_is_a_notification_with_the_way_to_resume(clinic, make_app, start_sim_server):
    server = start_sim_server("--pace", "5")
    use_link(server.address)

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.start_exam(ExamRequest(clinic["mochi"], "brain", series=(1, 2), overrides=SMALL))
            app.action_acquisition()
            await wait_until(pilot, lambda: app.live_exam.snapshot().current == 1, "series 1 running")
            os.kill(server.process.pid, signal.SIGKILL)
            await wait_until(pilot, lambda: not app.exam_running, "the end of the exam")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, AcquisitionScreen)
            stopped = [n for n in notes(app) if "stopped:" in n]
            assert stopped and "readouts kept); press u on the acquisition screen" in stopped[0]
            assert app.live_exam.snapshot().series[0].state == "failed"

    asyncio.run(scenario())
