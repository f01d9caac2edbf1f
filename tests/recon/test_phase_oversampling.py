"""Phase oversampling end to end: a planned series encodes more lines than the image has
rows, the reconstruction crops them as it crops readout oversampling, and the geometry
(pixel spacing, position, the DICOM acquisition values) is that of the planned FOV.

Two water tubes: one inside the planned FOV, one in the band that only the oversampled
lines cover (without them it would fold in on the other side of the image).
"""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.dicom.from_recon import acquisition_parameters
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import list_groups
from vetmri.recon import ReconOptions, reconstruct_series
from vetmri.simulation.phantom import load_phantom_text

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

_TUBE = """
[[shapes]]
name = "{name}"
type = "cylinder"
centre_mm = [{x}, {y}, 0]
radius_mm = 6
length_mm = 60
[shapes.properties]
pd = 1
t1_ms = 300
t2_ms = 100
t2prime_ms = 100000
"""


def _phantom(inside_y_mm: float, band_y_mm: float):
    head = ('[phantom]\nname = "two_tubes"\ndescription = "a tube in the FOV, one beyond it"\n'
            'species = ["none"]\nregion = "test"\nreference_weight_kg = 1\n')
    return load_phantom_text(head + _TUBE.format(name="inside", x=0, y=inside_y_mm)
                             + _TUBE.format(name="band", x=20, y=band_y_mm))


def _plan(oversampling: float):
    settings = ["matrix=64,64", "slices=1", "averages=1", f"phase_oversampling={oversampling}"]
    plan = plan_exam("dog", 35, "brain", overrides=[parse_override(s, 5) for s in settings])  # T1 SE transverse
    assert plan.series[5].parameters.phase_axis == "dv"
    return plan


def _band_mm() -> float:
    """Below the FOV, in the middle of the band the 50 % oversampled lines cover."""
    p = _plan(0.5).series[5].parameters
    return -(p.fov_m[0] + p.encoded_fov_m[0]) / 4 * 1e3


def _scan(tmp_path, name, oversampling: float):
    plan = _plan(oversampling)
    band = _band_mm()
    phantom = _phantom(20.0, band)
    backend = SimulatedBackend(phantom, conditions=SimulatedConditions(noise=False, b0_inhomogeneity=False,
                                                                       coil=plan.coil))
    path = tmp_path / f"{name}.h5"
    run_exam(plan, backend, path, series=[5], adjustments=Adjustments())
    return plan.series[5], reconstruct_series(path, list_groups(path)[0], ReconOptions(shading_correction="off")), band


def _signal_at(volume, x_m: float, y_m: float) -> float:
    g, image = volume.geometry[0], volume.magnitude[0]
    row = round((g.position_m[1] - y_m) / g.pixel_spacing_m[0])  # rows run dorsal to ventral
    col = round((x_m - g.position_m[0]) / g.pixel_spacing_m[1])
    return float(image[row - 1:row + 2, col - 1:col + 2].mean() / image.max())


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("os")
    return _scan(folder, "oversampled", 0.5), _scan(folder, "plain", 0.0)


def test_the_oversampled_lines_are_cropped_and_hold_what_would_fold_in(scans):
    (series, images, band), (_, plain, _) = scans
    p = series.parameters
    assert images.header.encoded_matrix[1] == p.encoded_rows == 96 and p.matrix == (64, 64)
    assert images.volumes[0].magnitude.shape[1:] == (64, 64)
    assert "phase oversampling removal" in images.steps and "phase oversampling removal" not in plain.steps
    fov = p.fov_m[0]
    folded_y = band * 1e-3 + fov  # where the band tube lands when only the FOV is encoded
    assert _signal_at(plain.volumes[0], 0.02, folded_y) > 0.5  # folded in at the top
    assert _signal_at(images.volumes[0], 0.02, folded_y) < 0.05  # not with oversampling
    for volume in (images.volumes[0], plain.volumes[0]):
        assert _signal_at(volume, 0.0, 0.02) > 0.5  # the tube in the FOV is where it is


def test_the_geometry_is_that_of_the_planned_fov(scans):
    (series, images, _), (_, plain, _) = scans
    p = series.parameters
    g, h = images.volumes[0].geometry[0], plain.volumes[0].geometry[0]
    assert g.pixel_spacing_m == pytest.approx((p.fov_m[0] / 64, p.fov_m[1] / 64))
    assert g.position_m == pytest.approx(h.position_m)
    assert g.pixel_spacing_m == pytest.approx(h.pixel_spacing_m)
    # DICOM: the acquisition matrix counts the encoded lines, the phase FOV is the planned one
    acquired = acquisition_parameters(images.header)
    assert acquired.acquisition_matrix == (64, 96)
    assert acquired.percent_phase_fov == pytest.approx(100.0 * p.fov_m[0] / p.fov_m[1], abs=1e-3)
