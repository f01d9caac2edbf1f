"""ADMM for multi-coil (SENSE) total variation on a Cartesian grid, with the x-update
solved by a few preconditioned conjugate-gradient steps.

    min_x ½ ‖M F S x − y‖² + λ ‖∇x‖_1     (isotropic TV, periodic differences)

Split z = ∇x (scaled dual u). The x-update solves (Sᴴ Fᴴ M F S + ρ ∇ᴴ∇) x = Sᴴ Fᴴ M y +
ρ ∇ᴴ(z − u); with unit-norm coil maps the single-coil operator Fᴴ (M + ρ |d(k)|²) F, which
is diagonal in k-space, is nearly its inverse, so it preconditions the conjugate gradients
and two steps per iteration suffice (warm-started from the previous x). Per iteration that
costs about two Chambolle-Pock iterations (a readout is sampled whole, so the data term
needs FFTs along the phase-encoding axes only) and converges far faster (for BART's
phantoms: a higher SSIM than 100 primal-dual iterations in 40, at a third of the time;
benchmarks/recon_vs_bart.py).

With ``accelerate`` (as :func:`~vetmri.recon.cs.tv_recon` runs it) the split variable and the dual are extrapolated as in
Nesterov's method, restarted whenever the combined residual grows (fast ADMM with restart):
at the same iterations it removes more of the coherent aliasing of R = 4 (BART's phantoms:
tubes R = 4 from 0.0045 below BART's best SSIM to above it). Over-relaxation is then off.

With ``reweight_at`` the weight becomes a map halfway (reweighted total variation): at
that iteration each pixel's weight is set to ``1 / (1 + |∇x| / edge)`` of the image so far,
normalised to a mean of 1, and the ADMM restarts from that image. Edges (gradients well
above ``edge``, a few noise sigmas) are penalised less and flat regions more, so the
contrast that total variation takes from small structures comes back and the noise in flat
tissue goes down (BART's phantoms at R = 2-4: +0.001 to +0.005 SSIM at the same 40
iterations, and the Shepp-Logan phantom at R = 4 from 0.0018 below BART's best to above it).

Reference: Boyd et al., Found Trends Mach Learn 2011 (ADMM); Goldstein and Osher, SIAM J
Imaging Sci 2009 (split Bregman); Goldstein, O'Donoghue, Setzer and Baraniuk, SIAM J Imaging
Sci 2014 (fast ADMM with restart); Candès, Wakin and Boyd, J Fourier Anal Appl 2008
(reweighted l1 minimisation).
"""

from __future__ import annotations

import math

import numpy as np


__all__ = ["SenseADMMTV"]


def _grad(x: np.ndarray) -> np.ndarray:
    """Periodic forward differences along every axis: shape (ndim, *x.shape)."""
    g = np.empty((x.ndim, *x.shape), x.dtype)
    for axis in range(x.ndim):
        g[axis] = np.roll(x, -1, axis)
        g[axis] -= x
    return g


def _grad_adjoint(g: np.ndarray) -> np.ndarray:
    out = np.zeros(g.shape[1:], g.dtype)
    for axis in range(g.shape[0]):
        out += np.roll(g[axis], 1, axis)
        out -= g[axis]
    return out


def _laplacian(x: np.ndarray) -> np.ndarray:
    """∇ᴴ∇ x, periodic: the sum over axes of 2x minus both neighbours."""
    out = (2.0 * x.ndim) * x
    for axis in range(x.ndim):
        out -= np.roll(x, 1, axis)
        out -= np.roll(x, -1, axis)
    return out


