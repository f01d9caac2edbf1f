"""Writing the raw MRD file of an exam: one HDF5 file, one group per series named
``NN_<series-name>``, the XML header first, then acquisitions appended one by one.

Every append is followed by an HDF5 flush: a process killed mid-scan (power cut, SIGKILL)
leaves a file that still opens and holds every acquisition appended before the kill.
Acquisitions that arrive together (a simulated slice group) are appended with one write
and one flush. The file layout is the one of the ``ismrmrd`` package (``<group>/xml``, ``<group>/data``
with the MRD acquisition record type), so other MRD tools read it.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
from collections.abc import Sequence
from typing import Any

import numpy as np

from vetmri.errors import OperationFailedError
from vetmri.rawdata.acquisition import Acquisition, acquisition_to_mrd
from vetmri.rawdata.header import SeriesHeader, header_to_xml

__all__ = ["RawExamWriter", "SeriesWriter", "series_group_name"]


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
        return f"the disk holding {path.parent} is full ({free // 1024} KiB free)"
    return None


class RawExamWriter:
    """The raw file of one exam, open for appending (a context manager).

    Parameters
    ----------
    path : path-like
        The ``.h5`` file; created if missing, appended to if it exists (a resumed exam).
    """

    def __init__(self, path: str | Path) -> None:
        import h5py

        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = h5py.File(self.path, "a")
        except OSError as exc:
            raise OperationFailedError(f"cannot open the raw data file {self.path} for writing ({exc}); check the disk and its permissions.") from None
        from ismrmrd.hdf5 import acquisition_dtype, acquisition_header_dtype

        self._record_dtype = acquisition_dtype
        self._header_dtype = acquisition_header_dtype
        self._datasets: dict[str, Any] = {}

    def __enter__(self) -> RawExamWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _check_room(self, nbytes: int) -> None:
        problem = _room_problem(self.path, nbytes)
        if problem is not None:
            raise OperationFailedError(f"Cannot append to the raw data: {problem}; free disk space and resume the scan.")

    def close(self) -> None:
        if self._file.id.valid:
            self._file.flush()
            self._file.close()

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
        dset = group.create_dataset("xml", shape=(1,), dtype=h5py.special_dtype(vlen=bytes))
        dset[0] = xml
        self._file.flush()
        return SeriesWriter(self, group_name)

    def _append(self, group_name: str, acquisitions: Sequence[Acquisition]) -> None:
        self._check_room(sum(a.data.nbytes for a in acquisitions) + 400 * len(acquisitions))
        records = np.empty((len(acquisitions),), dtype=self._record_dtype)
        for i, acquisition in enumerate(acquisitions):
            records[i]["head"] = np.frombuffer(acquisition_to_mrd(acquisition).getHead(), dtype=self._header_dtype)
            records[i]["data"] = acquisition.data.view(np.float32).reshape(-1)
            records[i]["traj"] = np.zeros(0, dtype=np.float32)
        try:
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
