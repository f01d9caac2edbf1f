"""Intensity correction for the shading of receive-coil arrays.

Surface and array coils see tissue near them brighter. With no body-coil reference scan,
the shading is estimated from the image itself (homomorphic correction): a wide Gaussian
low-pass of the image inside the object, divided by the low-pass of the object mask, is
the smooth bias; the image is divided by it. The width (a quarter of the field of view) is
far wider than anatomy, so tissue contrast stays. Because the bias is that smooth, the
low-pass runs on 8 x 8-pixel tile means and is interpolated back (a Gaussian of a quarter
of the image on the full grid cost 30 times more). The small Gaussian filters and the Otsu
threshold are plain numpy (the definitions of scikit-image's ``gaussian`` and
``threshold_otsu``): importing ``skimage.filters`` pulls in ``scipy.ndimage`` and costs
0.3 s, a third of a whole ``vetmri recon`` process.
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaussian", "object_mask", "shading_correction", "threshold_otsu"]

#: Side of the tiles on which the shading is estimated, pixels.
TILE = 8


def gaussian(image: np.ndarray, sigma: float, *, mode: str = "nearest") -> np.ndarray:
    """Separable Gaussian filter of a 2D array (kernel to 4 sigma, as scipy/scikit-image).

    Parameters
    ----------
    mode : "nearest" or "constant"
        Edge handling (repeat the edge value, or zeros).
    """
    out = np.asarray(image, dtype=np.float64)
    radius = int(4.0 * sigma + 0.5)
    if sigma <= 0 or radius < 1:
        return out
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    kernel /= kernel.sum()
    pad_mode = "edge" if mode == "nearest" else "constant"
    for axis in range(out.ndim):
        widths = [(0, 0)] * out.ndim
        widths[axis] = (radius, radius)
        padded = np.pad(out, widths, mode=pad_mode)
        windows = np.lib.stride_tricks.sliding_window_view(padded, len(kernel), axis=axis)
        out = windows @ kernel
    return out


def threshold_otsu(values: np.ndarray, nbins: int = 256) -> float:
    """Otsu's threshold of ``values`` on a histogram of ``nbins`` bins over their range."""
    values = np.asarray(values, dtype=np.float64).ravel()
    low, high = float(values.min()), float(values.max())
    if low == high:
        return low
    counts, edges = np.histogram(values, bins=nbins, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2
    weight1 = np.cumsum(counts)
    weight2 = np.cumsum(counts[::-1])[::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean1 = np.cumsum(counts * centres) / weight1
        mean2 = (np.cumsum((counts * centres)[::-1]) / weight2[::-1])[::-1]
    variance = weight1[:-1] * weight2[1:] * (mean1[:-1] - mean2[1:]) ** 2
    return float(centres[int(np.nanargmax(variance))])


def object_mask(magnitude: np.ndarray) -> np.ndarray:
    """Pixels of the object: Otsu threshold of the smoothed magnitude; bool, same shape."""
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
    if not np.isfinite(bias_in).all() or bias_in.mean() <= 0:  # an empty image (a slice cut short): nothing to even out
        return image
    bias = np.where(bias > 0, bias, bias_in.mean()) / bias_in.mean()
    return (image / np.maximum(bias, 0.05)).astype(image.dtype)
