"""How ``vetmri exam`` shows an exam on stderr: progress bars of the series and of the
exam on a terminal (rewritten in place), one line per step otherwise (a log or a pipe gets
a few dozen lines, not one per readout)."""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["ExamPrinter"]


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _bar(fraction: float, width: int) -> str:
    filled = int(round(max(0.0, min(1.0, fraction)) * width))
    return "█" * filled + "░" * (width - filled)


class ExamPrinter:
    """Prints the events of :class:`vetmri.exam.ExamSession` (call it with each event)."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._drawn = False
        self._slices: dict[int, int] = {}

    def __call__(self, event) -> None:
        from vetmri.exam import events as ev

        if isinstance(event, ev.ExamProgress):
            if self.live:
                self._draw(event)
            return
        if isinstance(event, ev.SliceImageReady):
            self._slices[event.index] = self._slices.get(event.index, 0) + 1
            return
        line = self._line(event, ev)
        if line:
            self._say(line)

    def _line(self, event, ev) -> str:
        if isinstance(event, ev.StudyReady):
            return (f"study {event.study_id} of {event.pet_name} ({event.pet_id}): {len(event.series_planned)} series, "
                    f"{_clock(event.scan_time_s)} of scan")
        if isinstance(event, ev.CalibrationStepDone):
            return "calibration done" if event.step == "done" else f"calibration: {event.message}"
        if isinstance(event, ev.SeriesStarted):
            return f"series {event.number} {event.description}: started, {_clock(event.scan_time_s)} of scan, {event.slices} images"
        if isinstance(event, ev.SeriesDone):
            return (f"series {event.number} {event.description}: {event.images} images ({event.method}) in "
                    f"{event.dicom_dir}, {self._slices.get(event.index, 0)} shown while scanning")
        if isinstance(event, ev.SeriesFailed):
            return f"series {event.description}: stopped: {event.reason} ({event.acquisitions} readouts kept)"
        if isinstance(event, ev.SeriesSkipped):
            return f"series {event.description}: skipped: {event.reason} ({event.acquisitions} readouts kept)"
        if isinstance(event, ev.ExamDone):
            tail = "" if event.status == "complete" else f": {event.reason}"
            return (f"exam {event.status}{tail} ({_clock(event.scan_time_s)} of scan in {event.wall_time_s:.1f} s)")
        return ""

    def _draw(self, event) -> None:
        if event.index < 0:
            text = f"{event.message[:40]:<40} {_bar(event.series_fraction, 20)}"
        else:
            text = (f"{event.message[:28]:<28} {_bar(event.series_fraction, 16)} {_clock(event.series_remaining_s):>5} left"
                    f"  exam {_bar(event.exam_fraction, 12)} {_clock(event.exam_remaining_s):>6}")
        self.stream.write("\r" + text[:118])
        self.stream.flush()
        self._drawn = True

    def _say(self, line: str) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * 118 + "\r")
            self._drawn = False
        self.stream.write(line + "\n")
        self.stream.flush()
