"""What the screens share: the settings and one open record store, used from workers.

The store is opened on first use (in a worker, never on the UI thread) and guarded by a
lock, so two workers never use it at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["CoreContext"]


class CoreContext:
    """The settings file and data folder the app works on.

    Parameters
    ----------
    clock : callable, optional
        Returns the present (the header's clock); tests pass a fixed one.
    """

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or datetime.now
        self._lock = threading.RLock()
        self._store: RecordStore | None = None

    def settings(self) -> "Settings":
        """The settings as the file says now (re-read, so changes show at once)."""
        from vetmri.settings import load_settings

        return load_settings()

    @contextmanager
    def store(self) -> Iterator["RecordStore"]:
        """The record store, for one worker at a time."""
        with self._lock:
            if self._store is None:
                from vetmri.records.store import open_store

                settings = self.settings()
                self._store = open_store(settings.data.dir, uid_root=settings.dicom.uid_root)
            yield self._store

    def reopen(self) -> None:
        """Close the store so that the next use opens the (possibly new) data folder."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def close(self) -> None:
        self.reopen()
