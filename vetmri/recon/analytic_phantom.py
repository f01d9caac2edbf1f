"""An analytic brain phantom whose k-space is known in closed form, for tests,
benchmarks and the QA check.

Sampling k-space from the continuous Fourier transform of ellipses (2D) or ellipsoids (3D)
avoids the "inverse crime" of making test data with the same discrete grid the
reconstruction uses (Guerquin-Kern et al., IEEE TMI 2012). Receive coils are smooth
sensitivities written as a few Fourier terms, so the k-space of a coil image is a sum of
shifted copies of the analytic k-space: still exact.

Coordinates: x along the readout (image columns), y along phase encoding (rows), z along
the slice or partition direction; metres, 0 at the centre of the field of view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Ellipsoid",
    "brain_phantom",
    "coil_terms",
    "disc_phantom",
    "kspace_on_grid",
    "phantom_kspace",
    "rasterise",
]


@dataclass(frozen=True)
class Ellipsoid:
    """A uniform ellipse (2D: the first two of each triple are used) or ellipsoid.

    Attributes
    ----------
    value : float
        Added intensity (negative to carve out).
    center_m : (x, y, z)
    axes_m : (a, b, c)
        Semi-axes, metres.
    angle_deg : float
        Rotation about z.
    """

    value: float
    center_m: tuple[float, float, float]
    axes_m: tuple[float, float, float]
    angle_deg: float = 0.0


def brain_phantom(fov_m: float = 0.2) -> tuple[Ellipsoid, ...]:
    """A Shepp-Logan-like head: scalp fat, grey matter, white matter, CSF ventricles and
    small lesions (T2-weighted-like intensities, CSF brightest), scaled to ``fov_m``."""
    s = fov_m / 2
    rows = [
        # value, x, y, z, a, b, c, angle
        (0.85, 0, 0, 0, 0.72, 0.90, 0.80, 0),      # scalp (fat)
        (-0.85, 0, -0.015, 0, 0.66, 0.84, 0.74, 0),  # inside the scalp
        (0.65, 0, -0.015, 0, 0.64, 0.82, 0.72, 0),  # grey matter
        (-0.20, 0.0, -0.03, 0, 0.50, 0.66, 0.55, 0),  # white matter
        (0.55, 0.17, 0.05, 0, 0.09, 0.28, 0.20, -18),  # ventricles (CSF)
        (0.55, -0.17, 0.05, 0, 0.12, 0.32, 0.22, 18),
        (0.30, 0, 0.42, 0, 0.16, 0.19, 0.15, 0),    # lesion
        (0.25, 0, 0.12, 0, 0.035, 0.035, 0.035, 0),
        (0.25, -0.06, -0.55, 0, 0.04, 0.02, 0.03, 0),
        (0.25, 0.06, -0.55, 0, 0.02, 0.04, 0.03, 0),
        (0.15, 0.30, -0.30, 0, 0.05, 0.05, 0.05, 0),
    ]
    return tuple(Ellipsoid(v, (x * s, y * s, z * s), (a * s, b * s, c * s), ang) for v, x, y, z, a, b, c, ang in rows)


def disc_phantom(fov_m: float = 0.2, radius_fraction: float = 0.4) -> tuple[Ellipsoid, ...]:
    """A uniform disc (sphere in 3D): the QA uniformity phantom."""
    r = radius_fraction * fov_m
    return (Ellipsoid(1.0, (0.0, 0.0, 0.0), (r, r, r)),)


def _rotation(angle_deg: float) -> np.ndarray:
    t = np.deg2rad(angle_deg)
    return np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])


def phantom_kspace(shapes: tuple[Ellipsoid, ...], k: np.ndarray) -> np.ndarray:
    """Continuous Fourier transform ∫ m(r) exp(-i 2π k·r) dr of the phantom.

    Parameters
    ----------
    shapes : tuple of Ellipsoid
    k : ndarray of shape (ndim, ...)
        Spatial frequencies, cycles per metre; ndim 2 or 3.

    Returns
    -------
    ndarray of shape k.shape[1:], complex128
    """
    from scipy.special import j1

    ndim = k.shape[0]
    out = np.zeros(k.shape[1:], np.complex128)
    for e in shapes:
        rot = _rotation(e.angle_deg)[:ndim, :ndim]
        kr = np.tensordot(rot.T, k, axes=1)  # frequencies in the ellipse frame
        axes = np.asarray(e.axes_m[:ndim]).reshape((ndim,) + (1,) * (k.ndim - 1))
        kappa = np.sqrt(np.sum((axes * kr) ** 2, axis=0))
        x = 2 * np.pi * kappa
        scale = float(np.prod(e.axes_m[:ndim]))
        with np.errstate(invalid="ignore", divide="ignore"):
            if ndim == 2:
                shape = np.where(kappa > 1e-12, j1(x) / np.where(kappa > 1e-12, kappa, 1), np.pi)
            else:
                xs = np.where(x > 1e-6, x, 1)
                shape = np.where(x > 1e-6, 4 * np.pi * (np.sin(xs) - xs * np.cos(xs)) / xs**3, 4 * np.pi / 3)
        centre = np.asarray(e.center_m[:ndim]).reshape((ndim,) + (1,) * (k.ndim - 1))
        out += e.value * scale * shape * np.exp(-2j * np.pi * np.sum(k * centre, axis=0))
    return out


def coil_terms(n_coils: int, fov_m: float, *, ndim: int = 2, width: float = 5.0, order: int = 2) -> list[tuple[np.ndarray, np.ndarray]]:
    """Smooth receive sensitivities as Fourier series: for each coil, (coefficients of
    shape (T,), frequencies of shape (T, ndim) in cycles per metre). Coils sit on a circle
    around the field of view; the sensitivity is a periodised Gaussian bump (period 2 FOV)."""
    grid = np.arange(-order, order + 1)
    freqs = np.stack(np.meshgrid(*([grid] * ndim), indexing="ij"), -1).reshape(-1, ndim) / (2 * fov_m)
    terms = []
    for c in range(n_coils):
        angle = 2 * np.pi * c / n_coils
        position = np.zeros(ndim)
        position[:2] = 0.45 * fov_m * np.array([np.cos(angle), np.sin(angle)])
        amp = np.exp(-np.sum((freqs * 2 * fov_m / (order + 0.5)) ** 2, axis=1) * width)
        coeff = amp * np.exp(-2j * np.pi * freqs @ position) * np.exp(1j * angle)
        terms.append((coeff / np.abs(coeff).sum(), freqs))
    return terms


def kspace_on_grid(shapes: tuple[Ellipsoid, ...], matrix: tuple[int, ...], fov_m: tuple[float, ...], *, coils: list[tuple[np.ndarray, np.ndarray]] | None = None, shift_cycles_per_m: tuple[float, ...] | None = None, phase_rad: float = 0.0) -> np.ndarray:
    """Cartesian k-space samples scaled so that the centred unitary inverse FFT gives the
    phantom's intensity.

    Parameters
    ----------
    matrix : (nx, ny) or (nx, ny, nz)
        Samples along x (readout), y, z; k = 0 at index n // 2, spacing 1 / FOV.
    fov_m : same length as ``matrix``
    coils : from :func:`coil_terms`, or None for a uniform single coil
    shift_cycles_per_m : a linear image phase exp(i 2π k0·r) (smooth phase), optional
    phase_rad : constant image phase

    Returns
    -------
    ndarray of shape (coils, [nz,] ny, nx), complex64
    """
    ndim = len(matrix)
    axes_k = [(np.arange(n) - n // 2) / f for n, f in zip(matrix, fov_m)]
    k = np.stack(np.meshgrid(*axes_k, indexing="ij"))  # (ndim, nx, ny[, nz])
    k = np.moveaxis(k, list(range(1, ndim + 1)), list(range(ndim, 0, -1)))  # (ndim, [nz,] ny, nx)
    if shift_cycles_per_m is not None:
        k = k - np.asarray(shift_cycles_per_m).reshape((ndim,) + (1,) * ndim)
    scale = np.prod([np.sqrt(n) / f for n, f in zip(matrix, fov_m)]) * np.exp(1j * phase_rad)
    if coils is None:
        return (scale * phantom_kspace(shapes, k))[None].astype(np.complex64)
    out = []
    for coeff, freqs in coils:
        acc = np.zeros(k.shape[1:], np.complex128)
        for c, f in zip(coeff, freqs):
            acc += c * phantom_kspace(shapes, k - f.reshape((ndim,) + (1,) * ndim))
        out.append(scale * acc)
    return np.stack(out).astype(np.complex64)


def rasterise(shapes: tuple[Ellipsoid, ...], matrix: tuple[int, ...], fov_m: tuple[float, ...], *, supersample: int = 4) -> np.ndarray:
    """The phantom averaged over each pixel (voxel) of the grid: the ground truth image.

    Returns
    -------
    ndarray of shape ([nz,] ny, nx), float64
        Pixel index n // 2 is the centre of the field of view.
    """
    ndim = len(matrix)
    axes = []
    for n, f in zip(matrix, fov_m):
        d = f / n
        sub = (np.arange(supersample) + 0.5) / supersample - 0.5
        axes.append(((np.arange(n) - n // 2)[:, None] * d + sub[None] * d).ravel())
    coords = np.meshgrid(*axes, indexing="ij")  # x, y[, z] each (nx*s, ny*s[, nz*s])
    image = np.zeros(coords[0].shape)
    for e in shapes:
        rot = _rotation(e.angle_deg)[:ndim, :ndim]
        rel = np.stack([c - e.center_m[i] for i, c in enumerate(coords)])
        local = np.tensordot(rot.T, rel, axes=1)
        inside = np.sum((local / np.asarray(e.axes_m[:ndim]).reshape((ndim,) + (1,) * ndim)) ** 2, axis=0) <= 1
        image += e.value * inside
    image = image.reshape(sum(((n, supersample) for n in matrix), ())).mean(axis=tuple(range(1, 2 * ndim, 2)))
    return np.transpose(image, tuple(range(ndim - 1, -1, -1)))
