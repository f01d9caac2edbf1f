"""Simulating a whole exam on the simulated scanner (calibration, every series with the
default effects: B0 map, coil, noise) against the time the real scan takes, i.e. the
scan time of each planned sequence, measured in the same run; and how soon the first
imaging readout of each series reaches the raw file (the backend streams slice group by
slice group).

Run: ``OMP_NUM_THREADS=1 python benchmarks/simulation_speed.py`` (a 35 kg dog's brain; the
target is a simulation at least 50x faster than the scan on 2 cores). Options:
``--species cat --weight 3 --region brain``, ``--series 2 5``, ``--set matrix=64,64``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vetmri.acquisition.phantoms import phantom_for_exam  # noqa: E402
from vetmri.acquisition.runner import run_exam  # noqa: E402
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions  # noqa: E402
from vetmri.protocols.overrides import parse_override  # noqa: E402
from vetmri.protocols.planner import plan_exam  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--species", default="dog")
    parser.add_argument("--weight", type=float, default=35.0)
    parser.add_argument("--region", default="brain")
    parser.add_argument("--series", type=int, nargs="*", help="series indices (default: all)")
    parser.add_argument("--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", UserWarning)
    plan = plan_exam(args.species, args.weight, args.region, overrides=[parse_override(s, None) for s in args.overrides])
    phantom = phantom_for_exam(plan.species, plan.region, plan.weight_kg, skull=plan.skull_type)
    backend = SimulatedBackend(phantom, conditions=SimulatedConditions(coil=plan.coil, seed=1))
    print(f"{plan.species} {plan.weight_kg:g} kg {plan.region}, coil {plan.coil}, {os.cpu_count()} cores, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load {os.getloadavg()[0]:.1f} at the start")

    def progress(fraction: float, message: str) -> None:
        print(f"\r{fraction * 100:5.1f}% {message[:60]:<60}", end="", file=sys.stderr, flush=True)

    print("| series | acquisitions | scan time (s) | simulation (s) | first imaging readout written after (s) | faster than the scan |")
    print("|---|---:|---:|---:|---:|---:|", flush=True)
    indices = args.series if args.series else list(range(len(plan.series)))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exam.h5"
        started = time.perf_counter()
        adjustments = backend.calibrate(on_progress=progress)
        calibration_s = time.perf_counter() - started
        print(f"| calibration (Larmor x2, noise, shim, RF) | - | - | {calibration_s:.1f} | - | - |", flush=True)
        for index in indices:  # one row as soon as each series is done
            first: list[float] = []
            series_start = time.perf_counter()

            def written(group: str, count: int, total: int) -> None:
                if count == NOISE_READOUTS + 1 and not first:  # the noise scan comes first
                    first.append(time.perf_counter() - series_start)

            s = run_exam(plan, backend, path, series=[index], adjustments=adjustments, on_progress=progress,
                         on_acquisition=written).series[0]
            rows.append(s)
            print(f"| {s.group} | {s.acquisitions} | {s.scan_time_s:.1f} | {s.wall_time_s:.1f} | "
                  f"{first[0] if first else float('nan'):.1f} | {s.scan_time_s / s.wall_time_s:.1f}x |", flush=True)
        total_wall = time.perf_counter() - started
    print(file=sys.stderr)
    scan = sum(s.scan_time_s for s in rows)
    print(f"| **exam** | {sum(s.acquisitions for s in rows)} | {scan:.1f} | {total_wall:.1f} | - | "
          f"**{scan / total_wall:.1f}x** |")
    print(f"\nload {os.getloadavg()[0]:.1f} at the end")
    print(f"target: 50x; measured {scan / total_wall:.1f}x faster than the real scan (peer: the scan time of the "
          "played sequences, in the same run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
