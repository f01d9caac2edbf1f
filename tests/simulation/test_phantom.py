import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.simulation.phantom import load_phantom, load_phantom_text, scale_phantom

TUBES = """
[phantom]
name = "tubes"
description = "two tubes"
species = ["none"]
region = "test"
reference_weight_kg = 10
weight_range_kg = [1, 100]
scale_exponent = 0.25

[variants.wide]
scale = [2, 1, 1]

[[shapes]]
name = "tube a"
type = "cylinder"
centre_mm = [-20, 0, 0]
radius_mm = 10
length_mm = 100
tissue = "water"

[[shapes]]
type = "ellipsoid"
centre_mm = [20, 0, 0]
semi_axes_mm = [10, 10, 30]
lesion = true
[shapes.properties]
pd = 0.5
t1_ms = 400
t2_ms = 60
"""


def test_shapes_are_read_in_millimetres_into_metres():
    phantom = load_phantom_text(TUBES)
    a, b = phantom.shapes
    assert a.kind == "cylinder" and np.allclose(a.semi_axes_m, [0.01, 0.01, 0.05])
    assert np.allclose(a.centre_m, [-0.02, 0, 0])
    assert a.tissue.name == "water" and not a.lesion
    assert b.tissue.t2_s == pytest.approx(0.06) and b.tissue.pd == 0.5 and b.lesion


def test_scaling_follows_the_allometric_law_and_drops_lesions_unless_asked():
    phantom = load_phantom_text(TUBES)
    scaled = scale_phantom(phantom, weight_kg=40.0)
    assert scaled.scale_factor == pytest.approx(4.0**0.25)
    assert len(scaled.shapes) == 1
    assert np.allclose(scaled.shapes[0].semi_axes_m, phantom.shapes[0].semi_axes_m * 4**0.25)
    with_lesion = scale_phantom(phantom, weight_kg=40.0, lesions=True, variant="wide")
    assert len(with_lesion.shapes) == 2
    assert with_lesion.shapes[1].centre_m[0] == pytest.approx(0.02 * 2 * 4**0.25)


def test_impossible_scaling_requests_are_refused_with_a_reason():
    phantom = load_phantom_text(TUBES)
    with pytest.raises(UserInputError, match="1 to 100 kg, not 300 kg"):
        scale_phantom(phantom, weight_kg=300)
    with pytest.raises(UserInputError, match="no variant 'narrow'; its variants are wide"):
        scale_phantom(phantom, variant="narrow")


@pytest.mark.parametrize(
    "edit, message",
    [
        (('type = "cylinder"', 'type = "cone"'), r"shapes\[0\]\.type' must be one of ellipsoid, cylinder, box"),
        (('tissue = "water"', 'tissue = "cheese"'), r"'shapes\[0\]\.tissue' names 'cheese', which is not in the tissue library"),
        (('radius_mm = 10', 'radius_mm = -1'), r"'shapes\[0\]\.radius_mm' must be above 0"),
        (('semi_axes_mm = [10, 10, 30]', 'semi_axes_mm = [10, 30]'), r"semi_axes_mm' must hold 3 numbers"),
        (('length_mm = 100', 'length_mm = 100\ncolour = "red"'), r"'shapes\[0\]\.colour' is not a known key"),
        (('tissue = "water"', ''), r"'shapes\[0\]\.tissue' or a \[properties\] table"),
        (('t2_ms = 60', 't2_ms = 600'), r"properties\.t2_ms' \(600 ms\) must not exceed t1_ms"),
    ],
)
def test_bad_phantom_files_get_clear_errors(edit, message):
    with pytest.raises(UserInputError, match=message):
        load_phantom_text(TUBES.replace(*edit))


def test_unknown_phantom_name_lists_the_shipped_ones():
    with pytest.raises(UserInputError, match="no phantom called 'unicorn'; choose one of"):
        load_phantom("unicorn")


def test_missing_phantom_file_is_a_user_error(tmp_path):
    with pytest.raises(UserInputError, match="does not exist"):
        load_phantom(tmp_path / "nothing.toml")
