"""QA: run the phantom QA on the configured scanner, see each measure against its limits,
the history as a table and a measure's trend over time with its limits drawn.

The run is :func:`vetmri.qa.run.run_qa` in a thread worker (as ``vetmri qa run``); its
progress arrives as coalescing :class:`ProgressLine.Progress` messages; the result is
stored with :func:`vetmri.records.qa_results.add_qa_result` and the history re-read.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.progress_line import ProgressLine
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table
from vetmri.tui.widgets.trend_plot import TrendPlot

__all__ = ["QaScreen"]

MEASURE_COLUMNS = ("measure", "value", "limits", "result")
HISTORY_COLUMNS = ("id", "date", "result", "SNR", "PIU %", "ghost", "geom mm", "slice mm", "Larmor MHz", "RF",
                   "failed")


class QaScreen(CoreScreen):
    """The phantom QA and its history.

    Parameters
    ----------
    conditions : vetmri.acquisition.simulated.SimulatedConditions, optional
        The simulated magnet to run QA on (drift, RF and shim errors); the simulator's
        default magnet when not given. Ignored on the scanner link.
    """

    TITLE = "QA"
    CSS_PATH = stylesheet("screens/qa.tcss")
    BINDINGS = [
        Binding("r", "run_qa", "Run QA"),
        Binding("right_square_bracket", "next_trend", "Next plot", key_display="]"),
        Binding("left_square_bracket", "previous_trend", "Previous plot", key_display="["),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## QA
`r` scans the QA phantom on the configured scanner (the simulator, or the scanner link)
and measures SNR, uniformity (ACR percent integral uniformity), ghosting, geometric
accuracy (diameters against the phantom's 140 mm), slice thickness (from the two ramps),
the Larmor frequency and the RF transmit scale, each against the scanner profile's `[qa]`
limits. Every run is stored. The plot shows one measure over time with its limits dashed
(`[` and `]` choose the measure); the table below lists every run (`!` marks a value out
of its limits). The same from the command line: `vetmri qa run`, `vetmri qa history`.
"""

    class Loaded(Message):
        """The stored QA results, read by a worker (oldest first)."""

        def __init__(self, docs: list[dict]) -> None:
            super().__init__()
            self.docs = docs

    def __init__(self, *, conditions=None) -> None:
        super().__init__()
        self.conditions = conditions
        self.docs: list[dict] = []
        self.trend_index = 0

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="qa"):
            yield Static("", id="qa-latest")
            yield ProgressLine("", id="qa-progress")
            with Horizontal(id="qa-top"):
                yield DataTable(id="qa-measures", cursor_type="none", show_cursor=False)
                yield TrendPlot(id="qa-trend")
            yield Static("", id="qa-reasons")
            yield DataTable(id="qa-history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)

    # -- reading and showing -----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="qa-history", exit_on_error=False, name="reading the QA history")
    def load(self) -> None:
        from vetmri.records.qa_results import qa_results

        with self.app.context.store() as store:  # type: ignore[attr-defined]
            docs = qa_results(store)
        self.post_message(self.Loaded(docs))

    def on_qa_screen_loaded(self, message: Loaded) -> None:
        self.docs = message.docs
        self._show()

    def _show(self) -> None:
        from vetmri.qa.history import history_rows
        from vetmri.qa.result import QaResult
        from vetmri.qa.text import limits_text, value_text, verdict_text

        latest = QaResult.from_dict(self.docs[-1]) if self.docs else None
        title = self.query_one("#qa-latest", Static)
        measures = self.query_one("#qa-measures", DataTable)
        reasons = self.query_one("#qa-reasons", Static)
        if latest is None:
            title.update("No QA yet on this workstation: press [b]r[/b] to scan the QA phantom.")
            fill_table(measures, MEASURE_COLUMNS, [(None, ("-", "", "", ""))])
            reasons.update("")
        else:
            verdict = "[b green]passed[/]" if latest.passed else "[b red]FAILED[/]"
            title.update(f"Latest {latest.id} {latest.date[:16].replace('T', ' ')} UTC, {latest.scanner}: "
                         f"{verdict} (scan {latest.scan_time_s:.0f} s, run {latest.run_time_s:.0f} s)")
            fill_table(measures, MEASURE_COLUMNS, [
                (m.key, (m.label, value_text(m), limits_text(m),
                         "[green]pass[/]" if m.passed else f"[b red]{verdict_text(False)}[/]"))
                for m in latest.measures])
            reasons.update("\n".join(f"[b red]FAIL[/] {m.label}: {m.reason}" for m in latest.failures)
                           or "[green]Every measure within its limits.[/]")
        _, rows = history_rows(self.docs)
        shown = [(row[0], (row[0], row[1], row[3], *row[4:])) for row in reversed(rows)]  # newest first
        fill_table(self.query_one("#qa-history", DataTable), HISTORY_COLUMNS,
                   shown or [(None, ("-", "no QA results yet", *[""] * (len(HISTORY_COLUMNS) - 2)))])
        self._show_trend()

    def _show_trend(self) -> None:
        from vetmri.qa.history import trend
        from vetmri.qa.result import MEASURES

        keys = list(MEASURES)
        key = keys[self.trend_index % len(keys)]
        self.query_one("#qa-trend", TrendPlot).trend = trend(self.docs, key) if self.docs else None

    def action_next_trend(self) -> None:
        self.trend_index += 1
        self._show_trend()

    def action_previous_trend(self) -> None:
        self.trend_index -= 1
        self._show_trend()

    # -- running -----------------------------------------------------------------------------

    def action_run_qa(self) -> None:
        if any(w.group == "qa-run" and w.is_running for w in self.workers):
            self.notify("QA is running already.", severity="warning")
            return
        self.query_one("#qa-progress", ProgressLine).update("starting the QA")
        self.run_qa()

    @work(thread=True, exclusive=True, group="qa-run", exit_on_error=False, name="the QA run")
    def run_qa(self) -> None:
        from vetmri.qa.run import run_qa
        from vetmri.records.qa_results import add_qa_result

        progress = self.query_one("#qa-progress", ProgressLine)
        settings = self.app.context.settings()  # type: ignore[attr-defined]
        conditions = self.conditions if settings.scanner.backend == "sim" else None
        result = run_qa(settings, conditions=conditions,
                        on_progress=lambda f, m: progress.post_message(ProgressLine.Progress("qa", f, m)))
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            record_id = add_qa_result(store, result.to_dict())
        text = f"QA {record_id} passed." if result.passed else \
            f"QA {record_id} FAILED: {', '.join(m.label for m in result.failures)}."
        self.app.call_from_thread(self.notify, text, severity="information" if result.passed else "error",
                                  timeout=10)
        progress.post_message(ProgressLine.Progress("qa", 1.0, f"stored as {record_id}"))
        self.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # CoreScreen's handler (called by Textual too) notifies; this one tells the progress line
        if event.worker.group == "qa-run" and event.state is WorkerState.ERROR:
            self.query_one("#qa-progress", ProgressLine).update("The QA run did not finish; nothing was stored.")

    def action_back(self) -> None:
        self.app.pop_screen()
