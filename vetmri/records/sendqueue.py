"""The PACS send queue: persistent jobs with retries and exponential back-off.

A job is claimed (status ``sending``, attempt counted, a lease set) inside the write lock,
so two senders never take the same job; a sender that dies leaves a lease that runs out,
and the job is due again. A failed attempt waits ``30 s * 2**(attempts - 1)`` (at most an
hour) before the next; after ``max_attempts`` the job is ``failed`` until someone retries it.
Mixed into :class:`vetmri.records.store.RecordStore`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tinydb import Query

from vetmri.errors import UserInputError
from vetmri.records.ids import format_id
from vetmri.records.models import SEND_STATUSES, SendJob
from vetmri.records.validation import clean_text

__all__ = ["BACKOFF_BASE_S", "BACKOFF_MAX_S", "MAX_ATTEMPTS", "SendQueue", "retry_delay_s"]

BACKOFF_BASE_S = 30.0
BACKOFF_MAX_S = 3600.0
MAX_ATTEMPTS = 10
DEFAULT_LEASE_S = 600.0


def retry_delay_s(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt."""
    return min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_MAX_S)


def _utc(now: datetime | None) -> datetime:
    moment = datetime.now(timezone.utc) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("send queue times must be timezone-aware")
    return moment.astimezone(timezone.utc)


class SendQueue:
    """PACS send-queue methods of the record store."""

    def enqueue_send(self, study_id: str, destination: str, *, series_id: str = "",
                     now: datetime | None = None) -> SendJob:
        """Queue sending a study (or one of its series) to the PACS node ``destination``.

        A job for the same study, series and node that is still pending or sending is
        returned instead of a second one.
        """
        node = clean_text(destination, "PACS node name", max_length=32)
        if not node:
            raise UserInputError("The PACS node name is empty; give the name of a node in the settings.")
        moment = _utc(now)
        with self._write():
            study_number, _ = self._doc("studies", study_id, "study")
            study_ref = format_id("studies", study_number)
            series_ref = ""
            if series_id:
                series_number, series = self._doc("series", series_id, "series")
                if series["study"] != study_ref:
                    raise UserInputError(f"Series {format_id('series', series_number)} is not part of study {study_ref}.")
                series_ref = format_id("series", series_number)
            item = Query()
            open_jobs = self._table("sends").search(
                (item.study == study_ref) & (item.series == series_ref) & (item.destination == node)
                & item.status.one_of(["pending", "sending"])
            )
            if open_jobs:
                return SendJob.from_doc(format_id("sends", open_jobs[0].doc_id), open_jobs[0])
            job = SendJob("", study_ref, node, series_ref, "pending", 0, moment, "",
                          self._now(), self._now())
            number = self._next_number("sends")
            self._insert("sends", number, job.to_doc())
        return SendJob.from_doc(format_id("sends", number), job.to_doc())

    def claim_next_send(self, *, now: datetime | None = None, lease_s: float = DEFAULT_LEASE_S) -> SendJob | None:
        """Take the oldest job that is due (or whose sender died) and mark it ``sending``.

        Returns None when nothing is due. Report the outcome with :meth:`mark_sent` or
        :meth:`mark_send_failed` before ``lease_s`` runs out.
        """
        moment = _utc(now)
        with self._write():
            due = [d for d in self._table("sends").search(Query().status.one_of(["pending", "sending"]))
                   if datetime.fromisoformat(d["next_attempt_at"]) <= moment]
            if not due:
                return None
            doc = dict(min(due, key=lambda d: (d["next_attempt_at"], d.doc_id)))
            number = min(due, key=lambda d: (d["next_attempt_at"], d.doc_id)).doc_id
            doc.update(status="sending", attempts=doc["attempts"] + 1,
                       next_attempt_at=(moment + timedelta(seconds=lease_s)).isoformat(),
                       updated_at=self._now())
            self._replace("sends", number, doc)
        return SendJob.from_doc(format_id("sends", number), doc)

    def mark_sent(self, job_id: str) -> SendJob:
        """Record that the job's send succeeded."""
        return self._finish(job_id, status="sent", last_error="", next_attempt_at=None)

    def mark_send_failed(self, job_id: str, error: str, *, now: datetime | None = None,
                         max_attempts: int = MAX_ATTEMPTS) -> SendJob:
        """Record a failed attempt: back off, or give up (``failed``) after ``max_attempts``.

        ``error`` is a technical reason (no owner data), shown to staff in the queue.
        """
        moment = _utc(now)
        job = self.send_job(job_id)
        if job.attempts >= max_attempts:
            return self._finish(job_id, status="failed", last_error=error[:200], next_attempt_at=None)
        retry_at = moment + timedelta(seconds=retry_delay_s(job.attempts))
        return self._finish(job_id, status="pending", last_error=error[:200], next_attempt_at=retry_at.isoformat())

    def retry_send(self, job_id: str, *, now: datetime | None = None) -> SendJob:
        """Put a failed (or waiting) job back at the front of the queue with fresh attempts."""
        return self._finish(job_id, status="pending", attempts=0, next_attempt_at=_utc(now).isoformat())

    def cancel_send(self, job_id: str) -> SendJob:
        """Take a waiting (``pending`` or ``failed``) job out of the queue: ``cancelled``.

        Raises
        ------
        UserInputError
            The job is being sent right now, or was sent already.
        """
        with self._write():  # checked and changed under the lock: a sender may claim it meanwhile
            number, doc = self._doc("sends", job_id, "send job")
            ref = format_id("sends", number)
            if doc["status"] == "sending":
                raise UserInputError(f"Job {ref} is being sent right now; cancel it when this attempt has ended.")
            if doc["status"] == "sent":
                raise UserInputError(f"Job {ref} was sent already; there is nothing to cancel.")
            doc.update(status="cancelled", next_attempt_at=None, updated_at=self._now())
            self._replace("sends", number, doc)
        return SendJob.from_doc(ref, doc)

    def make_send_due(self, job_id: str, *, now: datetime | None = None) -> SendJob:
        """Make a ``pending`` job due now, keeping its attempts (its PACS answers again)."""
        with self._write():
            number, doc = self._doc("sends", job_id, "send job")
            if doc["status"] == "pending":
                doc.update(next_attempt_at=_utc(now).isoformat(), updated_at=self._now())
                self._replace("sends", number, doc)
        return SendJob.from_doc(format_id("sends", number), doc)

    def send_job(self, job_id: str) -> SendJob:
        """The send job ``job_id`` (``Q-000042``)."""
        number, doc = self._doc("sends", job_id, "send job")
        return SendJob.from_doc(format_id("sends", number), doc)

    def send_jobs(self, status: str | None = None) -> list[SendJob]:
        """Jobs (of one status), oldest first."""
        if status is not None and status not in SEND_STATUSES:
            raise UserInputError(f"The send status {status!r} is not one of {', '.join(SEND_STATUSES)}.")
        table = self._table("sends")
        docs = table.all() if status is None else table.search(Query().status == status)
        return [SendJob.from_doc(format_id("sends", d.doc_id), d) for d in sorted(docs, key=lambda d: d.doc_id)]

    def _finish(self, job_id: str, **fields: object) -> SendJob:
        with self._write():
            number, doc = self._doc("sends", job_id, "send job")
            doc.update(fields, updated_at=self._now())
            self._replace("sends", number, doc)
        return SendJob.from_doc(format_id("sends", number), doc)
