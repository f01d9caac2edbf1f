import numpy as np
import pytest

from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, acquisition_from_bytes, acquisition_to_bytes


def make_acquisition(seed=0):
    rng = np.random.default_rng(seed)
    data = (rng.normal(size=(4, 96)) + 1j * rng.normal(size=(4, 96))).astype(np.complex64)
    return Acquisition(
        data=data,
        counters=EncodingCounters(kspace_encode_step_1=17, kspace_encode_step_2=3, slice=2, average=1, contrast=1, phase=0, repetition=4, set=0, segment=1),
        flags=AcqFlag.LAST_IN_SLICE | AcqFlag.FIRST_IN_AVERAGE,
        sample_time_s=12.5e-6,
        center_sample=48,
        position_m=(0.01, -0.02, 0.0305),
        read_dir=(0.0, 1.0, 0.0),
        phase_dir=(1.0, 0.0, 0.0),
        slice_dir=(0.0, 0.0, -1.0),
        time_stamp_s=12.5,
        scan_counter=99,
    )


def test_bytes_round_trip_keeps_every_field():
    acq = make_acquisition()
    back = acquisition_from_bytes(acquisition_to_bytes(acq))
    np.testing.assert_array_equal(back.data, acq.data)
    assert back.counters == acq.counters
    assert back.flags == acq.flags
    assert back.sample_time_s == pytest.approx(acq.sample_time_s)
    assert back.center_sample == 48 and back.scan_counter == 99
    np.testing.assert_allclose(back.position_m, acq.position_m, atol=1e-7)
    assert back.slice_dir == (0.0, 0.0, -1.0) and back.read_dir == (0.0, 1.0, 0.0)
    assert back.time_stamp_s == pytest.approx(12.5)


def test_bytes_are_the_mrd_wire_format_read_by_ismrmrd():
    import ismrmrd

    mrd = ismrmrd.Acquisition.from_bytes(acquisition_to_bytes(make_acquisition()))
    assert mrd.idx.kspace_encode_step_1 == 17 and mrd.idx.repetition == 4
    assert mrd.is_flag_set(ismrmrd.ACQ_LAST_IN_SLICE)
    assert mrd.position[2] == pytest.approx(30.5, abs=1e-4)  # MRD positions are millimetres


def test_noise_and_imaging_are_told_apart():
    data = np.zeros((1, 8), np.complex64)
    assert Acquisition(data, flags=AcqFlag.IS_NOISE_MEASUREMENT).is_noise
    assert not Acquisition(data, flags=AcqFlag.IS_NAVIGATION_DATA).is_imaging
    assert Acquisition(data).is_imaging


def test_data_must_be_channels_by_samples():
    with pytest.raises(ValueError, match="channels, samples"):
        Acquisition(np.zeros(8, np.complex64))
