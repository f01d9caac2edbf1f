"""Partial Fourier on the simulated scanner: what filling the skipped side of k-space
leaves, per sequence, on the cat's textured brain (central slice).

For the T2 TSE, T2* GRE and T1 SE transverse at 1, 7/8, 3/4 and 5/8 of the phase-encoding
lines: SSIM and NRMSE of the magnitude against the noise-free, fully sampled series (the
same averages and bandwidth), noise-free (POCS, homodyne and zero-filled: the fill's own
error) and with noise and the quick variant's NLM denoising, beside the planned scan time
of the whole series. The peer of each row is the fully sampled row of the same series.

Run: ``OMP_NUM_THREADS=1 python benchmarks/partial_fourier.py``
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from skimage.metrics import structural_similarity  # noqa: E402

from vetmri.acquisition.phantoms import phantom_for_exam  # noqa: E402
from vetmri.acquisition.runner import run_exam  # noqa: E402
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions  # noqa: E402
from vetmri.protocols.overrides import parse_override  # noqa: E402
from vetmri.protocols.planner import plan_exam  # noqa: E402
from vetmri.recon.pipeline import ReconOptions, reconstruct_series  # noqa: E402

#: (series index, averages, bandwidth Hz/px) of the cat brain: the quick variant's settings.
SERIES = ((2, 3, 84), (4, 2, 42), (5, 1, 67))
FRACTIONS = (1.0, 0.875, 0.75, 0.625)


def _image(plan, index, phantom, coil, noise, options, out):
    run = run_exam(plan, SimulatedBackend(phantom, conditions=SimulatedConditions(coil=coil, seed=1, noise=noise)),
                   out, series=[index])
    return reconstruct_series(out, run.series[0].group, options).volumes[0].magnitude[0]


def _scores(image, truth):
    scale = float(np.vdot(truth, image).real / np.vdot(image, image).real)
    fitted = image * scale
    return (structural_similarity(truth, fitted, data_range=float(truth.max())),
            float(np.linalg.norm(fitted - truth) / np.linalg.norm(truth)))


def main() -> int:
    warnings.simplefilter("ignore")
    standard = plan_exam("cat", 4, "brain")
    phantom = phantom_for_exam(standard.species, standard.region, 4, skull=standard.skull_type, lesions=True, texture=True)
    print(f"Partial Fourier, cat 4 kg textured brain, central slice; {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    print()
    print("| series | lines | series s | time / full | noise-free SSIM POCS / homodyne / zero-filled | NRMSE POCS / zero-filled | with noise + NLM: SSIM | NRMSE |")
    print("|---|---:|---:|---:|---|---|---:|---:|")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for index, averages, bandwidth in SERIES:
            p0 = standard.series[index].parameters
            keep = [parse_override(f"{k}={v}", index) for k, v in (
                ("slices", 1), ("averages", averages), ("bandwidth_hz_per_px", bandwidth),
                ("te_ms", f"{p0.te_s * 1e3:.6g}"), ("phase_oversampling", f"{p0.phase_oversampling:.6g}"))]
            truth = None
            full_time = None
            for n, fraction in enumerate(FRACTIONS):
                extra = [parse_override(f"partial_fourier={fraction}", index)] if fraction < 1 else []
                plan = plan_exam("cat", 4, "brain", overrides=keep + extra)
                timed = plan_exam("cat", 4, "brain", overrides=keep[1:] + extra).series[index]
                full_time = full_time or timed.scan_time_s

                def image(tag, noise, options, plan=plan):
                    out = folder / f"{index}_{n}_{tag}.h5"
                    return _image(plan, index, phantom, standard.coil, noise, options, out)

                pocs = image("p", False, ReconOptions(denoise="none"))
                if truth is None:
                    truth = pocs
                homodyne = image("h", False, ReconOptions(denoise="none", partial_fourier_method="homodyne"))
                zero = image("z", False, ReconOptions(denoise="none", partial_fourier=False))
                noisy = image("n", True, ReconOptions(denoise="nlm"))
                (sp, np_), (sh, _), (sz, nz), (sn, nn) = (_scores(i, truth) for i in (pocs, homodyne, zero, noisy))
                s = plan.series[index]
                print(f"| {s.parameters.name} ({averages} av, {bandwidth} Hz/px) | {len(s.encoding.lines)} / "
                      f"{s.parameters.encoded_rows} | {timed.scan_time_s:.0f} | {timed.scan_time_s / full_time:.2f} | "
                      f"{sp:.3f} / {sh:.3f} / {sz:.3f} | {np_:.3f} / {nz:.3f} | {sn:.3f} | {nn:.3f} |", flush=True)
    print()
    print(f"wall time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
