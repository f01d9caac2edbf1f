from pathlib import Path

import pytest

from vetmri.errors import UserInputError
from vetmri.settings import (
    load_settings,
    parse_host_port,
    set_setting,
    settings_path,
    unset_setting,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_no_file_means_defaults_and_the_environment_chooses_file_and_data_folder(isolated_workstation):
    settings = load_settings()
    assert settings.path == isolated_workstation / "settings.toml"
    assert settings.data.dir == isolated_workstation / "data"
    assert settings.data.source == "VETMRI_DATA_DIR"
    assert settings.scanner.backend == "sim"
    assert (settings.scanner.host, settings.scanner.port) == ("127.0.0.1", 9002)
    assert settings.dicom.ae_title == "VETMRI" and settings.dicom.uid_root == "2.25"
    assert settings.pacs == ()


def test_without_overrides_the_platform_folders_are_used(tmp_path):
    path = settings_path(environ={})
    assert path.name == "settings.toml" and "vetmri" in str(path)
    settings = load_settings(tmp_path / "none.toml", environ={})
    assert settings.data.source == "default" and "vetmri" in str(settings.data.dir)


def test_a_full_file_is_read_with_paths_relative_to_it(tmp_path):
    path = write(
        tmp_path / "conf" / "settings.toml",
        """
[data]
dir = "clinic-data"
[scanner]
backend = "link"
address = "[::1]:9100"
profile = "machine.toml"
[dicom]
ae_title = "VET_MRI_1"
uid_root = "1.2.826.0.1.3680043.10.1234"
[pacs.orthanc]
ae_title = "ORTHANC"
host = "pacs.clinic.example"
port = 4242
[pacs.teleradiology]
ae_title = "TELERAD"
host = "192.0.2.7"
""",
    )
    settings = load_settings(path, environ={})
    assert settings.data.dir == tmp_path / "conf" / "clinic-data"
    assert settings.data.source == "settings file"
    assert settings.scanner.backend == "link"
    assert (settings.scanner.host, settings.scanner.port) == ("::1", 9100)
    assert settings.scanner.profile == tmp_path / "conf" / "machine.toml"
    assert [n.name for n in settings.pacs] == ["orthanc", "teleradiology"]
    assert settings.pacs_node("teleradiology").port == 104
    assert settings.pacs_node("orthanc").host == "pacs.clinic.example"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[scanner]\nbackend = 'mri'", "'scanner.backend' must be one of sim, link"),
        ("[scanner]\naddress = 'localhost'", "'scanner.address' must be HOST:PORT"),
        ("[scanner]\naddress = 'h:0'", "'scanner.address' must be HOST:PORT"),
        ("[dicom]\nae_title = 'A\\\\B'", "'dicom.ae_title' must be 1 to 16 printable ASCII"),
        ("[dicom]\nae_title = 'ÄRZTE'", "'dicom.ae_title' must be 1 to 16 printable ASCII"),
        ("[dicom]\nuid_root = '1.2.3.'", "'dicom.uid_root' must be a dotted numeric UID root"),
        ("[dicom]\nuid_root = '1.2.3." + "9" * 40 + "'", "'dicom.uid_root'"),
        ("[pacs.main]\nhost = 'h'\nae_title = 'P'\nport = 0", "'pacs.main.port' must be from 1 to 65535"),
        ("[pacs.main]\nhost = 'h'\nport = 104", "'pacs.main.ae_title' is missing"),
        ("[pacs.main]\nae_title = 'P'", "'pacs.main.host' is missing"),
        ("[pacs.main]\nae_title = 'P'\nhost = 'h'\nhots = 'x'", "'pacs.main.hots' is not a known key"),
        ("[pacs.'bad name']\nae_title = 'P'\nhost = 'h'", "not a usable node name"),
        ("[scanner]\nbackend = 'sim'\n[sacnner]\nx = 1", "'sacnner' is not a known key"),
        ("[data]\ndir = 5", "'data.dir' must be text"),
        ("pacs = 3", "'pacs' must be a table"),
    ],
)
def test_wrong_settings_are_refused_naming_the_key(isolated_workstation, text, fragment):
    path = write(isolated_workstation / "settings.toml", text)
    with pytest.raises(UserInputError) as info:
        load_settings()
    message = str(info.value)
    assert fragment in message
    assert str(path) in message and "vetmri settings set" in message


