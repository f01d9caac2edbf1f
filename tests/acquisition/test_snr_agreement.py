"""The planner's predicted SNR agrees (within 20 %) with the SNR measured on simulated
T2 TSE series of a 3 kg cat and a 35 kg dog brain: white matter over the noise of the noise
scan, reconstructed by plain FFT with adaptive coil combination."""

from __future__ import annotations

import pytest

from tests.acquisition.snr_measurement import measured_and_predicted_snr

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.mark.parametrize("species, weight_kg", [("cat", 3.0), ("dog", 35.0)])
def test_predicted_snr_agrees_with_the_simulated_scanner(tmp_path, species, weight_kg):
    measured, predicted, roi_pixels = measured_and_predicted_snr(species, weight_kg, 2, tmp_path)
    assert roi_pixels > 100
    assert measured == pytest.approx(predicted, rel=0.2)
