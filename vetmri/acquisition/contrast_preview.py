"""What a series' contrast will look like, before the animal is in the bore.

The species phantom of the exam (:func:`vetmri.acquisition.phantoms.phantom_for_exam`) is
cut through its middle in the series' plane and every tissue drawn with its idealised
steady-state signal at the series' TE, TR, TI and flip angle
(:func:`vetmri.protocols.snr.contrast`): no k-space, no noise, no simulation run, so it
follows an edit at once.
"""

from __future__ import annotations

import numpy as np

from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.protocols.plan import ExamPlan
from vetmri.protocols.snr import Relaxation, contrast
from vetmri.simulation.rasterise import NO_TISSUE, tissue_labels
from vetmri.tissues import Tissue

__all__ = ["contrast_preview", "tissue_signal"]

#: The two in-plane scanner axes (rows, columns) of each plane; x = right to left,
#: y = ventral to dorsal, z = caudal to cranial.
_IN_PLANE = {"transverse": (1, 0), "sagittal": (1, 2), "dorsal": (0, 2), "3-plane": (1, 2)}


def tissue_signal(tissue: Tissue, sequence: str, *, te_s: float, tr_s: float, ti_s: float | None,
                  flip_angle_deg: float) -> float:
    """The idealised signal of ``tissue`` (fraction of fully relaxed M0)."""
    t2star = 1.0 / (1.0 / tissue.t2_s + 1.0 / tissue.t2prime_s) if tissue.t2prime_s > 0 else tissue.t2_s
    relaxation = Relaxation(t1_s=tissue.t1_s, t2_s=tissue.t2_s, t2star_s=t2star, proton_density=tissue.pd)
    kind = sequence if sequence in ("se", "tse", "ir_tse") else "gre"
    return contrast(kind, relaxation, tr_s=tr_s, te_s=te_s, ti_s=ti_s, flip_angle_deg=flip_angle_deg)


def contrast_preview(plan: ExamPlan, index: int, *, rows: int = 48, columns: int = 64) -> np.ndarray:
    """The middle slice of the species phantom at the contrast of series ``index``.

    Parameters
    ----------
    plan : ExamPlan
        The exam as planned (species, region, weight, skull type and the series).
    index : int
        Which series.
    rows, columns : int
        Size of the picture; its pixels are square and it covers the phantom.

    Returns
    -------
    ndarray of shape (rows, columns)
        Signal scaled so the brightest tissue is 1 (0 outside the animal); rows run from
        dorsal to ventral (or cranial to caudal in a dorsal plane).

    Raises
    ------
    UserInputError
        There is no phantom of this species and region.
    """
    series = plan.series[index].parameters
    phantom = phantom_for_exam(plan.species, plan.region, plan.weight_kg, skull=plan.skull_type)
    low, high = phantom.extent_m()
    centre = (low + high) / 2
    row_axis, column_axis = _IN_PLANE.get(series.plane, (1, 2))
    span = max((high[row_axis] - low[row_axis]) / rows, (high[column_axis] - low[column_axis]) / columns)
    axes = [np.array([centre[k]]) for k in range(3)]
    axes[row_axis] = centre[row_axis] + (np.arange(rows) - (rows - 1) / 2) * span
    axes[column_axis] = centre[column_axis] + (np.arange(columns) - (columns - 1) / 2) * span
    labels, tissues = tissue_labels(phantom, *axes)
    signal = np.array([tissue_signal(t, series.sequence, te_s=series.te_s, tr_s=series.tr_s,
                                     ti_s=series.ti_s, flip_angle_deg=series.flip_angle_deg) for t in tissues] + [0.0])
    picture = signal[np.where(labels == NO_TISSUE, len(tissues), labels)]
    picture = np.squeeze(picture)
    if row_axis > column_axis:
        picture = picture.T
    picture = picture[::-1]  # dorsal (or cranial) at the top
    peak = picture.max()
    return picture / peak if peak > 0 else picture
