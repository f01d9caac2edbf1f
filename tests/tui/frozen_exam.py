"""A recorded exam state for pictures that are the same on every run: the events of a dog
brain exam part-way through its second series, with a fixed clock and a drawn slice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from vetmri.exam import events as ev
from vetmri.recon.geometry import SliceGeometry
from vetmri.tui.live_exam import LiveExam

STARTED = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)
SERIES = (("Localizer 3-plane", 23.2), ("T2 TSE sagittal", 231.0), ("T2 TSE transverse", 462.0),
          ("FLAIR transverse", 616.0), ("T2* GRE transverse", 175.8), ("T1 SE transverse", 147.0),
          ("T1 SE transverse post-contrast", 147.0))


def head_slice(size: int = 64) -> np.ndarray:
    """A drawn transverse head: skull ring, brain, two ventricles (float32)."""
    y, x = np.mgrid[-1:1:size * 1j, -1:1:size * 1j]
    r = np.hypot(x / 0.8, y / 0.9)
    image = np.where(r < 1.0, 0.3, 0.0) + np.where(r < 0.88, 0.5, 0.0)
    for cx in (-0.18, 0.18):
        image += np.where(np.hypot((x - cx) / 0.08, (y + 0.1) / 0.2) < 1.0, 0.6, 0.0)
    return image.astype(np.float32)


def frozen_exam() -> LiveExam:
    """The state 3 min 40 s into the exam: calibrated, the localizer done, the T2 TSE
    sagittal at 40 % with its fifth slice shown, the vitals due in 1 min 20 s."""
    now = STARTED + timedelta(minutes=3, seconds=40)
    live = LiveExam(now=lambda: STARTED)
    live.view_context = ("brain", "HFP")  # sternal head first
    live.begin()
    total = sum(t for _, t in SERIES)
    geometry = SliceGeometry((0.0, 0.0, 0.0), (0.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0),
                             (0.0008, 0.0008), 0.004)
    recorded = [
        ev.StudyReady("S-000004", "2.25.1", "P-000001", "Bella", tuple(n for n, _ in SERIES), total,
                      tuple(range(len(SERIES))), tuple(t for _, t in SERIES), STARTED.isoformat()),
        ev.CalibrationStepDone("larmor", "centre frequency 8.514212 MHz (+212 Hz)", 0.2),
        ev.CalibrationStepDone("noise", "receiver noise 0.0012 (1 s dwell), 1 channels", 0.4),
        ev.CalibrationStepDone("shim", "linear shim x, y, z +12, -4, +7 Hz/m", 0.6),
        ev.CalibrationStepDone("rf", "RF scale 1.020", 0.8),
        ev.CalibrationStepDone("larmor_final", "centre frequency after shimming 8.514212 MHz", 1.0),
        ev.CalibrationStepDone("done", "calibration done", 1.0),
        ev.SeriesStarted(0, 1, "Localizer 3-plane", 23.2, 9),
        ev.SeriesDone(0, 1, "Localizer 3-plane", 9, Path("dicom/001"), 23.2, 1.6, 0.06, "fft"),
        ev.SeriesStarted(1, 2, "T2 TSE sagittal", 231.0, 14),
    ]
    recorded += [ev.SliceImageReady(1, i, 14, head_slice(), geometry, 1.0) for i in range(5)]
    recorded.append(ev.ExamProgress(1, 0.4, 138.6, (23.2 + 92.4) / total, total - 23.2 - 92.4, "T2 TSE sagittal"))
    for event in recorded:
        live.apply(event)
    live.now = lambda: now
    return live
