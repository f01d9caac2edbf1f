"""The state of the exam the app runs, fed by the exam's events, read by the screens.

The app owns one :class:`LiveExam`; the exam's thread calls :meth:`LiveExam.apply` with
every event (cheap: it stores values and windows the newest slice to 8 bits), the screens
read :meth:`LiveExam.snapshot` (a frozen copy) when told that it changed. So leaving the
acquisition screen loses nothing and returning shows the exam as it is now.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Callable

__all__ = ["CalibrationLine", "ExamSnapshot", "LiveExam", "LiveSlice", "SeriesLine", "view_of"]

#: Words for the calibration steps.
STEP_NAMES = {"larmor": "Larmor frequency", "noise": "noise level", "shim": "shim", "rf": "RF scale",
              "larmor_final": "Larmor after shim"}


@dataclass(frozen=True)
class CalibrationLine:
    step: str
    message: str


@dataclass(frozen=True)
class SeriesLine:
    """One series of the run: ``state`` is planned, running, done, failed or skipped."""

    index: int
    description: str
    scan_time_s: float
    state: str = "planned"
    number: int = 0
    slices: int = 0
    slices_shown: int = 0
    images: int = 0
    reason: str = ""


@dataclass(frozen=True, eq=False)
class LiveSlice:
    """The newest slice, ready for the image widget.

    Attributes
    ----------
    serial : int
        Counts the slices shown in this app.
    view : ViewSlice
        The image in the patient frame (its ``key`` names this slice).
    window : WindowLevel
        The first preset of the series' contrast.
    region : str
        Body region, for the orientation labels.
    last_readout_at_s : float
        ``time.monotonic()`` of the slice's last readout.
    """

    serial: int
    index: int
    slice_index: int
    slices: int
    description: str
    view: object
    window: object
    region: str
    last_readout_at_s: float


@dataclass(frozen=True)
class ExamSnapshot:
    """What the acquisition screen shows, at one moment."""

    active: bool = False
    running: bool = False
    study_id: str = ""
    pet_name: str = ""
    calibration: tuple[CalibrationLine, ...] = ()
    calibrated: bool = False
    calibration_fraction: float = 0.0
    series: tuple[SeriesLine, ...] = ()
    current: int | None = None
    series_fraction: float = 0.0
    series_remaining_s: float = 0.0
    exam_fraction: float = 0.0
    exam_remaining_s: float = 0.0
    scan_time_s: float = 0.0
    message: str = ""
    newest: LiveSlice | None = None
    started_at: datetime | None = None
    anaesthesia_started_at: datetime | None = None
    ended_at: datetime | None = None
    status: str = ""
    reason: str = ""
    vitals_due_at: datetime | None = None
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def exam_elapsed_s(self) -> float:
        """Wall time of this run so far (or until it ended)."""
        if self.started_at is None:
            return 0.0
        return max(0.0, ((self.ended_at or self.now) - self.started_at).total_seconds())

    @property
    def anaesthesia_s(self) -> float:
        """Time under anaesthesia since the study's first exam run started."""
        start = self.anaesthesia_started_at or self.started_at
        return 0.0 if start is None else max(0.0, (self.now - start).total_seconds())

    @property
    def vitals_due_in_s(self) -> float | None:
        """Seconds until the vital signs are due (negative: overdue); None: no exam."""
        if self.vitals_due_at is None or self.status == "complete":
            return None
        return (self.vitals_due_at - self.now).total_seconds()

    @property
    def scan_done_s(self) -> float:
        return max(0.0, self.scan_time_s - self.exam_remaining_s)

    def line(self, index: int) -> SeriesLine | None:
        return next((s for s in self.series if s.index == index), None)


def view_of(event, serial: int, description: str, region: str, patient_position: str) -> tuple:
    """The :class:`~vetmri.viewing.ViewSlice` and window of a ``SliceImageReady`` (numpy
    work done in the exam's thread, never in the UI's)."""
    from vetmri.viewing import slice_from_geometry
    from vetmri.viewing.window import contrast_of, robust_maximum, window_presets

    view = slice_from_geometry(event.image, event.geometry, patient_position=patient_position or "HFS",
                               key=f"live:{serial}:{event.index}:{event.slice_index}")
    window = window_presets(contrast_of(description))[0].window(robust_maximum(event.image))
    return view, window


