"""The journal of acquisitions beside a raw file being written: what makes raw data durable.

HDF5 is not crash-safe: a flush reaches the page cache, not the disk, and a power cut that
tears a metadata write can make the whole file unreadable. So while a raw file is open for
writing, every series header and every batch of acquisitions is also appended to
``<file>.journal`` as one checksummed frame and fdatasynced before the write returns::

    b"MRDJ" kind(1: H header, A acquisitions) group_len(u16) payload_len(u64) crc32(u32)
    group name, payload

A frame torn by a cut fails its checksum and is ignored with everything after it. The
journal holds the whole content of the file (a resumed file is copied into it first), so
:func:`recover_raw_file` can rebuild the file from the journal alone, whatever state the
cut left the HDF5 file in. When the writer closes cleanly the file is fsynced and the
journal deleted: a journal left beside a file means the file was not closed.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vetmri.atomicfile import fsync_directory

__all__ = ["AcquisitionJournal", "JournalFrame", "journal_path", "read_journal"]

_MAGIC = b"MRDJ"
_FRAME = struct.Struct("<4sBHQI")
HEADER, ACQUISITIONS = 1, 2


def journal_path(path: Path) -> Path:
    """The journal beside the raw file ``path``."""
    path = Path(path)
    return path.with_name(path.name + ".journal")


@dataclass(frozen=True)
class JournalFrame:
    """One intact frame: a series header (XML bytes) or a batch of acquisitions."""

    kind: int
    group: str
    payload: bytes


def encode_records(records: np.ndarray, header_dtype: np.dtype) -> bytes:
    """A batch of MRD acquisition records (heads, then each readout's float32 samples)."""
    heads = np.ascontiguousarray(records["head"]).astype(header_dtype, copy=False).tobytes()
    sizes = np.array([len(r["data"]) for r in records], dtype="<u4")
    samples = b"".join(np.asarray(r["data"], dtype="<f4").tobytes() for r in records)
    return struct.pack("<I", len(records)) + heads + sizes.tobytes() + samples


def decode_records(payload: bytes, record_dtype: np.dtype, header_dtype: np.dtype) -> np.ndarray:
    """The records :func:`encode_records` wrote."""
    (count,) = struct.unpack_from("<I", payload)
    offset = 4
    records = np.empty((count,), dtype=record_dtype)
    records["head"] = np.frombuffer(payload, dtype=header_dtype, count=count, offset=offset)
    offset += count * header_dtype.itemsize
    sizes = np.frombuffer(payload, dtype="<u4", count=count, offset=offset)
    offset += 4 * count
    for i, size in enumerate(sizes):
        records[i]["data"] = np.frombuffer(payload, dtype="<f4", count=int(size), offset=offset).copy()
        records[i]["traj"] = np.zeros(0, dtype=np.float32)
        offset += 4 * int(size)
    return records


def read_journal(path: Path) -> tuple[list[JournalFrame], int]:
    """The intact frames of a journal and the offset where they end (torn bytes follow)."""
    data = Path(path).read_bytes()
    frames, offset = [], 0
    for frame, end in _frames(data):
        frames.append(frame)
        offset = end
    return frames, offset


def _frames(data: bytes) -> Iterator[tuple[JournalFrame, int]]:
    offset = 0
    while offset + _FRAME.size <= len(data):
        magic, kind, group_len, payload_len, crc = _FRAME.unpack_from(data, offset)
        start = offset + _FRAME.size
        end = start + group_len + payload_len
        if magic != _MAGIC or kind not in (HEADER, ACQUISITIONS) or not group_len or end > len(data):
            return
        body = data[start:end]
        if zlib.crc32(body) != crc:
            return
        yield JournalFrame(kind, body[:group_len].decode("utf-8"), body[group_len:]), end
        offset = end


class AcquisitionJournal:
    """The journal of one raw file, open for appending (frames are durable when a call returns).

    Parameters
    ----------
    path : Path
        The journal file; created (and its name made durable) when missing, cut back to its
        last intact frame when it exists.
    sync : bool
        fdatasync every frame (False: only on :meth:`sync`, for a journal written whole
        under a temporary name).
    """

    def __init__(self, path: Path, *, sync: bool = True) -> None:
        self.path = Path(path)
        self._sync = sync
        existed = self.path.exists()
        end = read_journal(self.path)[1] if existed else 0
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if existed and os.fstat(self._fd).st_size != end:
                os.ftruncate(self._fd, end)
                os.fsync(self._fd)
            os.lseek(self._fd, end, os.SEEK_SET)
            if not existed:
                os.fsync(self._fd)
                fsync_directory(self.path.parent)
        except BaseException:
            os.close(self._fd)
            raise

    def header(self, group: str, xml: bytes) -> None:
        """Journal the XML header of a series."""
        self._append(HEADER, group, xml)

    def acquisitions(self, group: str, payload: bytes) -> None:
        """Journal a batch of acquisitions (:func:`encode_records`)."""
        self._append(ACQUISITIONS, group, payload)

    def _append(self, kind: int, group: str, payload: bytes) -> None:
        name = group.encode("utf-8")
        body = name + payload
        view = memoryview(_FRAME.pack(_MAGIC, kind, len(name), len(payload), zlib.crc32(body)) + body)
        while view:
            view = view[os.write(self._fd, view):]
        if self._sync:
            self.sync()

    def sync(self) -> None:
        """Make every frame written so far durable."""
        os.fdatasync(self._fd) if hasattr(os, "fdatasync") else os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def remove(self) -> None:
        """Delete the journal (the raw file is complete and durable without it)."""
        self.close()
        self.path.unlink(missing_ok=True)
        fsync_directory(self.path.parent)
