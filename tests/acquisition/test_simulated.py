"""The simulated backend end to end: planned series -> Pulseq -> engine -> MRD acquisitions
-> raw file -> reconstruction. The images must show the phantom's anatomy where the
reconstruction's geometry says it is, the way veterinary images are read (dorsal up;
transverse: the animal's right on the viewer's left; sagittal: cranial on the left)."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments, ScanAborted
from vetmri.acquisition.header import series_header
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions
from vetmri.errors import UserInputError
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.rawdata import AcqFlag, header_to_xml, list_groups
from vetmri.recon import ReconOptions, reconstruct_series
from vetmri.sequences.api import build_sequence

from tests.acquisition.anatomy import correlation, expected_spin_echo_image, tissue_names_at_pixels

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SMALL = ("matrix=64,64", "averages=1", "slices=1")


def small_plan(*extra: str, species="dog", weight=35.0):
    settings = dict(s.split("=") for s in SMALL + extra)  # later settings win
    return plan_exam(species, weight, "brain", overrides=[parse_override(f"{k}={v}", None) for k, v in settings.items()])


@pytest.fixture(scope="module")
def dog_head():
    return phantom_for_exam("dog", "brain", 35.0)


@pytest.fixture(scope="module")
def sagittal_and_transverse(dog_head, tmp_path_factory):
    plan = small_plan()
    backend = SimulatedBackend(dog_head, conditions=SimulatedConditions(noise=False, b0_inhomogeneity=False, coil=plan.coil))
    path = tmp_path_factory.mktemp("raw") / "exam.h5"
    run = run_exam(plan, backend, path, series=[1, 2], adjustments=Adjustments())
    return plan, path, run


@pytest.mark.parametrize("index, row_dir, col_dir", [
    (1, (0.0, 0.0, -1.0), (0.0, -1.0, 0.0)),   # sagittal: columns toward caudal, rows toward ventral
    (2, (1.0, 0.0, 0.0), (0.0, -1.0, 0.0)),    # transverse: columns toward the left, rows toward ventral
])
def test_images_show_the_anatomy_upright(sagittal_and_transverse, dog_head, index, row_dir, col_dir):
    plan, path, run = sagittal_and_transverse
    group = [s.group for s in run.series if s.index == index][0]
    images = reconstruct_series(path, group, ReconOptions(shading_correction="off"))
    volume = images.volumes[0]
    geometry = volume.geometry[0]
    assert geometry.row_direction == pytest.approx(row_dir) and geometry.column_direction == pytest.approx(col_dir)
    p = plan.series[index].parameters
    names = tissue_names_at_pixels(dog_head, geometry, volume.magnitude.shape[1:])
    expected = expected_spin_echo_image(dog_head, names, tr_s=p.tr_s, te_s=p.te_s)
    image = volume.magnitude[0]
    upright = correlation(image, expected)
    assert upright > 0.6
    assert upright > correlation(image[::-1], expected) + 0.2   # not upside down
    assert upright > correlation(image[:, ::-1], expected) + 0.1  # not mirrored


def test_a_series_streams_noise_first_then_counted_readouts(dog_head):
    plan = small_plan("slices=2")
    series = plan.series[2]  # T2 TSE transverse
    backend = SimulatedBackend(dog_head, conditions=SimulatedConditions(coil=plan.coil, seed=3))
    header = series_header(series, backend.profile, index=2, species="dog", weight_kg=35.0)
    acquisitions = list(backend.run(build_sequence(series, backend.profile).text, header_to_xml(header), Adjustments()))
    assert all(a.is_noise for a in acquisitions[:NOISE_READOUTS])
    imaging = acquisitions[NOISE_READOUTS:]
    assert imaging and not any(a.is_noise for a in imaging)
    rows = series.parameters.encoded_rows  # 64 image rows plus the lines that hold the jaw
    assert rows > 64
    assert len(imaging) == rows * 2
    assert {a.counters.kspace_encode_step_1 for a in imaging} == set(range(rows))
    assert {a.counters.slice for a in imaging} == {0, 1}
    assert all(a.channels == 4 and a.samples == 64 for a in acquisitions)
    assert sum(a.has(AcqFlag.LAST_IN_SLICE) for a in imaging) == 2
    assert imaging[-1].has(AcqFlag.LAST_IN_MEASUREMENT)
    positions = {a.counters.slice: a.position_m[2] for a in imaging}
    assert positions[0] != positions[1]
    assert [a.scan_counter for a in acquisitions] == sorted(a.scan_counter for a in acquisitions)


def test_the_localizer_gives_three_planes_of_three_slices(dog_head, tmp_path):
    plan = small_plan("slices=3")
    backend = SimulatedBackend(dog_head, conditions=SimulatedConditions(noise=False, coil=plan.coil))
    path = tmp_path / "loc.h5"
    run_exam(plan, backend, path, series=[0], adjustments=Adjustments())
    images = reconstruct_series(path, list_groups(path)[0])
    normals = [np.abs(np.round(g.normal)) for g in images.volumes[0].geometry]
    assert len(normals) == 9
    # sagittal (normal x), dorsal (normal y), transverse (normal z): three slices each
    assert [tuple(n) for n in normals[::3]] == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]


def test_abort_stops_a_run(dog_head):
    plan = small_plan()
    series = plan.series[2]
    backend = SimulatedBackend(dog_head, conditions=SimulatedConditions(coil=plan.coil))
    header = series_header(series, backend.profile, index=2, species="dog", weight_kg=35.0)
    stream = backend.run(build_sequence(series, backend.profile).text, header_to_xml(header), Adjustments())
    first = next(stream)
    assert first.is_noise
    backend.abort()
    with pytest.raises(ScanAborted):
        next(stream)


def test_bad_sequence_text_is_refused_with_a_sentence(dog_head):
    plan = small_plan()
    backend = SimulatedBackend(dog_head)
    header = series_header(plan.series[5], backend.profile, index=5, species="dog", weight_kg=35.0)
    with pytest.raises(UserInputError, match="The sequence sent to the scanner is not a Pulseq file"):
        list(backend.run("this is not a Pulseq file\n[BLOCKS]\n1 2 3\n", header_to_xml(header), Adjustments()))


def test_no_phantom_for_a_region_names_the_phantoms_that_exist():
    with pytest.raises(UserInputError, match="no phantom of a parrot coelom.*dog_brain.*--phantom"):
        phantom_for_exam("parrot", "coelom", 0.4)


def test_a_dog_phantom_follows_the_skull_type():
    short = phantom_for_exam("dog", "brain", 10.0, skull="brachycephalic")
    plain = phantom_for_exam("dog", "brain", 10.0, skull="mesaticephalic")
    assert short.variant == "brachycephalic" and plain.variant is None
    assert np.ptp(short.extent_m()[1] - short.extent_m()[0]) != np.ptp(plain.extent_m()[1] - plain.extent_m()[0])


def test_an_accelerated_series_records_its_pattern_and_reconstructs_by_compressed_sensing(dog_head, tmp_path):
    plan = small_plan("acceleration=2")
    backend = SimulatedBackend(dog_head, conditions=SimulatedConditions(coil=plan.coil, b0_inhomogeneity=False))
    path = tmp_path / "fast.h5"
    run_exam(plan, backend, path, series=[2], adjustments=Adjustments())
    from vetmri.rawdata import read_series

    series = read_series(path, "02_T2_TSE_transverse")
    lines = {a.counters.kspace_encode_step_1 for a in series.acquisitions}
    assert len(lines) == len(plan.series[2].encoding.lines) < 64
    assert series.header.acceleration_factor == (2, 1) and "R=2" in series.header.sampling_pattern
    images = reconstruct_series(path, "02_T2_TSE_transverse", ReconOptions(cs_iterations=20))
    assert images.method == "cs"


# -- the shim residual in imaging runs ------------------------------------------------------

OFF_CENTRE_BLOCK = """
[phantom]
name = "off-centre block"
description = "a water block from x = -10 to +50 mm"
species = ["none"]
region = "test"
reference_weight_kg = 1