class LiveExam:
    """The running (or last) exam of the app, safe to feed from the exam's thread.

    Parameters
    ----------
    now : callable, optional
        The present as an aware datetime (tests pass a clock of their own).
    """

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._state = ExamSnapshot(now=self.now())
        self._serial = 0
        self._last_vitals: datetime | None = None
        #: (body region, DICOM Patient Position) of the exam running, for the slices' labels.
        self.view_context: tuple[str, str] = ("", "HFS")

    def snapshot(self) -> ExamSnapshot:
        """A frozen copy of the state now."""
        with self._lock:
            return replace(self._state, now=self.now())

    def begin(self) -> None:
        """An exam run starts (before its first event): the old state goes."""
        with self._lock:
            self._state = ExamSnapshot(active=True, running=True, started_at=self.now(), now=self.now())
            self._last_vitals = None

    def vitals_recorded(self, moment: datetime) -> None:
        """Vital signs were recorded at ``moment``: the next are due an interval later."""
        from vetmri.records.vitals import VITALS_INTERVAL_S

        with self._lock:
            self._last_vitals = max(moment, self._last_vitals or moment)
            self._state = replace(self._state, vitals_due_at=self._last_vitals + timedelta(seconds=VITALS_INTERVAL_S))

    def apply(self, event) -> None:
        """Take one exam event (called in the exam's thread)."""
        from vetmri.exam import events as ev

        pixels = None
        if isinstance(event, ev.SliceImageReady):
            line = self._state.line(event.index)
            pixels = view_of(event, self._serial + 1, line.description if line else "", *self.view_context)
        with self._lock:
            self._state = self._applied(self._state, event, pixels, ev)

    def stopped(self, reason: str) -> None:
        """The run failed before it could say so itself (the scanner never answered)."""
        with self._lock:
            self._state = replace(self._state, running=False, status="incomplete", reason=reason, ended_at=self.now())

    def _applied(self, state: ExamSnapshot, event, pixels, ev) -> ExamSnapshot:
        if isinstance(event, ev.StudyReady):
            times = event.series_scan_time_s or (0.0,) * len(event.series_planned)
            indices = event.series_indices or tuple(range(len(event.series_planned)))
            series = tuple(SeriesLine(i, name, t) for i, name, t in zip(indices, event.series_planned, times))
            start = datetime.fromisoformat(event.exam_started_at) if event.exam_started_at else state.started_at
            from vetmri.records.vitals import VITALS_INTERVAL_S

            last = max(filter(None, (start, self._last_vitals)), default=None)
            due = None if last is None else last + timedelta(seconds=VITALS_INTERVAL_S)
            return replace(state, study_id=event.study_id, pet_name=event.pet_name, series=series,
                           scan_time_s=event.scan_time_s, exam_remaining_s=event.scan_time_s,
                           anaesthesia_started_at=start, vitals_due_at=due)
        if isinstance(event, ev.CalibrationStepDone):
            if event.step == "done":
                return replace(state, calibrated=True, calibration_fraction=1.0)
            return replace(state, calibration=(*state.calibration, CalibrationLine(event.step, event.message)),
                           calibration_fraction=event.fraction)
        if isinstance(event, ev.ExamProgress):
            if event.index < 0:
                return replace(state, calibration_fraction=event.series_fraction, message=event.message,
                               exam_remaining_s=event.exam_remaining_s or state.exam_remaining_s)
            return replace(state, series_fraction=event.series_fraction, series_remaining_s=event.series_remaining_s,
                           exam_fraction=event.exam_fraction, exam_remaining_s=event.exam_remaining_s, message=event.message)
        if isinstance(event, ev.SeriesStarted):
            return replace(state, current=event.index, series_fraction=0.0, series_remaining_s=event.scan_time_s,
                           series=_changed(state.series, event.index, state="running", number=event.number,
                                           slices=event.slices, description=event.description, slices_shown=0))
        if isinstance(event, ev.SliceImageReady):
            self._serial += 1
            line = state.line(event.index)
            view, window = pixels
            newest = LiveSlice(self._serial, event.index, event.slice_index, event.slices,
                               line.description if line else "", view, window, self.view_context[0],
                               event.last_readout_at_s or time.monotonic())
            shown = (line.slices_shown + 1) if line else 1
            return replace(state, newest=newest, series=_changed(state.series, event.index, slices_shown=shown))
        if isinstance(event, ev.SeriesDone):
            return replace(state, current=None, series=_changed(state.series, event.index, state="done",
                                                                 images=event.images, number=event.number))
        if isinstance(event, ev.SeriesFailed):
            return replace(state, current=None, series=_changed(state.series, event.index, state="failed",
                                                                 reason=event.reason))
        if isinstance(event, getattr(ev, "SeriesSkipped", ())):
            return replace(state, current=None if state.current == event.index else state.current,
                           series=_changed(state.series, event.index, state="skipped", reason=event.reason))
        if isinstance(event, ev.ExamDone):
            return replace(state, running=False, current=None, status=event.status, reason=event.reason,
                           ended_at=self.now(), exam_remaining_s=0.0 if event.status == "complete" else state.exam_remaining_s)
        return state


def _changed(series: tuple[SeriesLine, ...], index: int, **changes) -> tuple[SeriesLine, ...]:
    return tuple(replace(s, **changes) if s.index == index else s for s in series)
