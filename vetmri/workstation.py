"""What the workstation is set up to do: settings, scanner, data folder, PACS nodes.

The status view of the CLI (and the TUI's header) show this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vetmri import __version__
from vetmri.datadir import log_file_path
from vetmri.resources import DATA_FOLDERS, data_folder, where_running
from vetmri.scanner.profile import ScannerProfile, load_profile
from vetmri.settings import PacsNode, Settings, load_settings

__all__ = ["ScannerCheck", "WorkstationStatus", "check_scanner", "workstation_status"]


@dataclass(frozen=True)
class WorkstationStatus:
    """The workstation's set-up, as read from its settings and scanner profile.

    Attributes
    ----------
    version : str
        vetmri's version.
    running_from : str
        ``"source"``, ``"wheel"`` or ``"bundle"``.
    settings : Settings
        The effective settings.
    settings_file_exists : bool
        False when every setting is a default.
    profile : ScannerProfile
        The scanner profile in use.
    log_path : Path
        The log file.
    data_folders : dict of str to Path
        Where the shipped data folders (species protocols, phantoms) were found.
    """

    version: str
    running_from: str
    settings: Settings
    settings_file_exists: bool
    profile: ScannerProfile
    log_path: Path
    data_folders: dict[str, Path]

    @property
    def scanner_summary(self) -> str:
        """One line saying which scanner the workstation drives."""
        scanner = self.settings.scanner
        if scanner.backend == "sim":
            return "simulated scanner (built-in low-field physics simulator)"
        return f"scanner link to {scanner.address}"

    @property
    def pacs(self) -> tuple[PacsNode, ...]:
        """The configured PACS nodes."""
        return self.settings.pacs


def workstation_status(settings: Settings | None = None) -> WorkstationStatus:
    """Gather the set-up (reads the settings and the scanner profile).

    Raises
    ------
    UserInputError
        The settings or the scanner profile are wrong.
    OperationFailedError
        The installation lacks a shipped data folder.
    """
    settings = load_settings() if settings is None else settings
    return WorkstationStatus(
        version=__version__,
        running_from=where_running(),
        settings=settings,
        settings_file_exists=settings.path.exists(),
        profile=load_profile(settings.scanner.profile),
        log_path=log_file_path(settings.data.dir),
        data_folders={name: data_folder(name) for name in DATA_FOLDERS},
    )


@dataclass(frozen=True)
class ScannerCheck:
    """Whether the scanner the settings name answers.

    Attributes
    ----------
    backend : {"sim", "link"}
    address : str
        ``host:port`` of the link ("" for the simulator).
    answers : bool
        The simulator always answers; a link when its hello came back.
    detail : str
        One sentence: what answered, or why it did not.
    """

    backend: str
    address: str
    answers: bool
    detail: str

    @property
    def summary(self) -> str:
        """A few words for a status line (``"simulated"``, ``"link 10.0.0.5:9002 answers"``)."""
        if self.backend == "sim":
            return "simulated"
        return f"link {self.address} {'answers' if self.answers else 'not answering'}"


def check_scanner(settings: Settings | None = None, *, timeout_s: float = 3.0) -> ScannerCheck:
    """Connect to the configured scanner, say hello and hang up (the connection test).

    Never raises for a scanner that does not answer: the reason is in :attr:`ScannerCheck.detail`.
    """
    from vetmri.errors import VetmriError

    settings = load_settings() if settings is None else settings
    scanner = settings.scanner
    if scanner.backend == "sim":
        return ScannerCheck("sim", "", True, "The built-in simulated scanner is ready.")
    from vetmri.acquisition.link.backend import LinkBackend

    try:
        backend = LinkBackend.connect(scanner.address, connect_timeout_s=timeout_s, timeout_s=timeout_s)
    except VetmriError as exc:
        return ScannerCheck("link", scanner.address, False, str(exc))
    try:
        detail = f"The scanner at {scanner.address} answers ({backend.software}, profile {backend.profile.name})."
    finally:
        backend.close()
    return ScannerCheck("link", scanner.address, True, detail)
