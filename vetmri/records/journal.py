"""A crash-safe, multi-process TinyDB storage: per-table snapshots plus one append-only journal.

TinyDB's ``Storage`` API hands over the whole database on every write. This storage keeps
the database in memory, works out which documents a write changed, and appends only those
to ``journal.log`` as **one line per transaction**::

    <crc32 of the JSON, 8 hex digits> <JSON {"ops": [[table, doc_id, document or null], ...]}>\\n

The line is written with one ``write`` and fsynced before the call returns, so an
acknowledged change survives SIGKILL and power cuts; a line torn by a crash fails its
checksum (or lacks its newline) and is dropped on the next read, together with anything
after it. Every operation stores the whole document, so replaying a line twice changes
nothing.

When the journal grows past ``compact_at_bytes`` the tables it touched are written to
``<table>.json`` snapshots (temporary file, fsync, rename) and the journal is replaced by an
empty one. A crash between the two steps only means some journal lines are replayed over
snapshots that already hold them, which is harmless.

Several processes may open the same folder. A writer holds ``LOCK`` exclusively for the
whole transaction and first reads what others appended, so TinyDB's read-modify-write
always starts from the newest state and nobody overwrites anyone. Readers check the
journal's size on every read and take the lock shared to read new lines.

With :class:`~vetmri.records.tinytable.JournalTable` a write journals only the documents
it touched; TinyDB's own ``Table`` also works on this storage, but then every document of a
changed table is journaled (correct, not fast).

Tables named in ``lazy_tables`` are not parsed on open: their snapshot file is opened
(under the same shared lock as the rest, so all tables belong to one state) and read on
first use, with the journal's changes to them kept aside and applied then. Snapshots are
only ever replaced by a rename, never written in place, so the open file still holds the
content of the moment the store was opened.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from vetmri.atomicfile import atomic_write_bytes, fsync_directory
from vetmri.datadir import FILE_MODE, ensure_private_folder
from vetmri.errors import OperationFailedError
from vetmri.records.lock import StoreLock
from vetmri.records.snapshots import (
    DeferredTable,
    Operation,
    damaged_file_error,
    parse_snapshot,
    read_whole,
    without_garbage_scans,
)

__all__ = ["JOURNAL_NAME", "LOCK_NAME", "JournalStorage", "OpenReport"]

JOURNAL_NAME = "journal.log"
LOCK_NAME = "LOCK"
SNAPSHOT_SUFFIX = ".json"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_DEFAULT_COMPACT_AT_BYTES = 8_000_000



@dataclass(frozen=True)
class OpenReport:
    """What the last full load found.

    Attributes
    ----------
    documents : int
        Documents in the tables read on open (not those left to be read on first use).
    journal_lines : int
        Transactions replayed from the journal.
    dropped_tail_bytes : int
        Bytes at the end of the journal that a crash left incomplete (ignored, and cut off
        by the next writer).
    """

    documents: int
    journal_lines: int
    dropped_tail_bytes: int


def encode_line(ops: list[Operation]) -> bytes:
    """One checksummed journal line holding ``ops``."""
    payload = orjson.dumps({"ops": ops})
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def decode_line(line: bytes) -> list[Operation] | None:
    """The operations of a journal line (without its newline), or None when it is torn."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(payload):
            return None
        ops = orjson.loads(payload)["ops"]
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    return [(str(t), str(k), d) for t, k, d in ops]


_NOT_LOADED = object()


class _Tables(dict):
    """What :meth:`JournalStorage.read` returns: every table, read from disk when looked up."""

    def __init__(self, storage: "JournalStorage") -> None:
        super().__init__(storage._tables)
        super().update(dict.fromkeys(storage._deferred, _NOT_LOADED))
        self._storage = storage

    def __getitem__(self, name: str) -> Any:
        value = super().__getitem__(name)
        if value is _NOT_LOADED:
            value = self._storage.load_table(name)
            super().__setitem__(name, value)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default


