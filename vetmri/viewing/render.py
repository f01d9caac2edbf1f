"""An image as grey samples for the screen: resampled, then windowed (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.viewing.slices import ViewSlice
from vetmri.viewing.viewport import SampleGrid, Viewport, resample, sample_grid
from vetmri.viewing.window import WindowLevel

__all__ = ["GreySamples", "grey_samples"]


@dataclass(frozen=True, eq=False)
class GreySamples:
    """Grey levels to draw and where they come from in the image.

    Attributes
    ----------
    grey : ndarray of shape (rows, cols), uint8
    grid : SampleGrid
        Maps samples back to image pixels (for the cursor and measurements).
    inside : ndarray of shape (rows, cols), bool
        Samples that fall on the image (the rest is background).
    """

    grey: np.ndarray
    grid: SampleGrid
    inside: np.ndarray


def grey_samples(image: ViewSlice, window: WindowLevel, out_shape: tuple[int, int], viewport: Viewport = Viewport(),
                 *, sample_aspect: float = 1.0) -> GreySamples:
    """Window ``image``, then resample it onto ``out_shape`` samples (right physical aspect).

    The window is applied at the image's own size (clipped to black..white), so the
    resampling, whose cost grows with the screen, handles grey levels only.
    """
    grid = sample_grid(image.shape, image.pixel_spacing_mm, out_shape, viewport, sample_aspect=sample_aspect)
    scaled = np.asarray(image.pixels, dtype=np.float32) - np.float32(window.low)
    scaled *= np.float32(255.0 / window.width)
    np.clip(scaled, 0, 255, out=scaled)
    values = resample(scaled, grid, fill=0.0)
    values += np.float32(0.5)
    return GreySamples(grey=values.astype(np.uint8), grid=grid, inside=grid.inside(image.shape))
