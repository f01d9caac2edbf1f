"""The help screen (``?``): the bindings of the screen below and what its fields mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from vetmri.tui.styles import stylesheet

__all__ = ["HelpScreen"]

_ALWAYS = """
| key | action |
|---|---|
| `?` | this help |
| `ctrl+p` | command palette: every screen and action |
| `ctrl+t` | light or dark theme (remembered) |
| `escape` | back / close |
| `ctrl+q` | quit |
"""


class HelpScreen(ModalScreen[None]):
    """Help for ``screen``; ``escape`` or ``?`` closes it."""

    CSS_PATH = stylesheet("screens/help.tcss")
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._for = screen

    def compose(self) -> ComposeResult:
        rows = []
        for binding in getattr(self._for, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.show and binding.description:
                key = binding.key_display or binding.key.split(",")[0]
                rows.append(f"| `{key}` | {binding.description} |")
        title = getattr(self._for, "TITLE", None) or type(self._for).__name__
        text = f"# {title}\n\n"
        if rows:
            text += "| key | action |\n|---|---|\n" + "\n".join(rows) + "\n\n"
        text += "## Everywhere\n" + _ALWAYS + "\n" + getattr(self._for, "HELP", "")
        with VerticalScroll(id="help-box"):
            yield Markdown(text)

    def action_close(self) -> None:
        self.dismiss(None)
