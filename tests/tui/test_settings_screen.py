"""Changing settings on the settings screen writes them through the settings core."""

from __future__ import annotations

import asyncio
import socket

from tests.tui.helpers import settle
from vetmri.settings import load_settings
from vetmri.tui.screens.settings_screen import SettingsScreen


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_changed_setting_is_in_the_settings_file(clinic, make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            field = screen.query_one("#dicom-ae_title")
            field.focus()
            await pilot.press(*"CLINIC\\NORD", "enter")  # a backslash is refused
            await settle(pilot)
            assert "must be 1 to 16 printable ASCII characters" in str(screen.query_one("#dicom-ae_title-note").render())
            field.value = ""
            await pilot.press(*"CLINICNORD", "enter")
            await settle(pilot)
            assert str(screen.query_one("#dicom-ae_title-note").render()) == "Saved."
            screen.query_one("#tui-station").focus()
            await pilot.press(*"Clinic Nord MRI", "enter")
            await settle(pilot)
            assert "Clinic Nord MRI" in str(screen.query_one("StatusHeader").render())

    asyncio.run(scenario())
    settings = load_settings()
    assert settings.dicom.ae_title == "CLINICNORD" and settings.tui.station == "Clinic Nord MRI"
    text = settings.path.read_text()
    assert 'ae_title = "CLINICNORD"' in text and 'station = "Clinic Nord MRI"' in text


def test_pacs_node_added_echo_says_why_it_does_not_answer_and_link_test(clinic, make_app):
    port = closed_port()

    async def scenario():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            screen = app.screen
            screen.query_one("#pacs-add").focus()
            await pilot.press(*f"main ORTHANC@127.0.0.1:{port}", "enter")
            await settle(pilot)
            assert screen.query_one("#pacs").row_count == 1
            screen.query_one("#echo").press()
            await settle(pilot, 0.2)
            echo = str(screen.query_one("#pacs-note").render())
            assert echo.startswith("Could not talk to the DICOM node 'main'") and "could not be reached" in echo
            screen.query_one("#scanner-address").value = ""
            screen.query_one("#scanner-address").focus()
            await pilot.press(*f"127.0.0.1:{port}", "enter")
            await settle(pilot)
            screen.query_one("#scanner-backend").value = "link"
            await settle(pilot)
            screen.query_one("#test-scanner").press()
            await settle(pilot, 0.2)
            link = str(screen.query_one("#scanner-backend-note").render())
            assert link.startswith(f"No scanner answers at 127.0.0.1:{port}")

    asyncio.run(scenario())
    settings = load_settings()
    assert settings.pacs_node("main").port == port
    assert settings.scanner.backend == "link" and settings.scanner.address == f"127.0.0.1:{port}"
