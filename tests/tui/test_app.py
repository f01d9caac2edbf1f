"""The app frame: theme remembered, palette, help, failures as one sentence, coalescing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.tui.helpers import settle
from vetmri.settings import load_settings
from vetmri.tui.screens.help import HelpScreen
from vetmri.tui.screens.patients import PatientsScreen
from vetmri.tui.screens.settings_screen import SettingsScreen
from vetmri.tui.widgets.progress_line import ProgressLine


def test_the_theme_chosen_is_remembered_in_the_settings(clinic, make_app):
    async def scenario(expect_dark: bool):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.current_theme.dark is expect_dark
            await pilot.press("ctrl+t")
            await settle(pilot)
            assert app.current_theme.dark is not expect_dark

    asyncio.run(scenario(expect_dark=True))
    assert load_settings().tui.theme == "light"
    assert 'theme = "light"' in load_settings().path.read_text()
    asyncio.run(scenario(expect_dark=False))  # starts light, as left
    assert load_settings().tui.theme == "dark"


def test_the_palette_opens_settings_and_help_shows_the_keys(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*"settings")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, PatientsScreen)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            markdown = app.screen.query_one("Markdown")
            assert "New pet" in markdown.source and "ctrl+q" in markdown.source
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, PatientsScreen)

    asyncio.run(scenario())


def test_a_failing_worker_is_one_sentence_in_a_notification(tmp_path: Path, monkeypatch, make_app):
    """The data folder is a file (say, an unmounted disk's mount point replaced by one):
    the search worker fails; the staff see one sentence, never a traceback, and the app lives."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("VETMRI_DATA_DIR", str(blocker))

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            errors = [n for n in app._notifications if n.severity == "error"]
            assert errors, "the failure was not shown"
            for notification in errors:
                assert "Traceback" not in notification.message and "\n" not in notification.message
                assert notification.message.rstrip().endswith(".")
            assert isinstance(app.screen, PatientsScreen) and app.is_running

    asyncio.run(scenario())


def test_progress_reports_queued_together_coalesce_to_the_newest(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            line = ProgressLine()
            await app.screen.mount(line)
            for i in range(500):  # posted faster than drawn: they wait in the queue together
                line.post_message(ProgressLine.Progress("exam", i / 499, f"step {i}"))
            await pilot.pause(0.3)
            assert str(line.render()).endswith("step 499")
            assert 1 <= line.drawn < 10

    asyncio.run(scenario())


def test_ctrl_q_quits(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause(0.2)
            assert not app.is_running

    asyncio.run(scenario())
