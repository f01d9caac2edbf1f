"""Iterative algorithms, each an object with ``update()`` and ``done()`` (as in sigpy), and
a progress callback in :func:`run`.

- :class:`PrimalDualTV`: Chambolle-Pock primal-dual hybrid gradient for
  min_x ½‖A x − y‖² + λ ‖∇x‖_1 (isotropic total variation). With a single coil on a Cartesian
  grid the data term's proximal map is exact in k-space (``exact_data_prox``).
- :class:`FISTA`: accelerated proximal gradient for min_x ½‖A x − y‖² + g(x), with the
  proximal map of g given (e.g. wavelet soft thresholding).

References: Chambolle and Pock, J Math Imaging Vis 2011; Beck and Teboulle, SIAM J Imaging
Sci 2009.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vetmri.recon.fft import fftc, ifftc
from vetmri.recon.operators import FiniteDifference, Linop

__all__ = ["FISTA", "PrimalDualTV", "SplitBregmanTV", "run"]


class PrimalDualTV:
    """Chambolle-Pock iterations for ½‖A x − y‖² + λ TV(x).

    Parameters
    ----------
    A : Linop or None
        Forward model (None with ``exact_data_prox``).
    y : ndarray
        Measured data (zero where not sampled when ``exact_data_prox``).
    lam : float
        Weight of the total variation.
    x0 : ndarray
        Start image (e.g. the zero-filled reconstruction).
    exact_data_prox : ndarray or None
        Sampling mask of a single-coil Cartesian scan with ``ndim`` transformed axes: the
        data term's proximal map is then solved exactly in k-space.
    iterations : int
    """

    def __init__(self, A: Linop | None, y: np.ndarray, lam: float, x0: np.ndarray, *, exact_data_prox: np.ndarray | None = None, ndim: int = 2, iterations: int = 100) -> None:
        self.A, self.y, self.lam = A, y, lam
        self.mask = exact_data_prox
        self.axes = tuple(range(-ndim, 0))
        self.D = FiniteDifference(x0.shape)
        self.x = x0.astype(np.complex64)
        self.x_bar = self.x.copy()
        self.q = np.zeros(self.D.oshape, np.complex64)
        grad_norm2 = 4.0 * x0.ndim
        if self.mask is None:
            self.p = np.zeros(A.oshape, np.complex64)  # type: ignore[union-attr]
            total = grad_norm2 + 1.0
            self.tau = self.sigma = 0.99 / np.sqrt(total)
        else:
            # balanced steps for K = ∇ only (‖∇‖² <= 4 ndim)
            self.tau = self.sigma = 0.99 / np.sqrt(grad_norm2)
            self.y_k = self.y
        self.iterations = iterations
        self.iteration = 0

    def update(self) -> None:
        grad = self.D.apply(self.x_bar)
        q = self.q + self.sigma * grad
        norm = np.sqrt(np.sum(np.abs(q) ** 2, axis=0))
        q /= np.maximum(1.0, norm / self.lam)[None]
        self.q = q.astype(np.complex64)
        v = self.x - self.tau * self.D.adjoint(self.q)
        if self.mask is None:
            self.p = ((self.p + self.sigma * (self.A.apply(self.x_bar) - self.y)) / (1 + self.sigma)).astype(np.complex64)  # type: ignore[union-attr]
            x_new = v - self.tau * self.A.adjoint(self.p)  # type: ignore[union-attr]
        else:
            k = fftc(v, self.axes)
            k = (k + self.tau * self.mask * self.y_k) / (1 + self.tau * self.mask)
            x_new = ifftc(k, self.axes)
        x_new = x_new.astype(np.complex64)
        self.x_bar = 2 * x_new - self.x
        self.x = x_new
        self.iteration += 1

    def done(self) -> bool:
        return self.iteration >= self.iterations


class SplitBregmanTV:
    """ADMM (split Bregman, Goldstein and Osher 2009) for ½‖M F x − y‖² + λ ‖∇x‖_1 with a
    single coil on a Cartesian grid and periodic differences: both M and ∇ᴴ∇ are diagonal
    in k-space, so the x-update is exact and elementwise, and few iterations suffice.

    Parameters
    ----------
    y : ndarray of shape ([nz,] ny, nx)
        Measured k-space (zero where not sampled).
    mask : ndarray broadcastable to ``y``, 0/1
    lam : float
    rho : float
        ADMM penalty.
    iterations : int
    """

    def __init__(self, y: np.ndarray, mask: np.ndarray, lam: float, *, rho: float, iterations: int = 30) -> None:
        self.ndim = y.ndim
        self.axes = tuple(range(-self.ndim, 0))
        self.mask = np.broadcast_to(mask, y.shape).astype(np.float32)
        self.my = (self.mask * y).astype(np.complex64)
        lap = np.zeros(y.shape)
        for axis, n in enumerate(y.shape):
            freq = (np.arange(n) - n // 2) / n
            shape = [1] * self.ndim
            shape[axis] = n
            lap = lap + (2 - 2 * np.cos(2 * np.pi * freq)).reshape(shape)
        self.lam, self.rho = lam, rho
        self.denominator = (self.mask + rho * lap).astype(np.float32)
        self.denominator[self.denominator == 0] = 1.0
        self.x = ifftc(self.my, self.axes).astype(np.complex64)
        self.z = self._grad(self.x)
        self.u = np.zeros_like(self.z)
        self.iterations = iterations
        self.iteration = 0

    @staticmethod
    def _grad(x: np.ndarray) -> np.ndarray:
        return np.stack([np.roll(x, -1, axis=a) - x for a in range(x.ndim)])

    @staticmethod
    def _grad_adjoint(g: np.ndarray) -> np.ndarray:
        return sum(np.roll(g[a], 1, axis=a) - g[a] for a in range(g.shape[0]))

    def update(self) -> None:
        rhs = self.my + self.rho * fftc(self._grad_adjoint(self.z - self.u), self.axes)
        self.x = ifftc(rhs / self.denominator, self.axes).astype(np.complex64)
        gx = self._grad(self.x)
        v = gx + self.u
        norm = np.sqrt(np.sum(np.abs(v) ** 2, axis=0))
        shrink = np.maximum(1 - (self.lam / self.rho) / np.maximum(norm, 1e-12), 0)
        self.z = (v * shrink[None]).astype(np.complex64)
        self.u = (v - self.z).astype(np.complex64)
        self.iteration += 1

    def done(self) -> bool:
        return self.iteration >= self.iterations


class FISTA:
    """Accelerated proximal gradient for ½‖A x − y‖² + g(x) with ‖A‖ <= 1.

    Parameters
    ----------
    A : Linop
    y : ndarray
    prox : callable (x, step) -> ndarray
        Proximal map of step * g.
    x0 : ndarray
    iterations : int
    """

    def __init__(self, A: Linop, y: np.ndarray, prox: Callable[[np.ndarray, float], np.ndarray], x0: np.ndarray, *, iterations: int = 30) -> None:
        self.A, self.y, self.prox = A, y, prox
        self.x = x0.astype(np.complex64)
        self.z = self.x.copy()
        self.t = 1.0
        self.iterations = iterations
        self.iteration = 0

    def update(self) -> None:
        gradient = self.A.adjoint(self.A.apply(self.z) - self.y)
        x_new = self.prox(self.z - gradient, 1.0).astype(np.complex64)
        t_new = (1 + np.sqrt(1 + 4 * self.t**2)) / 2
        self.z = x_new + ((self.t - 1) / t_new) * (x_new - self.x)
        self.x, self.t = x_new, t_new
        self.iteration += 1

    def done(self) -> bool:
        return self.iteration >= self.iterations


def run(algorithm: PrimalDualTV | SplitBregmanTV | FISTA, on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Iterate until done; report (iteration, total) after each update."""
    while not algorithm.done():
        algorithm.update()
        if on_progress is not None:
            on_progress(algorithm.iteration, algorithm.iterations)
    return algorithm.x
