"""Skipping a series: one not started is not played, the running one stops cleanly, the
exam goes on, and the study records it (complete; resume does not acquire it)."""

from __future__ import annotations

import json

import h5py
import pytest

from vetmri.errors import UserInputError
from vetmri.exam import ExamRequest, ExamSession, SeriesDone, SeriesFailed, SeriesSkipped, SeriesStarted, SliceImageReady
from vetmri.settings import load_settings

SMALL = ("matrix=32,32", "averages=1")  # series 1 then has 12 slices in several groups


def test_a_planned_series_skipped_is_not_played_and_the_exam_is_complete(store, cat_id):
    events = []
    session = ExamSession(store, load_settings())

    def on_event(event):
        events.append(event)
        if isinstance(event, SeriesStarted) and event.index == 1:
            assert session.skip(2, "The animal is waking up.") == "planned"

    session._emit = on_event
    outcome = session.start(ExamRequest(cat_id, "brain", series=(1, 2), overrides=(*SMALL, "slices=2")))
    assert outcome.status == "complete", (outcome.reason, outcome.series)
    assert [(o.index, o.status) for o in outcome.series] == [(1, "complete"), (2, "skipped")]
    skipped = [e for e in events if isinstance(e, SeriesSkipped)]
    assert [(e.index, e.reason, e.acquisitions) for e in skipped] == [(2, "The animal is waking up.", 0)]
    assert not any(isinstance(e, SeriesStarted) and e.index == 2 for e in events)
    assert [s.parameters["exam_index"] for s in store.series_of_study(outcome.study_id)] == [1]
    folder = store.data_dir / store.study(outcome.study_id).folder
    assert json.loads((folder / "exam" / "skipped.json").read_text())["2"]["reason"] == "The animal is waking up."
    with pytest.raises(UserInputError, match="nothing is left to acquire"):
        ExamSession(store, load_settings()).resume(outcome.study_id)


def test_the_running_series_skipped_stops_keeps_its_readouts_and_the_next_one_runs(store, cat_id):
    events = []
    session = ExamSession(store, load_settings())

    def on_event(event):
        events.append(event)
        if isinstance(event, SliceImageReady) and event.index == 1 and event.slice_index == 0:
            assert session.skip(1) == "running"

    session._emit = on_event
    outcome = session.start(ExamRequest(cat_id, "brain", series=(1, 2), overrides=SMALL))
    assert outcome.status == "complete", outcome.reason
    assert [(o.index, o.status) for o in outcome.series] == [(1, "skipped"), (2, "complete")]
    skipped = next(e for e in events if isinstance(e, SeriesSkipped))
    assert skipped.index == 1 and skipped.acquisitions > 0 and skipped.reason == "The operator skipped the series."
    assert not any(isinstance(e, SeriesFailed) for e in events)
    slices = {e.slice_index for e in events if isinstance(e, SliceImageReady) and e.index == 1}
    assert len(slices) < 12  # it stopped before its end
    assert [e.index for e in events if isinstance(e, SeriesDone)] == [2]
    raw = store.data_dir / store.study(outcome.study_id).folder / "raw" / "exam.h5"
    with h5py.File(raw, "r") as f:
        assert any(name.startswith("01_") for name in f)  # what it received is kept
    assert store.study(outcome.study_id).status == "complete"


def test_only_a_series_still_to_play_can_be_skipped(store, cat_id):
    session = ExamSession(store, load_settings())
    with pytest.raises(UserInputError, match="No exam is running"):
        session.skip(1)
    refusals = []

    def on_event(event):
        if isinstance(event, SeriesStarted) and event.index == 2:
            for index in (1, 5):  # done already; not in this exam
                try:
                    session.skip(index)
                except UserInputError as exc:
                    refusals.append(str(exc))

    session._emit = on_event
    outcome = session.start(ExamRequest(cat_id, "brain", series=(1, 2), overrides=(*SMALL, "slices=2")))
    assert outcome.status == "complete" and len(refusals) == 2
    assert all("only a series still to play can be skipped" in r for r in refusals)
