"""Run the QA: calibrate, scan the QA phantom on the configured scanner, reconstruct,
measure and judge. The caller stores the result (:mod:`vetmri.records.qa_results`)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from vetmri.acquisition.contract import Progress
from vetmri.acquisition.simulated import SimulatedConditions
from vetmri.errors import UserInputError
from vetmri.qa.analyse import analyse_series
from vetmri.qa.judge import QaNumbers, judge
from vetmri.qa.protocol import CALIBRATION_STEPS, PHANTOM, phantom_facts, qa_limits, qa_plan
from vetmri.qa.result import QaResult
from vetmri.scanner.profile import ScannerProfile
from vetmri.settings import Settings

__all__ = ["run_qa"]


def run_qa(settings: Settings, *, profile: ScannerProfile | None = None,
           conditions: SimulatedConditions | None = None, raw_path: Path | None = None,
           on_progress: Progress | None = None, now: datetime | None = None) -> QaResult:
    """Scan the QA phantom on the scanner the settings name and judge the images.

    Parameters
    ----------
    settings : Settings
        ``[scanner] backend`` picks the simulator (``sim``) or the scanner link.
    profile : ScannerProfile, optional
        The profile with the QA limits (the settings' one by default).
    conditions : SimulatedConditions, optional
        The simulated magnet (drift, RF and shim errors...); only for the simulator.
    raw_path : Path, optional
        Keep the QA scan's raw MRD file here (a new file); by default it is deleted.
    on_progress : callable(fraction, message), optional
    now : datetime, optional
        The run's date (timezone-aware); the clock by default.

    Raises
    ------
    UserInputError
        Simulated conditions with the scanner link, impossible conditions, a profile without
        QA limits or an existing ``raw_path``.
    OperationFailedError
        The scanner link does not answer, or the scan failed.
    """
    from vetmri.acquisition.runner import run_exam
    from vetmri.exam.backends import open_backend
    from vetmri.exam.request import ExamRequest
    from vetmri.recon import ReconOptions, reconstruct_series
    from vetmri.scanner.profile import load_profile
    from vetmri.simulation.phantom import load_phantom

    report = on_progress or (lambda fraction, message: None)
    started = time.perf_counter()
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    profile = profile or load_profile(settings.scanner.profile)
    limits = qa_limits(profile)
    if conditions is not None and settings.scanner.backend != "sim":
        raise UserInputError("Simulated magnet conditions apply to the simulator only; the settings name the "
                             f"scanner link ({settings.scanner.address}): start 'vetmri sim-server' with them instead.")
    if raw_path is not None and Path(raw_path).exists():
        raise UserInputError(f"{raw_path} exists already; name a new file for the QA raw data.")
    plan = qa_plan(profile)
    conditions = conditions or SimulatedConditions()
    if settings.scanner.backend == "sim":
        conditions.validate(profile)
    request = ExamRequest(pet_id="", region=plan.region, phantom=PHANTOM, conditions=conditions)
    facts = phantom_facts(load_phantom(PHANTOM))
    report(0.0, "connecting to the scanner")
    with tempfile.TemporaryDirectory(prefix="vetmri-qa-") as folder:
        out = Path(raw_path) if raw_path is not None else Path(folder) / "qa.h5"
        with open_backend(settings, plan, request, profile) as opened:
            backend = opened.backend
            adjustments = backend.calibrate(CALIBRATION_STEPS, on_progress=lambda f, m: report(0.15 * f, m))
            run = run_exam(plan, backend, out, adjustments=adjustments,
                           on_progress=lambda f, m: report(0.15 + 0.75 * f, m))
            label = opened.label
        report(0.9, "reconstructing the QA images")
        images = reconstruct_series(out, run.series[0].group, ReconOptions())
        report(0.95, "measuring")
        image = analyse_series(images, facts, averages=plan.series[0].parameters.averages)
    numbers = QaNumbers(
        snr=image["snr"], uniformity_percent=image["uniformity_percent"], ghosting_ratio=image["ghosting_ratio"],
        diameters_m=image["diameters_m"], expected_diameter_m=facts.diameter_m,
        slice_thickness_m=image["slice_thickness_m"], nominal_thickness_m=image["nominal_thickness_m"],
        ramp_lengths_m=image["ramp_lengths_m"], larmor_hz=profile.magnet.larmor_hz + adjustments.f0_hz,
        nominal_larmor_hz=profile.magnet.larmor_hz, rf_scale=adjustments.rf_scale,
    )
    report(1.0, "QA done")
    simulated = settings.scanner.backend == "sim"
    return QaResult(
        id="", date=moment.isoformat(timespec="seconds"), scanner=label, measures=judge(numbers, limits),
        scan_time_s=float(run.series[0].scan_time_s), run_time_s=time.perf_counter() - started,
        conditions=_plain(asdict(conditions)) if simulated else {},
    )


def _plain(data: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
