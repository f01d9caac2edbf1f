"""The running exam, owned by the app so it keeps running when the operator leaves the
screen that started it.

The exam use case (:class:`vetmri.exam.ExamSession`) runs in a thread worker with its own
record store (the screens keep theirs for searches meanwhile). Its events come back as
messages: progress as :class:`~vetmri.tui.widgets.progress_line.ProgressLine.Progress`,
which coalesce, so a fast exam cannot flood the UI; the end of each series and of the exam
as notifications.
"""

from __future__ import annotations

import time

from textual import work

from vetmri.tui.widgets.progress_line import ProgressLine

__all__ = ["ExamRunner"]

#: Seconds within which a second ctrl+q aborts a running exam and quits.
QUIT_CONFIRM_S = 5.0


class ExamRunner:
    """Mixed into the app: start, follow and abort one exam at a time."""

    _session = None
    _quit_asked_at = 0.0

    @property
    def exam_running(self) -> bool:
        return self._session is not None

    def start_exam(self, request) -> bool:
        """Run ``request`` (an :class:`vetmri.exam.ExamRequest`); False when one runs already."""
        if self.exam_running:
            self.notify("An exam is running already; wait for it or abort it first.", severity="warning")  # type: ignore[attr-defined]
            return False
        self._run_exam(request)
        return True

    @work(thread=True, exclusive=True, group="exam", exit_on_error=False, name="the exam")
    def _run_exam(self, request) -> None:
        from vetmri.exam import ExamSession
        from vetmri.records.store import open_store

        settings = self.context.settings()  # type: ignore[attr-defined]
        with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
            session = ExamSession(store, settings, on_event=self._exam_event)
            self._session = session
            try:
                outcome = session.start(request)
            finally:
                self._session = None
        severity = "information" if outcome.status == "complete" else "warning"
        text = (f"The exam {outcome.study_id} is complete ({len(outcome.series)} series)."
                if outcome.status == "complete" else f"The exam {outcome.study_id} is incomplete: {outcome.reason}")
        self.post_message(ProgressLine.Progress("exam", 1.0, text))  # type: ignore[attr-defined]
        self.call_from_thread(self.notify, text, severity=severity, timeout=15)  # type: ignore[attr-defined]

    def _exam_event(self, event) -> None:
        """Called in the exam's thread for every event."""
        from vetmri.exam import CalibrationStepDone, ExamProgress, SeriesDone, SeriesFailed, StudyReady

        post = self.post_message  # type: ignore[attr-defined]
        if isinstance(event, ExamProgress):
            left = int(event.exam_remaining_s)
            post(ProgressLine.Progress("exam", event.exam_fraction,
                                       f"{event.message or 'scanning'} · {left // 60}:{left % 60:02d} left"))
        elif isinstance(event, CalibrationStepDone):
            post(ProgressLine.Progress("exam", 0.0, f"calibration: {event.message}"))
        elif isinstance(event, StudyReady):
            post(ProgressLine.Progress("exam", 0.0, f"{event.pet_name}: study {event.study_id} filed"))
        elif isinstance(event, SeriesDone):
            self.call_from_thread(self.notify, f"{event.description}: {event.images} images written.")  # type: ignore[attr-defined]
        elif isinstance(event, SeriesFailed):
            self.call_from_thread(self.notify, f"{event.description} failed: {event.reason}", severity="error")  # type: ignore[attr-defined]

    def on_progress_line_progress(self, message: ProgressLine.Progress) -> None:
        """Show the exam's progress in the header and on the screen's progress line."""
        from vetmri.tui.widgets.status_header import HeaderState

        state: HeaderState = self.header_state  # type: ignore[attr-defined]
        exam = "" if message.fraction >= 1.0 else f"exam {message.fraction:.0%}"
        self.show_header(HeaderState(state.station, state.scanner, state.queue, exam))  # type: ignore[attr-defined]
        for line in self.screen.query(ProgressLine):  # type: ignore[attr-defined]
            line.show(message)

    def abort_exam(self) -> None:
        if self._session is not None:
            self._session.abort()

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
