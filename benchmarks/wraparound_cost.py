"""What the planner does against wrap-around, per species, size class (at its centre weight)
and region: how many series it changed, how (phase oversampling, a wider phase FOV, the
other phase direction, slab oversampling of 3D series), the range of the oversampling, and
the scan time it cost against the same exam planned without those changes (the sum of the
adjustments' own time, measured by the planner).

Run: ``python benchmarks/wraparound_cost.py [--species dog]``
"""

from __future__ import annotations

import argparse
import time
import warnings

from vetmri.errors import UserInputError
from vetmri.protocols.library import load_library
from vetmri.protocols.planner import plan_exam

FIXES = {"phase_oversampling": "oversampling", "fov_mm": "wider FOV", "phase_direction": "phase swap",
         "slab_oversampling": "slab oversampling"}


def _fixes(series) -> tuple[str | None, float, float]:
    """(the fix, its time cost, the oversampling) of one series' anti-aliasing adjustments."""
    fix, cost, oversampling = None, 0.0, 0.0
    for a in series.adjustments:
        if a.parameter == "phase_direction":
            fix = FIXES[a.parameter]
        elif a.parameter in FIXES and a.time_s is not None:
            fix = fix or FIXES[a.parameter]
        else:
            continue
        cost += a.time_s or 0.0
        if a.parameter in ("phase_oversampling", "slab_oversampling"):
            oversampling = max(oversampling, float(a.to_value))
    return fix, cost, oversampling


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--species", help="only this species")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    library = load_library()
    start = time.perf_counter()
    print("| species | class (kg) | region | coil | series changed (of) | fixes | oversampling | exam min | cost s |")
    print("|---|---|---|---|---|---|---|---:|---:|")
    for species, protocol in library.protocols.items():
        if args.species and species != args.species:
            continue
        for size_class in protocol.species.size_classes:
            low, high = size_class.min_kg, size_class.max_kg
            weight = round((low * high) ** 0.5, 2)
            for region in protocol.regions:
                try:
                    plan = plan_exam(species, weight, region)
                except UserInputError:
                    continue
                found = [_fixes(s) for s in plan.series]
                changed = [f for f in found if f[0] is not None]
                kinds: dict[str, int] = {}
                for fix, _, _ in changed:
                    kinds[fix] = kinds.get(fix, 0) + 1
                overs = [o for _, _, o in changed if o > 0]
                span = f"{min(overs):.0%}-{max(overs):.0%}" if overs else "-"
                cost = sum(c for _, c, _ in found)
                print(f"| {species} | {size_class.name} ({weight:g}) | {region} | {plan.coil} | "
                      f"{len(changed)} ({len(plan.series)}) | "
                      f"{', '.join(f'{n} {k}' for k, n in kinds.items()) or 'none'} | {span} | "
                      f"{plan.total_time_s / 60:.1f} | {cost:+.0f} |")
    print()
    print(f"planned in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
