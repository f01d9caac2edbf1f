"""Standard against quick protocol on the realistic (textured) phantoms: scan time of the
whole exam, and for its T2 TSE transverse and FLAIR transverse series (central slice, where
the phantoms put their small lesions) and the first series the quick variant acquires with
partial Fourier, SSIM, NRMSE and the CNR of each lesion against the noise-free, fully
sampled simulation of the same phantom, beside the quality model's prediction.

Run: ``OMP_NUM_THREADS=1 python benchmarks/quick_scan.py``
"""

from __future__ import annotations

import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vetmri.acquisition.quality_run import measure_quality  # noqa: E402
from vetmri.protocols.planner import plan_exam  # noqa: E402

CASES = (("dog", 35.0, "brain"), ("cat", 4.0, "brain"), ("dog", 20.0, "thoracolumbar_spine"))
SERIES = ("T2 TSE transverse", "FLAIR transverse")


def main() -> int:
    warnings.simplefilter("ignore")
    print(f"Quick against standard, textured phantoms with lesions; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    print()
    print("| patient | variant | exam scan s | series | series s | recon | SSIM (pred.) | NRMSE | lesion CNR (d mm: measured (predicted, partial volume)) |")
    print("|---|---|---:|---|---:|---|---:|---:|---|")
    start = time.perf_counter()
    for species, weight, region in CASES:
        plans = {v: plan_exam(species, weight, region, variant=v) for v in ("standard", "quick")}
        names = [s.parameters.name for s in plans["standard"].series]
        chosen = [names.index(n) for n in SERIES if n in names]
        # and the first series the quick variant acquires with partial Fourier
        partial = [i for i, s in enumerate(plans["quick"].series) if s.parameters.partial_fourier < 1][:1]
        for i in chosen + partial:
            for q in measure_quality(species, weight, region, i):
                plan = plans[q.variant]
                p = plan.series[i].parameters
                recon = p.reconstruction or "fft"
                pf = f", PF {p.partial_fourier:g}" if p.partial_fourier < 1 else ""
                lesions = ", ".join(f"{l.diameter_m * 1e3:.1f}: {l.cnr:.1f} ({l.predicted_cnr:.1f}, pv {l.partial_volume:.2f})" for l in q.lesions)
                print(f"| {species} {weight:g} kg {region.replace('_', ' ')} | {q.variant} | {plan.total_time_s:.0f} | "
                      f"{q.name} ({p.averages} av, R {p.acceleration:g}{pf}, {p.bandwidth_hz_per_px:.0f} Hz/px) | {q.scan_time_s:.0f} | {recon} | "
                      f"{q.ssim:.3f} ({q.predicted_ssim:.3f}) | {q.nrmse:.3f} | {lesions} |")
        ratio = plans["quick"].total_time_s / plans["standard"].total_time_s
        print(f"| | quick / standard exam time | {ratio:.2f} | | | | | | |")
    print()
    print(f"wall time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
