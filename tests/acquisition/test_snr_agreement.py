"""The planner's predicted SNR agrees (within 20 %) with the SNR measured on simulated
T2 TSE series of a 3 kg cat and a 35 kg dog brain: white matter over the noise of the noise
scan, reconstructed by plain FFT with adaptive coil combination. The reference protocol of
both calibrations (dog-brain T2 TSE, 1 x 1 x 4 mm, 160 lines, 2 averages, 100 Hz/pixel,
head coil) measures a white-matter SNR within the 15-30 of a 0.2 T clinical system."""

from __future__ import annotations

import pytest

from tests.acquisition.snr_measurement import measured_and_predicted_snr

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.mark.parametrize("species, weight_kg", [("cat", 3.0), ("dog", 35.0)])
def test_predicted_snr_agrees_with_the_simulated_scanner(tmp_path, species, weight_kg):
    measured, predicted, roi_pixels = measured_and_predicted_snr(species, weight_kg, 2, tmp_path)
    assert roi_pixels > 100
    assert measured == pytest.approx(predicted, rel=0.2)


REFERENCE = ("fov_mm=160,160", "matrix=160,160", "slice_mm=4", "averages=2", "bandwidth_hz_per_px=100",
             "te_ms=100", "tr_ms=3000")


def test_the_reference_dog_brain_t2_measures_white_matter_snr_15_to_30(tmp_path):
    measured, predicted, roi_pixels = measured_and_predicted_snr("dog", 35.0, 2, tmp_path, settings=REFERENCE)
    assert roi_pixels > 100
    assert 15 <= measured <= 30
    assert measured == pytest.approx(predicted, rel=0.2)