class JournalStorage(Storage):
    """TinyDB storage on a folder holding ``LOCK``, ``journal.log`` and ``<table>.json``.

    Parameters
    ----------
    folder : Path
        The record folder; created owner-only when missing.
    compact_at_bytes : int
        Journal size past which a committing writer folds it into the snapshots.
    on_change : callable, optional
        Called as ``on_change(table, doc_id, document_or_None)`` after every change, ours
        or another process's, so indexes stay current.
    on_reload : callable, optional
        Called with the whole database after a full (re)load.
    on_foreign_change : callable, optional
        Called after changes by another process were read (TinyDB's query caches are stale).
    lazy_tables : collection of str, optional
        Tables read from disk only when first used.
    on_table_loaded : callable, optional
        Called as ``on_table_loaded(table, documents)`` when a lazy table has been read
        (``on_change`` is not called for lazy tables before that).
    """

    def __init__(
        self,
        folder: Path,
        *,
        compact_at_bytes: int = _DEFAULT_COMPACT_AT_BYTES,
        on_change: Callable[[str, str, dict[str, Any] | None], None] | None = None,
        on_reload: Callable[[dict[str, dict[str, dict]]], None] | None = None,
        on_foreign_change: Callable[[], None] | None = None,
        lazy_tables: Collection[str] = (),
        on_table_loaded: Callable[[str, dict[str, dict]], None] | None = None,
    ) -> None:
        self.folder = ensure_private_folder(Path(folder))
        self.compact_at_bytes = compact_at_bytes
        self._on_change = on_change
        self._on_reload = on_reload
        self._on_foreign_change = on_foreign_change
        self._lazy_tables = frozenset(lazy_tables)
        self._on_table_loaded = on_table_loaded
        self._deferred: dict[str, DeferredTable] = {}
        self._lock = StoreLock(self.folder / LOCK_NAME)
        self._journal_path = self.folder / JOURNAL_NAME
        self._tables: dict[str, dict[str, dict]] = {}
        self._journal_identity: tuple[int, int] | None = None
        self._offset = 0
        self._dirty_tables: set[str] = set()
        self._pending: list[Operation] | None = None
        self._depth = 0
        self._fd = -1
        self.last_open = OpenReport(0, 0, 0)
        with self._lock.shared():
            self._load_all()

    # -- TinyDB's Storage API --------------------------------------------------------------

    def read(self) -> dict[str, dict[str, Any]]:
        if self._depth == 0:
            self.refresh()
        return _Tables(self)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._depth == 0:
            # A write outside a transaction is only safe if nobody wrote since our read.
            with self._lock.exclusive():
                if self._catch_up(truncate_torn_tail=True):
                    raise OperationFailedError(
                        "Another program changed the records at the same moment; nothing was "
                        "saved, please try again."
                    )
                ops = self._apply_write(data)
                if ops:
                    self._commit(ops)
            return
        self._pending.extend(self._apply_write(data))  # type: ignore[union-attr]

    def close(self) -> None:
        self._forget_deferred()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._lock.close()
        # Drop the tables and the callbacks (which usually point back at the owner of this
        # storage), so memory is freed at once rather than at the next full collection.
        self._tables = {}
        self._on_change = self._on_reload = self._on_foreign_change = self._on_table_loaded = None

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one journal line, read-modify-write under the exclusive lock.

        Inside, reads see the newest state of every process. On leaving normally the
        changes are appended and fsynced in one line; on an exception nothing is written
        and the in-memory state is reloaded from disk.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._lock.exclusive():
            self._catch_up(truncate_torn_tail=True)
            self._pending = []
            self._depth = 1
            try:
                yield
                if self._pending:
                    self._commit(self._pending)
            except BaseException:
                self._load_all()
                raise
            finally:
                self._depth = 0
                self._pending = None

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open in this process."""
        return self._depth > 0

    def refresh(self) -> None:
        """Read what other processes appended (cheap when nothing changed)."""
        if not self._journal_changed_on_disk():
            return
        with self._lock.shared():
            self._catch_up(truncate_torn_tail=False)

    def compact(self) -> None:
        """Fold the journal into the table snapshots now."""
        with self._lock.exclusive():
            self._catch_up(truncate_torn_tail=True)
            self._compact()

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """A consistent deep copy of every table (taken under the shared lock)."""
        with self._lock.shared():
            self._catch_up(truncate_torn_tail=False)
            self._load_deferred()
            return orjson.loads(orjson.dumps(self._tables))

    def replace_everything(self, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
        """Make ``tables`` the whole database (a restore), atomically per file, under the lock."""
        for name in tables:
            _check_table_name(name)
        with self._lock.exclusive():
            self._catch_up(truncate_torn_tail=True)
            self._load_deferred()
            # First a journal line holding the full new state, so a crash part-way through
            # the snapshot rewrite still replays to exactly the restored content.
            ops: list[Operation] = [(t, k, None) for t, docs in self._tables.items() for k in docs]
            ops += [(t, str(k), d) for t, docs in tables.items() for k, d in docs.items()]
            for op in ops:
                self._apply(op)
            self._commit(ops, compact=False)
            self._compact()
            if self._on_foreign_change is not None:
                self._on_foreign_change()

    def live_table(self, name: str) -> dict[str, dict]:
        """The in-memory table ``name`` for an in-place change inside :meth:`transaction`.

        Call :meth:`record_changes` with the keys changed afterwards.
        """
        if not self._depth:
            raise RuntimeError("live_table() is only for use inside a transaction")
        _check_table_name(name)
        if name in self._deferred:
            return self.load_table(name)
        return self._tables.setdefault(name, {})

    def load_table(self, name: str) -> dict[str, dict]:
        """The table ``name``, read from its snapshot now if it was left for first use."""
        deferred = self._deferred.get(name)
        if deferred is None:
            return self._tables.get(name, {})
        with without_garbage_scans():
            docs = parse_snapshot(deferred.path, read_whole(deferred.fd, deferred.path))
            for _, key, doc in deferred.ops:
                if doc is None:
                    docs.pop(key, None)
                else:
                    docs[key] = doc
            del self._deferred[name]
            os.close(deferred.fd)
            self._tables[name] = docs
            if self._on_table_loaded is not None:
                self._on_table_loaded(name, docs)
        return docs

    @property
    def loaded_tables(self) -> frozenset[str]:
        """Tables held in memory (the others are on disk, read on first use)."""
        return frozenset(self._tables)

    def record_changes(self, name: str, keys: set[str]) -> None:
        """Journal the documents ``keys`` of ``name`` that were changed in place."""
        table = self._tables.get(name, {})
        ops: list[Operation] = []
        for key in sorted(keys):
            doc = table.get(key)
            ops.append((name, key, None if doc is None else dict(doc)))
        for op in ops:
            self._apply(op)
        self._pending.extend(ops)  # type: ignore[union-attr]

    @property
    def lock(self) -> StoreLock:
        """The folder's lock (for callers that must read a consistent state)."""
        return self._lock

    # -- internals ---------------------------------------------------------------------------

    def _apply_write(self, data: dict[str, dict[str, Any]]) -> list[Operation]:
        ops: list[Operation] = []
        for name in set(self._tables) | set(self._deferred) | set(data):
            new = dict.get(data, name, {})  # not _Tables.get: an untouched table stays on disk
            if new is _NOT_LOADED:
                continue
            old = self.load_table(name) if name in self._deferred else self._tables.get(name, {})
            if new is old:
                continue
            _check_table_name(name)
            for key in old.keys() - new.keys():
                ops.append((name, key, None))
            for key, doc in new.items():  # TinyDB may have changed any document in place
                ops.append((name, key, dict(doc)))
        for op in ops:
            self._apply(op)
        return ops

    def _apply(self, op: Operation) -> None:
        name, key, doc = op
        deferred = self._deferred.get(name)
        if deferred is not None:
            deferred.ops.append(op)
            self._dirty_tables.add(name)
            return
        table = self._tables.setdefault(name, {})
        if doc is None:
            table.pop(key, None)
        else:
            table[key] = doc
        self._dirty_tables.add(name)
        if self._on_change is not None:
            self._on_change(name, key, doc)

    def _commit(self, ops: list[Operation], *, compact: bool = True) -> None:
        self._ensure_journal_open()
        line = encode_line(ops)
        view = memoryview(line)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fdatasync(self._fd) if hasattr(os, "fdatasync") else os.fsync(self._fd)
        except OSError as exc:
            self._load_all()
            raise OperationFailedError(
                f"The records could not be saved ({exc.strerror}); free disk space or check "
                f"the data folder {self.folder}, then try again."
            ) from None
        self._offset += len(line)
        if compact and self._offset >= self.compact_at_bytes:
            self._compact()

    def _compact(self) -> None:
        for stale in self.folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)  # left by a compaction a crash interrupted
        for name in sorted(self._dirty_tables):
            self.load_table(name)
            payload = {"table": name, "docs": self._tables.get(name, {})}
            atomic_write_bytes(self.folder / f"{name}{SNAPSHOT_SUFFIX}", orjson.dumps(payload))
        atomic_write_bytes(self._journal_path, b"", mode=FILE_MODE)
        self._dirty_tables.clear()
        self._reopen_journal()

    def _ensure_journal_open(self) -> None:
        if self._fd < 0 or self._journal_changed_identity():
            self._reopen_journal()

    def _reopen_journal(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        existed = self._journal_path.exists()
        self._fd = os.open(self._journal_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
        if not existed:
            fsync_directory(self.folder)
        info = os.fstat(self._fd)
        identity = (info.st_dev, info.st_ino)
        if identity != self._journal_identity:
            self._journal_identity = identity
            self._offset = 0

    def _journal_stat(self) -> os.stat_result | None:
        try:
            return os.stat(self._journal_path)
        except FileNotFoundError:
            return None

    def _journal_changed_identity(self) -> bool:
        info = self._journal_stat()
        return info is not None and (info.st_dev, info.st_ino) != self._journal_identity

    def _journal_changed_on_disk(self) -> bool:
        info = self._journal_stat()
        if info is None:
            return self._journal_identity is not None
        return (info.st_dev, info.st_ino) != self._journal_identity or info.st_size != self._offset

    def _catch_up(self, *, truncate_torn_tail: bool) -> bool:
        """Apply what is new in the journal (reload all if it was compacted); whether
        anything changed."""
        if self._journal_changed_identity() or (
            self._journal_identity is not None and self._journal_stat() is None
        ):
            self._load_all()
            if self._on_foreign_change is not None:
                self._on_foreign_change()
            if truncate_torn_tail and self.last_open.dropped_tail_bytes:
                os.ftruncate(self._fd, self._offset)
                os.fsync(self._fd)
            return True
        self._ensure_journal_open()
        lines, torn = self._read_journal_from(self._offset)
        for ops, end in lines:
            for op in ops:
                self._apply(op)
            self._offset = end
        if truncate_torn_tail and torn:
            os.ftruncate(self._fd, self._offset)
            os.fsync(self._fd)
        if lines and self._on_foreign_change is not None:
            self._on_foreign_change()
        return bool(lines)

    def _read_journal_from(self, offset: int) -> tuple[list[tuple[list[Operation], int]], int]:
        """Complete, intact lines from ``offset`` with the offset after each, and torn bytes."""
        data = os.pread(self._fd, max(0, os.fstat(self._fd).st_size - offset), offset)
        lines: list[tuple[list[Operation], int]] = []
        position = 0
        while position < len(data):
            end = data.find(b"\n", position)
            if end < 0:
                break
            ops = decode_line(data[position:end])
            if ops is None:
                break
            position = end + 1
            lines.append((ops, offset + position))
        return lines, len(data) - position

    def _load_all(self) -> None:
        with without_garbage_scans():
            self._load_files()

    def _load_deferred(self) -> None:
        for name in list(self._deferred):
            self.load_table(name)

    def _forget_deferred(self) -> None:
        for deferred in self._deferred.values():
            os.close(deferred.fd)
        self._deferred = {}

    def _load_files(self) -> None:
        self._forget_deferred()
        tables: dict[str, dict[str, dict]] = {}
        deferred: dict[str, DeferredTable] = {}
        try:
            for path in sorted(self.folder.glob(f"*{SNAPSHOT_SUFFIX}")):
                name = path.name[: -len(SNAPSHOT_SUFFIX)]
                if not _TABLE_NAME.match(name):
                    continue
                try:
                    fd = os.open(path, os.O_RDONLY)
                except OSError as exc:
                    raise damaged_file_error(path, exc) from None
                if name in self._lazy_tables:
                    deferred[name] = DeferredTable(path, fd, [])
                    continue
                try:
                    tables[name] = parse_snapshot(path, read_whole(fd, path))
                finally:
                    os.close(fd)
        except BaseException:
            for table in deferred.values():
                os.close(table.fd)
            raise
        self._tables = tables
        self._deferred = deferred
        self._dirty_tables = set()
        self._journal_identity = None
        self._offset = 0
        self._reopen_journal()
        lines, torn = self._read_journal_from(0)
        on_change, self._on_change = self._on_change, None
        try:
            for ops, end in lines:
                for op in ops:
                    self._apply(op)
                self._offset = end
        finally:
            self._on_change = on_change
        count = sum(len(t) for t in self._tables.values())
        self.last_open = OpenReport(count, len(lines), torn)
        if self._on_reload is not None:
            self._on_reload(self._tables)


def _check_table_name(name: str) -> None:
    if not _TABLE_NAME.match(name):
        raise ValueError(f"table name {name!r} is not lower-case letters, digits and _")
