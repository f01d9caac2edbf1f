"""The image widget used everywhere: one slice, windowed, at the right aspect.

It always draws Unicode half-blocks ("▀" with a true-colour grey above and below: two
square samples per cell), which every terminal shows, tmux and plain SSH included: that is
the scrolling path. The rows are computed in a worker (resampling and window/level in
numpy, :mod:`vetmri.viewing`) and cached per slice, window, viewport and size, so going
back to a slice is a dictionary look-up. Key repeat is coalesced: the worker always takes
the newest request, so holding ``down`` draws only the slices it has time for and ends on
the last one.

Where the terminal speaks the Kitty graphics protocol or Sixel (``tui.images``), a sharp
picture is drawn over the half-blocks once the image has stood still for
:data:`SHARP_DELAY_S`; moving on removes it (Kitty) or draws over it (Sixel).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from vetmri.viewing.orientation import OrientationLabels
from vetmri.viewing.render import GreySamples, grey_samples
from vetmri.viewing.slices import ViewSlice
from vetmri.viewing.viewport import Viewport
from vetmri.viewing.window import WindowLevel

__all__ = ["FEW_GREYS_NOTE", "Mark", "SliceImage"]

#: Seconds an image must stand still before the sharp Kitty/Sixel picture is sent.
SHARP_DELAY_S = 0.25
#: Rendered images kept per widget.
CACHE_SIZE = 96
FEW_GREYS_NOTE = "few grey levels (256 colours): set tui.truecolor = true if the terminal has true colour"
#: The same said in the width of a small panel (the acquisition screen's live slice).
FEW_GREYS_SHORT = "256 colours: few greys"
_BLANK = Style(bgcolor=Color.from_rgb(0, 0, 0))
_STYLES: dict[int, Style] = {}
_KITTY_ID = 4242


def _style(top: int, bottom: int) -> Style:
    key = top << 8 | bottom
    style = _STYLES.get(key)
    if style is None:
        style = _STYLES[key] = Style(color=Color.from_rgb(top, top, top), bgcolor=Color.from_rgb(bottom, bottom, bottom))
    return style


def half_block_strips(samples: GreySamples) -> list[Strip]:
    """One strip per cell row: runs of "▀" whose fore/background are the upper/lower grey."""
    grey = samples.grey.astype(np.int32)
    if grey.shape[0] % 2:
        grey = np.vstack([grey, np.zeros((1, grey.shape[1]), dtype=np.int32)])
    width = grey.shape[1]
    strips = []
    for top, bottom in zip(grey[0::2], grey[1::2]):
        pairs = top << 8 | bottom
        starts = np.concatenate(([0], np.flatnonzero(np.diff(pairs)) + 1))
        ends = np.concatenate((starts[1:], [width]))
        segments = [Segment("▀" * int(e - s), _style(int(top[s]), int(bottom[s]))) for s, e in zip(starts, ends)]
        strips.append(Strip(segments, width))
    return strips


@dataclass(frozen=True)
class Mark:
    """Text drawn over the image at an image point (a measurement end, the cursor).

    Attributes
    ----------
    row, col : float
        Image pixel (fractional) where the text starts.
    text : str
    style : str
        A Rich style (``"bold yellow"``).
    """

    row: float
    col: float
    text: str
    style: str = "bold yellow"


@dataclass(frozen=True)
class _Request:
    image: ViewSlice
    window: WindowLevel
    viewport: Viewport
    size: tuple[int, int]  # cells: (columns, rows)

    @property
    def key(self) -> tuple:
        return (self.image.key, self.window, self.viewport, self.size)


@dataclass
class _Rendered:
    samples: GreySamples
    strips: list[Strip]
    sharp: str = ""
    extras: dict = field(default_factory=dict)


class SliceImage(Widget):
    """One image of a series, drawn from cached rows.

    Parameters
    ----------
    mode : {"halfblock", "kitty", "sixel"}
        The output (resolve ``tui.images`` with :func:`vetmri.viewing.terminal.resolve_image_mode`).
    cell_px : (int, int)
        Cell size in pixels (Sixel only).
    focusable : bool
        Take the keyboard focus (the review's image does: its screen's keys then apply
        rather than those of a list beside it).
    """

    DEFAULT_CSS = """
    SliceImage {
        width: 1fr;
        height: 1fr;
        min-width: 8;
        min-height: 4;
    }
    """

    class Drawn(Message):
        """An image is on screen (posted after each new picture; tests and the screens use it).

        Attributes
        ----------
        image_key : str
        """

        def __init__(self, widget: "SliceImage", image_key: str) -> None:
            super().__init__()
            self.widget = widget
            self.image_key = image_key

        @property
        def control(self) -> "SliceImage":
            return self.widget

    def __init__(self, *, mode: str = "halfblock", cell_px: tuple[int, int] = (10, 20), focusable: bool = False,
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.can_focus = focusable
        self.mode = mode
        self.cell_px = cell_px
        self._cache: OrderedDict[tuple, _Rendered] = OrderedDict()
        self._lock = threading.Lock()
        self._wanted: _Request | None = None
        self._busy = False
        self._shown: tuple | None = None
        self._marks: tuple[Mark, ...] = ()
        self._labels: OrientationLabels | None = None
        self._sharp_timer = None
        self._sharp_on_screen = False
        self.renders = 0  # images computed (not taken from the cache)

    @classmethod
    def from_settings(cls, settings, **options) -> "SliceImage":
        """A widget with the output of ``settings.tui.images`` (``auto`` detects the terminal)."""
        from vetmri.viewing.terminal import cell_pixel_size, resolve_image_mode

        mode = resolve_image_mode(settings.tui.images)
        return cls(mode=mode, cell_px=cell_pixel_size() if mode == "sixel" else (10, 20), **options)

    # -- what the screens call --------------------------------------------------------------

    def show(self, image: ViewSlice, window: WindowLevel, viewport: Viewport = Viewport(), *,
             labels: OrientationLabels | None = None, marks: tuple[Mark, ...] = ()) -> None:
        """Draw ``image`` through ``window`` (from the cache when drawn before)."""
        self._labels = labels
        self._marks = tuple(marks)
        request = _Request(image, window, viewport, self._image_size())
        with self._lock:
            self._wanted = request
            cached = self._cache.get(request.key)
            start = cached is None and not self._busy
            if start:
                self._busy = True
        if cached is not None:
            self._put_on_screen(request.key)
        elif start:
            self.run_worker(self._render_newest, thread=True, group=f"slice-image-{id(self)}",
                            exit_on_error=False, name="drawing the image")

    def set_marks(self, marks: tuple[Mark, ...]) -> None:
        """Replace the marks drawn over the image (no new image computed)."""
        self._marks = tuple(marks)
        self.refresh()

    def clear(self) -> None:
        """Show nothing."""
        with self._lock:
            self._wanted = None
            self._shown = None
        self._remove_sharp()
        self.refresh()

    def hide_sharp(self) -> None:
        """Take the Kitty/Sixel picture off the screen (before another screen covers this
        one: a Kitty image would stay on top); the next :meth:`show` brings it back."""
        self._remove_sharp()

    @property
    def samples(self) -> GreySamples | None:
        """The samples on screen now (None before the first image)."""
        rendered = self._cache.get(self._shown) if self._shown else None
        return rendered.samples if rendered else None

    @property
    def shown_key(self) -> str | None:
        """The key of the image on screen."""
        return self._shown[0] if self._shown else None

    @property
    def few_greys(self) -> bool:
        """True when the terminal has only 256 colours or fewer (about 30 greys)."""
        return self.app.console.color_system != "truecolor"

    def image_point(self, x: int, y: int) -> tuple[float, float] | None:
        """Image (row, col) under the cell at widget offset (x, y); None off the image."""
        samples = self.samples
        if samples is None or not (0 <= y < samples.grey.shape[0] // 2 and 0 <= x < samples.grey.shape[1]):
            return None
        if not samples.inside[2 * y: 2 * y + 2, x].any():
            return None
        return samples.grid.image_point(2 * y + 0.5, x)

    def cell_of(self, row: float, col: float) -> tuple[int, int] | None:
        """Widget offset (x, y) of the cell showing image point (row, col)."""
        samples = self.samples
        if samples is None:
            return None
        i, j = samples.grid.sample_of(row, col)
        x, y = int(round(j)), int(np.floor((i + 0.5) / 2))
        if 0 <= y < samples.grey.shape[0] // 2 and 0 <= x < samples.grey.shape[1]:
            return x, y
        return None

    # -- rendering ---------------------------------------------------------------------------

    def _image_size(self) -> tuple[int, int]:
        width, height = self.size.width, self.size.height
        if self.is_mounted and self.few_greys:
            height -= 1
        return max(width, 1), max(height, 1)

    def _render_newest(self) -> None:
        """Worker: draw the newest request until no newer one is waiting."""
        while True:
            with self._lock:
                request = self._wanted
                if request is None or request.key in self._cache:
                    self._busy = False
                    break
            columns, rows = request.size
            samples = grey_samples(request.image, request.window, (2 * rows, columns), request.viewport)
            rendered = _Rendered(samples, half_block_strips(samples))
            with self._lock:
                self._cache[request.key] = rendered
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
                self.renders += 1
            self.post_message(self._Ready(request.key))
        if request is not None:
            self.post_message(self._Ready(request.key))

    class _Ready(Message):
        def __init__(self, key: tuple) -> None:
            super().__init__()
            self.key = key

    def on_slice_image__ready(self, message: _Ready) -> None:
        message.stop()
        with self._lock:
            newest = self._wanted.key if self._wanted else None
        if message.key == newest and message.key != self._shown:
            self._put_on_screen(message.key)

    def _put_on_screen(self, key: tuple) -> None:
        self._remove_sharp()
        self._shown = key
        self.refresh()
        self.post_message(self.Drawn(self, key[0]))
        if self.mode in ("kitty", "sixel"):
            if self._sharp_timer is not None:
                self._sharp_timer.stop()
            self._sharp_timer = self.set_timer(SHARP_DELAY_S, self._send_sharp)

    def on_resize(self) -> None:
        with self._lock:
            request = self._wanted
        if request is not None:
            self.show(request.image, request.window, request.viewport, labels=self._labels, marks=self._marks)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        rendered = self._cache.get(self._shown) if self._shown else None
        if rendered is not None and self.few_greys and y == self.size.height - 1:
            note = FEW_GREYS_NOTE if width >= 40 else FEW_GREYS_SHORT
            return Strip([Segment(note[:width].ljust(width), Style(color="yellow", bgcolor="black"))], width)
        if rendered is None or y >= len(rendered.strips):
            return Strip([Segment(" " * width, _BLANK)], width)
        strip = rendered.strips[y]
        for x, text, style in self._overlays(rendered, y):
            text = text[: max(width - x, 0)]
            if not text or x < 0:
                continue
            strip = Strip.join([strip.crop(0, x), Strip([Segment(text, Style.parse(style) + Style(bgcolor="black"))], len(text)),
                                strip.crop(x + len(text), width)])
        return strip.extend_cell_length(width, _BLANK) if strip.cell_length < width else strip

    def _overlays(self, rendered: _Rendered, y: int) -> list[tuple[int, str, str]]:
        """(x, text, style) of the marks and labels on line ``y``."""
        out = []
        for mark in self._marks:
            cell = self.cell_of(mark.row, mark.col)
            if cell is not None and cell[1] == y:
                out.append((cell[0], mark.text, mark.style))
        out.extend((x, text, style) for x, line, text, style in self._label_places(rendered) if line == y)
        return out

    def _label_places(self, rendered: _Rendered) -> list[tuple[int, int, str, str]]:
        """(x, y, text, style) of the four orientation labels, inside the image's edges."""
        labels = self._labels
        inside = rendered.samples.inside
        cells = inside[0::2] | (inside[1::2] if inside.shape[0] > 1 else inside[0::2])
        rows = np.flatnonzero(cells.any(axis=1))
        cols = np.flatnonzero(cells.any(axis=0))
        if labels is None or rows.size == 0 or cols.size == 0:
            return []
        top, bottom, left, right = int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])
        middle_x, middle_y = (left + right) // 2, (top + bottom) // 2
        style = "bold cyan"
        return [(middle_x, top, labels.top, style), (middle_x, bottom, labels.bottom, style),
                (left, middle_y, labels.left, style), (max(right - len(labels.right) + 1, left), middle_y, labels.right, style)]

    # -- sharp pictures (Kitty, Sixel) ---------------------------------------------------------

    def _send_sharp(self) -> None:
        if self._shown is None or self.mode not in ("kitty", "sixel") or not self.is_mounted:
            return
        key = self._shown
        request = self._wanted
        if request is None or request.key != key:
            return
        self.run_worker(lambda: self._encode_sharp(request), thread=True, group=f"slice-image-sharp-{id(self)}",
                        exclusive=True, exit_on_error=False, name="drawing the sharp image")

    def _encode_sharp(self, request: _Request) -> None:
        from vetmri.viewing.terminal_images import kitty_image, sixel_image

        columns, rows = request.size
        if self.mode == "kitty":
            samples = grey_samples(request.image, request.window, (8 * rows, 4 * columns), request.viewport)
            text = kitty_image(samples.grey, columns=columns, rows=rows, image_id=_KITTY_ID)
        else:
            px_w, px_h = self.cell_px
            samples = grey_samples(request.image, request.window, (px_h * rows, px_w * columns), request.viewport,
                                   sample_aspect=1.0)
            text = sixel_image(samples.grey)
        self.app.call_from_thread(self._write_sharp, request.key, text)

    def _write_sharp(self, key: tuple, text: str) -> None:
        if key != self._shown or not self.is_mounted or self.screen is not self.app.screen:
            return
        region: Region = self.content_region
        driver = getattr(self.app, "_driver", None)
        if driver is None:
            return
        driver.write(f"\x1b7\x1b[{region.y + 1};{region.x + 1}H{text}\x1b8")
        driver.flush()
        self._sharp_on_screen = True

    def _remove_sharp(self) -> None:
        if self._sharp_timer is not None:
            self._sharp_timer.stop()
            self._sharp_timer = None
        if self._sharp_on_screen:
            driver = getattr(self.app, "_driver", None)
            if driver is not None and self.mode == "kitty":
                from vetmri.viewing.terminal_images import kitty_delete

                driver.write(kitty_delete(_KITTY_ID))
            self._sharp_on_screen = False

    def on_unmount(self) -> None:
        self._remove_sharp()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height
