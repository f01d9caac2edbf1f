"""Sequence events as plain arithmetic: gradient trapezoids, RF pulses and readouts on the
scanner's rasters, under its gradient and RF limits.

Times are whole microseconds (``*_us``), so sums of event durations are exact and fall on
the rasters; amplitudes are SI (T/m, degrees). The Pulseq builders in
:mod:`vetmri.sequences` turn each of these into one pypulseq event with exactly these
numbers, so the minimum TE/TR computed here is the one of the written sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from vetmri.scanner.profile import ScannerProfile

__all__ = [
    "RfPulse",
    "Rasters",
    "Readout",
    "Trapezoid",
    "rasters_of",
    "readout_for",
    "rf_pulse_for",
    "shortest_trapezoid",
    "sinc_efficiency",
    "trapezoid_with_amplitude",
]

#: Time-bandwidth product of the slice-selective sinc pulses (main lobe and one side lobe
#: each side, Hann-apodized: the pypulseq default shape with apodization 0.5).
TIME_BANDWIDTH = 4.0
APODIZATION = 0.5
#: Shortest RF pulse the planner uses; longer pulses are chosen when the slice gradient or
#: the peak B1 would exceed the profile's limits.
MIN_RF_US = 1000


@dataclass(frozen=True)
class Rasters:
    """The profile's timing grid in integer units.

    Attributes
    ----------
    grad_us : int
        Gradient raster (and the step of every block duration here), microseconds.
    block_us : int
        Block-duration raster, microseconds.
    rf_dead_us, rf_ringdown_us, adc_dead_us : int
        Dead and ring-down times rounded up to whole microseconds.
    adc_ns : int
        ADC sample-time raster, nanoseconds.
    """

    grad_us: int
    block_us: int
    rf_dead_us: int
    rf_ringdown_us: int
    adc_dead_us: int
    adc_ns: int
    max_grad_t_per_m: float
    max_slew_t_per_m_per_s: float
    gamma_hz_per_t: float
    max_b1_t: float
    max_samples: int

    @property
    def step_us(self) -> int:
        """The grid every block boundary lies on (the coarser of gradient and block raster)."""
        return math.lcm(self.grad_us, self.block_us)

    def up(self, us: float, step: int | None = None) -> int:
        """``us`` rounded up to the grid (or to ``step``)."""
        step = step or self.step_us
        return int(math.ceil(us / step - 1e-9)) * step


def _whole(seconds: float, unit: float, what: str) -> int:
    value = seconds / unit
    rounded = round(value)
    if abs(value - rounded) > 1e-6:
        raise ValueError(f"the scanner profile's {what} must be a whole number of {unit:g} s")
    return int(rounded)


def rasters_of(profile: ScannerProfile) -> Rasters:
    """The profile's rasters and limits in the units of this module."""
    return _rasters(profile)


@lru_cache(maxsize=8)
def _rasters(profile: ScannerProfile) -> Rasters:
    t = profile.timing
    return Rasters(
        grad_us=_whole(t.gradient_raster_time_s, 1e-6, "gradient raster"),
        block_us=_whole(t.block_duration_raster_s, 1e-6, "block raster"),
        rf_dead_us=math.ceil(profile.rf.dead_time_s * 1e6 - 1e-6),
        rf_ringdown_us=math.ceil(profile.rf.ringdown_time_s * 1e6 - 1e-6),
        adc_dead_us=math.ceil(profile.adc.dead_time_s * 1e6 - 1e-6),
        adc_ns=_whole(profile.adc.raster_time_s, 1e-9, "ADC raster"),
        max_grad_t_per_m=profile.gradients.max_amplitude_t_per_m,
        max_slew_t_per_m_per_s=profile.gradients.max_slew_t_per_m_per_s,
        gamma_hz_per_t=profile.magnet.gamma_hz_per_t,
        max_b1_t=profile.rf.max_b1_t,
        max_samples=profile.adc.max_samples,
    )


