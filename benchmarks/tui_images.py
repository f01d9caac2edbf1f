"""Images in the terminal: the time to turn one slice into what the terminal is sent, at
120x40 cells, stepping through 20 slices of 256x256, against textual-image 0.12 in the
same run.

Ours (:mod:`vetmri.viewing`, :mod:`vetmri.tui.widgets.slice_image`): resample to the cell
grid with the physical aspect, window, then half-block strips (cold: computed; cached: the
strips of a slice seen before, as when scrolling back), the Kitty graphics protocol
(zlib-compressed grey at 4x8 samples a cell, scaled by the terminal) and Sixel (32 greys at
10x20 pixels a cell). Each is measured to the text written to the terminal (ANSI for the
half-blocks, through Rich as Textual does). The peer gets the same windowed slice as a PIL
image and renders it with its half-cell, TGP (Kitty) and Sixel renderables; it has no cache,
so its "second pass" is the same 20 slices again.

Usage: python benchmarks/tui_images.py [--runs 3]
(the peer: ``pip install "textual-image==0.12.*"``; without it only our figures print)
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

import numpy as np

COLUMNS, ROWS = 120, 40
SLICES = 20
CELL_PX = (10, 20)


def slices() -> list:
    """20 different 256x256 slices of the analytic brain phantom, with noise."""
    from vetmri.recon.analytic_phantom import brain_phantom, rasterise
    from vetmri.viewing.slices import ViewSlice

    base = rasterise(brain_phantom(0.2), (256, 256), (0.2, 0.2), supersample=2).astype(np.float32) * 1000
    rng = np.random.default_rng(3)
    out = []
    for i in range(SLICES):
        pixels = np.abs(np.roll(base, i, axis=0) * (0.8 + 0.01 * i) + rng.normal(0, 20, base.shape)).astype(np.float32)
        out.append(ViewSlice(f"slice-{i}", pixels, (0.78125, 0.78125), (0.0, 0.0, float(i)), (1.0, 0.0, 0.0),
                             (0.0, 1.0, 0.0)))
    return out


def console():
    from rich.console import Console

    return Console(file=io.StringIO(), width=COLUMNS, height=ROWS, color_system="truecolor", force_terminal=True,
                   legacy_windows=False)


def ansi(out, segments) -> str:
    """What the terminal is sent for ``segments`` (Rich's own serialiser, as Textual uses)."""
    return out._render_buffer(segments)


def time_per_slice(render, images, runs: int) -> tuple[float, int]:
    """Median over ``runs`` of the mean milliseconds per slice, and the bytes of the last output."""
    means, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        for image in images:
            size = len(render(image))
        means.append((time.perf_counter() - start) / len(images))
    return statistics.median(means) * 1e3, size


def ours(images, runs: int) -> dict[str, tuple[float, int]]:
    from rich.segment import Segment

    from vetmri.tui.widgets.slice_image import half_block_strips
    from vetmri.viewing.render import grey_samples
    from vetmri.viewing.terminal_images import kitty_image, sixel_image
    from vetmri.viewing.window import WindowLevel

    window = WindowLevel(600, 1200)
    out = console()
    newline = Segment("\n")

    def strips_text(strips) -> str:
        segments = []
        for strip in strips:
            segments.extend(strip)
            segments.append(newline)
        return ansi(out, segments)

    def halfblock_cold(image) -> str:
        return strips_text(half_block_strips(grey_samples(image, window, (2 * ROWS, COLUMNS))))

    cache = {image.key: half_block_strips(grey_samples(image, window, (2 * ROWS, COLUMNS))) for image in images}

    def halfblock_cached(image) -> str:
        return strips_text(cache[image.key])

    def kitty(image) -> str:
        return kitty_image(grey_samples(image, window, (8 * ROWS, 4 * COLUMNS)).grey, columns=COLUMNS, rows=ROWS)

    def sixel(image) -> str:
        return sixel_image(grey_samples(image, window, (CELL_PX[1] * ROWS, CELL_PX[0] * COLUMNS)).grey)

    return {"half-block, cold": time_per_slice(halfblock_cold, images, runs),
            "half-block, cached": time_per_slice(halfblock_cached, images, runs),
            "Kitty": time_per_slice(kitty, images, runs),
            "Sixel": time_per_slice(sixel, images, runs)}


def peer(images, runs: int) -> dict[str, tuple[float, int]] | None:
    try:
        from PIL import Image as PILImage
        from textual_image.renderable import HalfcellImage, SixelImage, TGPImage
    except ImportError:
        return None
    from vetmri.viewing.window import WindowLevel, apply_window

    window = WindowLevel(600, 1200)
    out = console()
    options = out.options.update(width=COLUMNS, height=ROWS)

    def render(kind):
        def one(image) -> str:
            picture = PILImage.fromarray(apply_window(image.pixels, window)).convert("RGB")
            text = ansi(out, list(out.render(kind(picture, width=COLUMNS, height=ROWS), options)))
            sent = sys.__stdout__.getvalue()  # its Kitty path writes the image data there itself
            sys.__stdout__.seek(0)
            sys.__stdout__.truncate()
            return text + sent
        return one

    real_stdout = sys.__stdout__
    sys.__stdout__ = io.StringIO()
    try:
        return {"half-block, cold": time_per_slice(render(HalfcellImage), images, runs),
                "half-block, cached": time_per_slice(render(HalfcellImage), images, runs),
                "Kitty": time_per_slice(render(TGPImage), images, runs),
                "Sixel": time_per_slice(render(SixelImage), images, runs)}
    finally:
        sys.__stdout__ = real_stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    images = slices()
    mine = ours(images, args.runs)
    theirs = peer(images, args.runs)
    print(f"render time per slice, {SLICES} slices of 256x256 at {COLUMNS}x{ROWS} cells (median of {args.runs} runs)")
    print(f"{'output':<20} {'vetmri ms':>10} {'bytes':>9} {'textual-image 0.12 ms':>22} {'bytes':>9} {'peer / vetmri':>14}")
    for name, (ms, size) in mine.items():
        if theirs is None:
            print(f"{name:<20} {ms:>10.1f} {size:>9} {'not installed':>22}")
            continue
        peer_ms, peer_size = theirs[name]
        label = "(no cache: again)" if name == "half-block, cached" else ""
        print(f"{name:<20} {ms:>10.1f} {size:>9} {peer_ms:>22.1f} {peer_size:>9} {peer_ms / ms:>14.1f} {label}")


if __name__ == "__main__":
    main()
