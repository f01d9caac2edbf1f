"""BART's numerical phantoms and its ``pics`` reconstruction, run as processes, for the
tests that hold vetmri's compressed sensing against BART."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from vetmri.rawdata.cfl import read_cfl, write_cfl
from vetmri.recon.fft import ifftc


def bart(*args: str) -> None:
    assert shutil.which("bart"), "BART is needed for this test: install it with 'make system-deps'"
    subprocess.run(["bart", *args], check=True, capture_output=True, env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})


def phantom(work: Path, n: int, coils: int, flags: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(k-space (coils, ny, nx), truth (ny, nx)) of a BART phantom: the object weighted by
    the root-sum-of-squares of BART's coil sensitivities, in the units of the k-space."""
    bart("phantom", *flags, "-x", str(n), "-s", str(coils), "-k", str(work / "k_clean"))
    bart("phantom", *flags, "-x", str(n), str(work / "object"))
    bart("phantom", "-x", str(n), "-S", str(coils), str(work / "sens_true"))
    k = read_cfl(work / "k_clean").reshape(n, n, coils).transpose(2, 0, 1)
    obj = np.abs(read_cfl(work / "object").reshape(n, n))
    sens = read_cfl(work / "sens_true").reshape(n, n, coils)
    truth = obj * np.sqrt((np.abs(sens) ** 2).sum(axis=-1))
    rss = np.sqrt((np.abs(ifftc(k, axes=(-2, -1))) ** 2).sum(axis=0))
    return k.astype(np.complex64), truth * (rss * truth).sum() / (truth * truth).sum()


def pics_tv(work: Path, kspace: np.ndarray, lam: float, iterations: int) -> np.ndarray:
    """BART's ESPIRiT maps and total-variation ``pics`` of k-space (coils, ny, nx)."""
    write_cfl(work / "k", kspace.transpose(1, 2, 0)[:, :, None, :])
    bart("ecalib", "-m", "1", str(work / "k"), str(work / "sens"))
    bart("pics", "-S", "-R", f"T:3:0:{lam}", "-i", str(iterations), str(work / "k"), str(work / "sens"), str(work / "x"))
    return read_cfl(work / "x").squeeze()


def scaled_ssim(image: np.ndarray, truth: np.ndarray) -> float:
    """SSIM of |image| scaled to the truth by least squares."""
    from vetmri.recon.qa import ssim

    magnitude = np.abs(image).astype(float)
    return ssim(magnitude * (magnitude * truth).sum() / max((magnitude * magnitude).sum(), 1e-30), truth)
