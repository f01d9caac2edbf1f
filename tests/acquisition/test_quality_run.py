"""The quick protocol's quality on the simulated scanner, against the noise-free, fully
sampled simulation of the same textured phantom."""

import warnings

import pytest

from vetmri.acquisition.quality_run import measure_quality


def _measure(*case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {q.variant: q for q in measure_quality(*case)}


@pytest.fixture(scope="module")
def spine():
    return _measure("dog", 20, "thoracolumbar_spine", 2)


def _report(q):
    return ", ".join(f"{l.name}: {l.cnr:.1f} vs {l.predicted_cnr:.1f} (pv {l.partial_volume:.2f}, {l.host})"
                     for l in q.lesions)


def test_a_2_mm_lesion_stays_visible_after_the_quick_protocols_denoising(spine):
    quick = spine["quick"]
    lesion = next(l for l in quick.lesions if abs(l.diameter_m - 2e-3) < 1e-4)
    assert quick.name == "T2 TSE transverse" and lesion.host  # measured against its own tissue
    assert lesion.cnr > 3, _report(quick)


def test_each_lesion_is_scored_with_its_partial_volume(spine):
    for lesion in spine["standard"].lesions:
        assert 0 < lesion.partial_volume <= 1
        if lesion.diameter_m < 3.7e-3:  # smaller than the 3.7 mm slice: never a full voxel
            assert lesion.partial_volume < lesion.diameter_m / 3.7e-3 + 1e-6


def test_the_predicted_ssim_agrees_with_the_simulation_within_10_percent(spine):
    for q in spine.values():
        assert abs(q.predicted_ssim - q.ssim) <= 0.1 * q.ssim


def test_the_predicted_lesion_cnr_agrees_with_the_simulation_within_10_percent(spine):
    # the lesions of at least 3 mm: their region spans several pixels, so one noise draw
    # measures their CNR to a few per cent
    checked = 0
    for q in spine.values():
        for lesion in q.lesions:
            if lesion.diameter_m >= 2.9e-3:
                assert abs(lesion.predicted_cnr - lesion.cnr) <= 0.1 * lesion.cnr, _report(q)
                checked += 1
    assert checked >= 2


def test_the_quick_series_is_at_least_as_close_to_the_truth_in_half_the_time(spine):
    assert spine["quick"].scan_time_s <= 0.52 * spine["standard"].scan_time_s
    assert spine["quick"].ssim >= spine["standard"].ssim
