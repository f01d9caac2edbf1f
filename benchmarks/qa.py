"""How long the phantom QA takes on the simulator against the QA scan's own duration.

Each row is the median of REPEATS runs of :func:`vetmri.qa.run.run_qa` in this process
(a good magnet, a drifted one, one with a shim error: the same scan, different physics),
split by the run's own progress reports into calibration (Larmor, noise, RF), the scan
(building the sequence, simulating and writing the raw file), reconstruction and the
measures; the peer is the duration of the QA sequence on the scanner (its scan time), and
the ratio says how many times faster than the real scan the simulated QA is done. The last
row is the whole ``vetmri qa run`` command (process start, records included).

Run: ``OMP_NUM_THREADS=1 python benchmarks/qa.py`` from a source checkout.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 3
MAGNETS = (("good magnet", {}), ("drift 20 kHz", {"drift_hz": 20_000.0}),
           ("shim error 3000 Hz/m x", {"shim_error_hz_per_m": (3000.0, 0.0, 0.0)}))


def timed_run(conditions: dict) -> tuple[dict[str, float], float]:
    from vetmri.acquisition.simulated import SimulatedConditions
    from vetmri.qa.run import run_qa
    from vetmri.settings import load_settings

    marks: list[tuple[float, float]] = []
    start = time.perf_counter()
    result = run_qa(load_settings(), conditions=SimulatedConditions(**conditions),
                    on_progress=lambda f, m: marks.append((f, time.perf_counter())))
    end = time.perf_counter()

    def first_at(fraction: float) -> float:
        return next((t for f, t in marks if f >= fraction - 1e-9), end)

    calibrated, scanned, reconstructed = first_at(0.15), first_at(0.9), first_at(0.95)
    phases = {"calibration": calibrated - start, "scan": scanned - calibrated,
              "recon": reconstructed - scanned, "measures": end - reconstructed, "total": end - start}
    return phases, result.scan_time_s


def cli_run(env: dict[str, str]) -> float:
    script = Path(sys.executable).with_name("vetmri")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "vetmri"]
    start = time.perf_counter()
    subprocess.run([*command, "qa", "run", "--json"], env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory() as home:
        os.environ["VETMRI_CONFIG"] = str(Path(home) / "settings.toml")
        os.environ["VETMRI_DATA_DIR"] = str(Path(home) / "data")
        timed_run({})  # warm the imports and caches once
        print(f"QA on the simulator, median of {REPEATS} runs, load {os.getloadavg()[0]:.1f}")
        header = ("magnet", "calibration s", "scan s", "recon s", "measures s", "QA run s", "scan on the magnet s",
                  "faster than the scan")
        rows = []
        for name, conditions in MAGNETS:
            runs = [timed_run(conditions) for _ in range(REPEATS)]
            scan_s = runs[0][1]
            med = {k: statistics.median(r[0][k] for r in runs) for k in runs[0][0]}
            rows.append((name, f"{med['calibration']:.2f}", f"{med['scan']:.2f}", f"{med['recon']:.2f}",
                         f"{med['measures']:.2f}", f"{med['total']:.2f}", f"{scan_s:.1f}",
                         f"{scan_s / med['total']:.1f}x"))
        cli = statistics.median(cli_run(dict(os.environ)) for _ in range(REPEATS))
        rows.append(("vetmri qa run (whole command)", "", "", "", "", f"{cli:.2f}", rows[0][6],
                     f"{float(rows[0][6]) / cli:.1f}x"))
        widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
        print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in rows:
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
        print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