class SenseADMMTV:
    """ADMM iterations for multi-coil total variation (``update()``/``done()``, like the
    other solvers of :mod:`vetmri.recon.algorithms`).

    Parameters
    ----------
    y : ndarray of shape (coils, *spatial), complex
        Measured k-space, zero where not sampled.
    mask : ndarray broadcastable to ``spatial``, 0/1
        Sampled k-space points.
    maps : ndarray of shape (coils, *spatial)
        Coil sensitivities, unit norm over coils.
    lam : float
        Weight of the total variation.
    rho : float
        ADMM penalty.
    iterations : int
        Outer iterations.
    inner : int
        Conjugate-gradient steps per iteration.
    alpha : float
        Over-relaxation (1 is plain ADMM; 1.5-1.8 usually converges faster); not used with
        ``accelerate``.
    accelerate : bool
        Nesterov extrapolation of the split variable and the dual, with restart.
    reweight_at : int
        The iteration at which the weight becomes a map of the image so far (0: never).
    reweight_edge : float
        The gradient magnitude at which a pixel's weight is halved (same units as the image).
    """

    #: A restart when the combined residual does not fall below this fraction of the last.
    RESTART_ETA = 0.999

    def __init__(self, y: np.ndarray, mask: np.ndarray, maps: np.ndarray, lam: float, *, rho: float,
                 iterations: int = 30, inner: int = 2, alpha: float = 1.0, accelerate: bool = False,
                 reweight_at: int = 0, reweight_edge: float = 1.0) -> None:
        spatial = maps.shape[1:]
        self.axes = tuple(range(-len(spatial), 0))
        # the iterations run on the ifftshifted image and k-space (periodic total variation
        # and pointwise coil maps do not change under a circular shift): plain unitary FFTs
        shift = lambda a: np.fft.ifftshift(a, axes=self.axes)  # noqa: E731
        self.maps = shift(maps.astype(np.complex64))
        self.maps_conj = self.maps.conj()
        self.mask = shift(np.broadcast_to(np.asarray(mask, np.float32), spatial)).astype(np.float32)
        # a readout is always sampled whole: Fᴴ M F then needs no FFT along it
        readout_whole = bool(np.all(self.mask == self.mask[..., :1]))
        self.data_axes = self.axes[:-1] if readout_whole and len(self.axes) > 1 else self.axes
        self.lam, self.rho = float(lam), float(rho)
        #: the weight of each pixel's gradient: λ, or λ times the map once reweighted
        self.weight: float | np.ndarray = self.lam
        self.reweight_at, self.reweight_edge = int(reweight_at), float(reweight_edge)
        self.iterations, self.inner, self.iteration = iterations, inner, 0
        self.alpha = float(alpha)
        d2 = np.zeros(spatial)
        for axis, n in enumerate(spatial):
            shape = [1] * len(spatial)
            shape[axis] = n
            d2 = d2 + (4 * np.sin(np.pi * np.fft.fftfreq(n)) ** 2).reshape(shape)
        # the gradient has no weight at k = 0: where that line was not sampled (a slice cut short
        # before its centre) the preconditioner stays finite
        self.preconditioner = (1.0 / np.maximum(self.mask + self.rho * d2, 1e-3)).astype(np.float32)
        self.aty = (self.maps_conj * self._ifft(self.mask * shift(y.astype(np.complex64)))).sum(axis=0)
        self._x = self.aty.copy()
        self._normal_x = self._normal(self._x)
        self.z = _grad(self._x)
        self.u = np.zeros_like(self.z)
        self.accelerate = accelerate
        # extrapolated split variable and dual (the plain ones without acceleration)
        self._z_hat, self._u_hat = self.z, self.u
        self._momentum, self._residual = 1.0, np.inf

    @property
    def x(self) -> np.ndarray:
        """The current image (centred)."""
        return np.fft.fftshift(self._x, axes=self.axes)

    def _fft(self, a: np.ndarray) -> np.ndarray:
        return np.fft.fftn(a, axes=self.axes, norm="ortho")

    def _ifft(self, a: np.ndarray) -> np.ndarray:
        return np.fft.ifftn(a, axes=self.axes, norm="ortho")

    def _normal(self, x: np.ndarray) -> np.ndarray:
        coil_k = np.fft.fftn(self.maps * x, axes=self.data_axes, norm="ortho")
        coil_k *= self.mask
        coil_x = np.fft.ifftn(coil_k, axes=self.data_axes, norm="ortho")
        coil_x *= self.maps_conj
        data = coil_x.sum(axis=0)
        data += self.rho * _laplacian(x)
        return data

    def _precondition(self, r: np.ndarray) -> np.ndarray:
        return self._ifft(self.preconditioner * self._fft(r))

    def _reweight(self) -> None:
        """The weight as a map of the current image's edges; the ADMM restarts from it."""
        magnitude = np.sqrt(np.sum(np.abs(_grad(self._x)) ** 2, axis=0))
        w = 1.0 / (1.0 + magnitude / max(self.reweight_edge, 1e-30))
        self.weight = (self.lam * w / w.mean()).astype(np.float32)
        self.z = _grad(self._x)
        self.u = np.zeros_like(self.z)
        self._z_hat, self._u_hat = self.z, self.u
        self._momentum, self._residual = 1.0, np.inf

    def update(self) -> None:
        if self.reweight_at and self.iteration == self.reweight_at:
            self._reweight()
        x, normal_x = self._x, self._normal_x
        z_hat, u_hat = self._z_hat, self._u_hat
        rhs = self.aty + self.rho * _grad_adjoint(z_hat - u_hat)
        r = rhs - normal_x
        p = self._precondition(r)
        rs = np.vdot(r, p)
        for step_index in range(self.inner):
            ap = self._normal(p)
            curvature = np.vdot(p, ap)
            if abs(curvature) == 0:
                break
            step = rs / curvature
            x = x + step * p
            normal_x = normal_x + step * ap
            if step_index == self.inner - 1:
                break  # the next direction would not be used
            r = r - step * ap
            s = self._precondition(r)
            rs_new = np.vdot(r, s)
            p = s + (rs_new / rs) * p
            rs = rs_new
        self._x = x.astype(np.complex64, copy=False)
        self._normal_x = normal_x.astype(np.complex64, copy=False)
        # the shrinkage, in place on complex64 arrays (a NumPy float64 scalar would make them
        # complex128: the scalars are Python floats)
        v = _grad(self._x)
        if not self.accelerate:
            v *= self.alpha
            v += (1.0 - self.alpha) * z_hat
        v += u_hat
        norm = np.sqrt(np.sum(v.real**2 + v.imag**2, axis=0))
        shrink = 1.0 - (self.weight / self.rho) / np.maximum(norm, np.float32(1e-30))
        np.maximum(shrink, 0.0, out=shrink)
        z = v * shrink
        u = v
        u -= z
        if self.accelerate:
            du, dz = u - u_hat, z - z_hat
            residual = float(np.vdot(du, du).real + np.vdot(dz, dz).real)
            if residual < self.RESTART_ETA * self._residual:
                momentum = (1 + math.sqrt(1 + 4 * self._momentum**2)) / 2
                w = float((self._momentum - 1) / momentum)
                self._z_hat = z - self.z
                self._z_hat *= w
                self._z_hat += z
                self._u_hat = u - self.u
                self._u_hat *= w
                self._u_hat += u
                self._momentum, self._residual = momentum, residual
            else:  # restart from the last iterate without momentum
                self._z_hat, self._u_hat = self.z, self.u
                self._momentum, self._residual = 1.0, self._residual / self.RESTART_ETA
        else:
            self._z_hat, self._u_hat = z, u
        self.z, self.u = z, u
        self.iteration += 1

    def done(self) -> bool:
        return self.iteration >= self.iterations
