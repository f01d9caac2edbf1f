"""Reading ``<table>.json`` snapshots: whole-file reads, parsing, tables left for first use.

Helpers of :mod:`vetmri.records.journal`. A snapshot is only ever replaced by a rename,
never written in place, so a snapshot file opened once keeps the content it had then.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from vetmri.errors import OperationFailedError

__all__ = ["DeferredTable", "Operation", "damaged_file_error", "parse_snapshot", "read_whole", "without_garbage_scans"]

#: One change: (table, doc_id as text, the whole document or None for a delete).
Operation = tuple[str, str, dict[str, Any] | None]


@dataclass
class DeferredTable:
    """A table whose snapshot is open but not yet read, and the journal's changes to it."""

    path: Path
    fd: int
    ops: list[Operation]


@contextmanager
def without_garbage_scans() -> Iterator[None]:
    """Load many long-lived objects without the cyclic garbage collector scanning them.

    Loading makes hundreds of thousands of small containers (documents and their index
    entries), none of them garbage. With the collector running they would be scanned
    again and again while loading, and once more by the first collection afterwards (about
    100 ms at 20,000 pets). So the collector is paused while loading and the survivors are
    then moved straight into its oldest generation (``gc.freeze`` then ``gc.unfreeze``),
    which only the rare full collections look at. Objects are never hidden from the
    collector for good.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if collecting:
            gc.enable()


def damaged_file_error(path: Path, exc: BaseException) -> OperationFailedError:
    return OperationFailedError(
        f"The record file {path} is damaged ({type(exc).__name__}); restore the "
        "latest backup with 'vetmri records restore'."
    )


def read_whole(fd: int, path: Path) -> bytes:
    """All bytes of the open file ``fd`` (from its start, whatever its position)."""
    try:
        size = os.fstat(fd).st_size
        chunks = []
        offset = 0
        while True:
            chunk = os.pread(fd, max(size - offset, 1 << 16), offset)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            offset += len(chunk)
    except OSError as exc:
        raise damaged_file_error(path, exc) from None


def parse_snapshot(path: Path, data: bytes) -> dict[str, dict]:
    """The documents of a ``<table>.json`` snapshot."""
    try:
        docs = orjson.loads(data)["docs"]
        if not isinstance(docs, dict):
            raise TypeError("docs is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise damaged_file_error(path, exc) from None
    return docs
