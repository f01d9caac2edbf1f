"""What the physicist sees on the QA screen at 80x24 and 120x40, with a seeded history in a
real record store (baselines in ``__snapshots__/``, as the other screens')."""

from __future__ import annotations

import pytest

from tests.tui.helpers import settle
from tests.tui.qa_history import seed_qa_history
from tests.tui.test_snapshots import fixed_home  # noqa: F401  (fixture)
from vetmri.records.store import open_store
from vetmri.settings import set_setting


@pytest.mark.parametrize(("size", "plots_forward"), [((80, 24), 0), ((120, 40), 5)], ids=["80x24-snr", "120x40-larmor"])
def test_qa_screen(size, plots_forward, fixed_home, clinic, make_app, snap_compare):  # noqa: F811
    set_setting("tui.station", "Clinic Nord")
    with open_store() as store:
        seed_qa_history(store)

    async def run_before(pilot) -> None:
        from vetmri.tui.screens.qa import QaScreen

        await settle(pilot)
        pilot.app.push_screen(QaScreen())
        await settle(pilot, 0.1)
        for _ in range(plots_forward):
            await pilot.press("right_square_bracket")
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
