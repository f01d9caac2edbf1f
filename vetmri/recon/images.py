"""What a reconstruction returns: image volumes with their geometry and a record of the
steps applied (the DICOM writer consumes these)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from vetmri.rawdata import SeriesHeader
from vetmri.recon.geometry import SliceGeometry

__all__ = ["ImageVolume", "SeriesImages"]


@dataclass(frozen=True, eq=False)
class ImageVolume:
    """The images of one contrast and repetition of a series.

    Attributes
    ----------
    magnitude : ndarray of shape (slices, rows, cols), float32
        Rows follow phase encoding, columns the readout, in encoding order; for 3D the
        slices are partitions.
    complex_image : ndarray of shape (slices, rows, cols), complex64
        Before taking the magnitude (coil-combined, phase kept).
    geometry : tuple of SliceGeometry
        One per slice.
    spacing_between_slices_m : float
    contrast, repetition : int
    echo_time_s : float
    """

    magnitude: np.ndarray
    complex_image: np.ndarray
    geometry: tuple[SliceGeometry, ...]
    spacing_between_slices_m: float
    contrast: int = 0
    repetition: int = 0
    echo_time_s: float = 0.0


@dataclass(frozen=True, eq=False)
class SeriesImages:
    """A reconstructed series.

    Attributes
    ----------
    group : str
        The raw-file group it came from.
    header : SeriesHeader
    volumes : tuple of ImageVolume
        Contrast-major, then repetition.
    steps : tuple of str
        The processing steps applied, in order (recorded in the output metadata).
    method : str
        ``"fft"`` or ``"cs"``.
    noise_sigma : float
        Noise standard deviation per complex k-space sample after pre-whitening (the
        unit of ``complex_image``'s noise).
    details : dict
        Further numbers worth keeping (CS weight, measured drift, denoiser settings).
    """

    group: str
    header: SeriesHeader
    volumes: tuple[ImageVolume, ...]
    steps: tuple[str, ...]
    method: str
    noise_sigma: float
    details: dict[str, Any] = field(default_factory=dict)

    def volume(self, contrast: int = 0, repetition: int = 0) -> ImageVolume:
        for v in self.volumes:
            if v.contrast == contrast and v.repetition == repetition:
                return v
        raise KeyError(f"no volume for contrast {contrast}, repetition {repetition}")

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description: geometry, steps, method, noise and header essentials."""
        h = self.header
        return {
            "group": self.group,
            "series_name": h.series_name,
            "series_index": h.series_index,
            "method": self.method,
            "steps": list(self.steps),
            "noise_sigma": self.noise_sigma,
            "details": self.details,
            "matrix": {"rows": int(self.volumes[0].magnitude.shape[1]), "cols": int(self.volumes[0].magnitude.shape[2]), "slices": int(self.volumes[0].magnitude.shape[0])},
            "is_3d": h.is_3d,
            "tr_s": h.tr_s,
            "echo_times_s": list(h.echo_times_s),
            "volumes": [
                {
                    "contrast": v.contrast,
                    "repetition": v.repetition,
                    "echo_time_s": v.echo_time_s,
                    "spacing_between_slices_m": v.spacing_between_slices_m,
                    "slices": [asdict(g) for g in v.geometry],
                }
                for v in self.volumes
            ],
        }
