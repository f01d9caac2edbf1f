"""The image widget on its own: the sharp Kitty/Sixel picture sent where the widget is
once the image stands still and taken off when it changes, and half-blocks that keep the
image's physical shape."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from textual.app import App

from tests.tui.helpers import settle
from vetmri.settings import load_settings, set_setting
from vetmri.tui.widgets.slice_image import SHARP_DELAY_S, SliceImage
from vetmri.viewing import ViewSlice, WindowLevel


def _slice(key: str, shape=(64, 64), spacing=(1.0, 1.0)) -> ViewSlice:
    pixels = np.zeros(shape, np.float32)
    pixels[shape[0] // 4: 3 * shape[0] // 4, shape[1] // 4: 3 * shape[1] // 4] = 100
    return ViewSlice(key, pixels, spacing, (0.0, 0.0, 0.0), (-1.0, 0.0, 0.0), (0.0, 1.0, 0.0))


class _One(App):
    def __init__(self, widget: SliceImage) -> None:
        super().__init__()
        self.widget = widget

    def compose(self):
        yield self.widget


@pytest.mark.parametrize("mode, start", [("kitty", "\x1b_Ga=T,f=24"), ("sixel", "\x1bP0;1;0q")])
def test_the_sharp_picture_follows_a_still_image_and_goes_when_it_changes(mode, start):
    async def scenario() -> None:
        app = _One(SliceImage(mode=mode, cell_px=(4, 8)))
        async with app.run_test(size=(40, 12)) as pilot:
            sent: list[str] = []
            app._driver.write = sent.append  # what the terminal would receive
            app.widget.show(_slice("a"), WindowLevel(50, 100))
            await settle(pilot, SHARP_DELAY_S + 0.2)
            pictures = [t for t in sent if start in t]
            assert len(pictures) == 1 and pictures[0].startswith("\x1b7\x1b[1;1H")  # saved cursor, widget's corner
            sent.clear()
            app.widget.show(_slice("b"), WindowLevel(50, 100))
            app.widget.show(_slice("c"), WindowLevel(50, 100))
            await settle(pilot, SHARP_DELAY_S + 0.2)
            if mode == "kitty":
                assert sent[0] == "\x1b_Ga=d,d=I,i=4242,q=2\x1b\\"  # the old picture taken off first
            assert len([t for t in sent if start in t]) == 1 and app.widget.shown_key == "c"

    asyncio.run(scenario())


def test_halfblocks_keep_the_physical_shape_of_unequal_pixels():
    async def scenario() -> None:
        app = _One(SliceImage())
        async with app.run_test(size=(60, 20)) as pilot:
            app.widget.show(_slice("wide", shape=(32, 64), spacing=(2.0, 1.0)), WindowLevel(50, 100))
            await settle(pilot)
            bright = app.widget.samples.grey > 128
            rows, cols = np.flatnonzero(bright.any(axis=1)), np.flatnonzero(bright.any(axis=0))
            assert abs((rows[-1] - rows[0]) - (cols[-1] - cols[0])) <= 1  # a 32 mm square stays square

    asyncio.run(scenario())


def test_the_widget_takes_its_output_from_the_settings(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-kitty")
    monkeypatch.delenv("TMUX", raising=False)
    assert SliceImage.from_settings(load_settings()).mode == "kitty"
    set_setting("tui.images", "halfblock")
    assert SliceImage.from_settings(load_settings()).mode == "halfblock"
