"""The series of one exam run, one after another: sequence, raw file, live slices,
final images, DICOM, records, send queue (used by :class:`vetmri.exam.session.ExamSession`)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetmri.acquisition.contract import CALIBRATION_STEPS, Adjustments, ScanAborted, arrivals
from vetmri.acquisition.runner import expected_readouts
from vetmri.errors import OperationFailedError, UserInputError, VetmriError
from vetmri.exam.events import (
    CalibrationStepDone,
    ExamProgress,
    SeriesDone,
    SeriesFailed,
    SeriesSkipped,
    SeriesStarted,
    SliceImageReady,
)
from vetmri.exam.sequence_cache import SequenceCache
from vetmri.exam.study_files import add_skipped, attempt_name, raw_path

if TYPE_CHECKING:
    from vetmri.exam.request import ExamRequest
    from vetmri.exam.session import ExamSession
    from vetmri.protocols.plan import ExamPlan, SeriesPlan
    from vetmri.records.models import Study
    from vetmri.scanner.profile import ScannerProfile

__all__ = ["SeriesOutcome", "SeriesRunner", "calibration_results"]

_log = logging.getLogger(__name__)
_PROGRESS_EVERY_S = 0.1


@dataclass(frozen=True)
class SeriesOutcome:
    """What one series of a run became.

    Attributes
    ----------
    index : int
        In the exam plan.
    number : int
        Series Number in the study (0 when nothing was written).
    description : str
    status : {"complete", "incomplete", "failed", "skipped"}
        ``incomplete``: cut short (its readouts are kept); ``failed``: acquired but its
        images could not be written; ``skipped``: left out by the operator.
    reason : str
    images : int
    dicom_dir : str
    scan_time_s : float
        Real scan time played (the part played, for a series cut short).
    wall_time_s : float
    dicom_after_last_readout_s : float
    """

    index: int
    number: int
    description: str
    status: str
    reason: str = ""
    images: int = 0
    dicom_dir: str = ""
    scan_time_s: float = 0.0
    wall_time_s: float = 0.0
    dicom_after_last_readout_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "description": self.description, "status": self.status, "images": self.images,
                "dicom_dir": self.dicom_dir, "index": self.index, "reason": self.reason,
                "scan_time_s": round(self.scan_time_s, 2), "wall_time_s": round(self.wall_time_s, 2),
                "dicom_after_last_readout_s": round(self.dicom_after_last_readout_s, 3)}


def calibration_results(adjustments: Adjustments, larmor_hz: float) -> list[tuple[str, str]]:
    """Each calibration step with what it found, in words."""
    shim = ", ".join(f"{v:+.0f}" for v in adjustments.shim_hz_per_m)
    words = {
        "larmor": f"centre frequency {(larmor_hz + adjustments.f0_hz) / 1e6:.6f} MHz ({adjustments.f0_hz:+.0f} Hz)",
        "noise": f"receiver noise {adjustments.noise_std:.3g} (1 s dwell), {len(adjustments.noise_covariance) or 1} channels",
        "shim": f"linear shim x, y, z {shim} Hz/m",
        "rf": f"RF scale {adjustments.rf_scale:.3f}",
        "larmor_final": f"centre frequency after shimming {(larmor_hz + adjustments.f0_hz) / 1e6:.6f} MHz",
    }
    return [(step, words[step]) for step in CALIBRATION_STEPS]


class SeriesRunner:
    """Runs the series of one exam run for a session (see the module docstring)."""

    def __init__(self, session: ExamSession, *, study: Study, plan: ExamPlan, backend: Any, profile: ScannerProfile,
                 request: ExamRequest) -> None:
        self.session = session
        self.store = session.store
        self.settings = session.settings
        self.study = study
        self.plan = plan
        self.backend = backend
        self.profile = profile
        self.request = request
        self.adjustments: Adjustments | None = None
        self.outcomes: list[SeriesOutcome] = []
        self.folder = self.store.data_dir / study.folder
        self.raw = raw_path(self.folder)
        self.sequences = SequenceCache(session._cache_folder, profile)
        self._writer = None
        self._queued: list[str] = []
        self._remaining_s = 0.0
        self._received = 0

    # -- calibration -----------------------------------------------------------------------

    def calibrate(self, indices: list[int]) -> Adjustments:
        """Calibrate the scanner while the sequences of ``indices`` are built in order in the
        background (each is ready before its turn unless the one before it is very short)."""
        emit = self.session._emit
        for index in indices:
            self.sequences.prefetch(self.plan.series[index])

        def progress(fraction: float, message: str) -> None:
            self._check_abort()
            emit(ExamProgress(-1, fraction, 0.0, 0.0, self._remaining_s, message))

        self.adjustments = self.backend.calibrate(on_progress=progress)
        for n, (step, words) in enumerate(calibration_results(self.adjustments, self.profile.magnet.larmor_hz)):
            emit(CalibrationStepDone(step, words, (n + 1) / len(CALIBRATION_STEPS)))
        emit(CalibrationStepDone("done", "calibration done", 1.0))
        return self.adjustments

    # -- the series ------------------------------------------------------------------------

    def run_all(self, indices: list[int], *, reacquire: frozenset[int] = frozenset()) -> list[SeriesOutcome]:
        """Run the series in order; one whose raw data an earlier run received whole but
        could not write as images (a full disk during the DICOM write) is reconstructed from
        the raw file instead of scanning the animal again, unless it is in ``reacquire``."""
        from vetmri.rawdata import RawExamWriter

        self._remaining_s = sum(self.plan.series[i].scan_time_s for i in indices)
        from vetmri.rawdata import read_series, recover_raw_file

        recover_raw_file(self.raw)  # a power cut left its journal: the file first holds what was acknowledged
        kept = {}  # read before the file is open for writing
        for i in indices:
            group = None if i in reacquire else self._received_whole(i)
            if group:
                kept[i] = read_series(self.raw, group)
        self._writer = RawExamWriter(self.raw)
        for index in indices:
            self._check_abort()
            skipped = self.session._begin_series(index)
            if skipped:
                outcome = self._skipped(index, self.plan.series[index].parameters.name, skipped, 0, 0.0, 0.0)
            else:
                received = kept.get(index)
                try:
                    outcome = self._from_raw(index, received) if received is not None else self._one(index)
                finally:
                    late = self.session._end_series(index)
                if late and outcome.status == "incomplete" and not self.session.aborted:
                    outcome = self._skipped(index, outcome.description, late, self._received, outcome.scan_time_s,
                                            outcome.wall_time_s)
            self.outcomes.append(outcome)
            self._remaining_s = max(0.0, self._remaining_s - self.plan.series[index].scan_time_s)
            if outcome.status == "incomplete":
                break  # cut short: the scanner or the disk stopped; the rest waits for a resume
        return self.outcomes

    def _one(self, index: int) -> SeriesOutcome:
        from vetmri.acquisition.header import series_header
        from vetmri.rawdata import header_to_xml, list_groups
        from vetmri.recon.live_slices import LiveSlices

        emit = self.session._emit
        plan_i = self.plan.series[index]
        t0 = time.monotonic()
        sequence = self.sequences.get(plan_i)
        name = attempt_name(plan_i.parameters.name, index, set(list_groups(self.raw)) if self.raw.exists() else set())
        header = series_header(plan_i, self.profile, index=index, species=self.plan.species, weight_kg=self.plan.weight_kg,
                               f0_hz=self.adjustments.f0_hz, region=self.plan.region)
        header = replace(header, series_name=name)
        number = self._next_number()
        slices = header.limits.slice.maximum + 1 if header.limits.slice and not header.is_3d else header.encoded_matrix[2]
        emit(SeriesStarted(index, number, name, sequence.duration_s, slices))
        series_writer = self._writer.open_series(header)
        live = LiveSlices(header, series_writer.group)
        expected = expected_readouts(plan_i)
        last_report = 0.0
        try:
            for batch in arrivals(self.backend, sequence.text, header_to_xml(header), self.adjustments):
                arrived = time.monotonic()
                series_writer.extend(batch)
                self._check_abort()
                if self.session._skip_requested(index):  # the backend's abort may have crossed the series' start
                    raise ScanAborted("the series was skipped")
                shown = live.add(batch)
                for image in shown:
                    emit(SliceImageReady(index, image.slice_index, slices, image.image, image.geometry, arrived))
                now = time.monotonic()
                if shown or now - last_report >= _PROGRESS_EVERY_S:  # a slice shown: say how far the series is
                    last_report = now
                    self._progress(index, min(1.0, live.received / expected), sequence.duration_s, name)
        except (ScanAborted, OperationFailedError, UserInputError) as exc:
            reason = self.session._abort_reason if isinstance(exc, ScanAborted) or self.session.aborted else str(exc)
            reason = reason or "The scanner stopped the scan."
            fraction = min(1.0, live.received / expected)
            self._received = series_writer.count
            if not (isinstance(exc, ScanAborted) and self.session._skip_requested(index)):
                emit(SeriesFailed(index, name, reason, series_writer.count))
            return SeriesOutcome(index, 0, name, "incomplete", reason, scan_time_s=fraction * sequence.duration_s,
                                 wall_time_s=time.monotonic() - t0)
        last_readout = time.monotonic()
        self._progress(index, 1.0, sequence.duration_s, name)
        try:
            images, missing = live.finish()
            for image in missing:
                emit(SliceImageReady(index, image.slice_index, slices, image.image, image.geometry, last_readout))
            dwell = live.lines[0].sample_time_s if live.lines else None
            recorded = self._write_dicom(images, index, number, series_writer.group, dwell)
        except VetmriError as exc:
            emit(SeriesFailed(index, name, str(exc), series_writer.count))
            return SeriesOutcome(index, 0, name, "failed", str(exc), scan_time_s=sequence.duration_s,
                                 wall_time_s=time.monotonic() - t0)
        after = time.monotonic() - last_readout
        folder = recorded[0].folder if len(recorded) == 1 else recorded[0].folder.parent
        count = sum(r.image_count for r in recorded)
        emit(SeriesDone(index, recorded[0].number, name, count, folder, sequence.duration_s,
                        time.monotonic() - t0, after, images.method))
        return SeriesOutcome(index, recorded[0].number, name, "complete", "", count, str(folder), sequence.duration_s,
                             time.monotonic() - t0, after)

    def _skipped(self, index: int, name: str, reason: str, acquisitions: int, scan_s: float, wall_s: float) -> SeriesOutcome:
        """Record series ``index`` as skipped with the study and say so."""
        add_skipped(self.folder, index, name, reason)
        self.session._emit(SeriesSkipped(index, name, reason, acquisitions))
        _log.info("series %s of study %s skipped: %s", name, self.study.id, reason)
        return SeriesOutcome(index, 0, name, "skipped", reason, scan_time_s=scan_s, wall_time_s=wall_s)

    def _received_whole(self, index: int) -> str | None:
        """The raw group of an attempt at series ``index`` received to its end but without
        images in the records, or None."""
        from vetmri.rawdata import list_groups
        from vetmri.rawdata.completeness import series_is_complete

        if not self.raw.exists():
            return None
        filed = {s.parameters.get("raw_group") for s in self.store.series_of_study(self.study.id)}
        for group in reversed(list_groups(self.raw)):
            if group.startswith(f"{index:02d}_") and group not in filed and series_is_complete(self.raw, group):
                return group
        return None

    def _from_raw(self, index: int, series) -> SeriesOutcome:
        from vetmri.recon.pipeline import ReconOptions, reconstruct_raw

        emit = self.session._emit
        t0 = time.monotonic()
        group = series.group
        name = series.header.series_name or group
        number = self._next_number()
        duration = self.plan.series[index].scan_time_s
        emit(SeriesStarted(index, number, name, 0.0, series.header.limits.slice.maximum + 1 if series.header.limits.slice else 1))
        try:
            images = reconstruct_raw(series, ReconOptions())
            dwell = series.acquisitions[0].sample_time_s if series.acquisitions else None
            recorded = self._write_dicom(images, index, number, group, dwell)
        except VetmriError as exc:
            emit(SeriesFailed(index, name, str(exc), len(series.acquisitions)))
            return SeriesOutcome(index, 0, name, "failed", str(exc), wall_time_s=time.monotonic() - t0)
        folder = recorded[0].folder
        count = sum(r.image_count for r in recorded)
        wall = time.monotonic() - t0
        emit(SeriesDone(index, recorded[0].number, name, count, folder, 0.0, wall, wall, images.method))
        _log.info("series %s of study %s written from the raw data received earlier (%.0f s of scan saved)",
                  name, self.study.id, duration)
        return SeriesOutcome(index, recorded[0].number, name, "complete", "", count, str(folder), 0.0, wall, wall)

    def _next_number(self) -> int:
        """The study's next free Series Number."""
        return max((s.number for s in self.store.series_of_study(self.study.id)), default=0) + 1

    def _write_dicom(self, images, index: int, number: int, group: str, dwell_s: float | None) -> list:
        from vetmri.dicom.recon_export import write_series_images
        from vetmri.dicom.study import Equipment

        raw_file = self.raw.relative_to(self.store.data_dir).as_posix()
        recorded = write_series_images(
            images, store=self.store, study=self.study, raw_file=raw_file, uid_root=self.settings.dicom.uid_root,
            equipment=Equipment(station_name=self.settings.dicom.ae_title), sample_time_s=dwell_s, number=number,
            extra_parameters={"exam_index": index, "raw_group": group,
                              "scan_time_s": round(self.plan.series[index].scan_time_s, 1)},
        )
        for node in self._send_nodes():
            for series in recorded:
                job = self.store.enqueue_send(self.study.id, node, series_id=series.series_id)
                self._queued.append(job.id)
        return recorded

    def _send_nodes(self) -> list[str]:
        nodes = [n.name for n in self.settings.pacs if getattr(n, "auto_send", False)]
        if self.request.send_to and self.request.send_to not in nodes:
            nodes.append(self.request.send_to)
        return nodes

    def send_queued(self) -> None:
        """Try the sends this run queued once now; a PACS that is down leaves them queued
        (the queue retries them later)."""
        if not self._queued:
            return
        from vetmri.dicom.send_queue import work_send_queue

        try:
            work_send_queue(self.store, self.settings, timeout_s=10.0)
        except VetmriError as exc:
            _log.info("the PACS send stays queued: %s", exc)
        except Exception:
            _log.exception("the PACS send stays queued after an unexpected error")

    def _progress(self, index: int, fraction: float, duration_s: float, name: str) -> None:
        series_left = (1.0 - fraction) * duration_s
        planned = self.plan.series[index].scan_time_s
        exam_left = max(0.0, self._remaining_s - planned) + series_left
        total = sum(o.scan_time_s for o in self.outcomes) + fraction * duration_s + exam_left
        done = total - exam_left
        self.session._emit(ExamProgress(index, fraction, series_left, done / total if total else 1.0, exam_left, name))

    def _check_abort(self) -> None:
        if self.session.aborted:
            raise ScanAborted(self.session._abort_reason)

    def close(self) -> None:
        self.sequences.close()
        if self._writer is not None:
            try:
                self._writer.close()
            except Exception:  # the file keeps what was flushed; closing a full disk's file may fail
                _log.exception("closing the raw file %s", self.raw)
