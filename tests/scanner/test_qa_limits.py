"""The profile's [qa] table: read, checked, optional, and QA refused without it."""

import pytest

from vetmri.errors import UserInputError
from vetmri.qa.protocol import qa_plan
from vetmri.scanner.profile import load_profile, parse_profile


def test_the_built_in_profile_has_the_acr_limits():
    qa = load_profile().qa
    assert (qa.ghosting_max_ratio, qa.geometry_tolerance_m, qa.slice_thickness_tolerance_m) == (0.025, 0.002, 0.0007)


def test_a_profile_without_qa_limits_loads_but_qa_refuses_to_plan():
    data = load_profile().to_dict()
    del data["qa"]
    profile = parse_profile(data)
    assert profile.qa is None and "qa" not in profile.to_dict()
    with pytest.raises(UserInputError, match=r"has no \[qa\] limits"):
        qa_plan(profile)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("coil", "bird_cage", "must be one of"),
    ("rf_scale_min", 2.0, "must be smaller than rf_scale_max"),
    ("snr_limit", 1.0, "is not a known key"),
])
def test_a_wrong_qa_limit_is_named(key, value, message):
    data = load_profile().to_dict()
    data["qa"] = dict(data["qa"], **{key: value})
    with pytest.raises(UserInputError, match=message):
        parse_profile(data)
