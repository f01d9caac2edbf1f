"""An image as grey samples for the screen: resampled, then windowed (numpy only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.viewing.slices import ViewSlice
from vetmri.viewing.viewport import SampleGrid, Viewport, resample, sample_grid
from vetmri.viewing.window import WindowLevel, apply_window

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
    """Resample ``image`` onto ``out_shape`` samples (right physical aspect), then window it.

    Resampling comes first: the window is applied to the few thousand samples shown,
    not to the whole image.
    """
    grid = sample_grid(image.shape, image.pixel_spacing_mm, out_shape, viewport, sample_aspect=sample_aspect)
    values = resample(image.pixels, grid, fill=np.nan)
    inside = ~np.isnan(values)
    grey = apply_window(np.where(inside, values, window.low), window)
    grey[~inside] = 0
    return GreySamples(grey=grey, grid=grid, inside=inside)
