"""What the staff see: every screen at 80x24 and 120x40, dark and light.

Baselines live in ``__snapshots__/``; after a deliberate change of a screen, look at the
differences (``pytest --snapshot-report``) and accept them with ``--snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.tui.helpers import settle
from vetmri.settings import set_setting

#: A fixed home, so the paths the settings screen shows are the same on every run.
SNAPSHOT_HOME = Path("/tmp/vetmri-tui-snapshots")


@pytest.fixture
def fixed_home(monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.rmtree(SNAPSHOT_HOME, ignore_errors=True)
    monkeypatch.setenv("VETMRI_CONFIG", str(SNAPSHOT_HOME / "settings.toml"))
    monkeypatch.setenv("VETMRI_DATA_DIR", str(SNAPSHOT_HOME / "data"))
    yield SNAPSHOT_HOME
    shutil.rmtree(SNAPSHOT_HOME, ignore_errors=True)


async def _patients(pilot, ids):
    await pilot.press("slash", *"le")


async def _pet(pilot, ids):
    from vetmri.tui.screens.pet_detail import PetDetailScreen

    pilot.app.push_screen(PetDetailScreen(ids["bella"]))


async def _form(pilot, ids):
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(*"Ana Novak", "tab", "tab", "tab", *"Luna", "tab", *"cat", "tab", *"40")


async def _exam(pilot, ids):
    from vetmri.tui.widgets.plan_table import PlanTable

    pilot.app.open_exam_setup(ids["bella"])
    # the plan arrives after the pet's record and the region: wait for its rows and focus
    for _ in range(200):
        await settle(pilot)
        tables = pilot.app.screen.query(PlanTable)
        if tables and tables.first().row_count and tables.first().has_focus:
            break
    await pilot.press("down", "right", "right", "enter")
    await settle(pilot)
    await pilot.press(*"50")


async def _settings(pilot, ids):
    await pilot.press("f2")


async def _help(pilot, ids):
    # the help covers the home screen: let its lists fill first, so the picture is the same every run
    for _ in range(100):
        screen = pilot.app.screen
        if screen.query("#today") and screen.query_one("#today").row_count and screen.query("#results") \
                and screen.query_one("#results").row_count:
            break
        await pilot.pause(0.05)
    await pilot.press("question_mark")


SCREENS = {"patients": _patients, "pet": _pet, "form": _form, "exam": _exam, "settings": _settings, "help": _help}


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen, size, theme, fixed_home, clinic, make_app, snap_compare):
    set_setting("tui.theme", theme)
    set_setting("tui.station", "Clinic Nord")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await SCREENS[screen](pilot, clinic)
        await settle(pilot, 0.1)
        for field in pilot.app.screen.query(Input):  # a steady cursor: the same picture every run
            field.cursor_blink = False
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
