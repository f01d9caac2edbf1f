"""The QA history as rows of a table and as trends (one measure over time, with limits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vetmri.qa.result import MEASURES, QaResult
from vetmri.qa.text import value_text, verdict_text

__all__ = ["HISTORY_HEADER", "Trend", "history_rows", "trend"]

#: Columns of the history table.
HISTORY_HEADER = ("id", "date", "scanner", "result", "SNR", "PIU %", "ghosting", "geometry mm",
                  "slice mm", "Larmor MHz", "RF scale", "failed")
_SHORT = {"snr": "SNR", "uniformity": "PIU", "ghosting": "ghosting", "geometry": "geometry",
          "slice_thickness": "slice", "larmor": "Larmor", "rf_scale": "RF"}


def _cell(result: QaResult, key: str) -> str:
    try:
        m = result.measure(key)
    except KeyError:
        return ""
    text = value_text(m)
    for unit in (" %", " mm off", " mm", " MHz"):
        text = text.removesuffix(unit)
    return text if m.passed else f"{text}!"


def history_rows(docs: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and one row per stored result (``!`` marks a value out of its limits).

    Parameters
    ----------
    docs : list of dict
        From :func:`vetmri.records.qa_results.qa_results`.
    """
    rows = []
    for doc in docs:
        r = QaResult.from_dict(doc)
        failed = ", ".join(_SHORT[m.key] for m in r.failures)
        rows.append((r.id, r.date[:16].replace("T", " "), r.scanner, verdict_text(r.passed),
                     *(_cell(r, k) for k in MEASURES), failed or "-"))
    return HISTORY_HEADER, rows


@dataclass(frozen=True)
class Trend:
    """One measure over the stored runs.

    Attributes
    ----------
    key, label, unit : str
    times : tuple of datetime
        When each run was made (oldest first).
    values : tuple of float
    passed : tuple of bool
    low, high : float or None
        The limits of the newest run (None: no bound on that side).

    The Larmor frequency's trend is its offset from the nominal frequency in kHz (the
    drift), its limits likewise.
    """

    key: str
    label: str
    unit: str
    times: tuple[datetime, ...]
    values: tuple[float, ...]
    passed: tuple[bool, ...]
    low: float | None
    high: float | None


def trend(docs: list[dict[str, Any]], key: str) -> Trend:
    """The trend of measure ``key`` (one of :data:`vetmri.qa.result.MEASURES`).

    Raises
    ------
    KeyError
        Not a QA measure.
    """
    label, unit = MEASURES[key]
    if key == "larmor":  # the drift is what matters: kHz from the nominal frequency
        unit = "kHz from nominal"
    times, values, passed = [], [], []
    low = high = None
    for doc in docs:
        r = QaResult.from_dict(doc)
        try:
            m = r.measure(key)
        except KeyError:
            continue
        value, low, high = m.value, m.low, m.high
        if key == "larmor" and low is not None and high is not None:
            nominal = 0.5 * (low + high)
            value, low, high = (value - nominal) / 1e3, (low - nominal) / 1e3, (high - nominal) / 1e3
        times.append(datetime.fromisoformat(r.date))
        values.append(value)
        passed.append(m.passed)
    return Trend(key, label, unit, tuple(times), tuple(values), tuple(passed), low, high)
