"""The quick protocol's quality on the simulated scanner, against the noise-free, fully
sampled simulation of the same textured phantom."""

import warnings

import pytest

from vetmri.acquisition.quality_run import measure_quality


@pytest.fixture(scope="module")
def spine():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {q.variant: q for q in measure_quality("dog", 20, "thoracolumbar_spine", 2)}


def test_a_2_mm_lesion_stays_visible_after_the_quick_protocols_denoising(spine):
    quick = spine["quick"]
    lesion = next(l for l in quick.lesions if abs(l.diameter_m - 2e-3) < 1e-4)
    assert lesion.cnr > 3


def test_the_predicted_ssim_agrees_with_the_simulation_within_10_percent(spine):
    for q in spine.values():
        assert abs(q.predicted_ssim - q.ssim) <= 0.1 * q.ssim


def test_the_quick_series_is_at_least_as_close_to_the_truth_in_half_the_time(spine):
    assert spine["quick"].scan_time_s <= 0.52 * spine["standard"].scan_time_s
    assert spine["quick"].ssim >= spine["standard"].ssim
