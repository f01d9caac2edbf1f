"""The reconstructed QA series -> the raw QA numbers (before any limit is applied)."""

from __future__ import annotations

import numpy as np

from vetmri.qa import measures
from vetmri.qa.protocol import SLICE_ROLES, PhantomFacts

__all__ = ["ImageNumbers", "analyse_series"]


class ImageNumbers(dict):
    """``snr``, ``uniformity_percent``, ``ghosting_ratio``, ``diameters_m``,
    ``slice_thickness_m``, ``nominal_thickness_m``, ``ramp_lengths_m``."""


def _axis_coordinates(geometry, count: int, axis: str, scanner_axis: int) -> np.ndarray:
    """Scanner coordinate (metres, along ``scanner_axis``) of each row or column centre."""
    start = np.asarray(geometry.position_m, dtype=float)
    if axis == "rows":
        direction, spacing = np.asarray(geometry.column_direction, dtype=float), geometry.pixel_spacing_m[0]
    else:
        direction, spacing = np.asarray(geometry.row_direction, dtype=float), geometry.pixel_spacing_m[1]
    return start[scanner_axis] + np.arange(count) * spacing * direction[scanner_axis]


def analyse_series(images, facts: PhantomFacts, *, averages: int = 1) -> ImageNumbers:
    """Measure the three QA slices of a reconstructed series.

    Parameters
    ----------
    images : vetmri.recon.SeriesImages
        The QA series (slices in the order of :data:`~vetmri.qa.protocol.SLICE_ROLES`),
        reconstructed as clinical images are (with the coil-shading correction: the ACR asks
        for the intensity correction used clinically).
    facts : PhantomFacts
    averages : int
        Averages of the series (the noise per image is the noise per sample over their root).

    Raises
    ------
    ValueError
        The series does not hold the three QA slices, or they do not show the phantom.
    """
    volume = images.volumes[0]
    if volume.magnitude.shape[0] != len(SLICE_ROLES):
        raise ValueError(f"the QA series must hold {len(SLICE_ROLES)} slices, not {volume.magnitude.shape[0]}")
    uniform = volume.magnitude[SLICE_ROLES.index("uniform")].astype(float)
    geometry = volume.geometry[SLICE_ROLES.index("uniform")]
    spacing = geometry.pixel_spacing_m
    roi = measures.large_roi(uniform)
    sigma = images.noise_sigma / np.sqrt(averages)
    out = ImageNumbers(
        snr=measures.snr(uniform, roi, sigma),
        uniformity_percent=measures.percent_integral_uniformity(uniform, roi, spacing),
        ghosting_ratio=measures.ghosting_ratio(uniform, roi),
        diameters_m=measures.diameters_m(uniform, roi, spacing),
    )
    index = SLICE_ROLES.index("ramps")
    ramps = volume.magnitude[index].astype(float)
    g = volume.geometry[index]
    y_rows = _axis_coordinates(g, ramps.shape[0], "rows", 1)
    x_cols = _axis_coordinates(g, ramps.shape[1], "cols", 0)
    half = 0.5 * facts.ramp_length_m
    cols = np.flatnonzero(np.abs(x_cols) <= half)
    if cols.size < 8:
        raise ValueError("the ramps of the QA phantom are not in the field of view")
    columns = slice(int(cols[0]), int(cols[-1]) + 1)
    lengths = []
    for y in facts.ramp_rows_m:
        nearest = np.argsort(np.abs(y_rows - y))[:2]
        rows = slice(int(nearest.min()), int(nearest.max()) + 1)
        lengths.append(measures.ramp_length_m(ramps, rows, columns, g.pixel_spacing_m))
    out["ramp_lengths_m"] = (lengths[0], lengths[1])
    out["slice_thickness_m"] = measures.slice_thickness_from_ramps_m(lengths[0], lengths[1], facts.ramp_slope)
    out["nominal_thickness_m"] = float(g.slice_thickness_m)
    return out
