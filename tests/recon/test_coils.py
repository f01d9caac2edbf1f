import numpy as np
import pytest

from vetmri.recon.analytic_phantom import brain_phantom, coil_terms, kspace_on_grid, rasterise
from vetmri.recon.coils import _dominant_eigenvectors, adaptive_combine, rss_combine, walsh_maps
from vetmri.recon.fft import ifftc


@pytest.fixture(scope="module")
def coil_images():
    """(coils, 128, 128) images of the brain phantom through 4 smooth coils, noise free,
    and the phantom itself."""
    n = 128
    k = kspace_on_grid(brain_phantom(), (n, n), (0.2, 0.2), coils=coil_terms(4, 0.2))
    return ifftc(k).astype(np.complex64), rasterise(brain_phantom(), (n, n), (0.2, 0.2))


def test_power_iteration_finds_the_eigenvector_lapack_finds():
    rng = np.random.default_rng(1)
    signal = rng.standard_normal((50, 4)) + 1j * rng.standard_normal((50, 4))
    noise = rng.standard_normal((50, 4, 8)) + 1j * rng.standard_normal((50, 4, 8))
    matrices = np.einsum("ni,nj->nij", signal, signal.conj()) * 5 + noise @ noise.conj().swapaxes(-1, -2) / 8
    ours = _dominant_eigenvectors(matrices.astype(np.complex64))
    reference = np.linalg.eigh(matrices)[1][..., -1]
    overlap = np.abs(np.sum(ours.conj() * reference, axis=-1))
    assert overlap.min() > 0.999


def test_noise_free_adaptive_combination_matches_rss_in_the_object(coil_images):
    images, truth = coil_images
    adaptive = np.abs(adaptive_combine(images))
    rss = rss_combine(images)
    inside = truth > 0.3
    # unit-norm matched weights give |m| s, as RSS does without noise: no tile seams
    assert np.abs(adaptive[inside] - rss[inside]).max() < 0.02 * rss[inside].mean()


def test_weights_are_unit_norm_and_follow_the_coil_phase(coil_images):
    images, truth = coil_images
    maps = walsh_maps(images)
    assert maps.shape == images.shape
    np.testing.assert_allclose(np.sum(np.abs(maps) ** 2, axis=0), 1.0, atol=1e-4)
    # the object is real: once the coil phases are removed only a constant phase (that of
    # the reference coil) remains, with no jumps between tiles
    combined = np.sum(maps.conj() * images, axis=0)[truth > 0.3]
    mean_direction = np.sum(combined) / np.abs(np.sum(combined))
    assert np.abs(np.angle(combined * np.conj(mean_direction))).max() < 0.1


def test_sizes_that_are_not_a_multiple_of_the_tile_work(coil_images):
    images, _ = coil_images
    cut = images[:, :123, :101]
    combined = adaptive_combine(cut)
    assert combined.shape == (123, 101)
    assert np.all(np.isfinite(combined))
