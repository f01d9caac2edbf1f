"""The command frame: version, help, exit codes, one-sentence errors, crash logging."""

from vetmri import __version__


def assert_one_sentence_without_traceback(stderr: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("vetmri: ") and lines[0].endswith(".")
    assert "Traceback" not in stderr


def test_version(run_vetmri):
    result = run_vetmri("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"vetmri {__version__}"


def test_help_lists_the_commands(run_vetmri):
    result = run_vetmri("--help")
    assert result.returncode == 0
    for command in ("status", "scanner", "settings"):
        assert command in result.stdout


def test_bad_flags_and_missing_arguments_are_one_sentence_and_exit_2(run_vetmri):
    for args in (["--bogus"], ["scanner"], ["settings", "set", "scanner.backend"], ["nonsense"]):
        result = run_vetmri(*args)
        assert result.returncode == 2, args
        assert_one_sentence_without_traceback(result.stderr)
        assert "--help" in result.stderr


def test_an_unexpected_error_goes_to_the_log_and_the_screen_gets_one_sentence(run_vetmri, isolated_workstation):
    result = run_vetmri("internal-error-test")
    assert result.returncode == 1
    assert_one_sentence_without_traceback(result.stderr)
    log_path = isolated_workstation / "data" / "logs" / "vetmri.log"
    assert str(log_path) in result.stderr
    log_text = log_path.read_text()
    assert "Traceback (most recent call last)" in log_text
    assert "DeliberateInternalError" in log_text
    assert (log_path.stat().st_mode & 0o777) == 0o600


def test_log_path_prints_the_log_file(run_vetmri, isolated_workstation):
    result = run_vetmri("--log-path")
    assert result.returncode == 0
    assert result.stdout.strip() == str(isolated_workstation / "data" / "logs" / "vetmri.log")


def test_a_broken_settings_file_is_one_sentence_naming_file_and_key(run_vetmri, isolated_workstation):
    settings = isolated_workstation / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("[scanner]\nbackend = 'magic'\n")
    result = run_vetmri("status")
    assert result.returncode == 2
    assert_one_sentence_without_traceback(result.stderr)
    assert str(settings) in result.stderr and "'scanner.backend'" in result.stderr


def test_refusals_are_logged_without_their_message(run_vetmri, isolated_workstation):
    run_vetmri("settings", "set", "pacs.main", "not-an-address-of-Mrs-Smith")
    log_text = (isolated_workstation / "data" / "logs" / "vetmri.log").read_text()
    assert "refused" in log_text
    assert "Smith" not in log_text


def test_python_dash_m_runs_the_same_command(isolated_workstation):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "vetmri", "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"vetmri {__version__}"


def test_an_unknown_command_lists_the_commands_without_the_hidden_one(run_vetmri):
    result = run_vetmri("frobnicate")
    assert result.returncode == 2
    assert "'exam'" in result.stderr and "internal-error-test" not in result.stderr


def test_a_bare_vetmri_without_a_terminal_prints_the_status(run_vetmri):
    result = run_vetmri()  # stdin and stdout are not a terminal here (the TUI test uses tmux)
    assert result.returncode == 0
    assert result.stdout.startswith("vetmri ") and "Scanner" in result.stdout


def test_vetmri_tui_refuses_a_broken_settings_file_in_one_sentence(run_vetmri, isolated_workstation):
    isolated_workstation.mkdir(parents=True, exist_ok=True)
    (isolated_workstation / "settings.toml").write_text('[tui]\ntheme = "purple"\n')
    result = run_vetmri("tui")
    assert result.returncode == 2
    assert_one_sentence_without_traceback(result.stderr)
    assert "tui.theme" in result.stderr
