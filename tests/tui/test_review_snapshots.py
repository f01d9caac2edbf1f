"""What the vet sees on the review screen at 80x24 and 120x40, dark and light: half-block
images of a real simulated exam of the test tubes, with the prior beside it.

True colour is forced in the settings so that the picture does not depend on the terminal
the tests run in (without it the screen says it has few grey levels)."""

from __future__ import annotations

import pytest

from tests.tui.helpers import settle
from tests.tui.review_data import CURRENT, review_data, simulated_studies  # noqa: F401
from vetmri.settings import set_setting


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_review(size, theme, review_data, snap_compare):  # noqa: F811
    from tests.tui.conftest import FIXED_NOW
    from vetmri.tui.app import VetmriApp

    set_setting("tui.theme", theme)
    set_setting("tui.station", "Clinic Nord")
    set_setting("tui.truecolor", "true")
    set_setting("tui.images", "halfblock")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("pagedown")  # T2 TSE transverse: the three tubes
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot, 0.2)

    app = VetmriApp(clock=lambda: FIXED_NOW, watch_status=False, review_study=CURRENT)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
