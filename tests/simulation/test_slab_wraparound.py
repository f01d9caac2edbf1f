"""No wrap-around along the slab of 3D series: for every shipped 3D series, species, size
class and weight, the signal the slab excitation gives beyond the encoded partitions is
below 1 % of the slab's signal energy.

Computed without the planner's cover: the excitation's small-tip profile from the pulse the
sequence plays (its duration, time-bandwidth product, apodization and slab-select
gradient, in physical units) times the tissue of the phantom the simulator images (or the
protocol's body where no phantom exists) along the slab axis.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.simulation.test_wraparound import LIBRARY, MAX_WRAPPED, _plannable, _weights
from vetmri.acquisition.phantoms import PHANTOM_FOR_REGION, phantom_for_exam
from vetmri.errors import UserInputError
from vetmri.protocols.geometry import AnimalGeometry
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import load_profile
from vetmri.simulation.rasterise import NO_TISSUE, tissue_labels

GAMMA_HZ_PER_T = 42.577e6
_INDEX = {"lr": 0, "dv": 1, "cc": 2}


def _three_d_cases():
    for species, protocol in LIBRARY.protocols.items():
        for region_name, region in protocol.regions.items():
            if not any(LIBRARY.templates[k].sequence == "gre3d" for k in region.series):
                continue
            for size_class in protocol.species.size_classes:
                for label, weight in _weights(species, size_class).items():
                    if _plannable(species, weight, region_name):
                        yield pytest.param(species, weight, region_name, id=f"{species}-{size_class.name}-{label}-{region_name}")


def _profile(series, z_m: np.ndarray) -> np.ndarray:
    """|small-tip profile| of the series' excitation at positions along the slab axis."""
    excitation = series.timing.excitation
    rf = excitation.rf
    n = 400
    t = ((np.arange(n) + 0.5) / n - 0.5) * rf.duration_us * 1e-6
    u = t / (rf.duration_us * 1e-6)
    b1 = (1 - rf.apodization + rf.apodization * np.cos(2 * np.pi * u)) * np.sinc(rf.time_bandwidth * u)
    frequency = GAMMA_HZ_PER_T * excitation.gradient.amplitude_t_per_m * z_m
    return np.abs(np.exp(2j * np.pi * np.outer(frequency, t)) @ b1)


def _tissue_along(species, weight, region, series, z_m: np.ndarray) -> np.ndarray:
    """Proton density summed over each plane across the slab axis (inside the in-plane FOV)."""
    p = series.parameters
    slab = _INDEX[p.slice_axis]
    phantom = None
    if (species, region) in PHANTOM_FOR_REGION:
        try:
            phantom = phantom_for_exam(species, region, weight)
        except UserInputError:  # a weight outside the phantom's range: the protocol's body
            phantom = None
    if phantom is None:
        the_region = LIBRARY.protocol(species).region(region)
        body = AnimalGeometry.of(the_region, weight, (1.0, 1.0, 1.0), LIBRARY.geometry, load_profile().magnet.dsv_m).body
        span = body.along(p.slice_axis)
        return np.ones_like(z_m) if span is None else ((z_m >= span[0]) & (z_m <= span[1])).astype(float)
    axes = []
    for a in range(3):
        if a == slab:
            axes.append(z_m)
        else:
            half = 0.5 * (p.fov_m[1] if a == _INDEX[p.read_axis] else p.encoded_fov_m[0])
            axes.append(np.arange(-half, half, 2e-3))
    labels, tissues = tissue_labels(phantom, *axes)
    pd = np.array([t.pd for t in tissues] + [0.0])
    density = pd[np.where(labels == NO_TISSUE, len(tissues), labels)]
    return density.sum(axis=tuple(a for a in range(3) if a != slab))


def _wrapped(species, weight, region, overrides=()) -> tuple[float, object]:
    plan = plan_exam(species, weight, region, overrides=list(overrides))
    series = next(s for s in plan.series if s.parameters.sequence == "gre3d")
    p = series.parameters
    slab = p.slice_m * p.slices
    z = np.arange(-3 * slab, 3 * slab, p.slice_m / 8)
    energy = _profile(series, z) ** 2 * _tissue_along(species, weight, region, series, z)
    encoded = p.slice_m * p.encoded_partitions
    return float(energy[np.abs(z) > encoded / 2].sum() / energy.sum()), series


@pytest.mark.parametrize("species, weight, region", list(_three_d_cases()))
def test_no_3d_slab_folds_more_than_1_percent_of_its_energy_into_its_end_partitions(species, weight, region):
    fraction, series = _wrapped(species, weight, region)
    assert fraction < MAX_WRAPPED, f"{series.parameters.name}: {fraction:.1%} folds in"


def test_the_dog_stifle_slab_is_oversampled_and_says_what_it_costs():
    fraction, series = _wrapped("dog", 35, "stifle", [parse_override("slab_oversampling=0", 4)])
    assert fraction > MAX_WRAPPED  # without it the slab's edges fold in
    planned = next(s for s in plan_exam("dog", 35, "stifle").series if s.parameters.sequence == "gre3d")
    p = planned.parameters
    assert p.slab_oversampling > 0 and p.encoded_partitions > p.slices
    (adjustment,) = [a for a in planned.adjustments if a.parameter == "slab_oversampling"]
    assert adjustment.time_s is not None and adjustment.time_s != 0 and adjustment.snr_factor is not None
    assert "more partitions" in adjustment.reason and "cropped" in adjustment.reason and "SNR x" in adjustment.reason


def test_a_slab_oversampling_that_would_alias_is_a_warning_with_the_fix():
    plan = plan_exam("dog", 35, "stifle", overrides=[parse_override("slab_oversampling=0", 4)])
    (warning,) = [w for w in plan.warnings if "end partitions" in w]
    assert "set slab_oversampling=" in warning and "3D GRE" in warning
