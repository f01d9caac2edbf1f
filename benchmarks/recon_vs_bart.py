"""Compressed sensing of vetmri against BART and zero filling, in one run.

Data: analytic k-space of an ellipse brain phantom (grey/white matter, CSF, scalp fat;
no inverse crime), 256 x 256, complex Gaussian noise for SNR ~20 in the brain. 2D: 1D
variable-density Cartesian masks with a fully sampled centre at R = 2, 3, 4. 3D: a
variable-density Poisson-disc ky-kz mask (R = 3) on a 128 x 128 x 32 slab.

BART: ``bart pics -S -R T:<axes>:0:lambda -i 300`` (3D: ``-i 100``) with lambda from a
sweep (its best shown), and BART's default ``-i 30`` run at that lambda for time;
OMP_NUM_THREADS=1. Scores as fastMRI: NRMSE and SSIM (skimage, magnitude, data_range =
max of the truth); time per slice. The machine may be shared: vetmri and BART's ``-i 30``
are each timed as the fastest of ``REPEATS`` runs (the sweep once).

Then the same comparison on BART's own phantoms with 2 coils (``bart_phantoms.py`` beside
this script: Shepp-Logan, geometric, tubes; R = 2, 3, 4; per slice and per process).

Run: ``OMP_NUM_THREADS=1 python benchmarks/recon_vs_bart.py`` (``--bart-phantoms`` for
that second table only).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from bart_phantoms import main as bart_phantom_table  # noqa: E402  (beside this script)
from vetmri.recon.analytic_phantom import brain_phantom, kspace_on_grid, rasterise  # noqa: E402
from vetmri.recon.cs import tv_recon, wavelet_recon  # noqa: E402
from vetmri.recon.fft import ifftc  # noqa: E402
from vetmri.recon.qa import nrmse, ssim  # noqa: E402
from vetmri.recon.sampling import poisson_disc_mask, variable_density_mask  # noqa: E402

LAMBDAS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
SNR = 20.0
REPEATS = 3


def write_cfl(path: Path, array: np.ndarray) -> None:
    dims = list(array.shape) + [1] * (16 - array.ndim)
    path.with_suffix(".hdr").write_text("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    array.astype(np.complex64).ravel(order="F").tofile(path.with_suffix(".cfl"))


def read_cfl(path: Path) -> np.ndarray:
    dims = [int(d) for d in path.with_suffix(".hdr").read_text().splitlines()[1].split()]
    while len(dims) > 1 and dims[-1] == 1:
        dims.pop()
    return np.fromfile(path.with_suffix(".cfl"), np.complex64).reshape(dims, order="F")


def bart_pics(kspace: np.ndarray, lam: float, iterations: int | None, tv_axes: int, work: Path) -> tuple[np.ndarray, float]:
    """kspace: ([nz,] ny, nx) single coil; BART dims: ny, nx, nz, coils."""
    k = kspace if kspace.ndim == 3 else kspace[None]
    k_bart = np.transpose(k, (1, 2, 0))[..., None]  # ny, nx, nz, 1
    write_cfl(work / "k", k_bart)
    write_cfl(work / "s", np.ones(k_bart.shape, np.complex64))
    cmd = ["bart", "pics", "-S", "-R", f"T:{tv_axes}:0:{lam}"]
    if iterations is not None:
        cmd += ["-i", str(iterations)]
    start = time.perf_counter()
    subprocess.run(cmd + [str(work / "k"), str(work / "s"), str(work / "x")], check=True, capture_output=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    elapsed = time.perf_counter() - start
    x = read_cfl(work / "x")
    x = x.reshape(k_bart.shape[:3])
    return np.transpose(x, (2, 0, 1)).squeeze(), elapsed


def noisy(k: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return k + (sigma / np.sqrt(2)) * (rng.standard_normal(k.shape) + 1j * rng.standard_normal(k.shape))


def score_3d(image: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    return nrmse(image, truth), float(np.mean([ssim(image[z], truth[z]) for z in range(truth.shape[0])]))


def main() -> int:
    have_bart = shutil.which("bart") is not None
    if "--bart-phantoms" in sys.argv[1:]:
        return bart_phantom_table() if have_bart else 1
    if not have_bart:
        print("bart is not installed (Debian package 'bart'): only vetmri and zero filling are measured.", file=sys.stderr)
    shapes = brain_phantom(0.2)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # 2D
        n = 256
        truth = rasterise(shapes, (n, n), (0.2, 0.2))
        clean = kspace_on_grid(shapes, (n, n), (0.2, 0.2))[0]
        sigma = truth[truth > 0.3].mean() / SNR
        k_full = noisy(clean, sigma, 0)
        for R in (2, 3, 4):
            mask = variable_density_mask(n, R, seed=R)
            k = k_full * mask[:, None]
            zf = ifftc(k)
            rows.append((f"2D R={R}", "zero filled", *_scores(zf, truth), 0.0))
            ours, t_ours = _fastest(lambda: tv_recon(k[None], mask, sigma=sigma).image)
            rows.append((f"2D R={R}", "vetmri TV", *_scores(ours, truth), t_ours * 1e3))
            start = time.perf_counter()
            wavelet = wavelet_recon(k[None], mask, sigma=sigma).image
            rows.append((f"2D R={R}", "vetmri L1 wavelet", *_scores(wavelet, truth), (time.perf_counter() - start) * 1e3))
            if have_bart:
                best = None
                for lam in LAMBDAS:
                    img, t = bart_pics(k, lam, 300, 3, work)
                    s = _scores(img, truth)
                    if best is None or s[1] > best[1][1]:
                        best = (lam, s, t)
                assert best is not None
                rows.append((f"2D R={R}", f"BART -i 300 best (lambda {best[0]:g})", *best[1], best[2] * 1e3))
                img, t = _fastest_bart(lambda: bart_pics(k, best[0], None, 3, work))
                rows.append((f"2D R={R}", f"BART default -i 30 (lambda {best[0]:g})", *_scores(img, truth), t * 1e3))
        # 3D
        nz, ny, nx = 32, 128, 128
        fov = (0.2, 0.2, 0.16)
        truth3 = rasterise(shapes, (nx, ny, nz), fov, supersample=2)
        clean3 = kspace_on_grid(shapes, (nx, ny, nz), fov)[0]
        sigma3 = truth3[truth3 > 0.3].mean() / SNR
        mask3 = poisson_disc_mask((nz, ny), 3, seed=1)
        k3 = noisy(clean3, sigma3, 1) * mask3[..., None]
        rows.append(("3D R=3", "zero filled", *score_3d(ifftc(k3, (-3, -2, -1)), truth3), 0.0))
        ours3, t_ours3 = _fastest(lambda: tv_recon(k3[None], mask3, sigma=sigma3, ndim=3).image)
        rows.append(("3D R=3", "vetmri TV", *score_3d(ours3, truth3), t_ours3 * 1e3 / nz))
        if have_bart:
            best = None
            for lam in LAMBDAS[1:5]:
                img, t = bart_pics(k3, lam, 100, 7, work)
                s = score_3d(img, truth3)
                if best is None or s[1] > best[1][1]:
                    best = (lam, s, t)
            assert best is not None
            rows.append(("3D R=3", f"BART -i 100 best (lambda {best[0]:g})", *best[1], best[2] * 1e3 / nz))
            img, t = _fastest_bart(lambda: bart_pics(k3, best[0], None, 7, work))
            rows.append(("3D R=3", f"BART default -i 30 (lambda {best[0]:g})", *score_3d(img, truth3), t * 1e3 / nz))
    print("| data | method | NRMSE | SSIM | ms per slice |")
    print("|---|---|---|---|---|")
    for data, method, e, s, ms in rows:
        print(f"| {data} | {method} | {e:.4f} | {s:.4f} | {ms:.0f} |")
    if have_bart:
        print()
        for data in dict.fromkeys(r[0] for r in rows):
            ours = next(r for r in rows if r[0] == data and r[1] == "vetmri TV")
            bart = next(r for r in rows if r[0] == data and "best" in r[1])
            quick = next(r for r in rows if r[0] == data and "default" in r[1])
            print(f"{data}: SSIM vetmri / BART best = {ours[3] / bart[3]:.4f}, time vetmri / BART -i 30 = {ours[4] / quick[4]:.2f}, time vetmri / BART best = {ours[4] / bart[4]:.3f}")
        print()
        return bart_phantom_table()
    return 0


def _fastest(recon: Callable[[], np.ndarray]) -> tuple[np.ndarray, float]:
    """(result, seconds) of the fastest of REPEATS runs of ``recon()``."""
    best = None
    for _ in range(REPEATS):
        start = time.perf_counter()
        image = recon()
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[1]:
            best = (image, elapsed)
    assert best is not None
    return best


def _fastest_bart(run: Callable[[], tuple[np.ndarray, float]]) -> tuple[np.ndarray, float]:
    """(image, seconds) of the fastest of REPEATS BART runs (BART times itself)."""
    return min((run() for _ in range(REPEATS)), key=lambda result: result[1])


def _scores(image: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    return nrmse(image, truth), ssim(image, truth)


if __name__ == "__main__":
    sys.exit(main())
