"""A dialog to choose a training case (a teaching exam on the simulator)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from vetmri.tui.styles import stylesheet

__all__ = ["TrainingPicker"]


class TrainingPicker(ModalScreen[str | None]):
    """The cases ``(name, title, findings)``; dismisses with the chosen name or None."""

    CSS_PATH = stylesheet("screens/training_picker.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cases: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._cases = cases

    def compose(self) -> ComposeResult:
        with Vertical(id="training-picker"):
            yield Label("Start a training case on the simulator (enter starts, escape cancels)")
            yield OptionList(*(Option(f"{title}\n  [dim]{findings}[/dim]", id=name) for name, title, findings in self._cases),
                             id="training-cases")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
