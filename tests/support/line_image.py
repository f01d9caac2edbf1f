"""The image of a simulated 2D Cartesian series by a plain inverse FFT, for tests."""

from __future__ import annotations

import numpy as np


def line_image(result, n: int, channel: int = 0) -> np.ndarray:
    """Complex (n, n) image of a simulation result: imaging readouts placed by their LIN
    counter (repeated lines averaged), centred inverse FFT."""
    k = np.zeros((n, n), complex)
    count = np.zeros(n)
    for a in result.acquisitions:
        if "NOISE" in a.flags:
            continue
        k[a.counters["LIN"]] += a.samples[channel]
        count[a.counters["LIN"]] += 1
    k /= np.maximum(count, 1)[:, None]
    return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k), norm="ortho"))
