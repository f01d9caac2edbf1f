"""Record the vital signs of the anaesthetised animal into the study's anaesthesia log.

Each field is checked as it is typed by the records' rule
(:func:`vetmri.records.vitals.check_vitals`): a wrong value gets one sentence under its
field; ``enter`` or ``ctrl+s`` saves (in a worker) once every value is right.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from vetmri.records.vitals import VITAL_FIELDS, check_vitals
from vetmri.tui.styles import stylesheet

__all__ = ["VitalsDialog"]


class VitalsDialog(ModalScreen[bool]):
    """The vital signs of study ``study_id``; dismisses True once they are saved."""

    CSS_PATH = stylesheet("screens/vitals_dialog.tcss")
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, study_id: str) -> None:
        super().__init__()
        self.study_id = study_id

    def compose(self) -> ComposeResult:
        with Vertical(id="vitals-form"):
            yield Label(f"Vital signs for study {self.study_id} (empty: not measured)", id="vitals-title")
            for field in VITAL_FIELDS:
                with Horizontal(classes="vital-row"):
                    yield Label(f"{field.label} ({field.unit})", classes="vital-label")
                    yield Input(id=f"v-{field.key}", classes="vital-input")
                yield Label("", id=f"p-{field.key}", classes="vital-problem")
            with Horizontal(classes="vital-row"):
                yield Label("note", classes="vital-label")
                yield Input(id="v-note", classes="vital-input")
            yield Label("", id="p-all", classes="vital-problem")
            with Horizontal(id="vitals-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one(f"#v-{VITAL_FIELDS[0].key}", Input).focus()

    def _values(self) -> dict[str, str]:
        return {f.key: self.query_one(f"#v-{f.key}", Input).value for f in VITAL_FIELDS}

    def _check(self, *, all_fields: bool) -> bool:
        values = self._values()
        _, problems = check_vitals(values)
        for field in VITAL_FIELDS:
            shown = problems.get(field.key, "") if (all_fields or values[field.key].strip()) else ""
            self.query_one(f"#p-{field.key}", Label).update(shown)
            self.query_one(f"#v-{field.key}", Input).set_class(bool(shown), "-invalid")
        return not problems

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check(all_fields=False)
        self.query_one("#p-all", Label).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs) and not event.input.id == "v-note":
            inputs[position + 1].focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        if not self._check(all_fields=True):
            return
        self.save(self._values(), self.query_one("#v-note", Input).value)

    @work(thread=True, exclusive=True, group="vitals", exit_on_error=False, name="recording the vital signs")
    def save(self, values: dict[str, str], note: str) -> None:
        from vetmri.errors import VetmriError
        from vetmri.records.vitals import record_vitals

        try:
            with self.app.context.store() as store:  # type: ignore[attr-defined]
                entry = record_vitals(store, self.study_id, **values, note=note)
        except VetmriError as exc:
            self.app.call_from_thread(self.query_one("#p-all", Label).update, str(exc))
            return
        self.app.call_from_thread(self._saved, entry)

    def _saved(self, entry) -> None:
        self.app.live_exam.vitals_recorded(entry.moment)  # type: ignore[attr-defined]
        self.app.post_message(self.app.ExamChanged())  # type: ignore[attr-defined]
        self.app.notify(f"Vital signs recorded: {entry.line()}")
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
