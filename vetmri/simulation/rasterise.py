"""Rasterising a phantom on demand: tissue labels and tissue-fraction maps on a grid.

Grids are given by their axis coordinates (scanner frame, metres), so callers choose a grid
at least twice as fine as the reconstruction's and never hand the reconstruction grid
itself to the signal synthesis (the inverse crime). Each shape is tested only inside its
bounding box; later shapes overwrite earlier ones (painter's order). On a textured phantom
each shape's pattern (:mod:`~vetmri.simulation.texture`) is painted with the shape.
"""

from __future__ import annotations

import numpy as np

from vetmri.simulation.phantom import Phantom
from vetmri.simulation.shapes import shape_contains_grid
from vetmri.simulation.texture import pattern_mask
from vetmri.tissues import Tissue

__all__ = ["NO_TISSUE", "supersampled_axis", "tissue_fractions", "tissue_labels"]

#: Label of grid points outside every shape.
NO_TISSUE = -1


def _index_range(axis: np.ndarray, low: float, high: float) -> slice:
    start = int(np.searchsorted(axis, low, side="left"))
    stop = int(np.searchsorted(axis, high, side="right"))
    return slice(start, stop)


def tissue_labels(
    phantom: Phantom, x_m: np.ndarray, y_m: np.ndarray, z_m: np.ndarray
) -> tuple[np.ndarray, tuple[Tissue, ...]]:
    """Index of the tissue at every grid point.

    Parameters
    ----------
    x_m, y_m, z_m : ndarray of shape (nx,), (ny,), (nz,)
        Ascending axis coordinates, metres.

    Returns
    -------
    labels : ndarray of int16, shape (nx, ny, nz)
        Index into ``tissues``, or :data:`NO_TISSUE`.
    tissues : tuple of Tissue
        ``phantom.tissues()``.
    """
    tissues = phantom.tissues()
    index = {t.name: i for i, t in enumerate(tissues)}
    labels = np.full((len(x_m), len(y_m), len(z_m)), NO_TISSUE, dtype=np.int16)
    for shape in phantom.shapes:
        low, high = shape.bounding_box_m()
        sx, sy, sz = (_index_range(a, lo, hi) for a, lo, hi in zip((x_m, y_m, z_m), low, high))
        if sx.start >= sx.stop or sy.start >= sy.stop or sz.start >= sz.stop:
            continue
        inside = shape_contains_grid(shape, x_m[sx], y_m[sy], z_m[sz])
        block = labels[sx, sy, sz]
        block[inside] = index[shape.tissue.name]
        if phantom.textured and shape.pattern is not None:
            carved = pattern_mask(shape.pattern, shape, (x_m[sx], y_m[sy], z_m[sz]), inside)
            block[carved] = index[shape.pattern.tissue.name]
    return labels, tissues


def supersampled_axis(axis_m: np.ndarray, factor: int) -> np.ndarray:
    """Points ``factor`` per cell, centred in each cell of a regular axis."""
    if factor == 1 or len(axis_m) < 2:
        return axis_m
    step = axis_m[1] - axis_m[0]
    offsets = (np.arange(factor) + 0.5) / factor - 0.5
    return (axis_m[:, None] + offsets[None, :] * step).ravel()


def tissue_fractions(
    phantom: Phantom,
    x_m: np.ndarray,
    y_m: np.ndarray,
    z_m: np.ndarray,
    *,
    supersample: int = 2,
) -> tuple[np.ndarray, tuple[Tissue, ...]]:
    """Fraction of each grid cell filled by each tissue (partial volumes).

    Parameters
    ----------
    x_m, y_m, z_m : ndarray
        Regular ascending axes of the cell centres, metres.
    supersample : int
        Sub-points per cell and axis used to estimate the fractions.

    Returns
    -------
    fractions : ndarray of float32, shape (n_tissues, nx, ny, nz)
        Each in [0, 1]; the sum over tissues is at most 1 (the rest is outside every shape).
    tissues : tuple of Tissue
    """
    if supersample < 1:
        raise ValueError("supersample must be at least 1")
    axes = [supersampled_axis(a, supersample) for a in (x_m, y_m, z_m)]
    labels, tissues = tissue_labels(phantom, *axes)
    shape = tuple(len(a) for a in (x_m, y_m, z_m))
    factors = tuple(supersample if n > 1 else 1 for n in shape)
    fractions = np.zeros((len(tissues), *shape), dtype=np.float32)
    blocked = labels.reshape(shape[0], factors[0], shape[1], factors[1], shape[2], factors[2])
    norm = 1.0 / np.prod(factors)
    for i in range(len(tissues)):
        fractions[i] = (blocked == i).sum(axis=(1, 3, 5)) * norm
    return fractions, tissues
