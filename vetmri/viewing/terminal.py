"""Which image output a terminal can show, and how large its cells are in pixels.

Detection reads only the environment, never the terminal itself (a query at start-up would
race the UI's own input): Kitty, WezTerm and Ghostty announce themselves and speak the
Kitty graphics protocol; foot, mlterm, contour and iTerm2 draw Sixel. Inside tmux or
screen, or anywhere unknown, half-blocks are used (they work in every terminal). The
``tui.images`` setting overrides the guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["DEFAULT_CELL_PX", "IMAGE_MODES", "cell_pixel_size", "detect_image_mode", "resolve_image_mode"]

IMAGE_MODES = ("auto", "kitty", "sixel", "halfblock")
#: (width, height) of a cell in pixels when the terminal does not say.
DEFAULT_CELL_PX = (10, 20)

_KITTY_PROGRAMS = ("wezterm", "ghostty", "kitty")
_SIXEL_TERMS = ("foot", "mlterm", "contour", "yaft")
_SIXEL_PROGRAMS = ("iterm.app", "mintty")


def detect_image_mode(environ: Mapping[str, str] | None = None) -> str:
    """``"kitty"``, ``"sixel"`` or ``"halfblock"`` for the terminal this process runs in."""
    environ = os.environ if environ is None else environ
    term = environ.get("TERM", "").lower()
    program = environ.get("TERM_PROGRAM", "").lower()
    if environ.get("TMUX") or term.startswith(("screen", "tmux")) or term == "linux":
        return "halfblock"
    if environ.get("KITTY_WINDOW_ID") or "kitty" in term or program in _KITTY_PROGRAMS or term.startswith("ghostty"):
        return "kitty"
    if term.startswith(_SIXEL_TERMS) or program in _SIXEL_PROGRAMS:
        return "sixel"
    return "halfblock"


def resolve_image_mode(setting: str, environ: Mapping[str, str] | None = None) -> str:
    """The mode to use for the setting ``tui.images`` (``auto`` detects)."""
    if setting not in IMAGE_MODES:
        raise ValueError(f"tui.images must be one of {', '.join(IMAGE_MODES)}, not {setting!r}")
    return detect_image_mode(environ) if setting == "auto" else setting


def cell_pixel_size(fd: int | None = None) -> tuple[int, int]:
    """(width, height) of one terminal cell in pixels, from the terminal's window size.

    Falls back to :data:`DEFAULT_CELL_PX` when the terminal does not report pixels.
    """
    try:
        import fcntl
        import struct
        import termios

        own = fd is None
        fd = os.open("/dev/tty", os.O_RDONLY) if fd is None else fd
        try:
            rows, cols, x_px, y_px = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
        finally:
            if own:
                os.close(fd)
        if rows and cols and x_px and y_px:
            return max(x_px // cols, 1), max(y_px // rows, 1)
    except (OSError, ImportError):
        pass
    return DEFAULT_CELL_PX
