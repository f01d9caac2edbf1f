"""Settings: scanner backend and address (with a connection test), PACS nodes (with an
echo), data folder, AE title, UID root and the station name.

Every change goes through :func:`vetmri.settings.set_setting` (the whole file validated,
comments and layout kept), exactly as ``vetmri settings set KEY VALUE``.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Input, Label, Select

from vetmri.errors import VetmriError
from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table

__all__ = ["SettingsScreen"]

#: (settings key, label, placeholder) of the text fields; enter saves one.
_FIELDS = (
    ("scanner.address", "Scanner address", "HOST:PORT of the scanner link"),
    ("data.dir", "Data folder", "records, studies, raw data, logs"),
    ("dicom.ae_title", "Our AE title", "1-16 characters"),
    ("dicom.uid_root", "UID root", "2.25 or the clinic's registered root"),
    ("tui.station", "Station name", "shown in the header"),
)


PACS_COLUMNS = ("name", "AE title", "host", "port")


def _dom_id(key: str) -> str:
    return key.replace(".", "-")


class SettingsScreen(CoreScreen):
    """The workstation's settings, each saved when `enter` is pressed in its field."""

    TITLE = "Settings"
    CSS_PATH = stylesheet("screens/settings_screen.tcss")
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("t", "test_scanner", "Test scanner", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
        Binding("f1", "app.help", "Help", key_display="F1"),
    ]
    HELP = """
## Settings
`enter` in a field saves it to the settings file (checked first: a wrong value is refused
with the reason, and the file keeps its comments). **Backend** `sim` is the built-in
simulated scanner, `link` a scanner over the network at the address; *Test* connects and
says hello. **PACS nodes**: add one as `NAME AE_TITLE@HOST:PORT`; *Echo* checks the
highlighted node with a DICOM C-ECHO; *Remove* deletes it. The same settings are changed
from the command line with `vetmri settings set KEY VALUE`.
"""

    class Loaded(Message):
        def __init__(self, settings) -> None:
            super().__init__()
            self.settings = settings

    class Saved(Message):
        def __init__(self, key: str, problem: str, settings) -> None:
            super().__init__()
            self.key = key
            self.problem = problem
            self.settings = settings

    class Checked(Message):
        def __init__(self, target: str, ok: bool, text: str) -> None:
            super().__init__()
            self.target = target
            self.ok = ok
            self.text = text

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with VerticalScroll(id="settings"):
            yield Label("", id="settings-path")
            with Horizontal(classes="setting-row"):
                yield Label("Scanner backend", classes="setting-label")
                yield Select([("sim: simulated scanner", "sim"), ("link: scanner over the network", "link")],
                             allow_blank=False, value="sim", id="scanner-backend")
                yield Button("Test", id="test-scanner")
            yield Label("", id="scanner-backend-note", classes="setting-note")
            for key, label, placeholder in _FIELDS:
                with Horizontal(classes="setting-row"):
                    yield Label(label, classes="setting-label")
                    yield Input(placeholder=placeholder, id=_dom_id(key), classes="setting")
                yield Label("", id=f"{_dom_id(key)}-note", classes="setting-note")
            yield Label("PACS nodes", classes="section")
            nodes = DataTable(id="pacs", cursor_type="row")
            nodes.add_columns(*PACS_COLUMNS)
            yield nodes
            with Horizontal(classes="setting-row"):
                yield Input(placeholder="add: NAME AE_TITLE@HOST:PORT", id="pacs-add", classes="setting")
                yield Button("Echo", id="echo")
                yield Button("Remove", id="remove-node")
            yield Label("", id="pacs-note", classes="setting-note")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)  # rows into a table laid out already (column widths)

    @work(thread=True, exclusive=True, group="settings-load", exit_on_error=False, name="reading the settings")
    def load(self) -> None:
        self.post_message(self.Loaded(self.app.context.settings()))  # type: ignore[attr-defined]

    def on_settings_screen_loaded(self, message: Loaded) -> None:
        self._show(message.settings)

    def _show(self, settings) -> None:
        exists = "" if settings.path.exists() else " (not created yet: all defaults)"
        self.query_one("#settings-path", Label).update(f"Settings file {settings.path}{exists}")
        self._loading = True
        self.query_one("#scanner-backend", Select).value = settings.scanner.backend
        values = {"scanner.address": settings.scanner.address, "data.dir": str(settings.data.dir),
                  "dicom.ae_title": settings.dicom.ae_title, "dicom.uid_root": settings.dicom.uid_root,
                  "tui.station": settings.tui.station}
        for key, value in values.items():
            self.query_one(f"#{_dom_id(key)}", Input).value = value
        if settings.data.source == "VETMRI_DATA_DIR":
            self.query_one("#data-dir-note", Label).update("VETMRI_DATA_DIR sets the data folder; the file's value applies without it.")
        fill_table(self.query_one("#pacs", DataTable), PACS_COLUMNS,
                   [(n.name, (n.name, n.ae_title, n.host, str(n.port))) for n in settings.pacs])
        self.call_after_refresh(setattr, self, "_loading", False)

    # -- saving ---------------------------------------------------------------------------

    @on(Input.Submitted, ".setting")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pacs-add":
            name, _, address = event.value.strip().partition(" ")
            self.save("pacs." + name.strip(), address.strip(), note="pacs-note")
            return
        key = next(k for k, _, _ in _FIELDS if _dom_id(k) == event.input.id)
        self.save(key, event.value)

    @on(Select.Changed, "#scanner-backend")
    def _backend(self, event: Select.Changed) -> None:
        if not getattr(self, "_loading", True) and event.value is not Select.BLANK:
            self.save("scanner.backend", str(event.value))

    @work(thread=True, group="settings-save", exit_on_error=False, name="saving the setting")
    def save(self, key: str, value: str, *, note: str | None = None, remove: bool = False) -> None:
        from vetmri.settings import set_setting, unset_setting

        try:
            settings = unset_setting(key) if remove else set_setting(key, value)
        except VetmriError as exc:
            self.post_message(self.Saved(note or key, str(exc), None))
            return
        if key == "data.dir":
            self.app.context.reopen()  # type: ignore[attr-defined]
        self.post_message(self.Saved(note or key, "", settings))

    def on_settings_screen_saved(self, message: Saved) -> None:
        note_id = message.key if message.key == "pacs-note" else f"{_dom_id(message.key)}-note"
        try:
            note = self.query_one(f"#{note_id}", Label)
        except Exception:
            note = self.query_one("#pacs-note", Label)
        if message.problem:
            note.update(message.problem)
            note.set_class(True, "invalid-note")
            self.notify(message.problem, severity="error")
            return
        note.update("Saved.")
        note.set_class(False, "invalid-note")
        self._show(message.settings)
        self.app.refresh_status()  # type: ignore[attr-defined]

    # -- connection tests ------------------------------------------------------------------

    @on(Button.Pressed, "#test-scanner")
    def action_test_scanner(self) -> None:
        self.query_one("#scanner-backend-note", Label).update("Testing ...")
        self.test_scanner()

    @work(thread=True, exclusive=True, group="scanner-test", exit_on_error=False, name="the scanner test")
    def test_scanner(self) -> None:
        from vetmri.workstation import check_scanner

        check = check_scanner(self.app.context.settings(), timeout_s=3.0)  # type: ignore[attr-defined]
        self.post_message(self.Checked("scanner-backend-note", check.answers, check.detail))

    @on(Button.Pressed, "#echo")
    def _echo_pressed(self) -> None:
        node = self._highlighted_node()
        if node:
            self.query_one("#pacs-note", Label).update(f"Echoing {node} ...")
            self.echo(node)

    @work(thread=True, exclusive=True, group="echo", exit_on_error=False, name="the echo")
    def echo(self, name: str) -> None:
        from vetmri.dicom.association import echo

        settings = self.app.context.settings()  # type: ignore[attr-defined]
        node = settings.pacs_node(name)
        try:
            result = echo(node, calling_ae_title=settings.dicom.ae_title, timeout_s=5.0)
        except VetmriError as exc:
            self.post_message(self.Checked("pacs-note", False, str(exc)))
            return
        self.post_message(self.Checked("pacs-note", True,
                                       f"{name} answers the echo ({result.round_trip_s * 1e3:.0f} ms)."))

    def on_settings_screen_checked(self, message: Checked) -> None:
        note = self.query_one(f"#{message.target}", Label)
        note.update(message.text)
        note.set_class(not message.ok, "invalid-note")
        note.set_class(message.ok, "ok-note")
        self.notify(message.text, severity="information" if message.ok else "error")

    @on(Button.Pressed, "#remove-node")
    def _remove_pressed(self) -> None:
        node = self._highlighted_node()
        if node:
            self.save(f"pacs.{node}", "", note="pacs-note", remove=True)

    def _highlighted_node(self) -> str | None:
        table = self.query_one("#pacs", DataTable)
        if not table.row_count:
            self.notify("No PACS node yet: add one as NAME AE_TITLE@HOST:PORT.", severity="warning")
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_back(self) -> None:
        self.app.pop_screen()
