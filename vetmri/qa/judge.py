"""Raw QA numbers against the profile's limits: a verdict and one sentence per measure."""

from __future__ import annotations

from dataclasses import dataclass

from vetmri.qa.result import QaMeasure
from vetmri.scanner.profile import QaLimits

__all__ = ["QaNumbers", "judge"]


@dataclass(frozen=True)
class QaNumbers:
    """What the QA scan measured (SI units).

    Attributes
    ----------
    snr : float
    uniformity_percent : float
    ghosting_ratio : float
    diameters_m : (float, float, float, float)
        Along the readout (left-right), the phase (dorso-ventral) and the two diagonals.
    expected_diameter_m : float
    slice_thickness_m, nominal_thickness_m : float
    ramp_lengths_m : (float, float)
    larmor_hz, nominal_larmor_hz : float
    rf_scale : float
    """

    snr: float
    uniformity_percent: float
    ghosting_ratio: float
    diameters_m: tuple[float, float, float, float]
    expected_diameter_m: float
    slice_thickness_m: float
    nominal_thickness_m: float
    ramp_lengths_m: tuple[float, float]
    larmor_hz: float
    nominal_larmor_hz: float
    rf_scale: float


_DIRECTIONS = ("left-right (readout)", "dorso-ventral (phase)", "diagonal", "other diagonal")


def judge(n: QaNumbers, limits: QaLimits) -> tuple[QaMeasure, ...]:
    """Every measure with its limits, verdict and reason, in the order of
    :data:`vetmri.qa.result.MEASURES`."""
    n = QaNumbers(**{k: (tuple(float(x) for x in v) if isinstance(v, tuple) else float(v))
                     for k, v in vars(n).items()})
    out = []

    ok = n.snr >= limits.snr_min
    out.append(QaMeasure("snr", n.snr, limits.snr_min, None, ok,
                         f"SNR {n.snr:.1f} is {'at or above' if ok else 'below'} the minimum {limits.snr_min:g}"
                         + ("." if ok else ": check the coil and its connector, the receiver and interference."), {}))

    ok = n.uniformity_percent >= limits.uniformity_min_percent
    out.append(QaMeasure("uniformity", n.uniformity_percent, limits.uniformity_min_percent, None, ok,
                         f"Uniformity {n.uniformity_percent:.1f} % is {'at or above' if ok else 'below'} the minimum "
                         f"{limits.uniformity_min_percent:g} %"
                         + ("." if ok else ": the RF field or the coil is uneven, or the shim has moved."), {}))

    ok = n.ghosting_ratio <= limits.ghosting_max_ratio
    out.append(QaMeasure("ghosting", n.ghosting_ratio, None, limits.ghosting_max_ratio, ok,
                         f"Ghosting ratio {n.ghosting_ratio:.4f} is {'within' if ok else 'above'} the maximum "
                         f"{limits.ghosting_max_ratio:g}"
                         + ("." if ok else ": look for instability of the gradients, the RF or the frequency."), {}))

    errors_mm = [(d - n.expected_diameter_m) * 1e3 for d in n.diameters_m]
    worst = max(range(4), key=lambda i: abs(errors_mm[i]))
    tolerance_mm = limits.geometry_tolerance_m * 1e3
    ok = abs(errors_mm[worst]) <= tolerance_mm
    out.append(QaMeasure(
        "geometry", abs(errors_mm[worst]), None, tolerance_mm, ok,
        f"The {_DIRECTIONS[worst]} diameter is {n.diameters_m[worst] * 1e3:.1f} mm against "
        f"{n.expected_diameter_m * 1e3:.1f} mm ({errors_mm[worst]:+.1f} mm, limit +-{tolerance_mm:g} mm)"
        + ("." if ok else ": the field is distorted (shim) or a gradient is miscalibrated."),
        {"diameters_mm": [round(float(d) * 1e3, 2) for d in n.diameters_m],
         "expected_mm": round(float(n.expected_diameter_m) * 1e3, 2)}))

    nominal_mm, measured_mm = n.nominal_thickness_m * 1e3, n.slice_thickness_m * 1e3
    tolerance_mm = limits.slice_thickness_tolerance_m * 1e3
    ok = abs(measured_mm - nominal_mm) <= tolerance_mm
    out.append(QaMeasure(
        "slice_thickness", measured_mm, nominal_mm - tolerance_mm, nominal_mm + tolerance_mm, ok,
        f"Slice thickness {measured_mm:.2f} mm against {nominal_mm:g} mm (limit +-{tolerance_mm:g} mm)"
        + ("." if ok else ": the slice profile is off (RF pulse, slice gradient or field)."),
        {"ramp_lengths_mm": [round(float(r) * 1e3, 2) for r in n.ramp_lengths_m]}))

    offset = n.larmor_hz - n.nominal_larmor_hz
    ok = abs(offset) <= limits.larmor_tolerance_hz
    out.append(QaMeasure(
        "larmor", n.larmor_hz, n.nominal_larmor_hz - limits.larmor_tolerance_hz,
        n.nominal_larmor_hz + limits.larmor_tolerance_hz, ok,
        f"Larmor frequency {n.larmor_hz / 1e6:.6f} MHz is {offset / 1e3:+.2f} kHz from the nominal "
        f"{n.nominal_larmor_hz / 1e6:.6f} MHz (limit +-{limits.larmor_tolerance_hz / 1e3:g} kHz)"
        + ("." if ok else ": the magnet has drifted; check its temperature control and the room."),
        {"offset_hz": round(float(offset), 2)}))

    ok = limits.rf_scale_min <= n.rf_scale <= limits.rf_scale_max
    out.append(QaMeasure(
        "rf_scale", n.rf_scale, limits.rf_scale_min, limits.rf_scale_max, ok,
        f"The RF calibration needed {n.rf_scale:.3f} x the nominal drive (limits {limits.rf_scale_min:g} to "
        f"{limits.rf_scale_max:g})" + ("." if ok else ": check the RF amplifier, the coil's tuning and its cable."),
        {}))
    return tuple(out)
