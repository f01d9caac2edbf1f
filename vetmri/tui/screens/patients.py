"""The home screen: today's work first, then search as you type over every pet.

Today's work is the worklist of the configured server (stored in the records as planned
studies) merged with the planned and unfinished studies of the records
(:func:`vetmri.records.today.todays_work`). The search is the records' own
(:meth:`vetmri.records.store.RecordStore.search`: pet or owner name, phone digits,
microchip, Patient ID; accents ignored).
"""

from __future__ import annotations

from datetime import date, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label

from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table

__all__ = ["PatientsScreen"]


TODAY_COLUMNS = ("time", "pet", "species", "breed", "weight", "owner", "region", "status")
RESULT_COLUMNS = ("pet", "species", "breed", "weight", "owner", "phone", "last study")


def _kg(value: float | None) -> str:
    return "-" if value is None else f"{value:g} kg"


class PatientsScreen(CoreScreen):
    """Today's work and the pet search."""

    TITLE = "Patients"
    CSS_PATH = stylesheet("screens/patients.tcss")
    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("n", "new_pet", "New pet"),
        Binding("e", "exam", "Exam"),
        Binding("enter", "enter", "Open", show=False, priority=True),
        Binding("r", "refresh", "Refresh today"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("escape", "leave_search", "Back", show=False),
        Binding("down", "to_results", "Results", show=False),
    ]
    HELP = """
## Patients
**Today** lists the studies of today (the worklist's animals and the studies planned
here) and those left unfinished in the last two weeks. **Search** finds pets by pet or
owner name (part of it, accents ignored), phone digits, microchip or Patient ID. `enter`
opens the highlighted pet; `e` sets up an exam for it.
"""

    class TodayLoaded(Message):
        """Today's work, read by a worker."""

        def __init__(self, rows: list[tuple[str, tuple[str, ...]]], note: str) -> None:
            super().__init__()
            self.rows = rows
            self.note = note

    class SearchDone(Message):
        """The hits of one search text."""

        def __init__(self, text: str, rows: list[tuple[str, tuple[str, ...]]]) -> None:
            super().__init__()
            self.text = text
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.selected_pet: str | None = None
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="patients"):
            yield Label("Today", classes="section")
            today = DataTable(id="today", cursor_type="row", zebra_stripes=True)
            today.add_columns(*TODAY_COLUMNS)
            yield today
            yield Label("", id="today-note")
            yield Input(placeholder="Search: pet or owner name, phone, microchip, Patient ID   (/)", id="search")
            results = DataTable(id="results", cursor_type="row", zebra_stripes=True)
            results.add_columns(*RESULT_COLUMNS)
            yield results
        yield Footer()

    def on_mount(self) -> None:
        # After the first layout: rows added to a table not laid out yet keep its columns
        # at the headings' widths.
        self.call_after_refresh(self.action_refresh)

    # -- today ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="today", exit_on_error=False, name="loading today's work")
    def load_today(self) -> None:
        from vetmri.dicom.todays_work import query_worklist, store_scheduled, worklist_node
        from vetmri.errors import VetmriError
        from vetmri.records.today import todays_work

        context = self.app.context  # type: ignore[attr-defined]
        settings = context.settings()
        starts: dict[str, datetime] = {}
        note = ""
        node = worklist_node(settings)
        scheduled = []
        if node is not None:
            try:  # the network first, without holding the store (the search goes on meanwhile)
                scheduled = query_worklist(settings, timeout_s=3.0)
            except VetmriError as exc:
                note = f"Worklist not refreshed: {exc}"
        with context.store() as store:
            starts = store_scheduled(store, scheduled) if scheduled else {}
            items = todays_work(store)
        # Scheduled times first, in their order; the rest as the records list them.
        items.sort(key=lambda i: (i.study.study_uid not in starts, starts.get(i.study.study_uid) or datetime.min))
        rows = []
        for item in items:
            start = starts.get(item.study.study_uid)
            when = start.strftime("%H:%M") if start else (
                "today" if item.study.study_date == date.today() else item.study.study_date.strftime("%d %b"))
            rows.append((item.pet.id, (when, item.pet.name, item.pet.species, item.pet.breed or "-",
                                       _kg(item.pet.weight_kg), item.owner.name, item.study.region,
                                       item.study.status)))
        if not rows and not note:
            note = "Nothing planned for today." + ("" if node else " (No worklist server is configured.)")
        self.post_message(self.TodayLoaded(rows, note))

    def on_patients_screen_today_loaded(self, message: TodayLoaded) -> None:
        table = self.query_one("#today", DataTable)
        fill_table(table, TODAY_COLUMNS, [(f"{key}#{n}", cells) for n, (key, cells) in enumerate(message.rows)])
        self.query_one("#today-note", Label).update(message.note)
        if message.note.startswith("Worklist not refreshed"):
            self.notify(message.note, severity="warning")

    # -- search --------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, name="the search")
    def run_search(self, text: str) -> None:
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            hits = store.search(text, limit=50)
            rows = []
            for hit in hits:
                studies = store.studies_of_pet(hit.pet.id)
                last = f"{_day(studies[0].study_date)} {studies[0].region}" if studies else "-"
                rows.append((hit.pet.id, (hit.pet.name, hit.pet.species, hit.pet.breed or "-",
                                          _kg(hit.pet.weight_kg), hit.owner.name, hit.owner.phone or "-", last)))
        self.post_message(self.SearchDone(text, rows))

    def on_patients_screen_search_done(self, message: SearchDone) -> None:
        if message.text != self.query_one("#search", Input).value:
            return  # an older search finished after a newer one started
        table = self.query_one("#results", DataTable)
        fill_table(table, RESULT_COLUMNS, message.rows)
        if not message.rows:
            self.query_one("#today-note", Label).update(f"No pet matches {message.text!r}." if message.text else "No pets yet: press n to register one.")

    # -- selection and actions ------------------------------------------------------------

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.selected_pet = event.row_key.value.split("#")[0]

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.selected_pet = event.row_key.value.split("#")[0]
            self.action_open()

    def action_search(self) -> None:
        # At once, not after the next refresh: keys typed right after "/" go to the search.
        self.set_focus(self.query_one("#search", Input))

    def action_enter(self) -> None:
        """``enter``: from the search to its results; on a table, open the highlighted pet."""
        focused = self.focused
        if isinstance(focused, Input):
            self.set_focus(self.query_one("#results", DataTable))
            return
        if isinstance(focused, DataTable) and focused.row_count:
            key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
            if key:
                self.selected_pet = key.split("#")[0]
        self.action_open()

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus and search.value:
            search.value = ""
        else:
            self.query_one("#results", DataTable).focus()

    def action_to_results(self) -> None:
        self.set_focus(self.query_one("#results", DataTable))

    def action_refresh(self) -> None:
        self.load_today()
        self.run_search(self.query_one("#search", Input).value)

    def action_new_pet(self) -> None:
        self.app.action_new_pet()  # type: ignore[attr-defined]

    def action_open(self) -> None:
        if self.selected_pet is None:
            self.notify("Highlight a pet first (search with /, then the arrow keys).", severity="warning")
            return
        from vetmri.tui.screens.pet_detail import PetDetailScreen

        self.app.push_screen(PetDetailScreen(self.selected_pet))

    def action_exam(self) -> None:
        if self.selected_pet is None:
            self.notify("Highlight a pet first, then press e to set up its exam.", severity="warning")
            return
        self.app.open_exam_setup(self.selected_pet)  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        if self._resumed:  # back from another screen: what it changed shows
            self.action_refresh()
        self._resumed = True


def _day(day: date) -> str:
    """A study's date as the staff say it: ``today`` for today's, else the ISO date."""
    return "today" if day == date.today() else day.isoformat()
