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
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from vetmri.recon.cs import tv_recon
from vetmri.recon.qa import ssim
from vetmri.recon.sampling import variable_density_mask

PHANTOMS = (("Shepp-Logan", []), ("geometric", ["-G"]), ("tubes", ["-T"]))
LAMBDAS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
N = 256
COILS = 2
SNR = 20.0
REPEATS = 3
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}
#: The ``vetmri recon`` processes run as from an installed package, with its bytecode
#: compiled (pip compiles it at install): a shell that forbids writing bytecode would make
#: every process compile vetmri's modules again (about 0.07 s).
PROCESS_ENV = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}


def write_cfl(path: Path, array: np.ndarray) -> None:
    dims = list(array.shape) + [1] * (16 - array.ndim)
    path.with_suffix(".hdr").write_text("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    array.astype(np.complex64).ravel(order="F").tofile(path.with_suffix(".cfl"))


def read_cfl(path: Path) -> np.ndarray:
    """A BART array as its first 4 dimensions (the others are 1 here)."""
    dims = [int(d) for d in path.with_suffix(".hdr").read_text().splitlines()[1].split()]
    dims = (dims + [1] * 4)[:max(4, len(dims))]
    assert all(d == 1 for d in dims[4:]), dims
    return np.fromfile(path.with_suffix(".cfl"), np.complex64).reshape(dims[:4], order="F")


def bart(*args: str) -> float:
    """Run one BART command; its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(["bart", *args], check=True, capture_output=True, env=ENV)
    return time.perf_counter() - start


def phantom(flags: list[str], work: Path) -> tuple[np.ndarray, np.ndarray]:
    """(k-space (coils, ny, nx), truth (ny, nx)) of one BART phantom."""
    bart("phantom", *flags, "-x", str(N), "-s", str(COILS), "-k", str(work / "k_clean"))
    bart("phantom", *flags, "-x", str(N), str(work / "object"))
    bart("phantom", "-x", str(N), "-S", str(COILS), str(work / "sens_true"))  # the same coils for every object
    k = read_cfl(work / "k_clean")[:, :, 0, :].transpose(2, 0, 1)  # BART dim 0 = phase lines
    obj = np.abs(read_cfl(work / "object")[:, :, 0, 0])
    sens = read_cfl(work / "sens_true")[:, :, 0, :]
    truth = obj * np.sqrt((np.abs(sens) ** 2).sum(axis=-1))
    # BART's sensitivity output has its own scale: put the truth in the units of the k-space
    from vetmri.recon.fft import ifftc

    rss = np.sqrt((np.abs(ifftc(k, axes=(-2, -1))) ** 2).sum(axis=0))
    return k.astype(np.complex64), (truth * (rss * truth).sum() / (truth * truth).sum()).astype(np.float64)


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


def admm_before(k: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """vetmri's previous multi-coil TV: 40 over-relaxed ADMM iterations, no acceleration."""
    from vetmri.recon import cs
    from vetmri.recon.algorithms import run
    from vetmri.recon.sense_admm import SenseADMMTV

    m = mask[:, None].astype(np.float32)
    lam = cs.TV_WEIGHT_PER_SIGMA * sigma
    return run(SenseADMMTV(k * m, m, cs.coil_maps_from_calibration(k, mask, 2), lam, rho=cs.SENSE_ADMM_RHO_PER_SIGMA * lam,
                           iterations=cs.SENSE_TV_ITERATIONS, alpha=cs.SENSE_ADMM_RELAXATION, accelerate=False))


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


def process_seconds(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=PROCESS_ENV)
    return time.perf_counter() - start


def main() -> int:
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, flags in PHANTOMS:
            clean, truth = phantom(flags, work)
            sigma = float(truth[truth > 0.1 * truth.max()].mean()) / SNR
            rng = np.random.default_rng(7)
            k_full = clean + sigma / np.sqrt(2) * (rng.standard_normal(clean.shape) + 1j * rng.standard_normal(clean.shape))
            for R in (2, 3, 4):
                mask = variable_density_mask(N, R, seed=R)
                k = (k_full * mask[None, :, None]).astype(np.complex64)
                times, image = [], None
                for _ in range(REPEATS):
                    start = time.perf_counter()
                    image = tv_recon(k, mask, sigma=sigma).image
                    times.append(time.perf_counter() - start)
                ours = scores(image, truth)
                start = time.perf_counter()
                before = admm_before(k, mask, sigma)
                t_before = time.perf_counter() - start
                before_scores = scores(before, truth)
                best = None
                for lam in LAMBDAS:
                    img, t = bart_recon(k, lam, 300, work)
                    s = scores(img, truth)
                    if best is None or s[1] > best[1][1]:
                        best = (lam, s, t)
                assert best is not None
                quick = min((bart_recon(k, best[0], None, work) for _ in range(REPEATS)), key=lambda r: r[1])
                raw = work / "raw.h5"
                raw.unlink(missing_ok=True)
                write_mrd(raw, k, mask, sigma, seed=R)
                vetmri = [str(Path(sys.executable).with_name("vetmri")), "recon", str(raw), "--out", str(work / "out")]
                process_seconds(vetmri)  # warm-up: bytecode written, files in the page cache
                t_ours_process = min(process_seconds(vetmri) for _ in range(REPEATS))
                write_cfl(work / "k", to_bart(k))
                process_seconds(["bart", "ecalib", "-m", "1", str(work / "k"), str(work / "sens")])  # warm-up, the same
                t_bart_process = min(process_seconds(["bart", "ecalib", "-m", "1", str(work / "k"), str(work / "sens")])
                                     + process_seconds(["bart", "pics", "-S", "-R", f"T:3:0:{best[0]}", str(work / "k"), str(work / "sens"), str(work / "x")])
                                     for _ in range(REPEATS))
                rows.append((name, R, ours, min(times), best, quick[1], scores(quick[0], truth), t_ours_process, t_bart_process,
                             before_scores, t_before))
                print(f"{name} R={R}: done", file=sys.stderr)
    print("| phantom | R | vetmri TV SSIM | BART best SSIM (lambda) | BART -i 30 SSIM | vetmri NRMSE | BART best NRMSE "
          "| SSIM vetmri - BART best | slice: vetmri / BART -i 30 (ms) | process: vetmri / BART -i 30 (s) "
          "| before (over-relaxed ADMM 40 it.): SSIM, ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, R, ours, t_ours, best, t_quick, quick_scores, p_ours, p_bart, before, t_before in rows:
        print(f"| {name} | {R} | {ours[1]:.4f} | {best[1][1]:.4f} ({best[0]:g}) | {quick_scores[1]:.4f} | {ours[0]:.4f} | {best[1][0]:.4f} "
              f"| {ours[1] - best[1][1]:+.4f} | {t_ours * 1e3:.0f} / {t_quick * 1e3:.0f} = {t_ours / t_quick:.2f} "
              f"| {p_ours:.2f} / {p_bart:.2f} = {p_ours / p_bart:.2f} | {before[1]:.4f}, {t_before * 1e3:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
