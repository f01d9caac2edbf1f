"""Hardware effects: the linear field (shim residual) adds to the B0 map and is validated."""

import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.scanner.profile import load_profile
from vetmri.simulation.effects import EffectOptions, b0_offset_hz

PROFILE = load_profile()
POINTS = np.array([[0.0, 0.0, 0.0], [0.05, 0.0, 0.0], [0.0, -0.02, 0.03]])


def test_the_linear_field_is_g_dot_r_with_or_without_the_magnets_map():
    field = (100.0, -250.0, 40.0)
    plain = b0_offset_hz(POINTS, PROFILE, EffectOptions(b0_inhomogeneity=False, linear_field_hz_per_m=field))
    assert plain == pytest.approx([0.0, 5.0, 5.0 + 1.2])
    magnet = b0_offset_hz(POINTS, PROFILE, EffectOptions(seed=3))
    both = b0_offset_hz(POINTS, PROFILE, EffectOptions(seed=3, linear_field_hz_per_m=field))
    assert both - magnet == pytest.approx(plain)


@pytest.mark.parametrize("field, message", [
    ((30_000.0, 0.0, 0.0), "beyond what a shim leaves"),
    ((0.0, float("nan"), 0.0), "three finite values"),
    ((1.0, 2.0), "three finite values"),
])
def test_an_impossible_linear_field_is_refused_with_a_sentence(field, message):
    with pytest.raises(UserInputError, match=message):
        EffectOptions(linear_field_hz_per_m=field).validate(PROFILE)
