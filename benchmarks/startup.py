"""Start-up time and size of the vetmri binary against ``python -m vetmri`` in the same run.

Measures the median wall time of ``--version`` and of the terminal UI's first screen (from
starting it in a tmux pane until the patients screen shows its search box) for
``python -m vetmri`` (the peer), the single-file ``dist/vetmri`` and, when built, the folder
build ``dist/vetmri-onedir/vetmri``. Prints each with its ratio to the peer, the target
and the file sizes. Targets (issue 18): ``--version`` under 1.2 s, the first screen under
2 s, the file under 70 MB.

Usage: python benchmarks/startup.py [--runs N]
(``make binary`` and optionally ``make binary-onedir`` first.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_SCREEN = "Search: pet or owner name"


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time of running ``command`` to its end."""
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_screen_seconds(command: list[str], env: dict[str, str], socket: str) -> float:
    """Seconds from starting ``command`` in a 100x30 tmux pane until the patients screen shows."""
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    shell_command = " ".join(f"'{part}'" for part in command)
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", "bench", "-x", "100", "-y", "30", shell_command],
                   env=env, check=True)
    try:
        while time.perf_counter() - start < 60:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True).stdout
            if FIRST_SCREEN in pane:
                return time.perf_counter() - start
            time.sleep(0.02)
        raise RuntimeError(f"{command} showed no patients screen within 60 s")
    finally:
        subprocess.run([*tmux, "send-keys", "-t", "bench", "C-q"], capture_output=True)
        time.sleep(0.5)
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def median_first_screen(command: list[str], runs: int, env: dict[str, str]) -> float:
    # a tmux server of its own for each run: no session of an earlier run is in the way
    sockets = (f"vetmri-bench-{os.getpid()}-{n}" for n in range(runs + 1))
    first_screen_seconds(command, env, next(sockets))  # warm the file cache
    return statistics.median(first_screen_seconds(command, env, socket) for socket in sockets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    peer = [sys.executable, "-m", "vetmri"]
    builds = {"python -m vetmri (peer)": peer}
    for name, path in (("dist/vetmri (onefile)", ROOT / "dist" / "vetmri"),
                       ("dist/vetmri-onedir (onedir)", ROOT / "dist" / "vetmri-onedir" / "vetmri")):
        if path.exists():
            builds[name] = [str(path)]
    if len(builds) == 1:
        print("no binary in dist/: run `make binary` first; only the peer is measured")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VETMRI_CONFIG": f"{home}/settings.toml", "VETMRI_DATA_DIR": f"{home}/data",
               "TERM": "xterm-256color"}
        rows = []
        for name, command in builds.items():
            rows.append((f"{name} --version", median_seconds([*command, "--version"], args.runs, env), 1.2))
        if shutil.which("tmux"):
            for name, command in builds.items():
                rows.append((f"{name} tui, first screen", median_first_screen([*command, "tui"], max(3, args.runs // 2), env), 2.0))
        else:
            print("tmux is missing: the TUI's first screen is not measured")
    peers = {kind: seconds for name, seconds, _ in rows if name.startswith("python -m")
             for kind in [name.split(" (peer) ")[1]]}
    print(f"start-up, median of {args.runs} runs ({max(3, args.runs // 2)} for the TUI)")
    print(f"{'command':50} {'ms':>8} {'x python -m vetmri':>19} {'target ms':>10}")
    for name, seconds, target in rows:
        kind = name.split(") ", 1)[1]
        print(f"{name:50} {seconds * 1e3:8.0f} {seconds / peers[kind]:19.2f} {target * 1e3:10.0f}")
    print()
    print(f"{'build':30} {'MB':>8} {'target MB':>10}")
    onefile = ROOT / "dist" / "vetmri"
    if onefile.exists():
        print(f"{'dist/vetmri (file)':30} {onefile.stat().st_size / 1e6:8.1f} {70:10d}")
    onedir = ROOT / "dist" / "vetmri-onedir"
    if onedir.exists():
        size = sum(p.stat().st_size for p in onedir.rglob("*") if p.is_file() and not p.is_symlink())
        print(f"{'dist/vetmri-onedir (folder)':30} {size / 1e6:8.1f} {'-':>10}")


if __name__ == "__main__":
    main()
