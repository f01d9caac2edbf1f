"""The header line of every screen: station, scanner state, PACS queue and the clock."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

__all__ = ["HeaderState", "StatusHeader"]


@dataclass(frozen=True)
class HeaderState:
    """What the header shows; the app keeps the current one (attributes down).

    Attributes
    ----------
    station : str
        Clinic or station name.
    scanner : str
        ``"simulated"``, ``"link HOST:PORT answers"``, ``"... checking"``.
    queue : int or None
        Studies and series waiting for the PACS (None: not known yet).
    exam : str
        A running exam's progress ("" when none runs).
    """

    station: str = "vetmri"
    scanner: str = "checking"
    queue: int | None = None
    exam: str = ""


class StatusHeader(Static):
    """One line: ``vetmri - Clinic Nord - scanner: simulated - PACS queue 0 - 14:02``."""

    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
        background: $primary-background;
        color: $foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.update_line()
        self.set_interval(1.0, self.update_line)

    def on_resize(self) -> None:
        self.update_line()

    def update_line(self) -> None:
        app = self.app
        state: HeaderState = getattr(app, "header_state", HeaderState())
        clock = getattr(app, "clock", None)
        now = clock().strftime("%H:%M") if clock else ""
        queue = "?" if state.queue is None else str(state.queue)
        parts = [f"[b]vetmri[/b] · {state.station}", f"scanner: {state.scanner}", f"PACS queue {queue}"]
        if state.exam:
            parts.append(state.exam)
        left = " · ".join(parts)
        width = max(0, self.size.width - 2)
        plain_len = Text.from_markup(left).cell_len
        gap = max(1, width - plain_len - len(now))
        self.update(f"{left}{' ' * gap}{now}")
