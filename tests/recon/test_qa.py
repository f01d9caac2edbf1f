import numpy as np
import pytest

from tests.recon.simulated_scan import Scan
from vetmri.recon import reconstruct_series
from vetmri.recon.analytic_phantom import disc_phantom
from vetmri.recon.qa import geometric_accuracy, ghosting_ratio, snr, uniformity


@pytest.fixture
def disc_images(tmp_path):
    def make(noise_sigma, seed=0):
        scan = Scan(shapes=disc_phantom(0.2, 0.3), noise_sigma=noise_sigma, seed=seed, matrix=96)
        path = tmp_path / f"disc{noise_sigma}{seed}.h5"
        return scan, reconstruct_series(path, scan.write(path))
    return make


def test_snr_from_noise_scan_and_from_background_agree_and_scale_with_noise(disc_images):
    scan, low = disc_images(0.05)
    _, high = disc_images(0.2)
    truth = scan.truth()
    inner, background = truth > 0.99, np.zeros_like(truth, bool)
    background[:10, :10] = True
    s_low = snr(low.volumes[0].magnitude[0], inner, noise_sigma=low.noise_sigma)
    s_bg = snr(low.volumes[0].magnitude[0], inner, noise_roi=background)
    assert s_bg == pytest.approx(s_low, rel=0.25)
    s_high = snr(high.volumes[0].magnitude[0], inner, noise_sigma=high.noise_sigma)
    assert s_low == pytest.approx(4 * s_high, rel=0.2)


def test_uniformity_of_a_uniform_disc_is_high_and_drops_with_a_ramp(disc_images):
    scan, images = disc_images(0.01)
    image = images.volumes[0].magnitude[0]
    inner = scan.truth() > 0.99
    ramp = image * np.linspace(0.6, 1.4, image.shape[1])[None, :]
    assert uniformity(image, inner) > 0.9
    assert uniformity(ramp, inner) < uniformity(image, inner) - 0.2


def test_ghosting_ratio_sees_phase_ghosts():
    image = np.zeros((64, 64))
    image[20:44, 20:44] = 1.0
    ghosted = image.copy()
    ghosted[:, :] += 0.1 * np.roll(image, 32, axis=0)  # an N/2 ghost along phase encoding
    mask = image > 0
    assert ghosting_ratio(image, mask) == pytest.approx(0.0, abs=1e-9)
    # the ghost (10 % of the object) fills 24 of the 40 background rows beside the object
    assert ghosting_ratio(ghosted, mask) == pytest.approx(0.1 * 24 / 40, abs=0.005)


def test_geometric_accuracy_measures_the_disc_diameter(disc_images):
    scan, images = disc_images(0.01)
    v = images.volumes[0]
    check = geometric_accuracy(v.magnitude[0], v.geometry[0].pixel_spacing_m, (0.12, 0.12))
    assert check.max_error_m < 0.2 / 96  # within a pixel
