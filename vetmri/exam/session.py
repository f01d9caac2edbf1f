"""One exam, end to end: the pet's record -> plan -> study -> calibration -> each series
acquired, written as it arrives, reconstructed slice by slice while it runs, written as
DICOM and registered -> PACS send queued -> study status.

:class:`ExamSession` is the one use case the command line and the terminal UI both drive.
It runs in the caller's thread (a front end gives it a worker thread) and reports through
one callback of :mod:`vetmri.exam.events`; :meth:`ExamSession.abort` may be called from any
other thread. Whatever stops an exam (an abort, a dropped link, a full disk) leaves every
readout received in the raw file, the study ``incomplete`` with the reason, and the exam
resumable (:meth:`ExamSession.resume`): the remaining series are acquired, the one cut
short is acquired again as a new attempt with its own series number.
:meth:`ExamSession.skip` (any thread) leaves a series out on purpose: recorded with the
study, it counts as done and is not acquired on resume.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import OperationFailedError, UserInputError, VetmriError
from vetmri.exam.events import ExamDone, ExamEvent, StudyReady
from vetmri.exam.request import ExamRequest
from vetmri.exam.series_run import SeriesOutcome, SeriesRunner
from vetmri.exam.study_files import read_request, read_skipped, write_request

if TYPE_CHECKING:
    from vetmri.protocols.plan import ExamPlan
    from vetmri.records.models import Study
    from vetmri.records.store import RecordStore
    from vetmri.scanner.profile import ScannerProfile
    from vetmri.settings import Settings

__all__ = ["ExamOutcome", "ExamSession", "plan_for_request"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExamOutcome:
    """How a run of an exam ended.

    Attributes
    ----------
    study_id, study_instance_uid : str
    status : {"complete", "incomplete"}
    reason : str
        Why it is incomplete (one sentence), else empty.
    scan_time_s : float
        Sum of the real scan times of the series acquired in this run.
    wall_time_s : float
    series : tuple of SeriesOutcome
    """

    study_id: str
    study_instance_uid: str
    status: str
    reason: str
    scan_time_s: float
    wall_time_s: float
    series: tuple[SeriesOutcome, ...]

    def to_dict(self) -> dict:
        """The ``--json`` summary (stable keys)."""
        return {
            "study": self.study_id, "study_instance_uid": self.study_instance_uid, "status": self.status,
            "reason": self.reason, "scan_time_s": round(self.scan_time_s, 2), "wall_time_s": round(self.wall_time_s, 2),
            "series": [s.to_dict() for s in self.series],
        }


def plan_for_request(request: ExamRequest, species: str, weight_kg: float | None, breed: str,
                     profile: ScannerProfile) -> ExamPlan:
    """The exam plan of ``request`` for this animal (the same plan every time).

    Raises
    ------
    UserInputError
        No weight, an implausible one, an unknown region, an override that cannot be
        honoured, a series index beyond the plan or an infeasible series.
    """
    from vetmri.protocols.planner import plan_exam

    if weight_kg is None:
        raise UserInputError("The pet has no recorded weight; weigh it and record the weight first (the protocol depends on it).")
    try:
        plan = plan_exam(species, weight_kg, request.region, breed=breed or None, overrides=request.parsed_overrides(),
                         variant=request.variant,
                         max_exam_min=request.max_exam_min, profile=profile)
    except UserInputError as exc:
        if breed and "breed" in str(exc).lower():  # a breed the table does not know plans as the default skull
            plan = plan_exam(species, weight_kg, request.region, overrides=request.parsed_overrides(), variant=request.variant,
                             max_exam_min=request.max_exam_min, profile=profile)
        else:
            raise
    for index in request.series or ():
        if index >= len(plan.series):
            raise UserInputError(f"There is no series {index}; this exam has series 0 to {len(plan.series) - 1} "
                                 "(see 'vetmri protocols show').")
    for index in request.series if request.series is not None else range(len(plan.series)):
        series = plan.series[index]
        if not series.feasible:
            raise UserInputError(f"Series {index} ({series.parameters.name}) cannot be played: "
                                 f"{series.violations[0].message.rstrip('.')}; change it with --set {index}:KEY=VALUE.")
    return plan


def _planned_indices(request: ExamRequest, plan: ExamPlan) -> list[int]:
    """The plan indices the request acquires, in order (every series by default)."""
    return list(request.series) if request.series is not None else list(range(len(plan.series)))


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ExamSession:
    """Runs exams of one workstation.

    Parameters
    ----------
    store : RecordStore
        The records (pets, studies, series, send queue).
    settings : Settings
        Which backend, the DICOM identity, the PACS nodes.
    profile : ScannerProfile, optional
        The configured scanner profile (loaded from the settings by default); a scanner on
        the link brings its own.
    on_event : callable(ExamEvent), optional
        Called in the exam's thread with every event.
    sequence_cache : bool
        Keep built sequences in ``<data>/cache/sequences`` (default True).
    """

    def __init__(self, store: RecordStore, settings: Settings, *, profile: ScannerProfile | None = None,
                 on_event: Callable[[ExamEvent], None] | None = None, sequence_cache: bool = True) -> None:
        from vetmri.scanner.profile import load_profile

        self.store = store
        self.settings = settings
        self.profile = profile or load_profile(settings.scanner.profile)
        self._emit = on_event or (lambda event: None)
        self._cache_folder = store.data_dir / "cache" / "sequences" if sequence_cache else None
        self._abort = threading.Event()
        self._abort_reason = ""
        self._backend = None
        self._lock = threading.Lock()
        self._waiting: list[int] = []  # this run's series not started yet
        self._running: int | None = None
        self._skips: dict[int, str] = {}

    # -- control from any thread -----------------------------------------------------------

    def abort(self, reason: str = "The operator aborted the exam.") -> None:
        """Stop the exam in progress: the series running is kept as far as it came."""
        with self._lock:
            self._abort_reason = self._abort_reason or reason
            self._abort.set()
            backend = self._backend
        if backend is not None:
            backend.abort()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def skip(self, index: int, reason: str = "The operator skipped the series.") -> str:
        """Leave series ``index`` (plan index) of the running exam out: one not started yet
        is not played; the one running is stopped cleanly (what it received stays in the
        raw file) and the exam goes on with the next. Either way it is recorded with the
        study as skipped, with ``reason``.

        Returns
        -------
        {"planned", "running"}
            What the series was when skipped.

        Raises
        ------
        UserInputError
            No exam runs, or the series is not one this run still has to play.
        """
        with self._lock:
            if index == self._running:
                self._skips[index] = reason
                backend, state = self._backend, "running"
            elif index in self._waiting:
                self._skips[index] = reason
                backend, state = None, "planned"
            elif self._running is None and not self._waiting:
                raise UserInputError("No exam is running; there is no series to skip.")
            else:
                raise UserInputError(f"Series {index} is not waiting or running in this exam (done, skipped or not "
                                     "planned); only a series still to play can be skipped.")
        if backend is not None:
            backend.abort()
        return state

    # -- the runner's side of skip() -------------------------------------------------------

    def _begin_series(self, index: int) -> str:
        """Series ``index`` is next: its skip reason when it was skipped (then it is not played)."""
        with self._lock:
            if index in self._waiting:
                self._waiting.remove(index)
            reason = self._skips.pop(index, "")
            self._running = None if reason else index
        return reason

    def _skip_requested(self, index: int) -> bool:
        with self._lock:
            return index in self._skips and not self._abort.is_set()

    def _end_series(self, index: int) -> str:
        """Series ``index`` stopped: the skip reason when it was skipped while running."""
        with self._lock:
            self._running = None
            return self._skips.pop(index, "")

    # -- the use case ----------------------------------------------------------------------

    def start(self, request: ExamRequest) -> ExamOutcome:
        """Plan the exam for the pet, file it as a study and run it.

        Raises
        ------
        UserInputError
            An unknown pet, a plan that cannot be made (one sentence).
        OperationFailedError
            The scanner does not answer (before any study is made).
        """
        pet = self.store.pet(request.pet_id)
        plan = plan_for_request(request, pet.species, pet.weight_kg, pet.breed, self.profile)
        return self._connected(request, plan, _planned_indices(request, plan), study=None)

    def resume(self, study_id: str, *, repeat: int | None = None) -> ExamOutcome:
        """Acquire what a cut exam still lacks (the series cut short again, as a new
        attempt), and with ``repeat`` that series once more (the animal moved).

        Raises
        ------
        UserInputError
            An unknown study, one not made by an exam, nothing left to do, an unknown series.
        """
        study = self.store.study(study_id)
        request = read_request(self.store.data_dir / study.folder, study.id)
        pet = self.store.pet(study.pet_id)
        plan = plan_for_request(request, pet.species, study.weight_kg or pet.weight_kg, pet.breed, self.profile)
        done = self._done_indices(study) | set(read_skipped(self.store.data_dir / study.folder))
        remaining = [i for i in _planned_indices(request, plan) if i not in done]
        if repeat is not None:
            if not 0 <= repeat < len(plan.series):
                raise UserInputError(f"There is no series {repeat} to repeat; this exam has series 0 to {len(plan.series) - 1}.")
            remaining = [repeat, *[i for i in remaining if i != repeat]]
        if not remaining:
            raise UserInputError(f"Study {study.id} is complete; nothing is left to acquire (repeat a series with --repeat INDEX).")
        return self._connected(request, plan, remaining, study=study,
                               reacquire=frozenset() if repeat is None else frozenset({repeat}))

    # -- internals -------------------------------------------------------------------------

    def _connected(self, request: ExamRequest, plan: ExamPlan, indices: list[int], study: Study | None,
                   reacquire: frozenset[int] = frozenset()) -> ExamOutcome:
        from vetmri.exam.backends import open_backend

        self._abort.clear()
        self._abort_reason = ""
        with open_backend(self.settings, plan, request, self.profile) as opened:
            profile = opened.backend.capabilities()
            if profile != self.profile:  # a scanner brings its own limits: plan for them
                pet = self.store.pet(request.pet_id)
                plan = plan_for_request(request, pet.species, plan.weight_kg, pet.breed, profile)
            with self._lock:
                self._backend = opened.backend
                self._waiting, self._running, self._skips = list(indices), None, {}
            try:
                if study is None:
                    study = self._file_study(request, plan)
                return self._run(request, plan, indices, study, opened.backend, profile, reacquire)
            finally:
                with self._lock:
                    self._backend = None
                    self._waiting, self._running, self._skips = [], None, {}

    def _file_study(self, request: ExamRequest, plan: ExamPlan) -> Study:
        """The study of this exam: the pet's planned one for the region (from the worklist
        or the front desk) when there is one, else a new one."""
        planned = [s for s in self.store.studies_of_pet(request.pet_id)
                   if s.status == "planned" and s.region == plan.region and not self.store.series_of_study(s.id)]
        summary = f"{plan.region}: " + ", ".join(plan.series[i].parameters.name for i in _planned_indices(request, plan))
        if planned:
            study = self.store.edit_study(planned[0].id, plan_summary=summary[:2000], weight_kg=plan.weight_kg,
                                          position=request.position)
        else:
            study = self.store.add_study(request.pet_id, plan.region, plan_summary=summary[:2000],
                                         weight_kg=plan.weight_kg, operator=request.operator)
            if request.position:
                study = self.store.edit_study(study.id, position=request.position)
        if request.training and not study.training:
            study = self.store.edit_study(study.id, training=True)
        referral = {k: v for k, v in (("referring_vet", request.referring_vet),
                                      ("referring_clinic", request.referring_clinic)) if v.strip()}
        if referral:
            study = self.store.edit_study(study.id, **referral)
        write_request(self.store.data_dir / study.folder, request)
        return study

    def _run(self, request: ExamRequest, plan: ExamPlan, indices: list[int], study: Study, backend,
             profile: ScannerProfile, reacquire: frozenset[int] = frozenset()) -> ExamOutcome:
        started = time.monotonic()
        first_start = study.exam_started_at or _now().isoformat()
        study = self.store.edit_study(study.id, status="scanning", status_reason="", exam_started_at=first_start)
        pet = self.store.pet(study.pet_id)
        runner = SeriesRunner(self, study=study, plan=plan, backend=backend, profile=profile, request=request)
        self._emit(StudyReady(study.id, study.study_uid, pet.id, pet.name,
                              tuple(plan.series[i].parameters.name for i in indices),
                              sum(plan.series[i].scan_time_s for i in indices), tuple(indices),
                              tuple(plan.series[i].scan_time_s for i in indices), first_start))
        outcomes: list[SeriesOutcome] = []
        reason = ""
        try:
            runner.calibrate(indices)
            outcomes = runner.run_all(indices, reacquire=reacquire)
            failed = [o for o in outcomes if o.status not in ("complete", "skipped")]
            reason = failed[0].reason if failed else ""
        except VetmriError as exc:
            reason = self._abort_reason or str(exc)
            outcomes = runner.outcomes
        except OSError as exc:  # a full disk or a file-size limit while writing a file
            _log.warning("the exam of study %s stopped writing %s: %s", study.id, exc.filename or "a file", exc)
            reason = (f"A file could not be written ({exc.strerror or exc}); free disk space (or raise the file-size "
                      "limit) and resume the exam.")
            outcomes = runner.outcomes
        except Exception:  # a bug must not leave the study 'scanning' nor reach the clinic's screen
            if self.aborted:  # an interrupt reached the simulator's workers too
                _log.info("the exam of study %s was aborted", study.id, exc_info=True)
                reason = self._abort_reason
            else:
                _log.exception("the exam of study %s stopped on an unexpected error", study.id)
                reason = "An unexpected error stopped the exam (the details are in the log); resume it or start it again."
            outcomes = runner.outcomes
        finally:
            runner.close()
        status = "complete" if not reason and self._all_done(study, plan, request) else "incomplete"
        if status == "incomplete" and not reason:
            reason = "Series of the plan are still to acquire; resume the exam."
        wall = time.monotonic() - started
        self._close_study(study, status, reason, wall)
        runner.send_queued()
        scan = sum(o.scan_time_s for o in outcomes)
        self._emit(ExamDone(study.id, status, reason, scan, wall))
        return ExamOutcome(study.id, study.study_uid, status, reason, scan, wall, tuple(outcomes))

    def _done_indices(self, study: Study) -> set:
        """The plan indices of the series the study already has images of."""
        return {s.parameters.get("exam_index") for s in self.store.series_of_study(study.id)}

    def _all_done(self, study: Study, plan: ExamPlan, request: ExamRequest) -> bool:
        done = self._done_indices(study) | set(read_skipped(self.store.data_dir / study.folder))
        return all(i in done for i in _planned_indices(request, plan))

    def _close_study(self, study: Study, status: str, reason: str, wall_s: float) -> None:
        try:
            current = self.store.study(study.id)
            self.store.edit_study(study.id, status=status, status_reason=reason[:500], exam_ended_at=_now().isoformat(),
                                  anaesthesia_s=(current.anaesthesia_s or 0.0) + wall_s)
        except (VetmriError, OSError):  # a full disk: the study stays 'scanning', which resume accepts
            _log.exception("study %s: the end of the exam could not be recorded", study.id)
