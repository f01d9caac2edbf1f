import json


def test_path_show_set_unset_through_the_command(run_vetmri, isolated_workstation):
    settings_file = isolated_workstation / "settings.toml"
    assert run_vetmri("settings", "path").stdout.strip() == str(settings_file)

    shown = run_vetmri("settings", "show")
    assert "not created yet" in shown.stdout and 'backend = "sim"' in shown.stdout

    result = run_vetmri("settings", "set", "pacs.orthanc", "ORTHANC@127.0.0.1:4242")
    assert result.returncode == 0, result.stderr
    assert (settings_file.stat().st_mode & 0o777) == 0o600
    data = json.loads(run_vetmri("settings", "show", "--json").stdout)
    assert data["pacs"]["orthanc"] == {"ae_title": "ORTHANC", "host": "127.0.0.1", "port": 4242, "auto_send": False}
    assert run_vetmri("settings", "set", "pacs.orthanc.auto_send", "true").returncode == 0
    assert json.loads(run_vetmri("settings", "show", "--json").stdout)["pacs"]["orthanc"]["auto_send"] is True
    refused = run_vetmri("settings", "set", "pacs.orthanc.auto_send", "sometimes")
    assert refused.returncode == 2 and "true or false" in refused.stderr

    assert run_vetmri("settings", "unset", "pacs.orthanc").returncode == 0
    assert json.loads(run_vetmri("settings", "show", "--json").stdout)["pacs"] == {}


def test_bad_values_exit_2_and_leave_the_file_alone(run_vetmri, isolated_workstation):
    run_vetmri("settings", "set", "dicom.ae_title", "CLINIC_A")
    settings_file = isolated_workstation / "settings.toml"
    before = settings_file.read_bytes()
    for args in (
        ("dicom.ae_title", "THIS_IS_MUCH_TOO_LONG"),
        ("scanner.backend", "marcos"),
        ("scanner.address", "scanner-room"),
        ("pacs.main.port", "http"),
        ("sacnner.backend", "sim"),
    ):
        result = run_vetmri("settings", "set", *args)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert settings_file.read_bytes() == before
