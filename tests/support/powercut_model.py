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

    # -- power on: what is on the disk now is durable ------------------------------------------

    def load(self, root: Path) -> None:
        """Forget everything and take the tree under ``root`` as durable."""
        self.names, self.content, self.modes, self.pending, self.live = {"/": DIR}, {}, {}, [], {}
        for folder, dirs, files in os.walk(root):
            rel = "/" + os.path.relpath(folder, root).replace(os.sep, "/")
            rel = "/" if rel == "/." else rel
            for name in dirs:
                self.names[_join(rel, name)] = DIR
            for name in files:
                fid = self.new_fid()
                path = _join(rel, name)
                full = Path(folder) / name
                self.names[path] = self.live[path] = fid
                self.content[fid] = bytearray(full.read_bytes())
                self.modes[fid] = full.stat().st_mode & 0o7777

    def new_fid(self) -> int:
        self.next_fid += 1
        return self.next_fid

    # -- changes -----------------------------------------------------------------------------

    def write(self, fid: int, offset: int, data: bytes) -> None:
        self.pending.append(_Op("write", fid=fid, offset=offset, data=bytes(data)))

    def truncate(self, fid: int, size: int) -> None:
        self.pending.append(_Op("truncate", fid=fid, offset=size))

    def create(self, path: str, mode: int) -> int:
        fid = self.new_fid()
        self.live[path] = fid
        self.modes[fid] = mode & 0o7777
        self.pending.append(_Op("link", fid=fid, path=path, folders=(parent_of(path),)))
        return fid

    def mkdir(self, path: str) -> None:
        self.pending.append(_Op("mkdir", path=path, folders=(parent_of(path),)))

    def unlink(self, path: str) -> None:
        self.live.pop(path, None)
        self.pending.append(_Op("unlink", path=path, folders=(parent_of(path),)))

    def rmdir(self, path: str) -> None:
        self.pending.append(_Op("rmdir", path=path, folders=(parent_of(path),)))

    def rename(self, source: str, target: str) -> None:
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
        survive is lost, as a disk check would leave it)."""
        for child in root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        alive = {"/"}
        for path in sorted(self.names, key=lambda p: (p.count("/"), p)):
            if path == "/" or parent_of(path) not in alive:
                continue
            full = root / path.lstrip("/")
            fid = self.names[path]
            if fid == DIR:
                full.mkdir()
                alive.add(path)
            else:
                full.write_bytes(bytes(self.content.get(fid, b"")))
                os.chmod(full, self.modes.get(fid, 0o600))

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
