"""Send and export: a study (or one series) to a PACS node, the send queue live, and an
export with a DICOMDIR to a folder or USB stick, de-identified on request.

The screen decides nothing: it queues through :mod:`vetmri.dicom.send_queue`, lists
:func:`vetmri.dicom.queue_drain.queue_rows`, retries and cancels through the records'
send queue and exports with :func:`vetmri.dicom.study_export.export_study`. The app
drains the queue in the background (:mod:`vetmri.tui.queue_worker`); each of its steps
redraws the queue here.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Select, Static

from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table

__all__ = ["SendScreen"]

SERIES_COLUMNS = ("#", "series", "images")
QUEUE_COLUMNS = ("job", "study", "series", "to", "status", "tries", "next try", "reason")
_NO_STUDY = "No study with images yet: open a pet's study (s on the pet's record) to send or export it."


class SendScreen(CoreScreen):
    """Send or export the study ``study_id`` (the newest study with images when None)."""

    TITLE = "Send and export"
    CSS_PATH = stylesheet("screens/send.tcss")
    BINDINGS = [
        Binding("s", "send_study", "Send study"),
        Binding("v", "send_series", "Send series"),
        Binding("r", "retry", "Retry"),
        Binding("c", "cancel_job", "Cancel"),
        Binding("x", "export", "Export"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## Send and export
**Send**: `s` queues every series of the study for the PACS node chosen under *To*, `v`
only the highlighted series. The queue below is live: *pending* (with the next try),
*sending*, *sent*, *failed* (with the reason) or *cancelled*. The workstation sends by
itself while it runs: a PACS that is down is asked every few seconds whether it answers
again, and what waited for it leaves then. `r` retries the highlighted job now, `c`
cancels it. **Export** (`x`): the study with a DICOMDIR into the folder given (an empty
folder, or an empty USB stick); *de-identify* replaces names, IDs and UIDs and shifts the
dates (PS3.15 basic profile) — the originals never change.
"""

    class Loaded(Message):
        """The study's choices and the queue, read by a worker."""

        def __init__(self, choices, rows, now) -> None:
            super().__init__()
            self.choices = choices
            self.rows = rows
            self.now = now

    class Done(Message):
        """An action finished: one sentence for the status line."""

        def __init__(self, text: str, ok: bool = True) -> None:
            super().__init__()
            self.text = text
            self.ok = ok

    def __init__(self, study_id: str | None = None) -> None:
        super().__init__()
        self.study_id = study_id
        self._choices = None
        self._rows: dict = {}
        self._now = None

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="send"):
            yield Label("", id="send-title")
            with Horizontal(id="send-top"):
                series = DataTable(id="send-series", cursor_type="row", zebra_stripes=True)
                series.add_columns(*SERIES_COLUMNS)
                yield series
                with Vertical(id="send-controls"):
                    yield Label("To PACS node")
                    yield Select([], prompt="no PACS node", id="send-node")
                    yield Checkbox("de-identify the export", id="send-deidentify")
            yield Label("Send queue", classes="send-section")
            queue = DataTable(id="send-queue", cursor_type="row", zebra_stripes=True)
            queue.add_columns(*QUEUE_COLUMNS)
            yield queue
            yield Static("", id="send-job")
            with Horizontal(id="send-export"):
                yield Label("Export to", id="send-export-label")
                yield Input(placeholder="an empty folder or USB stick", id="send-folder")
            yield Static("", id="send-status")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)

    def on_screen_resume(self) -> None:
        self.load()

    def queue_changed(self, message) -> None:
        """The app worked the queue: show it as it is now."""
        self.load()

    # -- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="send-load", exit_on_error=False, name="reading the send queue")
    def load(self) -> None:
        from datetime import timezone

        from vetmri.dicom.queue_drain import queue_rows
        from vetmri.dicom.send_choices import latest_study_with_images, send_choices

        settings = self.app.context.settings()  # type: ignore[attr-defined]
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            if self.study_id is None:
                self.study_id = latest_study_with_images(store)
            choices = send_choices(store, settings, self.study_id) if self.study_id else None
            rows = queue_rows(store)
        now = self.app.clock()  # type: ignore[attr-defined]
        now = now.astimezone(timezone.utc) if now.tzinfo else now.astimezone().astimezone(timezone.utc)
        self.post_message(self.Loaded(choices, rows, now))

    def on_send_screen_loaded(self, message: Loaded) -> None:
        choices = message.choices
        first = self._choices is None
        self._choices = choices
        title = self.query_one("#send-title", Label)
        if choices is None:
            title.update(_NO_STUDY)
        else:
            title.update(f"[b]{choices.title}[/b]")
            if first:
                self._fill_controls(choices)
        queue = self.query_one("#send-queue", DataTable)
        cursor = queue.cursor_row
        self._rows = {r.job_id: r for r in message.rows}
        self._now = message.now
        rows = [(r.job_id, (r.job_id, r.study_id, r.series, r.destination, r.status, r.attempts,
                            r.next_try(message.now), r.reason or "-")) for r in message.rows]
        fill_table(queue, QUEUE_COLUMNS, rows or [(None, ("-", "", "the queue is empty", "", "", "", "", ""))])
        if rows:
            queue.move_cursor(row=min(cursor, len(rows) - 1))
        self._show_job(self._highlighted("#send-queue"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "send-queue":
            self._show_job(event.row_key.value)

    def _show_job(self, job_id: str | None) -> None:
        """The highlighted job in full: its reason and when it is tried next."""
        row = self._rows.get(job_id) if job_id else None
        line = self.query_one("#send-job", Static)
        if row is None:
            line.update("")
            return
        text = f"{row.job_id} {row.series} -> {row.destination}: {row.status}"
        if row.status == "pending" and row.next_attempt_at is not None:
            local = row.next_attempt_at.astimezone()
            text += f", next try {local:%H:%M:%S} ({row.next_try(self._now)})"
        if row.reason and row.status != "sent":
            text += f"; {row.reason.rstrip('.')}."
        line.update(text)

    def _fill_controls(self, choices) -> None:
        series_rows = [(s.series_id, (s.number, s.description, s.images)) for s in choices.series]
        fill_table(self.query_one("#send-series", DataTable), SERIES_COLUMNS,
                   series_rows or [(None, ("-", "no series with images", ""))])
        node = self.query_one("#send-node", Select)
        node.set_options([(name, name) for name in choices.nodes])
        if choices.nodes:
            node.value = choices.nodes[0]
        self.query_one("#send-folder", Input).value = choices.export_folder
        self.query_one("#send-series", DataTable).focus()

    # -- actions ---------------------------------------------------------------------------

    def _node(self) -> str | None:
        value = self.query_one("#send-node", Select).value
        if value is Select.BLANK or not value:
            self._say("Add a PACS node first (Settings, F2), then choose it under 'To PACS node'.", ok=False)
            return None
        return str(value)

    def _highlighted(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return key or None

    def action_send_study(self) -> None:
        node = self._node()
        if node and self.study_id:
            self._enqueue(node, None)

    def action_send_series(self) -> None:
        node = self._node()
        series_id = self._highlighted("#send-series")
        if node and self.study_id and series_id:
            self._enqueue(node, series_id)

    @work(thread=True, exclusive=True, group="send-act", exit_on_error=False, name="queueing the send")
    def _enqueue(self, node: str, series_id: str | None) -> None:
        from vetmri.dicom.send_queue import enqueue_series, enqueue_study

        settings = self.app.context.settings()  # type: ignore[attr-defined]
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            if series_id is None:
                jobs = enqueue_study(store, self.study_id, node, settings)
            else:
                jobs = [enqueue_series(store, self.study_id, series_id, node, settings)]
        what = "1 series" if len(jobs) == 1 else f"{len(jobs)} series"
        self.post_message(self.Done(f"Queued {what} of {self.study_id} for '{node}'; sending now."))
        self.app.drain_queue()  # type: ignore[attr-defined]

    def action_retry(self) -> None:
        job_id = self._highlighted("#send-queue")
        if job_id:
            self._change(job_id, "retry")

    def action_cancel_job(self) -> None:
        job_id = self._highlighted("#send-queue")
        if job_id:
            self._change(job_id, "cancel")

    @work(thread=True, exclusive=True, group="send-act", exit_on_error=False, name="changing the send job")
    def _change(self, job_id: str, how: str) -> None:
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            if how == "retry":
                store.retry_send(job_id)
            else:
                store.cancel_send(job_id)
        self.post_message(self.Done(f"Job {job_id} {'is due now' if how == 'retry' else 'is cancelled'}."))
        if how == "retry":
            self.app.drain_queue()  # type: ignore[attr-defined]
        else:
            self.load()

    def action_export(self) -> None:
        folder = self.query_one("#send-folder", Input).value.strip()
        if not self.study_id:
            return
        if not folder:
            self._say("Give the folder to export to (an empty folder or USB stick).", ok=False)
            return
        self._say(f"Exporting {self.study_id} to {folder}...")
        self._export(Path(folder).expanduser(), self.query_one("#send-deidentify", Checkbox).value)

    @work(thread=True, exclusive=True, group="send-export", exit_on_error=False, name="the export")
    def _export(self, folder: Path, deidentify: bool) -> None:
        from vetmri.dicom.study_export import export_study

        settings = self.app.context.settings()  # type: ignore[attr-defined]
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            result = export_study(store, self.study_id, folder, anonymize=deidentify, uid_root=settings.dicom.uid_root)
        how = f", de-identified as {result.pseudonym}" if result.anonymized else ""
        self.post_message(self.Done(f"Exported {len(result.files)} images with a DICOMDIR to {folder}{how}."))

    def on_send_screen_done(self, message: Done) -> None:
        self._say(message.text, ok=message.ok)
        self.app.notify(message.text, severity="information" if message.ok else "warning")

    def _say(self, text: str, *, ok: bool = True) -> None:
        status = self.query_one("#send-status", Static)
        status.update(text)
        status.set_class(not ok, "send-problem")

    def action_back(self) -> None:
        self.app.pop_screen()
