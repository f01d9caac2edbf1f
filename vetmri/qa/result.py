"""A QA run's result: each measure with its value, limits and verdict, as plain data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vetmri.errors import UserInputError

__all__ = ["MEASURES", "QaMeasure", "QaResult"]

#: The measures of a QA run, in the order they are shown: key -> (label, unit).
MEASURES: dict[str, tuple[str, str]] = {
    "snr": ("SNR", ""),
    "uniformity": ("Uniformity (PIU)", "%"),
    "ghosting": ("Ghosting ratio", ""),
    "geometry": ("Geometric accuracy", "mm"),
    "slice_thickness": ("Slice thickness", "mm"),
    "larmor": ("Larmor frequency", "Hz"),
    "rf_scale": ("RF transmit scale", ""),
}


@dataclass(frozen=True)
class QaMeasure:
    """One measure of a QA run.

    Attributes
    ----------
    key : str
        One of :data:`MEASURES`.
    value : float
        The measured value in the measure's unit (geometry: the largest diameter error in
        mm; Larmor: the frequency in Hz).
    low, high : float or None
        The acceptable range (None: no bound on that side).
    passed : bool
    reason : str
        One sentence: what was measured against what, and for a failure what it points at.
    detail : dict
        Further numbers (the four diameters, the two ramp lengths, the offset from nominal).
    """

    key: str
    value: float
    low: float | None
    high: float | None
    passed: bool
    reason: str
    detail: dict[str, Any]

    @property
    def label(self) -> str:
        return MEASURES[self.key][0]

    @property
    def unit(self) -> str:
        return MEASURES[self.key][1]


@dataclass(frozen=True)
class QaResult:
    """A whole QA run.

    Attributes
    ----------
    id : str
        The record id (``QA-000001``); empty until stored.
    date : str
        When it ran, ISO 8601 UTC with seconds.
    scanner : str
        ``simulated`` or ``link HOST:PORT``.
    measures : tuple of QaMeasure
        In the order of :data:`MEASURES`.
    scan_time_s : float
        Duration of the QA scan on the scanner (calibration not included).
    run_time_s : float
        Wall time of the whole run here (calibration, scan, reconstruction, measures).
    conditions : dict
        The simulated magnet's state (empty for a real scanner).
    """

    id: str
    date: str
    scanner: str
    measures: tuple[QaMeasure, ...]
    scan_time_s: float
    run_time_s: float
    conditions: dict[str, Any]

    @property
    def passed(self) -> bool:
        """Every measure within its limits."""
        return all(m.passed for m in self.measures)

    @property
    def failures(self) -> tuple[QaMeasure, ...]:
        return tuple(m for m in self.measures if not m.passed)

    def measure(self, key: str) -> QaMeasure:
        for m in self.measures:
            if m.key == key:
                return m
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the stored record and the ``--json`` output)."""
        data = asdict(self)
        data["measures"] = [asdict(m) for m in self.measures]
        data["passed"] = self.passed
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QaResult:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        UserInputError
            Not the data of a QA result.
        """
        try:
            measures = tuple(QaMeasure(key=str(m["key"]), value=float(m["value"]),
                                       low=None if m["low"] is None else float(m["low"]),
                                       high=None if m["high"] is None else float(m["high"]),
                                       passed=bool(m["passed"]), reason=str(m["reason"]),
                                       detail=dict(m.get("detail") or {}))
                             for m in data["measures"])
            return cls(id=str(data.get("id", "")), date=str(data["date"]), scanner=str(data["scanner"]),
                       measures=measures, scan_time_s=float(data["scan_time_s"]),
                       run_time_s=float(data["run_time_s"]), conditions=dict(data.get("conditions") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise UserInputError(f"A stored QA result cannot be read ({exc}).") from None
