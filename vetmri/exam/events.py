"""What an exam tells its front end, as plain frozen values (no UI types).

Events are made in the exam's worker thread and handed to one callback. Each owns its
data (arrays are private copies), so a front end may forward them to its UI thread as
they are. The order of one exam: :class:`StudyReady`, the calibration steps, then per
series :class:`SeriesStarted`, :class:`ExamProgress` and :class:`SliceImageReady` while it
runs, and :class:`SeriesDone`, :class:`SeriesFailed` or :class:`SeriesSkipped`; last :class:`ExamDone`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Union

import numpy as np

from vetmri.recon.geometry import SliceGeometry

__all__ = [
    "CalibrationStepDone",
    "ExamDone",
    "ExamEvent",
    "ExamProgress",
    "SeriesDone",
    "SeriesFailed",
    "SeriesSkipped",
    "SeriesStarted",
    "SliceImageReady",
    "StudyReady",
]


@dataclass(frozen=True)
class StudyReady:
    """The study the exam files into (created, joined from the worklist, or resumed).

    Attributes
    ----------
    study_id, study_instance_uid : str
    pet_id, pet_name : str
    series_planned : tuple of str
        Descriptions of the series this run will acquire, in order.
    scan_time_s : float
        Planned scan time of those series.
    series_indices : tuple of int
        Their 0-based indices in the exam plan, in the same order.
    series_scan_time_s : tuple of float
        Their planned scan times, in the same order.
    exam_started_at : str
        ISO moment (UTC) the study's first exam run started (an earlier run's, when resumed):
        the start of the animal's time under anaesthesia.
    """

    study_id: str
    study_instance_uid: str
    pet_id: str
    pet_name: str
    series_planned: tuple[str, ...]
    scan_time_s: float
    series_indices: tuple[int, ...] = ()
    series_scan_time_s: tuple[float, ...] = ()
    exam_started_at: str = ""


@dataclass(frozen=True)
class CalibrationStepDone:
    """One calibration step finished (or the whole chain, ``step == "done"``).

    Attributes
    ----------
    step : str
        ``larmor``, ``noise``, ``shim``, ``rf``, ``larmor_final`` or ``done``.
    message : str
        What it found, in words (``centre frequency +212 Hz``).
    fraction : float
        Of the calibration.
    """

    step: str
    message: str
    fraction: float


@dataclass(frozen=True)
class SeriesStarted:
    """A series starts.

    Attributes
    ----------
    index : int
        Its 0-based index in the exam plan.
    number : int
        Its DICOM Series Number in the study.
    description : str
    scan_time_s : float
        Planned scan time on the scanner.
    slices : int
        Images (slices or partitions) it will give.
    """

    index: int
    number: int
    description: str
    scan_time_s: float
    slices: int


@dataclass(frozen=True)
class ExamProgress:
    """How far the scan is.

    Attributes
    ----------
    index : int
        The series running.
    series_fraction, exam_fraction : float
        0..1 of the series and of this run's scan time.
    series_remaining_s, exam_remaining_s : float
        Scan time still to play on the scanner (the time the animal still lies in the bore).
    message : str
    """

    index: int
    series_fraction: float
    series_remaining_s: float
    exam_fraction: float
    exam_remaining_s: float
    message: str = ""


@dataclass(frozen=True, eq=False)
class SliceImageReady:
    """A slice reconstructed while its series still runs (each slice once, as soon as its
    last readout arrived).

    Attributes
    ----------
    index : int
        The series.
    slice_index : int
        0-based image index in the series.
    slices : int
        Images in the series.
    image : ndarray of shape (rows, cols), float32
        Magnitude, rows along the phase-encoding axis.
    geometry : SliceGeometry
        Where the image lies in the scanner.
    last_readout_at_s : float
        ``time.monotonic()`` when the slice's last readout arrived here (0 when unknown):
        a front end measures from it how soon the image was on screen.
    """

    index: int
    slice_index: int
    slices: int
    image: np.ndarray
    geometry: SliceGeometry
    last_readout_at_s: float = 0.0


@dataclass(frozen=True)
class SeriesDone:
    """A series is acquired, reconstructed, written as DICOM and registered.

    Attributes
    ----------
    index, number : int
    description : str
    images : int
        DICOM images written.
    dicom_dir : Path
    scan_time_s : float
        Its real scan time.
    wall_time_s : float
        Time it took here, from its start to its DICOM registered.
    dicom_after_last_readout_s : float
        From its last readout to its DICOM files on disk and registered.
    method : str
        Reconstruction: ``fft`` or ``cs``.
    """

    index: int
    number: int
    description: str
    images: int
    dicom_dir: Path
    scan_time_s: float
    wall_time_s: float
    dicom_after_last_readout_s: float
    method: str


@dataclass(frozen=True)
class SeriesFailed:
    """A series stopped or could not be written; what was received stays on disk.

    Attributes
    ----------
    index : int
    description : str
    reason : str
        One sentence for the operator.
    acquisitions : int
        Readouts received and kept in the raw file.
    """

    index: int
    description: str
    reason: str
    acquisitions: int


@dataclass(frozen=True)
class SeriesSkipped:
    """The operator skipped a series (:meth:`vetmri.exam.ExamSession.skip`): one not yet
    started is not played; one running is stopped, and what it received stays in the raw
    file. A skipped series counts as done for the study's status and is not acquired on
    resume (unless repeated on purpose).

    Attributes
    ----------
    index : int
    description : str
    reason : str
    acquisitions : int
        Readouts it had received (0 when it had not started).
    """

    index: int
    description: str
    reason: str
    acquisitions: int


@dataclass(frozen=True)
class ExamDone:
    """The run ended.

    Attributes
    ----------
    study_id : str
    status : {"complete", "incomplete"}
    reason : str
        Why it is incomplete (empty when complete).
    scan_time_s, wall_time_s : float
    """

    study_id: str
    status: str
    reason: str
    scan_time_s: float
    wall_time_s: float


#: Any event of an exam.
ExamEvent = Union[StudyReady, CalibrationStepDone, SeriesStarted, ExamProgress, SliceImageReady, SeriesDone,
                  SeriesFailed, SeriesSkipped, ExamDone]
