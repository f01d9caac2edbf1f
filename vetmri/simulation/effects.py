"""Hardware effects of the 0.2 T permanent-magnet scanner, as maps and matrices.

- B0 inhomogeneity: a sum of solid spherical harmonics up to third order with seeded random
  coefficients, scaled so its peak-to-peak over the DSV equals the profile's homogeneity
  (ppm). Near the isocentre it is dominated by the linear terms, as in a shimmed magnet.
- Linear field (shim residual): ``g . r`` Hz with ``g`` in Hz/m along x, y, z, what the
  first-order shim leaves of a linear field error; independent of the B0 map switch.
- B0 drift: a uniform offset, ``drift_hz_per_k`` of the profile times the magnet's temperature
  change since the last Larmor calibration.
- B1: a flip-angle scale, ``b1_scale * (1 - b1_falloff * (r / R)^2)`` with R the coil radius
  (transmit field falls off toward the coil wall).
- Receive coils: one channel = a cylindrical volume coil, uniform across the bore and
  falling off along it as the on-axis field of a finite solenoid of the coil's length and
  radius (Biot-Savart, by reciprocity the receive profile;
  :func:`vetmri.protocols.coverage.axial_sensitivity`, the law the planner checks
  wrap-around with); N channels = N loops on the coil's
  cylinder (or under the animal, for a spine array), each with the on-axis loop law
  ``a^3 / (a^2 + d^2)^(3/2)`` in magnitude and a phase that turns with the azimuth; scaled so
  the root-sum-of-squares is 1 at the isocentre. Noise covariance: unit variance +-10 %,
  correlation 0.25 between neighbouring loops and 0.08 otherwise.

Every effect is switched by :class:`EffectOptions`; the seed makes every map reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.errors import UserInputError
from vetmri.protocols.coverage import axial_sensitivity
from vetmri.scanner.profile import Coil, ScannerProfile

__all__ = [
    "MAX_LINEAR_FIELD_HZ_PER_M",
    "MOTION_KINDS",
    "EffectOptions",
    "b0_offset_hz",
    "b1_scale_map",
    "coil_sensitivities",
    "noise_covariance",
]

MOTION_KINDS: tuple[str, ...] = ("none", "rigid", "respiratory")
#: Largest linear field (shim residual) along any axis, Hz/m (0.5 mT/m at 42.58 MHz/T).
MAX_LINEAR_FIELD_HZ_PER_M = 20_000.0
_REFERENCE_COIL_DIAMETER_M = 0.24


@dataclass(frozen=True)
class EffectOptions:
    """Which imperfections the simulation includes.

    Attributes
    ----------
    b0_inhomogeneity : bool
        Permanent-magnet B0 map (distortion, dephasing).
    magnet_temperature_change_k : float
        Magnet temperature change since the last Larmor calibration (0 = just calibrated).
    linear_field_hz_per_m : (float, float, float)
        Linear off-resonance along x, y, z, Hz/m: the shim residual (the field error plus
        the shim's gradient offsets), added to the B0 map even when that is switched off.
    b1_scale : float
        Global flip-angle scale (1 = perfect RF calibration).
    b1_falloff : float
        Relative flip-angle loss at the coil radius (0 = uniform).
    coil : str or None
        Receive coil name from the scanner profile; None = ideal uniform single channel.
    noise : bool
        Thermal noise (calibrated, see ``docs/simulation.md``).
    noise_scale : float
        Multiplies the calibrated noise level (e.g. 2 for a poorly tuned coil).
    interference_hz : tuple of float
        Offsets from the Larmor frequency of external narrow-band interference (no RF room).
    interference_amplitude : float
        Amplitude of each interference line relative to the thermal noise std per sample.
    motion : {"none", "rigid", "respiratory"}
        Rigid drift along y during the scan, or sinusoidal breathing motion along y.
    motion_amplitude_m : float
        Peak displacement, metres.
    respiratory_period_s : float
    seed : int
        Seed of every random part (maps and noise): equal seeds give equal data.
    """

    b0_inhomogeneity: bool = True
    magnet_temperature_change_k: float = 0.0
    linear_field_hz_per_m: tuple[float, float, float] = (0.0, 0.0, 0.0)
    b1_scale: float = 1.0
    b1_falloff: float = 0.0
    coil: str | None = None
    noise: bool = True
    noise_scale: float = 1.0
    interference_hz: tuple[float, ...] = ()
    interference_amplitude: float = 5.0
    motion: str = "none"
    motion_amplitude_m: float = 0.0
    respiratory_period_s: float = 3.0
    seed: int = 0

    def validate(self, profile: ScannerProfile) -> None:
        """Raise :class:`UserInputError` for impossible options."""
        if not 0.1 <= self.b1_scale <= 3.0:
            raise UserInputError(f"The B1 scale must be between 0.1 and 3, not {self.b1_scale:g}.")
        if not 0.0 <= self.b1_falloff < 1.0:
            raise UserInputError(f"The B1 fall-off must be from 0 to below 1, not {self.b1_falloff:g}.")
        if abs(self.magnet_temperature_change_k) > 20:
            raise UserInputError(
                f"A magnet temperature change of {self.magnet_temperature_change_k:g} K is beyond the "
                "scanner's operating range (+-20 K); give a smaller change."
            )
        field = self.linear_field_hz_per_m
        if len(field) != 3 or not all(np.isfinite(g) for g in field):
            raise UserInputError(f"The linear field needs three finite values (Hz/m along x, y, z), not {field!r}.")
        if any(abs(g) > MAX_LINEAR_FIELD_HZ_PER_M for g in field):
            raise UserInputError(
                f"A linear field of {max(abs(g) for g in field):g} Hz/m is beyond what a shim leaves "
                f"(at most {MAX_LINEAR_FIELD_HZ_PER_M:g} Hz/m, 0.5 mT/m); give a smaller one."
            )
        if self.noise_scale < 0:
            raise UserInputError(f"The noise scale must not be negative, not {self.noise_scale:g}.")
        if self.motion not in MOTION_KINDS:
            raise UserInputError(f"Unknown motion {self.motion!r}; choose one of {', '.join(MOTION_KINDS)}.")
        if not 0 <= self.motion_amplitude_m <= 0.05:
            raise UserInputError("The motion amplitude must be between 0 and 50 mm.")
        if self.respiratory_period_s <= 0:
            raise UserInputError("The respiratory period must be positive.")
        bandwidth = 0.5 * profile.magnet.larmor_hz
        if any(abs(f) > bandwidth for f in self.interference_hz):
            raise UserInputError("Interference offsets must lie within half the Larmor frequency.")
        if self.coil is not None:
            profile.coil(self.coil)  # raises with the list of coils


def _harmonics(points_m: np.ndarray, radius_m: float) -> np.ndarray:
    x, y, z = (points_m[..., i] / radius_m for i in range(3))
    r2 = x * x + y * y + z * z
    terms = [
        x, y, z,
        z * z - 0.5 * (x * x + y * y), x * z, y * z, x * x - y * y, x * y,
        z * (z * z - 1.5 * (x * x + y * y)), x * (4 * z * z - x * x - y * y), y * (4 * z * z - x * x - y * y),
        z * (x * x - y * y), x * y * z, x * (x * x - 3 * y * y), y * (3 * x * x - y * y),
    ]
    del r2
    return np.stack(terms, axis=-1)


def _b0_coefficients(profile: ScannerProfile, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 0xB0])
    order_weight = np.array([1.0] * 3 + [0.5] * 5 + [0.25] * 7)
    coefficients = rng.normal(size=15) * order_weight
    # scale to the specified peak-to-peak over the DSV sphere
    radius = profile.magnet.dsv_m / 2
    directions = rng.normal(size=(2000, 3))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    values = _harmonics(directions * radius, radius) @ coefficients
    return coefficients * profile.magnet.homogeneity_ppm / np.ptp(values)


def b0_offset_hz(points_m: np.ndarray, profile: ScannerProfile, options: EffectOptions) -> np.ndarray:
    """Spatial off-resonance at each point, Hz: the magnet's B0 map (when switched on) plus
    the linear field ``options.linear_field_hz_per_m . r``.

    Parameters
    ----------
    points_m : ndarray of shape (..., 3)

    Returns
    -------
    ndarray of float, shape (...)
    """
    linear = points_m @ np.asarray(options.linear_field_hz_per_m, dtype=float)
    if not options.b0_inhomogeneity:
        return linear
    radius = profile.magnet.dsv_m / 2
    ppm = _harmonics(points_m, radius) @ _b0_coefficients(profile, options.seed)
    return ppm * 1e-6 * profile.magnet.larmor_hz + linear


def b1_scale_map(points_m: np.ndarray, radius_m: float, options: EffectOptions) -> np.ndarray:
    """Flip-angle scale at each point (1 = nominal)."""
    r2 = (points_m[..., 0] ** 2 + points_m[..., 1] ** 2) / radius_m**2
    return options.b1_scale * (1.0 - options.b1_falloff * np.clip(r2, 0, 1))


def _loop_centres(coil: Coil) -> tuple[np.ndarray, np.ndarray, float]:
    """Centres (n, 3), normals (n, 3) and loop radius of the coil's channels."""
    n = coil.channels
    radius = coil.inner_diameter_m / 2
    if "spine" in coil.anatomy and "head" not in coil.anatomy:
        # a flat array under the animal: 2 x (n/2) loops along z at y = -radius
        cols = max(1, n // 2)
        rows = int(np.ceil(n / cols))
        size = min(coil.length_m / rows, coil.inner_diameter_m / cols)
        centres = np.array([
            [(c - (cols - 1) / 2) * size, -radius * 0.7, (r - (rows - 1) / 2) * size]
            for r in range(rows) for c in range(cols)
        ][:n])
        normals = np.tile([0.0, 1.0, 0.0], (n, 1))
        return centres, normals, size / 2
    angles = 2 * np.pi * (np.arange(n) + 0.5) / n
    centres = np.stack([radius * np.cos(angles), radius * np.sin(angles), np.zeros(n)], axis=1)
    loop = min(coil.length_m / 2, np.pi * radius / max(n, 2))
    return centres, -centres / radius, loop


def coil_sensitivities(points_m: np.ndarray, coil: Coil | None) -> np.ndarray:
    """Complex receive sensitivity of each channel at each point.

    Returns
    -------
    ndarray of complex64, shape (channels, ...)
        For ``coil`` None (an ideal coil): ones. A one-channel volume coil: 1 at its centre,
        falling off along the bore (z) beyond its ends. Multi-channel: the root sum of
        squares is 1 at the isocentre.
    """
    if coil is None:
        return np.ones((1, *points_m.shape[:-1]), dtype=np.complex64)
    if coil.channels == 1:
        axial = axial_sensitivity(points_m[..., 2], coil.length_m, coil.inner_diameter_m / 2)
        return axial[None].astype(np.complex64)
    centres, normals, loop = _loop_centres(coil)
    maps = []
    for centre, normal in zip(centres, normals):
        d = points_m - centre
        dist2 = np.einsum("...i,...i->...", d, d)
        magnitude = loop**3 / (loop**2 + dist2) ** 1.5
        azimuth = np.arctan2(d[..., 1], d[..., 0]) - np.arctan2(normal[1], normal[0])
        maps.append(magnitude * np.exp(1j * 0.5 * azimuth))
    sens = np.array(maps)
    at_centre = np.array([loop**3 / (loop**2 + c @ c) ** 1.5 for c in centres])
    return (sens / np.sqrt(np.sum(at_centre**2))).astype(np.complex64)


def coil_signal_factor(coil: Coil | None) -> float:
    """Sensitivity relative to the reference head coil (0.24 m): smaller coils see more signal
    per unit noise (at low field the coil's own noise dominates)."""
    diameter = _REFERENCE_COIL_DIAMETER_M if coil is None else coil.inner_diameter_m
    return _REFERENCE_COIL_DIAMETER_M / diameter


def noise_covariance(coil: Coil | None, seed: int) -> np.ndarray:
    """Receiver noise covariance (channels, channels), unit average variance."""
    n = 1 if coil is None else coil.channels
    if n == 1:
        return np.ones((1, 1))
    rng = np.random.default_rng([seed, 0xC0])
    corr = np.full((n, n), 0.08)
    for i in range(n):
        corr[i, (i + 1) % n] = corr[(i + 1) % n, i] = 0.25
    np.fill_diagonal(corr, 1.0)
    scale = np.sqrt(1 + 0.1 * rng.uniform(-1, 1, n))
    return corr * np.outer(scale, scale)
