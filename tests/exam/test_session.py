"""The exam use case as a front end drives it: typed events from the exam's thread, an
abort from another thread, and the animal in the record being the animal in the bore."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.exam import (
    CalibrationStepDone,
    ExamDone,
    ExamProgress,
    ExamRequest,
    ExamSession,
    SeriesDone,
    SeriesStarted,
    SliceImageReady,
    StudyReady,
    demo_pet,
)
from vetmri.settings import load_settings

SMALL = ("matrix=32,32", "slices=3", "averages=1")


def test_events_come_in_order_and_slices_arrive_while_the_series_runs(store, cat_id):
    events = []
    outcome = ExamSession(store, load_settings(), on_event=events.append).start(
        ExamRequest(cat_id, "brain", series=(1,), overrides=("matrix=32,32", "averages=1")))  # 12 slices, several groups
    assert outcome.status == "complete"
    kinds = [type(e) for e in events]
    assert kinds[0] is StudyReady and kinds[-1] is ExamDone
    steps = [e.step for e in events if isinstance(e, CalibrationStepDone)]
    assert steps == ["larmor", "noise", "shim", "rf", "larmor_final", "done"]
    started = kinds.index(SeriesStarted)
    done = kinds.index(SeriesDone)
    slices = [e for e in events if isinstance(e, SliceImageReady)]
    assert sorted(e.slice_index for e in slices) == list(range(slices[0].slices))  # each slice once
    first_slice = events.index(slices[0])
    assert started < first_slice < done
    later = [e for e in events[first_slice:done] if isinstance(e, ExamProgress) and e.series_fraction < 1.0]
    assert later, "the first slice came only after the last readout"
    image = slices[0].image
    assert image.shape == (32, 32) and image.dtype == np.float32 and image.max() > 0
    assert slices[0].geometry.pixel_spacing_m[0] > 0
    fractions = [e.exam_fraction for e in events if isinstance(e, ExamProgress) and e.index >= 0]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


def test_an_abort_from_another_thread_leaves_an_incomplete_study(store, cat_id):
    session = ExamSession(store, load_settings())

    def abort_on_first_slice(event):
        if isinstance(event, SeriesStarted):
            threading.Thread(target=session.abort).start()

    session._emit = abort_on_first_slice
    outcome = session.start(ExamRequest(cat_id, "brain", series=(1, 2), overrides=SMALL))
    assert outcome.status == "incomplete" and "aborted" in outcome.reason
    study = store.study(outcome.study_id)
    assert study.status == "incomplete" and study.status_reason == outcome.reason
    assert store.series_of_study(study.id) == []
    resumed = ExamSession(store, load_settings()).resume(study.id)
    assert resumed.status == "complete" and len(store.series_of_study(study.id)) == 2


def test_the_demo_pet_is_made_once_and_reused(store):
    first = demo_pet(store)
    assert demo_pet(store).id == first.id and first.species == "dog" and first.weight_kg == 35.0
    assert "not a real patient" in " ".join(first.alerts)


def test_the_worklist_study_of_the_pet_is_joined(store, cat_id):
    planned = store.add_study(cat_id, "brain", accession="ACC42")
    outcome = ExamSession(store, load_settings()).start(ExamRequest(cat_id, "brain", series=(1,), overrides=SMALL))
    assert outcome.study_id == planned.id
    assert store.study(planned.id).accession == "ACC42"


def test_a_series_the_plan_cannot_play_is_refused_before_anything_runs(store, cat_id):
    with pytest.raises(UserInputError, match="TE 1 ms is shorter"):
        ExamSession(store, load_settings()).start(ExamRequest(cat_id, "brain", series=(1,), overrides=("1:te_ms=1",)))
    assert store.studies_of_pet(cat_id) == []


def test_a_series_received_whole_but_not_written_is_finished_from_its_raw_data(store, cat_id):
    import h5py

    from vetmri.exam import SeriesFailed

    blocked = {}

    def block_the_dicom_folder(event):
        if isinstance(event, StudyReady):
            folder = store.data_dir / store.study(event.study_id).folder
            folder.mkdir(parents=True, exist_ok=True)
            blocked["file"] = folder / "dicom"
            blocked["file"].write_text("not a folder")  # the DICOM write fails after the scan
        if isinstance(event, SeriesFailed):
            blocked["reason"] = event.reason

    first = ExamSession(store, load_settings(), on_event=block_the_dicom_folder).start(
        ExamRequest(cat_id, "brain", series=(1,), overrides=SMALL))
    assert first.status == "incomplete" and blocked["reason"]
    blocked["file"].unlink()
    events = []
    again = ExamSession(store, load_settings(), on_event=events.append).resume(first.study_id)
    assert again.status == "complete" and again.scan_time_s == 0.0  # the animal was not scanned again
    raw = store.data_dir / store.study(first.study_id).folder / "raw" / "exam.h5"
    with h5py.File(raw, "r") as f:
        assert [g for g in f if g.startswith("01_")] == ["01_T2_TSE_sagittal"]
    assert len(store.series_of_study(first.study_id)) == 1


def test_the_study_plan_summary_names_the_series_chosen_not_the_whole_protocol(store, cat_id):
    outcome = ExamSession(store, load_settings()).start(ExamRequest(cat_id, "brain", series=(1,), overrides=SMALL))
    study = store.study(outcome.study_id)
    [series] = store.series_of_study(study.id)
    assert study.plan_summary == f"brain: {series.description}"
