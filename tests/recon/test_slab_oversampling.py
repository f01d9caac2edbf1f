"""Slab oversampling end to end: the planner encodes more partitions than the 3D image has,
the simulator excites the slab as planned, and the reconstruction crops the extra
partitions with each kept partition at its own position."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import list_groups
from vetmri.recon import ReconOptions, reconstruct_series
from vetmri.simulation.phantom import load_phantom_text

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

PARTITIONS, PARTITION_MM, DISC_MM = 8, 4.0, 8.0  # the disc sits 2 partitions off the slab centre


def _disc_phantom(axis: int):
    centre, semi = [0.0, 0.0, 0.0], [15.0, 15.0, 15.0]
    centre[axis], semi[axis] = DISC_MM, 1.5
    return load_phantom_text(
        '[phantom]\nname = "disc"\ndescription = "a disc off the slab centre"\nspecies = ["none"]\n'
        f'region = "test"\nreference_weight_kg = 1\n\n[[shapes]]\ntype = "ellipsoid"\ncentre_mm = {centre}\n'
        f'semi_axes_mm = {semi}\ntissue = "fat"\n')


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    settings = ("averages=1", "matrix=32,32", f"slices={PARTITIONS}", f"slice_mm={PARTITION_MM}", "fov_mm=96,96")
    plan = plan_exam("dog", 35, "stifle", overrides=[parse_override(s, 4) for s in settings])
    series = plan.series[4]
    assert series.parameters.sequence == "gre3d" and series.parameters.slice_axis == "lr"
    phantom = _disc_phantom(axis=0)  # lr is the scanner's x
    backend = SimulatedBackend(phantom, conditions=SimulatedConditions(noise=False, b0_inhomogeneity=False, coil=plan.coil))
    path = tmp_path_factory.mktemp("slab") / "slab.h5"
    run_exam(plan, backend, path, series=[4], adjustments=Adjustments())
    return series, reconstruct_series(path, list_groups(path)[0], ReconOptions(shading_correction="off"))


def test_the_extra_partitions_are_encoded_and_cropped(scan):
    series, images = scan
    p = series.parameters
    assert p.encoded_partitions > PARTITIONS == p.slices
    assert images.header.encoded_matrix[2] == p.encoded_partitions and images.header.recon_matrix[2] == PARTITIONS
    assert "slab oversampling removal" in images.steps
    assert images.volumes[0].magnitude.shape == (PARTITIONS, 32, 32)


def test_each_kept_partition_is_at_its_own_position(scan):
    _, images = scan
    volume = images.volumes[0]
    per_partition = volume.magnitude.max(axis=(1, 2))
    brightest = int(np.argmax(per_partition))
    assert abs(brightest - PARTITIONS // 2) == round(DISC_MM / PARTITION_MM)  # 2 partitions off the centre
    assert per_partition[PARTITIONS - brightest] < 0.1 * per_partition[brightest]  # nothing mirrored
    g = volume.geometry[brightest]
    assert g.center_m[0] == pytest.approx(DISC_MM * 1e-3, abs=1e-6)  # where the disc is
    assert g.slice_thickness_m == pytest.approx(PARTITION_MM * 1e-3)
