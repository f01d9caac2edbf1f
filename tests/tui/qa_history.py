"""A deterministic QA history in the real record store: twelve runs two weeks apart, the
magnet warming (the Larmor frequency creeping up) and the SNR slowly falling; the last run
is out of the Larmor window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from vetmri.qa.judge import QaNumbers, judge
from vetmri.qa.result import QaResult
from vetmri.records.qa_results import add_qa_result
from vetmri.scanner.profile import load_profile

FIRST = datetime(2025, 9, 20, 7, 30, tzinfo=timezone.utc)


def seed_qa_history(store, runs: int = 12) -> list[str]:
    """Store ``runs`` QA results; returns their ids."""
    profile = load_profile()
    nominal = profile.magnet.larmor_hz
    ids = []
    for i in range(runs):
        numbers = QaNumbers(
            snr=178.0 - 2.5 * i, uniformity_percent=80.5 - 0.1 * (i % 3), ghosting_ratio=0.0004 + 0.0001 * (i % 2),
            diameters_m=(0.1406, 0.1401, 0.1402 + 0.0001 * i, 0.1412), expected_diameter_m=0.140,
            slice_thickness_m=0.00483 + 0.00002 * (i % 4), nominal_thickness_m=0.005,
            ramp_lengths_m=(0.0491, 0.0476), larmor_hz=nominal + 150.0 * i * i / 1.5,
            nominal_larmor_hz=nominal, rf_scale=1.0 + 0.004 * i,
        )
        date = (FIRST + timedelta(days=14 * i)).isoformat(timespec="seconds")
        result = QaResult("", date, "simulated", judge(numbers, profile.qa), 64.5, 4.0 + 0.1 * (i % 3), {})
        ids.append(add_qa_result(store, result.to_dict()))
    return ids
