"""The exam, end to end: the one use case the command line and the terminal UI drive.

Run an exam of a pet in the records (the front end gives it a worker thread and forwards
the events to its UI thread)::

    from vetmri.exam import ExamRequest, ExamSession

    session = ExamSession(store, settings, on_event=handle)     # handle(event) in the exam thread
    outcome = session.start(ExamRequest(pet_id="P-000001", region="brain"))
    outcome = session.resume("S-000003")                         # after an abort or a cut link
    outcome = session.resume("S-000003", repeat=2)               # series 2 again (the animal moved)
    session.skip(3)                                              # from any thread: series 3 not played
    session.abort()                                              # from any thread

Events (:mod:`vetmri.exam.events`, frozen dataclasses): ``StudyReady``, ``ExamProgress``
(``index == -1`` during calibration), ``CalibrationStepDone``, ``SeriesStarted``,
``SliceImageReady`` (the image array and its geometry, while the series runs),
``SeriesDone``, ``SeriesFailed``, ``ExamDone``. :func:`demo_pet` gives the demonstration
owner and dog (made once, then reused).
"""

from vetmri.exam.demo import DEMO_REGION, demo_pet
from vetmri.exam.events import (
    CalibrationStepDone,
    ExamDone,
    ExamEvent,
    ExamProgress,
    SeriesDone,
    SeriesFailed,
    SeriesSkipped,
    SeriesStarted,
    SliceImageReady,
    StudyReady,
)
from vetmri.exam.request import POSITIONS, ExamRequest
from vetmri.exam.series_run import SeriesOutcome
from vetmri.exam.session import ExamOutcome, ExamSession

__all__ = [
    "DEMO_REGION",
    "POSITIONS",
    "CalibrationStepDone",
    "ExamDone",
    "ExamEvent",
    "ExamOutcome",
    "ExamProgress",
    "ExamRequest",
    "ExamSession",
    "SeriesDone",
    "SeriesFailed",
    "SeriesOutcome",
    "SeriesSkipped",
    "SeriesStarted",
    "SliceImageReady",
    "StudyReady",
    "demo_pet",
]
