"""What a reconstructed image should show: the phantom's tissues at each pixel centre,
found from the image geometry the reconstruction reports (not from the simulation grid)."""

from __future__ import annotations

import math

import numpy as np

from vetmri.simulation.rasterise import tissue_labels


def tissue_names_at_pixels(phantom, geometry, shape: tuple[int, int]) -> np.ndarray:
    """Name of the tissue at the centre of every pixel of one image; shape (rows, cols)."""
    rows, cols = shape
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    points = (np.asarray(geometry.position_m)[None, None, :]
              + c[..., None] * geometry.pixel_spacing_m[1] * np.asarray(geometry.row_direction)
              + r[..., None] * geometry.pixel_spacing_m[0] * np.asarray(geometry.column_direction))
    axes = [np.unique(np.round(points[..., a], 9)) for a in range(3)]
    labels, tissues = tissue_labels(phantom, *axes)
    index = [np.searchsorted(axes[a], np.round(points[..., a], 9)) for a in range(3)]
    names = np.array([t.name for t in tissues] + ["background"], dtype=object)
    picked = labels[index[0], index[1], index[2]]
    return names[np.where(picked < 0, len(tissues), picked)]


def expected_spin_echo_image(phantom, names: np.ndarray, *, tr_s: float, te_s: float) -> np.ndarray:
    """Spin-echo signal of each pixel's tissue: PD (1 - exp(-TR/T1)) exp(-TE/T2)."""
    value = {"background": 0.0}
    for t in phantom.tissues():
        value[t.name] = t.pd * (1 - math.exp(-tr_s / t.t1_s)) * math.exp(-te_s / t.t2_s)
    return np.vectorize(lambda n: value.get(n, 0.0))(names).astype(float)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
