"""Exam drafts: the set-up screen's edits, planned by the planner."""

import pytest

from vetmri.errors import UserInputError
from vetmri.protocols.draft import ExamDraft
from vetmri.protocols.planner import plan_exam


def test_an_untouched_draft_is_the_regions_plan():
    draft = ExamDraft.for_region("dog", 28.0, "brain")
    assert draft.plan().total_time_s == pytest.approx(plan_exam("dog", 28.0, "brain").total_time_s)


def test_a_te_below_the_minimum_is_refused_with_the_planners_reason():
    draft = ExamDraft.for_region("dog", 28.0, "brain").with_setting(1, "te_ms", "50")
    with pytest.raises(UserInputError, match="TE 50 ms is shorter than the 86 ms"):
        draft.plan()
    with pytest.raises(UserInputError, match="te_ms must be a number"):
        draft.with_setting(1, "te_ms", "fifty")
    assert draft.with_setting(1, "te_ms", "").series[1].settings == ()  # back to the planner's TE


def test_removing_adding_and_moving_series_changes_the_plan():
    draft = ExamDraft.for_region("dog", 28.0, "brain")
    full = draft.plan()
    shorter = draft.without(3).plan()
    assert len(shorter.series) == 6
    assert shorter.total_time_s == pytest.approx(full.total_time_s - full.series[3].scan_time_s)
    longer = draft.with_series("gre3d_sag").plan()
    assert longer.series[-1].parameters.sequence == "gre3d" and longer.total_time_s > full.total_time_s
    moved = draft.moved(2, -1)
    assert [s.key for s in moved.series][1:3] == ["t2_tse_tra", "t2_tse_sag"]
    one = ExamDraft("dog", 28.0, "brain", draft.series[:1])
    with pytest.raises(UserInputError, match="at least one series"):
        one.without(0)


def test_the_region_selection_is_what_the_exam_use_case_takes():
    draft = ExamDraft.for_region("dog", 28.0, "brain").moved(2, -1).with_setting(0, "te_ms", "9").without(3)
    assert draft.region_selection() == ((0, 2, 1, 4, 5, 6), ("0:te_ms=9",))
    with pytest.raises(UserInputError, match="not part of the brain protocol"):
        draft.with_series("gre3d_sag").region_selection()
    assert not draft.settable(0, "ti_ms") and draft.settable(3, "te_ms")


def test_a_quick_draft_stays_quick_through_edits_and_an_unknown_variant_is_refused():
    from vetmri.errors import UserInputError

    draft = ExamDraft.for_region("dog", 28.0, "brain").with_variant("quick")
    edited = draft.with_setting(1, "averages", "2")
    assert edited.variant == "quick" and edited.plan().variant == "quick"
    assert draft.plan().total_time_s < ExamDraft.for_region("dog", 28.0, "brain").plan().total_time_s
    with pytest.raises(UserInputError, match="choose standard or quick"):
        draft.with_variant("fast")
