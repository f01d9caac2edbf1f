"""vetmri's TV compressed sensing against BART on BART's own numerical phantoms.

Data: ``bart phantom -x 256 -s 2 -k`` (analytic k-space of 2 coils; Shepp-Logan, ``-G``
geometric, ``-T`` tubes), complex Gaussian noise for SNR 20 (mean coil-combined signal of
the object over the noise standard deviation per sample), 1D variable-density Cartesian
masks with a fully sampled centre at R = 2, 3, 4 (vetmri.recon.sampling). Truth: the
phantom image (``bart phantom -x 256``) weighted by the root-sum-of-squares of BART's
coil sensitivities (``-S 2``), which is what any reconstruction with unit-norm coil maps
returns. Every image is scaled to the truth by least squares before scoring (NRMSE, SSIM
with data_range = max of the truth).

BART: coil maps by ``bart ecalib -m 1`` (ESPIRiT), then ``bart pics -S -R T:3:0:lambda``
with 300 iterations and lambda from a sweep (its best shown), and BART's default
(30 iterations) at that lambda for time. vetmri: ``tv_recon`` with its own coil maps and
its noise-derived weight (never tuned per image). Per slice: the reconstruction call
(vetmri in this process; BART ``ecalib`` + ``pics`` as processes, since that is how BART
runs). Per process: the whole ``vetmri recon RAW.h5`` command on an MRD file of the same
data (noise scan included) against ``bart ecalib`` + ``bart pics`` from the command line.
Times are CPU seconds (user + system; one thread each, ``OMP_NUM_THREADS=1``), the least of
5 runs with vetmri's and BART's interleaved, so that a shared machine's load, which
stretches wall time by up to 2x, weighs on neither; the process wall time is shown too.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: BART's phantoms as the tests make them
from tests.recon.bart_data import phantom  # noqa: E402
from vetmri.rawdata.cfl import read_cfl, write_cfl  # noqa: E402
from vetmri.recon.cs import tv_recon  # noqa: E402
from vetmri.recon.qa import ssim  # noqa: E402
from vetmri.recon.sampling import variable_density_mask  # noqa: E402

PHANTOMS = (("Shepp-Logan", []), ("geometric", ["-G"]), ("tubes", ["-T"]))
LAMBDAS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
N = 256
COILS = 2
SNR = 20.0
#: Timings are the least of this many runs, vetmri's and BART's interleaved (a load on the
#: shared machine then falls on both alike).
REPEATS = 5
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
#: The ``vetmri recon`` processes run as from an installed package, with its bytecode
#: compiled (pip compiles it at install): a shell that forbids writing bytecode would make
#: every process compile vetmri's modules again (about 0.07 s).
PROCESS_ENV = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}


def children_cpu_s() -> float:
    """CPU seconds (user + system) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bart(*args: str) -> float:
    """Run one BART command; its CPU time in seconds."""
    start = children_cpu_s()
    subprocess.run(["bart", *args], check=True, capture_output=True, env=ENV)
    return children_cpu_s() - start


def to_bart(k: np.ndarray) -> np.ndarray:
    return k.transpose(1, 2, 0)[:, :, None, :]  # (ny, nx, 1, coils)


