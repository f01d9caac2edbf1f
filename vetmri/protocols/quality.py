"""Predicted image quality of a planned series: SSIM against the noise-free image and the
contrast-to-noise ratio of a small lesion, for its reconstruction.

The model (constants calibrated on the simulator's textured phantoms with
``benchmarks/quick_scan.py``, which prints prediction beside measurement)::

    SNR_eff = G(reconstruction) x SNR                      (SNR: protocols/snr.py)
    SSIM    = 1 / (1 + (SSIM_A / SNR_eff) ** SSIM_B)
    CNR     = K(reconstruction) x pv(d, voxel) x C x SNR

with G the noise reduction of the reconstruction (1 for the inverse FFT; non-local means;
total-variation compressed sensing of an R-fold undersampled scan, whose SNR already lost
sqrt(R) in ``predicted_snr``), C = |S_lesion - S_main| / S_main from the signal equations,
and pv the lesion's partial volume: (2/3) d / slice through the slice (the mean chord of a
sphere) times d^2 / (d^2 + pixel area) in plane. K keeps what the reconstruction does to a
small lesion's contrast and to the noise around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from vetmri.protocols.snr import Relaxation, contrast

__all__ = ["LESION_DIAMETER_M", "LESION_TISSUE", "QualityPrediction", "predict_quality", "reconstruction_gain"]

#: The reference lesion of the prediction: a 2 mm T2-bright mass.
LESION_DIAMETER_M = 2e-3
LESION_TISSUE = "mass_t2_bright"

# -- Calibration (benchmarks/quick_scan.py, textured dog and cat brain and dog spine) ----------
SSIM_A = 4.0
SSIM_B = 1.0
_GAIN = {"": 1.0, "nlm": 2.0, "cs": 1.6, "cs+nlm": 2.4}
_CNR_K = {"": 1.0, "nlm": 1.6, "cs": 1.3, "cs+nlm": 1.7}


@dataclass(frozen=True)
class QualityPrediction:
    """What the operator compares between the standard and the quick variant.

    Attributes
    ----------
    ssim : float
        Predicted SSIM of the magnitude image against the noise-free image.
    lesion_cnr : float
        Predicted CNR of a ``lesion_diameter_m`` T2-bright lesion in the main tissue.
    snr_effective : float
        The main tissue's SNR after the reconstruction.
    """

    ssim: float
    lesion_cnr: float
    snr_effective: float
    lesion_diameter_m: float = LESION_DIAMETER_M

    def to_dict(self) -> dict[str, Any]:
        return {"ssim": round(self.ssim, 3), "lesion_cnr": round(self.lesion_cnr, 2),
                "snr_effective": round(self.snr_effective, 2),
                "lesion_diameter_mm": round(self.lesion_diameter_m * 1e3, 2)}


def reconstruction_gain(reconstruction: str) -> float:
    """Noise reduction G of a reconstruction (``""``, ``"nlm"``, ``"cs"``, ``"cs+nlm"``)."""
    try:
        return _GAIN[reconstruction]
    except KeyError:
        raise ValueError(f"unknown reconstruction {reconstruction!r}; one of {', '.join(_GAIN)}") from None


def partial_volume(diameter_m: float, pixel_m: tuple[float, float], slice_m: float) -> float:
    """Mean fraction of a voxel the lesion fills where it is imaged (see the module docstring)."""
    through = min(1.0, 2.0 / 3.0 * diameter_m / slice_m)
    area = pixel_m[0] * pixel_m[1]
    return through * diameter_m**2 / (diameter_m**2 + area)


def predict_quality(plan: Any, tissues: dict[str, Relaxation], *, diameter_m: float = LESION_DIAMETER_M,
                    lesion: str = LESION_TISSUE) -> QualityPrediction:
    """The quality of a planned series (:class:`~vetmri.protocols.plan.SeriesPlan`) for its
    ``parameters.reconstruction`` (an undersampled series without one: compressed sensing)."""
    p = plan.parameters
    recon = p.reconstruction or ("cs" if p.acceleration > 1 else "")
    snr = plan.predicted_snr
    effective = reconstruction_gain(recon) * snr
    ssim = 1.0 / (1.0 + (SSIM_A / max(effective, 1e-9)) ** SSIM_B)
    kwargs = dict(tr_s=p.tr_s, te_s=p.te_s, ti_s=p.ti_s, flip_angle_deg=p.flip_angle_deg)
    main = contrast(p.sequence, tissues[plan.main_tissue], **kwargs)
    other = contrast(p.sequence, tissues[lesion], **kwargs) if lesion in tissues else main
    c = abs(other - main) / main if main > 0 else 0.0
    pixel = (p.fov_m[0] / p.matrix[0], p.fov_m[1] / p.matrix[1])
    cnr = _CNR_K[recon] * partial_volume(diameter_m, pixel, p.slice_m) * c * snr
    return QualityPrediction(ssim=ssim, lesion_cnr=cnr, snr_effective=effective, lesion_diameter_m=diameter_m)