@dataclass(frozen=True)
class Trapezoid:
    """A gradient trapezoid on one logical axis.

    Attributes
    ----------
    amplitude_t_per_m : float
        Plateau amplitude (signed), T/m.
    rise_us, flat_us, fall_us, delay_us : int
        Ramp-up, plateau, ramp-down and start delay in the block, microseconds.
    """

    amplitude_t_per_m: float
    rise_us: int
    flat_us: int
    fall_us: int
    delay_us: int = 0

    @property
    def duration_us(self) -> int:
        return self.delay_us + self.rise_us + self.flat_us + self.fall_us

    @property
    def area_t_s_per_m(self) -> float:
        """Gradient area (zeroth moment), T s/m."""
        return self.amplitude_t_per_m * (self.flat_us + 0.5 * (self.rise_us + self.fall_us)) * 1e-6

    def with_area(self, area_t_s_per_m: float) -> "Trapezoid":
        """The same timing with the amplitude that gives ``area`` (for phase encoding)."""
        span_s = (self.flat_us + 0.5 * (self.rise_us + self.fall_us)) * 1e-6
        return replace(self, amplitude_t_per_m=area_t_s_per_m / span_s)

    def delayed(self, delay_us: int) -> "Trapezoid":
        return replace(self, delay_us=delay_us)


def _ramp_us(amplitude: float, r: Rasters) -> int:
    """Shortest ramp to ``amplitude`` on the gradient raster under the slew limit."""
    ramp = abs(amplitude) / r.max_slew_t_per_m_per_s * 1e6
    return max(r.grad_us, r.up(ramp, r.grad_us))


def trapezoid_with_amplitude(amplitude: float, flat_us: int, r: Rasters, min_ramp_us: int = 0) -> Trapezoid:
    """A trapezoid of a given amplitude and plateau, with the shortest allowed ramps."""
    ramp = max(_ramp_us(amplitude, r), r.up(min_ramp_us, r.grad_us) if min_ramp_us else 0)
    return Trapezoid(amplitude, ramp, flat_us, ramp)


def shortest_trapezoid(area_t_s_per_m: float, r: Rasters) -> Trapezoid:
    """The shortest trapezoid (or triangle) on the raster with the given area.

    The amplitude is then lowered so the area is exact; it never exceeds the profile's
    limits (ramps are rounded up, which only lowers the slew rate).
    """
    area = abs(area_t_s_per_m)
    sign = 1.0 if area_t_s_per_m >= 0 else -1.0
    g, gmax, slew = r.grad_us, r.max_grad_t_per_m, r.max_slew_t_per_m_per_s
    if area == 0.0:
        return Trapezoid(0.0, g, 0, g)
    ramp = max(g, r.up(math.sqrt(area / slew) * 1e6, g))
    if area / (ramp * 1e-6) <= gmax:  # a triangle reaches the area within the amplitude limit
        return Trapezoid(sign * area / (ramp * 1e-6), ramp, 0, ramp)
    ramp = _ramp_us(gmax, r)
    flat = r.up(max(0.0, area / gmax * 1e6 - ramp), g)
    return Trapezoid(sign * area / ((ramp + flat) * 1e-6), ramp, flat, ramp)


@lru_cache(maxsize=64)
def sinc_efficiency(time_bandwidth: float = TIME_BANDWIDTH, apodization: float = APODIZATION) -> float:
    """Mean over peak amplitude of the apodized sinc pulse (how much of the peak B1 the
    pulse area gets): the peak B1 of a pulse of flip angle a and duration T is
    a / (2 pi gamma T efficiency)."""
    n = 2000
    total, peak = 0.0, 0.0
    for i in range(n):
        tt = (i + 0.5) / n - 0.5
        window = 1 - apodization + apodization * math.cos(2 * math.pi * tt)
        x = time_bandwidth * tt
        value = window * (math.sin(math.pi * x) / (math.pi * x) if x else 1.0)
        total += value
        peak = max(peak, abs(value))
    return total / n / peak


