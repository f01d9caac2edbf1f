"""The QA screen: opened from the palette, a QA run in a worker, its result and the new
history row, a failing magnet's reason, the trend plot, and a scanner that does not answer."""

from __future__ import annotations

import asyncio
import socket

from rich.text import Text
from textual.widgets import DataTable

from tests.tui.helpers import settle
from vetmri.acquisition.simulated import SimulatedConditions
from vetmri.records.qa_results import qa_results
from vetmri.records.store import open_store
from vetmri.settings import set_setting
from vetmri.tui.screens.qa import QaScreen


def cells(table: DataTable, column: int) -> list[str]:
    """The plain text of one column (markup taken out), top to bottom."""
    return [Text.from_markup(str(table.get_row_at(i)[column])).plain for i in range(table.row_count)]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def test_qa_from_the_palette_runs_and_shows_each_measure_and_the_new_history_row(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"QA")
            await settle(pilot, 0.3)
            await pilot.press("enter")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, QaScreen)
            assert "No QA yet" in text_of(screen, "#qa-latest")
            await pilot.press("r")
            await settle(pilot, 0.2)
            measures = screen.query_one("#qa-measures", DataTable)
            assert cells(measures, 0) == ["SNR", "Uniformity (PIU)", "Ghosting ratio", "Geometric accuracy",
                                          "Slice thickness", "Larmor frequency", "RF transmit scale"]
            assert cells(measures, 3) == ["pass"] * 7
            assert "Latest QA-000001" in text_of(screen, "#qa-latest") and "passed" in text_of(screen, "#qa-latest")
            assert "Every measure within its limits." in text_of(screen, "#qa-reasons")
            history = screen.query_one("#qa-history", DataTable)
            assert cells(history, 0) == ["QA-000001"] and cells(history, 2) == ["pass"]
            assert "stored as QA-000001" in text_of(screen, "#qa-progress")

    asyncio.run(scenario())
    with open_store() as store:
        assert [d["id"] for d in qa_results(store)] == ["QA-000001"]


def test_a_drifted_magnet_fails_with_its_reason_and_the_trend_shows_the_drift(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.push_screen(QaScreen(conditions=SimulatedConditions(drift_hz=20_000.0)))
            await settle(pilot)
            screen = app.screen
            await pilot.press("r")
            await settle(pilot, 0.2)
            reasons = text_of(screen, "#qa-reasons")
            assert "FAIL Larmor frequency: Larmor frequency 8.535496 MHz is +20.00 kHz from the nominal" in reasons
            assert "FAILED" in text_of(screen, "#qa-latest")
            measures = screen.query_one("#qa-measures", DataTable)
            assert cells(measures, 3)[5] == "FAIL"
            history = screen.query_one("#qa-history", DataTable)
            assert cells(history, 2) == ["FAIL"] and cells(history, 10) == ["Larmor"]
            assert "SNR" in text_of(screen, "#qa-trend")
            for _ in range(5):
                await pilot.press("right_square_bracket")
            await pilot.pause(0.1)
            plot = text_of(screen, "#qa-trend")
            assert plot.startswith("Larmor frequency (kHz from nominal)")
            assert any(0x2801 <= ord(ch) <= 0x28FF for ch in plot)  # drawn in braille dots

    asyncio.run(scenario())


def test_a_scanner_that_does_not_answer_is_one_notification_and_no_result(clinic, make_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    set_setting("scanner.backend", "link")
    set_setting("scanner.address", f"127.0.0.1:{port}")

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.push_screen(QaScreen())
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot, 0.2)
            notes = [n.message for n in app._notifications]
            assert notes == [f"No scanner answers at 127.0.0.1:{port} (connection refused); check that the scanner "
                             "(or 'vetmri sim-server') is running and the address is right."]
            assert "No QA yet" in text_of(app.screen, "#qa-latest")
            assert "did not finish" in text_of(app.screen, "#qa-progress")

    asyncio.run(scenario())
