"""How far tissue that gives signal reaches along an axis: the animal's body inside the
coil, weighted by the coil's receive sensitivity.

Phase encoding folds whatever signal lies outside the encoded field of view back into the
image (wrap-around); the readout's anti-alias filter removes it along the readout. So the
planner needs, per series, the extent of signal along the phase-encoding axis:

- the body (``body_mm`` of the region, scaled like the animal; by default a round
  cross-section of the fit width that continues beyond the coil along the bore), held
  inside the coil's opening across the bore;
- along the bore, the coil's sensitivity: a cylindrical volume coil of length ``L`` and
  radius ``R`` receives (by reciprocity) as the on-axis field of a finite solenoid does,
  ``((z + L/2) / sqrt((z + L/2)^2 + R^2) - (z - L/2) / sqrt((z - L/2)^2 + R^2))``
  normalised at the centre (Biot-Savart). The simulator uses the same law
  (:mod:`vetmri.simulation.effects`), so the check and the images agree.

The cover is the smallest field of view, centred like the image, outside which at most a
fraction ``max_wrapped_fraction`` of the signal energy lies, widened by ``margin_fraction``
for the spread of anatomy between animals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AXES", "BodyExtent", "CoverageRules", "axial_sensitivity", "signal_cover_m"]

AXES = ("lr", "dv", "cc")
#: Step of the 1D profiles the cover is computed on, metres.
_STEP_M = 0.25e-3


@dataclass(frozen=True)
class CoverageRules:
    """``planning.toml [geometry]``: how much signal may fold, the anatomy margin, and
    whether the planner may turn the phase direction by itself."""

    max_wrapped_fraction: float
    margin_fraction: float
    allow_phase_swap: bool = False


@dataclass(frozen=True)
class BodyExtent:
    """Where the body lies around the image centre, metres: (low, high) along left-right,
    dorso-ventral and cranio-caudal; ``None`` along an axis where it continues beyond the
    coil (a trunk along the bore)."""

    lr_m: tuple[float, float] | None
    dv_m: tuple[float, float] | None
    cc_m: tuple[float, float] | None

    def along(self, axis: str) -> tuple[float, float] | None:
        return {"lr": self.lr_m, "dv": self.dv_m, "cc": self.cc_m}[axis]

    def scaled(self, lr: float, dv: float, cc: float) -> BodyExtent:
        def s(span: tuple[float, float] | None, k: float) -> tuple[float, float] | None:
            return None if span is None else (span[0] * k, span[1] * k)
        return BodyExtent(s(self.lr_m, lr), s(self.dv_m, dv), s(self.cc_m, cc))

    @classmethod
    def round_section(cls, width_m: float) -> BodyExtent:
        """A body of round cross-section ``width_m`` across, continuing along the bore."""
        half = width_m / 2
        return cls((-half, half), (-half, half), None)


def axial_sensitivity(z_m: "np.ndarray", length_m: float, radius_m: float) -> "np.ndarray":
    """Receive sensitivity along the axis of a cylindrical volume coil, 1 at its centre.

    The on-axis field of a finite solenoid of length ``length_m`` and radius ``radius_m``
    (Biot-Savart); by reciprocity the coil receives with the same profile.
    """
    import numpy as np  # lazily: planning without numpy keeps the start-up light

    z = np.asarray(z_m, dtype=float)
    h = length_m / 2

    def field(x: "np.ndarray | float") -> "np.ndarray":
        return (x + h) / np.sqrt((x + h) ** 2 + radius_m**2) - (x - h) / np.sqrt((x - h) ** 2 + radius_m**2)

    return field(z) / field(0.0)


def signal_cover_m(body: BodyExtent, axis: str, coil_length_m: float, coil_diameter_m: float,
                   rules: CoverageRules) -> float:
    """Full width of the centred field of view that holds the signal along ``axis``.

    Across the bore (``lr``, ``dv``) the body is held inside the coil's opening and its
    signal taken as uniform; along the bore (``cc``) it is weighted by the coil's axial
    sensitivity squared (signal energy). Returns the width outside which at most
    ``max_wrapped_fraction`` of the energy lies, times ``1 + margin_fraction``.
    """
    import numpy as np

    radius = coil_diameter_m / 2
    span = body.along(axis)
    if axis == "cc":
        reach = 6 * max(coil_length_m, coil_diameter_m)  # sensitivity there is < 0.1 %
        low, high = span if span is not None else (-reach, reach)
        low, high = max(low, -reach), min(high, reach)
    else:
        low, high = span if span is not None else (-radius, radius)
        low, high = max(low, -radius), min(high, radius)
    if high <= low:
        return 0.0
    z = np.arange(low, high + _STEP_M / 2, _STEP_M)
    energy = np.ones_like(z) if axis != "cc" else axial_sensitivity(z, coil_length_m, radius) ** 2
    # Energy outside +-F as F grows: sort the samples by |z| and accumulate from the far end.
    order = np.argsort(-np.abs(z))
    outside = np.cumsum(energy[order]) / energy.sum()
    beyond = np.abs(z[order])
    allowed = rules.max_wrapped_fraction
    # the first (farthest) sample whose inclusion would exceed the allowed energy outside
    k = int(np.searchsorted(outside, allowed, side="right"))
    half = float(beyond[k]) if k < len(beyond) else 0.0
    return 2 * half * (1 + rules.margin_fraction) if math.isfinite(half) else 0.0
