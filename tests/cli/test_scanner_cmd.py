import json


def test_scanner_show_prints_the_limits_and_coils(run_vetmri):
    result = run_vetmri("scanner", "show")
    assert result.returncode == 0, result.stderr
    assert "16 mT/m, 40 T/m/s, rise 0.40 ms" in result.stdout
    assert "spine_array" in result.stdout


def test_scanner_show_json_round_trips_the_profile(run_vetmri):
    result = run_vetmri("scanner", "show", "--json")
    data = json.loads(result.stdout)
    assert data["gradients"]["max_amplitude_t_per_m"] == 0.016
    assert len(data["coils"]) >= 5


def test_a_wrong_profile_file_is_named_with_its_key(run_vetmri, tmp_path):
    bad = tmp_path / "machine.toml"
    bad.write_text("name = 'x'\n[magnet]\nb0_t = 'strong'\n")
    result = run_vetmri("scanner", "show", "--profile", str(bad))
    assert result.returncode == 2
    assert "'magnet.b0_t' must be a number" in result.stderr
    assert str(bad) in result.stderr


def test_the_profile_named_in_the_settings_is_used(run_vetmri, tmp_path):
    from vetmri.scanner import default_profile_path

    other = tmp_path / "machine.toml"
    other.write_text(default_profile_path().read_text().replace('name = "vetmri 0.2 T veterinary scanner"', 'name = "Clinic B magnet"'))
    assert run_vetmri("settings", "set", "scanner.profile", str(other)).returncode == 0
    result = run_vetmri("scanner", "show")
    assert result.stdout.startswith("Clinic B magnet")
