"""A spin-echo series whose TR does not weight its contrast lengthens TR to play its slices
in fewer concatenations: the same images in less time under anaesthesia."""

import pytest

from vetmri.protocols.library import load_library
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.series_planner import LONGEST_TR_FACTOR, RELAXED_TR_T1
from vetmri.protocols.snr import contrast


def _t2_transverse(**options):
    plan = plan_exam("dog", 35, "brain", **options)
    series = plan.series[2]
    assert series.parameters.name == "T2 TSE transverse"
    return plan, series


def test_the_dogs_t2_transverse_plays_its_19_slices_in_one_concatenation_at_a_longer_tr():
    _, kept = _t2_transverse(overrides=[parse_override("tr_ms=3000", 2)])
    _, longer = _t2_transverse()
    assert kept.concatenations == 2 and kept.parameters.tr_s == pytest.approx(3.0)
    assert longer.concatenations == 1 and longer.slices_per_tr == 19
    assert 3.0 < longer.parameters.tr_s <= LONGEST_TR_FACTOR * 3.0
    assert longer.time_per_average_s < 0.6 * kept.time_per_average_s
    # the operator is told why, with the concatenations spared
    note = next(a for a in longer.adjustments if a.parameter == "tr_ms")
    assert "2 concatenations" in note.reason and "in 1" in note.reason
    # the contrast is the same: white matter and a T2-bright mass are fully relaxed at both TRs
    tissues = load_library().tissues
    p, q = kept.parameters, longer.parameters
    for name in ("white_matter", "mass_t2_bright"):
        a = contrast("tse", tissues[name], tr_s=p.tr_s, te_s=p.te_s)
        b = contrast("tse", tissues[name], tr_s=q.tr_s, te_s=q.te_s)
        assert b == pytest.approx(a, rel=0.01)


def test_a_t1_weighted_series_keeps_its_tr_and_its_concatenations():
    plan, _ = _t2_transverse()
    t1 = plan.series[5]
    assert t1.parameters.name == "T1 SE transverse" and t1.concatenations == 2
    assert t1.parameters.tr_s == pytest.approx(0.5)
    assert t1.parameters.tr_s < RELAXED_TR_T1 * load_library().tissues[t1.main_tissue].t1_s


def test_an_echo_train_oversampled_against_wrap_around_fills_its_last_train():
    _, series = _t2_transverse()
    p = series.parameters
    assert p.phase_oversampling > 0 and p.fov_m == pytest.approx((0.11, 0.13))  # the image keeps its FOV
    assert p.encoded_rows % p.echo_train_length == 0
    assert all(line >= 0 for shot in series.encoding.shots for line in shot)
