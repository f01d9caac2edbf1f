"""The anaesthesia log of a study: vital signs recorded while the animal is anaesthetised.

The ACVAA monitoring guidelines ask for heart rate, oxygenation (SpO2), ventilation
(EtCO2) and temperature to be recorded at least every 5 minutes of anaesthesia
(:data:`VITALS_INTERVAL_S`). Each entry is one document of the store's ``vitals`` table,
written in one locked, journaled transaction like every other record, and refers to its
study; the report prints the log (:func:`vitals_of_study`).

Examples
--------
>>> entry = record_vitals(store, "S-000003", heart_rate_bpm=92, spo2_percent=98,
...                       etco2_mmhg=38, temperature_c=37.4)          # doctest: +SKIP
>>> [v.heart_rate_bpm for v in vitals_of_study(store, "S-000003")]   # doctest: +SKIP
[92.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tinydb import Query

from vetmri.errors import UserInputError
from vetmri.records.ids import format_id
from vetmri.records.validation import clean_text

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = [
    "VITALS_INTERVAL_S",
    "VITAL_FIELDS",
    "VitalField",
    "VitalSigns",
    "check_vitals",
    "next_vitals_due",
    "parse_vital",
    "record_vitals",
    "vitals_of_study",
]

#: The longest time between two recordings of the vital signs (ACVAA: every 5 minutes).
VITALS_INTERVAL_S = 300.0
_TABLE = "vitals"
_PREFIX = "V"


@dataclass(frozen=True)
class VitalField:
    """One vital sign: its key, how staff call it, its unit and the plausible range of a
    value measured on an anaesthetised animal (outside it is a typing or probe error)."""

    key: str
    label: str
    unit: str
    low: float
    high: float


#: The vital signs of the log, in the order a monitor shows them.
VITAL_FIELDS: tuple[VitalField, ...] = (
    VitalField("heart_rate_bpm", "heart rate", "beats/min", 10.0, 400.0),
    VitalField("spo2_percent", "SpO2", "%", 50.0, 100.0),
    VitalField("etco2_mmhg", "EtCO2", "mmHg", 0.0, 150.0),
    VitalField("temperature_c", "temperature", "°C", 25.0, 43.0),
)
_BY_KEY = {f.key: f for f in VITAL_FIELDS}


@dataclass(frozen=True)
class VitalSigns:
    """One entry of a study's anaesthesia log (a sign not measured is None).

    Attributes
    ----------
    id : str
        ``V-000001``.
    study_id : str
    recorded_at : str
        ISO moment (UTC) the signs were read off the monitor.
    heart_rate_bpm, spo2_percent, etco2_mmhg, temperature_c : float or None
        Beats per minute, haemoglobin saturation in %, end-tidal CO2 in mmHg, body
        temperature in degrees Celsius.
    note : str
        Free text (drugs given, fluid rate, ...).
    operator : str
    """

    id: str
    study_id: str
    recorded_at: str
    heart_rate_bpm: float | None = None
    spo2_percent: float | None = None
    etco2_mmhg: float | None = None
    temperature_c: float | None = None
    note: str = ""
    operator: str = ""

    @property
    def moment(self) -> datetime:
        """:attr:`recorded_at` as an aware datetime."""
        return datetime.fromisoformat(self.recorded_at)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (``--json``, the report)."""
        return {"id": self.id, "study": self.study_id, "recorded_at": self.recorded_at,
                **{f.key: getattr(self, f.key) for f in VITAL_FIELDS}, "note": self.note, "operator": self.operator}

    def line(self) -> str:
        """``09:45  HR 92/min  SpO2 98 %  EtCO2 38 mmHg  T 37.4 °C``."""
        parts = [self.moment.astimezone().strftime("%H:%M")]
        short = {"heart_rate_bpm": "HR {:g}/min", "spo2_percent": "SpO2 {:g} %", "etco2_mmhg": "EtCO2 {:g} mmHg",
                 "temperature_c": "T {:g} °C"}
        parts += [short[f.key].format(getattr(self, f.key)) for f in VITAL_FIELDS if getattr(self, f.key) is not None]
        return "  ".join(parts + ([self.note] if self.note else []))


