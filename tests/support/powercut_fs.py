"""A FUSE passthrough that loses, on a simulated power cut, everything not yet made durable.

:class:`PowerCutDisk` mounts a folder (the *backing* folder) at a mount point through a
small FUSE file system served by a child process (``mfusepy`` on Debian's ``fuse3``). I/O
passes through to the backing folder at once, so the programs under test see an ordinary
file system, while :class:`powercut_model.DiskModel` notes which changes were made
durable by ``fsync``/``fdatasync`` (of the file; of the folder for names).

A test arms the disk to lose power at the N-th change from now. That change and every
later call fail with EIO and :attr:`PowerCutDisk.power_off` turns true, so the program can
tell which of its calls returned while the power was on (those it reported as done).
:meth:`PowerCutDisk.cut` then throws away the pending changes and rewrites the backing
folder to what survived; the test checks it directly (no FUSE in between), and
:meth:`PowerCutDisk.power_on` takes it as the new durable state for the next round.

Needs /dev/fuse, Debian's ``fuse3`` and ``mfusepy`` (root, as CI runs); set
``POWERCUT_TRACE=1`` to print every change the file system sees.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

from powercut_model import CutReport, DiskModel

__all__ = ["PowerCutDisk", "fuse_missing"]


def fuse_missing() -> str | None:
    """Why the power-cut file system cannot be mounted here, or None when it can."""
    if not os.path.exists("/dev/fuse"):
        return ("The power-cut tests need /dev/fuse (FUSE), which this machine lacks: run them "
                "where FUSE is available (as root, or in a container started with --device /dev/fuse).")
    if shutil.which("fusermount3") is None:
        return "The power-cut tests need the Debian package fuse3: run 'make system-deps' (apt-get install fuse3)."
    try:
        import mfusepy  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"The power-cut tests need mfusepy and libfuse3 ({exc}): run 'make .venv/.installed-test system-deps'."
    return None


def _serve(root: str, mountpoint: str, conn, power, changes, target) -> None:
    from mfusepy import FUSE, FuseOSError, Operations

    model = DiskModel()
    model.load(Path(root))
    lock = threading.Lock()
    files: dict[int, int] = {}  # open backing fd -> file id

    trace = os.environ.get("POWERCUT_TRACE")

    def gate(*what: object) -> None:
        """Count one change; the armed one and all after the cut fail."""
        if trace:
            print("change", changes.value + 1, *what, "(power off)" if power.value else "", flush=True)
        if power.value:
            raise FuseOSError(errno.EIO)
        changes.value += 1
        if target.value and changes.value >= target.value:
            power.value = 1
            raise FuseOSError(errno.EIO)

    def alive() -> None:
        if power.value:
            raise FuseOSError(errno.EIO)

    def real(path: str) -> str:
        return root + path

    class PowerCutFS(Operations):
        use_ns = True

        def getattr(self, path, fh=None):
            with lock:
                alive()
                st = os.fstat(fh) if path is None and fh is not None else os.lstat(real(path))
                keys = ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime_ns", "st_mtime_ns", "st_ctime_ns")
                attrs = {key: getattr(st, key) for key in keys}
                for key in ("st_atime", "st_mtime", "st_ctime"):
                    attrs[key] = attrs.pop(key + "_ns")
                return attrs

        def readdir(self, path, fh):
            with lock:
                alive()
                return [".", "..", *os.listdir(real(path))]

        def access(self, path, amode):
            with lock:
                alive()
                return 0 if os.access(real(path), amode) else -errno.EACCES

        def statfs(self, path):
            st = os.statvfs(real(path))
            return {key: getattr(st, key) for key in ("f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail",
                                                      "f_files", "f_ffree", "f_favail", "f_flag", "f_namemax")}

        def open(self, path, flags):
            with lock:
                if flags & os.O_TRUNC:
                    gate("open-truncate", path)
                else:
                    alive()
                fd = os.open(real(path), flags & ~(os.O_APPEND | os.O_CREAT | os.O_EXCL))
                fid = model.live.get(path)
                if fid is None:  # a file that appeared behind our back: take it as it is
                    fid = model.live[path] = model.new_fid()
                files[fd] = fid
                if flags & os.O_TRUNC:
                    model.truncate(fid, 0)
                return fd

        def create(self, path, mode, flags):
            with lock:
                gate("create", path)
                fd = os.open(real(path), (flags & ~(os.O_APPEND | os.O_EXCL)) | os.O_CREAT | os.O_TRUNC, mode)
                files[fd] = model.create(path, mode)
                return fd

        def read(self, path, size, offset, fh):
            with lock:
                alive()
                return os.pread(fh, size, offset)

        def write(self, path, data, offset, fh):
            with lock:
                gate("write", path, offset, len(data))
                written = os.pwrite(fh, data, offset)
                model.write(files[fh], offset, data[:written])
                return written

        def truncate(self, path, length, fh=None):
            with lock:
                gate("truncate", path, length)
                if fh is not None:
                    os.ftruncate(fh, length)
                    fid = files[fh]
                else:
                    os.truncate(real(path), length)
                    fid = model.live[path]
                model.truncate(fid, length)
                return 0

        def flush(self, path, fh):
            return 0

        def release(self, path, fh):
            with lock:
                if files.pop(fh, None) is not None:
                    os.close(fh)
                return 0

        def fsync(self, path, datasync, fh):
            with lock:
                gate("fsync", path)
                model.fsync_file(files[fh])
                return 0

        def opendir(self, path):
            with lock:
                alive()
                return 0

        def releasedir(self, path, fh):
            return 0

        def fsyncdir(self, path, datasync, fh):
            with lock:
                gate("fsyncdir", path)
                model.fsync_folder(path)
                return 0

        def mkdir(self, path, mode):
            with lock:
                gate("mkdir", path)
                os.mkdir(real(path), mode)
                model.mkdir(path)
                return 0

        def rmdir(self, path):
            with lock:
                gate("rmdir", path)
                os.rmdir(real(path))
                model.rmdir(path)
                return 0

        def unlink(self, path):
            with lock:
                gate("unlink", path)
                os.unlink(real(path))
                model.unlink(path)
                return 0

        def rename(self, old, new):
            with lock:
                gate("rename", old, new)
                os.rename(real(old), real(new))
                model.rename(old, new)
                return 0

        def chmod(self, path, mode):
            with lock:
                gate("chmod", path)
                os.chmod(real(path), mode)
                fid = model.live.get(path)
                if fid is not None:
                    model.modes[fid] = mode & 0o7777
                return 0

        def chown(self, path, uid, gid):
            with lock:
                alive()
                os.chown(real(path), uid, gid)
                return 0

        def utimens(self, path, times=None):
            with lock:
                alive()
                os.utime(real(path), ns=times)
                return 0

    def control() -> None:
        while True:
            try:
                command, *args = conn.recv()
            except EOFError:
                return
            with lock:
                if command == "cut":
                    mode, seed = args
                    power.value = 1
                    report = model.cut(mode, random.Random(seed))
                    model.materialize(Path(root))
                    conn.send((report.dropped, report.kept))
                elif command == "on":
                    model.load(Path(root))
                    changes.value = target.value = power.value = 0
                    conn.send(True)

    threading.Thread(target=control, daemon=True).start()
    FUSE(PowerCutFS(), mountpoint, foreground=True, nothreads=True, fsname="powercut",
         attr_timeout=0, entry_timeout=0, negative_timeout=0, hard_remove=True)


class PowerCutDisk:
    """``backing`` mounted at ``mountpoint`` through the power-cut file system (a context manager).

    Parameters
    ----------
    backing : Path
        The folder holding the data; after :meth:`cut` it holds exactly what survived.
    mountpoint : Path
        An empty folder; the programs under test write below it.
    """

    def __init__(self, backing: Path, mountpoint: Path) -> None:
        self.backing = Path(backing).resolve()
        self.mountpoint = Path(mountpoint).resolve()
        context = multiprocessing.get_context("fork")
        self._power = context.Value("i", 0, lock=False)
        self._changes = context.Value("q", 0, lock=False)
        self._target = context.Value("q", 0, lock=False)
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_serve, daemon=True,
            args=(str(self.backing), str(self.mountpoint), child_conn, self._power, self._changes, self._target))

    def __enter__(self) -> "PowerCutDisk":
        problem = fuse_missing()
        if problem:
            raise RuntimeError(problem)
        self.backing.mkdir(parents=True, exist_ok=True)
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        self._process.start()
        deadline = time.monotonic() + 20
        while not os.path.ismount(self.mountpoint):
            if not self._process.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The power-cut file system did not mount at {self.mountpoint}.")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        unmounted = subprocess.run(["fusermount3", "-u", str(self.mountpoint)], capture_output=True)
        if unmounted.returncode:
            subprocess.run(["fusermount3", "-u", "-z", str(self.mountpoint)], capture_output=True)
        self._process.join(0.5)
        if self._process.is_alive():  # unmounted: nothing is left in the server to keep
            self._process.kill()
            self._process.join()

    @property
    def power_off(self) -> bool:
        """Whether the power is gone (a call returning now was not completed)."""
        return bool(self._power.value)

    @property
    def changes(self) -> int:
        """Changes (writes, truncates, names, fsyncs) since the power came on."""
        return int(self._changes.value)

    def arm(self, after_changes: int) -> None:
        """Cut the power at the ``after_changes``-th change from now."""
        self._target.value = self._changes.value + max(1, after_changes)

    def cut(self, mode: str = "all", seed: int = 0) -> CutReport:
        """Cut the power now (if the armed moment did not come) and keep only what was durable.

        ``mode`` is ``"all"`` (every pending change is lost) or ``"subset"`` (a random half of
        them is lost, the rest kept in order). The backing folder then holds what survived.
        """
        self._conn.send(("cut", mode, seed))
        dropped, kept = self._conn.recv()
        return CutReport(dropped, kept)

    def power_on(self) -> None:
        """Take the backing folder as it is now as durable, and serve it again."""
        self._conn.send(("on",))
        self._conn.recv()
