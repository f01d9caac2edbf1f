"""Writing the raw MRD file of an exam: one HDF5 file, one group per series named
``NN_<series-name>``, the XML header first, then acquisitions appended one by one.

Every append is followed by an HDF5 flush: a process killed mid-scan (power cut, SIGKILL)
leaves a file that still opens and holds every acquisition appended before the kill.
The file layout is the one of the ``ismrmrd`` package (``<group>/xml``, ``<group>/data``
with the MRD acquisition record type), so other MRD tools read it.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType
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
        if acquisition.is_noise and self._imaging_started:
            raise ValueError("noise-measurement acquisitions must be written before the imaging data of a series")
        if not acquisition.is_noise:
            self._imaging_started = True
        self._exam._append(self.group, acquisition)
        self.count += 1


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

    def __enter__(self) -> RawExamWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._file.id.valid:
            self._file.flush()
            self._file.close()

    def open_series(self, header: SeriesHeader) -> SeriesWriter:
        """Create (or reopen) the group of a series and write its XML header.

        Returns
        -------
        SeriesWriter
            Appends the series' acquisitions.
        """
        import h5py

        group_name = series_group_name(header.series_index, header.series_name)
        group = self._file.require_group(group_name)
        xml = header_to_xml(header).encode()
        if "xml" in group:
            del group["xml"]
        dset = group.create_dataset("xml", shape=(1,), dtype=h5py.special_dtype(vlen=bytes))
        dset[0] = xml
        self._file.flush()
        return SeriesWriter(self, group_name)

    def _append(self, group_name: str, acquisition: Acquisition) -> None:
        group = self._file[group_name]
        mrd = acquisition_to_mrd(acquisition)
        record = np.empty((1,), dtype=self._record_dtype)
        record[0]["head"] = np.frombuffer(mrd.getHead(), dtype=self._header_dtype)
        record[0]["data"] = acquisition.data.view(np.float32).reshape(-1)
        record[0]["traj"] = np.zeros(0, dtype=np.float32)
        try:
            if "data" in group:
                dset: Any = group["data"]
                dset.resize(dset.shape[0] + 1, axis=0)
            else:
                dset = group.create_dataset("data", (1,), maxshape=(None,), dtype=self._record_dtype, chunks=(64,))
            dset[-1] = record[0]
            self._file.flush()
        except OSError as exc:
            raise OperationFailedError(f"cannot append to the raw data file {self.path} ({exc}); check free disk space.") from None
