"""The acquisition journal beside a raw file: what a power cut leaves is rebuilt from it."""

import h5py
import numpy as np

from vetmri.rawdata import RawExamWriter, list_groups, read_series, recover_raw_file
from vetmri.rawdata.journal import journal_path, read_journal

from .test_writer_reader import header, line


def _interrupted_exam(path, lines=8):
    """An exam written without a clean close (the file and journal as a cut leaves them)."""
    writer = RawExamWriter(path)
    series = writer.open_series(header("t2 tse", 0))
    series.extend([line(ky) for ky in range(lines)])
    writer._file.close()
    writer._journal.close()


def test_a_clean_close_leaves_no_journal(tmp_path):
    path = tmp_path / "raw" / "exam.h5"
    with RawExamWriter(path) as exam:
        exam.open_series(header()).extend([line(ky) for ky in range(8)])
        assert journal_path(path).exists()
    assert not journal_path(path).exists()
    assert len(read_series(path, "00_t1_se").acquisitions) == 8


def test_a_file_torn_by_a_cut_is_rebuilt_from_its_journal(tmp_path):
    path = tmp_path / "exam.h5"
    _interrupted_exam(path)
    path.write_bytes(path.read_bytes()[:900])  # the HDF5 metadata torn: the file does not open
    assert recover_raw_file(path) == 8
    assert not journal_path(path).exists()
    series = read_series(path, "00_t2_tse")
    assert [a.counters.kspace_encode_step_1 for a in series.acquisitions] == list(range(8))
    assert recover_raw_file(path) is None  # nothing left to recover


def test_a_torn_last_frame_is_ignored_with_what_follows(tmp_path):
    path = tmp_path / "exam.h5"
    _interrupted_exam(path)
    journal = journal_path(path)
    frames, end = read_journal(journal)
    assert end == journal.stat().st_size and [f.kind for f in frames] == [1, 2]
    with open(journal, "ab") as handle:
        handle.write(b"MRDJ\x02" + b"\x00" * 40)  # a frame cut off mid-write
    assert recover_raw_file(path) == 8


def test_opening_a_file_left_with_a_journal_recovers_it_and_appends(tmp_path):
    path = tmp_path / "exam.h5"
    _interrupted_exam(path)
    with h5py.File(path, "w"):
        pass  # the cut left an empty HDF5 file
    with RawExamWriter(path) as exam:
        exam.open_series(header("flair", 1)).extend([line(ky, value=7) for ky in range(8)])
    assert list_groups(path) == ["00_t2_tse", "01_flair"]
    assert np.all(read_series(path, "01_flair").acquisitions[0].data == 7)
    assert len(read_series(path, "00_t2_tse").acquisitions) == 8
