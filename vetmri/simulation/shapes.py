"""Geometry of the phantom shapes: which points they hold, and their exact Fourier transforms.

The closed forms give an inverse-crime-free k-space for non-selective (3D) encoding:

- ellipsoid: the unit ball's transform ``4 pi (sin x - x cos x) / x**3``, x = 2 pi |q|
  (a spherical Bessel j1 form);
- cylinder: a disc (``J1(2 pi rho) / rho``, a jinc) times a segment (``2 sinc(2 q_z)``);
- box: a product of ``2 sinc(2 q_i)``;

mapped to each shape by its semi-axes (``q = a * (R^T k)``, scaled by ``prod(a)``), with the
centre as a phase ``exp(-2 pi i k . c)``.
"""

from __future__ import annotations

import numpy as np

from vetmri.simulation.phantom import Shape

__all__ = ["shape_contains", "shape_contains_grid", "shape_fourier_transform"]


def shape_contains(shape: Shape, points_m: np.ndarray) -> np.ndarray:
    """Whether each point lies inside the shape.

    Parameters
    ----------
    points_m : ndarray of shape (..., 3)
        Scanner-frame points, metres.

    Returns
    -------
    ndarray of bool, shape (...)
    """
    u = shape.to_local(points_m)
    if shape.kind == "ellipsoid":
        return np.einsum("...i,...i->...", u, u) <= 1.0
    if shape.kind == "cylinder":
        return (u[..., 0] ** 2 + u[..., 1] ** 2 <= 1.0) & (np.abs(u[..., 2]) <= 1.0)
    return np.all(np.abs(u) <= 1.0, axis=-1)


def shape_contains_grid(shape: Shape, x_m: np.ndarray, y_m: np.ndarray, z_m: np.ndarray) -> np.ndarray:
    """Whether each point of a rectilinear grid lies inside the shape: the same test as
    :func:`shape_contains` on ``meshgrid(x_m, y_m, z_m)``, without forming the points.

    The local coordinates are linear in the scanner coordinates, so the ellipsoid's (and the
    cylinder's radial) quadratic form splits into terms of one or two axes each, and every
    linear form into terms of one axis: the work over the 3D grid is a few additions.

    Parameters
    ----------
    x_m, y_m, z_m : ndarray of shape (nx,), (ny,), (nz,)

    Returns
    -------
    ndarray of bool, shape (nx, ny, nz)
    """
    d = [np.asarray(a, dtype=float) - c for a, c in zip((x_m, y_m, z_m), shape.centre_m)]
    w = shape.rotation / shape.semi_axes_m[None, :]  # u_j = sum_i d_i w[i, j]
    if shape.kind == "box":
        return _linear_within(d, w[:, 0]) & _linear_within(d, w[:, 1]) & _linear_within(d, w[:, 2])
    radial = w if shape.kind == "ellipsoid" else w[:, :2]
    inside = _quadratic_form(d, radial @ radial.T) <= 1.0
    if shape.kind == "cylinder":
        inside &= _linear_within(d, w[:, 2])
    return inside


def _quadratic_form(d: list[np.ndarray], m: np.ndarray) -> np.ndarray:
    """``sum_ik m_ik d_i d_k`` over the grid of the per-axis offsets ``d``."""
    dx, dy, dz = d
    xy = m[0, 0] * dx[:, None] ** 2 + m[1, 1] * dy[None, :] ** 2 + 2 * m[0, 1] * dx[:, None] * dy[None, :]
    xz = 2 * m[0, 2] * dx[:, None] * dz[None, :]
    yz = m[2, 2] * dz[None, :] ** 2 + 2 * m[1, 2] * dy[:, None] * dz[None, :]
    total = xy[:, :, None] + xz[:, None, :]
    total += yz[None, :, :]
    return total


def _linear_within(d: list[np.ndarray], coefficients: np.ndarray) -> np.ndarray:
    """``|sum_i c_i d_i| <= 1`` over the grid of the per-axis offsets ``d``."""
    dx, dy, dz = d
    total = (coefficients[0] * dx)[:, None, None] + (coefficients[1] * dy)[None, :, None]
    total = total + (coefficients[2] * dz)[None, None, :]
    return np.abs(total) <= 1.0


def _unit_ball(q: np.ndarray) -> np.ndarray:
    x = 2 * np.pi * np.linalg.norm(q, axis=-1)
    out = np.full(x.shape, 4 * np.pi / 3)
    big = x > 1e-3
    xb = x[big]
    out[big] = 4 * np.pi * (np.sin(xb) - xb * np.cos(xb)) / xb**3
    small = ~big  # series: 4 pi / 3 (1 - x^2 / 10)
    out[small] = 4 * np.pi / 3 * (1 - x[small] ** 2 / 10)
    return out


def _unit_disc(rho: np.ndarray) -> np.ndarray:
    from scipy.special import j1

    out = np.full(rho.shape, np.pi)
    big = rho > 1e-6
    out[big] = j1(2 * np.pi * rho[big]) / rho[big]
    return out


def shape_fourier_transform(shape: Shape, k_per_m: np.ndarray) -> np.ndarray:
    """Exact 3D Fourier transform of the shape's indicator, ``int exp(-2 pi i k.r) dr``.

    Parameters
    ----------
    k_per_m : ndarray of shape (..., 3)
        Spatial frequencies in cycles per metre.

    Returns
    -------
    ndarray of complex128, shape (...)
        In cubic metres (the volume at k = 0).
    """
    k = np.asarray(k_per_m, dtype=float)
    q = (k @ shape.rotation) * shape.semi_axes_m
    if shape.kind == "ellipsoid":
        unit = _unit_ball(q)
    elif shape.kind == "cylinder":
        unit = _unit_disc(np.hypot(q[..., 0], q[..., 1])) * 2 * np.sinc(2 * q[..., 2])
    else:
        unit = np.prod(2 * np.sinc(2 * q), axis=-1)
    phase = np.exp(-2j * np.pi * (k @ shape.centre_m))
    return np.prod(shape.semi_axes_m) * unit * phase