def fitted(image: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """|image| scaled to the truth by least squares."""
    magnitude = np.abs(image).astype(float)
    return magnitude * (magnitude * truth).sum() / max((magnitude * magnitude).sum(), 1e-30)


def scores(image: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    scaled = fitted(image, truth)
    return float(np.linalg.norm(scaled - truth) / np.linalg.norm(truth)), ssim(scaled, truth)


def bart_recon(k: np.ndarray, lam: float, iterations: int | None, work: Path) -> tuple[np.ndarray, float]:
    """ESPIRiT maps + TV pics; (image, seconds of both processes)."""
    write_cfl(work / "k", to_bart(k))
    t = bart("ecalib", "-m", "1", str(work / "k"), str(work / "sens"))
    pics = ["pics", "-S", "-R", f"T:3:0:{lam}"] + (["-i", str(iterations)] if iterations else [])
    t += bart(*pics, str(work / "k"), str(work / "sens"), str(work / "x"))
    return read_cfl(work / "x").squeeze(), t


def tv_before(k: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """vetmri's previous multi-coil TV: 40 accelerated ADMM iterations at one weight, not
    reweighted."""
    from vetmri.recon import cs
    from vetmri.recon.algorithms import run
    from vetmri.recon.sense_admm import SenseADMMTV

    m = mask[:, None].astype(np.float32)
    lam = cs.TV_WEIGHT_PER_SIGMA * sigma
    return run(SenseADMMTV(k * m, m, cs.coil_maps_from_calibration(k, mask, 2), lam, rho=cs.SENSE_ADMM_RHO_PER_SIGMA * lam,
                           iterations=cs.SENSE_TV_ITERATIONS, accelerate=True))


def write_mrd(path: Path, k: np.ndarray, mask: np.ndarray, sigma: float, seed: int) -> None:
    """The undersampled k-space as an MRD file with a noise scan, as a scanner writes it."""
    from vetmri.rawdata import AcqFlag, Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader

    coils, ny, nx = k.shape
    rng = np.random.default_rng(seed)
    header = SeriesHeader(
        encoded_matrix=(nx, ny, 1), encoded_fov_m=(0.2, 0.2, 0.005), recon_matrix=(nx, ny, 1), recon_fov_m=(0.2, 0.2, 0.005),
        limits=EncodingLimits(kspace_encoding_step_1=Limit(0, ny - 1, ny // 2)), tr_s=0.5, te_s=0.02, channels=coils,
        series_name="bart phantom", series_index=0, bandwidth_per_pixel_hz=100.0,
    )
    base = dict(sample_time_s=1 / (100.0 * nx), center_sample=nx // 2)
    with RawExamWriter(path) as exam:
        series = exam.open_series(header)
        noise = [Acquisition((sigma / np.sqrt(2) * (rng.standard_normal((coils, nx)) + 1j * rng.standard_normal((coils, nx)))).astype(np.complex64),
                             flags=AcqFlag.IS_NOISE_MEASUREMENT, **base) for _ in range(16)]
        lines = [Acquisition(k[:, y].astype(np.complex64), EncodingCounters(kspace_encode_step_1=y), **base)
                 for y in np.flatnonzero(mask)]
        series.extend(noise + lines)


def process_seconds(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one process."""
    start, cpu = time.perf_counter(), children_cpu_s()
    subprocess.run(args, check=True, capture_output=True, env=PROCESS_ENV)
    return time.perf_counter() - start, children_cpu_s() - cpu


def main() -> int:
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, flags in PHANTOMS:
            clean, truth = phantom(work, N, COILS, tuple(flags))
            sigma = float(truth[truth > 0.1 * truth.max()].mean()) / SNR
            rng = np.random.default_rng(7)
            k_full = clean + sigma / np.sqrt(2) * (rng.standard_normal(clean.shape) + 1j * rng.standard_normal(clean.shape))
            for R in (2, 3, 4):
                mask = variable_density_mask(N, R, seed=R)
                k = (k_full * mask[None, :, None]).astype(np.complex64)
                image = tv_recon(k, mask, sigma=sigma).image
                ours = scores(image, truth)
                start = time.process_time()
                before = tv_before(k, mask, sigma)
                t_before = time.process_time() - start
                before_scores = scores(before, truth)
                best = None
                for lam in LAMBDAS:
                    img, t = bart_recon(k, lam, 300, work)
                    s = scores(img, truth)
                    if best is None or s[1] > best[1][1]:
                        best = (lam, s, t)
                assert best is not None
                quick_image = bart_recon(k, best[0], None, work)[0]
                raw = work / "raw.h5"
                raw.unlink(missing_ok=True)
                write_mrd(raw, k, mask, sigma, seed=R)
                vetmri = [str(Path(sys.executable).with_name("vetmri")), "recon", str(raw), "--out", str(work / "out")]
                ecalib = ["bart", "ecalib", "-m", "1", str(work / "k"), str(work / "sens")]
                pics = ["bart", "pics", "-S", "-R", f"T:3:0:{best[0]}", str(work / "k"), str(work / "sens"), str(work / "x")]
                process_seconds(vetmri)  # warm-up: bytecode written, files in the page cache
                write_cfl(work / "k", to_bart(k))
                process_seconds(ecalib)  # warm-up, the same
                slice_ours, slice_bart, process_ours, process_bart = [], [], [], []
                for _ in range(REPEATS):  # interleaved
                    start = time.process_time()
                    tv_recon(k, mask, sigma=sigma)
                    slice_ours.append(time.process_time() - start)
                    slice_bart.append(bart_recon(k, best[0], None, work)[1])
                    process_ours.append(process_seconds(vetmri))
                    e, p = process_seconds(ecalib), process_seconds(pics)
                    process_bart.append((e[0] + p[0], e[1] + p[1]))
                t_ours, t_quick = min(slice_ours), min(slice_bart)
                t_ours_process = (min(w for w, _ in process_ours), min(c for _, c in process_ours))
                t_bart_process = (min(w for w, _ in process_bart), min(c for _, c in process_bart))
                rows.append((name, R, ours, t_ours, best, t_quick, scores(quick_image, truth), t_ours_process, t_bart_process,
                             before_scores, t_before))
                print(f"{name} R={R}: done", file=sys.stderr)
    print("| phantom | R | vetmri TV SSIM | BART best SSIM (lambda) | BART -i 30 SSIM | vetmri NRMSE | BART best NRMSE "
          "| SSIM vetmri - BART best | slice CPU: vetmri / BART -i 30 (ms) | process CPU: vetmri / BART -i 30 (s) | process wall (s) "
          "| before (one weight, not reweighted): SSIM, CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, R, ours, t_ours, best, t_quick, quick_scores, p_ours, p_bart, before, t_before in rows:
        print(f"| {name} | {R} | {ours[1]:.4f} | {best[1][1]:.4f} ({best[0]:g}) | {quick_scores[1]:.4f} | {ours[0]:.4f} | {best[1][0]:.4f} "
              f"| {ours[1] - best[1][1]:+.4f} | {t_ours * 1e3:.0f} / {t_quick * 1e3:.0f} = {t_ours / t_quick:.2f} "
              f"| {p_ours[1]:.2f} / {p_bart[1]:.2f} = {p_ours[1] / p_bart[1]:.2f} | {p_ours[0]:.2f} / {p_bart[0]:.2f} = {p_ours[0] / p_bart[0]:.2f} "
              f"| {before[1]:.4f}, {t_before * 1e3:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
