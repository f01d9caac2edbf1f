"""The 35 kg dog brain T2 TSE transverse, simulated noise-free as planned: the jaw and the
masticatory muscles below the head no longer fold in over the top of the skull, and the
image keeps the planned FOV, matrix and geometry (the reconstruction crops the extra lines).
"""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import list_groups
from vetmri.recon import ReconOptions, reconstruct_series

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: The skull's top lies 44 mm above the image centre at 35 kg: from 52 mm up there is air.
ABOVE_THE_HEAD_M = 0.052


def _simulate(tmp_path, name: str, *settings: str):
    plan = plan_exam("dog", 35, "brain", overrides=[parse_override(s, 2) for s in settings])
    head = phantom_for_exam("dog", "brain", 35.0)
    backend = SimulatedBackend(head, conditions=SimulatedConditions(noise=False, b0_inhomogeneity=False,
                                                                    coil=plan.coil))
    path = tmp_path / f"{name}.h5"
    run_exam(plan, backend, path, series=[2], adjustments=Adjustments())
    images = reconstruct_series(path, list_groups(path)[0], ReconOptions(shading_correction="off"))
    return plan, images


def _above_the_head(volume, s: int) -> float:
    """Mean signal of the rows above the head over the mean of the bright tissue."""
    image, geometry = volume.magnitude[s], volume.geometry[s]
    assert geometry.column_direction == pytest.approx((0.0, -1.0, 0.0))  # rows run dorsal to ventral
    y = geometry.position_m[1] - np.arange(image.shape[0]) * geometry.pixel_spacing_m[0]
    tissue = image[image > 0.2 * image.max()].mean()
    return float(image[y > ABOVE_THE_HEAD_M].mean() / tissue)


@pytest.fixture(scope="module")
def one_slice(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jaw")
    planned = _simulate(folder, "planned", "slices=1", "averages=1")
    as_before = _simulate(folder, "before", "slices=1", "averages=1", "phase_oversampling=0")
    return planned, as_before


def test_the_jaw_no_longer_folds_over_the_top_of_the_head(one_slice):
    (plan, images), (_, before) = one_slice
    assert plan.series[2].parameters.phase_oversampling > 0
    assert _above_the_head(before.volumes[0], 0) > 0.05  # the case of the issue: jaw at the top
    assert _above_the_head(images.volumes[0], 0) < 0.02


def test_the_image_keeps_the_planned_fov_and_geometry(one_slice):
    (plan, images), (_, before) = one_slice
    p = plan.series[2].parameters
    header = images.header
    assert header.encoded_matrix[1] == p.encoded_rows > p.matrix[0] == header.recon_matrix[1]
    assert "phase oversampling removal" in images.steps
    volume = images.volumes[0]
    assert volume.magnitude.shape[1:] == p.matrix
    geometry, unfixed = volume.geometry[0], before.volumes[0].geometry[0]
    assert geometry.pixel_spacing_m == pytest.approx((p.fov_m[0] / p.matrix[0], p.fov_m[1] / p.matrix[1]))
    # the first pixel sits at the corner of the planned FOV, as without oversampling
    assert geometry.position_m == pytest.approx(unfixed.position_m)
    assert geometry.position_m[1] == pytest.approx(p.fov_m[0] / 2)  # dorsal edge (centre of the first row)


@pytest.mark.slow
def test_no_slice_of_the_whole_series_shows_the_jaw_at_the_top(tmp_path):
    plan, images = _simulate(tmp_path, "whole", "averages=1")
    volume = images.volumes[0]
    assert len(volume.geometry) == plan.series[2].parameters.slices > 10
    assert max(_above_the_head(volume, s) for s in range(len(volume.geometry))) < 0.02
