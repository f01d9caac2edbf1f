"""A one-line progress report fed by a worker through messages that coalesce.

A worker posts :class:`ProgressLine.Progress` to the widget as often as it likes; a newer
report of the same task replaces an older one still waiting in the queue, so a fast exam
cannot flood the UI: the screen only ever draws the latest state.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Static

__all__ = ["ProgressLine"]


class ProgressLine(Static):
    """The latest progress of one task (``"T2 TSE transverse 40 %"``)."""

    DEFAULT_CSS = """
    ProgressLine {
        height: 1;
        color: $text-muted;
    }
    """

    class Progress(Message):
        """How far a task is; replaces an older report of the same task still queued."""

        def __init__(self, task: str, fraction: float, text: str) -> None:
            super().__init__()
            self.task = task
            self.fraction = fraction
            self.text = text

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ProgressLine.Progress) and message.task == self.task

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: How many reports were drawn (fewer than were posted when they coalesced).
        self.drawn = 0

    def on_progress_line_progress(self, message: "ProgressLine.Progress") -> None:
        self.show(message)

    def show(self, message: "ProgressLine.Progress") -> None:
        """Draw one report."""
        self.drawn += 1
        filled = int(round(max(0.0, min(1.0, message.fraction)) * 10))
        self.update(f"{'█' * filled}{'░' * (10 - filled)} {message.text}")
