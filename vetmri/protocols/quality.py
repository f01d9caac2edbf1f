"""Predicted image quality of a planned series: SSIM against the noise-free image and the
contrast-to-noise ratio of a small lesion, for its reconstruction.

The model (constants calibrated on the simulator's textured phantoms with
``benchmarks/quick_scan.py``, which prints prediction beside measurement)::

    SNR_eff = G(reconstruction) x SNR                      (SNR: protocols/snr.py)
    SSIM    = 1 / (1 + (SSIM_A / SNR_eff) ** SSIM_B)
    CNR     = K(reconstruction, d) x pv(d, pixel, slice) x |S_lesion - S_host| / S_main x SNR
    K       = K_inf x d^4 / (d^4 + D^4)

with G the noise reduction of the reconstruction (1 for the inverse FFT; non-local means;
total-variation compressed sensing of an R-fold undersampled scan, whose SNR already lost
sqrt(R) in ``predicted_snr``), times, for a partial-Fourier scan (whose SNR already lost
the square root of its fraction of lines), what the fill of the skipped lines costs
besides (:func:`partial_fourier_gain`, in the CNR too), S the signal equations' steady-state signals of the lesion,
the tissue around it (the host) and the series' main tissue, and pv the lesion's partial
volume: the mean share of a voxel inside a sphere of diameter d over the pixels holding at
least half its peak share (:func:`partial_volume`, the region the simulator measures in,
:mod:`vetmri.acquisition.lesion_rois`). A lesion smaller than the slice thickness never fills
a voxel, so its CNR is at most d / slice of its full contrast's. K is what the
reconstruction does to a small lesion's contrast and to the noise around it: the inverse
FFT's point spread (K < 1 for lesions of a few pixels); for a denoiser, its noise reduction
times the share of a lesion's contrast it keeps, which falls steeply below a size D of
its own (the denoiser takes a lesion of a pixel or two for noise; compressed sensing's
incoherent aliasing buries one of a few pixels). The CNR's noise is the std of the
image's error against the noise-free image, so what a denoiser smooths away of the
tissue's own texture counts as well: it caps what denoising can win back.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from vetmri.protocols.snr import Relaxation, contrast

__all__ = ["LESION_DIAMETER_M", "LESION_TISSUE", "QualityPrediction", "cnr_factor", "exam_quality", "partial_fourier_gain",
           "partial_volume", "predict_lesion_cnr", "predict_quality", "reconstruction_gain"]

#: The reference lesion of the prediction: a 2 mm T2-bright mass.
LESION_DIAMETER_M = 2e-3
LESION_TISSUE = "mass_t2_bright"

# -- Calibration (benchmarks/quick_scan.py, textured dog and cat brain and dog spine) ----------
#: SSIM of the inverse FFT: 0.889, 0.920 and 0.882 measured at SNR 21 (A = 1.8-2.8).
SSIM_A = 2.4
SSIM_B = 1.0
#: G: NLM (h = 0.45 sigma) 0.942, 0.948 and 0.926 measured at SNR 15-20 (G = 1.5-2.9).
#: TV and CS keep the SSIM they were calibrated to before (G 1.8, 1.6 at A = 4).
_GAIN = {"": 1.0, "nlm": 2.2, "tv": 1.08, "cs": 0.96, "cs+nlm": 1.44}
#: Partial Fourier (POCS fill, then the series' denoiser): per sequence, (acquired
#: fraction, gain on the effective SNR beyond the sqrt(fraction) of the lines), linear in
#: between. Measured with ``benchmarks/partial_fourier.py`` (cat's textured brain, NLM):
#: T1 SE (1 average, 67 Hz/px) SSIM 0.934 / 0.914 / 0.899 / 0.878 at 1, 7/8, 3/4 and 5/8 of
#: the lines, effective SNR x 0.75 / 0.63 / 0.51; T2* GRE (2 averages, 42 Hz/px) 0.942 /
#: 0.916 / 0.895 / 0.850, x 0.67 / 0.52 / 0.35 (its T2* phase is less smooth than the
#: centre shows it). An echo train is not offered partial Fourier by the quick variant
#: (its T2 decay makes k-space uneven along the phase encoding); it takes the SE's gains.
_PARTIAL_FOURIER_GAIN = {
    "gre": ((0.625, 0.44), (0.75, 0.60), (0.875, 0.72), (1.0, 1.0)),
    "se": ((0.625, 0.645), (0.75, 0.73), (0.875, 0.80), (1.0, 1.0)),
}
#: K = K_INF x d^4 / (d^4 + D^4): (K_INF, D in metres) per reconstruction.
#: Measured CNR over ``pv x contrast x SNR`` of the metastases and the spine's muscle
#: lesion (1.4-6.8 mm): inverse FFT 0.79-1.15 (mean 0.93; the model has no coil map:
#: where a lesion sits in the coil's sensitivity moves its own noise by 10-20 %); NLM
#: (h = 0.45 sigma, the quick T2 TSE at its lower bandwidth) 0.84-1.46, geometric mean
#: 1.07, with no loss measurable down to 1.4 mm. TV 0.75-1.15, 0.73-1.28 and 0.46-0.58
#: for >= 3 mm, 2 mm and 1.2-1.5 mm; CS (R = 2) 1.0, 0.5 at 2.3 mm (h = 0.35 calibration).
_CNR_K = {"": (0.93, 0.0), "nlm": (1.08, 0.7e-3), "tv": (0.96, 1.3e-3), "cs": (1.05, 2.4e-3),
          "cs+nlm": (1.17, 2.4e-3)}


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
    """Noise reduction G of a reconstruction (``""``, ``"nlm"``, ``"tv"``, ``"cs"``, ``"cs+nlm"``)."""
    try:
        return _GAIN[reconstruction]
    except KeyError:
        raise ValueError(f"unknown reconstruction {reconstruction!r}; one of {', '.join(_GAIN)}") from None


@functools.lru_cache(maxsize=512)
def partial_volume(diameter_m: float, pixel_m: tuple[float, float], slice_m: float) -> float:
    """Mean share of a voxel inside a sphere of ``diameter_m`` centred in the slice, over
    the pixels holding at least half the peak share (averaged over four positions of the
    sphere's centre within a pixel)."""
    import numpy as np

    radius = diameter_m / 2
    half = int(math.ceil(radius / min(pixel_m))) + 1
    sub = (np.arange(4) + 0.5) / 4 - 0.5
    through = ((np.arange(8) + 0.5) / 8 - 0.5) * slice_m
    values = []
    for shift in (0.0, 0.25, 0.5):
        for shift_y in ((0.0,) if shift == 0.0 else (0.0, shift)):
            xs = ((np.arange(-half, half + 1) + shift)[:, None] + sub[None, :]).ravel() * pixel_m[0]
            ys = ((np.arange(-half, half + 1) + shift_y)[:, None] + sub[None, :]).ravel() * pixel_m[1]
            inside = (xs[:, None, None] ** 2 + ys[None, :, None] ** 2 + through[None, None, :] ** 2) <= radius**2
            n = 2 * half + 1
            share = inside.reshape(n, 4, n, 4, 8).mean(axis=(1, 3, 4))
            peak = float(share.max())
            if peak > 0:
                values.append(float(share[share >= 0.5 * peak].mean()))
    return float(np.mean(values)) if values else 0.0


def partial_fourier_gain(fraction: float, sequence: str = "se") -> float:
    """What filling the skipped lines of a partial-Fourier scan acquiring ``fraction`` of
    them does to its effective SNR, beyond the square root of the lines (1 at 1)."""
    points = _PARTIAL_FOURIER_GAIN["gre" if sequence in ("gre", "localizer") else "se"]
    if fraction >= 1.0:
        return 1.0
    fraction = max(fraction, points[0][0])
    for (f0, g0), (f1, g1) in zip(points, points[1:]):
        if fraction <= f1:
            return g0 + (g1 - g0) * (fraction - f0) / (f1 - f0)
    return 1.0


def cnr_factor(reconstruction: str, diameter_m: float) -> float:
    """K of the reconstruction for a lesion of ``diameter_m`` (see the module docstring)."""
    k_inf, d0 = _CNR_K[reconstruction]
    return k_inf * diameter_m**4 / (diameter_m**4 + d0**4)


def predict_lesion_cnr(plan: Any, tissues: dict[str, Relaxation], *, diameter_m: float,
                       lesion: str = LESION_TISSUE, host: str | None = None,
                       reconstruction: str | None = None, partial_volume_share: float | None = None) -> float:
    """Predicted CNR of a spherical lesion of ``lesion`` tissue in ``host`` tissue (default:
    the series' main tissue), centred in a slice of the planned series.

    ``partial_volume_share`` replaces the model's :func:`partial_volume` when the lesion's
    place in the slice is known (a phantom's ground truth: where it sits relative to the
    pixel grid and the slice centre)."""
    p = plan.parameters
    recon = (p.reconstruction or ("cs" if p.acceleration > 1 else "")) if reconstruction is None else reconstruction
    kwargs = dict(tr_s=p.tr_s, te_s=p.te_s, ti_s=p.ti_s, flip_angle_deg=p.flip_angle_deg)
    main = contrast(p.sequence, tissues[plan.main_tissue], **kwargs)
    around = contrast(p.sequence, tissues[host or plan.main_tissue], **kwargs)
    other = contrast(p.sequence, tissues[lesion], **kwargs) if lesion in tissues else around
    c = abs(other - around) / main if main > 0 else 0.0
    pixel = (p.fov_m[0] / p.matrix[0], p.fov_m[1] / p.matrix[1])
    pv = partial_volume(diameter_m, pixel, p.slice_m) if partial_volume_share is None else partial_volume_share
    pf = partial_fourier_gain(p.partial_fourier, p.sequence)
    return cnr_factor(recon, diameter_m) * pv * c * pf * plan.predicted_snr


def predict_quality(plan: Any, tissues: dict[str, Relaxation], *, diameter_m: float = LESION_DIAMETER_M,
                    lesion: str = LESION_TISSUE) -> QualityPrediction:
    """The quality of a planned series (:class:`~vetmri.protocols.plan.SeriesPlan`) for its
    ``parameters.reconstruction`` (an undersampled series without one: compressed sensing)."""
    p = plan.parameters
    recon = p.reconstruction or ("cs" if p.acceleration > 1 else "")
    effective = reconstruction_gain(recon) * partial_fourier_gain(p.partial_fourier, p.sequence) * plan.predicted_snr
    ssim = 1.0 / (1.0 + (SSIM_A / max(effective, 1e-9)) ** SSIM_B)
    cnr = predict_lesion_cnr(plan, tissues, diameter_m=diameter_m, lesion=lesion)
    return QualityPrediction(ssim=ssim, lesion_cnr=cnr, snr_effective=effective, lesion_diameter_m=diameter_m)


def exam_quality(plan: Any) -> QualityPrediction | None:
    """One exam's predicted quality, to compare variants like with like: the mean SSIM and
    effective SNR of its series and the lesion CNR of the series that shows the lesion best
    (the reference lesion is T2-bright: a localizer or T1 series is not where it is read),
    None when the series carry no prediction.

    Parameters
    ----------
    plan : ExamPlan
    """
    predictions = [s.quality for s in plan.series if getattr(s, "quality", None) is not None]
    if not predictions:
        return None
    return QualityPrediction(ssim=float(sum(q.ssim for q in predictions) / len(predictions)),
                             lesion_cnr=float(max(q.lesion_cnr for q in predictions)),
                             snr_effective=float(sum(q.snr_effective for q in predictions) / len(predictions)),
                             lesion_diameter_m=predictions[0].lesion_diameter_m)
