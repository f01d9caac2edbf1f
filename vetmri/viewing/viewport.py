"""From image pixels to a grid of screen samples with the right physical aspect.

Terminal cells are about twice as tall as wide. A half-block cell shows two samples, one
above the other, so its samples are square; Kitty and Sixel images are sent at a pixel
grid of square samples too. Image pixels are not always square (the pixel spacing of a
series may differ between rows and columns): the grid is laid out in millimetres, so a
circle stays round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MAX_ZOOM", "SampleGrid", "Viewport", "resample", "sample_grid"]

MAX_ZOOM = 16.0


@dataclass(frozen=True)
class Viewport:
    """What part of the image the screen shows.

    Attributes
    ----------
    zoom : float
        1 fits the whole image into the area; 2 shows it twice as large.
    centre_row, centre_col : float or None
        Image pixel shown at the centre of the area (None: the image centre).
    """

    zoom: float = 1.0
    centre_row: float | None = None
    centre_col: float | None = None

    def __post_init__(self) -> None:
        if not 0 < self.zoom <= MAX_ZOOM:
            raise ValueError(f"zoom must be above 0 and at most {MAX_ZOOM:g}, not {self.zoom}")

    def zoomed(self, factor: float) -> "Viewport":
        """This viewport with the zoom multiplied by ``factor`` (kept within 1..MAX_ZOOM)."""
        return Viewport(min(max(self.zoom * factor, 1.0), MAX_ZOOM), self.centre_row, self.centre_col)

    def panned(self, shape: tuple[int, int], d_row: float, d_col: float) -> "Viewport":
        """This viewport moved by (``d_row``, ``d_col``) image pixels, kept on the image."""
        rows, cols = shape
        row = (rows - 1) / 2 if self.centre_row is None else self.centre_row
        col = (cols - 1) / 2 if self.centre_col is None else self.centre_col
        return Viewport(self.zoom, float(np.clip(row + d_row, 0, rows - 1)), float(np.clip(col + d_col, 0, cols - 1)))


@dataclass(frozen=True)
class SampleGrid:
    """Where each output sample falls in the image.

    Sample (i, j) shows image position (``origin_row + i * row_step``,
    ``origin_col + j * col_step``), in (fractional) pixel indices.

    Attributes
    ----------
    shape : (int, int)
        Output samples (rows, columns).
    origin_row, origin_col : float
    row_step, col_step : float
        Image pixels per output sample.
    mm_per_sample : float
        Width of one output sample in millimetres.
    """

    shape: tuple[int, int]
    origin_row: float
    origin_col: float
    row_step: float
    col_step: float
    mm_per_sample: float

    def image_point(self, i: float, j: float) -> tuple[float, float]:
        """Image (row, column) shown by output sample (i, j)."""
        return self.origin_row + i * self.row_step, self.origin_col + j * self.col_step

    def sample_of(self, row: float, col: float) -> tuple[float, float]:
        """Output sample (i, j) showing image (row, column)."""
        return (row - self.origin_row) / self.row_step, (col - self.origin_col) / self.col_step


def sample_grid(image_shape: tuple[int, int], pixel_spacing_mm: tuple[float, float], out_shape: tuple[int, int],
                viewport: Viewport = Viewport(), *, sample_aspect: float = 1.0) -> SampleGrid:
    """Lay an image onto ``out_shape`` samples, fitting it whole at zoom 1.

    Parameters
    ----------
    image_shape : (rows, cols)
    pixel_spacing_mm : (float, float)
        Distance between rows and between columns, millimetres (DICOM Pixel Spacing order).
    out_shape : (int, int)
        Output samples (rows, columns); for half-blocks, (2 x cell rows, cell columns).
    viewport : Viewport
    sample_aspect : float
        Height / width of one output sample on the screen (1 for half-blocks in cells
        twice as tall as wide).

    Returns
    -------
    SampleGrid
    """
    rows, cols = image_shape
    out_rows, out_cols = out_shape
    if min(rows, cols, out_rows, out_cols) < 1:
        raise ValueError(f"cannot lay an image of {image_shape} onto {out_shape} samples")
    d_row, d_col = (float(v) for v in pixel_spacing_mm)
    if d_row <= 0 or d_col <= 0:
        raise ValueError(f"pixel spacing must be positive, not {pixel_spacing_mm}")
    fit_mm = max(cols * d_col / out_cols, rows * d_row / (out_rows * sample_aspect))
    mm = fit_mm / viewport.zoom
    row_step, col_step = mm * sample_aspect / d_row, mm / d_col
    centre_row = (rows - 1) / 2 if viewport.centre_row is None else viewport.centre_row
    centre_col = (cols - 1) / 2 if viewport.centre_col is None else viewport.centre_col
    return SampleGrid(
        shape=(out_rows, out_cols),
        origin_row=centre_row - (out_rows - 1) / 2 * row_step,
        origin_col=centre_col - (out_cols - 1) / 2 * col_step,
        row_step=row_step, col_step=col_step, mm_per_sample=mm,
    )


def resample(image: np.ndarray, grid: SampleGrid, *, fill: float = 0.0) -> np.ndarray:
    """Bilinear samples of ``image`` on ``grid``; outside the image, ``fill``.

    When one sample spans several pixels, the image is first averaged over blocks of
    about that size, so fine detail does not alias into noise.

    Parameters
    ----------
    image : ndarray of shape (M, N)
    grid : SampleGrid

    Returns
    -------
    ndarray of shape ``grid.shape``, float32
    """
    image = np.asarray(image, dtype=np.float32)
    origin_row, origin_col, row_step, col_step = grid.origin_row, grid.origin_col, grid.row_step, grid.col_step
    block_r, block_c = max(int(row_step), 1), max(int(col_step), 1)
    if block_r > 1 or block_c > 1:
        rows, cols = (image.shape[0] // block_r) * block_r, (image.shape[1] // block_c) * block_c
        image = image[:rows, :cols].reshape(rows // block_r, block_r, cols // block_c, block_c).mean(axis=(1, 3))
        origin_row, origin_col = (origin_row - (block_r - 1) / 2) / block_r, (origin_col - (block_c - 1) / 2) / block_c
        row_step, col_step = row_step / block_r, col_step / block_c
    rows_at = origin_row + np.arange(grid.shape[0], dtype=np.float32) * row_step
    cols_at = origin_col + np.arange(grid.shape[1], dtype=np.float32) * col_step
    r0 = np.floor(rows_at).astype(np.intp)
    c0 = np.floor(cols_at).astype(np.intp)
    fr = (rows_at - r0).astype(np.float32)[:, None]
    fc = (cols_at - c0).astype(np.float32)[None, :]
    padded = np.pad(image, 1, constant_values=fill)
    n_rows, n_cols = image.shape
    ri = np.clip(r0 + 1, 0, n_rows + 1)[:, None]
    ri1 = np.clip(r0 + 2, 0, n_rows + 1)[:, None]
    ci = np.clip(c0 + 1, 0, n_cols + 1)[None, :]
    ci1 = np.clip(c0 + 2, 0, n_cols + 1)[None, :]
    top = padded[ri, ci] * (1 - fc) + padded[ri, ci1] * fc
    bottom = padded[ri1, ci] * (1 - fc) + padded[ri1, ci1] * fc
    out = top * (1 - fr) + bottom * fr
    outside = ((rows_at < -0.5) | (rows_at > n_rows - 0.5))[:, None] | ((cols_at < -0.5) | (cols_at > n_cols - 0.5))[None, :]
    out[outside] = fill
    return out.astype(np.float32, copy=False)
