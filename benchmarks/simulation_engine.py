"""The signal engine on a whole dog-brain exam: each series of the plan for a 35 kg dog's
brain is written as a Pulseq file and simulated with the default hardware effects of the
simulated scanner (the plan's 4-channel head coil, the B0 inhomogeneity map, a small
residual magnet drift, thermal noise), against the scan time the plan predicts for the
real scanner, in one run. The target is a simulation at least 50x faster than the scan.

Run: ``OMP_NUM_THREADS=1 python benchmarks/simulation_engine.py [--series 2 ...] [--workers N]``
(slice groups are synthesised in one worker process per core; ``--workers 1`` keeps
everything in one process).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vetmri.protocols.planner import plan_exam  # noqa: E402
from vetmri.scanner.profile import load_profile  # noqa: E402
from vetmri.sequences.api import write_sequence  # noqa: E402
from vetmri.simulation.effects import EffectOptions  # noqa: E402
from vetmri.simulation.engine import simulate_sequence  # noqa: E402
from vetmri.simulation.phantom import load_phantom, scale_phantom  # noqa: E402

SPECIES, WEIGHT_KG, REGION = "dog", 35.0, "brain"
TARGET_SPEED_UP = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="*", help="series indices (default: all)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args()
    profile = load_profile()
    plan = plan_exam(SPECIES, WEIGHT_KG, REGION, profile=profile)
    head = scale_phantom(load_phantom("dog_brain"), weight_kg=WEIGHT_KG)
    options = EffectOptions(coil=plan.coil, b0_inhomogeneity=True, magnet_temperature_change_k=0.002,
                            noise=True, seed=1)
    chosen = args.series if args.series else range(len(plan.series))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in chosen:
            series = plan.series[index]
            path = Path(tmp) / f"series{index}.seq"
            write_sequence(series, profile, path)
            start = time.perf_counter()
            result = simulate_sequence(path, head, profile=profile, options=options, workers=args.workers)
            wall = time.perf_counter() - start
            samples = sum(a.samples.size for a in result.acquisitions)
            rows.append((index, series.parameters.name, series.scan_time_s, wall, len(result.acquisitions), samples))
    print(f"Engine-level simulation of the {SPECIES} {WEIGHT_KG:g} kg {REGION} plan: coil {plan.coil}, "
          f"B0 map, drift {options.magnet_temperature_change_k:g} K, noise; {os.cpu_count()} cores, "
          f"workers {args.workers or 'one per core'}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, load {os.getloadavg()[0]:.1f}")
    print()
    print("| # | series | scan time (plan) s | simulation s | ADCs | samples x channels | scan / simulation |")
    print("|---|---|---|---|---|---|---|")
    for index, name, scan, wall, adcs, samples in rows:
        print(f"| {index} | {name} | {scan:.1f} | {wall:.2f} | {adcs} | {samples} | {scan / wall:.1f} |")
    total_scan = sum(r[2] for r in rows)
    total_wall = sum(r[3] for r in rows)
    print(f"| | total | {total_scan:.1f} | {total_wall:.2f} | | | {total_scan / total_wall:.1f} |")
    print()
    print(f"target: {TARGET_SPEED_UP:g}x faster than the scan ({total_scan / TARGET_SPEED_UP:.1f} s for these series)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
