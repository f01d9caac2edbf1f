"""Keep the slab of a 3D series from folding into its end partitions.

A 3D series excites a slab of ``slices x slice_m`` and phase-encodes it in partitions. The
excitation's profile (the planner's sinc pulse: time-bandwidth product 4, Hann-apodized)
does not stop at the slab's edges: about 6 % of its signal energy lies beyond them, and
partition encoding folds that into the partitions at the other end (the simulator excites
with the same pulse, so the images show it). Where the body continues beyond the slab (it
does across a limb, a spine, a head) the planner adds **slab oversampling**: more
partitions of the same thickness, so the encoded slab holds all but
``max_wrapped_fraction`` of the profile's energy; the reconstruction crops them. It costs
scan time in proportion and buys SNR (more encodings), which the adjustment states. A
wider slab coverage (more partitions kept) costs the same time and moves the profile's
tails out with it, so oversampling is always the cheaper fix. A sharper pulse is not
offered (it lengthens the pulse, TE and TR of every series alike).

Where the body is narrower than the slab's tails, only the tissue counts: the profile is
weighted by the body's extent along the slab axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from vetmri.protocols.coverage import CoverageRules
from vetmri.protocols.events import APODIZATION, TIME_BANDWIDTH
from vetmri.protocols.plan import Adjustment, SeriesParameters, SeriesPlan
from vetmri.protocols.wraparound import oversampling_for

if TYPE_CHECKING:
    import numpy as np

__all__ = ["choose_slab_cover", "slab_cover_m", "slab_override_warning", "slab_profile"]

Planner = Callable[[SeriesParameters], tuple[SeriesPlan, list[str]]]


def slab_profile(z_over_slab: "np.ndarray", time_bandwidth: float = TIME_BANDWIDTH,
                 apodization: float = APODIZATION) -> "np.ndarray":
    """Small-tip excitation profile (magnitude, 1 at the centre) at positions given in slab
    thicknesses from the slab centre: the Fourier transform of the apodized sinc."""
    import numpy as np

    n = 512
    t = (np.arange(n) + 0.5) / n - 0.5
    shape = (1 - apodization + apodization * np.cos(2 * np.pi * t)) * np.sinc(time_bandwidth * t)
    z = np.asarray(z_over_slab, dtype=float)
    profile = np.abs(np.exp(-2j * np.pi * time_bandwidth * np.multiply.outer(z, t)) @ shape)
    return profile / float(np.abs(shape.sum()))


def slab_cover_m(slab_m: float, body_m: tuple[float, float] | None, rules: CoverageRules) -> float:
    """Full width of the centred encoded slab outside which at most
    ``rules.max_wrapped_fraction`` of the excited signal energy lies.

    Parameters
    ----------
    slab_m : float
        Excited slab thickness.
    body_m : (low, high) or None
        Where the body lies along the slab axis around the slab centre (None: everywhere).
    """
    import numpy as np

    step = slab_m / 200
    z = np.arange(-4 * slab_m, 4 * slab_m + step / 2, step)
    energy = slab_profile(z / slab_m) ** 2
    if body_m is not None:
        energy = energy * ((z >= body_m[0]) & (z <= body_m[1]))
    if energy.sum() <= 0:
        return 0.0
    order = np.argsort(-np.abs(z))
    outside = np.cumsum(energy[order]) / energy.sum()
    k = int(np.searchsorted(outside, rules.max_wrapped_fraction, side="right"))
    return 2 * float(np.abs(z[order])[k]) if k < len(z) else 0.0


def _effect(plan: SeriesPlan, base: SeriesPlan) -> tuple[float, float, str]:
    dt = plan.scan_time_s - base.scan_time_s
    snr = plan.predicted_snr / base.predicted_snr if base.predicted_snr > 0 else 1.0
    averages = plan.parameters.averages != base.parameters.averages
    return dt, snr, (f"{'+' if dt >= 0 else '-'}{abs(dt):.0f} s scan time, SNR x{snr:.2f}"
                     + (f" ({base.parameters.averages} -> {plan.parameters.averages} averages)" if averages else ""))


def choose_slab_cover(base: SeriesPlan, warnings: list[str], body_m: tuple[float, float] | None,
                      rules: CoverageRules, make: Planner) -> tuple[SeriesPlan, list[str]]:
    """The 3D series with the slab oversampling its excitation profile needs (an
    :class:`Adjustment` with reason, time and SNR effect), or as it was."""
    p = base.parameters
    if p.sequence != "gre3d":
        return base, warnings
    slab = p.slice_m * p.slices
    need = slab_cover_m(slab, body_m, rules)
    encoded = p.slice_m * p.encoded_partitions
    if need <= encoded * (1 + 1e-9):
        return base, warnings
    fraction = oversampling_for(p.slices, slab, need)
    plan, notes = make(replace(p, slab_oversampling=fraction))
    if plan.violations and not base.violations:
        return base, warnings + [slab_override_warning(p, need)]
    dt, snr, effect = _effect(plan, base)
    q = plan.parameters
    reason = (f"the {slab * 1e3:.0f} mm slab's excitation profile reaches beyond its edges along {p.slice_axis} "
              f"and the tissue there would fold into the end partitions (wrap-around); "
              f"{q.encoded_partitions - p.slices} more partitions cover {need * 1e3:.0f} mm and are cropped "
              f"from the image ({effect}), the cheapest fix")
    return replace(plan, adjustments=(Adjustment("slab_oversampling", p.slab_oversampling, q.slab_oversampling,
                                                 reason, dt, snr),) + plan.adjustments), notes


def slab_override_warning(p: SeriesParameters, need_m: float) -> str:
    """What folds in with the slab oversampling as set, and the setting that avoids it."""
    fix = oversampling_for(p.slices, p.slice_m * p.slices, need_m)
    return (f"{p.name}: the slab's excitation profile reaches about {need_m * 1e3:.0f} mm along {p.slice_axis}, "
            f"more than the {p.slice_m * p.encoded_partitions * 1e3:.0f} mm the partitions encode: tissue at the "
            f"slab's edges folds into the end partitions (wrap-around); set slab_oversampling={fix:g} for this series.")

