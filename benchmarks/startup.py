"""Start-up time of the ``vetmri`` command against the peers it must not become.

Prints the median wall time of several runs of each command and its ratio to a bare Python
interpreter started the same way. ``import pypulseq`` shows what an eager import of the
sequence library would cost every command.

Usage: python benchmarks/startup.py [--runs N]
(``make binary`` first to include the single-file binary in the table.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    vetmri = Path(sys.executable).with_name("vetmri")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "VETMRI_CONFIG": f"{home}/settings.toml", "VETMRI_DATA_DIR": f"{home}/data"}
        commands = {
            "python -c pass (peer)": [sys.executable, "-c", "pass"],
            "vetmri --version": [str(vetmri), "--version"],
            "vetmri status": [str(vetmri), "status"],
            "python -c 'import pypulseq'": [sys.executable, "-c", "import pypulseq"],
        }
        binary = Path(__file__).resolve().parents[1] / "dist" / "vetmri"
        if binary.exists():  # built by `make binary`
            commands["dist/vetmri --version (onefile)"] = [str(binary), "--version"]
        results = {name: median_seconds(cmd, args.runs, env) for name, cmd in commands.items()}
    base = results["python -c pass (peer)"]
    print(f"start-up, median of {args.runs} runs")
    print(f"{'command':32} {'ms':>8} {'x bare python':>14}")
    for name, seconds in results.items():
        print(f"{name:32} {seconds * 1e3:8.1f} {seconds / base:14.2f}")


if __name__ == "__main__":
    main()
