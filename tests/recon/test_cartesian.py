"""Known answers of the Cartesian reconstruction: where a point lands, files from other MRD
tools (built by hand with the ismrmrd API, shuffled, with optional header fields missing),
several slices, 3D slabs, contrasts and repetitions."""

import numpy as np
import pytest

from tests.recon.simulated_scan import Scan, nrmse
from vetmri.errors import UserInputError
from vetmri.recon import ReconOptions, reconstruct_raw, reconstruct_series
from vetmri.recon.analytic_phantom import Ellipsoid, kspace_on_grid, rasterise


def test_a_point_lands_where_the_geometry_says(tmp_path):
    offset = (0.03125, -0.0125)  # +10 and -4 pixels of 3.125 mm along readout and phase
    point = (Ellipsoid(50.0, (offset[0], offset[1], 0.0), (0.0008, 0.0008, 0.0008)),)
    scan = Scan(shapes=point, noise_sigma=1e-4, read_dir=(0.0, 1.0, 0.0), phase_dir=(0.0, 0.0, 1.0), slice_dir=(1.0, 0.0, 0.0), center_m=(0.01, 0.02, -0.03))
    path = tmp_path / "point.h5"
    group = scan.write(path, shuffle=True)
    volume = reconstruct_series(path, group).volumes[0]
    row, col = np.unravel_index(np.argmax(volume.magnitude[0]), volume.magnitude[0].shape)
    assert (row, col) == (32 - 4, 32 + 10)
    expected = np.array([0.01, 0.02, -0.03]) + offset[0] * np.array([0, 1, 0]) + offset[1] * np.array([0, 0, 1])
    np.testing.assert_allclose(volume.geometry[0].pixel_position_m(row, col), expected, atol=1e-6)
    g = volume.geometry[0]
    assert g.pixel_spacing_m == pytest.approx((0.2 / 64, 0.2 / 64))
    assert g.row_direction == (0.0, 1.0, 0.0) and g.column_direction == (0.0, 0.0, 1.0)


def test_slices_get_their_own_positions(tmp_path):
    scan = Scan(slices=3, noise_sigma=0.01)
    path = tmp_path / "ms.h5"
    images = reconstruct_series(path, scan.write(path, shuffle=True))
    volume = images.volumes[0]
    assert volume.magnitude.shape == (3, 64, 64)
    centres = np.array([g.center_m for g in volume.geometry])
    np.testing.assert_allclose(np.diff(centres[:, 2]), 0.006)
    assert volume.spacing_between_slices_m == pytest.approx(0.006) and volume.geometry[0].slice_thickness_m == pytest.approx(0.005)


def test_3d_slab_gives_partitions_with_positions(tmp_path):
    scan = Scan(matrix=32, partitions=16, slice_thickness_m=0.012, noise_sigma=0.002)
    path = tmp_path / "3d.h5"
    volume = reconstruct_series(path, scan.write(path, shuffle=True)).volumes[0]
    assert volume.magnitude.shape == (16, 32, 32)
    truth = scan.truth()
    m = volume.magnitude
    assert nrmse(m * np.sum(truth * m) / np.sum(m * m), truth) < 0.2
    z = np.array([g.center_m[2] for g in volume.geometry])
    np.testing.assert_allclose(np.diff(z), 0.012)
    assert z[8] == pytest.approx(0.0)


