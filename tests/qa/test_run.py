"""The QA of good and degraded simulated magnets, in process and over the scanner link
(the real ``vetmri sim-server`` on a TCP port)."""

from __future__ import annotations

import pytest

from vetmri.acquisition.simulated import SimulatedConditions
from vetmri.errors import UserInputError
from vetmri.qa.run import run_qa
from vetmri.settings import load_settings, set_setting

from tests.acquisition.link.conftest import start_sim_server  # noqa: F401  (fixture)


def failed(result) -> set[str]:
    return {m.key for m in result.failures}


def test_a_good_magnet_passes_every_measure():
    result = run_qa(load_settings())
    assert result.passed, [m.reason for m in result.failures]
    assert result.scanner == "simulated"
    assert abs(result.measure("larmor").detail["offset_hz"]) < 5
    assert abs(result.measure("slice_thickness").value - 5.0) < 0.7
    assert result.measure("geometry").value < 2.0
    assert result.measure("rf_scale").value == pytest.approx(1.0, abs=0.02)
    assert result.measure("snr").value > 125
    assert result.scan_time_s > 0 and result.run_time_s > 0


def test_a_drifted_magnet_fails_the_larmor_frequency_and_nothing_else():
    result = run_qa(load_settings(), conditions=SimulatedConditions(drift_hz=20_000.0))
    assert failed(result) == {"larmor"}
    reason = result.measure("larmor").reason
    assert "+20.00 kHz from the nominal" in reason and "drifted" in reason


def test_a_big_shim_error_fails_the_geometry_along_the_readout():
    result = run_qa(load_settings(), conditions=SimulatedConditions(shim_error_hz_per_m=(3000.0, 0.0, 0.0)))
    assert "geometry" in failed(result)
    geometry = result.measure("geometry")
    read, phase = geometry.detail["diameters_mm"][:2]
    assert read - 140.0 > 4.0 and abs(phase - 140.0) < 2.0  # stretched along the readout only
    assert geometry.reason.startswith("The left-right (readout) diameter is")
    assert "shim" in geometry.reason


def test_an_rf_error_beyond_the_transmitter_window_fails_the_rf_scale():
    result = run_qa(load_settings(), conditions=SimulatedConditions(b1_scale=1.4))
    assert failed(result) == {"rf_scale"}
    assert "0.714 x the nominal drive" in result.measure("rf_scale").reason


def test_simulated_conditions_are_refused_for_the_scanner_link():
    set_setting("scanner.backend", "link")
    with pytest.raises(UserInputError, match="simulator only"):
        run_qa(load_settings(), conditions=SimulatedConditions(drift_hz=100.0))


def test_qa_over_the_scanner_link_sees_the_servers_drifted_magnet(start_sim_server):
    server = start_sim_server("--phantom", "qa_phantom", "--drift-hz", "-15000")
    set_setting("scanner.backend", "link")
    set_setting("scanner.address", server.address)
    result = run_qa(load_settings())
    assert result.scanner == f"link {server.address}"
    assert failed(result) == {"larmor"}, [m.reason for m in result.failures]
    assert result.measure("larmor").detail["offset_hz"] == pytest.approx(-15000, abs=5)
    assert result.conditions == {}
