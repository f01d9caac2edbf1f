"""Sampling patterns: telling undersampled scans from fully sampled and partial-Fourier
ones, finding the fully sampled centre, and making the variable-density (1D) and
Poisson-disc (2D) masks of accelerated protocols."""

from __future__ import annotations

import numpy as np

__all__ = ["calibration_region", "is_undersampled", "poisson_disc_mask", "variable_density_mask"]


def is_undersampled(sampled: np.ndarray) -> bool:
    """True when lines are missing inside the sampled extent (more than 5 % holes), i.e.
    the scan was accelerated; partial Fourier (a contiguous block) is not undersampled.

    Parameters
    ----------
    sampled : ndarray of bool, shape (ny,) or (nz, ny)
    """
    sampled = np.asarray(sampled, bool)
    if sampled.ndim == 1:
        idx = np.flatnonzero(sampled)
        if idx.size == 0:
            return False
        extent = idx[-1] - idx[0] + 1
        return idx.size < 0.95 * extent
    rows = np.any(sampled, axis=1)
    cols = np.any(sampled, axis=0)
    box = sampled[np.ix_(rows, cols)]
    return bool(box.mean() < 0.95) if box.size else False


def calibration_region(sampled: np.ndarray) -> tuple[slice, ...]:
    """The largest fully sampled block centred on k = 0 (index n // 2 on each axis).

    Parameters
    ----------
    sampled : ndarray of bool, shape (ny,) or (nz, ny)
    """
    sampled = np.asarray(sampled, bool)
    centre = tuple(n // 2 for n in sampled.shape)
    half = 0
    limit = min(centre)
    while half < limit:
        region = tuple(slice(c - half - 1, c + half + 2) for c in centre)
        if not sampled[region].all():
            break
        half += 1
    # a fully sampled axis of even length has one line fewer after the centre than before
    return tuple(slice(max(0, c - half), min(n, c + half + 1)) for c, n in zip(centre, sampled.shape))


def variable_density_mask(lines: int, acceleration: float, *, centre_fraction: float = 0.08, seed: int = 0) -> np.ndarray:
    """1D variable-density random phase-encoding mask with a fully sampled centre.

    The probability of sampling a line falls off as (1 - |k| / k_max)^p, with p chosen to
    keep ``lines / acceleration`` lines. Returns bool of shape (lines,).
    """
    rng = np.random.default_rng(seed)
    target = int(round(lines / acceleration))
    centre = lines // 2
    half = max(1, int(round(centre_fraction * lines / 2)))
    mask = np.zeros(lines, bool)
    mask[centre - half:centre + half] = True
    dist = np.abs(np.arange(lines) - centre) / (lines / 2)
    remaining = target - mask.sum()
    if remaining <= 0:
        return mask
    lo, hi = 0.0, 20.0
    for _ in range(50):  # bisect the power so the expected count matches
        p = (lo + hi) / 2
        prob = (1 - dist) ** p
        prob[mask] = 0
        if prob.sum() > remaining:
            lo = p
        else:
            hi = p
    prob = (1 - dist) ** ((lo + hi) / 2)
    prob[mask] = 0
    chosen = rng.choice(lines, size=remaining, replace=False, p=prob / prob.sum())
    mask[chosen] = True
    return mask


def poisson_disc_mask(shape: tuple[int, int], acceleration: float, *, calibration: int = 12, seed: int = 0) -> np.ndarray:
    """Variable-density Poisson-disc mask over (kz, ky) with a fully sampled centre
    (dart throwing with a minimum distance growing away from the centre).

    Returns bool of shape ``shape``.
    """
    rng = np.random.default_rng(seed)
    nz, ny = shape
    target = int(round(nz * ny / acceleration))
    zz, yy = np.meshgrid((np.arange(nz) - nz // 2) / (nz / 2), (np.arange(ny) - ny // 2) / (ny / 2), indexing="ij")
    radius = np.hypot(zz, yy)
    best = None
    lo, hi = 0.3, 6.0
    for _ in range(14):
        scale = (lo + hi) / 2
        mask = np.zeros(shape, bool)
        cz, cy = nz // 2, ny // 2
        h = calibration // 2
        mask[max(0, cz - h):cz + h, max(0, cy - h):cy + h] = True
        order = rng.permutation(nz * ny)
        pts = []
        for flat in order:
            z, y = divmod(int(flat), ny)
            if mask[z, y]:
                continue
            r_min = scale * (0.5 + 1.5 * radius[z, y])
            if all((z - pz) ** 2 + (y - py) ** 2 >= r_min**2 for pz, py in pts[-400:]):
                pts.append((z, y))
                mask[z, y] = True
        count = mask.sum()
        best = mask
        if abs(count - target) < 0.02 * target:
            break
        if count > target:
            lo = scale
        else:
            hi = scale
    assert best is not None
    return best
