"""Measure the SNR of a simulated series the way the QA check does: mean of the main tissue
over the noise of the noise scan (``vetmri.recon.qa.snr``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.ndimage import binary_erosion

from vetmri.acquisition.contract import Adjustments
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import SimulatedBackend, SimulatedConditions
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.recon import ReconOptions, reconstruct_series
from vetmri.recon.qa import snr

from tests.acquisition.anatomy import tissue_names_at_pixels


def measured_and_predicted_snr(species: str, weight_kg: float, index: int, folder: Path, *,
                               seed: int = 7, settings: tuple[str, ...] = ()) -> tuple[float, float, int]:
    """(measured, predicted, ROI pixels) for the middle slice of a planned series, one slice;
    ``settings`` are further overrides of that series ("averages=2")."""
    overrides = [parse_override(text, index) for text in ("slices=1", *settings)]
    plan = plan_exam(species, weight_kg, "brain", overrides=overrides)
    series = plan.series[index]
    # texture off, deliberately: the prediction is the signal equation of the main tissue's
    # nominal PD, T1 and T2, which only the piecewise-constant phantom holds exactly (the
    # realistic one varies them by a few per cent and carves other tissues into it)
    phantom = phantom_for_exam(plan.species, plan.region, weight_kg, skull=plan.skull_type, texture=False)
    backend = SimulatedBackend(phantom, conditions=SimulatedConditions(coil=plan.coil, seed=seed))
    raw = folder / f"{species}_{seed}.h5"
    run = run_exam(plan, backend, raw, series=[index], adjustments=Adjustments())
    images = reconstruct_series(raw, run.series[0].group, ReconOptions(shading_correction="off"))
    volume = images.volumes[0]
    geometry = volume.geometry[0]
    shape = volume.magnitude.shape[1:]
    thickness = geometry.slice_thickness_m
    inside = np.ones(shape, bool)
    for offset in (-0.4, 0.0, 0.4):  # the whole slice thickness is main tissue
        shifted = replace(geometry, position_m=tuple(np.asarray(geometry.position_m) + offset * thickness * np.asarray(geometry.normal)))
        inside &= tissue_names_at_pixels(phantom, shifted, shape) == series.main_tissue
    roi = binary_erosion(inside, iterations=1)
    # the noise scan gives the noise per sample; the averages of each line divide it by sqrt(N)
    sigma = images.noise_sigma / np.sqrt(series.parameters.averages)
    return snr(volume.complex_image[0], roi, noise_sigma=sigma), series.predicted_snr, int(roi.sum())
