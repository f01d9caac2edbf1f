import tomllib

import pytest

from vetmri.errors import UserInputError
from vetmri.scanner import default_profile_path, load_profile, parse_profile


@pytest.fixture(scope="module")
def profile():
    return load_profile()


@pytest.fixture
def profile_data():
    return tomllib.loads(default_profile_path().read_text())


def test_the_built_in_profile_is_the_02_tesla_scanner(profile):
    assert profile.magnet.b0_t == 0.2
    assert profile.magnet.larmor_hz == pytest.approx(8.5155e6, rel=1e-4)
    assert profile.gradients.max_amplitude_t_per_m == 0.016
    assert profile.gradients.max_slew_t_per_m_per_s == 40.0
    assert profile.gradients.rise_time_s == pytest.approx(0.4e-3)
    assert profile.bore.clear_diameter_m == 0.30
    # a magnet warming by one kelvin moves the Larmor frequency by about -10 kHz
    assert profile.magnet.drift_hz_per_k == pytest.approx(-10.2e3, rel=0.01)


def test_the_coils_cover_every_body_part_and_at_least_one_has_four_channels(profile):
    covered = {part for coil in profile.coils for part in coil.anatomy}
    assert covered == {"head", "neck", "spine", "trunk", "limb", "whole_body"}
    assert max(c.channels for c in profile.coils) >= 4
    for coil in profile.coils:
        assert coil.max_subject_m <= coil.inner_diameter_m <= profile.bore.clear_diameter_m


def test_coil_choice_prefers_the_tightest_fit(profile):
    cat_head = [c.name for c in profile.coils_for("head", 0.07)]
    assert cat_head == ["head_small"]
    great_dane_head = [c.name for c in profile.coils_for("head", 0.18)]
    assert great_dane_head == ["head_large"]  # heads go in head coils, with their 4 channels
    assert profile.coils_for("head", 0.40) == ()
    assert [c.name for c in profile.coils_for("limb", 0.08)] == ["extremity", "body_small"]
    assert [c.name for c in profile.coils_for("head", 0.03)] == ["micro", "head_small"]


def test_unknown_coil_lists_the_coils(profile):
    with pytest.raises(UserInputError, match="no coil 'knee'.*head_small"):
        profile.coil("knee")
    assert profile.coil("extremity").channels == 1


def test_the_profile_round_trips_through_plain_data(profile):
    assert parse_profile(profile.to_dict()) == profile


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda d: d["gradients"].pop("max_slew_t_per_m_per_s"), "'gradients.max_slew_t_per_m_per_s' is missing"),
        (lambda d: d["gradients"].update(max_amplitude_t_per_m=-0.016), "'gradients.max_amplitude_t_per_m' must be from 0"),
        (lambda d: d["magnet"].update(b0_t="0.2"), "'magnet.b0_t' must be a number"),
        (lambda d: d["adc"].update(max_samples=1.5), "'adc.max_samples' must be a whole number"),
        (lambda d: d["bore"].update(max_subject_diameter_m=0.5), "must not exceed clear_diameter_m"),
        (lambda d: d["coils"][1].update(anatomy=["tail"]), "'coils[1].anatomy' names 'tail'"),
        (lambda d: d["coils"][0].update(min_subject_m=0.2), "'coils[0].min_subject_m' must be smaller"),
        (lambda d: d["coils"][2].update(name="head_small"), "repeats the coil name 'head_small'"),
        (lambda d: d["coils"][0].update(inner_diameter_m=0.5), "'coils[0].inner_diameter_m' must be from 0 to 0.3"),
        (lambda d: d["rf"].update(dead_tme_s=1e-4), "'rf.dead_tme_s' is not a known key"),
        (lambda d: d.update(coils=[]), "at least one coil"),
    ],
)
def test_a_wrong_profile_is_refused_naming_the_key(profile_data, edit, fragment):
    edit(profile_data)
    with pytest.raises(UserInputError) as info:
        parse_profile(profile_data, source="scanner profile test.toml")
    assert fragment in str(info.value)
    assert "test.toml" in str(info.value)


def test_a_profile_file_from_the_settings_is_used(tmp_path):
    text = default_profile_path().read_text().replace("b0_t = 0.2", "b0_t = 0.25")
    path = tmp_path / "other.toml"
    path.write_text(text)
    assert load_profile(path).magnet.b0_t == 0.25
