"""k-space synthesis: tissue-class images on a fine grid, Fourier-transformed at the samples.

For each slice (or slab, or volume) the phantom is rasterised on a grid chosen from the
sampled k-space itself: along every encoded axis the grid spans an integer multiple of the
field of view (so Cartesian samples fall on FFT bins exactly) with at least four points
per cycle of the highest sampled frequency (twice as fine as any reconstruction of the
data). Along the slice axis of a 2D slice the excitation pulse's small-tip profile weights
17 points over twice the slice thickness; when the samples also encode that axis (the
partitions of a 3D slab) it is a Fourier-encoded axis like the others, and the profile
weights the grid points along it. The reconstruction
grid is therefore never the simulation grid (no inverse crime).

Per ADC sample ``s`` and channel ``j``:

    S_j(s) = sum_c w_c(s) sum_l b_l(s) FFT[ img_c * sens_j * exp(-2 pi i df_B0 tau_l) ](k_s)

with ``w_c`` the phase-graph echo weight of class ``c`` carried along the readout (T2, T2',
chemical shift) and ``b_l`` the sample side of a low-rank factorisation of the dephasing
factor over ``tau`` (:mod:`~vetmri.simulation.lowrank`); the products of the two are
factorised once more jointly so that few combined images go through the FFTs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.errors import OperationFailedError
from vetmri.simulation.lowrank import (
    DEFAULT_TOLERANCE,
    compress_products,
    compress_weights,
    distinct_rows,
    offresonance_factors,
)
from vetmri.simulation.phantom import Phantom
from vetmri.simulation.rasterise import tissue_labels

__all__ = ["EncodedAxis", "GroupSamples", "SynthesisGrid", "synthesis_grid", "synthesise_group", "transform_grid"]


@dataclass(frozen=True)
class GroupSamples:
    """All samples of the ADC events of one slice group, concatenated.

    The dephasing times and class weights may be given once per distinct sample (samples
    that repeat one another up to a phase factor: see
    :func:`~vetmri.simulation.lowrank.distinct_rows`), with the map from every sample to
    its distinct one.

    Attributes
    ----------
    k_per_m : ndarray (S, 3)
    tau_s : ndarray (D,)
        Dephasing time of each distinct sample.
    weights : ndarray (D, C)
        Class weights of each distinct sample.
    inverse : ndarray of int (S,) or None
        Distinct sample of each sample; None when every sample is listed (D = S).
    phase : ndarray of complex (S,) or None
        ``weights`` of sample s = ``phase[s] * weights[inverse[s]]``.
    """

    k_per_m: np.ndarray
    tau_s: np.ndarray
    weights: np.ndarray
    inverse: np.ndarray | None = None
    phase: np.ndarray | None = None

    def distinct(self) -> GroupSamples:
        """The same samples with their distinct rows found (a no-op when already given)."""
        if self.inverse is not None:
            return self
        rows, inverse, phase = distinct_rows(self.weights, np.round(np.asarray(self.tau_s) * 1e10))
        return GroupSamples(self.k_per_m, self.tau_s[rows], self.weights[rows], inverse, phase)


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
    # least-squares refinement k = step * n + k0 over the distinct samples, so that the FFT
    # bins fall on the sampled positions to rounding precision
    distinct = np.unique(k)
    n = np.rint(distinct / step - offset)
    if len(np.unique(n)) > 1:
        slope, intercept = np.polyfit(n, distinct, 1)
        step, offset = float(slope), float(intercept / slope)
    return step, offset


@dataclass(frozen=True)
class EncodedAxis:
    """One Fourier-encoded axis of the synthesis grid.

    Attributes
    ----------
    axis : int
        Scanner axis (0 = x, 1 = y, 2 = z).
    length_m : float
        Grid extent: an integer number ``fold`` of fields of view (1 along the readout).
    points : int
        Grid points over ``length_m`` (a multiple of ``fold``, even).
    k0_per_m : float
        Offset of the sampling lattice from the origin, cycles/m.
    fold : int
        Sampled k lie on every ``fold``-th FFT bin: the grid folds onto one field of view
        before the transform, which gives the same values at those bins.
    """

    axis: int
    length_m: float
    points: int
    k0_per_m: float
    fold: int


@dataclass(frozen=True)
class SynthesisGrid:
    """The fine grid of one slice group and everything on it.

    Attributes
    ----------
    axes_m : tuple of 3 ndarray
        Coordinates along x, y, z; an axis that is not Fourier-encoded holds the one point
        its images were integrated to (the slice centre, or 0).
    encoded : tuple of EncodedAxis
    class_images : ndarray of float32, shape (C, n_x, n_y, n_z)
        Each class's tissue density, integrated over the slice profile (and over any other
        non-encoded axis), or weighted by it along a partition-encoded slab axis; size 1
        along non-encoded axes.
    sensitivity : ndarray of complex64, shape (J, n_x, n_y, n_z)
        Receive sensitivity at the grid points that hold tissue (0 elsewhere).
    offresonance_hz : ndarray of float, shape (n_x, n_y, n_z)
        Static B0 offset at the grid points that hold tissue (0 elsewhere).
    modulation : ndarray of complex, shape (n_x, n_y, n_z)
        Lattice offset phase times the readout's anti-alias window.
    cell_m : float
        Product of the grid spacings of the encoded axes (the DFT's volume element).
    """

    axes_m: tuple[np.ndarray, np.ndarray, np.ndarray]
    encoded: tuple[EncodedAxis, ...]
    class_images: np.ndarray
    sensitivity: np.ndarray
    offresonance_hz: np.ndarray
    modulation: np.ndarray
    cell_m: float

    def positions(self) -> np.ndarray:
        """Grid points, shape (n_x, n_y, n_z, 3)."""
        return np.stack(np.meshgrid(*self.axes_m, indexing="ij"), axis=-1)


def _grid_points(needed: int, fold: int) -> int:
    """Smallest even multiple of ``fold`` >= ``needed`` whose folded length FFTs fast."""
    from scipy import fft as sfft

    per_fold = max(1, -(-needed // fold))
    while True:
        per_fold = sfft.next_fast_len(per_fold)
        if (per_fold * fold) % 2 == 0:
            return per_fold * fold
        per_fold += 1


def synthesis_grid(
    phantom: Phantom,
    class_tissues: tuple[str, ...],
    k_per_m: np.ndarray,
    *,
    readout_axis: int,
    slab: tuple[int, float, np.ndarray, np.ndarray] | None,
    sensitivity,
    b0_hz,
    notes: list[str],
) -> SynthesisGrid:
    """Choose and fill the fine grid for the samples ``k_per_m`` (S, 3) of one group.

    Along each encoded axis the grid spans an integer number of fields of view (Cartesian
    samples land on FFT bins) with at least 4 points per cycle of the highest sampled
    frequency; the phantom is rasterised there, never on a reconstruction grid.
    """
    low, high = phantom.extent_m()
    k = k_per_m
    slab_axis = slab[0] if slab is not None else None
    candidates = [a for a in range(3) if np.max(np.abs(k[:, a])) > 0.5]
    axes: list[np.ndarray | None] = [None, None, None]
    encoded: list[EncodedAxis] = []
    for a in candidates:
        lattice = _partition_lattice(k[:, a]) if a == slab_axis else _lattice(k[:, a])
        if lattice is None:
            continue
        step, offset = lattice
        fov = 1.0 / step
        kmax = float(np.max(np.abs(k[:, a])))
        reach = max(abs(low[a]), abs(high[a]))
        needed = 4 * kmax
        if a == slab_axis:  # signal only where the profile is (its quadrature spans +-thickness)
            thickness = float(np.max(np.abs(slab[2])))  # type: ignore[index]
            reach = min(reach, abs(slab[1]) + thickness)  # type: ignore[index]
            needed = max(needed, 16 / thickness)  # 16 points across the slab
        q = 1 if a == readout_axis else max(1, int(np.ceil(2 * reach / fov - 1e-9)))
        length = q * fov
        m = _grid_points(int(np.ceil(needed * length)) + 2, q)
        axes[a] = (np.arange(m) - m // 2) * (length / m)
        encoded.append(EncodedAxis(a, length, m, offset * step, q))
        if a == readout_axis and 2 * reach > fov:
            notes.append("signal beyond the readout field of view is removed (receiver filter)")
    is_encoded = {e.axis for e in encoded}
    weights_axis: list[np.ndarray | None] = [None, None, None]
    for a in range(3):
        if a in is_encoded:
            continue
        if slab is not None and a == slab[0]:
            axes[a] = slab[1] + slab[2]
            weights_axis[a] = slab[3]
        else:
            n = max(2, int(np.ceil((high[a] - low[a]) / 0.5e-3)))
            axes[a] = np.linspace(low[a], high[a], n)
            weights_axis[a] = np.full(n, (high[a] - low[a]) / (n - 1))
    labels, tissues = tissue_labels(phantom, *axes)
    class_images = _class_images(labels, tissues, class_tissues, weights_axis)
    if slab_axis is not None and slab_axis in is_encoded:
        class_images = class_images * _slab_profile(slab, axes[slab_axis])[None]  # type: ignore[arg-type]
    plane = [axes[a] if a in is_encoded else np.array([slab[1] if slab and a == slab[0] else 0.0]) for a in range(3)]
    points = np.stack(np.meshgrid(*plane, indexing="ij"), axis=-1)
    # the coil and B0 maps matter only where there is tissue: evaluated there, 0 elsewhere
    support = np.any(class_images != 0, axis=0)
    inside = points[support]
    values = np.asarray(sensitivity(inside), dtype=np.complex64)
    sensitivity_map = np.zeros((values.shape[0], *support.shape), dtype=np.complex64)
    sensitivity_map[:, support] = values
    offresonance = np.zeros(support.shape)
    offresonance[support] = np.asarray(b0_hz(inside), dtype=float)
    modulation = np.ones(points.shape[:-1], dtype=complex)
    cell = 1.0
    for e in encoded:
        shape_a = [1, 1, 1]
        shape_a[e.axis] = -1
        modulation = modulation * np.exp(-2j * np.pi * e.k0_per_m * plane[e.axis]).reshape(shape_a)
        if e.axis == readout_axis:
            modulation = modulation * (np.abs(plane[e.axis]) <= e.length_m / 2).reshape(shape_a)
        cell *= e.length_m / e.points
    return SynthesisGrid(
        axes_m=tuple(plane), encoded=tuple(encoded), class_images=class_images,
        sensitivity=sensitivity_map, offresonance_hz=offresonance, modulation=modulation, cell_m=cell,
    )


def _partition_lattice(k: np.ndarray) -> tuple[float, float] | None:
    """The lattice of partition encoding along the slab axis of a selective excitation, or
    None when the samples do not encode that axis (a 2D slice: one k value, or k off a
    lattice), in which case the slab profile is integrated instead."""
    if len(np.unique(np.round(k, 2))) < 2:
        return None
    try:
        return _lattice(k)
    except OperationFailedError:
        return None


def _slab_profile(slab: tuple[int, float, np.ndarray, np.ndarray], positions_m: np.ndarray) -> np.ndarray:
    """The excitation's small-tip profile at ``positions_m`` along the slab axis, shaped to
    broadcast over (n_x, n_y, n_z): the quadrature weights of ``slab`` over their spacing."""
    axis, centre, offsets, weights = slab
    density = weights / (offsets[1] - offsets[0])
    values = np.interp(positions_m - centre, offsets, density, left=0.0, right=0.0)
    shape = [1, 1, 1]
    shape[axis] = -1
    return values.reshape(shape).astype(np.float32)


def _class_images(labels: np.ndarray, tissues, class_tissues: tuple[str, ...],
                  weights_axis: list[np.ndarray | None]) -> np.ndarray:
    """Per class, the label mask weighted and summed along the non-encoded axes."""
    out_shape = tuple(1 if weights_axis[a] is not None else labels.shape[a] for a in range(3))
    weight = np.ones(labels.shape, dtype=float)
    for a in range(3):
        if weights_axis[a] is not None:
            shape_a = [1, 1, 1]
            shape_a[a] = -1
            weight = weight * weights_axis[a].reshape(shape_a)
    out_index = np.zeros(labels.shape, dtype=np.int64)
    stride = 1
    for a in (2, 1, 0):
        if weights_axis[a] is None:
            shape_a = [1, 1, 1]
            shape_a[a] = -1
            out_index = out_index + (np.arange(labels.shape[a]) * stride).reshape(shape_a)
            stride *= labels.shape[a]
    n_out = stride
    inside = labels >= 0
    flat = labels[inside].astype(np.int64) * n_out + out_index[inside]
    sums = np.bincount(flat, weights=weight[inside], minlength=len(tissues) * n_out).reshape(len(tissues), *out_shape)
    index = {t.name: i for i, t in enumerate(tissues)}
    images = np.zeros((len(class_tissues), *out_shape), dtype=np.float32)
    for c, name in enumerate(class_tissues):
        if name in index:
            images[c] = sums[index[name]]
    return images


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
    tolerance: float = DEFAULT_TOLERANCE,
    class_weights=None,
    fft_workers: int = 2,
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
    tolerance : float
        Relative accuracy of the low-rank factorisations (:mod:`~vetmri.simulation.lowrank`).
    class_weights : callable axes (x_m, y_m, z_m) -> (C, n_x, n_y, n_z), optional
        A spatial weight of each class on the grid's axes (the B1 hat functions of a class
        expanded over B1 nodes, the heterogeneity of a textured phantom), multiplied into
        its image.
    fft_workers : int
        Threads of each FFT.

    Returns
    -------
    ndarray of complex64, shape (J, S)
    """
    grid = synthesis_grid(phantom, class_tissues, samples.k_per_m, readout_axis=readout_axis, slab=slab,
                          sensitivity=sensitivity, b0_hz=b0_hz, notes=notes)
    if class_weights is not None:
        from dataclasses import replace

        grid = replace(grid, class_images=(grid.class_images * class_weights(grid.axes_m)).astype(np.float32))
    return transform_grid(grid, samples, readout_axis=readout_axis, tolerance=tolerance, workers=fft_workers)


def _sample_bins(grid: SynthesisGrid, k: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Per encoded axis the bin of each sample in the folded FFT, and the sign (-1)^j that
    moves the grid origin from index 0 to index m / 2."""
    bins, parity = [], np.zeros(len(k), dtype=np.int64)
    for e in grid.encoded:
        j = np.rint((k[:, e.axis] - e.k0_per_m) * e.length_m).astype(np.int64)
        parity += j
        folded = e.points // e.fold
        bins.append((j // e.fold) % folded)
    return bins, np.where(parity % 2 == 0, 1.0, -1.0)


def _foldable(grid: SynthesisGrid, k: np.ndarray) -> SynthesisGrid:
    """The grid with folding switched off on any axis whose samples miss the folded bins."""
    from dataclasses import replace

    axes = []
    for e in grid.encoded:
        j = np.rint((k[:, e.axis] - e.k0_per_m) * e.length_m).astype(np.int64)
        axes.append(e if e.fold == 1 or np.all(j % e.fold == 0) else replace(e, fold=1))
    return replace(grid, encoded=tuple(axes))


def _fold(images: np.ndarray, grid: SynthesisGrid) -> np.ndarray:
    """Sum ``fold`` consecutive fields of view onto one, along each encoded axis.

    ``images`` has the grid axes last: shape (..., n_x, n_y, n_z)."""
    lead = images.ndim - 3
    for e in grid.encoded:
        if e.fold == 1:
            continue
        ax = lead + e.axis
        shape = images.shape[:ax] + (e.fold, e.points // e.fold) + images.shape[ax + 1:]
        images = images.reshape(shape).sum(axis=ax)
    return images


def _combine_real(matrix: np.ndarray, images: np.ndarray) -> np.ndarray:
    """``matrix @ images`` for a complex ``matrix`` (K, C) and real ``images`` (C, N), in
    single precision: one real product of the stacked real and imaginary parts (numpy
    would first copy the images to complex)."""
    k = matrix.shape[0]
    stacked = np.concatenate([matrix.real, matrix.imag]).astype(np.float32)  # (2K, C)
    both = stacked @ images.astype(np.float32, copy=False)  # (2K, N)
    out = np.empty((k, images.shape[1]), dtype=np.complex64)
    out.real, out.imag = both[:k], both[k:]
    return out


def transform_grid(grid: SynthesisGrid, samples: GroupSamples, *, readout_axis: int,
                   tolerance: float = DEFAULT_TOLERANCE, workers: int = 2) -> np.ndarray:
    """The samples of one group from its grid:

        S_j(s) = cell sum_x sum_c w_c(s) img_c(x) sens_j(x) mod(x) exp(-2 pi i df(x) tau_s) exp(-2 pi i k_s x)

    evaluated as a few FFTs: the class weights and the dephasing factor are each replaced by
    a low-rank factorisation (:mod:`~vetmri.simulation.lowrank`), the grid folds onto one
    field of view along phase-encoded axes, and only the sampled lines are transformed
    along the readout.

    Returns
    -------
    ndarray of complex64, shape (J, S)
    """
    from scipy import fft as sfft

    k = samples.k_per_m
    n_samples = len(k)
    n_channels = grid.sensitivity.shape[0]
    out = np.zeros((n_channels, n_samples), dtype=np.complex64)
    present = [c for c in range(grid.class_images.shape[0]) if np.any(grid.class_images[c])]
    if not present or n_samples == 0:
        return out.astype(np.complex64)
    grid = _foldable(grid, k)
    spatial = grid.class_images.shape[1:]
    images = grid.class_images[present].reshape(len(present), -1)
    support = np.any(images > 0, axis=0)
    images = images[:, support]
    # the factorisations run on the distinct samples only (the others repeat them up to a phase)
    samples = samples.distinct()
    inverse, phase = samples.inverse, samples.phase
    u, v = compress_weights(samples.weights[:, present], tolerance)
    if u.shape[1] == 0:
        return out.astype(np.complex64)
    n_points = support.size
    n_distinct = len(samples.tau_s)
    # the dephasing factors per distinct dephasing time (the echoes of a train share them)
    _, first_tau, tau_of_sample = np.unique(np.round(np.asarray(samples.tau_s) * 1e10), return_index=True,
                                            return_inverse=True)
    tau_factors, support_factors = offresonance_factors(grid.offresonance_hz.reshape(-1)[support],
                                                        samples.tau_s[first_tau], tolerance)
    # one joint factorisation of the per-sample coefficients u_q(s) a_r(tau_s) of the
    # images c_q(x) b_r(x): these products are strongly redundant (both sides are smooth
    # functions of the sample time), so a few combined images serve every (q, r)
    c = _combine_real(v.conj().T, images)  # (Q, N) complex64: the class combinations
    b = support_factors.astype(np.complex64)  # (R, N)
    # |c_q b_r| without forming the products: sum_x |c_q|^2 |b_r|^2
    norms = np.sqrt(np.maximum((np.abs(c.astype(complex)) ** 2) @ (np.abs(b.astype(complex)) ** 2).T, 0.0)).reshape(-1)
    used = norms > 0
    joint_u, joint_v = compress_products(u, tau_factors, tau_of_sample.ravel(), norms, tolerance)  # (D, P), (QR, P)
    if joint_u.shape[1] == 0:
        return out.astype(np.complex64)
    terms = (c[:, None, :] * b[None, :, :]).reshape(-1, c.shape[1])  # (QR, N)
    combined = np.zeros((joint_v.shape[1], n_points), dtype=np.complex64)
    mixing = (joint_v.conj().T / norms[used][None, :]).astype(np.complex64)  # (P, QR used)
    combined[:, support] = mixing @ (terms[used] if not used.all() else terms)  # (P, N)
    base = (grid.sensitivity.reshape(n_channels, -1) * grid.modulation.reshape(1, -1)).astype(np.complex64)  # (J, N)
    joint_u = np.ascontiguousarray(joint_u.T, dtype=np.complex64)  # (P, D)

    bins, signs = _sample_bins(grid, k)
    index_of = {e.axis: i for i, e in enumerate(grid.encoded)}
    folded_shape = list(spatial)
    for e in grid.encoded:
        folded_shape[e.axis] = e.points // e.fold
    has_readout = readout_axis in index_of
    rest = [a for a in range(3) if not (has_readout and a == readout_axis)]
    # lines: the distinct positions along the non-readout axes that the samples use
    zeros = np.zeros(n_samples, dtype=np.int64)
    line_key = np.ravel_multi_index([bins[index_of[a]] if a in index_of else zeros for a in rest],
                                    [folded_shape[a] for a in rest])
    lines, line_of_sample = np.unique(line_key, return_inverse=True)
    ro_bin = bins[index_of[readout_axis]] if has_readout else zeros
    n_ro = folded_shape[readout_axis] if has_readout else 1
    flat_index = line_of_sample.ravel() * n_ro + ro_bin
    # samples at the same k with the same distinct weights (the averages of a line, its
    # repetitions in a steady state) differ by their phase only: each pair is summed once
    pairs, first, pair_of_sample = np.unique(flat_index * n_distinct + inverse, return_index=True, return_inverse=True)
    flat_index, joint_u = flat_index[first], joint_u.take(inverse[first], axis=1)  # (P, U)
    out = np.zeros((n_channels, len(pairs)), dtype=np.complex64)
    other_axes = tuple(1 + a for a in rest if a in index_of)
    for p in range(combined.shape[0]):
        stack = (combined[p][None, :] * base).reshape(n_channels, *spatial)
        cube = _fold(stack, grid)
        if other_axes:
            cube = sfft.fftn(cube, axes=other_axes, workers=workers, overwrite_x=True)
        if has_readout:
            cube = np.moveaxis(cube, 1 + readout_axis, -1)
        flat = cube.reshape(n_channels, -1, n_ro)[:, lines, :]
        if has_readout:
            flat = sfft.fft(flat, axis=-1, workers=workers, overwrite_x=True)
        picked = flat.reshape(n_channels, -1)[:, flat_index]  # (J, U)
        out += joint_u[p][None, :] * picked
    scale = (phase * signs * grid.cell_m).astype(np.complex64)
    return out[:, pair_of_sample.ravel()] * scale[None, :]
