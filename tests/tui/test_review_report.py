"""The report made from the review screen: a key image marked, `R`, a comment, and the
PDF in the study's folder says the pet's name and the comment; a wrong file type is one
sentence in the dialog."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from tests.tui.helpers import settle
from tests.tui.review_data import CURRENT, review_data, simulated_studies  # noqa: F401
from vetmri.records.key_images import key_images
from vetmri.records.store import open_store

pytestmark = pytest.mark.usefixtures("review_data")


def _app():
    from tests.tui.conftest import FIXED_NOW
    from vetmri.tui.app import VetmriApp

    return VetmriApp(clock=lambda: FIXED_NOW, watch_status=False, review_study=CURRENT)


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_report_is_made_from_the_review_screen_with_the_comment():
    async def scenario() -> None:
        app = _app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("end", "l", "w", "right", "escape", "k")  # read at a changed window
            await settle(pilot)
            shown = app.screen.window
            with open_store() as store:
                (marked,) = key_images(store, CURRENT)
            assert (marked.window_center, marked.window_width) == pytest.approx((shown.level, shown.width))
            await pilot.press("R")
            await settle(pilot)
            dialog = app.screen
            assert type(dialog).__name__ == "ReportDialog"
            await pilot.press(*"Tube 3 slightly bright", "enter", "enter")
            await settle(pilot)
            assert type(app.screen).__name__ == "ReviewScreen"
            with open_store() as store:
                expected = store.study_folder(CURRENT) / f"report-{CURRENT}.pdf"
            messages = [n.message for n in app._notifications]
            assert any(str(expected) in m and "Mochi" in m for m in messages), messages
        text = _pdf_text(expected)
        assert "Mochi" in text and "Tube 3 slightly bright" in text
        # the key image (the last slice) with the window it was read at, before the other series' middle slices
        assert f"Key image: #2 T2 TSE sagittal, slice 5/5, W {shown.width:.0f} L" in text, text

    asyncio.run(scenario())


def test_a_png_path_gives_page_one_and_a_wrong_type_is_one_sentence(tmp_path):
    async def scenario() -> None:
        app = _app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            out = app.screen.query_one("#report-out")
            out.value = str(tmp_path / "mochi.docx")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert type(app.screen).__name__ == "ReportDialog"
            problem = str(app.screen.query_one("#report-problem").render())
            assert problem == "The report is written as FILE.pdf or FILE.png, not 'mochi.docx'; name the file with one of those."
            out.value = str(tmp_path / "mochi.png")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert type(app.screen).__name__ == "ReviewScreen"
        assert (tmp_path / "mochi.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    asyncio.run(scenario())
