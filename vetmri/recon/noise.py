"""Receiver noise: covariance from the noise scan, pre-whitening, noise level.

After whitening, every channel carries unit-variance, uncorrelated complex noise in the
imaging bandwidth, so later steps (coil combination, the compressed-sensing weight, the
denoisers, SNR) can use a noise standard deviation of 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.recon.readouts import Readouts

__all__ = ["NoiseModel", "estimate_noise_sigma_from_kspace", "noise_model_from_scan", "prewhiten", "unusable_noise_reason"]

#: A channel whose noise variance is below this fraction of the strongest one's carries no
#: receiver noise (dead, disconnected, or written without noise).
_DEAD_CHANNEL_FRACTION = 1e-6
#: Smallest eigenvalue of a usable covariance, relative to the largest.
_SINGULAR_FRACTION = 1e-9


@dataclass(frozen=True, eq=False)
class NoiseModel:
    """Receiver noise of a series.

    Attributes
    ----------
    covariance : ndarray of shape (coils, coils)
        Noise covariance per sample at the noise scan's dwell time.
    sample_time_s : float
        Dwell time of the noise scan.
    samples : int
        Number of noise samples per channel used.
    """

    covariance: np.ndarray
    sample_time_s: float
    samples: int

    def covariance_at(self, sample_time_s: float) -> np.ndarray:
        """Covariance per sample at another dwell time (noise power scales with the
        bandwidth, 1 / dwell). Without a dwell time on either side (0: not recorded) the
        noise scan is taken to share the imaging bandwidth."""
        if sample_time_s <= 0 or self.sample_time_s <= 0:
            return self.covariance
        return self.covariance * (self.sample_time_s / sample_time_s)

    def whitening_matrix(self, sample_time_s: float) -> np.ndarray:
        """W with W C W^H = I for the covariance C at ``sample_time_s``; shape (coils, coils)."""
        cov = self.covariance_at(sample_time_s)
        chol = np.linalg.cholesky(cov + 1e-12 * np.trace(cov).real / len(cov) * np.eye(len(cov)))
        return np.linalg.inv(chol)

    def sigma_at(self, sample_time_s: float) -> float:
        """Mean noise standard deviation per channel per complex sample."""
        return float(np.sqrt(np.mean(np.diag(self.covariance_at(sample_time_s)).real)))


def noise_model_from_scan(noise: Readouts | None) -> NoiseModel | None:
    """The noise covariance from noise-measurement readouts (None without a noise scan)."""
    if noise is None or len(noise) == 0:
        return None
    samples = np.moveaxis(noise.data, 1, 0).reshape(noise.data.shape[1], -1)
    samples = samples - samples.mean(axis=1, keepdims=True)
    cov = (samples @ samples.conj().T) / max(samples.shape[1] - 1, 1)
    return NoiseModel(covariance=cov, sample_time_s=noise.sample_time_s, samples=samples.shape[1])


def unusable_noise_reason(model: NoiseModel) -> str | None:
    """Why the noise scan cannot whiten the data (an all-zero scan, a channel without
    noise, a singular or non-finite covariance), or None when it can.

    Returns
    -------
    str or None
        A clause for a user ("the noise scan holds no noise (every sample is zero)").
    """
    cov = model.covariance
    if not np.all(np.isfinite(cov)):
        return "the noise scan holds samples that are not finite numbers"
    variance = np.diag(cov).real
    if variance.max(initial=0.0) <= 0.0:
        return "the noise scan holds no noise (every sample is zero)"
    dead = np.flatnonzero(variance <= _DEAD_CHANNEL_FRACTION * variance.max())
    if len(dead):
        names = ", ".join(str(c + 1) for c in dead)
        return (f"channel {names} of {len(variance)} carries no noise in the noise scan "
                "(a dead or disconnected channel)")
    eigenvalues = np.linalg.eigvalsh(cov)
    if eigenvalues.min() <= _SINGULAR_FRACTION * eigenvalues.max():
        return "the noise covariance is singular (channels carry the same noise)"
    return None


def prewhiten(readouts: Readouts, model: NoiseModel) -> Readouts:
    """Decorrelate the channels and scale them to unit noise variance."""
    w = model.whitening_matrix(readouts.sample_time_s).astype(np.complex64)
    return readouts.with_data(np.einsum("ij,njs->nis", w, readouts.data))


def estimate_noise_sigma_from_kspace(kspace: np.ndarray, sampled: np.ndarray) -> float:
    """Noise standard deviation per complex sample, estimated from the outer k-space
    (the 10 % of sampled points farthest from the centre) with a robust median.

    Parameters
    ----------
    kspace : ndarray of shape (..., ny, nx), complex
    sampled : ndarray of bool, broadcastable to ``kspace``
    """
    ny, nx = kspace.shape[-2:]
    ky, kx = np.meshgrid((np.arange(ny) - ny // 2) / ny, (np.arange(nx) - nx // 2) / nx, indexing="ij")
    radius = np.broadcast_to(np.hypot(ky, kx), kspace.shape)
    mask = np.broadcast_to(sampled, kspace.shape) & (kspace != 0)
    values = kspace[mask & (radius >= np.quantile(radius[mask], 0.9))]
    # for complex Gaussian noise of variance s^2, |n| is Rayleigh with median s*sqrt(ln 2)
    return float(np.median(np.abs(values)) / np.sqrt(np.log(2)))
