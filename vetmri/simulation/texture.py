"""Procedural anatomical detail of a phantom: patterns carved into shapes and smooth
heterogeneity of the tissue values, reproducible by seed.

Both rest on band-limited random fields: sums of plane waves with random directions and
phases whose spatial frequencies lie in a band, ``f(r) = sqrt(2 / N) sum_n cos(2 pi k_n . r
+ phi_n)`` (unit variance, nearly Gaussian). The field is a continuous function of the
position, so every grid the simulator or a renderer chooses sees the same anatomy, and it
is evaluated separably on a rectilinear grid (one real matrix product of the (x, z) and y
factors), which keeps it cheap.

- **Patterns** (``[shapes.pattern]`` in a phantom file, :class:`Pattern`): ``sheets``
  paints a tissue on the thin sheets where ``|f|`` is small (cortical sulci within
  ``depth_mm`` of the surface, trabecular plates in marrow, fibrous septa in fat);
  ``shells`` paints concentric, slightly warped shells (cerebellar folia, the lamellae of
  a disc annulus); ``blobs`` paints the islands where ``f`` is large (mottled marrow).
  They are drawn on the labels, so the synthesis's supersampled grid gives their partial
  volume at the voxel scale.
- **Heterogeneity** (``[texture]``, :class:`TextureSettings`): two independent fields per
  phantom, one multiplying the proton density by ``1 + h f_pd`` and one scaling T1 and T2
  together by ``1 + h f_r`` (water content moves both the same way), h the relative
  standard deviation (a few per cent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "PATTERN_KINDS",
    "RELAXATION_CLIP",
    "Pattern",
    "TextureSettings",
    "heterogeneity_fields",
    "pattern_mask",
    "random_field",
]

PATTERN_KINDS: tuple[str, ...] = ("sheets", "shells", "blobs")
#: The relaxation field is clipped to +-this many standard deviations; the engine's two
#: relaxation nodes sit there and interpolate linearly between them.
RELAXATION_CLIP = 2.5
_WAVES = 32


@dataclass(frozen=True)
class TextureSettings:
    """Heterogeneity of the tissue values within each tissue.

    Attributes
    ----------
    seed : int
        Seed of every field of the phantom (its patterns too).
    heterogeneity : float
        Relative standard deviation h of PD and of T1/T2 within a tissue (0.03 = 3 %).
    correlation_m : float
        Central wavelength of the fields; their frequencies span 0.5-1.5 / correlation_m.
    """

    seed: int = 0
    heterogeneity: float = 0.0
    correlation_m: float = 2e-3


@dataclass(frozen=True)
class Pattern:
    """Detail carved into one shape.

    Attributes
    ----------
    kind : {"sheets", "shells", "blobs"}
    tissue : Tissue
        What the pattern is made of.
    wavelength_m : float
        Spacing of the sheets, shells or islands.
    fraction : float
        Volume fraction of the shape the pattern takes (0-0.6).
    depth_m : float or None
        Only within this depth below the shape's surface (None: the whole shape).
    seed : int
        The pattern's own seed (from the phantom's seed and the shape's index).
    """

    kind: str
    tissue: object
    wavelength_m: float
    fraction: float
    depth_m: float | None
    seed: int


def _waves(seed: object, band_per_m: tuple[float, float], count: int = _WAVES) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=(count, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    k = direction * rng.uniform(*band_per_m, size=(count, 1))
    phase = rng.uniform(0, 2 * np.pi, size=count)
    return k, phase


def random_field(seed: object, axes_m: tuple[np.ndarray, np.ndarray, np.ndarray], wavelength_m: float,
                 *, bandwidth: float = 0.5) -> np.ndarray:
    """A unit-variance band-limited random field on a rectilinear grid.

    Parameters
    ----------
    seed : int or sequence of int
        The same seed gives the same field at the same positions, whatever the grid.
    axes_m : (x, y, z) ndarrays of shape (nx,), (ny,), (nz,)
    wavelength_m : float
        Central wavelength; frequencies span (1 +- bandwidth) / wavelength_m.

    Returns
    -------
    ndarray of float32, shape (nx, ny, nz)
    """
    x, y, z = (np.asarray(a, dtype=float) for a in axes_m)
    centre = 1.0 / wavelength_m
    k, phase = _waves(seed, (centre * (1 - bandwidth), centre * (1 + bandwidth)))
    ex = np.exp(2j * np.pi * np.outer(k[:, 0], x) + 1j * phase[:, None]).astype(np.complex64)  # (N, nx)
    ey = np.exp(2j * np.pi * np.outer(k[:, 1], y)).astype(np.complex64)  # (N, ny)
    ez = np.exp(2j * np.pi * np.outer(k[:, 2], z)).astype(np.complex64)  # (N, nz)
    # Re(sum_n a_n b_n) = sum_n Re a_n Re b_n - Im a_n Im b_n with a = e_x e_z over the (x, z)
    # plane and b = e_y: one real matrix product over 2N terms (the complex product would
    # cost twice the arithmetic for an imaginary part nobody uses)
    xz = (ex[:, :, None] * ez[:, None, :]).reshape(len(phase), -1)  # (N, nx nz)
    left = np.concatenate([xz.real, xz.imag])  # (2N, nx nz)
    right = np.concatenate([ey.real, -ey.imag])  # (2N, ny)
    out = (left.T @ right).reshape(len(x), len(z), len(y)).transpose(0, 2, 1).copy()  # (nx, ny, nz)
    out *= math.sqrt(2.0 / len(phase))
    return out


def _threshold(fraction: float) -> float:
    """w with P(|g| < w) = fraction for a standard normal g."""
    from scipy.special import erfinv

    return float(math.sqrt(2.0) * erfinv(min(max(fraction, 1e-6), 0.999)))


def pattern_mask(pattern: Pattern, shape, axes_m: tuple[np.ndarray, np.ndarray, np.ndarray],
                 inside: np.ndarray) -> np.ndarray:
    """Where the pattern paints its tissue within ``inside`` (a shape's mask on the grid
    ``axes_m``).

    Returns
    -------
    ndarray of bool, the shape of ``inside``
    """
    if not inside.any():
        return inside
    need_radius = pattern.kind == "shells" or pattern.depth_m is not None
    radius = _radius(shape, axes_m) if need_radius else None
    if pattern.kind == "shells":
        mean_semi = float(np.mean(shape.semi_axes_m if shape.kind == "ellipsoid" else shape.semi_axes_m[:2]))
        warp = random_field(pattern.seed, axes_m, 4 * pattern.wavelength_m)
        g = radius * mean_semi / pattern.wavelength_m + 0.35 * warp
        mask = np.abs(g - np.round(g)) < pattern.fraction / 2
    else:
        f = random_field(pattern.seed, axes_m, pattern.wavelength_m)
        if pattern.kind == "sheets":
            mask = np.abs(f) < _threshold(pattern.fraction)
        else:  # blobs: the upper tail
            from scipy.special import erfinv

            mask = f > math.sqrt(2.0) * float(erfinv(1 - 2 * min(max(pattern.fraction, 1e-6), 0.999)))
    if pattern.depth_m is not None:
        scale = float(np.min(shape.semi_axes_m if shape.kind == "ellipsoid" else shape.semi_axes_m[:2]))
        mask &= (1.0 - radius) * scale <= pattern.depth_m
    return mask & inside


def _radius(shape, axes_m) -> np.ndarray:
    """Normalised radius of the grid points in the shape (1 on an ellipsoid's surface; the
    radial part of a cylinder; the largest local coordinate of a box)."""
    from vetmri.simulation.shapes import _quadratic_form

    d = [np.asarray(a, dtype=float) - c for a, c in zip(axes_m, shape.centre_m)]
    w = shape.rotation / shape.semi_axes_m[None, :]
    if shape.kind == "box":
        parts = [np.abs((w[0, j] * d[0])[:, None, None] + (w[1, j] * d[1])[None, :, None]
                        + (w[2, j] * d[2])[None, None, :]) for j in range(3)]
        return np.maximum(np.maximum(parts[0], parts[1]), parts[2])
    radial = w if shape.kind == "ellipsoid" else w[:, :2]
    return np.sqrt(np.maximum(_quadratic_form(d, radial @ radial.T), 0.0))


def heterogeneity_fields(settings: TextureSettings, axes_m) -> tuple[np.ndarray, np.ndarray]:
    """The proton-density factor ``1 + h f_pd`` and the relaxation field ``f_r`` (clipped
    to +-:data:`RELAXATION_CLIP`; T1 and T2 scale by ``1 + h f_r``) on a grid.

    Returns
    -------
    pd_factor, relaxation : ndarrays of float32, shape (nx, ny, nz)
    """
    h = settings.heterogeneity
    pd_field = random_field([settings.seed, 1], axes_m, settings.correlation_m)
    relax = random_field([settings.seed, 2], axes_m, settings.correlation_m)
    return (1.0 + h * np.clip(pd_field, -RELAXATION_CLIP, RELAXATION_CLIP)).astype(np.float32), np.clip(
        relax, -RELAXATION_CLIP, RELAXATION_CLIP)
