"""k-space synthesis: tissue-class images on a fine grid, Fourier-transformed at the samples.

For each slice (or slab, or volume) the phantom is rasterised on a grid chosen from the
sampled k-space itself: along every encoded axis the grid spans an integer multiple of the
field of view (so Cartesian samples fall on FFT bins exactly) with at least four points
per cycle of the highest sampled frequency (twice as fine as any reconstruction of the
data). Along the slice axis the excitation pulse's small-tip profile weights 17 points
over twice the slice thickness. The reconstruction
grid is therefore never the simulation grid (no inverse crime).

Per ADC sample ``s`` and channel ``j``:

    S_j(s) = sum_c w_c(s) sum_l b_l(s) FFT[ img_c * sens_j * exp(-2 pi i df_B0 tau_l) ](k_s)

with ``w_c`` the phase-graph echo weight of class ``c`` carried along the readout (T2, T2',
chemical shift), ``b_l`` linear time-segmentation weights over the dephasing time ``tau``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.errors import OperationFailedError
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.rasterise import supersampled_axis, tissue_labels

__all__ = ["GroupSamples", "synthesise_group"]

_SLAB_POINTS = 33


@dataclass
class GroupSamples:
    """All samples of the ADC events of one slice group, concatenated.

    Attributes
    ----------
    k_per_m : (S, 3); t_s, dt_s, tau_s : (S,) sample time, time from the echo reference,
    dephasing time; weights : (S, C) class weights along the readout.
    """

    k_per_m: np.ndarray
    tau_s: np.ndarray
    weights: np.ndarray


def _lattice(k: np.ndarray) -> tuple[float, float] | None:
    """Spacing and fractional offset of a 1D set of k values, or None when off a lattice."""
    values = np.unique(np.round(k, 2))
    steps = np.diff(values)
    steps = steps[steps > 0.5]  # fields of view below 2 m
    if len(steps) == 0:
        return None
    rough = float(np.median(steps[steps < 1.5 * steps.min()]))
    span = float(values[-1] - values[0])
    step = span / max(round(span / rough), 1)  # refined over the whole range
    frac = k / step
    angle = np.angle(np.mean(np.exp(2j * np.pi * frac)))
    offset = angle / (2 * np.pi)
    off = np.abs(((frac - offset + 0.5) % 1.0) - 0.5)
    if np.max(off) > 0.02:
        raise OperationFailedError(
            "The sequence samples k-space off a Cartesian lattice; the simulator's fine-grid "
            "synthesis supports Cartesian trajectories only (see docs/simulation.md)."
        )
    return step, offset


def synthesise_group(
    phantom: Phantom,
    class_tissues: tuple[str, ...],
    samples: GroupSamples,
    *,
    readout_axis: int,
    slab: tuple[int, float, np.ndarray, np.ndarray] | None,
    sensitivity,
    b0_hz,
    notes: list[str],
) -> np.ndarray:
    """Noise-free signal of every sample of one group.

    Parameters
    ----------
    class_tissues : tuple of str
        Tissue name of each class (column of ``samples.weights``).
    slab : (axis, centre_m, offsets_m, weights_m) or None
        The slice axis, its centre and the quadrature of its profile; None = non-selective.
    sensitivity : callable points (..., 3) -> (J, ...)
    b0_hz : callable points (..., 3) -> (...)

    Returns
    -------
    ndarray of complex64, shape (J, S)
    """
    from scipy import fft as sfft

    k = samples.k_per_m
    low, high = phantom.extent_m()
    encoded = [a for a in range(3) if np.max(np.abs(k[:, a])) > 0.5 and (slab is None or a != slab[0])]
    axes: list[np.ndarray] = [None, None, None]  # type: ignore[list-item]
    fft_info = {}
    for a in encoded:
        lattice = _lattice(k[:, a])
        if lattice is None:
            encoded.remove(a)
            continue
        step, offset = lattice
        fov = 1.0 / step
        kmax = float(np.max(np.abs(k[:, a])))
        reach = max(abs(low[a]), abs(high[a]))
        q = 1 if a == readout_axis else max(1, int(np.ceil(2 * reach / fov - 1e-9)))
        length = q * fov
        m = sfft.next_fast_len(int(np.ceil(4 * kmax * length)) + 2)
        m += m % 2
        d = length / m
        axes[a] = (np.arange(m) - m // 2) * d
        fft_info[a] = (length, m, offset * step)
        if a == readout_axis and 2 * reach > fov:
            notes.append("signal beyond the readout field of view is removed (receiver filter)")
    weights_axis: list[np.ndarray | None] = [None, None, None]
    for a in range(3):
        if axes[a] is not None:
            continue
        if slab is not None and a == slab[0]:
            axes[a] = slab[1] + slab[2]
            weights_axis[a] = slab[3]
        else:
            n = max(2, int(np.ceil((high[a] - low[a]) / 0.5e-3)))
            axes[a] = np.linspace(low[a], high[a], n)
            weights_axis[a] = np.full(n, (high[a] - low[a]) / (n - 1))
    factor = [1, 1, 1]  # the FFT grid is already twice as fine as any reconstruction
    fine = [supersampled_axis(axes[a], factor[a]) for a in range(3)]
    labels, tissues = tissue_labels(phantom, *fine)
    index = {t.name: i for i, t in enumerate(tissues)}
    shape = tuple(len(axes[a]) for a in range(3))
    centre_plane = [axes[a] if a in fft_info else np.array([slab[1] if slab and a == slab[0] else 0.0]) for a in range(3)]
    grid_points = np.stack(np.meshgrid(*centre_plane, indexing="ij"), axis=-1)
    grid_points = grid_points.reshape([len(axes[a]) if a in fft_info else 1 for a in range(3)] + [3])
    sens = sensitivity(grid_points)
    df = b0_hz(grid_points)
    modulation = np.ones(grid_points.shape[:-1], dtype=complex)
    cell = 1.0
    for a, (length, m, k0) in fft_info.items():
        shape_a = [1, 1, 1]
        shape_a[a] = -1
        modulation = modulation * np.exp(-2j * np.pi * k0 * axes[a]).reshape(shape_a)
        cell *= length / m
    if readout_axis in fft_info:
        length = fft_info[readout_axis][0]
        shape_a = [1, 1, 1]
        shape_a[readout_axis] = -1
        modulation = modulation * (np.abs(axes[readout_axis]) <= length / 2).reshape(shape_a)

    class_images = []
    for name in class_tissues:
        mask = (labels == index[name]).astype(np.float32) if name in index else np.zeros(shape, np.float32)
        for a in range(3):
            if weights_axis[a] is not None:
                shape_a = [1, 1, 1]
                shape_a[a] = -1
                mask = (mask * weights_axis[a].reshape(shape_a)).sum(axis=a, keepdims=True)
        class_images.append(mask)
    class_images = np.array(class_images)  # (C, nx|1, ny|1, nz|1)

    # sample -> FFT bin
    bins = []
    signs = np.ones(len(k))
    for a in range(3):
        if a in fft_info:
            length, m, k0 = fft_info[a]
            j = np.rint((k[:, a] - k0) * length).astype(np.int64)
            signs = signs * np.where(j % 2 == 0, 1.0, -1.0)  # grid centred at index m / 2
            bins.append(j % m)
        else:
            bins.append(np.zeros(len(k), dtype=np.int64))

    tau = samples.tau_s
    span = float(np.ptp(tau)) if len(tau) else 0.0
    support = (class_images.sum(axis=0) > 0) if len(class_images) else np.zeros(df.shape, bool)
    max_df = float(np.max(np.abs(df[support]))) if np.any(support) else 0.0
    n_seg = 1 if max_df * span < 0.05 else min(16, int(np.ceil(max_df * span / 0.1)) + 1)
    centres = np.linspace(tau.min(), tau.max(), n_seg) if n_seg > 1 else np.array([float(np.mean(tau)) if len(tau) else 0.0])
    if n_seg > 1:
        pos = (tau - centres[0]) / (centres[1] - centres[0])
        lower = np.clip(np.floor(pos).astype(int), 0, n_seg - 2)
        frac = pos - lower
        seg_weights = np.zeros((n_seg, len(tau)))
        seg_weights[lower, np.arange(len(tau))] = 1 - frac
        seg_weights[lower + 1, np.arange(len(tau))] += frac
    else:
        seg_weights = np.ones((1, len(tau)))

    out = np.zeros((sens.shape[0], len(k)), dtype=complex)
    fft_axes = tuple(fft_info)
    for l, tau_l in enumerate(centres):
        phase = modulation * np.exp(-2j * np.pi * np.where(support, df, 0.0) * tau_l)
        for j in range(sens.shape[0]):
            base = (sens[j] * phase).astype(np.complex64)
            spectra = sfft.fftn(class_images * base[None], axes=tuple(a + 1 for a in fft_axes), workers=1)
            picked = spectra[:, bins[0], bins[1], bins[2]] * signs[None, :]  # (C, S)
            out[j] += seg_weights[l] * np.einsum("sc,cs->s", samples.weights, picked)
    return (out * cell).astype(np.complex64)
