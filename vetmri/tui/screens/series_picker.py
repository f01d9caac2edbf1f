"""A dialog to choose a series template to add to the exam."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from vetmri.tui.styles import stylesheet

__all__ = ["SeriesPicker"]


class SeriesPicker(ModalScreen[str | None]):
    """The templates ``(key, name, sequence)``; dismisses with the chosen key or None."""

    CSS_PATH = stylesheet("screens/series_picker.tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, templates: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._templates = templates

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label("Add a series (enter adds, escape cancels)")
            yield OptionList(*(Option(f"{name}  ({sequence})", id=key) for key, name, sequence in self._templates),
                             id="templates")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
