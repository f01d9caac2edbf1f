import numpy as np
import pytest

from vetmri.recon.algorithms import SplitBregmanTV, run
from vetmri.recon.analytic_phantom import brain_phantom, kspace_on_grid
from vetmri.recon.fft import fftc, ifftc
from vetmri.recon.sampling import variable_density_mask


@pytest.fixture(scope="module")
def undersampled():
    """64 x 64 phantom k-space, noisy, 1D variable density R = 3: (k, mask (ny, 1), lam)."""
    rng = np.random.default_rng(0)
    k = kspace_on_grid(brain_phantom(), (64, 64), (0.2, 0.2))[0]
    sigma = 0.05
    k = k + sigma / np.sqrt(2) * (rng.standard_normal(k.shape) + 1j * rng.standard_normal(k.shape))
    mask = variable_density_mask(64, 3, seed=3)[:, None].astype(np.float32)
    return (k * mask).astype(np.complex64), mask, sigma


def objective(x, k, mask, lam):
    data = 0.5 * np.sum(np.abs(mask * fftc(x) - k) ** 2)
    grad = np.stack([np.roll(x, -1, a) - x for a in range(x.ndim)])
    return data + lam * np.sum(np.sqrt(np.sum(np.abs(grad) ** 2, axis=0)))


def test_relaxed_split_bregman_gets_closer_to_the_minimum_than_plain_admm(undersampled):
    k, mask, lam = undersampled
    best = objective(run(SplitBregmanTV(k, mask, lam, rho=2.0, alpha=1.8, iterations=1500)), k, mask, lam)
    relaxed = objective(run(SplitBregmanTV(k, mask, lam, rho=2.0, alpha=1.8, iterations=40)), k, mask, lam)
    plain = objective(run(SplitBregmanTV(k, mask, lam, rho=2.0, alpha=1.0, iterations=40)), k, mask, lam)
    start = objective(ifftc(k), k, mask, lam)
    assert best <= relaxed < plain < start
    assert relaxed - best < 0.5 * (plain - best)


def test_split_bregman_keeps_the_data_when_the_weight_is_tiny(undersampled):
    k, mask, _ = undersampled
    x = run(SplitBregmanTV(k, mask, 1e-6, rho=2.0, iterations=30))
    # the image is centred like ifftc, and consistent with every measured sample
    np.testing.assert_allclose(mask * fftc(x), k, atol=1e-3 * np.abs(k).max())


def test_split_bregman_works_on_a_3d_slab():
    rng = np.random.default_rng(2)
    truth = np.zeros((8, 16, 16), np.complex64)
    truth[2:6, 4:12, 5:11] = 1
    mask = (rng.random((8, 16, 1)) < 0.6).astype(np.float32)
    mask[3:5, 6:10] = 1
    k = (fftc(truth, (0, 1, 2)) * mask).astype(np.complex64)
    x = run(SplitBregmanTV(k, mask, 0.01, rho=2.0, iterations=200))
    zero_filled = ifftc(k, (0, 1, 2))
    # a box is what total variation recovers from 60 % of the lines
    assert np.linalg.norm(x - truth) < 0.1 * np.linalg.norm(zero_filled - truth)
