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
