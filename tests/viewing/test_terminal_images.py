"""The Kitty and Sixel encoders: what a terminal decodes is the picture that was sent;
and which output a terminal gets."""

from __future__ import annotations

import base64
import re
import zlib

import numpy as np
import pytest

from vetmri.viewing.terminal import detect_image_mode, resolve_image_mode
from vetmri.viewing.terminal_images import kitty_delete, kitty_image, sixel_image


def _picture(height: int = 23, width: int = 37) -> np.ndarray:
    rng = np.random.default_rng(7)
    picture = (rng.random((height, width)) * 255).astype(np.uint8)
    picture[5:15, :] = 200  # long runs, so run-length coding is used
    return picture


def test_kitty_sends_the_pixels_in_chunks_scaled_to_the_cells():
    picture = _picture(300, 200)
    text = kitty_image(picture, columns=40, rows=15, image_id=9)
    chunks = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", text)
    assert len(chunks) > 1 and all(len(data) <= 4096 for _, data in chunks)
    first = dict(item.split("=") for item in chunks[0][0].split(","))
    assert first | {"m": "1"} == {"a": "T", "f": "24", "o": "z", "s": "200", "v": "300", "c": "40", "r": "15",
                                  "i": "9", "C": "1", "q": "2", "m": "1"}
    assert [c[0] for c in chunks[1:]] == ["m=1"] * (len(chunks) - 2) + ["m=0"]
    rgb = np.frombuffer(zlib.decompress(base64.b64decode("".join(d for _, d in chunks))), np.uint8).reshape(300, 200, 3)
    assert (rgb == picture[:, :, None]).all()
    assert kitty_delete(9) == "\x1b_Ga=d,d=I,i=9,q=2\x1b\\"


def _decode_sixel(text: str) -> np.ndarray:
    """A small Sixel decoder: the palette index of every pixel (-1 where nothing was drawn)."""
    body = text[text.index("q") + 1: text.rindex("\x1b\\")]
    width, height = (int(v) for v in re.match(r'"1;1;(\d+);(\d+)', body).groups())
    body = re.sub(r'^"[\d;]+', "", body)
    body = re.sub(r"#\d+;2;\d+;\d+;\d+", "", body)
    out = np.full((height + 6, width), -1)
    band, x, colour = 0, 0, 0
    for token in re.finditer(r"#(\d+)|!(\d+)(.)|([?-~])|(\$)|(-)", body):
        if token.group(1):
            colour = int(token.group(1))
            continue
        if token.group(5):
            x = 0
            continue
        if token.group(6):
            band, x = band + 1, 0
            continue
        count, char = (int(token.group(2)), token.group(3)) if token.group(2) else (1, token.group(4))
        bits = ord(char) - 63
        for k in range(6):
            if bits >> k & 1:
                out[band * 6 + k, x: x + count] = colour
        x += count
    return out[:height]


@pytest.mark.parametrize("levels", [2, 32, 256])
def test_sixel_draws_every_pixel_in_its_grey_level(levels):
    picture = _picture()
    text = sixel_image(picture, levels=levels)
    assert text.startswith("\x1bP0;1;0q") and text.endswith("\x1b\\")
    assert "!" in text  # runs are coded
    np.testing.assert_array_equal(_decode_sixel(text), picture.astype(int) * levels // 256)
    with pytest.raises(ValueError):
        sixel_image(picture, levels=1)


@pytest.mark.parametrize("environ, mode", [
    ({"TERM": "xterm-kitty"}, "kitty"), ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, "kitty"),
    ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, "kitty"), ({"TERM": "foot"}, "sixel"),
    ({"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, "sixel"),
    ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, "halfblock"), ({"TERM": "linux"}, "halfblock"),
    ({"TERM": "xterm-256color"}, "halfblock"), ({}, "halfblock"),
])
def test_the_terminal_is_recognised_from_its_environment(environ, mode):
    assert detect_image_mode(environ) == mode
    assert resolve_image_mode("auto", environ) == mode
    assert resolve_image_mode("sixel", environ) == "sixel"
