"""Coil combination: root-sum-of-squares and the adaptive (Walsh) combination, and coil
sensitivity maps for compressed sensing.

The adaptive combination (Walsh, Gmitro and Marcellin, MRM 2000) weights the coils of each
pixel by the dominant eigenvector of the local signal correlation matrix: with pre-whitened
data it is the SNR-optimal matched filter, keeps the complex signal (so later denoising
sees Gaussian noise) and avoids the noise floor of the root-sum-of-squares.
"""

from __future__ import annotations

import numpy as np

__all__ = ["adaptive_combine", "rss_combine", "walsh_maps"]


def rss_combine(coil_images: np.ndarray) -> np.ndarray:
    """Root-sum-of-squares over the coil axis 0: ndarray (coils, ...) -> (...), float."""
    return np.sqrt(np.sum(np.abs(coil_images) ** 2, axis=0))


def walsh_maps(coil_images: np.ndarray, *, kernel: int = 7) -> np.ndarray:
    """Adaptive-combination weights (unit norm over coils, phase of coil 0 removed).

    Parameters
    ----------
    coil_images : ndarray of shape (coils, ny, nx), complex
    kernel : int
        Side of the square neighbourhood of the correlation estimate, pixels.

    Returns
    -------
    ndarray of shape (coils, ny, nx), complex64
    """
    from scipy.ndimage import uniform_filter

    coils = coil_images.shape[0]
    if coils == 1:
        return np.ones(coil_images.shape, np.complex64)
    corr = np.empty(coil_images.shape[1:] + (coils, coils), np.complex64)
    for a in range(coils):
        for b in range(a, coils):
            prod = coil_images[a] * coil_images[b].conj()
            smooth = uniform_filter(prod.real, kernel) + 1j * uniform_filter(prod.imag, kernel)
            corr[..., a, b] = smooth
            corr[..., b, a] = smooth.conj()
    _, vectors = np.linalg.eigh(corr)
    v = vectors[..., -1]  # dominant eigenvector, shape (ny, nx, coils)
    v = v * np.exp(-1j * np.angle(v[..., :1]))
    return np.moveaxis(v, -1, 0).astype(np.complex64)


def adaptive_combine(coil_images: np.ndarray, *, kernel: int = 7) -> np.ndarray:
    """Adaptive (Walsh) combination: ndarray (coils, ny, nx) -> complex (ny, nx)."""
    if coil_images.shape[0] == 1:
        return coil_images[0]
    maps = walsh_maps(coil_images, kernel=kernel)
    return np.sum(maps.conj() * coil_images, axis=0)
