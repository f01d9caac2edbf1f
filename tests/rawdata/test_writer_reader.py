import os
import signal
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from vetmri.errors import UserInputError
from vetmri.rawdata import (
    AcqFlag, Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader,
    list_groups, read_series, series_group_name,
)


def header(name="t1_se", index=0, lines=8, samples=16, slices=1):
    return SeriesHeader(
        encoded_matrix=(samples, lines, 1), encoded_fov_m=(0.2, 0.2, 0.005),
        recon_matrix=(samples, lines, 1), recon_fov_m=(0.2, 0.2, 0.005),
        limits=EncodingLimits(kspace_encoding_step_1=Limit(0, lines - 1, lines // 2), slice=Limit(0, slices - 1, 0)),
        series_name=name, series_index=index, channels=2,
    )


def line(ky, slice_=0, samples=16, noise=False, value=None):
    data = np.full((2, samples), ky + 1j * slice_ if value is None else value, np.complex64)
    flags = AcqFlag.IS_NOISE_MEASUREMENT if noise else AcqFlag.NONE
    return Acquisition(data, EncodingCounters(kspace_encode_step_1=ky, slice=slice_), flags, center_sample=samples // 2)


def test_group_names_are_indexed_and_clean():
    assert series_group_name(3, "T2 TSE/tra") == "03_T2_TSE_tra"
    assert series_group_name(12, "dwi") == "12_dwi"


def test_written_series_read_back_sorted_by_counters_with_noise_apart(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s0 = exam.open_series(header("localizer", 0))
        for k in range(3):
            s0.append(line(0, noise=True, value=k))
        for ky in [5, 1, 7, 0, 3, 6, 2, 4]:
            s0.append(line(ky))
        s1 = exam.open_series(header("t2 tse", 1, slices=2))
        for sl in (1, 0):
            for ky in range(8):
                s1.append(line(7 - ky, sl))
    assert list_groups(path) == ["00_localizer", "01_t2_tse"]
    series = read_series(path, "00_localizer")
    assert [a.counters.kspace_encode_step_1 for a in series.acquisitions] == list(range(8))
    assert len(series.noise) == 3 and series.noise[2].data[0, 0] == 2
    two = read_series(path, "01_t2_tse")
    order = [(a.counters.slice, a.counters.kspace_encode_step_1) for a in two.acquisitions]
    assert order == sorted(order)
    assert two.header.series_name == "t2 tse" and two.header.series_index == 1


def test_our_file_opens_with_the_ismrmrd_package(tmp_path):
    import ismrmrd

    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s = exam.open_series(header())
        s.append(line(3))
    dset = ismrmrd.Dataset(str(path), "00_t1_se", create_if_needed=False)
    acq = dset.read_acquisition(0)
    assert acq.idx.kspace_encode_step_1 == 3 and acq.data.shape == (2, 16)
    assert "<encoding>" in dset.read_xml_header().decode()
    dset.close()


def test_noise_after_imaging_data_is_refused(tmp_path):
    with RawExamWriter(tmp_path / "exam.h5") as exam:
        s = exam.open_series(header())
        s.append(line(0))
        with pytest.raises(ValueError, match="noise"):
            s.append(line(0, noise=True))


def test_readouts_that_arrive_together_are_written_in_one_go_in_order(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s = exam.open_series(header(slices=2))
        s.extend([line(0, noise=True, value=k) for k in range(2)])
        s.extend([line(ky, 1) for ky in range(8)])
        s.extend([])
        s.append(line(0, 0))
        with pytest.raises(ValueError, match="noise"):  # the whole batch is refused, nothing written
            s.extend([line(1, 0), line(0, noise=True)])
        assert s.count == 11
    series = read_series(path, "00_t1_se")
    assert len(series.noise) == 2 and [a.data[0, 0] for a in series.noise] == [0, 1]
    assert [(a.counters.slice, a.counters.kspace_encode_step_1) for a in series.acquisitions] == \
        [(0, 0)] + [(1, ky) for ky in range(8)]
    with h5py.File(path, "r") as f:
        assert [int(r["head"]["idx"]["kspace_encode_step_1"]) for r in f["00_t1_se/data"][2:]] == list(range(8)) + [0]


WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from vetmri.rawdata import *
    header = SeriesHeader((64, 4000, 1), (0.2, 0.2, 0.005), (64, 4000, 1), (0.2, 0.2, 0.005), series_name="t1", channels=4)
    with RawExamWriter(sys.argv[1]) as exam:
        s = exam.open_series(header)
        for ky in range(4000):
            s.append(Acquisition(np.full((4, 64), ky, np.complex64), EncodingCounters(kspace_encode_step_1=ky)))
            print(ky, flush=True)
    """
)


def test_a_writer_killed_mid_series_leaves_every_flushed_acquisition(tmp_path):
    path = tmp_path / "exam.h5"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    last = -1
    for text in proc.stdout:
        last = int(text)
        if last >= 150:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    series = read_series(path, "00_t1")
    lines = [a.counters.kspace_encode_step_1 for a in series.acquisitions]
    assert len(lines) >= last + 1
    assert lines == list(range(len(lines)))
    assert all(a.data[0, 0] == a.counters.kspace_encode_step_1 for a in series.acquisitions)


def test_not_hdf5_is_one_sentence(tmp_path):
    bad = tmp_path / "notes.h5"
    bad.write_text("hello")
    with pytest.raises(UserInputError, match="not a readable HDF5 file"):
        read_series(bad, "00_x")


def test_truncated_file_is_one_sentence(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s = exam.open_series(header())
        for ky in range(8):
            s.append(line(ky))
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(UserInputError, match="exam.h5"):
        read_series(path, "00_t1_se")


def test_missing_group_names_the_groups_there(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        exam.open_series(header()).append(line(0))
    with pytest.raises(UserInputError, match=r"no series group '05_flair' \(groups: 00_t1_se\)"):
        read_series(path, "05_flair")


def test_counter_beyond_the_limits_is_refused(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s = exam.open_series(header(lines=8))
        s.append(line(9))
    with pytest.raises(UserInputError, match="kspace_encode_step_1 = 9, outside the header's encoding limits 0..7"):
        read_series(path, "00_t1_se")


def test_different_sample_counts_are_refused(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        s = exam.open_series(header())
        s.append(line(0))
        s.append(line(1, samples=12))
    with pytest.raises(UserInputError, match="different sample counts"):
        read_series(path, "00_t1_se")


def test_record_whose_data_does_not_match_its_header_is_refused(tmp_path):
    path = tmp_path / "exam.h5"
    with RawExamWriter(path) as exam:
        exam.open_series(header()).append(line(0))
    with h5py.File(path, "a") as f:
        record = f["00_t1_se/data"][0]
        record["data"] = record["data"][:10]
        f["00_t1_se/data"][0] = record
    with pytest.raises(UserInputError, match="acquisition 0 holds 5 complex samples"):
        read_series(path, "00_t1_se")
