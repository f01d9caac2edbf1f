"""Linear operators of the reconstruction, with adjoints (``op.H``) and composition
(``a * b`` applies b first), in the manner of sigpy's ``Linop``.

The MRI forward model of a Cartesian scan is ``Sample * FFT * Coils``: coil sensitivities,
the centred unitary FFT, and keeping the sampled k-space lines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vetmri.recon.fft import fftc, ifftc

__all__ = ["Coils", "Compose", "FFT", "FiniteDifference", "Identity", "Linop", "Sample", "sense_operator"]


class Linop:
    """A linear map from arrays of ``ishape`` to arrays of ``oshape``."""

    def __init__(self, ishape: Sequence[int], oshape: Sequence[int]) -> None:
        self.ishape = tuple(ishape)
        self.oshape = tuple(oshape)

    def apply(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.apply(x)

    @property
    def H(self) -> Linop:
        return _Adjoint(self)

    def __mul__(self, other: Linop) -> Linop:
        return Compose(self, other)

    def norm(self, iterations: int = 30, seed: int = 0) -> float:
        """Operator norm (largest singular value) by power iteration."""
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(self.ishape) + 1j * rng.standard_normal(self.ishape)
        value = 0.0
        for _ in range(iterations):
            x = self.adjoint(self.apply(x))
            value = float(np.linalg.norm(x))
            x = x / value
        return float(np.sqrt(value))


class _Adjoint(Linop):
    def __init__(self, op: Linop) -> None:
        super().__init__(op.oshape, op.ishape)
        self.op = op

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.op.adjoint(x)

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return self.op.apply(y)


class Compose(Linop):
    """``outer(inner(x))``."""

    def __init__(self, outer: Linop, inner: Linop) -> None:
        if outer.ishape != inner.oshape:
            raise ValueError(f"cannot compose: {outer.ishape} != {inner.oshape}")
        super().__init__(inner.ishape, outer.oshape)
        self.outer, self.inner = outer, inner

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.outer.apply(self.inner.apply(x))

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return self.inner.adjoint(self.outer.adjoint(y))


class Identity(Linop):
    def __init__(self, shape: Sequence[int]) -> None:
        super().__init__(shape, shape)

    def apply(self, x: np.ndarray) -> np.ndarray:
        return x

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return y


class FFT(Linop):
    """Centred unitary FFT over the last ``ndim`` axes."""

    def __init__(self, shape: Sequence[int], ndim: int = 2) -> None:
        super().__init__(shape, shape)
        self.axes = tuple(range(-ndim, 0))

    def apply(self, x: np.ndarray) -> np.ndarray:
        return fftc(x, self.axes)

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return ifftc(y, self.axes)


class Sample(Linop):
    """Multiply by a 0/1 sampling mask (broadcast over leading axes)."""

    def __init__(self, shape: Sequence[int], mask: np.ndarray) -> None:
        super().__init__(shape, shape)
        self.mask = np.broadcast_to(mask, shape).astype(np.float32)

    def apply(self, x: np.ndarray) -> np.ndarray:
        return x * self.mask

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return y * self.mask


class Coils(Linop):
    """Image (spatial shape) -> coil images (coils, spatial shape) by sensitivity maps."""

    def __init__(self, maps: np.ndarray) -> None:
        super().__init__(maps.shape[1:], maps.shape)
        self.maps = maps

    def apply(self, x: np.ndarray) -> np.ndarray:
        return self.maps * x[None]

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        return np.sum(self.maps.conj() * y, axis=0)


class FiniteDifference(Linop):
    """Forward differences along each spatial axis (zero at the far edge):
    shape -> (ndim, *shape). Its adjoint is minus the divergence."""

    def __init__(self, shape: Sequence[int]) -> None:
        shape = tuple(shape)
        super().__init__(shape, (len(shape), *shape))

    def apply(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros(self.oshape, dtype=np.result_type(x, np.complex64))
        for axis in range(x.ndim):
            d = np.diff(x, axis=axis)
            index = [slice(None)] * x.ndim
            index[axis] = slice(0, -1)
            out[(axis, *index)] = d
        return out

    def adjoint(self, y: np.ndarray) -> np.ndarray:
        out = np.zeros(self.ishape, dtype=np.result_type(y, np.complex64))
        for axis in range(len(self.ishape)):
            g = y[axis]
            index_lo = [slice(None)] * g.ndim
            index_hi = [slice(None)] * g.ndim
            index_lo[axis] = slice(0, -1)
            index_hi[axis] = slice(1, None)
            # adjoint of forward difference: -(g[i] - g[i-1]) with g[-1] = 0, g[n-1] = 0
            out[tuple(index_lo)] -= g[tuple(index_lo)]
            out[tuple(index_hi)] += g[tuple(index_lo)]
        return out


def sense_operator(mask: np.ndarray, maps: np.ndarray, ndim: int = 2) -> Linop:
    """The Cartesian SENSE forward model ``Sample * FFT * Coils``.

    Parameters
    ----------
    mask : ndarray broadcastable to the spatial shape, 0/1
        Sampled k-space points.
    maps : ndarray of shape (coils, *spatial)
        Coil sensitivities.
    """
    coils = Coils(maps)
    return Sample(maps.shape, mask) * FFT(maps.shape, ndim) * coils
