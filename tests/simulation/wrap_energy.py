"""The signal that phase encoding folds into an image, from the phantom (or the body of the
species protocol where no phantom exists) and the simulator's coil model, without the
planner's own cover computation.

For every slice plane of a series: tissue density on a fine grid across the slice (proton
density x the coil channels' summed sensitivity squared = signal energy), inside the
readout FOV (the receiver's anti-alias filter removes the rest) and along the whole phase
axis the coil sees. What lies beyond the encoded phase FOV folds in; its energy is compared
with the energy of the displayed image.
"""

from __future__ import annotations

import numpy as np

from vetmri.protocols.geometry import LOCALIZER_PLANES, PLANE_AXES
from vetmri.protocols.plan import SeriesPlan
from vetmri.scanner.profile import Coil
from vetmri.simulation.effects import coil_sensitivities
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.rasterise import NO_TISSUE, tissue_labels

_INDEX = {"lr": 0, "dv": 1, "cc": 2}


def _reach_m(axis: str, coil: Coil) -> float:
    # across the bore the body is inside the coil; along it the sensitivity is < 0.1 % at 6 lengths
    return coil.inner_diameter_m / 2 if axis != "cc" else 6 * max(coil.length_m, coil.inner_diameter_m)


def _density(points: np.ndarray, phantom: Phantom | None, body: tuple | None) -> np.ndarray:
    """Proton density at points (n_a, n_b, 3) on a plane."""
    if phantom is not None:
        axes = [np.unique(np.round(points[..., a].ravel(), 9)) for a in range(3)]
        labels, tissues = tissue_labels(phantom, *axes)
        index = [np.searchsorted(axes[a], np.round(points[..., a], 9)) for a in range(3)]
        picked = labels[index[0], index[1], index[2]]
        pd = np.array([t.pd for t in tissues] + [0.0])
        return pd[np.where(picked == NO_TISSUE, len(tissues), picked)]
    inside = np.ones(points.shape[:-1], bool)
    for a, span in enumerate(body):
        if span is not None:
            inside &= (points[..., a] >= span[0]) & (points[..., a] <= span[1])
    return inside.astype(float)


def wrapped_fraction(series: SeriesPlan, coil: Coil, *, phantom: Phantom | None = None,
                     body: tuple | None = None, step_m: float = 0.5e-3, slices: str = "ends") -> float:
    """Largest wrapped / image energy over the series' slice planes.

    ``body`` ((lo, hi) or None per scanner axis) stands in for a phantom: uniform tissue.
    ``slices`` "ends" checks the first, middle and last slice, "middle" the middle one,
    "all" every slice.
    """
    p = series.parameters
    if p.sequence == "localizer":
        planes = [(PLANE_AXES[name][0][1], PLANE_AXES[name][0][0], PLANE_AXES[name][1]) for name in LOCALIZER_PLANES]
        positions = list(series.encoding.slice_positions_m)
    else:
        planes = [(p.phase_axis, p.read_axis, p.slice_axis)]
        positions = list(series.encoding.slice_positions_m)
    if slices == "ends" and len(positions) > 3:
        positions = [positions[0], positions[len(positions) // 2], positions[-1]]
    elif slices == "middle":
        positions = [positions[len(positions) // 2]]
    worst = 0.0
    for phase_axis, read_axis, slice_axis in planes:
        enc_half = p.encoded_fov_m[0] / 2
        fov_half = p.fov_m[0] / 2
        reach = max(_reach_m(phase_axis, coil), enc_half)
        phase = np.arange(-reach, reach + step_m / 2, step_m)
        read = np.arange(-p.fov_m[1] / 2, p.fov_m[1] / 2 + step_m / 2, step_m)
        for position in positions:
            points = np.zeros((len(phase), len(read), 3))
            points[..., _INDEX[phase_axis]] = phase[:, None]
            points[..., _INDEX[read_axis]] = read[None, :]
            points[..., _INDEX[slice_axis]] = position
            pd = _density(points, phantom, body)
            energy = pd**2 * np.sum(np.abs(coil_sensitivities(points, coil)) ** 2, axis=0)
            shown = energy[np.abs(phase) <= fov_half].sum()
            if shown <= 0:
                continue
            folded = energy[np.abs(phase) > enc_half].sum()
            worst = max(worst, float(folded / shown))
    return worst
