"""A lock file shared by every process that opens the same record folder.

Writers hold it exclusively for the whole read-modify-write of one transaction; readers
hold it shared while they read what other processes appended. ``fcntl.flock`` locks are
released by the kernel when a process dies, so a killed writer never leaves the store
locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vetmri.datadir import FILE_MODE

__all__ = ["StoreLock"]


class StoreLock:
    """The ``LOCK`` file of one record folder.

    Re-entrant within one process: an exclusive hold covers nested shared requests.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        os.fchmod(self._fd, FILE_MODE)
        self._exclusive_depth = 0
        self._shared_depth = 0

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock alone (a writer)."""
        if self._exclusive_depth == 0:
            if self._shared_depth:
                raise RuntimeError("cannot upgrade a shared record lock to exclusive")
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        self._exclusive_depth += 1
        try:
            yield
        finally:
            self._exclusive_depth -= 1
            if self._exclusive_depth == 0:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock with other readers (no writer runs meanwhile)."""
        if self._exclusive_depth or self._shared_depth:
            self._shared_depth += 1
            try:
                yield
            finally:
                self._shared_depth -= 1
            return
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        self._shared_depth += 1
        try:
            yield
        finally:
            self._shared_depth -= 1
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    @property
    def held_exclusively(self) -> bool:
        """Whether this process holds the lock as a writer now."""
        return self._exclusive_depth > 0

    def close(self) -> None:
        """Release the file (and any lock still held)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
