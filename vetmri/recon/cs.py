"""Compressed-sensing reconstruction of undersampled Cartesian scans.

Objective (total variation; single coil: :class:`~vetmri.recon.algorithms.SplitBregmanTV`,
several coils: :class:`~vetmri.recon.sense_admm.SenseADMMTV` on the SENSE model, its
weight reweighted by the image's edges halfway)::

    min_x ½ ‖M F S x − y‖² + λ ‖∇x‖_1,        λ = TV_WEIGHT_PER_SIGMA · σ

with M the sampling mask, F the centred unitary FFT, S the coil sensitivities (estimated
from the fully sampled k-space centre) and σ the noise standard deviation per k-space
sample, measured from the noise scan (1 after pre-whitening). The weight follows the
measured noise: it is never tuned per image. An L1-wavelet variant
(:func:`wavelet_recon`, FISTA) is available for comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vetmri.recon.algorithms import FISTA, PrimalDualTV, SplitBregmanTV, run
from vetmri.recon.coils import walsh_maps
from vetmri.recon.fft import ifftc
from vetmri.recon.operators import sense_operator
from vetmri.recon.sampling import calibration_region
from vetmri.recon.sense_admm import SenseADMMTV

__all__ = ["TV_WEIGHT_PER_SIGMA", "CSResult", "coil_maps_from_calibration", "tv_recon", "wavelet_recon"]

#: λ / σ of the total-variation weight (set once from the benchmark sweep in
#: benchmarks/recon_vs_bart.py, the same for every image and acceleration).
TV_WEIGHT_PER_SIGMA = 1.0

#: Iterations of the solvers, per number of transformed dimensions: a 3D slab (Poisson-disc
#: ky-kz sampling, total variation in three directions) converges in fewer iterations than a
#: 1D-undersampled slice (benchmarks/recon_vs_bart.py: past BART's best SSIM at 20 of them).
TV_ITERATIONS = {2: 100, 3: 30}

#: Iterations of the ADMM solver for several coils (SENSE), 2D or 3D, and its penalty per
#: noise sigma and over-relaxation (benchmarks/recon_vs_bart.py, BART's phantoms: 40
#: over-relaxed iterations pass the SSIM of 100 primal-dual iterations in a third of the time).
SENSE_TV_ITERATIONS = 40
SENSE_ADMM_RHO_PER_SIGMA = 0.2
SENSE_ADMM_RELAXATION = 1.8
#: Nesterov-accelerated ADMM with restart (then without over-relaxation).
SENSE_ADMM_ACCELERATE = True
#: Reweighted total variation for several coils: the iteration at which the weight becomes
#: a map of the image's edges, and the edge (gradient magnitude) at which a pixel's weight
#: halves, per noise sigma (benchmarks/bart_phantoms.py: 20 + 20 iterations at 5 sigma pass
#: BART's best SSIM on all nine phantom x acceleration cases; 3 and 8 sigma within 0.001).
SENSE_TV_REWEIGHT_AT = 20
SENSE_TV_EDGE_PER_SIGMA = 5.0

#: ADMM penalty of the single-coil split-Bregman solver (relative to the unit weight of
#: the data term; invariant to the intensity scale of the data), reached by doubling from
#: ADMM_RHO_START every ADMM_RHO_EVERY iterations.
ADMM_RHO = 2.0
ADMM_RHO_START = 0.5
ADMM_RHO_EVERY = 10

#: Over-relaxation of the split-Bregman iterations (1 is plain ADMM).
ADMM_RELAXATION = 1.8


@dataclass(frozen=True, eq=False)
class CSResult:
    """A compressed-sensing image and how it was made."""

    image: np.ndarray
    lam: float
    iterations: int
    regulariser: str


def coil_maps_from_calibration(kspace: np.ndarray, sampled: np.ndarray, ndim: int) -> np.ndarray:
    """Sensitivity maps (unit norm over coils) from the fully sampled k-space centre.

    Parameters
    ----------
    kspace : ndarray of shape (coils, [nz,] ny, nx)
    sampled : ndarray of bool, shape ([nz,] ny)
    """
    region = calibration_region(sampled)
    window = np.zeros(sampled.shape)
    sub = [np.hanning(s.stop - s.start + 2)[1:-1] for s in region]
    window[region] = sub[0] if len(sub) == 1 else np.outer(sub[0], sub[1])
    nx = kspace.shape[-1]
    wx = np.hanning(nx // 4 + 2)[1:-1]
    wfull = np.zeros(nx)
    wfull[nx // 2 - len(wx) // 2:nx // 2 - len(wx) // 2 + len(wx)] = wx
    low = ifftc(kspace * window[None, ..., None] * wfull, axes=tuple(range(-ndim, 0)))
    if ndim == 2:
        return walsh_maps(low)
    return np.stack([walsh_maps(low[:, z]) for z in range(low.shape[1])], axis=1)


def tv_recon(kspace: np.ndarray, sampled: np.ndarray, *, sigma: float, ndim: int = 2, iterations: int | None = None, weight_per_sigma: float = TV_WEIGHT_PER_SIGMA, on_progress: Callable[[int, int], None] | None = None) -> CSResult:
    """Total-variation compressed sensing.

    Parameters
    ----------
    kspace : ndarray of shape (coils, [nz,] ny, nx), complex
        Zero where not sampled, noise pre-whitened (or of standard deviation ``sigma``).
    sampled : ndarray of bool, shape ([nz,] ny)
        Sampled phase-encoding lines (the readout is always fully sampled).
    sigma : float
        Noise standard deviation per complex k-space sample.
    ndim : int
        2 for a slice, 3 for a slab.
    iterations : int or None
        None: ``TV_ITERATIONS[ndim]`` for one coil, ``SENSE_TV_ITERATIONS`` for several.

    Returns
    -------
    CSResult
        ``image`` of shape ([nz,] ny, nx), complex64.
    """
    lam = weight_per_sigma * sigma
    if iterations is None:
        iterations = TV_ITERATIONS[ndim] if kspace.shape[0] == 1 else SENSE_TV_ITERATIONS
    mask = sampled[..., None].astype(np.float32)
    if kspace.shape[0] == 1:
        y = kspace[0] * mask
        solver = SplitBregmanTV(y, mask, lam, rho=ADMM_RHO, rho_start=ADMM_RHO_START, rho_every=ADMM_RHO_EVERY, alpha=ADMM_RELAXATION, iterations=iterations)
    else:
        maps = coil_maps_from_calibration(kspace, sampled, ndim)
        solver = SenseADMMTV(kspace * mask, mask, maps, lam, rho=SENSE_ADMM_RHO_PER_SIGMA * weight_per_sigma * sigma,
                             iterations=iterations, alpha=SENSE_ADMM_RELAXATION, accelerate=SENSE_ADMM_ACCELERATE,
                             reweight_at=min(SENSE_TV_REWEIGHT_AT, iterations // 2), reweight_edge=SENSE_TV_EDGE_PER_SIGMA * sigma)
    image = run(solver, on_progress)  # type: ignore[arg-type]
    return CSResult(image=image, lam=lam, iterations=iterations, regulariser="total variation")


def wavelet_recon(kspace: np.ndarray, sampled: np.ndarray, *, sigma: float, ndim: int = 2, iterations: int = 30, weight_per_sigma: float = 1.0) -> CSResult:
    """L1-wavelet compressed sensing (FISTA; soft thresholding of a 3-level Daubechies-4
    wavelet transform of the real and imaginary parts, via PyWavelets, with a random
    circular shift per iteration). Single coil or SENSE.

    On piecewise-constant anatomy it removes less of the coherent aliasing of 1D Cartesian
    undersampling than :func:`tv_recon` (benchmark: NRMSE 0.07 against 0.03 at R = 3); it is
    there to compare, and for textured images.

    Parameters and returns as :func:`tv_recon`.
    """
    import pywt

    lam = weight_per_sigma * sigma
    mask = sampled[..., None].astype(np.float32)
    maps = np.ones((1,) + kspace.shape[1:], np.complex64) if kspace.shape[0] == 1 else coil_maps_from_calibration(kspace, sampled, ndim)
    A = sense_operator(mask, maps, ndim)
    y = kspace * mask

    rng = np.random.default_rng(0)
    level = 3

    def soft(x: np.ndarray, step: float) -> np.ndarray:
        # random circular shifts (cycle spinning) make the decimated transform shift
        # invariant on average: without them the tiles of the coarse scales show
        shift = tuple(int(v) for v in rng.integers(0, 2**level, x.ndim))
        x = np.roll(x, shift, axis=tuple(range(x.ndim)))
        out = []
        for part in (x.real, x.imag):
            coeffs = pywt.wavedecn(part, "db4", mode="periodization", level=level)
            arr, slices = pywt.coeffs_to_array(coeffs)
            approx = np.zeros(arr.shape, bool)
            approx[slices[0]] = True
            shrunk = np.where(approx, arr, np.sign(arr) * np.maximum(np.abs(arr) - lam * step, 0))
            out.append(pywt.waverecn(pywt.array_to_coeffs(shrunk, slices, output_format="wavedecn"), "db4", mode="periodization"))
        shrunk_image = (out[0] + 1j * out[1])[tuple(slice(0, n) for n in x.shape)]
        return np.roll(shrunk_image, tuple(-v for v in shift), axis=tuple(range(x.ndim)))

    solver = FISTA(A, y, soft, A.adjoint(y), iterations=iterations)
    return CSResult(image=run(solver), lam=lam, iterations=iterations, regulariser="L1 wavelet (db4)")
