"""Noise models: which noise scans can whiten the data."""

import numpy as np
import pytest

from vetmri.recon.noise import NoiseModel, unusable_noise_reason


def _model(covariance) -> NoiseModel:
    return NoiseModel(covariance=np.asarray(covariance, dtype=complex), sample_time_s=1e-5, samples=1000)


def test_a_healthy_correlated_covariance_whitens():
    assert unusable_noise_reason(_model([[1.0, 0.25], [0.25, 0.9]])) is None


@pytest.mark.parametrize("covariance, reason", [
    (np.zeros((3, 3)), "holds no noise"),
    (np.diag([1.0, 0.0, 0.8]), "channel 2 of 3 carries no noise"),
    (np.ones((2, 2)), "singular"),
    (np.array([[1.0, np.nan], [np.nan, 1.0]]), "not finite"),
])
def test_unusable_noise_scans_are_named(covariance, reason):
    assert reason in unusable_noise_reason(_model(covariance))


def _correlated_noise(covariance: np.ndarray, readouts: int, samples: int, seed: int) -> np.ndarray:
    """(readouts, coils, samples) complex noise whose coil covariance is ``covariance``."""
    rng = np.random.default_rng(seed)
    coils = len(covariance)
    white = (rng.normal(size=(readouts, coils, samples)) + 1j * rng.normal(size=(readouts, coils, samples))) / np.sqrt(2)
    return np.einsum("ij,njs->nis", np.linalg.cholesky(covariance), white).astype(np.complex64)


def _readouts(data: np.ndarray, sample_time_s: float = 1e-5):
    from vetmri.recon.readouts import Readouts

    n = len(data)
    return Readouts(data, np.zeros((n, 9), int), np.zeros(n), np.full(n, data.shape[2] // 2), sample_time_s, ())


# Four coils: unequal gains and strong neighbour coupling (correlation 0.3 to 0.7).
_KNOWN_COVARIANCE = np.array([
    [1.0, 0.6, 0.2, 0.05],
    [0.6, 2.0, 0.9, 0.3],
    [0.2, 0.9, 1.5, 0.7],
    [0.05, 0.3, 0.7, 0.8],
], dtype=complex) + 1j * np.array([
    [0.0, 0.1, 0.0, 0.0],
    [-0.1, 0.0, 0.2, 0.0],
    [0.0, -0.2, 0.0, 0.1],
    [0.0, 0.0, -0.1, 0.0],
])


def test_prewhitening_turns_the_known_covariance_of_correlated_coils_into_the_identity():
    """Against the covariance the noise was made with: a whitening that only rescales the
    channels leaves the coupling (0.3-0.7) and fails."""
    from vetmri.recon.noise import noise_model_from_scan, prewhiten

    model = noise_model_from_scan(_readouts(_correlated_noise(_KNOWN_COVARIANCE, 256, 256, seed=1)))
    assert np.allclose(model.covariance, _KNOWN_COVARIANCE, atol=0.03)
    imaging_noise = _readouts(_correlated_noise(_KNOWN_COVARIANCE, 256, 256, seed=2))  # other noise, same coils
    whitened = prewhiten(imaging_noise, model).data
    samples = np.moveaxis(whitened, 1, 0).reshape(4, -1)
    covariance = samples @ samples.conj().T / samples.shape[1]
    assert np.allclose(covariance, np.eye(4), atol=0.03)
    w = model.whitening_matrix(1e-5)
    assert np.allclose(w @ _KNOWN_COVARIANCE @ w.conj().T, np.eye(4), atol=0.03)
    # the rescale-only version would pass the diagonal but not this
    rescaled = np.diag(1 / np.sqrt(np.diag(_KNOWN_COVARIANCE).real))
    assert not np.allclose(rescaled @ _KNOWN_COVARIANCE @ rescaled.conj().T, np.eye(4), atol=0.03)


def test_prewhitening_follows_the_dwell_time_of_the_imaging_readouts():
    """Noise power scales with the bandwidth: imaging at half the noise scan's dwell time has
    twice the noise variance, and whitening still gives unit variance."""
    from vetmri.recon.noise import noise_model_from_scan, prewhiten

    model = noise_model_from_scan(_readouts(_correlated_noise(_KNOWN_COVARIANCE, 256, 256, seed=3), 1e-5))
    imaging = _readouts(_correlated_noise(2 * _KNOWN_COVARIANCE, 256, 256, seed=4), 0.5e-5)
    samples = np.moveaxis(prewhiten(imaging, model).data, 1, 0).reshape(4, -1)
    assert np.allclose(samples @ samples.conj().T / samples.shape[1], np.eye(4), atol=0.04)