def test_unknown_pacs_node_tells_how_to_add_it():
    with pytest.raises(UserInputError, match=r"No PACS node called 'main'.*settings set pacs.main"):
        load_settings().pacs_node("main")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("h:1", ("h", 1)), ("10.0.0.5:104", ("10.0.0.5", 104)), ("[fe80::1]:11112", ("fe80::1", 11112))],
)
def test_host_port_parsing(text, expected):
    assert parse_host_port(text) == expected


@pytest.mark.parametrize("text", ["h", ":104", "h:", "h:x", "h:65536", "h:-1"])
def test_bad_host_port_is_refused(text):
    with pytest.raises(UserInputError, match="HOST:PORT"):
        parse_host_port(text)


def test_set_keeps_comments_writes_owner_only_and_reloads(isolated_workstation):
    path = write(isolated_workstation / "settings.toml", "# installed by clinic IT\n[scanner]\nbackend = 'sim' # keep\n")
    settings = set_setting("scanner.backend", "link")
    assert settings.scanner.backend == "link"
    text = path.read_text()
    assert "# installed by clinic IT" in text and "# keep" in text
    assert (path.stat().st_mode & 0o777) == 0o600
    assert load_settings().scanner.backend == "link"


def test_a_pacs_node_is_set_at_once_then_edited_then_removed():
    set_setting("pacs.main", "ORTHANC@127.0.0.1:4242")
    node = load_settings().pacs_node("main")
    assert (node.ae_title, node.host, node.port) == ("ORTHANC", "127.0.0.1", 4242)
    set_setting("pacs.main.port", "4343")
    assert load_settings().pacs_node("main").port == 4343
    unset_setting("pacs.main")
    assert load_settings().pacs == ()


def test_a_refused_change_leaves_the_file_as_it_was(isolated_workstation):
    path = write(isolated_workstation / "settings.toml", "[dicom]\nae_title = 'GOOD'\n")
    before = path.read_bytes()
    with pytest.raises(UserInputError, match="dicom.ae_title"):
        set_setting("dicom.ae_title", "FAR_TOO_LONG_AE_TITLE")
    with pytest.raises(UserInputError, match="whole number"):
        set_setting("pacs.main.port", "abc")
    with pytest.raises(UserInputError, match="'scaner.backend' is not a setting"):
        set_setting("scaner.backend", "sim")
    with pytest.raises(UserInputError, match="AE_TITLE@HOST:PORT"):
        set_setting("pacs.main", "127.0.0.1:4242")
    assert path.read_bytes() == before


def test_unset_of_a_key_that_is_not_set_says_so():
    with pytest.raises(UserInputError, match="nothing to remove"):
        unset_setting("dicom.uid_root")


def test_set_on_a_broken_file_asks_for_a_fix_by_hand(isolated_workstation):
    write(isolated_workstation / "settings.toml", "[scanner\n")
    with pytest.raises(UserInputError, match="not valid TOML.*fix it by hand"):
        set_setting("scanner.backend", "sim")


def test_the_tui_section_keeps_the_theme_and_station_and_refuses_others(tmp_path):
    from vetmri.settings import load_settings, set_setting

    path = tmp_path / "settings.toml"
    assert load_settings(path).tui.theme == "dark"
    settings = set_setting("tui.theme", "light", path)
    settings = set_setting("tui.station", "Clinic Nord", path)
    assert (settings.tui.theme, settings.tui.station) == ("light", "Clinic Nord")
    try:
        set_setting("tui.theme", "purple", path)
    except UserInputError as exc:
        assert "'tui.theme' must be one of dark, light" in str(exc)
    else:
        raise AssertionError("a theme that does not exist was accepted")
    assert load_settings(path).tui.theme == "light"
