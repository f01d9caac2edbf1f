"""What a disk has made durable, and what a power cut throws away.

The model behind :mod:`powercut_fs`. Every change to a file (write, truncate) is kept
pending until that file is fsynced (``fsync``/``fdatasync``); every change to a name
(create, mkdir, unlink, rmdir, rename) is kept pending until its folder is fsynced. A cut
throws the pending changes away: all of them, or (``mode="subset"``) a random subset,
applying the others in their order, as a disk that reorders its writes may leave.

Paths are the file system's own (``/records/journal.log``); a file is known by an id
that follows it through renames, so data written before a rename stays with the file.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CutReport", "DiskModel", "parent_of"]

DIR = -1  # the id of every folder in the name table


def parent_of(path: str) -> str:
    """The folder of a file system path (``/`` for a top-level name)."""
    head = path.rsplit("/", 1)[0]
    return head or "/"


@dataclass
class _Op:
    kind: str  # write, truncate, link, mkdir, unlink, rmdir, rename
    fid: int = 0
    path: str = ""
    target: str = ""
    offset: int = 0
    data: bytes = b""
    folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class CutReport:
    """What a cut did: pending changes thrown away and kept (``subset`` mode only)."""

    dropped: int
    kept: int


@dataclass
class DiskModel:
    """The durable state of a folder tree and the changes still pending."""

    names: dict[str, int] = field(default_factory=dict)  # durable path -> file id (DIR for folders)
    content: dict[int, bytearray] = field(default_factory=dict)  # durable file id -> bytes
    modes: dict[int, int] = field(default_factory=dict)
    pending: list[_Op] = field(default_factory=list)
    live: dict[str, int] = field(default_factory=dict)  # current path -> file id
    next_fid: int = 1
    touched: set[str] = field(default_factory=set)  # paths changed since the power came on
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns) as loaded

    # -- power on: what is on the disk now is durable ------------------------------------------

    def load(self, root: Path) -> None:
        """Take the tree under ``root`` as durable (files unchanged since the last load or
        :meth:`materialize` are not read again)."""
        old_names, old_content, old_stamps = self.names, self.content, self.stamps
        self.names, self.content, self.pending, self.live, self.stamps = {"/": DIR}, {}, [], {}, {}
        modes, self.modes = self.modes, {}
        for folder, dirs, files in os.walk(root):
            rel = "/" + os.path.relpath(folder, root).replace(os.sep, "/")
            rel = "/" if rel == "/." else rel
            for name in dirs:
                self.names[_join(rel, name)] = DIR
            for name in files:
                path = _join(rel, name)
                full = Path(folder) / name
                info = full.stat()
                stamp = (info.st_size, info.st_mtime_ns)
                fid = old_names.get(path, DIR)
                if fid != DIR and old_stamps.get(path) == stamp and fid in old_content:
                    self.content[fid] = old_content[fid]
                else:
                    fid = self.new_fid()
                    self.content[fid] = bytearray(full.read_bytes())
                self.names[path] = self.live[path] = fid
                self.modes[fid] = info.st_mode & 0o7777
                self.stamps[path] = stamp
        self.touched = set()

    def new_fid(self) -> int:
        self.next_fid += 1
        return self.next_fid

    # -- changes -----------------------------------------------------------------------------

    def write(self, fid: int, offset: int, data: bytes) -> None:
        self.touched.update(p for p, f in self.live.items() if f == fid)
        self.pending.append(_Op("write", fid=fid, offset=offset, data=bytes(data)))

    def truncate(self, fid: int, size: int) -> None:
        self.touched.update(p for p, f in self.live.items() if f == fid)
        self.pending.append(_Op("truncate", fid=fid, offset=size))

    def create(self, path: str, mode: int) -> int:
        self.touched.add(path)
        fid = self.new_fid()
        self.live[path] = fid
        self.modes[fid] = mode & 0o7777
        self.pending.append(_Op("link", fid=fid, path=path, folders=(parent_of(path),)))
        return fid

    def mkdir(self, path: str) -> None:
        self.touched.add(path)
        self.pending.append(_Op("mkdir", path=path, folders=(parent_of(path),)))

    def unlink(self, path: str) -> None:
        self.touched.add(path)
        self.live.pop(path, None)
        self.pending.append(_Op("unlink", path=path, folders=(parent_of(path),)))

    def rmdir(self, path: str) -> None:
        self.touched.add(path)
        self.pending.append(_Op("rmdir", path=path, folders=(parent_of(path),)))

    def rename(self, source: str, target: str) -> None:
        self.touched.update((source, target))
        fid = self.live.get(source, DIR)
        _move(self.live, source, target)
        folders = tuple(dict.fromkeys((parent_of(source), parent_of(target))))
        self.pending.append(_Op("rename", fid=fid, path=source, target=target, folders=folders))

    # -- making changes durable ------------------------------------------------------------------

    def fsync_file(self, fid: int) -> None:
        self._settle(lambda op: op.kind in ("write", "truncate") and op.fid == fid)

    def fsync_folder(self, folder: str) -> None:
        self._settle(lambda op: folder in op.folders)

    def cut(self, mode: str, rng: random.Random, keep_fraction: float = 0.5) -> CutReport:
        """Throw pending changes away (all, or a random subset in order) and keep the rest."""
        if mode not in ("all", "subset"):
            raise ValueError(f"cut mode is 'all' or 'subset', not {mode!r}")
        kept = 0
        if mode == "subset":
            for op in self.pending:
                if rng.random() < keep_fraction:
                    self._apply(op)
                    kept += 1
        dropped = len(self.pending) - kept
        self.pending = []
        return CutReport(dropped, kept)

    def materialize(self, root: Path) -> None:
        """Make the tree under ``root`` exactly the durable state (a file whose folder did not
        survive is lost, as a disk check would leave it). Only paths changed since the power
        came on can differ, so only those (and what lies below them) are rewritten."""
        for path in sorted(self.touched, key=lambda p: (p.count("/"), p)):
            full = root / path.lstrip("/")
            if full.is_dir() and not full.is_symlink():
                shutil.rmtree(full)
            elif full.exists() or full.is_symlink():
                full.unlink()
            for stale in [p for p in self.stamps if p == path or p.startswith(path + "/")]:
                del self.stamps[stale]
        rewritten = [p for p in self.names if p != "/" and any(p == t or p.startswith(t + "/") for t in self.touched)]
        for path in sorted(rewritten, key=lambda p: (p.count("/"), p)):
            full = root / path.lstrip("/")
            if not full.parent.is_dir() or not self._alive(parent_of(path)):
                continue
            fid = self.names[path]
            if fid == DIR:
                full.mkdir(exist_ok=True)
            else:
                full.write_bytes(bytes(self.content.get(fid, b"")))
                os.chmod(full, self.modes.get(fid, 0o600))
                info = full.stat()
                self.stamps[path] = (info.st_size, info.st_mtime_ns)
        self.touched = set()

    def _alive(self, folder: str) -> bool:
        """Whether ``folder`` and all its parents are durable folders."""
        while folder != "/":
            if self.names.get(folder) != DIR:
                return False
            folder = parent_of(folder)
        return True

    # -- internals ---------------------------------------------------------------------------

    def _settle(self, durable_now) -> None:
        rest = []
        for op in self.pending:
            if durable_now(op):
                self._apply(op)
            else:
                rest.append(op)
        self.pending = rest

    def _apply(self, op: _Op) -> None:
        if op.kind == "write":
            buf = self.content.setdefault(op.fid, bytearray())
            end = op.offset + len(op.data)
            if len(buf) < end:
                buf.extend(bytes(end - len(buf)))
            buf[op.offset:end] = op.data
        elif op.kind == "truncate":
            buf = self.content.setdefault(op.fid, bytearray())
            del buf[op.offset:]
            buf.extend(bytes(op.offset - len(buf)))
        elif op.kind == "link":
            self.names[op.path] = op.fid
            self.content.setdefault(op.fid, bytearray())
        elif op.kind == "mkdir":
            self.names[op.path] = DIR
        elif op.kind in ("unlink", "rmdir"):
            _move(self.names, op.path, None)
        elif op.kind == "rename":
            if op.path in self.names:
                _move(self.names, op.path, op.target)
            else:  # its creation is not durable (yet): the name appears anyway, as reordered
                _move(self.names, op.target, None)
                self.names[op.target] = op.fid
                self.content.setdefault(op.fid, bytearray())


def _join(folder: str, name: str) -> str:
    return f"/{name}" if folder == "/" else f"{folder}/{name}"


def _move(table: dict[str, int], source: str, target: str | None) -> None:
    """Move (or with ``target=None`` drop) ``source`` and everything below it."""
    prefix = source + "/"
    below = [p for p in table if p.startswith(prefix)]
    if target is not None:
        for path in [p for p in table if p == target or p.startswith(target + "/")]:
            del table[path]
    for path in [source, *below]:
        if path not in table:
            continue
        value = table.pop(path)
        if target is not None:
            table[target + path[len(source):]] = value
