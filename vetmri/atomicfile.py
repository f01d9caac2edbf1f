"""Write a file so that a crash or power cut leaves either the old or the new content.

The new content goes to a temporary file in the same folder, is flushed and fsynced, then
renamed over the target (``os.replace`` is atomic on POSIX and Windows), and the folder is
fsynced so the rename itself survives a power cut.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "fsync_directory", "make_folders"]

# What a file system that cannot fsync a folder answers; any other error (EIO) means the
# names in it may not be on the disk, and is raised.
_CANNOT_FSYNC_FOLDERS = (errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES, errno.EPERM)


def fsync_directory(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where unsupported).

    Raises
    ------
    OSError
        The disk failed (EIO and the like): what was renamed or created may be lost.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; the rename still happened
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_FSYNC_FOLDERS:
            raise
    finally:
        os.close(fd)


def make_folders(folder: Path, *, mode: int = 0o777) -> Path:
    """Create ``folder`` and its missing parents, each made durable in its parent (fsync).

    Parameters
    ----------
    folder : Path
        The folder wanted; nothing happens when it exists.
    mode : int
        Permission bits of the folders made (filtered by the umask, as ``mkdir``).
    """
    folder = Path(folder)
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        try:
            path.mkdir(mode=mode)
        except FileExistsError:
            continue
        fsync_directory(path.parent)
    return folder


def atomic_write_bytes(path: Path, content: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``content`` atomically and durably.

    Parameters
    ----------
    path : Path
        The target file; its folder must exist.
    content : bytes
        The complete new content.
    mode : int
        Permission bits of the new file (owner-only by default).
    """
    folder = path.parent
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    fsync_directory(folder)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o600) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)
