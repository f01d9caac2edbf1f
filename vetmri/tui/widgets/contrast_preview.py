"""A small grey-scale picture drawn with half blocks: two pixels per terminal cell.

Terminal cells are about twice as tall as wide, so a picture of square pixels, two rows
per cell, keeps its aspect. The widget only draws a prepared array (values 0 to 1); the
picture itself is computed in a worker (:mod:`vetmri.acquisition.contrast_preview`).
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

__all__ = ["ContrastPreview"]


def half_block_text(picture: np.ndarray) -> Text:
    """``picture`` (rows, columns), values 0-1, as lines of "▀" with grey fore- and background."""
    grey = np.clip(np.rint(picture * 255), 0, 255).astype(int)
    if grey.shape[0] % 2:
        grey = np.vstack([grey, np.zeros((1, grey.shape[1]), dtype=int)])
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(grey[0::2], grey[1::2]):
        for upper, lower in zip(top, bottom):
            text.append("▀", Style(color=f"rgb({upper},{upper},{upper})", bgcolor=f"rgb({lower},{lower},{lower})"))
        text.append("\n")
    return text


class ContrastPreview(Static):
    """The species phantom at the contrast of the highlighted series."""

    DEFAULT_CSS = """
    ContrastPreview {
        width: auto;
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, picture: np.ndarray, caption: str) -> None:
        """Draw ``picture`` with ``caption`` under it."""
        text = half_block_text(picture)
        text.append(caption[: picture.shape[1]], style="dim")
        self.update(text)
