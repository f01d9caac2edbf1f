"""Parameter overrides (``--set KEY=VALUE``): parsed, checked and given to the planner.

Keys are the JSON names of ``vetmri protocols show`` (``te_ms``, ``fov_mm``, ...). Arrays
are comma-separated (``fov_mm=180,160``; one number means a square). An override goes to
the selected series, or, without a selection, to every series it applies to. The planner
never changes an overridden value: when it cannot be honoured the plan is refused with the
reason (see :func:`vetmri.protocols.planner.plan_exam`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vetmri.errors import UserInputError
from vetmri.protocols.templates import ORDERINGS, SLICE_ORDERS

__all__ = ["COMPUTED_KEYS", "SETTABLE_KEYS", "Override", "applies_to", "parse_override", "resolve_overrides"]

#: Settable keys: (kind, minimum, maximum) or (choices,).
SETTABLE_KEYS: dict[str, tuple[Any, ...]] = {
    "te_ms": ("number", 0.1, 2_000),
    "tr_ms": ("number", 1, 60_000),
    "ti_ms": ("number", 1, 20_000),
    "flip_angle_deg": ("number", 1, 180),
    "echo_train_length": ("integer", 1, 64),
    "fov_mm": ("pair", 5, 400),
    "matrix": ("integer pair", 16, 1024),
    "slice_mm": ("number", 0.1, 50),
    "slice_gap_mm": ("number", 0, 100),
    "slices": ("integer", 1, 256),
    "averages": ("integer", 1, 256),
    "bandwidth_hz_per_px": ("number", 5, 5_000),
    "acceleration": ("number", 1, 8),
    "partial_fourier": ("number", 0.625, 1),
    "phase_oversampling": ("number", 0, 1),
    "slab_oversampling": ("number", 0, 1),
    "sampling_seed": ("integer", 0, 2**31 - 1),
    "target_snr": ("number", 0.1, 1_000),
    "ordering": (ORDERINGS,),
    "slice_order": (SLICE_ORDERS,),
}

#: Keys of the JSON output that the planner computes and a person cannot set.
COMPUTED_KEYS = ("name", "sequence", "plane", "scan_time_s", "predicted_snr", "min_te_ms",
                 "min_tr_ms", "min_ti_ms", "feasible", "violations", "adjustments", "echo_spacing_ms")

_ONLY = {
    "ti_ms": ("ir_tse",),
    "echo_train_length": ("tse", "ir_tse"),
    "ordering": ("tse", "ir_tse"),
    "slab_oversampling": ("gre3d",),
    "partial_fourier": ("se", "tse", "ir_tse", "gre"),
}


@dataclass(frozen=True)
class Override:
    """One ``KEY=VALUE`` for one series (``series_index``) or for all it applies to (None)."""

    key: str
    value: Any
    series_index: int | None = None


def applies_to(key: str, sequence: str) -> bool:
    """Whether a series of this sequence has the parameter ``key``."""
    return sequence in _ONLY.get(key, (sequence,))


def parse_override(text: str, series_index: int | None = None) -> Override:
    """Read ``KEY=VALUE`` into a typed, range-checked override.

    Raises
    ------
    UserInputError
        Unknown or computed key, or a value of the wrong kind or out of range.
    """
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key:
        raise UserInputError(f"The override {text!r} must look like KEY=VALUE, for example te_ms=90.")
    if key in COMPUTED_KEYS:
        raise UserInputError(f"{key} is computed by the planner and cannot be set; set the "
                             f"parameters it depends on instead (settable: {', '.join(SETTABLE_KEYS)}).")
    if key not in SETTABLE_KEYS:
        raise UserInputError(f"There is no series parameter {key!r}; settable parameters are "
                             f"{', '.join(SETTABLE_KEYS)}.")
    return Override(key, _value(key, raw), series_index)


def _value(key: str, raw: str) -> Any:
    spec = SETTABLE_KEYS[key]
    if len(spec) == 1:
        if raw not in spec[0]:
            raise UserInputError(f"{key} must be one of {', '.join(spec[0])}, not {raw!r}.")
        return raw
    kind, low, high = spec
    parts = [p.strip() for p in raw.split(",")] if "pair" in kind else [raw]
    if "pair" in kind and len(parts) == 1:
        parts = parts * 2
    if len(parts) != (2 if "pair" in kind else 1):
        raise UserInputError(f"{key} takes two comma-separated numbers (rows,cols), not {raw!r}.")
    values = []
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise UserInputError(f"{key} must be a number, not {raw!r}.") from None
        if not math.isfinite(number) or not low <= number <= high:
            raise UserInputError(f"{key} must be from {low:g} to {high:g}, not {raw!r}.")
        if "integer" in kind:
            if number != int(number):
                raise UserInputError(f"{key} must be a whole number, not {raw!r}.")
            number = int(number)
        values.append(number)
    return tuple(values) if "pair" in kind else values[0]


def resolve_overrides(overrides: Sequence[Override], sequences: Sequence[str],
                      names: Sequence[str]) -> list[dict[str, Any]]:
    """The overrides of each series (by index), after checking they can apply.

    Raises
    ------
    UserInputError
        A series index out of range, a key the selected series does not have, a key no
        series has, or the same key set twice for a series with different values.
    """
    per_series: list[dict[str, Any]] = [{} for _ in sequences]
    for o in overrides:
        if o.series_index is not None:
            if not 0 <= o.series_index < len(sequences):
                raise UserInputError(f"There is no series {o.series_index}; this exam has series 0 "
                                     f"to {len(sequences) - 1}.")
            targets = [o.series_index]
            if not applies_to(o.key, sequences[o.series_index]):
                raise UserInputError(f"{o.key} cannot be set on series {o.series_index} "
                                     f"({names[o.series_index]}): that sequence has no such parameter.")
        else:
            targets = [i for i, s in enumerate(sequences) if applies_to(o.key, s)]
            if not targets:
                raise UserInputError(f"No series of this exam has the parameter {o.key}.")
        for i in targets:
            if o.key in per_series[i] and per_series[i][o.key] != o.value:
                raise UserInputError(f"{o.key} is set twice with different values for series {i} "
                                     f"({names[i]}); give it once.")
            per_series[i][o.key] = o.value
    return per_series