[[shapes]]
type = "box"
centre_mm = [20, 0, 0]
size_mm = [60, 40, 40]
tissue = "water"
"""
SHIM_BANDWIDTH_HZ_PER_PX, SHIM_N, SHIM_FOV_M = 50.0, 64, 0.128


def _readout_centroid_px(result) -> float:
    """Centre of mass along the readout (x) of a plain inverse-FFT image (pixels above a
    fifth of the maximum: the object, not its ringing), and the readout profile."""
    k = np.zeros((SHIM_N, SHIM_N), complex)
    for a in result.acquisitions:
        if "NOISE" not in a.flags:
            k[a.counters["LIN"]] = a.samples[0]
    image = np.abs(np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k))))
    profile = np.where(image > 0.2 * image.max(), image, 0.0).sum(axis=0)
    return float(profile @ np.arange(SHIM_N) / profile.sum()), image.sum(axis=0)


@pytest.fixture(scope="module")
def shim_runs(tmp_path_factory):
    from seqbuild import write_se
    from vetmri.simulation.phantom import load_phantom_text

    path = write_se(tmp_path_factory.mktemp("shim") / "se.seq", n=SHIM_N, fov=SHIM_FOV_M, te=0.05, tr=0.3,
                    bw_per_px=SHIM_BANDWIDTH_HZ_PER_PX, readout_axis="x", slice_axis="z")
    text = path.read_text()
    block = load_phantom_text(OFF_CENTRE_BLOCK)

    def backend(error_x):
        return SimulatedBackend(block, conditions=SimulatedConditions(
            shim_error_hz_per_m=(error_x, 0.0, 0.0), noise=False, b0_inhomogeneity=False))

    ideal = backend(0.0).simulate(text, Adjustments())
    shimmed_backend = backend(4000.0)
    uncalibrated = shimmed_backend.simulate(text, Adjustments())
    adjustments = shimmed_backend.calibrate(["shim"])
    calibrated = shimmed_backend.simulate(text, adjustments)
    return ideal, uncalibrated, calibrated, adjustments


def test_an_uncalibrated_shim_error_shifts_the_object_along_the_readout_by_offset_over_bandwidth(shim_runs):
    ideal, uncalibrated, _, _ = shim_runs
    (centre_ideal, _), (centre_error, _) = _readout_centroid_px(ideal), _readout_centroid_px(uncalibrated)
    predicted_px = 4000.0 * 0.020 / SHIM_BANDWIDTH_HZ_PER_PX  # 80 Hz at the block's centre: 1.6 pixels
    assert abs(centre_error - centre_ideal) == pytest.approx(predicted_px, rel=0.1)


def test_after_the_shim_calibration_the_image_matches_the_error_free_one(shim_runs):
    ideal, uncalibrated, calibrated, adjustments = shim_runs
    assert adjustments.shim_hz_per_m[0] == pytest.approx(-4000.0, rel=0.05)
    (centre_ideal, profile_ideal), (centre_fixed, profile_fixed) = (_readout_centroid_px(ideal),
                                                                    _readout_centroid_px(calibrated))
    assert abs(centre_fixed - centre_ideal) < 0.15
    _, profile_error = _readout_centroid_px(uncalibrated)
    error_fixed = np.linalg.norm(profile_fixed - profile_ideal) / np.linalg.norm(profile_ideal)
    error_before = np.linalg.norm(profile_error - profile_ideal) / np.linalg.norm(profile_ideal)
    assert error_fixed < 0.05 and error_fixed < 0.25 * error_before
