"""Writing the raw MRD file of an exam: one HDF5 file, one group per series named
``NN_<series-name>``, the XML header first, then acquisitions appended one by one.

Every append is followed by an HDF5 flush, so a killed process leaves a file that opens.
A power cut is worse (HDF5 is not crash-safe): so every header and batch is first written
to the acquisition journal beside the file (:mod:`vetmri.rawdata.journal`) and fdatasynced
before the call returns. On a clean close the file is fsynced and the journal deleted;
after a cut :func:`recover_raw_file` (also run by :class:`RawExamWriter` when it opens a
file with a journal) rebuilds the file from the journal, holding every acquisition that
was reported written. Acquisitions that arrive together (a simulated slice group) are
appended with one write, one flush and one fdatasync. The file layout is the one of the
``ismrmrd`` package (``<group>/xml``, ``<group>/data`` with the MRD acquisition record
type), so other MRD tools read it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import TracebackType
from collections.abc import Sequence
from typing import Any

import numpy as np

from vetmri.atomicfile import fsync_directory, make_folders
from vetmri.errors import OperationFailedError
from vetmri.rawdata.acquisition import Acquisition, acquisition_to_mrd
from vetmri.rawdata.header import SeriesHeader, header_to_xml
from vetmri.rawdata.journal import HEADER, AcquisitionJournal, decode_records, encode_records, journal_path, read_journal

__all__ = ["RawExamWriter", "SeriesWriter", "recover_raw_file", "series_group_name"]


def series_group_name(index: int, name: str) -> str:
    """The HDF5 group of a series: ``NN_<name>`` (index zero padded to 2, the name reduced
    to letters, digits, ``-`` and ``_``)."""
    if index < 0:
        raise ValueError(f"series index must be >= 0, got {index}")
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", name.strip()).strip("_") or "series"
    return f"{index:02d}_{clean}"


class SeriesWriter:
    """Appends the acquisitions of one series to its group (create with
    :meth:`RawExamWriter.open_series`). Noise-measurement acquisitions must come first."""

    def __init__(self, exam: RawExamWriter, group: str) -> None:
        self._exam = exam
        self.group = group
        self._imaging_started = "data" in exam._file[group] and len(exam._file[group]["data"]) > 0
        self.count = len(exam._file[group]["data"]) if "data" in exam._file[group] else 0

    def append(self, acquisition: Acquisition) -> None:
        """Append one acquisition and flush the file to disk."""
        self.extend([acquisition])

    def extend(self, acquisitions: Sequence[Acquisition]) -> None:
        """Append acquisitions that arrived together with one write, and flush the file to
        disk (an HDF5 write costs about 0.6 ms whatever it holds: a slice group's 480
        readouts take 6 ms instead of 290 ms one by one)."""
        if not acquisitions:
            return
        started = self._imaging_started
        for acquisition in acquisitions:
            if acquisition.is_noise and started:
                raise ValueError("noise-measurement acquisitions must be written before the imaging data of a series")
            started = started or not acquisition.is_noise
        self._exam._append(self.group, acquisitions)
        self._imaging_started = started
        self.count += len(acquisitions)


#: Room kept free on the disk beside the raw file (the records and the DICOM files need some).
RESERVE_BYTES = 256 * 1024


def _room_problem(path: Path, nbytes: int) -> str | None:
    """Why ``nbytes`` more cannot be appended to ``path``, or None. HDF5 must never meet a
    full disk or the file-size limit in the middle of a write (the library can crash on
    it, and a torn write damages the file), so the writer looks first."""
    import resource
    import shutil

    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    if soft != resource.RLIM_INFINITY and size + nbytes + RESERVE_BYTES > soft:
        return f"the raw data file {path} would pass this session's file-size limit ({soft // 1024} KiB)"
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free < nbytes + RESERVE_BYTES:
        return f"the disk holding {path.parent} has too little room left ({free // 1024} KiB free)"
    return None


class RawExamWriter:
    """The raw file of one exam, open for appending (a context manager).

    Parameters
    ----------
    path : path-like
        The ``.h5`` file; created if missing, appended to if it exists (a resumed exam). A
        file left with a journal by a power cut is first rebuilt from it.
    durable : bool
        Journal every write (the default). False only to measure what durability costs.
    """

    def __init__(self, path: str | Path, *, durable: bool = True) -> None:
        import h5py
        from ismrmrd.hdf5 import acquisition_dtype, acquisition_header_dtype

        self.path = Path(path)
        self._record_dtype = acquisition_dtype
        self._header_dtype = acquisition_header_dtype
        self._datasets: dict[str, Any] = {}
        self._journal: AcquisitionJournal | None = None
        try:
            make_folders(self.path.parent)
            if durable:
                recover_raw_file(self.path)
                if self.path.exists():
                    _journal_existing_content(self.path, acquisition_header_dtype)
                self._journal = AcquisitionJournal(journal_path(self.path))
            self._file = h5py.File(self.path, "a")
        except OSError as exc:
            if self._journal is not None:
                self._journal.close()
            raise OperationFailedError(f"cannot open the raw data file {self.path} for writing ({exc}); check the disk and its permissions.") from None

    def __enter__(self) -> RawExamWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _check_room(self, nbytes: int) -> None:
        problem = _room_problem(self.path, nbytes)
        if problem is not None:
            raise OperationFailedError(f"Cannot append to the raw data: {problem}; free disk space and resume the scan.")

    def close(self) -> None:
        """Close the file, make it durable and delete its journal."""
        if self._file.id.valid:
            self._file.flush()
            self._file.close()
            if self._journal is not None:
                _fsync_file(self.path)
                fsync_directory(self.path.parent)
                self._journal.remove()
                self._journal = None

    def open_series(self, header: SeriesHeader) -> SeriesWriter:
        """Create (or reopen) the group of a series and write its XML header. A group
        that holds no readout after the noise scan (a run killed before its first imaging
        readout) is emptied: the series starts anew.

        Returns
        -------
        SeriesWriter
            Appends the series' acquisitions.
        """
        import h5py

        from vetmri.rawdata.reader import holds_readouts

        group_name = series_group_name(header.series_index, header.series_name)
        group = self._file.require_group(group_name)
        if "data" in group and not holds_readouts(group):
            del group["data"]  # left by a run killed before its first readout: the series starts anew
        xml = header_to_xml(header).encode()
        self._datasets.pop(group_name, None)
        if "xml" in group:
            del group["xml"]
        try:
            if self._journal is not None:
                self._journal.header(group_name, xml)
            dset = group.create_dataset("xml", shape=(1,), dtype=h5py.special_dtype(vlen=bytes))
            dset[0] = xml
            self._file.flush()
        except OSError as exc:
            raise OperationFailedError(f"cannot write to the raw data file {self.path} ({exc}); check the disk.") from None
        return SeriesWriter(self, group_name)

    def _append(self, group_name: str, acquisitions: Sequence[Acquisition]) -> None:
        self._check_room(2 * (sum(a.data.nbytes for a in acquisitions) + 400 * len(acquisitions)))  # file and journal
        records = np.empty((len(acquisitions),), dtype=self._record_dtype)
        for i, acquisition in enumerate(acquisitions):
            records[i]["head"] = np.frombuffer(acquisition_to_mrd(acquisition).getHead(), dtype=self._header_dtype)
            records[i]["data"] = acquisition.data.view(np.float32).reshape(-1)
            records[i]["traj"] = np.zeros(0, dtype=np.float32)
        try:
            if self._journal is not None:
                self._journal.acquisitions(group_name, encode_records(records, self._header_dtype))
            dset = self._datasets.get(group_name)
            if dset is None:
                group = self._file[group_name]
                if "data" not in group:
                    group.create_dataset("data", (0,), maxshape=(None,), dtype=self._record_dtype, chunks=(64,))
                dset = self._datasets[group_name] = group["data"]
            end = dset.shape[0]
            dset.resize(end + len(records), axis=0)
            dset[end:] = records
            self._file.flush()
        except OSError as exc:
            raise OperationFailedError(f"cannot append to the raw data file {self.path} ({exc}); check free disk space.") from None


def _journal_existing_content(path: Path, header_dtype: Any) -> None:
    """Make a journal holding what the resumed file ``path`` holds (complete before it takes
    the journal's name), so a cut while appending to the file cannot take earlier series away."""
    import h5py

    final = journal_path(path)
    temp = final.with_name(f".{final.name}.tmp")
    temp.unlink(missing_ok=True)
    journal = AcquisitionJournal(temp, sync=False)
    try:
        with h5py.File(path, "r") as existing:
            for group in sorted(existing):
                node = existing[group]
                if "xml" in node:
                    xml = node["xml"][0]
                    journal.header(group, xml if isinstance(xml, bytes) else str(xml).encode())
                if "data" in node and len(node["data"]):
                    journal.acquisitions(group, encode_records(node["data"][:], header_dtype))
        journal.sync()
    finally:
        journal.close()
    os.replace(temp, final)
    fsync_directory(path.parent)


_REBUILD_BATCH = 4096  # acquisitions written with one HDF5 write when a file is rebuilt


def _append_records(group: Any, records: np.ndarray, record_dtype: Any) -> None:
    if "data" not in group:
        group.create_dataset("data", (0,), maxshape=(None,), dtype=record_dtype, chunks=(64,))
    dset = group["data"]
    end = dset.shape[0]
    dset.resize(end + len(records), axis=0)
    dset[end:] = records


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover_raw_file(path: str | Path) -> int | None:
    """Rebuild a raw file that a power cut (or a crash) left with its journal.

    The file is written anew from the journal alone (temporary file, fsync, rename), so it
    opens and holds every header and acquisition reported written; then the journal is
    deleted. Nothing happens to a file without a journal.

    Returns
    -------
    int or None
        The acquisitions in the rebuilt file, or None when there was nothing to recover.
    """
    import h5py
    from ismrmrd.hdf5 import acquisition_dtype, acquisition_header_dtype

    path = Path(path)
    journal = journal_path(path)
    if not journal.exists():
        return None
    frames, _ = read_journal(journal)
    temp = path.with_name(f".{path.name}.rebuilt.tmp")
    count = 0
    try:
        with h5py.File(temp, "w") as rebuilt:
            waiting: list[np.ndarray] = []  # consecutive batches of one group, written together
            waiting_group = ""

            def write_waiting() -> None:
                if waiting:
                    _append_records(rebuilt[waiting_group], np.concatenate(waiting), acquisition_dtype)
                    waiting.clear()

            for frame in frames:
                if frame.kind == HEADER or frame.group != waiting_group or sum(map(len, waiting)) >= _REBUILD_BATCH:
                    write_waiting()
                group = rebuilt.require_group(frame.group)
                if frame.kind == HEADER:
                    if "xml" in group:
                        del group["xml"]
                    group.create_dataset("xml", shape=(1,), dtype=h5py.special_dtype(vlen=bytes))[0] = frame.payload
                    continue
                waiting_group = frame.group
                waiting.append(decode_records(frame.payload, acquisition_dtype, acquisition_header_dtype))
                count += len(waiting[-1])
            write_waiting()
        _fsync_file(temp)
        os.replace(temp, path)
        fsync_directory(path.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OperationFailedError(f"cannot rebuild the raw data file {path} from its journal ({exc}); check the disk.") from None
    journal.unlink()
    fsync_directory(path.parent)
    return count
