"""Reconstruction: raw MRD data to images (Cartesian, partial Fourier, coil combination,
compressed sensing, denoising) and QA metrics.

Entry points: :func:`reconstruct_series` (a group of a raw file), :func:`reconstruct_raw`
(a :class:`vetmri.rawdata.RawSeries` in memory), :class:`StreamingReconstructor` (images
while the scan runs). Results: :class:`SeriesImages` of :class:`ImageVolume` with one
:class:`SliceGeometry` per slice.
"""

from vetmri.recon.geometry import SliceGeometry
from vetmri.recon.images import ImageVolume, SeriesImages
from vetmri.recon.pipeline import ReconOptions, reconstruct_raw, reconstruct_series

__all__ = [
    "ImageVolume",
    "ReconOptions",
    "SeriesImages",
    "SliceGeometry",
    "reconstruct_raw",
    "reconstruct_series",
]
