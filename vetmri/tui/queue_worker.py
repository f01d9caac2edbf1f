"""The PACS send queue drains while the UI runs, owned by the app.

A timer starts a thread worker every :data:`DRAIN_INTERVAL_S`; the worker runs one
:meth:`vetmri.dicom.queue_drain.QueueDrainer.step` (a PACS that is waited for is echoed,
every due job is sent, the records' back-off decides the rest) with a record store of its
own, so a slow PACS never holds up the screens' searches. Each step ends with a
:class:`QueueChanged` message: the header's queue count and the send screen follow it.
"""

from __future__ import annotations

import threading

from textual import work
from textual.message import Message

__all__ = ["DRAIN_INTERVAL_S", "QueueChanged", "QueueDrainRunner"]

#: Seconds between two drain steps while the UI runs.
DRAIN_INTERVAL_S = 5.0


class QueueChanged(Message):
    """The queue was worked (or changed by the staff): ``waiting`` jobs are left.

    Attributes
    ----------
    waiting : int
        Jobs pending or being sent; -1 while a job is being sent (a file was answered).
    sent : int
        Jobs sent by this step.
    """

    def __init__(self, waiting: int, sent: int = 0) -> None:
        super().__init__()
        self.waiting = waiting
        self.sent = sent


class QueueDrainRunner:
    """Mixed into the app: drain the send queue in the background."""

    drain_interval_s = DRAIN_INTERVAL_S
    _drainer = None
    _drain_again = False

    def start_queue_drain(self) -> None:
        """Drain now and every :attr:`drain_interval_s` from now on."""
        self.drain_queue()
        self.set_interval(self.drain_interval_s, self.drain_queue)  # type: ignore[attr-defined]

    @work(thread=True, group="queue-drain", exit_on_error=False, name="sending the PACS queue")
    def drain_queue(self) -> None:
        """One step: echo the PACS nodes waited for, send what is due. A step asked for
        while one runs is run right after it (never two at once)."""
        from vetmri.dicom.queue_drain import QueueDrainer
        from vetmri.records.store import open_store

        lock = self.__dict__.setdefault("_drain_lock", threading.Lock())  # one per app (setdefault is atomic)
        if not lock.acquire(blocking=False):
            self._drain_again = True
            return
        try:
            if self._drainer is None:
                self._drainer = QueueDrainer(probe_every_s=self.drain_interval_s)
            again = True
            while again:
                self._drain_again = False
                settings = self.context.settings()  # type: ignore[attr-defined]
                with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
                    report = self._drainer.step(store, settings, on_result=self._sent_file)
                sent = sum(1 for o in report.outcomes if o.job.status == "sent")
                self.post_message(QueueChanged(report.waiting, sent))  # type: ignore[attr-defined]
                again = self._drain_again
        finally:
            lock.release()

    def _sent_file(self, job, result) -> None:
        """Each file's answer, while a job is being sent: the queue shows it ``sending``."""
        self.post_message(QueueChanged(-1))  # type: ignore[attr-defined]

    def on_queue_changed(self, message: QueueChanged) -> None:
        """The header's queue count, and the screen that shows the queue, follow."""
        from dataclasses import replace

        if message.waiting >= 0:
            self.show_header(replace(self.header_state, queue=message.waiting))  # type: ignore[attr-defined]
        refresh = getattr(self.screen, "queue_changed", None)  # type: ignore[attr-defined]
        if refresh is not None:
            refresh(message)
