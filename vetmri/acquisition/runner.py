"""Run an exam on a backend: calibrate, then each selected series into one raw MRD file.

Every acquisition is appended (and flushed) as it arrives, noise measurements first in
each series group, so a run killed mid-series leaves a readable file with everything
received. :func:`run_sequence_file` does the same for a Pulseq file vetmri did not plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vetmri.acquisition.contract import Adjustments, Progress, ScannerBackend, arrivals
from vetmri.acquisition.encoding import infer_encoding
from vetmri.acquisition.header import foreign_series_header, series_header
from vetmri.acquisition.simulated import SimulatedBackend
from vetmri.errors import OperationFailedError, UserInputError
from vetmri.protocols.plan import ExamPlan
from vetmri.rawdata import RawExamWriter, header_to_xml, series_group_name
from vetmri.simulation.seq_reader import pulseq_file_problem

__all__ = ["ExamRun", "SeriesRun", "expected_readouts", "run_exam", "run_sequence_file"]


@dataclass(frozen=True)
class SeriesRun:
    """What one series produced.

    Attributes
    ----------
    index, name, group : the series and its group in the raw file
    acquisitions : int
        Acquisitions written (noise included).
    scan_time_s : float
        Scan time of the sequence on the real scanner.
    wall_time_s : float
        Time it took here (sequence building, simulation and writing).
    notes : tuple of str
        Sentences for the user about this series (a foreign file's inferred parameters, an
        approximate image).
    """

    index: int
    name: str
    group: str
    acquisitions: int
    scan_time_s: float
    wall_time_s: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamRun:
    """A whole run: the file, the adjustments used and the series."""

    path: Path
    adjustments: Adjustments
    series: tuple[SeriesRun, ...]
    calibration_s: float


def _select(plan: ExamPlan, indices: Sequence[int] | None) -> list[int]:
    if indices is None:
        return list(range(len(plan.series)))
    for i in indices:
        if not 0 <= i < len(plan.series):
            raise UserInputError(f"There is no series {i}; this exam has series 0 to {len(plan.series) - 1} "
                                 "(see 'vetmri protocols show').")
    return list(indices)


def _refuse_existing(out: Path, groups: Sequence[str]) -> None:
    """A series group is written once: appending a second run would mix two scans."""
    from vetmri.rawdata import list_groups

    if not Path(out).exists():
        return
    clash = sorted(set(list_groups(out)) & set(groups))
    if clash:
        raise UserInputError(f"{out} already holds the series {', '.join(clash)}; write to a new file "
                             "(--out) or remove the old one.")


def run_exam(plan: ExamPlan, backend: ScannerBackend, out: Path, *, series: Sequence[int] | None = None,
             adjustments: Adjustments | None = None, on_progress: Progress | None = None,
             on_acquisition: Callable[[str, int, int], None] | None = None) -> ExamRun:
    """Calibrate (unless ``adjustments`` are given) and run the selected series.

    Parameters
    ----------
    plan : ExamPlan
    backend : ScannerBackend
    out : Path
        The exam's raw file (created, or appended to).
    series : sequence of int, optional
        0-based series indices (all by default).
    on_progress : callable(fraction, message)
        Progress of the whole run.
    on_acquisition : callable(group, written, total), optional
        Called after each acquisition is flushed to the file.

    Raises
    ------
    UserInputError
        Unknown series index, an infeasible series.
    OperationFailedError
        A sequence failed its checks, the file cannot be written.
    vetmri.acquisition.contract.ScanAborted
        The backend was aborted (what arrived before stays in the file).
    """
    from vetmri.sequences.api import build_sequence

    report = on_progress or (lambda fraction, message: None)
    indices = _select(plan, series)
    profile = backend.capabilities()
    _refuse_existing(out, [series_group_name(i, plan.series[i].parameters.name) for i in indices])
    started = time.perf_counter()
    if adjustments is None:
        adjustments = backend.calibrate(on_progress=lambda f, m: report(0.05 * f, m))
    calibration_s = time.perf_counter() - started
    runs = []
    with RawExamWriter(out) as writer:
        for position, index in enumerate(indices):
            t0 = time.perf_counter()
            plan_i = plan.series[index]
            name = plan_i.parameters.name
            if not plan_i.feasible:
                raise UserInputError(f"{name} is not feasible ({plan_i.violations[0].message}); change it with --set.")
            share = 0.95 / len(indices)
            base = 0.05 + position * share
            report(base, f"{name}: building the sequence")
            built = build_sequence(plan_i, profile)
            if not built.ok:
                raise OperationFailedError(f"The sequence of {name} failed its checks; it was not played.")
            header = series_header(plan_i, profile, index=index, species=plan.species, weight_kg=plan.weight_kg,
                                   f0_hz=adjustments.f0_hz, region=plan.region)
            series_writer = writer.open_series(header)
            stream = arrivals(backend, built.text, header_to_xml(header), adjustments,
                              on_progress=lambda f, m, n=name, b=base: report(b + share * 0.9 * f, f"{n}: {m}"))
            written = 0
            total = expected_readouts(plan_i)
            for batch in stream:
                series_writer.extend(batch)
                for _ in batch:
                    written += 1
                    if on_acquisition:
                        on_acquisition(series_writer.group, written, total)
            runs.append(SeriesRun(index, name, series_writer.group, written, built.duration_s, time.perf_counter() - t0))
    report(1.0, "done")
    return ExamRun(Path(out), adjustments, tuple(runs), calibration_s)


_BATCH = 512  # readouts of an already simulated series written per HDF5 write


def expected_readouts(plan) -> int:
    """Imaging readouts a series plays (for progress), plus the noise readouts."""
    from vetmri.acquisition.simulated import NOISE_READOUTS

    p = plan.parameters
    per_slice = plan.encoding.acquired
    slices = 1 if p.sequence == "gre3d" else p.slices * (3 if p.sequence == "localizer" else 1)
    return NOISE_READOUTS + per_slice * slices * p.averages


def run_sequence_file(seq_path: Path, backend: SimulatedBackend, out: Path, *, fov_mm: tuple[float, float] | None = None,
                      matrix: tuple[int, int] | None = None, adjustments: Adjustments = Adjustments(),
                      on_progress: Progress | None = None) -> ExamRun:
    """Simulate any Pulseq file (encoding from its labels or its k-space trajectory) into
    group ``00_<file name>`` of ``out``.

    Parameters
    ----------
    fov_mm : (rows, cols), optional
        Field of view the sequence encodes (phase, readout); read off the trajectory when
        not given.
    matrix : (rows, cols), optional
        The image matrix; the encoded one when not given.
    """
    seq_path = Path(seq_path)
    if not seq_path.is_file():
        raise UserInputError(f"The sequence file {seq_path} does not exist.")
    text = seq_path.read_text(errors="replace")
    problem = pulseq_file_problem(text)
    if problem:
        raise UserInputError(f"{seq_path} is not a Pulseq file: {problem}; give a .seq file written by Sequence.write.")
    _refuse_existing(out, [series_group_name(0, seq_path.stem)])
    started = time.perf_counter()
    result = backend.simulate(text, adjustments, on_progress=on_progress, source=str(seq_path))
    params = result.parameters
    encoded, fov, slices = infer_encoding(result.acquisitions, params.slice_thickness_m if params else None)
    if fov_mm is not None:
        fov = (fov_mm[1] * 1e-3, fov_mm[0] * 1e-3, fov[2])
    if matrix is not None and (matrix[1] != encoded[0] or matrix[0] > encoded[1] + 1):
        raise UserInputError(
            f"The matrix {matrix[0]},{matrix[1]} does not fit the sequence, which reads {encoded[0]} samples per line "
            f"and encodes {encoded[1]} lines; give --matrix {encoded[1]},{encoded[0]} or leave it out."
        )
    if matrix is not None:
        encoded = (encoded[0], matrix[0], encoded[2])
    imaging = [a for a in result.acquisitions if "NOISE" not in a.flags]
    header = foreign_series_header(matrix=encoded, fov_m=fov, profile=backend.profile, channels=result.channels,
                                   coil_name=result.coil or "ideal", name=seq_path.stem, slices=slices,
                                   **_foreign_timing(imaging, params, encoded[2]))
    notes = tuple(n for n in ((params.describe() if params else ""), *result.notes) if n)
    written = 0
    with RawExamWriter(out) as writer:
        series_writer = writer.open_series(header)
        batch: list = []
        for acquisition in backend.stream(result, header, adjustments):  # all simulated already
            batch.append(acquisition)
            if len(batch) == _BATCH:
                series_writer.extend(batch)
                written, batch = written + len(batch), []
        series_writer.extend(batch)
        written += len(batch)
    group = series_group_name(0, seq_path.stem)
    run = SeriesRun(0, seq_path.stem, group, written, result.duration_s, time.perf_counter() - started, notes)
    return ExamRun(Path(out), adjustments, (run,), 0.0)


def _foreign_timing(imaging: list, params, partitions: int) -> dict:
    """Header values of a foreign series from its readouts and sequence parameters."""
    averages = 1 + max((a.counters.get("AVG", 0) for a in imaging), default=0)
    out: dict = dict(averages=averages)
    if imaging:
        first = imaging[0]
        out["bandwidth_per_pixel_hz"] = 1.0 / (first.samples.shape[-1] * first.dwell_s)
        # a slab centre is zero but along its slice axis
        centres = sorted({round(float(np.sum(a.slab_centre_m)), 6) for a in imaging if a.slab_centre_m is not None})
        if len(centres) > 1:
            out["slice_spacing_m"] = float(np.median(np.diff(centres)))
    if params is None:
        return out
    out.update(tr_s=params.tr_s, te_s=params.te_s, ti_s=params.ti_s, flip_angle_deg=params.flip_angle_deg,
               echo_train_length=params.echo_train_length, echo_times_s=params.echo_times_s,
               contrasts=max(1, len(params.echo_times_s)))
    if partitions == 1 and params.slice_thickness_m:
        out["slice_thickness_m"] = params.slice_thickness_m
    return out
