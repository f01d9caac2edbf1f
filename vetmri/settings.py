"""Workstation settings: one TOML file, typed and validated on load.

The file lives in the platform's config folder (``vetmri settings path`` prints it), or
where ``VETMRI_CONFIG`` points. ``VETMRI_DATA_DIR`` overrides the data folder. A missing
file means all defaults. Sections::

    [data]        dir = folder for records, studies, raw data and logs
    [scanner]     backend = "sim" | "link", address = "host:port", profile = path
    [dicom]       ae_title = our AE title, uid_root = root of the UIDs we make
    [pacs.NAME]   ae_title, host, port of each PACS node we may send to; auto_send = true queues
                  every series an exam writes for it
    [tui]         theme = "dark" | "light", station = name shown in the terminal UI's header,
                  images = "auto" | "kitty" | "sixel" | "halfblock", truecolor = true forces 24-bit colour

Every problem is a :class:`~vetmri.errors.UserInputError` naming the file and the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetmri.atomicfile import atomic_write_text, make_folders
from vetmri.errors import UserInputError
from vetmri.tomlfields import REQUIRED, TomlTable, read_toml_file

__all__ = [
    "CONFIG_ENV",
    "DATA_DIR_ENV",
    "DataSettings",
    "DicomSettings",
    "PacsNode",
    "RecordsSettings",
    "ScannerSettings",
    "Settings",
    "TuiSettings",
    "load_settings",
    "parse_host_port",
    "set_setting",
    "settings_path",
    "unset_setting",
]

CONFIG_ENV = "VETMRI_CONFIG"
DATA_DIR_ENV = "VETMRI_DATA_DIR"
APP_NAME = "vetmri"

_HINT = "fix it in that file or with 'vetmri settings set KEY VALUE' (a PACS node at once: 'vetmri settings set pacs.NAME AE_TITLE@HOST:PORT')"
_AE_TITLE = re.compile(r"^[\x20-\x5b\x5d-\x7e]{1,16}$")  # printable ASCII without backslash
_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
_NODE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
#: The colour themes of the terminal UI.
THEMES = ("dark", "light")
#: How the terminal UI draws images (``auto`` detects the terminal).
IMAGE_MODES = ("auto", "kitty", "sixel", "halfblock")
#: Longest UID root we accept: leaves 24 characters of the 64 for what we append.
UID_ROOT_MAX_LENGTH = 40


@dataclass(frozen=True)
class DataSettings:
    """Where vetmri keeps its data.

    Attributes
    ----------
    dir : Path
        The data folder (records, studies, raw data, logs).
    source : str
        Where ``dir`` came from: ``"VETMRI_DATA_DIR"``, ``"settings file"`` or ``"default"``.
    """

    dir: Path
    source: str


@dataclass(frozen=True)
class ScannerSettings:
    """Which scanner backend the workstation drives.

    Attributes
    ----------
    backend : {"sim", "link"}
        ``sim``: the built-in simulator; ``link``: a scanner over the network.
    address : str
        ``host:port`` of the scanner link (used when ``backend`` is ``link``).
    profile : Path or None
        A scanner profile file to use instead of the built-in one.
    """

    backend: str = "sim"
    address: str = "127.0.0.1:9002"
    profile: Path | None = None

    @property
    def host(self) -> str:
        """Host part of :attr:`address`."""
        return parse_host_port(self.address)[0]

    @property
    def port(self) -> int:
        """Port part of :attr:`address`."""
        return parse_host_port(self.address)[1]


@dataclass(frozen=True)
class DicomSettings:
    """Our own DICOM identity.

    Attributes
    ----------
    ae_title : str
        The Application Entity title this workstation uses on the network.
    uid_root : str
        Root of every UID vetmri makes. The default ``2.25`` is the ISO/IEC 9834-8 arc for
        UUID-derived UIDs, which needs no registration; a clinic or vendor with a
        registered root sets it here.
    """

    ae_title: str = "VETMRI"
    uid_root: str = "2.25"


@dataclass(frozen=True)
class RecordsSettings:
    """The pet record store.

    Attributes
    ----------
    backups_kept : int
        How many rotated backups of the records to keep in ``<data>/backups``.
    """

    backups_kept: int = 14


@dataclass(frozen=True)
class TuiSettings:
    """The terminal UI.

    Attributes
    ----------
    theme : {"dark", "light"}
        The colour theme (the UI remembers the last one chosen).
    station : str
        The clinic or station name shown in the header; empty shows the AE title.
    images : {"auto", "kitty", "sixel", "halfblock"}
        How images are drawn: ``auto`` detects a terminal with the Kitty graphics protocol
        or Sixel and uses half-blocks elsewhere (tmux, plain SSH, the Linux console).
    truecolor : bool
        Draw in 24-bit colour even when the terminal does not say it can (over SSH, which
        does not forward ``COLORTERM``): all 256 grey levels instead of about 30.
    """

    theme: str = "dark"
    station: str = ""
    images: str = "auto"
    truecolor: bool = False


@dataclass(frozen=True)
class PacsNode:
    """A DICOM peer we may send to or query.

    Attributes
    ----------
    name : str
        Our name for it, as used on the command line (``--to NAME``).
    ae_title : str
        Its Application Entity title.
    host : str
        Its host name or IP address.
    port : int
        Its DICOM port.
    auto_send : bool
        Queue every series an exam writes for this node as soon as it is written.
    """

    name: str
    ae_title: str
    host: str
    port: int
    auto_send: bool = False


@dataclass(frozen=True)
class Settings:
    """All settings, validated, with defaults filled in.

    Attributes
    ----------
    path : Path
        The settings file these came from (it may not exist: then all are defaults).
    data, scanner, dicom : DataSettings, ScannerSettings, DicomSettings
        The sections.
    pacs : tuple of PacsNode
        The configured PACS nodes, sorted by name.
    """

    path: Path
    data: DataSettings
    scanner: ScannerSettings
    dicom: DicomSettings
    pacs: tuple[PacsNode, ...] = ()
    records: RecordsSettings = RecordsSettings()
    tui: TuiSettings = TuiSettings()

    def pacs_node(self, name: str) -> PacsNode:
        """The PACS node called ``name``.

        Raises
        ------
        UserInputError
            No such node in the settings.
        """
        for node in self.pacs:
            if node.name == name:
                return node
        known = ", ".join(n.name for n in self.pacs) or "none yet"
        raise UserInputError(
            f"No PACS node called {name!r} is configured (configured: {known}); add it with "
            f"'vetmri settings set pacs.{name} AE_TITLE@HOST:PORT'."
        )

    def to_dict(self) -> dict[str, Any]:
        """The effective settings as plain data (the layout of the file)."""
        scanner: dict[str, Any] = {"backend": self.scanner.backend, "address": self.scanner.address}
        if self.scanner.profile is not None:
            scanner["profile"] = str(self.scanner.profile)
        return {
            "data": {"dir": str(self.data.dir)},
            "scanner": scanner,
            "dicom": {"ae_title": self.dicom.ae_title, "uid_root": self.dicom.uid_root},
            "pacs": {
                n.name: {"ae_title": n.ae_title, "host": n.host, "port": n.port, "auto_send": n.auto_send} for n in self.pacs
            },
            "records": {"backups_kept": self.records.backups_kept},
            "tui": {"theme": self.tui.theme, "station": self.tui.station, "images": self.tui.images,
                    "truecolor": self.tui.truecolor},
        }


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file: ``VETMRI_CONFIG`` or the platform's config folder."""
    environ = os.environ if environ is None else environ
    override = environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def parse_host_port(text: str) -> tuple[str, int]:
    """Split ``host:port`` (``[v6::addr]:port`` for IPv6).

    Raises
    ------
    UserInputError
        Not of that form, or the port is not 1 to 65535.
    """
    host, sep, port_text = text.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise UserInputError(
            f"{text!r} is not an address of the form HOST:PORT with a port from 1 to 65535."
        )
    return host, int(port_text)


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, validate and complete the settings.

    Parameters
    ----------
    path : Path, optional
        The settings file; by default :func:`settings_path`.
    environ : Mapping, optional
        The environment (``os.environ`` by default), for ``VETMRI_DATA_DIR``.

    Raises
    ------
    UserInputError
        The file is unreadable or a value is wrong; the message names the key.
    """
    environ = os.environ if environ is None else environ
    path = settings_path(environ) if path is None else path
    if path.exists():
        top = read_toml_file(path, what="settings file", hint=_HINT)
    else:
        top = TomlTable({}, source=f"settings file {path}", hint=_HINT)
    return _parse(top, path, environ)


def _parse(top: TomlTable, path: Path, environ: Mapping[str, str]) -> Settings:
    section = top.table("data", required=False)
    data_dir_text = section.string("dir", default=None)
    section.reject_unknown_keys()
    if environ.get(DATA_DIR_ENV, "").strip():
        data = DataSettings(Path(environ[DATA_DIR_ENV]).expanduser(), DATA_DIR_ENV)
    elif data_dir_text is not None:
        data = DataSettings(_relative_to(path, data_dir_text), "settings file")
    else:
        data = DataSettings(_default_data_dir(), "default")

    section = top.table("scanner", required=False)
    defaults = ScannerSettings()
    backend = section.string("backend", default=defaults.backend, choices=("sim", "link"))
    address = section.string("address", default=defaults.address)
    try:
        parse_host_port(address)
    except UserInputError:
        raise section.error("address", f"must be HOST:PORT with a port from 1 to 65535, not {address!r}") from None
    profile_text = section.string("profile", default=None)
    section.reject_unknown_keys()
    scanner = ScannerSettings(
        backend=backend,
        address=address,
        profile=None if profile_text is None else _relative_to(path, profile_text),
    )

    section = top.table("dicom", required=False)
    defaults_dicom = DicomSettings()
    dicom = DicomSettings(
        ae_title=_ae_title(section, "ae_title", defaults_dicom.ae_title),
        uid_root=_uid_root(section, "uid_root", defaults_dicom.uid_root),
    )
    section.reject_unknown_keys()

    section = top.table("records", required=False)
    records = RecordsSettings(
        backups_kept=section.integer("backups_kept", default=RecordsSettings.backups_kept, minimum=1, maximum=10_000)
    )
    section.reject_unknown_keys()

    section = top.table("tui", required=False)
    station = section.string("station", default=TuiSettings.station, allow_empty=True)
    if len(station) > 64 or any(ord(c) < 32 for c in station):
        raise section.error("station", f"must be a name of at most 64 characters, not {station!r}")
    tui = TuiSettings(
        theme=section.string("theme", default=TuiSettings.theme, choices=THEMES), station=station.strip(),
        images=section.string("images", default=TuiSettings.images, choices=IMAGE_MODES),
        truecolor=section.boolean("truecolor", default=TuiSettings.truecolor),
    )
    section.reject_unknown_keys()

    nodes = []
    for name, node_table in sorted(top.named_tables("pacs").items()):
        if not _NODE_NAME.match(name):
            raise top.error(f"pacs.{name}", "is not a usable node name (use letters, digits, - and _)")
        nodes.append(
            PacsNode(
                name=name,
                ae_title=_ae_title(node_table, "ae_title", None),
                host=node_table.string("host"),
                port=node_table.integer("port", default=104, minimum=1, maximum=65535),
                auto_send=node_table.boolean("auto_send", default=False),
            )
        )
        node_table.reject_unknown_keys()
    top.reject_unknown_keys()
    return Settings(path=path, data=data, scanner=scanner, dicom=dicom, pacs=tuple(nodes), records=records,
                    tui=tui)


def _relative_to(settings_file: Path, text: str) -> Path:
    candidate = Path(text).expanduser()
    return candidate if candidate.is_absolute() else (settings_file.parent / candidate)


def _ae_title(table: TomlTable, key: str, default: str | None) -> str:
    value = table.string(key, default=REQUIRED if default is None else default)
    if not _AE_TITLE.match(value) or not value.strip():
        raise table.error(
            key, f"must be 1 to 16 printable ASCII characters without a backslash, not {value!r}"
        )
    return value


def _uid_root(table: TomlTable, key: str, default: str) -> str:
    value = table.string(key, default=default)
    if not _UID.match(value) or len(value) > UID_ROOT_MAX_LENGTH:
        raise table.error(
            key,
            f"must be a dotted numeric UID root of at most {UID_ROOT_MAX_LENGTH} characters "
            f"without leading zeros (such as 1.2.826.0.1.3680043.10.1234), not {value!r}",
        )
    return value


# -- editing ---------------------------------------------------------------------------------

_INTEGER_KEYS = re.compile(r"^(pacs\.[^.]+\.port|records\.backups_kept)$")
_KEY_FORMS = (
    "data.dir",
    "scanner.backend",
    "scanner.address",
    "scanner.profile",
    "dicom.ae_title",
    "dicom.uid_root",
    "pacs.NAME",
    "pacs.NAME.ae_title",
    "pacs.NAME.host",
    "pacs.NAME.port",
    "pacs.NAME.auto_send",
    "records.backups_kept",
    "tui.theme",
    "tui.station",
    "tui.images",
    "tui.truecolor",
)


def _split_key(key: str) -> list[str]:
    parts = key.split(".")
    form = ".".join("NAME" if i == 1 and parts[0] == "pacs" else p for i, p in enumerate(parts))
    if form not in _KEY_FORMS:
        raise UserInputError(
            f"{key!r} is not a setting; the settings are {', '.join(_KEY_FORMS)}."
        )
    return parts


def _read_document(path: Path) -> Any:
    import tomlkit

    if not path.exists():
        return tomlkit.document()
    text = path.read_text(encoding="utf-8")
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise UserInputError(
            f"The settings file {path} is not valid TOML ({exc}); fix it by hand first."
        ) from None


def _write_validated(path: Path, document: Any, environ: Mapping[str, str] | None) -> Settings:
    import tomlkit

    text = tomlkit.dumps(document)
    top = TomlTable.from_text(text, source=f"settings file {path}", hint=_HINT)
    settings = _parse(top, path, os.environ if environ is None else environ)
    make_folders(path.parent, mode=0o700)  # durable, as the file written into it
    atomic_write_text(path, text)
    return settings


def set_setting(
    key: str, value: str, path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Set one key in the settings file, keeping its comments and layout.

    The whole file is validated before it is written (atomically, owner-only).

    Parameters
    ----------
    key : str
        Dotted key such as ``scanner.backend`` or ``pacs.main.port``.
    value : str
        The value as typed; ports are converted to whole numbers. ``pacs.NAME`` takes a
        whole node as ``AE_TITLE@HOST:PORT``.

    Returns
    -------
    Settings
        The settings after the change.

    Raises
    ------
    UserInputError
        Unknown key, or a value the settings would not accept.
    """
    import tomlkit

    parts = _split_key(key)
    path = settings_path(environ) if path is None else path
    converted: Any = value
    if len(parts) == 2 and parts[0] == "pacs":
        converted = _parse_node_address(key, value)
    elif parts[-1] in ("auto_send", "truecolor"):
        if value.strip().lower() not in ("true", "false", "yes", "no", "on", "off"):
            raise UserInputError(f"{key} must be true or false, not {value!r}.")
        converted = value.strip().lower() in ("true", "yes", "on")
    elif _INTEGER_KEYS.match(key):
        if not value.strip().isdigit():
            raise UserInputError(f"{key} must be a whole number, not {value!r}.")
        converted = int(value)
    document = _read_document(path)
    table = document
    for part in parts[:-1]:
        if part not in table:
            table[part] = tomlkit.table(is_super_table=(part == "pacs"))
        table = table[part]
    if isinstance(converted, dict):
        node = tomlkit.table()
        node.update(converted)
        converted = node
    table[parts[-1]] = converted
    return _write_validated(path, document, environ)


def _parse_node_address(key: str, value: str) -> dict[str, Any]:
    """``AE_TITLE@HOST:PORT`` -> the keys of a PACS node."""
    ae_title, at, address = value.partition("@")
    if not at or not ae_title:
        raise UserInputError(
            f"{key} takes AE_TITLE@HOST:PORT (such as ORTHANC@192.0.2.10:4242), not {value!r}."
        )
    host, port = parse_host_port(address)
    return {"ae_title": ae_title, "host": host, "port": port}


def unset_setting(
    key: str, path: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Remove a key (back to its default) or a whole PACS node (``pacs.NAME``).

    Raises
    ------
    UserInputError
        Unknown key, or the key is not set in the file.
    """
    path = settings_path(environ) if path is None else path
    parts = _split_key(key)
    document = _read_document(path)
    table = document
    for part in parts[:-1]:
        if part not in table:
            raise UserInputError(f"{key} is not set in {path}, so there is nothing to remove.")
        table = table[part]
    if parts[-1] not in table:
        raise UserInputError(f"{key} is not set in {path}, so there is nothing to remove.")
    del table[parts[-1]]
    return _write_validated(path, document, environ)
