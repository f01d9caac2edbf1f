"""Quick looks at a phantom: one plane rasterised and shaded with an idealised contrast.

This is for people checking a phantom file (``vetmri phantom render``); it runs no sequence
(the signal engine does that).
"""

from __future__ import annotations

import numpy as np

from vetmri.errors import UserInputError
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.rasterise import tissue_fractions

__all__ = ["CONTRASTS", "PLANES", "render_plane"]

#: plane name -> (normal axis, row axis, column axis); axes 0 = x, 1 = y, 2 = z.
PLANES: dict[str, tuple[int, int, int]] = {
    "transverse": (2, 1, 0),  # rows dorsal -> ventral, columns right -> left
    "dorsal": (1, 2, 0),      # rows cranial -> caudal
    "sagittal": (0, 1, 2),    # rows dorsal -> ventral, columns caudal -> cranial
}
#: idealised contrasts: (TR s, TE s, TI s or None)
CONTRASTS: dict[str, tuple[float, float, float | None]] = {
    "pd": (10.0, 0.0, None),
    "t1w": (0.5, 0.015, None),
    "t2w": (3.0, 0.1, None),
    "flair": (9.0, 0.1, 2.5),
}


def _signal(tissue, tr_s: float, te_s: float, ti_s: float | None) -> float:
    e1 = np.exp(-tr_s / tissue.t1_s)
    mz = 1 - e1 if ti_s is None else 1 - 2 * np.exp(-ti_s / tissue.t1_s) + e1
    return float(tissue.pd * abs(mz) * np.exp(-te_s / tissue.t2_s))


def render_plane(
    phantom: Phantom,
    *,
    plane: str = "transverse",
    position_m: float = 0.0,
    pixel_m: float = 0.5e-3,
    contrast: str = "t2w",
) -> np.ndarray:
    """An image of one plane through the phantom.

    Parameters
    ----------
    plane : {"transverse", "dorsal", "sagittal"}
    position_m : float
        Position of the plane along its normal, metres.
    pixel_m : float
        Pixel size, metres.
    contrast : {"pd", "t1w", "t2w", "flair"}

    Returns
    -------
    ndarray of float, shape (rows, columns)
        Scaled to a maximum of 1.
    """
    if plane not in PLANES:
        raise UserInputError(f"Unknown plane {plane!r}; choose one of {', '.join(PLANES)}.")
    if contrast not in CONTRASTS:
        raise UserInputError(f"Unknown contrast {contrast!r}; choose one of {', '.join(CONTRASTS)}.")
    normal, row, col = PLANES[plane]
    low, high = phantom.extent_m()
    if not (low[normal] <= position_m <= high[normal]):
        raise UserInputError(
            f"The {plane} plane at {position_m * 1e3:g} mm misses the phantom, which spans "
            f"{low[normal] * 1e3:.0f} to {high[normal] * 1e3:.0f} mm along that axis."
        )
    axes = [None, None, None]
    for axis in (row, col):
        n = int(np.ceil((high[axis] - low[axis]) / pixel_m)) + 4
        axes[axis] = (np.arange(n) - (n - 1) / 2) * pixel_m + (high[axis] + low[axis]) / 2
    axes[normal] = np.array([position_m])
    fractions, tissues = tissue_fractions(phantom, *axes, supersample=2)
    weights = np.array([_signal(t, *CONTRASTS[contrast]) for t in tissues], dtype=np.float32)
    image = np.tensordot(weights, fractions, axes=1)  # (nx, ny, nz)
    image = np.squeeze(image, axis=normal)
    kept = [a for a in (0, 1, 2) if a != normal]
    if kept.index(row) == 1:
        image = image.T
    if row in (1, 2):  # dorsal (y) or cranial (z) at the top
        image = image[::-1]
    peak = image.max()
    return image / peak if peak > 0 else image
