"""pypulseq system limits from the scanner profile, and the gradient check pypulseq lacks.

``Sequence.check_timing()`` checks rasters, dead times and block durations but neither
gradient amplitude nor slew rate; :func:`gradient_extremes` computes both from the
sequence's gradient waveforms (every block's trapezoids, which start and end at zero, so
the waveform of each axis is their concatenation) and :func:`gradient_violations` compares
them with the profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vetmri.protocols.plan import Violation
from vetmri.scanner.profile import ScannerProfile

if TYPE_CHECKING:
    import pypulseq

__all__ = ["GradientExtremes", "gradient_extremes", "gradient_violations", "pulseq_system"]

#: Relative tolerance of the amplitude/slew check: the .seq format stores amplitudes with 6
#: significant digits, so a gradient designed exactly at the limit may read back 5e-6 above.
READBACK_TOLERANCE = 1e-5


def pulseq_system(profile: ScannerProfile) -> "pypulseq.Opts":
    """``pypulseq.Opts`` with the profile's limits, rasters and dead times (never the global
    default ``Opts``)."""
    import pypulseq as pp

    return pp.Opts(
        max_grad=profile.gradients.max_amplitude_t_per_m * 1e3, grad_unit="mT/m",
        max_slew=profile.gradients.max_slew_t_per_m_per_s, slew_unit="T/m/s",
        rf_dead_time=profile.rf.dead_time_s, rf_ringdown_time=profile.rf.ringdown_time_s,
        adc_dead_time=profile.adc.dead_time_s, adc_raster_time=profile.adc.raster_time_s,
        rf_raster_time=profile.timing.rf_raster_time_s,
        grad_raster_time=profile.timing.gradient_raster_time_s,
        block_duration_raster=profile.timing.block_duration_raster_s,
        adc_samples_limit=profile.adc.max_samples,
        gamma=profile.magnet.gamma_hz_per_t, B0=profile.magnet.b0_t,
    )


@dataclass(frozen=True)
class GradientExtremes:
    """Largest gradient amplitude and slew rate on any axis."""

    max_amplitude_t_per_m: float
    max_slew_t_per_m_per_s: float


def gradient_extremes(seq: Any, gamma_hz_per_t: float) -> GradientExtremes:
    """Max |G| and max |dG/dt| over all gradient events of a sequence.

    Every gradient vetmri writes is a trapezoid (amplitude over ramp time is its slew);
    a sequence with arbitrary-shape gradients is refused here rather than checked wrongly.
    """
    amplitude = slew = 0.0
    library = seq.grad_library
    for key, data in library.data.items():
        if library.type[key] == "t":
            a, rise, flat, fall = (abs(float(data[0])), float(data[1]), float(data[2]), float(data[3]))
            amplitude = max(amplitude, a)
            for ramp in (rise, fall):
                if a > 0:
                    slew = max(slew, a / ramp if ramp > 0 else float("inf"))
        else:
            raise ValueError("the sequence has arbitrary-shape gradients, which this check does not cover")
    return GradientExtremes(amplitude / gamma_hz_per_t, slew / gamma_hz_per_t)


def gradient_violations(extremes: GradientExtremes, profile: ScannerProfile) -> tuple[Violation, ...]:
    """Violations when a sequence's gradients exceed the profile's amplitude or slew rate."""
    g = profile.gradients
    found = []
    if extremes.max_amplitude_t_per_m > g.max_amplitude_t_per_m * (1 + READBACK_TOLERANCE):
        found.append(Violation("gradient", f"the gradient reaches {extremes.max_amplitude_t_per_m * 1e3:.3f} mT/m, "
                               f"above the {g.max_amplitude_t_per_m * 1e3:g} mT/m limit"))
    if extremes.max_slew_t_per_m_per_s > g.max_slew_t_per_m_per_s * (1 + READBACK_TOLERANCE):
        found.append(Violation("slew", f"the gradient slews at {extremes.max_slew_t_per_m_per_s:.2f} T/m/s, "
                               f"above the {g.max_slew_t_per_m_per_s:g} T/m/s limit"))
    return tuple(found)
