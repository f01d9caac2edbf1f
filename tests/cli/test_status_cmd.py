import json


def test_bare_vetmri_shows_the_simulated_scanner_and_creates_a_private_data_folder(run_vetmri, isolated_workstation):
    result = run_vetmri()
    assert result.returncode == 0, result.stderr
    assert "simulated scanner" in result.stdout
    assert "8.5155 MHz" in result.stdout and "16 mT/m" in result.stdout
    assert str(isolated_workstation / "data") in result.stdout
    assert "head_small" in result.stdout
    data_dir = isolated_workstation / "data"
    assert (data_dir.stat().st_mode & 0o777) == 0o700


def test_status_json_for_other_tools(run_vetmri, isolated_workstation):
    run_vetmri("settings", "set", "pacs.main", "ORTHANC@127.0.0.1:4242")
    run_vetmri("settings", "set", "scanner.backend", "link")
    result = run_vetmri("status", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["scanner"]["backend"] == "link"
    assert status["pacs"] == ["main"]
    assert status["data_dir_source"] == "VETMRI_DATA_DIR"
    assert status["settings_file_exists"] is True
    assert set(status["data_folders"]) == {"species_protocols", "phantoms"}
