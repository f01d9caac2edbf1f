"""Centred, unitary FFTs: k = 0 at index N // 2 in k-space, x = 0 at index N // 2 in the image.

``fftc(x) == fftshift(fft(ifftshift(x), norm="ortho"))`` (the convention of BART's
``fft -u``). Being unitary, they leave white noise at the same standard deviation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["fftc", "ifftc"]


def fftc(x: np.ndarray, axes: Sequence[int] = (-2, -1)) -> np.ndarray:
    """Centred unitary forward FFT over ``axes`` (image -> k-space)."""
    axes = tuple(axes)
    return np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(x, axes=axes), axes=axes, norm="ortho"), axes=axes)


def ifftc(k: np.ndarray, axes: Sequence[int] = (-2, -1)) -> np.ndarray:
    """Centred unitary inverse FFT over ``axes`` (k-space -> image)."""
    axes = tuple(axes)
    return np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(k, axes=axes), axes=axes, norm="ortho"), axes=axes)