@dataclass(frozen=True)
class RfPulse:
    """A slice-selective sinc pulse.

    Attributes
    ----------
    flip_angle_deg : float
    duration_us : int
        Pulse length, a multiple of twice the gradient raster (so its centre is on it).
    use : str
        Pulseq RF use: ``excitation``, ``refocusing`` or ``inversion``.
    """

    flip_angle_deg: float
    duration_us: int
    use: str
    time_bandwidth: float = TIME_BANDWIDTH
    apodization: float = APODIZATION

    @property
    def bandwidth_hz(self) -> float:
        return self.time_bandwidth / (self.duration_us * 1e-6)

    def peak_b1_t(self, gamma_hz_per_t: float) -> float:
        flip_rad = math.radians(self.flip_angle_deg)
        return flip_rad / (2 * math.pi * gamma_hz_per_t * self.duration_us * 1e-6 * sinc_efficiency(self.time_bandwidth, self.apodization))

    def slice_gradient_t_per_m(self, thickness_m: float, gamma_hz_per_t: float) -> float:
        """The slice-select amplitude for a slice (or slab) of this thickness."""
        return self.bandwidth_hz / (gamma_hz_per_t * thickness_m)


#: Headroom kept below the slice-gradient and B1 limits when choosing a pulse length.
_LIMIT_FRACTION = 0.95


def rf_pulse_for(flip_angle_deg: float, thickness_m: float, use: str, r: Rasters) -> RfPulse:
    """The shortest pulse for a flip angle and slice whose slice gradient and peak B1 stay
    within the profile (95 % of each limit), on a 2-raster grid, at least ``MIN_RF_US``."""
    step = 2 * r.grad_us
    by_gradient = TIME_BANDWIDTH / (r.gamma_hz_per_t * thickness_m * _LIMIT_FRACTION * r.max_grad_t_per_m)
    by_b1 = math.radians(flip_angle_deg) / (
        2 * math.pi * r.gamma_hz_per_t * _LIMIT_FRACTION * r.max_b1_t * sinc_efficiency()
    )
    duration = r.up(max(MIN_RF_US, by_gradient * 1e6, by_b1 * 1e6), step)
    return RfPulse(flip_angle_deg, duration, use)


@dataclass(frozen=True)
class Readout:
    """A frequency-encoding gradient with its ADC window centred on the plateau.

    Attributes
    ----------
    gradient : Trapezoid
    samples : int
        ADC samples (the readout matrix; sample ``samples // 2`` is the centre of k-space).
    dwell_ns : int
        Sample spacing, nanoseconds (on the ADC raster).
    adc_delay_us : int
        Start of the ADC window in the block.
    duration_us : int
        Block duration (ramps and the ADC dead time included).
    """

    gradient: Trapezoid
    samples: int
    dwell_ns: int
    adc_delay_us: int
    duration_us: int

    @property
    def echo_us(self) -> int:
        """Middle of the plateau (and of the ADC window) in the block: the echo time point."""
        return self.gradient.delay_us + self.gradient.rise_us + self.gradient.flat_us // 2

    @property
    def bandwidth_hz_per_px(self) -> float:
        return 1e9 / (self.samples * self.dwell_ns)

    def prephase_area_t_s_per_m(self) -> float:
        """Area from the start of the gradient to the k-space centre sample (``samples//2``),
        whose time is half a dwell after the middle of the window."""
        g = self.gradient
        return g.amplitude_t_per_m * (0.5 * g.rise_us + 0.5 * g.flat_us + 0.5 * self.dwell_ns * 1e-3) * 1e-6


def readout_for(samples: int, fov_m: float, bandwidth_hz_per_px: float, r: Rasters) -> Readout:
    """The readout for a matrix width, FOV and receiver bandwidth per pixel.

    The window ``samples x dwell`` is rounded to a whole number of 2 us with the dwell on the
    ADC raster, so the ADC start lands on the 1 us RF raster when centred on the plateau.
    """
    unit_ns = math.lcm(2000, samples * r.adc_ns)
    window_ns = max(unit_ns, round(1e9 / bandwidth_hz_per_px / unit_ns) * unit_ns)
    dwell_ns = window_ns // samples
    amplitude = 1.0 / (r.gamma_hz_per_t * fov_m * dwell_ns * 1e-9)
    flat = r.up(window_ns * 1e-3, 2 * r.grad_us)
    gradient = trapezoid_with_amplitude(amplitude, flat, r, min_ramp_us=r.adc_dead_us)
    adc_delay = gradient.rise_us + (flat - window_ns // 1000) // 2
    duration = r.up(max(gradient.duration_us, adc_delay + window_ns / 1000 + r.adc_dead_us))
    return Readout(gradient, samples, dwell_ns, adc_delay, duration)
