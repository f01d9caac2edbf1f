"""The running exam, owned by the app so it keeps running when the operator leaves the
screen that started it.

The exam use case (:class:`vetmri.exam.ExamSession`) runs in a thread worker with its own
record store (the screens keep theirs for searches meanwhile). Its events feed the app's
:class:`~vetmri.tui.live_exam.LiveExam` in the exam's thread and come back as messages
that coalesce (a newer one replaces an older one still queued), so a fast exam cannot
flood the UI: :class:`ExamRunner.ExamChanged` for the acquisition screen, progress as
:class:`~vetmri.tui.widgets.progress_line.ProgressLine.Progress` for the header; the end
of each series and of the exam as notifications.
"""

from __future__ import annotations

import logging
import time

from textual import work
from textual.message import Message

from vetmri.tui.live_exam import LiveExam
from vetmri.tui.widgets.progress_line import ProgressLine

__all__ = ["ExamRunner"]

_log = logging.getLogger("vetmri.tui")

#: Seconds within which a second ctrl+q aborts a running exam and quits.
QUIT_CONFIRM_S = 5.0
#: How often the vitals reminder looks at the clock.
VITALS_CHECK_S = 1.0
RESUME_HINT = "press u on the acquisition screen (or 'Resume the exam' in the palette) to resume it"


