"""Placing readouts on the Cartesian k-space grid by their encoding counters, removing
readout oversampling and averaging.

Conventions (the simulator and any scanner follow them): sample n of a readout lies at
k_x = (n - center_sample) / FOV_x(encoded); line counter j at k_y = (j - center_1) / FOV_y,
partition counter p at k_z = (p - center_2) / FOV_z, with the encoding-limit centres of the
header; the signal is s(k) = ∫ m(r) exp(-i 2π k·r) dr. On the grid, k = 0 sits at index N // 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vetmri.errors import UserInputError
from vetmri.rawdata import SeriesHeader
from vetmri.recon.fft import fftc, ifftc
from vetmri.recon.readouts import Readouts

__all__ = ["KSpace", "align_readouts", "grid_kspace", "remove_readout_oversampling"]


@dataclass(frozen=True, eq=False)
class KSpace:
    """Gridded k-space of one image (one contrast and repetition), averages combined.

    Attributes
    ----------
    data : ndarray of shape (slices, coils, kz, ky, kx), complex64
        Mean over the averages acquired of each line (zero where none was).
    counts : ndarray of shape (slices, kz, ky), int
        How many averages of each line were acquired (0 = not sampled).
    contrast, repetition : int
    """

    data: np.ndarray
    counts: np.ndarray
    contrast: int
    repetition: int

    @property
    def sampled(self) -> np.ndarray:
        """Which (slice, kz, ky) lines hold data; shape (slices, kz, ky)."""
        return self.counts > 0


def align_readouts(lines: Readouts, matrix_x: int) -> np.ndarray:
    """Readouts placed on a grid of ``matrix_x`` samples with the echo centre at
    ``matrix_x // 2`` (zero filled for asymmetric echoes); shape (n, coils, matrix_x)."""
    n, coils, samples = lines.data.shape
    out = np.zeros((n, coils, matrix_x), np.complex64)
    for centre in sorted(set(lines.center_sample.tolist())):  # (np.unique would import numpy.ma: 10 ms of every recon)
        rows = lines.center_sample == centre
        start = matrix_x // 2 - int(centre)
        src0, dst0 = max(0, -start), max(0, start)
        length = min(samples - src0, matrix_x - dst0)
        if length <= 0:
            raise UserInputError(f"readouts with echo centre {centre} do not overlap a {matrix_x}-sample readout; the header and data disagree.")
        out[rows, :, dst0:dst0 + length] = lines.data[rows, :, src0:src0 + length]
    return out


def remove_readout_oversampling(kx_lines: np.ndarray, recon_x: int) -> np.ndarray:
    """Crop the readout field of view to the central ``recon_x`` pixels (image domain) and
    return to k-space; shape (..., recon_x). Unitary, so white noise keeps its level."""
    nx = kx_lines.shape[-1]
    if nx == recon_x:
        return kx_lines
    if recon_x > nx:
        raise UserInputError(f"the recon matrix ({recon_x}) is wider than the encoded readout ({nx}); the header is inconsistent.")
    image = ifftc(kx_lines, axes=(-1,))
    start = nx // 2 - recon_x // 2
    return fftc(image[..., start:start + recon_x], axes=(-1,)).astype(np.complex64)


def grid_kspace(lines: Readouts, header: SeriesHeader, *, remove_oversampling: bool = True, use_all_averages: bool = True) -> list[KSpace]:
    """Grid imaging readouts into one :class:`KSpace` per (contrast, repetition).

    Parameters
    ----------
    lines : Readouts
        Imaging readouts (any order).
    header : SeriesHeader
        With encoding limits filled in.
    remove_oversampling : bool
        Crop the readout to the recon field of view (False keeps the encoded readout).
    use_all_averages : bool
        False keeps only average 0 (for comparison).
    """
    lim = header.limits
    nx_enc, ny, nz = header.encoded_matrix
    aligned = align_readouts(lines, nx_enc)
    if remove_oversampling:
        # unitary transforms: the noise level per sample is kept
        aligned = remove_readout_oversampling(aligned, header.recon_matrix[0])
    nx = aligned.shape[-1]
    c1 = lim.kspace_encoding_step_1.center if lim.kspace_encoding_step_1 else ny // 2
    c2 = lim.kspace_encoding_step_2.center if (lim.kspace_encoding_step_2 and nz > 1) else nz // 2
    ky = lines.counter("kspace_encode_step_1") - c1 + ny // 2
    kz = lines.counter("kspace_encode_step_2") - c2 + nz // 2 if nz > 1 else np.zeros(len(lines), np.int64)
    if ky.min() < 0 or ky.max() >= ny or kz.min() < 0 or kz.max() >= nz:
        raise UserInputError(
            f"phase-encoding counters fall outside the encoded matrix ({ny} lines, {nz} partitions) around the header's k-space centre; the header and data disagree."
        )
    slices = lines.counter("slice")
    n_slices = int(slices.max()) + 1
    coils = aligned.shape[1]
    keep = np.ones(len(lines), bool) if use_all_averages else lines.counter("average") == 0
    result = []
    contrast, repetition = lines.counter("contrast"), lines.counter("repetition")
    for c, r in sorted(set(zip(contrast.tolist(), repetition.tolist()))):
        rows = np.flatnonzero(keep & (contrast == c) & (repetition == r))
        data = np.zeros((n_slices, coils, nz, ny, nx), np.complex64)
        counts = np.zeros((n_slices, nz, ny), np.int64)
        np.add.at(counts, (slices[rows], kz[rows], ky[rows]), 1)
        flat = data.reshape(n_slices, coils, nz * ny, nx)
        np.add.at(flat.transpose(0, 2, 1, 3), (slices[rows], kz[rows] * ny + ky[rows]), aligned[rows])
        data = flat.reshape(data.shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            data = np.where(counts[:, None, :, :, None] > 0, data / np.maximum(counts, 1)[:, None, :, :, None], 0).astype(np.complex64)
        result.append(KSpace(data=data, counts=counts, contrast=c, repetition=r))
    return result
