"""Work the persistent PACS send queue of the records with C-STORE.

The queue itself (jobs, claims, attempts, back-off) lives in the records
(:mod:`vetmri.records.sendqueue`); this module fills it with one job per series of a
study (:func:`enqueue_study`) and sends the due jobs (:func:`work_send_queue`). A job
whose PACS is down or drops the connection goes back to ``pending`` with the records'
back-off; a restart loses nothing because every state change is on disk before the next
file goes out. Only nodes configured in the settings are contacted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    from vetmri.dicom.store import FileSendResult
    from vetmri.records.models import SendJob
    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["JobOutcome", "enqueue_series", "enqueue_study", "find_study", "job_files", "work_send_queue"]


@dataclass(frozen=True)
class JobOutcome:
    """One send job worked.

    Attributes
    ----------
    job : SendJob
        The job as it is now in the records (``sent``, ``pending`` with its next attempt,
        or ``failed``).
    files : int
        Files the job covers.
    accepted : int
        Files the PACS confirmed in this attempt.
    problem : str
        Why it did not complete ("" when sent).
    """

    job: "SendJob"
    files: int
    accepted: int
    problem: str


def find_study(store: "RecordStore", reference: str):
    """The study ``reference`` names: our id (``S-000042``) or its Study Instance UID.

    Raises
    ------
    UserInputError
        No such study.
    """
    text = reference.strip()
    if text[:1].isdigit() and "." in text:
        study = store.study_by_uid(text)
        if study is None:
            raise UserInputError(f"No study has the Study Instance UID {text}; find it with 'vetmri records list studies'.")
        return study
    return store.study(text)


def job_files(store: "RecordStore", job: "SendJob") -> list[Path]:
    """The DICOM files a job sends: its series' folder, or every series of its study."""
    series = [store.series(job.series_id)] if job.series_id else store.series_of_study(job.study_id)
    files: list[Path] = []
    for item in series:
        if item.dicom_folder:
            folder = store.data_dir / item.dicom_folder
            if folder.is_dir():
                files.extend(sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")))
    return files


def enqueue_study(store: "RecordStore", study_id: str, node_name: str, settings: "Settings",
                  *, now: datetime | None = None) -> list["SendJob"]:
    """Queue every series of a study (that has DICOM files) for ``node_name``.

    Raises
    ------
    UserInputError
        The node is not in the settings, or the study has no DICOM series.
    """
    settings.pacs_node(node_name)  # refuses a node that is not configured
    series = [s for s in store.series_of_study(study_id) if s.dicom_folder]
    if not series:
        raise UserInputError(f"Study {study_id} has no DICOM series to send; write them first (vetmri recon --format dicom).")
    return [store.enqueue_send(study_id, node_name, series_id=s.id, now=now) for s in series]


def enqueue_series(store: "RecordStore", study_id: str, series_id: str, node_name: str, settings: "Settings",
                   *, now: datetime | None = None) -> "SendJob":
    """Queue one series of a study for ``node_name``.

    Raises
    ------
    UserInputError
        The node is not in the settings, the series is not of that study, or it has no
        DICOM files.
    """
    settings.pacs_node(node_name)
    series = store.series(series_id)
    if not series.dicom_folder:
        raise UserInputError(f"Series {series.id} has no DICOM files to send; write them first (vetmri recon --format dicom).")
    return store.enqueue_send(study_id, node_name, series_id=series.id, now=now)


def work_send_queue(
    store: "RecordStore",
    settings: "Settings",
    *,
    override_backoff: bool = False,
    now: datetime | None = None,
    on_result: Callable[["SendJob", "FileSendResult"], None] | None = None,
    timeout_s: float | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[JobOutcome]:
    """Send every due job of the queue now, one association per job.

    Parameters
    ----------
    store : RecordStore
        The records holding the queue.
    settings : Settings
        Our AE title and the configured nodes.
    override_backoff : bool
        Make every waiting (``pending``) and given-up (``failed``) job due now with fresh
        attempts before working the queue (``vetmri dicom queue --retry``).
    now : datetime, optional
        The present (timezone-aware), for tests of the back-off.
    on_result : callable, optional
        Called with the job and each file's result as it is known.
    should_stop : callable, optional
        Asked before each job: True leaves the rest of the queue for later (a watcher
        that is told to stop finishes the job it is sending, and takes no new one).

    Returns
    -------
    list of JobOutcome
        In the order the jobs were worked.
    """
    from vetmri.dicom.association import DEFAULT_TIMEOUT_S
    from vetmri.dicom.store import send_files

    if override_backoff:
        for job in store.send_jobs():
            if job.status in ("pending", "failed"):
                store.retry_send(job.id, now=now)
    outcomes = []
    while not (should_stop is not None and should_stop()) and (job := store.claim_next_send(now=now)) is not None:
        try:
            node = settings.pacs_node(job.destination)
        except UserInputError:
            problem = f"the node '{job.destination}' is not in the settings"
            outcomes.append(JobOutcome(store.mark_send_failed(job.id, problem, now=now, max_attempts=job.attempts), 0, 0, problem))
            continue
        paths = job_files(store, job)
        if not paths:
            problem = "the series has no DICOM files in the data folder"
            outcomes.append(JobOutcome(store.mark_send_failed(job.id, problem, now=now, max_attempts=job.attempts), 0, 0, problem))
            continue
        report = send_files(
            node, paths, calling_ae_title=settings.dicom.ae_title, timeout_s=timeout_s or DEFAULT_TIMEOUT_S,
            on_result=None if on_result is None else (lambda result, j=job: on_result(j, result)),
        )
        accepted = len(report.accepted)
        if report.complete:
            outcomes.append(JobOutcome(store.mark_sent(job.id), len(paths), accepted, ""))
            continue
        if report.connection_problem:
            problem = report.connection_problem
        else:
            first = next(r for r in report.results if r.outcome.value != "accepted")
            problem = first.message
        # a clause, not a sentence: whoever shows it ends the sentence
        problem = f"{len(paths) - accepted} of {len(paths)} files not accepted: {problem.removesuffix('.')}"
        give_up = not report.pending  # only refusals or unreadable files: retrying cannot help
        updated = store.mark_send_failed(job.id, problem, now=now, **({"max_attempts": job.attempts} if give_up else {}))
        outcomes.append(JobOutcome(updated, len(paths), accepted, problem))
    return outcomes
