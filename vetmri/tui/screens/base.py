"""What every screen of the app shares: the header, the footer, failing workers shown as
one-sentence notifications, and the help text that ``?`` shows."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

__all__ = ["CoreScreen"]


class CoreScreen(Screen):
    """A screen whose workers' failures become notifications (the traceback goes to the log).

    Workers are started with ``exit_on_error=False`` and a ``name`` saying what they do
    (``"the search"``); that name opens the notification.
    """

    #: Markdown shown by the help screen under the bindings: what the fields mean.
    HELP = ""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_failure(event.worker.error, event.worker.name or "the task")  # type: ignore[attr-defined]
