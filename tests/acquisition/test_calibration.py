"""The calibration chain recovers what the simulated magnet and patient hide: a 2 kHz drift
of the magnet, a 20 % RF amplitude error and a linear shim error, each from its own
simulated measurement (FID spectra, double-angle FIDs, gradient-echo projections)."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.acquisition.contract import Adjustments, ScanAborted, ScannerBackend
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.errors import UserInputError

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SHIM_ERROR = (800.0, -500.0, 300.0)


@pytest.fixture(scope="module")
def cat_head():
    return phantom_for_exam("cat", "brain", 4.0)


def test_calibration_recovers_drift_rf_error_and_shim(cat_head):
    backend = SimulatedBackend(cat_head, conditions=SimulatedConditions(
        drift_hz=2000.0, b1_scale=1.2, shim_error_hz_per_m=SHIM_ERROR, b0_inhomogeneity=False,
        coil="head_small", seed=4))
    assert isinstance(backend, ScannerBackend)
    messages = []
    adjustments = backend.calibrate(on_progress=lambda fraction, message: messages.append(message))
    assert adjustments.f0_hz == pytest.approx(2000.0, abs=3.0)
    # the RF scale brings the flip angle back to nominal: 1 / 1.2 within 2 %
    assert adjustments.rf_scale * 1.2 == pytest.approx(1.0, abs=0.02)
    # the shim cancels the linear error within 5 % (+- 30 Hz/m)
    for found, error in zip(adjustments.shim_hz_per_m, SHIM_ERROR):
        assert found == pytest.approx(-error, rel=0.05, abs=30.0)
    assert adjustments.noise_std > 0 and len(adjustments.noise_covariance) == 4
    assert any("larmor" in m for m in messages) and any("shim" in m for m in messages)


def test_each_step_runs_alone_and_starts_from_nothing(cat_head):
    backend = SimulatedBackend(cat_head, conditions=SimulatedConditions(drift_hz=-1200.0, b0_inhomogeneity=False, seed=2))
    adjustments = backend.calibrate(["larmor"])
    assert adjustments.f0_hz == pytest.approx(-1200.0, abs=3.0)
    assert adjustments.rf_scale == 1.0 and adjustments.shim_hz_per_m == (0.0, 0.0, 0.0)


def test_the_magnets_own_field_map_is_shimmed_too(cat_head):
    """With the permanent magnet's B0 map on, the shim also takes out the map's linear part:
    a second shim pass with the first's adjustments finds almost nothing left."""
    backend = SimulatedBackend(cat_head, conditions=SimulatedConditions(
        shim_error_hz_per_m=SHIM_ERROR, b0_inhomogeneity=True, seed=5))
    first = backend.calibrate(["shim"])
    assert np.linalg.norm(np.array(first.shim_hz_per_m) + SHIM_ERROR) > 30  # the map added its own gradient
    from vetmri.acquisition.calibration import calibrate_chain

    second = calibrate_chain(backend.profile, backend._measure, ["shim"], start=first)
    residual = np.array(second.shim_hz_per_m) - np.array(first.shim_hz_per_m)
    assert np.all(np.abs(residual) < 0.1 * np.abs(np.array(first.shim_hz_per_m)) + 30)


def test_abort_stops_the_calibration(cat_head):
    backend = SimulatedBackend(cat_head, conditions=SimulatedConditions(seed=1))

    def abort_at_shim(fraction, message):
        if "shim" in message:
            backend.abort()

    with pytest.raises(ScanAborted):
        backend.calibrate(on_progress=abort_at_shim)


@pytest.mark.parametrize("conditions, words", [
    (dict(drift_hz=5e6), "--drift-hz"),
    (dict(b1_scale=7.0), "RF amplitude"),
    (dict(coil="helmet"), "coil"),
])
def test_impossible_conditions_are_refused(cat_head, conditions, words):
    with pytest.raises(UserInputError, match=words):
        SimulatedBackend(cat_head, conditions=SimulatedConditions(**conditions))


def test_unknown_steps_and_impossible_adjustments_are_refused(cat_head):
    backend = SimulatedBackend(cat_head)
    with pytest.raises(UserInputError, match="Unknown calibration step 'tuning'"):
        backend.calibrate(["larmor", "tuning"])
    with pytest.raises(UserInputError, match="RF scale"):
        Adjustments(rf_scale=50.0)
