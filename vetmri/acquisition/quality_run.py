"""Measured image quality of a planned series on the simulated scanner: SSIM, NRMSE and the
CNR of every lesion of a textured phantom, against the noise-free, fully sampled
simulation of the same series and phantom (what the quality model of
:mod:`vetmri.protocols.quality` is calibrated on and checked against).

The series is simulated as its one central slice (``slices=1``: the shipped phantoms put
their small lesions there), through the real chain: the simulated scanner with its default
effects, the raw MRD file, the calibration and ``reconstruct_series`` with the
reconstruction the raw header asks for.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from vetmri.acquisition.lesion_rois import lesion_regions
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.library import load_library
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.quality import predict_lesion_cnr
from vetmri.recon.pipeline import ReconOptions, reconstruct_series

__all__ = ["LesionScore", "SeriesQuality", "measure_quality", "score_image"]


@dataclass(frozen=True)
class LesionScore:
    """CNR of one lesion: (mean over the lesion region - mean over its host-tissue
    background) / the std of the image's error (image - noise-free image) over the host
    tissue around it (:mod:`~vetmri.acquisition.lesion_rois`). The error counts what a
    denoiser smooths away of the tissue's own texture as well as the noise it leaves.

    ``partial_volume`` is the mean share of the lesion region's voxels inside the lesion
    (1 only for a lesion larger than the slice thickness and several pixels); the contrast
    a lesion can show is its full contrast times this. ``truth_contrast`` is the noise-free
    image's contrast over the background's mean."""

    name: str
    diameter_m: float
    cnr: float
    truth_contrast: float
    partial_volume: float = 1.0
    host: str = ""
    tissue: str = ""
    predicted_cnr: float = float("nan")


@dataclass(frozen=True)
class SeriesQuality:
    """One series measured: its plan (variant), the metrics and the images."""

    variant: str
    name: str
    scan_time_s: float
    ssim: float
    nrmse: float
    lesions: tuple[LesionScore, ...]
    predicted_ssim: float
    predicted_cnr: float
    image: np.ndarray
    truth: np.ndarray


def score_image(image: np.ndarray, truth: np.ndarray, geometry, phantom) -> tuple[float, float, tuple[LesionScore, ...]]:
    """SSIM, NRMSE and the lesion CNRs of a magnitude image against the noise-free one
    (intensity fitted by least squares first, data range = the truth's maximum)."""
    from skimage.metrics import structural_similarity

    scale = float(np.vdot(truth, image).real / max(np.vdot(image, image).real, 1e-30))
    fitted = image * scale
    ssim = float(structural_similarity(truth, fitted, data_range=float(truth.max())))
    nrmse = float(np.linalg.norm(fitted - truth) / np.linalg.norm(truth))
    scores = []
    for lesion in phantom.lesions():
        regions = lesion_regions(lesion, phantom, geometry, truth.shape)
        if regions is None or not regions.lesion.any() or regions.background.sum() < 4:
            continue
        inner, ring = regions.lesion, regions.background
        contrast = float(truth[inner].mean() - truth[ring].mean())
        noise = float(np.std((fitted - truth)[regions.noise]))
        cnr = abs(float(fitted[inner].mean() - fitted[ring].mean())) / max(noise, 1e-12)
        scores.append(LesionScore(lesion.name, 2 * float(lesion.semi_axes_m.max()), cnr,
                                  contrast / max(float(truth[ring].mean()), 1e-12), regions.mean_fraction,
                                  regions.host, lesion.tissue.name))
    return ssim, nrmse, tuple(scores)


def _same_as(chosen, index: int) -> list:
    """Overrides that plan the series as the variant chose it (averages, undersampling,
    receiver bandwidth, TE, TR and phase oversampling), apart from its number of slices
    (one slice needs no longer TR to fit, so TR is set too)."""
    return [parse_override(f"{key}={value}", index) for key, value in (
        ("averages", chosen.averages), ("acceleration", f"{chosen.acceleration:g}"),
        ("bandwidth_hz_per_px", f"{chosen.bandwidth_hz_per_px:.6g}"), ("te_ms", f"{chosen.te_s * 1e3:.6g}"),
        ("phase_oversampling", f"{chosen.phase_oversampling:.6g}"), ("tr_ms", f"{chosen.tr_s * 1e3:.6g}"),
        *((("partial_fourier", f"{chosen.partial_fourier:.6g}"),) if chosen.partial_fourier < 1 else ()))]


def _check_same(simulated, chosen) -> None:
    """The one-slice series simulated has the chosen series' timing and resolution."""
    for key in ("averages", "acceleration", "bandwidth_hz_per_px", "te_s", "tr_s", "matrix", "fov_m", "slice_m",
                "echo_train_length", "phase_oversampling", "partial_fourier"):
        a, b = getattr(simulated, key), getattr(chosen, key)
        if not np.allclose(a, b, rtol=2e-3):
            raise ValueError(f"the simulated series' {key} is {a}, the planned {b}")


def _run(plan, index: int, phantom, conditions: SimulatedConditions, options: ReconOptions, folder: Path) -> tuple:
    out = folder / f"{plan.variant}_{int(conditions.noise)}_{index}.h5"
    run = run_exam(plan, SimulatedBackend(phantom, conditions=conditions), out, series=[index])
    images = reconstruct_series(out, run.series[0].group, options)
    return images.volumes[0].magnitude[0], images.volumes[0].geometry[0]


def measure_quality(species: str, weight_kg: float, region: str, series_index: int, *,
                    variants: tuple[str, ...] = ("standard", "quick"), seed: int = 1) -> list[SeriesQuality]:
    """Simulate one series of the standard and quick plans (central slice) and score each
    against the noise-free, fully sampled standard series of the same textured phantom."""
    slices = [parse_override("slices=1", series_index)]
    standard = plan_exam(species, weight_kg, region)
    phantom = phantom_for_exam(standard.species, standard.region, weight_kg, skull=standard.skull_type,
                               lesions=True, texture=True)
    truth_plan = plan_exam(species, weight_kg, region, overrides=slices + [
        parse_override("averages=1", series_index),
        parse_override(f"tr_ms={standard.series[series_index].parameters.tr_s * 1e3:.6g}", series_index)])
    base = SimulatedConditions(coil=standard.coil, seed=seed)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        truth, geometry = _run(truth_plan, series_index, phantom,
                             SimulatedConditions(coil=standard.coil, seed=seed, noise=False), ReconOptions(denoise="none"),
                             folder)
        for variant in variants:
            full = plan_exam(species, weight_kg, region, variant=variant)
            chosen = full.series[series_index].parameters
            plan = plan_exam(species, weight_kg, region, overrides=slices + _same_as(chosen, series_index))
            series = plan.series[series_index]
            _check_same(series.parameters, chosen)
            series = replace(series, parameters=replace(series.parameters, reconstruction=chosen.reconstruction))
            plan = replace(plan, series=plan.series[:series_index] + (series,) + plan.series[series_index + 1:],
                           variant=variant)
            image, _ = _run(plan, series_index, phantom, base, ReconOptions(), folder)
            ssim, nrmse, lesions = score_image(image, truth, geometry, phantom)
            quality = full.series[series_index].quality
            tissues = load_library().tissues
            lesions = tuple(replace(l, predicted_cnr=predict_lesion_cnr(
                full.series[series_index], tissues, diameter_m=l.diameter_m, lesion=l.tissue, host=l.host,
                partial_volume_share=l.partial_volume))
                for l in lesions if l.tissue in tissues and l.host in tissues)
            results.append(SeriesQuality(variant, series.parameters.name, full.series[series_index].scan_time_s,
                                         ssim, nrmse, lesions, quality.ssim, quality.lesion_cnr, image, truth))
    return results