def write_by_hand(path, *, kspace, fov_m, shuffle_seed=0, with_limits=False, center_sample=None):
    """An MRD file written with the raw ismrmrd API only (as another tool would), with no
    optional header fields."""
    import ismrmrd
    from ismrmrd import xsd

    coils, ny, nx = kspace.shape
    space = xsd.encodingSpaceType(matrixSize=xsd.matrixSizeType(x=nx, y=ny, z=1), fieldOfView_mm=xsd.fieldOfViewMm(x=fov_m * 1e3, y=fov_m * 1e3, z=5))
    limits = xsd.encodingLimitsType()
    if with_limits:
        limits = xsd.encodingLimitsType(kspace_encoding_step_1=xsd.limitType(minimum=0, maximum=ny - 1, center=ny // 2))
    header = xsd.ismrmrdHeader(
        experimentalConditions=xsd.experimentalConditionsType(H1resonanceFrequency_Hz=8_515_000),
        encoding=[xsd.encodingType(encodedSpace=space, reconSpace=space, encodingLimits=limits, trajectory=xsd.trajectoryType.CARTESIAN)],
    )
    dset = ismrmrd.Dataset(str(path), "dataset", create_if_needed=True)
    dset.write_xml_header(xsd.ToXML(header))
    order = np.random.default_rng(shuffle_seed).permutation(ny)
    for y in order:
        acq = ismrmrd.Acquisition.from_array(kspace[:, y].astype(np.complex64))
        acq.idx.kspace_encode_step_1 = int(y)
        acq.center_sample = nx // 2 if center_sample is None else center_sample
        acq.read_dir[:] = (1, 0, 0)
        acq.phase_dir[:] = (0, 1, 0)
        acq.slice_dir[:] = (0, 0, 1)
        acq.sample_time_us = 10.0
        dset.append_acquisition(acq)
    dset.close()


@pytest.mark.parametrize("with_limits", [False, True])
def test_a_shuffled_file_from_another_tool_reconstructs(tmp_path, with_limits):
    from vetmri.recon.analytic_phantom import brain_phantom

    shapes = brain_phantom()
    k = kspace_on_grid(shapes, (64, 64), (0.2, 0.2))
    rng = np.random.default_rng(0)
    k = k + 0.01 * (rng.standard_normal(k.shape) + 1j * rng.standard_normal(k.shape))
    path = tmp_path / "other.h5"
    write_by_hand(path, kspace=k, fov_m=0.2, with_limits=with_limits)
    images = reconstruct_series(path, "dataset")
    truth = rasterise(shapes, (64, 64), (0.2, 0.2))
    assert "noise_sigma_source" in images.details  # no noise scan: estimated from k-space
    assert nrmse(images.volumes[0].magnitude[0], truth) < 0.12


def test_a_file_whose_lines_exceed_the_matrix_is_refused(tmp_path):
    k = np.ones((1, 64, 32), np.complex64)
    path = tmp_path / "bad.h5"
    write_by_hand(path, kspace=k, fov_m=0.2)
    import h5py
    from ismrmrd import xsd

    with h5py.File(path, "a") as f:  # claim a 32-line matrix
        xml = f["dataset/xml"][0].decode().replace("<y>64</y>", "<y>32</y>")
        f["dataset/xml"][0] = xml.encode()
    with pytest.raises(UserInputError, match="dataset"):
        reconstruct_series(path, "dataset")


def test_contrasts_and_repetitions_are_separate_volumes(tmp_path):
    from dataclasses import replace

    from vetmri.rawdata import EncodingLimits, Limit, RawSeries, sort_acquisitions

    scan = Scan(noise_sigma=0.01)
    acqs = scan.acquisitions()
    noise = tuple(a for a in acqs if a.is_noise)
    lines = [a for a in acqs if not a.is_noise]
    more = []
    for c, r, gain in ((0, 0, 1.0), (1, 0, 0.5), (0, 1, 2.0)):
        for a in lines:
            more.append(replace(a, data=a.data * gain, counters=replace(a.counters, contrast=c, repetition=r)))
    header = scan.header()
    header = replace(header, echo_times_s=(0.02, 0.08), limits=replace(header.limits, contrast=Limit(0, 1, 0), repetition=Limit(0, 1, 0)))
    images = reconstruct_raw(RawSeries("00_multi", header, sort_acquisitions(more), noise))
    keys = [(v.contrast, v.repetition) for v in images.volumes]
    assert keys == [(0, 0), (0, 1), (1, 0)]
    means = {k: v.magnitude.mean() for k, v in zip(keys, images.volumes)}
    assert means[(1, 0)] == pytest.approx(0.5 * means[(0, 0)], rel=0.05)
    assert means[(0, 1)] == pytest.approx(2.0 * means[(0, 0)], rel=0.05)
    assert images.volume(1, 0).echo_time_s == 0.08
