"""What the realistic (textured) phantom costs the simulator: every series of the demo
exam's plan (a 35 kg dog's brain) simulated on the piecewise-constant and on the textured
phantom, in the same run, against the scan's own duration on the real scanner.

Per series: the engine alone (the sequence read, the phase graphs, the synthesis with the
simulated scanner's default effects: the plan's coil, the B0 map, a small magnet drift,
noise), one worker process per core. The two phantoms alternate, each series is run
``--repeat`` times and the shortest wall time is kept (the host is shared: the shortest is
the least disturbed). With ``--exam``, the whole demo exam as well (calibration,
sequences from the cache, reconstruction, DICOM and records, ``benchmarks/exam.py``),
``--exam`` times per phantom, alternating, after one warm-up exam that builds the sequences.

Run: ``OMP_NUM_THREADS=1 python benchmarks/texture_cost.py [--series 2 5] [--repeat 2] [--exam 2]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vetmri.acquisition.phantoms import phantom_for_exam  # noqa: E402
from vetmri.protocols.planner import plan_exam  # noqa: E402
from vetmri.scanner.profile import load_profile  # noqa: E402
from vetmri.sequences.api import write_sequence  # noqa: E402
from vetmri.simulation.effects import EffectOptions  # noqa: E402
from vetmri.simulation.engine import simulate_sequence  # noqa: E402

SPECIES, WEIGHT_KG, REGION = "dog", 35.0, "brain"
TARGET_RATIO = 1.3  # textured / plain wall time


def _series_rows(indices, repeat: int, workers: int | None) -> list[tuple]:
    profile = load_profile()
    plan = plan_exam(SPECIES, WEIGHT_KG, REGION, profile=profile)
    phantoms = {texture: phantom_for_exam(SPECIES, REGION, WEIGHT_KG, texture=texture) for texture in (False, True)}
    options = EffectOptions(coil=plan.coil, b0_inhomogeneity=True, magnet_temperature_change_k=0.002,
                            noise=True, seed=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in indices if indices else range(len(plan.series)):
            series = plan.series[index]
            path = Path(tmp) / f"series{index}.seq"
            write_sequence(series, profile, path)
            walls: dict[bool, list[float]] = {False: [], True: []}
            for run in range(repeat):
                for texture in ((False, True) if run % 2 == 0 else (True, False)):
                    start = time.perf_counter()
                    simulate_sequence(path, phantoms[texture], profile=profile, options=options, workers=workers)
                    walls[texture].append(time.perf_counter() - start)
            rows.append((str(index), series.parameters.name, series.scan_time_s, min(walls[False]), min(walls[True])))
            print(f"  series {index} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    return rows


def _exam_row(runs: int) -> tuple:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from exam import _run  # benchmarks/exam.py: the demo exam through the exam session

    walls: dict[bool, list[float]] = {False: [], True: []}
    scan = 0.0
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        _run(data, None, True)  # builds the sequences (as on a workstation's first day)
        for run in range(runs):
            for texture in ((False, True) if run % 2 == 0 else (True, False)):
                _, marks = _run(data, None, texture)
                walls[texture].append(marks["wall_s"])
                scan = marks["scan_s"]
                print(f"  demo exam, texture {texture}: {marks['status']}, {marks['wall_s']:.1f} s "
                      f"(load {os.getloadavg()[0]:.1f})", file=sys.stderr, flush=True)
    return ("exam", "whole demo exam (sequences cached)", scan, min(walls[False]), min(walls[True]))


def main(argv: list[str] | None = None) -> int:
    import warnings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="*", help="series indices (default: all)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per series and phantom (the shortest counts)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--exam", type=int, default=0, metavar="RUNS",
                        help="also the whole demo exam, RUNS times on either phantom (the shortest counts)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", UserWarning)
    load_start = os.getloadavg()[0]
    rows = _series_rows(args.series, max(args.repeat, 1), args.workers)
    total = ("", "sum of the series", sum(r[2] for r in rows), sum(r[3] for r in rows), sum(r[4] for r in rows))
    exam = [_exam_row(args.exam)] if args.exam > 0 else []
    print(f"{SPECIES} {WEIGHT_KG:g} kg {REGION} plan, {os.cpu_count()} cores, workers {args.workers or 'one per core'}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, shortest of {args.repeat} runs, "
          f"load {load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end\n")
    print("| # | series | scan s | plain s | textured s | textured / plain | scan / plain | scan / textured |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for index, name, scan, plain, textured in [*rows, total, *exam]:
        bold = "**" if index in ("", "exam") else ""
        print(f"| {index} | {name} | {scan:.1f} | {plain:.2f} | {textured:.2f} | {bold}{textured / plain:.2f}{bold} | "
              f"{scan / plain:.1f} | {scan / textured:.1f} |")
    print(f"\ntarget: textured at most {TARGET_RATIO:g}x the plain phantom's wall time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
