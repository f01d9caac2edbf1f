"""Find vetmri's data files wherever vetmri runs from.

The data lives in three kinds of place:

- **package files** inside ``vetmri/`` itself (the scanner profile, the TUI's ``.tcss``);
- **data folders** at the top of the source tree (``species_protocols/``, ``phantoms/``),
  which people edit and which a wheel carries under ``vetmri/_data/``.

One resolver covers the three ways vetmri is run: from a source checkout (including an
editable install), from an installed wheel, and from the PyInstaller bundle (where the
folders are unpacked beside the frozen package, under ``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from vetmri.errors import OperationFailedError

__all__ = ["DATA_FOLDERS", "data_folder", "package_file", "where_running"]

#: The top-level data folders that ship with vetmri.
DATA_FOLDERS: tuple[str, ...] = ("species_protocols", "phantoms")

_PACKAGE_DIR = Path(__file__).resolve().parent


def where_running() -> str:
    """How vetmri runs: ``"bundle"`` (PyInstaller), ``"wheel"`` or ``"source"``."""
    if getattr(sys, "frozen", False):
        return "bundle"
    if (_PACKAGE_DIR / "_data").is_dir():
        return "wheel"
    return "source"


def _candidates(name: str) -> list[Path]:
    candidates = []
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidates.append(Path(bundle_root) / name)
    candidates.append(_PACKAGE_DIR / "_data" / name)
    candidates.append(_PACKAGE_DIR.parent / name)
    return candidates


def data_folder(name: str) -> Path:
    """The folder of a shipped data set.

    Parameters
    ----------
    name : {"species_protocols", "phantoms"}
        Which data folder.

    Returns
    -------
    Path
        An existing directory.

    Raises
    ------
    ValueError
        ``name`` is not one of :data:`DATA_FOLDERS` (a programming error).
    OperationFailedError
        The installation lacks the folder.
    """
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}; expected one of {DATA_FOLDERS}")
    candidates = _candidates(name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise OperationFailedError(
        f"The vetmri installation is incomplete: the {name} folder is missing "
        f"(looked in {looked}); reinstall vetmri."
    )


def package_file(relative: str) -> Path:
    """A file shipped inside the ``vetmri`` package, e.g. ``"scanner/profile.toml"``.

    Raises
    ------
    OperationFailedError
        The installation lacks the file.
    """
    path = _PACKAGE_DIR / relative
    if not path.is_file():
        raise OperationFailedError(
            f"The vetmri installation is incomplete: {relative} is missing from {_PACKAGE_DIR}; "
            "reinstall vetmri."
        )
    return path
