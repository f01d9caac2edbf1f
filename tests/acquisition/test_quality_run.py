"""The quick protocol's quality on the simulated scanner, against the noise-free, fully
sampled simulation of the same textured phantom."""

import warnings

import pytest

from vetmri.acquisition.quality_run import measure_quality


def _measure(*case, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {q.variant: q for q in measure_quality(*case, **options)}


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


def test_the_predicted_lesion_cnr_agrees_with_the_simulation_within_10_percent():
    # the cat brain's standard T2 TSE (inverse FFT), its metastases of 1.5-4 mm: on average
    # within 10 %; each within 25 % (the model has no coil map: where a lesion sits in the
    # coil's sensitivity moves its own noise by some 10-20 %)
    (cat,) = _measure("cat", 4, "brain", 2, variants=("standard",)).values()
    checked = [l for l in cat.lesions if "metastasis" in l.name]
    assert len(checked) == 4, _report(cat)
    ratios = [l.cnr / l.predicted_cnr for l in checked]
    assert abs(sum(ratios) / len(ratios) - 1) <= 0.1, _report(cat)
    assert all(abs(r - 1) <= 0.25 for r in ratios), _report(cat)


def test_the_quick_series_is_at_least_as_close_to_the_truth_in_half_the_time(spine):
    assert spine["quick"].scan_time_s <= 0.52 * spine["standard"].scan_time_s
    assert spine["quick"].ssim >= spine["standard"].ssim


def _agreement(q):
    checked = [l for l in q.lesions if "infarct" not in l.name]  # (the cat's grazing 7 mm infarct: pv 0.05)
    return checked, [l.cnr / l.predicted_cnr for l in checked]


def test_the_prediction_and_the_simulation_agree_within_10_percent_for_a_denoised_quick_series():
    # the cat brain's quick T2 TSE: 3 of 7 averages at its lower bandwidth, non-local means.
    # SSIM within 10 %; the metastases' CNR (1.5-4 mm) on average within 10 %, each within
    # 30 % (where a lesion sits in the coil's sensitivity and in the texture moves its own
    # noise; the standard series' spread is 10-20 %)
    (cat,) = _measure("cat", 4, "brain", 2, variants=("quick",)).values()
    assert abs(cat.predicted_ssim - cat.ssim) <= 0.1 * cat.ssim
    checked, ratios = _agreement(cat)
    assert len(checked) == 4, _report(cat)
    assert abs(sum(ratios) / len(ratios) - 1) <= 0.1, _report(cat)
    assert all(abs(r - 1) <= 0.3 for r in ratios), _report(cat)


def test_the_prediction_and_the_simulation_agree_within_10_percent_for_both_variants_of_the_dog_brain():
    # the metastases of 2.7-6.8 mm on average within 10 %; the 1.4 mm one (a third of the
    # 4 mm slice: partial volume 0.16, whose contrast the model puts 25-30 % low) shows at
    # least what the model promises
    dog = _measure("dog", 35, "brain", 2)
    for q in dog.values():
        assert abs(q.predicted_ssim - q.ssim) <= 0.1 * q.ssim
        checked, ratios = _agreement(q)
        assert len(checked) == 4, _report(q)
        larger = [r for l, r in zip(checked, ratios) if l.diameter_m >= 2e-3]
        assert len(larger) == 3 and abs(sum(larger) / len(larger) - 1) <= 0.1, _report(q)
        smallest = min(checked, key=lambda l: l.diameter_m)
        assert smallest.cnr >= smallest.predicted_cnr, _report(q)


def test_the_dogs_quick_flair_keeps_its_lines_and_shows_every_lesion_better_than_the_standard():
    """A FLAIR of one average has nothing to halve but its lines; the quick variant keeps
    them, at a lower bandwidth with the denoiser, while the other series give up the time."""
    dog = _measure("dog", 35, "brain", 3)
    standard, quick = dog["standard"], dog["quick"]
    assert standard.name == quick.name == "FLAIR transverse"
    assert quick.scan_time_s <= standard.scan_time_s
    assert quick.ssim > standard.ssim
    assert len(quick.lesions) == len(standard.lesions) == 4
    for s, q in zip(standard.lesions, quick.lesions):
        assert q.name == s.name and q.cnr > s.cnr, f"{_report(standard)} | {_report(quick)}"
