"""Acquisition: the running exam as it happens.

The screen shows the app's :class:`~vetmri.tui.live_exam.LiveExam` (fed by the exam's
events in the app's worker), so leaving it stops nothing and returning shows the exam as
it is now: calibration results, the series with their state, the series and exam
progress with the scan time left, the exam clock, the time under anaesthesia and when
the vital signs are due, and the newest reconstructed slice. Abort (confirmed), skip and
repeat go to the exam use case through the app.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Static

from vetmri.tui.live_exam import STEP_NAMES, ExamSnapshot
from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.live_slice import LiveSlicePanel
from vetmri.tui.widgets.status_header import StatusHeader

__all__ = ["AcquisitionScreen", "bar", "clock"]

#: (key, heading) of the series table's columns.
COLUMNS = (("no", "#"), ("name", "series"), ("state", "state"), ("scan", "scan"), ("images", "images"))
#: Characters of a series name shown below 100 columns (the slice needs the room).
NARROW_NAME = 22
STATE_MARKS = {"planned": " ", "running": "▶", "done": "✓", "failed": "✗", "skipped": "–"}


def clock(seconds: float) -> str:
    """``12:41`` (minutes:seconds), ``1:02:03`` past an hour."""
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar(fraction: float, width: int = 16) -> str:
    filled = int(round(max(0.0, min(1.0, fraction)) * width))
    return "█" * filled + "░" * (width - filled)


class AcquisitionScreen(CoreScreen):
    """The exam the app runs (or ran last)."""

    TITLE = "Acquisition"
    CSS_PATH = stylesheet("screens/acquisition.tcss")
    BINDINGS = [
        Binding("a", "abort", "Abort"),
        Binding("s", "skip", "Skip"),
        Binding("r", "repeat", "Repeat"),
        Binding("u", "resume", "Resume"),
        Binding("v", "vitals", "Vitals"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## Acquisition
The exam runs in the background: `escape` leaves this screen and the exam goes on (the
header shows it; click it, or *Acquisition* in the palette, to come back). Calibration
shows each step's result (Larmor frequency, noise level, shim, RF scale). The table lists
the series: `▶` running, `✓` done, `✗` stopped or failed, `–` skipped. Select one with the
arrows: `s` skips it (one running stops, what it received is kept), `r` acquires it again
(after the exam when one runs), `u` resumes a stopped exam (nothing received is lost),
`a` aborts (asks first). The time under anaesthesia counts from the study's first run;
the vital signs are due every 5 minutes (ACVAA): `v` records them with the study.
"""

    snapshot = ExamSnapshot()

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="acquisition"):
            yield Static("", id="title")
            with Horizontal(id="body"):
                with Vertical(id="left"):
                    yield Static("", id="calibration")
                    table = DataTable(id="series", cursor_type="row", zebra_stripes=False)
                    for key, label in COLUMNS:
                        table.add_column(label, key=key)
                    yield table
                    yield Static("", id="series-progress")
                    yield Static("", id="exam-progress")
                    yield Static("", id="vitals")
                yield LiveSlicePanel(id="slice")
        yield Footer()

    def on_mount(self) -> None:
        self._rows: tuple = ()
        self._ready = True
        self.show_state(self.app.live_exam.snapshot())  # type: ignore[attr-defined]
        self.set_interval(1.0, self._tick)

    def on_screen_resume(self) -> None:
        self.show_state(self.app.live_exam.snapshot())  # type: ignore[attr-defined]

    def _tick(self) -> None:
        snapshot = self.app.live_exam.snapshot()  # type: ignore[attr-defined]
        if snapshot.running or snapshot.vitals_due_at is not None:
            self._show_clocks(snapshot)

    # -- drawing -----------------------------------------------------------------------------

    def show_state(self, snapshot: ExamSnapshot) -> None:
        """Draw ``snapshot`` (called by the app when the exam changed)."""
        self.snapshot = snapshot
        if not getattr(self, "_ready", False):  # pushed, not mounted yet: on_mount draws it
            return
        self._show_clocks(snapshot)
        self._show_calibration(snapshot)
        self._show_series(snapshot)
        self._show_progress(snapshot)
        self.query_one(LiveSlicePanel).show(snapshot.newest)

    def _show_clocks(self, s: ExamSnapshot) -> None:
        who = f"[b]{s.pet_name}[/b] · {s.study_id}" if s.study_id else "Starting the exam ..."
        state = "running" if s.running else (s.status or "stopped")
        text = (f"{who} · {state} · exam {clock(s.exam_elapsed_s)} · scan {clock(s.scan_done_s)}/"
                f"{clock(s.scan_time_s)} · anaesthesia {clock(s.anaesthesia_s)}")
        self.query_one("#title", Static).update(text)
        due = s.vitals_due_in_s
        vitals = self.query_one("#vitals", Static)
        if due is None:
            vitals.update("")
        elif due <= 0:
            vitals.update(f"[b reverse] vitals due now [/] ({clock(-due)} overdue): press v")
        else:
            vitals.update(f"vitals due in {clock(due)} (v records them)")
        vitals.set_class(due is not None and due <= 0, "due")

    def _show_calibration(self, s: ExamSnapshot) -> None:
        mark = "✓" if s.calibrated else ("▶" if s.running else " ")
        lines = [f"{mark} calibration" + ("" if s.calibrated else f" {s.calibration_fraction:.0%}")]
        lines += [f"  {STEP_NAMES.get(c.step, c.step)}: {c.message}" for c in s.calibration]
        self.query_one("#calibration", Static).update("\n".join(lines))

    def _show_series(self, s: ExamSnapshot) -> None:
        table = self.query_one(DataTable)
        limit = NARROW_NAME if self.app.size.width < 100 else 60
        rows = tuple((line.index, f"{STATE_MARKS.get(line.state, ' ')} {line.index}", _cut(line.description, limit),
                      line.state, clock(line.scan_time_s), self._images(line)) for line in s.series)
        if rows == self._rows:
            return
        cursor = table.cursor_row
        if [r[0] for r in rows] != [r[0] for r in self._rows]:
            table.clear()
            for row in rows:
                table.add_row(*row[1:], key=str(row[0]))
        else:
            for row, old in zip(rows, self._rows):
                if row != old:
                    for (key, _), value in zip(COLUMNS, row[1:]):
                        table.update_cell(str(row[0]), key, value)
        self._rows = rows
        if s.current is not None and self._follow_running(cursor):
            table.move_cursor(row=[r[0] for r in rows].index(s.current))
        elif rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))

    def _follow_running(self, cursor: int) -> bool:
        """The cursor follows the running series unless the operator moved it elsewhere."""
        running = [i for i, r in enumerate(self._rows) if r[3] == "running"]
        previous = getattr(self, "_last_running_row", None)
        self._last_running_row = running[0] if running else None
        return previous is None or cursor == previous or cursor < 0

    @staticmethod
    def _images(line) -> str:
        if line.state == "done":
            return str(line.images)
        if line.state in ("running", "failed", "skipped") and line.slices:
            return f"{line.slices_shown}/{line.slices}"
        return ""

    def _show_progress(self, s: ExamSnapshot) -> None:
        series = self.query_one("#series-progress", Static)
        current = s.line(s.current) if s.current is not None else None
        if current is not None:
            slices = f" · slice {current.slices_shown}/{current.slices}" if current.slices else ""
            series.update(f"series {bar(s.series_fraction)} {s.series_fraction:4.0%} · {clock(s.series_remaining_s)} "
                          f"left{slices}")
        elif s.running and not s.calibrated:
            series.update(f"calibration {bar(s.calibration_fraction)} {s.message}")
        else:
            series.update(f"[b]{s.reason}[/b]" if s.reason else "")
        self.query_one("#exam-progress", Static).update(
            f"exam   {bar(s.exam_fraction)} {s.exam_fraction:4.0%} · {clock(s.exam_remaining_s)} of scan left")

    # -- actions -----------------------------------------------------------------------------

    def _selected(self):
        table = self.query_one(DataTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self.snapshot.line(self._rows[min(table.cursor_row, len(self._rows) - 1)][0])

    def action_abort(self) -> None:
        if not self.app.exam_running:  # type: ignore[attr-defined]
            self.notify("No exam is running.", severity="warning")
            return
        from vetmri.tui.screens.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.abort_exam()  # type: ignore[attr-defined]

        self.app.push_screen(ConfirmDialog("Abort the exam? Everything received is kept and the exam can be "
                                           "resumed (u).", yes="Abort", no="Keep scanning"), answered)

    def action_skip(self) -> None:
        line = self._selected()
        if line is None:
            return
        if line.state not in ("planned", "running"):
            self.notify(f"{line.description} is {line.state}; only a planned or running series can be skipped.",
                        severity="warning")
            return
        self.app.skip_series(line.index)  # type: ignore[attr-defined]

    def action_repeat(self) -> None:
        line = self._selected()
        if line is not None:
            self.app.repeat_series(line.index, line.description)  # type: ignore[attr-defined]

    def action_resume(self) -> None:
        if self.app.exam_running:  # type: ignore[attr-defined]
            self.notify("The exam is running; resume is for an exam that stopped.", severity="warning")
            return
        self.app.action_resume_exam()  # type: ignore[attr-defined]

    def action_vitals(self) -> None:
        if not self.snapshot.study_id:
            self.notify("The study is not filed yet; record the vital signs in a moment.", severity="warning")
            return
        from vetmri.tui.screens.vitals_dialog import VitalsDialog

        self.app.push_screen(VitalsDialog(self.snapshot.study_id))

    def action_back(self) -> None:
        self.app.pop_screen()
