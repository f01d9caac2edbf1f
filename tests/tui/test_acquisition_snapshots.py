"""What the operator sees of a running exam: the acquisition screen at 80x24 and 120x40,
dark and light, from a recorded exam state (fixed clock, drawn slice), so the picture is
the same on every run. Baselines in ``__snapshots__/``; accept a deliberate change with
``--snapshot-update``."""

from __future__ import annotations

import pytest

from tests.tui.frozen_exam import frozen_exam
from tests.tui.helpers import settle
from vetmri.settings import set_setting
from vetmri.tui.screens.acquisition import AcquisitionScreen


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_acquisition_screen(size, theme, clinic, make_app, snap_compare):
    set_setting("tui.theme", theme)
    set_setting("tui.station", "Clinic Nord")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.live_exam = frozen_exam()
        pilot.app.push_screen(AcquisitionScreen())
        await settle(pilot, 0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