def parse_vital(key: str, value: object) -> float | None:
    """A vital sign as typed or given (empty or None: not measured).

    Raises
    ------
    UserInputError
        Not a number, or outside the plausible range of the sign (one sentence).
    """
    field = _BY_KEY[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise UserInputError(f"The {field.label} {value!r} is not a number; type it in {field.unit}.") from None
    if not math.isfinite(number) or not field.low <= number <= field.high:
        raise UserInputError(f"The {field.label} {number:g} {field.unit} is outside {field.low:g}-{field.high:g} "
                             f"{field.unit}; check the monitor and type it again.")
    return number


def check_vitals(values: Mapping[str, object]) -> tuple[dict[str, float | None], dict[str, str]]:
    """The signs of ``values`` (keys of :data:`VITAL_FIELDS`) and one sentence for each wrong
    one (empty when all are right); a form shows each sentence beside its field."""
    clean: dict[str, float | None] = {}
    problems: dict[str, str] = {}
    for field in VITAL_FIELDS:
        try:
            clean[field.key] = parse_vital(field.key, values.get(field.key))
        except UserInputError as exc:
            problems[field.key] = str(exc)
    if not problems and all(v is None for v in clean.values()):
        problems[VITAL_FIELDS[0].key] = "No vital sign was given; type at least one (heart rate, SpO2, EtCO2 or temperature)."
    return clean, problems


def record_vitals(store: RecordStore, study_id: str, *, heart_rate_bpm: object = None, spo2_percent: object = None,
                  etco2_mmhg: object = None, temperature_c: object = None, note: str = "", operator: str = "",
                  recorded_at: datetime | None = None) -> VitalSigns:
    """Add an entry to the anaesthesia log of ``study_id`` (on disk before it returns).

    Raises
    ------
    UserInputError
        An unknown study, no sign given, or wrong values (one sentence each, joined).
    """
    clean, problems = check_vitals({"heart_rate_bpm": heart_rate_bpm, "spo2_percent": spo2_percent,
                                    "etco2_mmhg": etco2_mmhg, "temperature_c": temperature_c})
    if problems:
        raise UserInputError(" ".join(problems.values()))
    moment = recorded_at or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        raise UserInputError("The time of the vital signs must carry its time zone.")
    if moment > datetime.now(timezone.utc) + timedelta(minutes=5):
        raise UserInputError("The vital signs cannot be recorded in the future; check the time.")
    doc = {"study": "", "recorded_at": moment.astimezone(timezone.utc).isoformat(timespec="seconds"), **clean,
           "note": clean_text(note, "note", max_length=500), "operator": clean_text(operator, "operator", max_length=64)}
    with store._write():
        study_number, _ = store._doc("studies", study_id, "study")
        doc["study"] = format_id("studies", study_number)
        number = store._next_number(_TABLE)
        store._insert(_TABLE, number, doc)
    return _from_doc(number, doc)


def vitals_of_study(store: RecordStore, study_id: str) -> list[VitalSigns]:
    """The anaesthesia log of ``study_id``, oldest first.

    Raises
    ------
    UserInputError
        An unknown study.
    """
    store._fresh()
    study_number, _ = store._doc("studies", study_id, "study")
    docs = store._table(_TABLE).search(Query().study == format_id("studies", study_number))
    entries = [_from_doc(d.doc_id, d) for d in docs]
    return sorted(entries, key=lambda v: (v.recorded_at, v.id))


def next_vitals_due(anaesthesia_started: datetime, log: Sequence[VitalSigns]) -> datetime:
    """When the vital signs are next due: :data:`VITALS_INTERVAL_S` after the last entry
    made since ``anaesthesia_started`` (or after that start when there is none)."""
    since = [v.moment for v in log if v.moment >= anaesthesia_started]
    return max([anaesthesia_started, *since]) + timedelta(seconds=VITALS_INTERVAL_S)


def _from_doc(number: int, doc: Mapping[str, Any]) -> VitalSigns:
    values = {f.key: None if doc.get(f.key) is None else float(doc[f.key]) for f in VITAL_FIELDS}
    return VitalSigns(f"{_PREFIX}-{number:06d}", str(doc["study"]), str(doc["recorded_at"]), **values,
                      note=str(doc.get("note", "")), operator=str(doc.get("operator", "")))
