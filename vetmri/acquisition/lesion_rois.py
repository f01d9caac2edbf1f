"""Regions of a lesion and of its own background tissue in one reconstructed slice, from
the phantom's ground truth (what the lesion CNRs of :mod:`~vetmri.acquisition.quality_run`
are measured in).

Each pixel's voxel (its pixel footprint times the slice thickness) is sampled on a fine
grid (4 x 4 points in plane, 8 through the slice) and labelled with the phantom, lesions
and texture included:

- the **lesion fraction** of a pixel is the share of its voxel inside the lesion shape:
  below 1 for every lesion smaller than the slice thickness (partial volume through the
  slice) or than a pixel;
- the **lesion region** is the pixels holding at least half of the largest lesion fraction
  (the lesion's core, as a reader would outline it);
- the **background** is the pixels within ``reach_m`` of the lesion's edge whose voxel is
  entirely the lesion's host tissue (the tissue that fills the lesion's place in the
  phantom without lesions): no CSF cleft, other lesion or pattern of another tissue, and
  not the lesion's own edge, enters the background;
- the **noise region** is the same for a wider reach (``noise_reach_m``): the std of the
  image's error is estimated there, from enough pixels (a few hundred) that its own
  sampling error stays at a few per cent.

Only slices whose plane is spanned by two scanner axes (transverse, sagittal, dorsal) are
supported: the sampling grid is then rectilinear in the scanner frame.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from vetmri.simulation.rasterise import tissue_labels
from vetmri.simulation.shapes import shape_contains

__all__ = ["LesionRegions", "lesion_regions", "pixel_positions"]

_IN_PLANE = 4
_THROUGH = 8


@dataclass(frozen=True)
class LesionRegions:
    """Masks (rows, cols) of one lesion in a slice and what fills them.

    Attributes
    ----------
    lesion, background, noise : ndarray of bool
    fraction : ndarray of float
        Share of each pixel's voxel inside the lesion.
    host : str
        Name of the lesion's host tissue.
    """

    lesion: np.ndarray
    background: np.ndarray
    noise: np.ndarray
    fraction: np.ndarray
    host: str

    @property
    def mean_fraction(self) -> float:
        """Mean lesion fraction over the lesion region (the partial volume of its contrast)."""
        return float(self.fraction[self.lesion].mean()) if self.lesion.any() else 0.0


def pixel_positions(geometry, shape) -> np.ndarray:
    """Scanner positions (rows, cols, 3) of the pixel centres of an image (DICOM convention:
    the row direction runs along a row, i.e. with the column index)."""
    rows, cols = shape
    dr, dc = geometry.pixel_spacing_m
    r = np.arange(rows)[:, None, None] * dr * np.asarray(geometry.column_direction)
    c = np.arange(cols)[None, :, None] * dc * np.asarray(geometry.row_direction)
    return np.asarray(geometry.position_m) + r + c


def _axis_of(direction) -> int:
    d = np.abs(np.asarray(direction, dtype=float))
    axis = int(np.argmax(d))
    if d[axis] < 1 - 1e-6:
        raise ValueError("lesion regions need a slice spanned by two scanner axes (not an oblique slice)")
    return axis


def lesion_regions(lesion, phantom, geometry, shape, *, reach_m: float = 3e-3,
                   noise_reach_m: float = 8e-3) -> LesionRegions | None:
    """The lesion's region and its host-tissue background in one slice, or None when the
    lesion does not reach into the slice (its centre is farther than half the slice
    thickness plus its radius from the slice plane)."""
    centre = np.asarray(geometry.center_m, dtype=float)
    normal = np.asarray(geometry.normal, dtype=float)
    radius = float(lesion.semi_axes_m.max())
    thickness = float(geometry.slice_thickness_m)
    if abs(float(np.dot(lesion.centre_m - centre, normal))) >= thickness / 2 + radius:
        return None
    positions = pixel_positions(geometry, shape)
    row_axis, col_axis, normal_axis = (_axis_of(geometry.column_direction), _axis_of(geometry.row_direction),
                                       _axis_of(normal))
    dr, dc = geometry.pixel_spacing_m
    offset = positions - lesion.centre_m
    in_plane = np.linalg.norm(offset - np.einsum("rci,i->rc", offset, normal)[..., None] * normal, axis=-1)
    near = in_plane <= radius + max(reach_m, noise_reach_m) + max(dr, dc)
    rows = np.flatnonzero(near.any(axis=1))
    cols = np.flatnonzero(near.any(axis=0))
    if len(rows) == 0 or len(cols) == 0:
        return None
    rs, cs = slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)
    sub = ((np.arange(_IN_PLANE) + 0.5) / _IN_PLANE - 0.5)
    through = ((np.arange(_THROUGH) + 0.5) / _THROUGH - 0.5) * thickness
    row_coord = positions[rs, 0, row_axis]
    col_coord = positions[0, cs, col_axis]
    axes: list[np.ndarray] = [np.zeros(1)] * 3
    axes[row_axis] = (row_coord[:, None] + sub[None, :] * dr).ravel()
    axes[col_axis] = (col_coord[:, None] + sub[None, :] * dc).ravel()
    axes[normal_axis] = centre[normal_axis] + through
    order = [np.argsort(a) for a in axes]
    sorted_axes = [a[o] for a, o in zip(axes, order)]

    def on_grid(values: np.ndarray) -> np.ndarray:
        """Values on the sorted scanner grid -> (rows, in, cols, in, through) in image order."""
        back = values
        for ax, o in enumerate(order):
            back = np.take(back, np.argsort(o), axis=ax)
        back = np.moveaxis(back, (row_axis, col_axis, normal_axis), (0, 1, 2))
        n_r, n_c = rs.stop - rs.start, cs.stop - cs.start
        return back.reshape(n_r, _IN_PLANE, n_c, _IN_PLANE, _THROUGH)

    grid = np.stack(np.meshgrid(*sorted_axes, indexing="ij"), axis=-1)
    inside = on_grid(shape_contains(lesion, grid))
    labels, tissues = tissue_labels(phantom, *sorted_axes)
    labels = on_grid(labels)
    others = replace(phantom, shapes=tuple(s for s in phantom.shapes if not s.lesion))
    plain_labels, plain_tissues = tissue_labels(others, *sorted_axes)
    host_codes = on_grid(plain_labels)[inside]
    if host_codes.size == 0:
        return None
    host = plain_tissues[int(np.bincount(host_codes[host_codes >= 0] if (host_codes >= 0).any() else [0]).argmax())]
    host_index = [t.name for t in tissues].index(host.name) if host.name in [t.name for t in tissues] else -2
    fraction = np.zeros(shape)
    fraction[rs, cs] = inside.mean(axis=(1, 3, 4))
    pure = np.zeros(shape, dtype=bool)
    pure[rs, cs] = (labels == host_index).all(axis=(1, 3, 4)) & ~inside.any(axis=(1, 3, 4))
    peak = float(fraction.max())
    region = fraction >= 0.5 * peak if peak > 0 else np.zeros(shape, dtype=bool)
    background = pure & (in_plane <= radius + reach_m)
    noise = pure & (in_plane <= radius + noise_reach_m)
    return LesionRegions(region, background, noise, fraction, host.name)
