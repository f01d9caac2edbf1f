"""Short texts of QA measures for tables (the command line and the QA screen)."""

from __future__ import annotations

from vetmri.qa.result import QaMeasure

__all__ = ["limits_text", "value_text", "verdict_text"]


def value_text(m: QaMeasure) -> str:
    """The measured value with its unit, e.g. ``80.4 %`` or ``8.515496 MHz``."""
    if m.key == "snr":
        return f"{m.value:.1f}"
    if m.key == "uniformity":
        return f"{m.value:.1f} %"
    if m.key == "ghosting":
        return f"{m.value:.4f}"
    if m.key == "geometry":
        return f"{m.value:.1f} mm off"
    if m.key == "slice_thickness":
        return f"{m.value:.2f} mm"
    if m.key == "larmor":
        return f"{m.value / 1e6:.6f} MHz"
    return f"{m.value:.3f}"


def limits_text(m: QaMeasure) -> str:
    """The acceptable range, e.g. ``>= 75 %``, ``4.3-5.7 mm`` or ``+-10 kHz``."""
    unit = {"uniformity": " %", "geometry": " mm", "slice_thickness": " mm"}.get(m.key, "")
    if m.key == "larmor" and m.low is not None and m.high is not None:
        return f"+-{(m.high - m.low) / 2e3:g} kHz"
    if m.low is not None and m.high is not None:
        return f"{m.low:g}-{m.high:g}{unit}"
    if m.low is not None:
        return f">= {m.low:g}{unit}"
    if m.high is not None:
        return f"<= {m.high:g}{unit}"
    return ""


def verdict_text(passed: bool) -> str:
    """``pass`` or ``FAIL``."""
    return "pass" if passed else "FAIL"
