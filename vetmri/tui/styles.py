"""Where the TUI's stylesheets are: beside their screens, found through the data resolver
so that a wheel and the PyInstaller bundle find them too."""

from __future__ import annotations

from pathlib import Path

from vetmri.resources import package_file

__all__ = ["stylesheet"]


def stylesheet(name: str) -> Path:
    """The ``.tcss`` file ``name`` of the TUI (``"app.tcss"``, ``"screens/patients.tcss"``)."""
    return package_file(f"tui/{name}")
