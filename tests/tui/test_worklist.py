"""Today's work comes from the clinic's worklist server (a real Orthanc with its worklist
plugin) merged with what the records have planned; a server that is down is one sentence."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from datetime import date, datetime, time

from textual.widgets import DataTable

from tests.dicom.peers import start_orthanc
from tests.dicom.samples import SCHEDULED
from tests.tui.helpers import settle
from vetmri.dicom.worklist import worklist_item
from vetmri.settings import set_setting


def today_rows(screen) -> list[list[str]]:
    table = screen.query_one("#today", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_the_worklist_of_today_is_merged_with_the_planned_studies(clinic, make_app, tmp_path):
    orthanc = start_orthanc(tmp_path / "orthanc")
    try:
        today = date.today()
        for number, item in enumerate(SCHEDULED[:2]):  # Bello at 10:00 and the cat at 11:30, today
            moved = replace(item, scheduled_start=datetime.combine(today, item.scheduled_start.time()))
            worklist_item(moved).save_as(orthanc.folder / f"item{number}.wl", enforce_file_format=True)
        node = orthanc.node
        set_setting("pacs.worklist", f"{node.ae_title}@{node.host}:{node.port}")

        async def scenario():
            app = make_app()
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot, 0.2)
                rows = today_rows(app.screen)
                assert [r[:2] for r in rows] == [["10:00", "Bello"], ["11:30", "小虎"], ["today", "Mochi"]]
                assert rows[0][2:4] == ["dog", "German shepherd"] and rows[0][-1] == "planned"

        asyncio.run(scenario())
    finally:
        orthanc.stop()


def test_a_worklist_server_that_does_not_answer_is_one_sentence_and_the_rest_shows(clinic, make_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    set_setting("pacs.worklist", f"RIS@127.0.0.1:{port}")

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot, 0.2)
            assert [r[1] for r in today_rows(app.screen)] == ["Mochi"]  # the records' own plan
            warnings = [n.message for n in app._notifications if n.severity == "warning"]
            assert len(warnings) == 1 and warnings[0].startswith("Worklist not refreshed: ")
            assert "\n" not in warnings[0] and "Traceback" not in warnings[0]

    asyncio.run(scenario())
