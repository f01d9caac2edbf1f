"""The newest reconstructed slice of a running exam, drawn with half blocks.

Two image rows per terminal cell ("▀": the upper pixel is the foreground colour, the lower
one the background), so square pixels stay square on cells about twice as tall as wide;
the pixel spacing of the series sets the aspect. The windowed 8-bit image comes from the
exam's thread (:class:`vetmri.tui.live_exam.LiveSlice`); the widget only picks the pixels
for its size (an index into a small array) and keeps the drawn lines until the slice or
its size changes.
"""

from __future__ import annotations

import time

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LiveSliceView", "fit_pixels"]


def fit_pixels(pixels: np.ndarray, spacing_m: tuple[float, float], columns: int, rows: int) -> np.ndarray:
    """``pixels`` resampled (nearest) to fit ``columns`` x ``2 * rows`` half-cells with the
    physical aspect of ``spacing_m`` (between rows, between columns); shape (2k, m)."""
    if pixels.size == 0 or columns < 1 or rows < 1:
        return np.zeros((0, 0), dtype=np.uint8)
    height_m = pixels.shape[0] * spacing_m[0]
    width_m = pixels.shape[1] * spacing_m[1]
    scale = min(columns / width_m, 2 * rows / height_m)
    out_cols = max(1, min(columns, int(round(width_m * scale))))
    out_rows = max(2, min(2 * rows, int(round(height_m * scale))))
    out_rows -= out_rows % 2
    r = np.minimum((np.arange(out_rows) + 0.5) * pixels.shape[0] / out_rows, pixels.shape[0] - 1).astype(int)
    c = np.minimum((np.arange(out_cols) + 0.5) * pixels.shape[1] / out_cols, pixels.shape[1] - 1).astype(int)
    return pixels[np.ix_(r, c)]


class LiveSliceView(Widget):
    """Shows :class:`~vetmri.tui.live_exam.LiveSlice` values; a caption line under the image."""

    DEFAULT_CSS = """
    LiveSliceView {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slice = None
        self._lines: list[Strip] = []
        self._key: tuple = ()
        #: (series index, slice index, seconds from its last readout to its first drawing).
        self.latencies: list[tuple[int, int, float]] = []
        self._timed: int = -1

    def show(self, live_slice) -> None:
        """Draw ``live_slice`` (a LiveSlice, or None for none yet)."""
        if live_slice is self.slice:
            return
        self.slice = live_slice
        self.refresh()

    def _prepare(self) -> list[Strip]:
        width, height = self.size.width, self.size.height
        key = (getattr(self.slice, "serial", None), width, height)
        if key == self._key:
            return self._lines
        self._key = key
        lines: list[Strip] = []
        if self.slice is None:
            lines = [Strip([Segment("the newest slice shows here")])]
        else:
            fitted = fit_pixels(self.slice.pixels, self.slice.pixel_spacing_m, width, max(1, height - 1))
            pad = (width - fitted.shape[1]) // 2
            for top, bottom in zip(fitted[0::2], fitted[1::2]):
                segments = [Segment(" " * pad)] if pad else []
                segments += [Segment("▀", Style(color=f"rgb({u},{u},{u})", bgcolor=f"rgb({d},{d},{d})"))
                             for u, d in zip(top.tolist(), bottom.tolist())]
                lines.append(Strip(segments))
            s = self.slice
            caption = f"{s.description[: max(0, width - 12)]} {s.slice_index + 1}/{s.slices}"
            lines.append(Strip([Segment(caption, Style(dim=True))]))
        self._lines = lines
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._prepare()
        if y == 0 and self.slice is not None and self._timed != self.slice.serial:
            self._timed = self.slice.serial
            self.latencies.append((self.slice.index, self.slice.slice_index,
                                   time.monotonic() - self.slice.last_readout_at_s))
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)
