"""The planner keeps the body inside the encoded phase FOV: the body extent of the region,
the coil's sensitivity along the bore, the fixes it weighs (oversampling, a wider FOV, the
other phase direction) and what it reports."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.protocols.coverage import BodyExtent, CoverageRules, axial_sensitivity, signal_cover_m
from vetmri.protocols.library import load_library
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.plan import encoded_rows
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.wraparound import oversampling_for
from vetmri.resources import data_folder

RULES = CoverageRules(max_wrapped_fraction=0.005, margin_fraction=0.05)
WRAP_KEYS = {"phase_oversampling", "phase_direction"}


def _wrap_fixes(series):
    return [a for a in series.adjustments if a.parameter in WRAP_KEYS or (a.parameter == "fov_mm" and a.time_s is not None)]


def test_a_volume_coil_receives_half_as_much_at_its_ends_of_a_long_coil():
    z = np.array([0.0, 0.5, 1.0, 3.0])
    long_coil = axial_sensitivity(z, 1.0, 0.01)
    assert long_coil[0] == 1.0 and long_coil[1] == pytest.approx(0.5, abs=0.01) and long_coil[2] < 0.01
    assert axial_sensitivity(-z, 0.3, 0.1) == pytest.approx(axial_sensitivity(z, 0.3, 0.1))


def test_the_cover_holds_the_body_across_the_bore_plus_the_margin():
    body = BodyExtent((-0.05, 0.05), (-0.064, 0.038), None)
    assert signal_cover_m(body, "dv", 0.26, 0.24, RULES) == pytest.approx(2 * 0.064 * 1.05, rel=0.02)
    assert signal_cover_m(body, "lr", 0.26, 0.24, RULES) == pytest.approx(0.1 * 1.05, rel=0.02)
    # a body wider than the coil: only what is inside the coil gives signal
    assert signal_cover_m(BodyExtent.round_section(0.5), "lr", 0.26, 0.24, RULES) <= 0.24 * 1.05 + 1e-9


def test_along_the_bore_the_coil_length_bounds_a_body_that_continues():
    body = BodyExtent.round_section(0.1)
    short, long = (signal_cover_m(body, "cc", length, 0.12, RULES) for length in (0.16, 0.40))
    assert 0.16 < short < long < 6 * 0.40


@pytest.mark.parametrize("rows, fov_mm, cover_mm", [(120, 110, 133), (64, 110, 200), (96, 65, 83), (256, 100, 101)])
def test_oversampling_gives_the_fewest_even_lines_that_reach_the_cover(rows, fov_mm, cover_mm):
    n = encoded_rows(rows, oversampling_for(rows, fov_mm, cover_mm))
    assert n % 2 == 0 and n * fov_mm / rows >= cover_mm - 1e-9
    assert (n - 2) * fov_mm / rows < cover_mm


def test_the_dog_brain_transverse_is_oversampled_to_hold_the_jaw():
    plan = plan_exam("dog", 35, "brain")
    series = plan.series[2]
    p = series.parameters
    assert p.name == "T2 TSE transverse" and p.phase_axis == "dv"
    assert p.phase_oversampling > 0 and p.fov_m == pytest.approx((0.11, 0.13))  # the image keeps its FOV
    assert p.encoded_fov_m[0] > 0.128  # the head reaches 64 mm below the brain's centre
    assert series.encoding.acquired == p.encoded_rows > p.matrix[0]
    (fix,) = _wrap_fixes(series)
    assert fix.parameter == "phase_oversampling" and "wrap-around" in fix.reason
    assert fix.time_s > 0 and fix.snr_factor > 1  # more lines: longer, and more SNR
    # the reported cost is the difference with the series as it was planned before
    before = plan_exam("dog", 35, "brain", overrides=[parse_override("phase_oversampling=0", 2)]).series[2]
    assert fix.time_s == pytest.approx(series.scan_time_s - before.scan_time_s)
    assert fix.snr_factor == pytest.approx(series.predicted_snr / before.predicted_snr)
    entry = series.to_dict()
    assert entry["phase_oversampling"] == pytest.approx(p.phase_oversampling, abs=1e-4)
    assert entry["encoded_matrix"] == [p.encoded_rows, p.matrix[1]]
    assert entry["sampling"]["total"] == p.encoded_rows
    adjustment = [a for a in entry["adjustments"] if a["parameter"] == "phase_oversampling"][0]
    assert adjustment["time_s"] > 0 and adjustment["snr_factor"] > 1


def test_a_series_whose_fov_holds_the_body_is_left_alone():
    plan = plan_exam("ferret", 1.0, "brain")  # the FOV box is wider than the head
    assert not any(_wrap_fixes(s) for s in plan.series)
    assert all(s.parameters.phase_oversampling == 0 for s in plan.series)


def test_an_override_that_would_alias_is_a_warning_with_the_fix():
    plan = plan_exam("dog", 35, "brain", overrides=[parse_override("phase_oversampling=0", 2)])
    assert plan.series[2].parameters.phase_oversampling == 0  # what was set stays
    (warning,) = [w for w in plan.warnings if "wrap-around" in w]
    assert warning.startswith("T2 TSE transverse:") and "phase_oversampling=" in warning
    fix = warning.split("phase_oversampling=")[1].split()[0]
    fixed = plan_exam("dog", 35, "brain", overrides=[parse_override(f"phase_oversampling={fix}", 2)])
    assert not [w for w in fixed.warnings if "wrap-around" in w]


def test_a_phase_fov_that_was_set_is_kept_and_oversampled():
    plan = plan_exam("dog", 35, "brain", overrides=[parse_override("fov_mm=90,130", 2)])
    p = plan.series[2].parameters
    assert p.fov_m == pytest.approx((0.09, 0.13)) and p.phase_axis == "dv"
    assert p.encoded_fov_m[0] > 0.128 and not [w for w in plan.warnings if "wrap-around" in w]


def test_phase_oversampling_out_of_range_is_refused_in_one_sentence():
    with pytest.raises(UserInputError, match="phase_oversampling must be from 0 to 1"):
        parse_override("phase_oversampling=2")


def _library_with(tmp_path, old: str, new: str):
    folder = tmp_path / "species_protocols"
    shutil.copytree(data_folder("species_protocols"), folder)
    planning = folder / "shared" / "planning.toml"
    text = planning.read_text()
    assert old in text
    planning.write_text(text.replace(old, new))
    return load_library(folder)


def test_the_other_phase_direction_is_chosen_only_where_allowed_and_says_what_moves(tmp_path):
    default = plan_exam("dog", 35, "brain").series[3]  # FLAIR transverse
    (fix,) = _wrap_fixes(default)
    assert "phase encoding along lr would take" in fix.reason  # cheaper, but not done by itself
    library = _library_with(tmp_path, "allow_phase_swap = false", "allow_phase_swap = true")
    swapped = plan_exam("dog", 35, "brain", library=library).series[3]
    p = swapped.parameters
    assert (p.phase_axis, p.read_axis) == ("lr", "dv")
    assert p.fov_m == pytest.approx((0.13, 0.11)) and p.matrix == default.parameters.matrix[::-1]
    turn = [a for a in swapped.adjustments if a.parameter == "phase_direction"][0]
    assert (turn.from_value, turn.to_value) == ("dv", "lr")
    assert "artefacts now run along lr" in turn.reason and turn.time_s is not None
    assert swapped.scan_time_s < default.scan_time_s


def test_a_body_extent_that_excludes_the_image_centre_is_refused(tmp_path):
    folder = tmp_path / "species_protocols"
    shutil.copytree(data_folder("species_protocols"), folder)
    cat = folder / "cat.toml"
    cat.write_text(cat.read_text().replace("body_mm = { lr = [-35, 35]", "body_mm = { lr = [5, 35]", 1))
    with pytest.raises(UserInputError, match=r"regions\.brain\.body_mm\.lr.*low < 0 < high"):
        load_library(folder)


def test_more_signal_allowed_to_fold_means_fewer_lines(tmp_path):
    strict = plan_exam("dog", 35, "brain").series[2].parameters
    library = _library_with(tmp_path, "anatomy_margin_fraction = 0.05", "anatomy_margin_fraction = 0.0")
    loose = plan_exam("dog", 35, "brain", library=library).series[2].parameters
    assert loose.encoded_rows < strict.encoded_rows
