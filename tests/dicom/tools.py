"""Run the DICOM command-line tools of Debian (dicom3tools, dcmtk) on our files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_DUMP_LINE = re.compile(r"^\((?P<tag>[0-9a-f]{4},[0-9a-f]{4})\) (?P<vr>[A-Z]{2}) (?:\[(?P<value>.*)\]|(?P<other>\S.*?))\s+#")


def dciodvfy(path: Path) -> tuple[int, list[str]]:
    """Exit code and the Error/Warning lines of ``dciodvfy`` on one file."""
    done = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=60)
    lines = [l.strip() for l in (done.stdout + done.stderr).splitlines()]
    return done.returncode, [l for l in lines if l.startswith(("Error", "Warning"))]


def dcmdump_values(path: Path, tags: list[str]) -> dict[str, str]:
    """The values dcmtk's ``dcmdump`` prints for ``tags`` (``"0010,0010"``), as UTF-8 text."""
    args = ["dcmdump", "+U8", "+L"]
    for tag in tags:
        args += ["+P", tag]
    done = subprocess.run([*args, str(path)], capture_output=True, text=True, timeout=60, check=True)
    values: dict[str, str] = {}
    for line in done.stdout.splitlines():
        match = _DUMP_LINE.match(line.strip())
        if match and match["tag"] not in values:
            values[match["tag"]] = match["value"] if match["value"] is not None else match["other"].strip()
    return values


def dcmdump_pixels(path: Path, folder: Path) -> bytes:
    """The pixel data bytes dcmdump extracts from ``path`` (``+W``)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dcmdump", "-q", "+W", str(folder), str(path)], capture_output=True, timeout=60, check=True)
    raws = sorted(folder.glob("*.raw"))
    assert len(raws) == 1, raws
    return raws[0].read_bytes()
