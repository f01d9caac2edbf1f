"""Intensity correction for the shading of receive-coil arrays.

Surface and array coils see tissue near them brighter. With no body-coil reference scan,
the shading is estimated from the image itself (homomorphic correction): a wide Gaussian
low-pass of the image inside the object, divided by the low-pass of the object mask, is
the smooth bias; the image is divided by it. The width (a quarter of the field of view) is
far wider than anatomy, so tissue contrast stays. Because the bias is that smooth, the
low-pass runs on 8 x 8-pixel tile means and is interpolated back (a Gaussian of a quarter
of the image on the full grid cost 30 times more).
"""

from __future__ import annotations

import numpy as np

__all__ = ["object_mask", "shading_correction"]

#: Side of the tiles on which the shading is estimated, pixels.
TILE = 8


def object_mask(magnitude: np.ndarray) -> np.ndarray:
    """Pixels of the object: Otsu threshold of the smoothed magnitude; bool, same shape."""
    from skimage.filters import gaussian, threshold_otsu

    smooth = gaussian(magnitude, sigma=2)
    if np.ptp(smooth) == 0:
        return np.ones(magnitude.shape, bool)
    return smooth > threshold_otsu(smooth)


def shading_correction(image: np.ndarray, *, width_fraction: float = 0.25) -> np.ndarray:
    """Divide a (complex or magnitude) 2D image by its estimated coil shading.

    Parameters
    ----------
    image : ndarray of shape (ny, nx)
    width_fraction : float
        Standard deviation of the low-pass filter as a fraction of the image size.

    Returns
    -------
    ndarray of shape (ny, nx), same dtype kind as ``image``
        Mean intensity inside the object is kept.
    """
    from skimage.filters import gaussian

    from vetmri.recon.coils import tile_interpolation_matrix

    magnitude = np.abs(image)
    mask = object_mask(magnitude)
    if mask.sum() < 16:
        return image
    block = TILE
    ny, nx = image.shape
    ty, tx = -(-ny // block), -(-nx // block)
    stack = np.zeros((2, ty * block, tx * block), np.float32)
    stack[0, :ny, :nx] = magnitude * mask
    stack[1, :ny, :nx] = mask
    tiles = stack.reshape(2, ty, block, tx, block).mean(axis=(2, 4))
    sigma = width_fraction * min(image.shape) / block
    tiles = np.stack([gaussian(t, sigma=sigma, mode="constant") for t in tiles]).astype(np.float32)
    num, den = tile_interpolation_matrix(ny, ty, block) @ tiles @ tile_interpolation_matrix(nx, tx, block).T
    with np.errstate(invalid="ignore", divide="ignore"):
        bias = np.where(den > 1e-3, num / den, 0)
    bias_in = bias[mask]
    bias = np.where(bias > 0, bias, bias_in.mean()) / bias_in.mean()
    return (image / np.maximum(bias, 0.05)).astype(image.dtype)
