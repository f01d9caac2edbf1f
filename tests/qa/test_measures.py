"""The image measurements on images whose answer is known by construction."""

import numpy as np
import pytest

from vetmri.qa import measures

SPACING = (0.0015625, 0.0015625)  # 200 mm over 128 pixels


def disc(rows_mm: float = 140.0, cols_mm: float = 140.0, n: int = 128, oversample: int = 8) -> np.ndarray:
    """An ellipse of unit signal, its edge pixels partial-volumed (averaged sub-pixels)."""
    fine = n * oversample
    step = SPACING[0] * 1e3 / oversample
    centres = (np.arange(fine) - fine / 2 + 0.5) * step
    r, c = np.meshgrid(centres, centres, indexing="ij")
    inside = (r / (rows_mm / 2)) ** 2 + (c / (cols_mm / 2)) ** 2 <= 1.0
    return inside.reshape(n, oversample, n, oversample).mean(axis=(1, 3)) * 100.0


def test_the_diameters_of_a_disc_are_its_own():
    image = disc()
    found = measures.diameters_m(image, measures.large_roi(image), SPACING)
    assert all(abs(d - 0.140) < 0.0005 for d in found), found


def test_a_phantom_stretched_along_the_readout_shows_in_that_diameter_only():
    image = disc(cols_mm=146.0)
    along_read, along_phase, *_ = measures.diameters_m(image, measures.large_roi(image), SPACING)
    assert abs(along_read - 0.146) < 0.0005
    assert abs(along_phase - 0.140) < 0.0005


def test_a_uniform_disc_has_full_uniformity_and_a_shaded_one_less():
    flat = disc()
    assert measures.percent_integral_uniformity(flat, measures.large_roi(flat), SPACING) > 99.9
    cols = np.linspace(0.7, 1.3, flat.shape[1])
    shaded = flat * cols[None, :]
    piu = measures.percent_integral_uniformity(shaded, measures.large_roi(shaded), SPACING)
    # the 1 cm² discs' centres reach sqrt(0.75) x 70 - 5.64 = 55 mm from the centre, where the
    # shading (0.003 per mm) is 1 +- 0.165: PIU = 100 (1 - 0.33 / 2) = 83.5 %
    assert piu == pytest.approx(83.5, abs=0.5)


def test_ghosts_along_the_phase_axis_count_and_the_noise_floor_does_not():
    rng = np.random.default_rng(0)
    image = disc()
    noisy = np.abs(image + rng.normal(0, 2, image.shape) + 1j * rng.normal(0, 2, image.shape))
    clean_ratio = measures.ghosting_ratio(noisy, measures.large_roi(noisy))
    ghosted = noisy + 0.05 * np.roll(image, 64, axis=0)  # a 5 % ghost, shifted half the FOV along phase
    ghost_ratio = measures.ghosting_ratio(ghosted, measures.large_roi(ghosted))
    assert clean_ratio < 0.005
    assert 0.02 < ghost_ratio < 0.06


def test_the_ramp_length_is_the_full_width_at_half_maximum():
    image = np.zeros((10, 128))
    image[4:6, 40:72] = 30.0  # 32 pixels = 50 mm bright, in a dark block
    length = measures.ramp_length_m(image, slice(4, 6), slice(10, 118), SPACING)
    assert abs(length - 0.050) < 0.002


@pytest.mark.parametrize(("a_mm", "b_mm", "thickness_mm"), [(50, 50, 5.0), (40, 60, 4.8)])
def test_two_crossed_ramps_give_the_slice_thickness(a_mm, b_mm, thickness_mm):
    assert measures.slice_thickness_from_ramps_m(a_mm / 1e3, b_mm / 1e3, 0.1) == pytest.approx(thickness_mm / 1e3)


def test_snr_needs_the_noise_of_the_noise_scan():
    image = disc()
    with pytest.raises(ValueError, match="noise"):
        measures.snr(image, measures.large_roi(image), 0.0)
