"""The send queue drains by itself: what the terminal UI's timer and
``vetmri dicom queue --watch`` run, again and again.

One :func:`drain_step` does two things. First it asks each PACS node that has jobs
waiting out their back-off whether it answers again (a C-ECHO, at most once per
``probe_every_s`` for a node); a node that answers gets its waiting jobs made due now
(their attempts kept), so a study leaves as soon as its PACS is back rather than when
the back-off (30 s to an hour) runs out. Then it sends every due job
(:func:`vetmri.dicom.send_queue.work_send_queue`). A node that stays down costs one echo
per probe interval, never a C-STORE.

:func:`watch_queue` repeats the step until told to stop, sleeping until the next job is
due or the next probe (whichever comes first). :func:`queue_rows` is the queue as the
screens and the command line list it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from vetmri.errors import VetmriError

if TYPE_CHECKING:
    from vetmri.dicom.send_queue import JobOutcome
    from vetmri.records.models import SendJob
    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["DrainReport", "QueueDrainer", "QueueRow", "describe_wait", "next_due_at", "queue_rows", "waiting_summary",
           "watch_queue"]

#: Seconds between two echoes to a node whose jobs wait out their back-off.
DEFAULT_PROBE_EVERY_S = 10.0
#: Seconds an echo may take before the node counts as still down.
PROBE_TIMEOUT_S = 3.0
#: Statuses that still wait to leave.
WAITING = ("pending", "sending")


def _utc(now: datetime | None) -> datetime:
    return datetime.now(timezone.utc) if now is None else now.astimezone(timezone.utc)


def describe_wait(moment: datetime | None, now: datetime | None = None) -> str:
    """``'now'``, ``'in 45 s'``, ``'in 3 min'`` or ``'in 2 h 5 min'`` until ``moment``."""
    if moment is None:
        return "-"
    seconds = (moment - _utc(now)).total_seconds()
    if seconds <= 0.5:
        return "now"
    if seconds < 90:
        return f"in {seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"in {minutes} min" if minutes < 60 else f"in {minutes // 60} h {minutes % 60} min"


@dataclass(frozen=True)
class QueueRow:
    """One job of the queue as staff read it.

    Attributes
    ----------
    job_id, study_id : str
    series : str
        ``#3 T2 TSE transverse``, or ``whole study``.
    destination : str
        The PACS node's name.
    status : {"pending", "sending", "sent", "failed", "cancelled"}
    attempts : int
    next_attempt_at : datetime or None
        When a pending job is tried next (UTC); None once it is done.
    reason : str
        Why the last attempt failed ("" when it did not).
    """

    job_id: str
    study_id: str
    series: str
    destination: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    reason: str

    def next_try(self, now: datetime | None = None) -> str:
        """When it is tried next, in words (``-`` when it is not waiting)."""
        return describe_wait(self.next_attempt_at, now) if self.status == "pending" else "-"


def queue_rows(store: "RecordStore", *, study_id: str | None = None) -> list[QueueRow]:
    """Every job of the queue (of one study), newest first."""
    rows = []
    for job in reversed(store.send_jobs()):
        if study_id is not None and job.study_id != study_id:
            continue
        series = "whole study"
        if job.series_id:
            try:
                item = store.series(job.series_id)
                series = f"#{item.number} {item.description}"
            except VetmriError:
                series = job.series_id
        rows.append(QueueRow(job.id, job.study_id, series, job.destination, job.status, job.attempts,
                             job.next_attempt_at if job.status == "pending" else None, job.last_error))
    return rows


def next_due_at(store: "RecordStore") -> datetime | None:
    """When the next waiting job is due (None when nothing waits)."""
    moments = [j.next_attempt_at for j in store.send_jobs() if j.status in WAITING and j.next_attempt_at]
    return min(moments) if moments else None


@dataclass(frozen=True)
class DrainReport:
    """What one :meth:`QueueDrainer.step` did.

    Attributes
    ----------
    outcomes : tuple of JobOutcome
        The jobs worked, in order.
    answered : tuple of str
        Nodes found answering again, whose waiting jobs were made due.
    waiting : int
        Jobs still pending or being sent afterwards.
    next_due_at : datetime or None
        When the next of them is due.
    """

    outcomes: tuple["JobOutcome", ...] = ()
    answered: tuple[str, ...] = ()
    waiting: int = 0
    next_due_at: datetime | None = None


@dataclass
class QueueDrainer:
    """Drains the send queue step by step (one per timer tick or watch loop turn).

    Parameters
    ----------
    probe_every_s : float
        Seconds between echoes to a node whose jobs wait out their back-off.
    probe_timeout_s : float
        How long an echo may take.
    """

    probe_every_s: float = DEFAULT_PROBE_EVERY_S
    probe_timeout_s: float = PROBE_TIMEOUT_S
    _probed_at: dict[str, datetime] = field(default_factory=dict)

    def step(self, store: "RecordStore", settings: "Settings", *, now: datetime | None = None,
             on_result: Callable[["SendJob", object], None] | None = None,
             should_stop: Callable[[], bool] | None = None) -> DrainReport:
        """Probe the nodes that are waited for, then send every due job."""
        from vetmri.dicom.send_queue import work_send_queue

        answered = tuple(self._probe(store, settings, _utc(now)))
        outcomes = work_send_queue(store, settings, now=now, on_result=on_result, should_stop=should_stop)
        jobs = [j for j in store.send_jobs() if j.status in WAITING]
        due = [j.next_attempt_at for j in jobs if j.next_attempt_at]
        return DrainReport(tuple(outcomes), answered, len(jobs), min(due) if due else None)

    def _probe(self, store: "RecordStore", settings: "Settings", now: datetime) -> list[str]:
        from vetmri.dicom.association import echo

        waiting: dict[str, list] = {}
        for job in store.send_jobs("pending"):
            if job.next_attempt_at and job.next_attempt_at > now:
                waiting.setdefault(job.destination, []).append(job)
        answered = []
        for name, jobs in waiting.items():
            last = self._probed_at.get(name)
            if last is not None and (now - last).total_seconds() < self.probe_every_s:
                continue
            self._probed_at[name] = now
            try:
                echo(settings.pacs_node(name), calling_ae_title=settings.dicom.ae_title, timeout_s=self.probe_timeout_s)
            except VetmriError:  # still down (or no longer configured: the send says so)
                continue
            for job in jobs:
                store.make_send_due(job.id, now=now)
            answered.append(name)
        return answered

    def sleep_s(self, report: DrainReport, *, now: datetime | None = None, poll_s: float) -> float:
        """Seconds to wait before the next step: until the next job is due, at most ``poll_s``."""
        if report.next_due_at is None:
            return poll_s
        until = (report.next_due_at - _utc(now)).total_seconds()
        return max(0.0, min(poll_s, until))


def watch_queue(
    open_store: Callable[[], "RecordStore"],
    load_settings: Callable[[], "Settings"],
    *,
    stop: threading.Event,
    on_step: Callable[[DrainReport], None],
    on_result: Callable[["SendJob", object], None] | None = None,
    poll_s: float = 5.0,
    probe_every_s: float = DEFAULT_PROBE_EVERY_S,
) -> None:
    """Drain the queue until ``stop`` is set (the job being sent is finished first).

    The store and the settings are opened anew for every step, so jobs queued by other
    programs and nodes added to the settings meanwhile are seen.
    """
    drainer = QueueDrainer(probe_every_s=probe_every_s)
    while not stop.is_set():
        with open_store() as store:
            report = drainer.step(store, load_settings(), on_result=on_result, should_stop=stop.is_set)
        on_step(report)
        if stop.wait(drainer.sleep_s(report, poll_s=poll_s)):
            break


def waiting_summary(report: DrainReport, now: datetime | None = None) -> str:
    """``'2 jobs waiting; next retry 23:10:05 UTC (in 30 s)'`` or ``'nothing waiting'``."""
    if not report.waiting:
        return "nothing waiting"
    jobs = "1 job" if report.waiting == 1 else f"{report.waiting} jobs"
    if report.next_due_at is None:
        return f"{jobs} waiting"
    return (f"{jobs} waiting; next retry {report.next_due_at.astimezone(timezone.utc):%H:%M:%S} UTC "
            f"({describe_wait(report.next_due_at, now)})")

