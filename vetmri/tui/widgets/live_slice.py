"""The newest reconstructed slice of a running exam: the app's image widget
(:class:`~vetmri.tui.widgets.slice_image.SliceImage`, half-blocks or Kitty/Sixel as set)
with a caption naming the series and the slice.

The slice arrives prepared by the exam's thread (:class:`vetmri.tui.live_exam.LiveSlice`:
the view in the patient frame and its window); the widget renders it in its own worker,
newest request first, so slices arriving faster than they can be drawn are skipped, never
queued. When a slice is on screen the time since its last readout is noted
(:attr:`LiveSlicePanel.latencies`, read by ``benchmarks/tui_live_slice.py``).
"""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from vetmri.tui.widgets.slice_image import SliceImage

__all__ = ["LiveSlicePanel"]


class LiveSlicePanel(Vertical):
    """The newest slice and its caption."""

    DEFAULT_CSS = """
    LiveSlicePanel > SliceImage {
        height: 1fr;
        width: 1fr;
    }
    LiveSlicePanel > #slice-caption {
        height: 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.slice = None
        #: (series index, slice index, seconds from its last readout to its picture on screen).
        self.latencies: list[tuple[int, int, float]] = []

    def compose(self) -> ComposeResult:
        settings = self.app.context.settings()  # type: ignore[attr-defined]
        yield SliceImage.from_settings(settings, id="slice-image")
        yield Static("the newest slice shows here", id="slice-caption")

    def show(self, live_slice) -> None:
        """Draw ``live_slice`` (a LiveSlice, or None: none yet)."""
        if live_slice is None or live_slice is self.slice:
            return
        self.slice = live_slice
        view = live_slice.view
        image = self.query_one(SliceImage)
        image.show(view, live_slice.window, labels=view.labels(live_slice.region) if live_slice.region else None)
        self.query_one("#slice-caption", Static).update(
            f"slice {live_slice.slice_index + 1}/{live_slice.slices} · {live_slice.description}")  # the number survives a narrow panel

    @on(SliceImage.Drawn)
    def _drawn(self, message: SliceImage.Drawn) -> None:
        current = self.slice
        if current is not None and message.image_key == current.view.key:
            self.latencies.append((current.index, current.slice_index, time.monotonic() - current.last_readout_at_s))
