"""Play a backend's acquisitions at the pace of the real scan (or a multiple of it).

The simulator computes a series far faster than the scanner plays it. Behind the link,
:class:`PacedBackend` releases each acquisition at its time stamp divided by ``speed``,
so a workstation sees data arrive as it would from the real scanner (a demonstration, a
test that needs a series in flight).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

from vetmri.acquisition.contract import Adjustments, Progress, ScanAborted, ScannerBackend
from vetmri.errors import UserInputError
from vetmri.rawdata import Acquisition
from vetmri.scanner.profile import ScannerProfile

__all__ = ["PacedBackend"]


class PacedBackend:
    """A backend whose :meth:`run` streams at ``speed`` times the real scan's pace.

    Parameters
    ----------
    backend : ScannerBackend
        The backend that computes the data.
    speed : float
        1 plays in real time, 10 ten times faster; must be positive.
    """

    def __init__(self, backend: ScannerBackend, *, speed: float) -> None:
        if not speed > 0:
            raise UserInputError(f"The pace must be a positive multiple of the real scan speed, not {speed:g}.")
        self.backend = backend
        self.speed = speed
        self._abort = threading.Event()

    def capabilities(self) -> ScannerProfile:
        return self.backend.capabilities()

    def calibrate(self, steps: Sequence[str] | None = None, *, on_progress: Progress | None = None) -> Adjustments:
        return self.backend.calibrate(steps, on_progress=on_progress)

    def run(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
            on_progress: Progress | None = None) -> Iterator[Acquisition]:
        """The wrapped backend's acquisitions, each released at ``time_stamp_s / speed``
        after the first."""
        self._abort.clear()
        started: float | None = None
        first_stamp = 0.0
        for acquisition in self.backend.run(seq_text, mrd_header_xml, adjustments, on_progress=on_progress):
            if started is None:
                started, first_stamp = time.monotonic(), acquisition.time_stamp_s
            due = started + max(acquisition.time_stamp_s - first_stamp, 0.0) / self.speed
            if self._abort.wait(max(due - time.monotonic(), 0.0)):
                raise ScanAborted("the scan was aborted")
            yield acquisition

    def abort(self) -> None:
        self._abort.set()
        self.backend.abort()