class ExamRunner:
    """Mixed into the app: start, follow, skip in, abort and resume one exam at a time."""

    _session = None
    _quit_asked_at = 0.0
    _live: LiveExam | None = None
    _repeat_after: list[int] | None = None
    _vitals_reminded = None
    _vitals_timer = None

    class ExamChanged(Message):
        """The exam's state changed; replaces an older report still queued."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ExamRunner.ExamChanged)

    @property
    def exam_running(self) -> bool:
        return self._session is not None

    @property
    def live_exam(self) -> LiveExam:
        """The state of the running (or last) exam."""
        if self._live is None:
            self._live = LiveExam()
        return self._live

    @live_exam.setter
    def live_exam(self, value: LiveExam) -> None:
        self._live = value

    def start_exam(self, request) -> bool:
        """Run ``request`` (an :class:`vetmri.exam.ExamRequest`); False when one runs already."""
        return self._launch(request=request)

    def resume_exam(self, study_id: str, *, repeat: int | None = None) -> bool:
        """Acquire what study ``study_id`` still lacks (``repeat``: that series again)."""
        return self._launch(study_id=study_id, repeat=repeat)

    def _launch(self, **what) -> bool:
        if self.exam_running:
            self.notify("An exam is running already; wait for it or abort it first.", severity="warning")  # type: ignore[attr-defined]
            return False
        self.live_exam.begin()
        self._session = True  # taken at once: a second start in the same moment is refused
        self._vitals_reminded = None
        if self._vitals_timer is None:
            self._vitals_timer = self.set_interval(VITALS_CHECK_S, self.check_vitals_due)  # type: ignore[attr-defined]
        self.post_message(self.ExamChanged())  # type: ignore[attr-defined]
        self._run_exam(**what)
        return True

    @work(thread=True, exclusive=True, group="exam", exit_on_error=False, name="the exam")
    def _run_exam(self, request=None, study_id: str | None = None, repeat: int | None = None) -> None:
        from vetmri.errors import VetmriError
        from vetmri.exam import ExamSession
        from vetmri.records.store import open_store

        outcome = None
        try:
            settings = self.context.settings()  # type: ignore[attr-defined]
            with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
                self.live_exam.view_context = _view_context(store, request, study_id)
                session = ExamSession(store, settings, on_event=self._exam_event)
                self._session = session
                outcome = session.resume(study_id, repeat=repeat) if study_id else session.start(request)
        except VetmriError as exc:  # refused, or the scanner never answered: one sentence
            self.live_exam.stopped(str(exc))
            hint = f"; {RESUME_HINT}" if study_id else ""
            self.call_from_thread(self.notify, f"{str(exc).rstrip('.')}{hint}.", severity="error", timeout=20)  # type: ignore[attr-defined]
        except BaseException:
            self.live_exam.stopped("The exam stopped on an unexpected error; the details are in the vetmri log.")
            raise
        finally:
            self._session = None
            self.post_message(self.ExamChanged())  # type: ignore[attr-defined]
        if outcome is None:
            self.post_message(ProgressLine.Progress("exam", 1.0, "the exam did not start"))  # type: ignore[attr-defined]
            return
        severity = "information" if outcome.status == "complete" else "warning"
        text = (f"The exam {outcome.study_id} is complete ({len(outcome.series)} series)."
                if outcome.status == "complete" else
                f"The exam {outcome.study_id} is incomplete: {outcome.reason.rstrip('.')}; {RESUME_HINT}.")
        self.post_message(ProgressLine.Progress("exam", 1.0, text))  # type: ignore[attr-defined]
        self.call_from_thread(self.notify, text, severity=severity, timeout=15)  # type: ignore[attr-defined]
        queued = self._repeat_after or []
        if queued and outcome.status == "complete":
            index = queued.pop(0)
            self.call_from_thread(self.resume_exam, outcome.study_id, repeat=index)

    def _exam_event(self, event) -> None:
        """Called in the exam's thread for every event."""
        from vetmri.exam import CalibrationStepDone, ExamProgress, SeriesDone, SeriesFailed, SeriesSkipped, StudyReady

        self.live_exam.apply(event)
        post = self.post_message  # type: ignore[attr-defined]
        post(self.ExamChanged())
        if isinstance(event, ExamProgress):
            left = int(event.exam_remaining_s)
            post(ProgressLine.Progress("exam", event.exam_fraction,
                                       f"{event.message or 'scanning'} · {left // 60}:{left % 60:02d} left"))
        elif isinstance(event, CalibrationStepDone):
            post(ProgressLine.Progress("exam", 0.0, f"calibration: {event.message}"))
        elif isinstance(event, StudyReady):
            post(ProgressLine.Progress("exam", 0.0, f"{event.pet_name}: study {event.study_id} filed"))
            self._load_vitals(event.study_id)
        elif isinstance(event, SeriesDone):
            self.call_from_thread(self.notify, f"{event.description}: {event.images} images written.")  # type: ignore[attr-defined]
        elif isinstance(event, SeriesFailed):
            self.call_from_thread(self.notify, f"{event.description} stopped: {event.reason.rstrip('.')} "  # type: ignore[attr-defined]
                                  f"({event.acquisitions} readouts kept); {RESUME_HINT}.", severity="error", timeout=20)
        elif isinstance(event, SeriesSkipped):
            self.call_from_thread(self.notify, f"{event.description} skipped: {event.reason}", severity="warning")  # type: ignore[attr-defined]

    def _load_vitals(self, study_id: str) -> None:
        """A resumed study may have vital signs recorded already: the reminder counts from the last."""
        from vetmri.records.vitals import vitals_of_study

        try:
            with self.context.store() as store:  # type: ignore[attr-defined]
                log = vitals_of_study(store, study_id)
        except Exception:  # the reminder then counts from the start; the exam goes on
            _log.warning("the vital signs of %s could not be read", study_id, exc_info=True)
            return
        if log:
            self.live_exam.vitals_recorded(max(v.moment for v in log))

    # -- control (from the screens) ----------------------------------------------------------

    def abort_exam(self) -> None:
        if self._session not in (None, True):
            self._control(lambda session: session.abort())

    def skip_series(self, index: int) -> None:
        """Skip series ``index`` of the running exam (a worker asks the session)."""
        if self._session in (None, True):
            self.notify("No exam is running; there is no series to skip.", severity="warning")  # type: ignore[attr-defined]
            return
        self._control(lambda session: session.skip(index), f"Skipping series {index} ...")

    def repeat_series(self, index: int, description: str) -> None:
        """Acquire series ``index`` again: now when no exam runs, else right after this one."""
        snapshot = self.live_exam.snapshot()
        if self.exam_running:
            self._repeat_after = [*(self._repeat_after or []), index]
            self.notify(f"{description} will be acquired again when this exam ends.")  # type: ignore[attr-defined]
            return
        if snapshot.study_id:
            self.resume_exam(snapshot.study_id, repeat=index)

    def action_resume_exam(self) -> None:
        study = self.live_exam.snapshot().study_id
        if not study:
            self.notify("There is no exam to resume; start one from a pet's exam set-up.", severity="warning")  # type: ignore[attr-defined]
            return
        self.resume_exam(study)

    @work(thread=True, group="exam-control", exit_on_error=False, name="the exam control")
    def _control(self, act, note: str = "") -> None:
        from vetmri.errors import VetmriError

        session = self._session
        if session in (None, True):
            return
        try:
            act(session)
        except VetmriError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning")  # type: ignore[attr-defined]

    def check_vitals_due(self) -> None:
        """Remind once per due time that the vital signs are to be recorded."""
        snapshot = self.live_exam.snapshot()
        due = snapshot.vitals_due_in_s
        if due is None or due > 0 or not snapshot.active or self._vitals_reminded == snapshot.vitals_due_at:
            return
        self._vitals_reminded = snapshot.vitals_due_at
        minutes = int(snapshot.anaesthesia_s // 60)
        self.notify(f"{minutes} min under anaesthesia: record the vital signs (heart rate, SpO2, EtCO2, temperature); "  # type: ignore[attr-defined]
                    "press v on the acquisition screen.", severity="warning", timeout=60)
        self.post_message(self.ExamChanged())  # type: ignore[attr-defined]

    def on_exam_runner_exam_changed(self, message: ExamChanged) -> None:
        from vetmri.tui.screens.acquisition import AcquisitionScreen

        screen = self.screen  # type: ignore[attr-defined]
        if isinstance(screen, AcquisitionScreen):
            screen.show_state(self.live_exam.snapshot())

    def on_progress_line_progress(self, message: ProgressLine.Progress) -> None:
        """Show the exam's progress in the header and on the screen's progress line."""
        from vetmri.tui.widgets.status_header import HeaderState

        state: HeaderState = self.header_state  # type: ignore[attr-defined]
        exam = "" if message.fraction >= 1.0 else f"[@click=app.acquisition]exam {message.fraction:.0%}[/]"
        self.show_header(HeaderState(state.station, state.scanner, state.queue, exam))  # type: ignore[attr-defined]
        from vetmri.tui.screens.exam_setup import ExamSetupScreen

        for screen in self.screen_stack:  # type: ignore[attr-defined]  # also the set-up under the acquisition
            if screen is self.screen or isinstance(screen, ExamSetupScreen):  # type: ignore[attr-defined]
                for line in screen.query(ProgressLine):
                    line.show(message)

    def action_acquisition(self) -> None:
        """The acquisition screen of the running (or last) exam."""
        from vetmri.tui.screens.acquisition import AcquisitionScreen

        if isinstance(self.screen, AcquisitionScreen):  # type: ignore[attr-defined]
            return
        if not self.live_exam.snapshot().active:
            self.notify("No exam has run yet; start one from a pet's exam set-up (e).", severity="warning")  # type: ignore[attr-defined]
            return
        self.push_screen(AcquisitionScreen())  # type: ignore[attr-defined]

    async def action_quit(self) -> None:
        """Quit; while an exam runs, only a second ``ctrl+q`` aborts it and quits."""
        if self.exam_running:
            now = time.monotonic()
            if now - self._quit_asked_at > QUIT_CONFIRM_S:
                self._quit_asked_at = now
                self.notify("An exam is running: press ctrl+q again to abort it and quit.", severity="warning")  # type: ignore[attr-defined]
                return
            self.abort_exam()
        self.exit()  # type: ignore[attr-defined]


def _view_context(store, request, study_id: str | None) -> tuple[str, str]:
    """(region, DICOM Patient Position) of the exam, for the live slices' orientation labels."""
    from vetmri.dicom.from_records import patient_position_code
    from vetmri.errors import VetmriError

    try:
        if study_id:
            study = store.study(study_id)
            return study.region, patient_position_code(study.position)
        return request.region, patient_position_code(request.position)
    except VetmriError:  # an unknown study: the exam says so itself
        return "", "HFS"
