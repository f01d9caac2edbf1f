"""The power-cut disk itself: what it keeps and what it throws away."""

from __future__ import annotations

import os
import random
from pathlib import Path

import powercut_fs
from powercut_model import DiskModel


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def test_only_what_was_fsynced_survives_a_cut(disk) -> None:
    mount, backing = disk.mountpoint, disk.backing
    (mount / "synced.txt").write_bytes(b"kept")
    _fsync(mount / "synced.txt")
    _fsync(mount)  # the name too
    (mount / "name-only.txt").write_bytes(b"data not synced")
    _fsync(mount)
    (mount / "unsynced.txt").write_bytes(b"lost")
    with open(mount / "synced.txt", "ab") as handle:
        handle.write(b" and more")  # appended, never synced
    os.mkdir(mount / "folder")  # never synced into its parent
    assert disk.changes > 0
    report = disk.cut("all")
    assert report.dropped > 0 and report.kept == 0
    assert sorted(p.name for p in backing.iterdir()) == ["name-only.txt", "synced.txt"]
    assert (backing / "synced.txt").read_bytes() == b"kept"
    assert (backing / "name-only.txt").read_bytes() == b""  # the name survived, its data did not
    disk.power_on()
    assert (mount / "synced.txt").read_bytes() == b"kept"


def test_an_armed_cut_fails_that_change_and_every_later_call(disk) -> None:
    disk.arm(3)
    written = 0
    try:
        for i in range(10):
            (disk.mountpoint / f"f{i}").write_bytes(b"x")
            written += 1
    except OSError:
        pass
    assert disk.power_off and written < 10
    disk.cut("all")
    disk.power_on()
    assert not disk.power_off


def test_a_rename_made_durable_before_its_data_leaves_an_empty_file() -> None:
    """The subset mode may keep a rename and drop the writes before it, as a reordering disk."""
    model = DiskModel()
    model.names = {"/": -1}
    fid = model.create("/.tmp", 0o600)
    model.write(fid, 0, b"content")
    model.rename("/.tmp", "/target")
    model.fsync_folder("/")
    model.cut("all", random.Random(0))
    assert model.names["/target"] == fid and bytes(model.content[fid]) == b""


def test_a_missing_dev_fuse_is_named_in_one_sentence(monkeypatch) -> None:
    real_exists = os.path.exists
    monkeypatch.setattr(powercut_fs.os.path, "exists", lambda p: False if p == "/dev/fuse" else real_exists(p))
    assert "need /dev/fuse" in powercut_fs.fuse_missing()
