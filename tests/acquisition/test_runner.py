"""The exam runner writes as data arrives: a ``vetmri simulate`` killed with SIGKILL in the
middle of a series leaves a raw file that opens, holds every acquisition it reported as
written, and reconstructs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions
from vetmri.errors import UserInputError
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import list_groups, read_series
from vetmri.recon import ReconOptions, reconstruct_series

from tests.conftest import vetmri_command

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SMALL = ["--set", "matrix=64,64", "--set", "slices=4", "--set", "averages=1"]


def test_a_killed_simulation_leaves_every_written_acquisition_readable(tmp_path):
    raw = tmp_path / "exam.h5"
    process = subprocess.Popen(
        [*vetmri_command(), "simulate", "--species", "dog", "--weight", "35", "--region", "brain",
         "--series", "2", *SMALL, "--out", str(raw), "--no-effects"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=dict(os.environ),
    )
    seen, text = 0, ""
    deadline = time.monotonic() + 240
    while seen < 60 and time.monotonic() < deadline:
        chunk = os.read(process.stderr.fileno(), 4096).decode(errors="replace")
        if not chunk:
            break
        text += chunk
        counts = re.findall(r"written (\d+)/(\d+)", text[-4000:])
        if counts:
            seen = int(counts[-1][0])
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    total = 16 + 64 * 4
    assert 60 <= seen < total, f"the run was not caught mid-series (seen {seen}): {text[-300:]}"
    group = list_groups(raw)[0]
    assert group == "02_T2_TSE_transverse"
    series = read_series(raw, group)
    stored = len(series.noise) + len(series.acquisitions)
    assert seen <= stored < total
    assert len(series.noise) == NOISE_READOUTS
    images = reconstruct_series(raw, group, ReconOptions(method="fft"))
    assert np.isfinite(images.volumes[0].magnitude).all() and images.volumes[0].magnitude.max() > 0


def test_the_exam_file_has_one_group_per_series_with_the_plans_header(tmp_path):
    plan = plan_exam("cat", 3.0, "brain", overrides=[parse_override(s, None) for s in ("matrix=32,32", "slices=1", "averages=1")])
    backend = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0),
                               conditions=SimulatedConditions(coil=plan.coil, b0_inhomogeneity=False))
    raw = tmp_path / "cat.h5"
    run = run_exam(plan, backend, raw, series=[1, 3], adjustments=Adjustments(f0_hz=12.0))
    assert list_groups(raw) == ["01_T2_TSE_sagittal", "03_FLAIR_transverse"]
    flair = read_series(raw, "03_FLAIR_transverse").header
    p = plan.series[3].parameters
    assert flair.species == "cat" and flair.patient_weight_kg == 3.0 and flair.series_name == "FLAIR transverse"
    assert flair.region == plan.region == "brain"
    assert flair.ti_s == pytest.approx(p.ti_s) and flair.tr_s == pytest.approx(p.tr_s) and flair.te_s == pytest.approx(p.te_s)
    assert flair.echo_train_length == p.echo_train_length and flair.bandwidth_per_pixel_hz == pytest.approx(p.bandwidth_hz_per_px)
    # the phase oversampling that holds the cat's jaw is encoded; the image is the planned 32 x 32
    assert p.encoded_rows > 32
    assert flair.encoded_matrix == (32, p.encoded_rows, 1)
    assert flair.encoded_fov_m == pytest.approx((p.fov_m[1], p.encoded_fov_m[0], p.slice_m))
    assert flair.recon_matrix == (32, 32, 1) and flair.recon_fov_m == pytest.approx((p.fov_m[1], p.fov_m[0], p.slice_m))
    assert flair.coil_name == plan.coil and flair.channels == 4
    assert flair.larmor_frequency_hz == pytest.approx(backend.profile.magnet.larmor_hz + 12.0, abs=1)
    assert flair.slice_thickness_m == pytest.approx(p.slice_m) and flair.sequence_type == "ir_tse"
    assert [s.acquisitions for s in run.series] == [NOISE_READOUTS + plan.series[i].parameters.encoded_rows for i in (1, 3)]
    assert read_series(raw, "01_T2_TSE_sagittal").header.series_index == 1


def test_an_unknown_series_index_is_refused(tmp_path):
    plan = plan_exam("cat", 3.0, "brain")
    backend = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0))
    with pytest.raises(UserInputError, match="no series 12; this exam has series 0 to 6"):
        run_exam(plan, backend, tmp_path / "x.h5", series=[12], adjustments=Adjustments())


def test_a_second_run_into_the_same_series_group_is_refused(tmp_path):
    plan = plan_exam("cat", 3.0, "brain", overrides=[parse_override(s, None) for s in ("matrix=32,32", "slices=1", "averages=1")])
    backend = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0),
                               conditions=SimulatedConditions(coil=plan.coil, b0_inhomogeneity=False))
    raw = tmp_path / "cat.h5"
    run_exam(plan, backend, raw, series=[2], adjustments=Adjustments())
    with pytest.raises(UserInputError, match="already holds the series 02_T2_TSE_transverse"):
        run_exam(plan, backend, raw, series=[2], adjustments=Adjustments())
    run_exam(plan, backend, raw, series=[1], adjustments=Adjustments())  # another series joins the exam file
    assert list_groups(raw) == ["01_T2_TSE_sagittal", "02_T2_TSE_transverse"]
