"""Encoders of grey images for terminals that draw pixels: the Kitty graphics protocol and
DEC Sixel. Both return the escape sequence as text, ready to write at the cursor.

Written here rather than taken from a library: each is a few dozen lines of numpy and the
standard library (zlib, base64), needs no terminal query at import time, and keeps the
one-file binary free of LGPL code (see docs/tui.md).
"""

from __future__ import annotations

import base64
import zlib

import numpy as np

__all__ = ["kitty_delete", "kitty_image", "sixel_image"]

_KITTY_CHUNK = 4096


def kitty_image(grey: np.ndarray, *, columns: int, rows: int, image_id: int = 1) -> str:
    """Transmit and show ``grey`` scaled to ``columns`` x ``rows`` cells at the cursor.

    Parameters
    ----------
    grey : ndarray of shape (H, W), uint8
    columns, rows : int
        Cells the image covers (the terminal scales it).
    image_id : int
        Kitty image id (a later image with the same id replaces it).

    Returns
    -------
    str
        APC sequences; the cursor does not move (``C=1``), replies are suppressed (``q=2``).
    """
    grey = np.ascontiguousarray(grey, dtype=np.uint8)
    height, width = grey.shape
    rgb = np.repeat(grey[:, :, None], 3, axis=2)
    payload = base64.standard_b64encode(zlib.compress(rgb.tobytes(), 1)).decode("ascii")
    chunks = [payload[i:i + _KITTY_CHUNK] for i in range(0, len(payload), _KITTY_CHUNK)] or [""]
    out = []
    for index, chunk in enumerate(chunks):
        more = 1 if index < len(chunks) - 1 else 0
        if index == 0:
            control = f"a=T,f=24,o=z,s={width},v={height},c={columns},r={rows},i={image_id},C=1,q=2,m={more}"
        else:
            control = f"m={more}"
        out.append(f"\x1b_G{control};{chunk}\x1b\\")
    return "".join(out)


def kitty_delete(image_id: int = 1) -> str:
    """Remove the Kitty image ``image_id`` from the screen (and free its data)."""
    return f"\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\"


def sixel_image(grey: np.ndarray, *, levels: int = 32) -> str:
    """``grey`` as a DEC Sixel image of ``levels`` grey levels, drawn at the cursor.

    The whole picture is coded at once in numpy (which colours each six-pixel band uses,
    the sixel characters, the run-length codes), not pixel by pixel: Sixel is otherwise
    the slowest output by far.

    Parameters
    ----------
    grey : ndarray of shape (H, W), uint8
        One sample per screen pixel (Sixel is not scaled by the terminal).
    levels : int
        Palette size, 2 to 256.

    Returns
    -------
    str
        A DCS sequence.
    """
    if not 2 <= levels <= 256:
        raise ValueError(f"levels must be 2 to 256, not {levels}")
    grey = np.asarray(grey, dtype=np.uint8)
    height, width = grey.shape
    index = (grey.astype(np.uint16) * levels // 256).astype(np.intp)
    pad = (-height) % 6
    bands = np.vstack([index, np.full((pad, width), levels, dtype=np.intp)]).reshape(-1, 6, width)  # levels: none
    n_bands = bands.shape[0]
    # one row of sixels per (band, colour) present: the colour's pixels of the six rows as bits
    bits = np.zeros((n_bands, levels + 1, width), dtype=np.uint8)
    flat = bits.reshape(-1)
    base = np.arange(n_bands)[:, None] * ((levels + 1) * width) + np.arange(width)[None, :]
    for k in range(6):  # each (band, column) has one colour per pixel row: no index repeats
        flat[base + bands[:, k, :] * width] |= np.uint8(1 << k)
    bits = bits[:, :levels]
    band_of, colour_of = np.nonzero(bits.any(axis=2))
    chars = bits[band_of, colour_of] + np.uint8(63)
    rows = chars.shape[0]
    last = width - 1 - np.argmax(chars[:, ::-1] != 63, axis=1)  # trailing "?" (nothing) are dropped
    # runs of equal characters within each row's kept part
    change = np.ones(chars.shape, dtype=bool)
    change[:, 1:] = chars[:, 1:] != chars[:, :-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], rows * width)
    row = starts // width
    ends = np.minimum(ends, row * width + last[row] + 1)
    keep = starts < ends
    starts, ends, row = starts[keep], ends[keep], row[keep]
    length = ends - starts
    char = chars.ravel()[starts]
    long = length >= 4
    digits = np.where(long, np.floor(np.log10(np.maximum(length, 1))).astype(np.intp) + 1, 0)
    size = np.where(long, digits + 2, length)
    offset = np.cumsum(size) - size
    out = np.empty(int(size.sum()), dtype=np.uint8)
    short_len, short_off = length[~long], offset[~long]
    within = np.arange(int(short_len.sum())) - np.repeat(np.cumsum(short_len) - short_len, short_len)
    out[np.repeat(short_off, short_len) + within] = np.repeat(char[~long], short_len)
    long_len, long_off, long_digits = length[long], offset[long], digits[long]
    out[long_off] = ord("!")
    for place in range(int(long_digits.max(initial=0))):
        has = place < long_digits
        value = long_len[has] // 10 ** (long_digits[has] - 1 - place) % 10
        out[long_off[has] + 1 + place] = value + 48
    out[long_off + 1 + long_digits] = char[long]
    row_start = np.searchsorted(row, np.arange(rows))
    row_end = np.append(row_start[1:], len(row))
    data = out.tobytes()
    bounds = np.append(offset, len(out))
    palette = "".join(f"#{i};2;{p};{p};{p}" for i, p in
                      enumerate(np.rint(np.arange(levels) * 100 / (levels - 1)).astype(int)))
    parts = [f'\x1bP0;1;0q"1;1;{width};{height}'.encode("ascii"), palette.encode("ascii")]
    ends_band = np.append(band_of[1:] != band_of[:-1], True)
    for r in range(rows):
        parts.append(b"#%d%s%s" % (colour_of[r], data[bounds[row_start[r]]:bounds[row_end[r]]], b"-" if ends_band[r] else b"$"))
    parts.append(b"\x1b\\")
    return b"".join(parts).decode("ascii")
