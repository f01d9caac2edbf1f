import os
import signal
import subprocess
import sys
import time

from vetmri.atomicfile import atomic_write_text

WRITER = """
import sys
from pathlib import Path
from vetmri.atomicfile import atomic_write_text
path = Path(sys.argv[1])
contents = ["A" * 3_000_000, "B" * 10]
print("ready", flush=True)
i = 0
while True:
    atomic_write_text(path, contents[i % 2])
    i += 1
"""


def test_the_file_is_replaced_owner_only_and_no_temporary_file_is_left(tmp_path):
    target = tmp_path / "settings.toml"
    target.write_text("old")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_a_writer_killed_at_random_moments_leaves_old_or_new_content_never_a_mix(tmp_path):
    target = tmp_path / "state.txt"
    atomic_write_text(target, "B" * 10)
    for attempt in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(0.01 + 0.013 * attempt)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        content = target.read_text()
        assert content in ("A" * 3_000_000, "B" * 10)
    leftovers = [p for p in tmp_path.iterdir() if p.name != "state.txt"]
    for leftover in leftovers:  # a kill between mkstemp and rename leaves a hidden temp file
        assert leftover.name.startswith(".state.txt.") and leftover.name.endswith(".tmp")
        os.unlink(leftover)
