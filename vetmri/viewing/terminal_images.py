"""Encoders of grey images for terminals that draw pixels: the Kitty graphics protocol and
DEC Sixel. Both return the escape sequence as text, ready to write at the cursor.

Written here rather than taken from a library: each is a few dozen lines of numpy and the
standard library (zlib, base64), needs no terminal query at import time, and keeps the
one-file binary free of LGPL code (see docs/tui.md).
"""

from __future__ import annotations

import base64
import re
import zlib

import numpy as np

__all__ = ["kitty_delete", "kitty_image", "sixel_image"]

_KITTY_CHUNK = 4096
_RUN = re.compile(rb"(.)\1{3,}")


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
    index = (grey.astype(np.uint16) * levels // 256).astype(np.uint8)
    pad = (-height) % 6
    if pad:
        index = np.vstack([index, np.full((pad, width), 255, dtype=np.uint8)])  # 255: no colour
    palette = "".join(f"#{i};2;{p};{p};{p}" for i, p in
                      enumerate(np.rint(np.arange(levels) * 100 / (levels - 1)).astype(int)))
    out = [f'\x1bP0;1;0q"1;1;{width};{height}', palette]
    weights = (1 << np.arange(6, dtype=np.uint8))[:, None]
    for band in index.reshape(-1, 6, width):
        present = np.unique(band)
        present = present[present != 255]
        masks = band[None, :, :] == present[:, None, None]
        bits = (masks * weights[None]).sum(axis=1, dtype=np.uint8) + 63
        rows = []
        for colour, row in zip(present.tolist(), bits):
            data = _RUN.sub(lambda m: b"!%d%c" % (len(m.group()), m.group()[0]), row.tobytes().rstrip(b"?"))
            rows.append(b"#%d%s" % (colour, data))
        out.append(b"$".join(rows).decode("ascii") + "-")
    out.append("\x1b\\")
    return "".join(out)
