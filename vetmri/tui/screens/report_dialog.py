"""Make the referring vet's report of a study from the review: the technician's comment
and where the file goes (a PDF in the study's folder unless another path is typed; a name
ending in ``.png`` gives page 1 as an image).

The report is gathered and written by :func:`vetmri.report.sources.study_report` in a
worker; what is wrong (an unknown file type, a missing folder) is one sentence under the
fields, and the path written is a notification.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from vetmri.tui.styles import stylesheet

__all__ = ["ReportDialog"]


class ReportDialog(ModalScreen["Path | None"]):
    """The report of study ``study_id``; dismisses with the file written (None: cancelled)."""

    CSS_PATH = stylesheet("screens/report_dialog.tcss")
    BINDINGS = [Binding("ctrl+s", "make", "Make report", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, study_id: str, default_out: Path) -> None:
        super().__init__()
        self.study_id = study_id
        self.default_out = default_out

    def compose(self) -> ComposeResult:
        with Vertical(id="report-form"):
            yield Label(f"Report of study {self.study_id} for the referring vet", id="report-title")
            with Horizontal(classes="report-row"):
                yield Label("comment", classes="report-label")
                yield Input(id="report-comment", placeholder="the technician's comment (may be empty)")
            with Horizontal(classes="report-row"):
                yield Label("file (.pdf, .png)", classes="report-label")
                yield Input(str(self.default_out), id="report-out")
            yield Label("", id="report-problem")
            with Horizontal(id="report-buttons"):
                yield Button("Make report (ctrl+s)", id="make", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#report-comment", Input).focus()

    @on(Input.Submitted, "#report-comment")
    def _comment_done(self) -> None:
        self.query_one("#report-out", Input).focus()

    @on(Input.Submitted, "#report-out")
    @on(Button.Pressed, "#make")
    def _make_pressed(self) -> None:
        self.action_make()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_make(self) -> None:
        typed = self.query_one("#report-out", Input).value.strip()
        out = Path(typed) if typed else self.default_out
        self.query_one("#report-problem", Label).update("making the report…")
        self.make(self.query_one("#report-comment", Input).value, out)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, name="making the report")
    def make(self, comment: str, out: Path) -> None:
        from vetmri.errors import VetmriError
        from vetmri.report.sources import study_report

        try:
            with self.app.context.store() as store:  # type: ignore[attr-defined]
                content, path = study_report(store, self.app.context.settings(), self.study_id,  # type: ignore[attr-defined]
                                             None if out == self.default_out else out, comment=comment)
        except VetmriError as exc:
            self.app.call_from_thread(self.query_one("#report-problem", Label).update, str(exc))
            return
        self.app.call_from_thread(self._made, content.pet_name, len(content.images), path)

    def _made(self, pet_name: str, images: int, path: Path) -> None:
        self.app.notify(f"Report for {pet_name} with {images} images written to {path}")
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
