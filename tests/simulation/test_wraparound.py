"""No wrap-around: every planned series of every shipped species, size class and region holds
the signal the coil receives inside its encoded phase field of view.

The wrapped energy is computed from the phantom the simulator images (or, for species
without a phantom, the body of the species protocol) and the simulator's coil model, not
from the planner's cover; a noise-free simulation of the 35 kg dog brain checks the image
itself (the jaw no longer folds over the top of the head).
"""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.phantoms import PHANTOM_FOR_REGION, phantom_for_exam
from vetmri.errors import UserInputError
from vetmri.protocols.coverage import axial_sensitivity
from vetmri.protocols.geometry import AnimalGeometry
from vetmri.protocols.library import load_library
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import load_profile
from vetmri.simulation.effects import coil_sensitivities

from tests.simulation.wrap_energy import wrapped_fraction

LIBRARY = load_library()
PROFILE = load_profile()
MAX_WRAPPED = 0.01


def _weights(species: str, size_class) -> dict[str, float]:
    low_kg, high_kg = LIBRARY.protocol(species).species.weight_range_kg
    low, high = max(size_class.min_kg, low_kg), min(size_class.max_kg, high_kg)
    return {"min": low, "mid": round((low * high) ** 0.5, 3), "max": high * 0.999}


def _plannable(species: str, weight: float, region: str) -> bool:
    try:
        plan_exam(species, weight, region)
    except UserInputError:  # an animal that does not fit the bore is refused (tests/protocols)
        return False
    return True


def _cases(which: tuple[str, ...]):
    for species, protocol in LIBRARY.protocols.items():
        for size_class in protocol.species.size_classes:
            for label, weight in _weights(species, size_class).items():
                if label in which:
                    for region in protocol.regions:
                        if _plannable(species, weight, region):
                            yield pytest.param(species, weight, region,
                                               id=f"{species}-{size_class.name}-{label}-{region}")


def _worst(species: str, weight: float, region: str, skull: str | None = None, *, slices: str, step_m: float,
           overrides=()) -> tuple[float, str]:
    plan = plan_exam(species, weight, region, skull=skull, overrides=list(overrides))
    phantom = body = None
    if (species, region) in PHANTOM_FOR_REGION:
        try:
            phantom = phantom_for_exam(species, region, weight, skull=plan.skull_type)
        except UserInputError:  # outside the phantom's weight range
            phantom = None
    if phantom is None:
        the_region = LIBRARY.protocol(species).region(region)
        animal = AnimalGeometry.of(the_region, weight, (1.0, 1.0, 1.0), LIBRARY.geometry, PROFILE.magnet.dsv_m)
        body = (animal.body.lr_m, animal.body.dv_m, animal.body.cc_m)
    coil = PROFILE.coil(plan.coil)
    found = [(wrapped_fraction(s, coil, phantom=phantom, body=body, slices=slices,
                               step_m=max(step_m, s.parameters.fov_m[1] / 200)), s.parameters.name)
             for s in plan.series]
    return max(found)


@pytest.mark.parametrize("species, weight, region", list(_cases(("mid",))))
def test_no_series_folds_more_than_1_percent_of_its_image_energy(species, weight, region):
    worst, name = _worst(species, weight, region, slices="middle", step_m=1e-3)
    assert worst < MAX_WRAPPED, f"{name}: {worst:.1%} of the image energy folds in"


@pytest.mark.slow
@pytest.mark.parametrize("species, weight, region", list(_cases(("min", "mid", "max"))))
def test_no_series_folds_at_any_weight_of_any_size_class(species, weight, region):
    worst, name = _worst(species, weight, region, slices="ends", step_m=0.5e-3)
    assert worst < MAX_WRAPPED, f"{name}: {worst:.1%} of the image energy folds in"


@pytest.mark.parametrize("skull", ["brachycephalic", "dolichocephalic"])
@pytest.mark.parametrize("weight", [8.0, 60.0])
def test_short_and_long_dog_skulls_do_not_fold_either(skull, weight):
    worst, name = _worst("dog", weight, "brain", skull, slices="middle", step_m=1e-3)
    assert worst < MAX_WRAPPED, f"{name}: {worst:.1%} of the image energy folds in"


def test_without_the_planners_oversampling_the_head_folds_in():
    # the measure can fail: the phase FOV of the head alone lets the jaw fold in
    worst, name = _worst("dog", 35.0, "brain", slices="middle", step_m=1e-3,
                         overrides=[parse_override("phase_oversampling=0", 2)])
    assert worst > 2 * MAX_WRAPPED and name == "T2 TSE transverse"


def test_a_volume_coil_receives_less_beyond_its_ends():
    coil = PROFILE.coil("extremity")  # one channel
    z = np.array([0.0, coil.length_m / 2, coil.length_m, 2 * coil.length_m])
    on_axis = np.stack([np.zeros(4), np.zeros(4), z], axis=-1)
    across = np.array([[0.04, 0.0, 0.0], [0.0, -0.04, 0.0], [0.0, 0.0, 0.0]])
    s = np.abs(coil_sensitivities(on_axis, coil))[0]
    assert s[0] == pytest.approx(1.0)
    assert s == pytest.approx(axial_sensitivity(z, coil.length_m, coil.inner_diameter_m / 2), rel=1e-5)
    assert 0.4 < s[1] < 0.7 and s[2] < 0.3 and s[3] < 0.05  # half-value near the coil's end
    assert np.abs(coil_sensitivities(across, coil))[0] == pytest.approx(1.0)  # uniform across the bore
    assert np.all(np.abs(coil_sensitivities(on_axis, None)) == 1.0)  # the ideal coil stays ideal


def test_the_planners_bore_law_is_no_steeper_than_the_simulated_head_coils():
    # the planner covers the signal along the bore with the solenoid law; the four-loop head
    # coils of the simulator must not reach further (else the check and the images disagree)
    for name in ("head_small", "head_large"):
        coil = PROFILE.coil(name)
        radius = coil.inner_diameter_m / 2
        z = np.linspace(0.0, 2 * coil.length_m, 41)
        for x, y in [(0.0, 0.0), (0.5 * radius, 0.0), (0.0, -0.5 * radius)]:
            points = np.stack([np.full_like(z, x), np.full_like(z, y), z], axis=-1)
            rss = np.sqrt(np.sum(np.abs(coil_sensitivities(points, coil)) ** 2, axis=0))
            law = axial_sensitivity(z, coil.length_m, radius)
            assert np.all(rss / rss[0] <= 1.2 * law + 0.01), name
