"""Measurements on one image: distance between two points and region statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.viewing.slices import ViewSlice

__all__ = ["RoiStatistics", "distance_mm", "roi_statistics"]


def distance_mm(image: ViewSlice, start: tuple[float, float], end: tuple[float, float]) -> float:
    """Distance in millimetres between image points ``start`` and ``end`` (row, col)."""
    return float(np.linalg.norm(image.point_mm(*end) - image.point_mm(*start)))


@dataclass(frozen=True)
class RoiStatistics:
    """Signal in a region of interest.

    Attributes
    ----------
    mean, sd : float
        Mean and standard deviation (ddof 1) of the pixel values.
    pixels : int
        Pixels inside.
    area_mm2 : float
    """

    mean: float
    sd: float
    pixels: int
    area_mm2: float


def roi_statistics(image: ViewSlice, corner: tuple[float, float], opposite: tuple[float, float]) -> RoiStatistics:
    """Mean and SD inside the ellipse inscribed in the rectangle of two corners (row, col).

    Raises
    ------
    ValueError
        The region holds no pixel of the image.
    """
    (r0, r1), (c0, c1) = sorted((corner[0], opposite[0])), sorted((corner[1], opposite[1]))
    rows, cols = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    centre_r, centre_c = (r0 + r1) / 2, (c0 + c1) / 2
    half_r, half_c = max((r1 - r0) / 2, 0.5), max((c1 - c0) / 2, 0.5)
    inside = ((rows - centre_r) / half_r) ** 2 + ((cols - centre_c) / half_c) ** 2 <= 1.0
    values = image.pixels[inside]
    if values.size == 0:
        raise ValueError("the region holds no pixel of the image")
    return RoiStatistics(mean=float(values.mean()), sd=float(values.std(ddof=1)) if values.size > 1 else 0.0,
                         pixels=int(values.size),
                         area_mm2=float(values.size * image.pixel_spacing_mm[0] * image.pixel_spacing_mm[1]))
