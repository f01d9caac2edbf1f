"""Low-rank factorisations that let one FFT serve many tissue classes and dephasing times.

The synthesis needs, per sample ``s`` and grid point ``x``,

    sum_c w[s, c] img_c(x) exp(-2 pi i df(x) tau_s)

The factors have a small numerical rank:

- the tissue weights ``w`` (samples x classes): echoes of one train differ by smooth
  exponential decays, so a few combinations of classes carry every sample's contrast
  (:func:`compress_weights`, a truncated eigen-decomposition of ``w^H w``);
- the off-resonance kernel ``exp(-2 pi i df tau)`` over the range of ``df`` inside the object
  and the range of ``tau`` in the samples depends only on the product of the two ranges
  (:func:`offresonance_factors`, a truncated SVD of the kernel on a grid, extended to any
  point by the Nystroem formula). This replaces time segmentation with linear interpolation:
  fewer terms for an error below ``tolerance`` instead of a few per cent;
- the products of the two, factorised jointly (:func:`compress_products`): the samples of
  a train share a few dephasing times, so the Gram matrix is a sum over those, never the
  samples-by-products matrix itself.

All keep singular values down to ``tolerance`` of the largest, so the synthesised signal
matches a direct evaluation to about that relative accuracy (tested against a brute-force
DFT in ``tests/simulation/test_synthesis.py``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["DEFAULT_TOLERANCE", "compress_products", "compress_weights", "distinct_rows", "offresonance_factors"]

#: Relative singular-value cut-off of both factorisations. At 1e-4 the synthesised samples
#: match the direct evaluation to about 1e-4 of their norm (tested), several hundred times
#: below the thermal noise of the calibrated reference protocol (white-matter SNR 20, so
#: the image noise is about 7 % of the image's norm); 1e-6 costs 1.6x the FFTs for an
#: accuracy no data set can show.
DEFAULT_TOLERANCE = 1e-4

_KERNEL_POINTS = 161  # grid of the kernel SVD on [-1, 1] (both variables)
_TABLE_POINTS = 8193  # tables the factors are interpolated from


def compress_weights(weights: np.ndarray, tolerance: float = DEFAULT_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Factor the sample-by-class weights as ``weights ~= u @ v.conj().T``.

    Parameters
    ----------
    weights : ndarray of complex, shape (S, C)
    tolerance : float
        Singular values below ``tolerance`` times the largest are dropped.

    Returns
    -------
    u : ndarray of complex, shape (S, Q)
        ``weights @ v``.
    v : ndarray of complex, shape (C, Q)
        Orthonormal columns; class images combine as ``v.conj().T @ images``.
    """
    if weights.shape[1] == 0 or not np.any(weights):
        return np.zeros((weights.shape[0], 0), complex), np.zeros((weights.shape[1], 0), complex)
    # callers pass distinct rows (distinct_rows): no repeats to count
    values, vectors = np.linalg.eigh(_gram(weights), UPLO="U")
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    keep = values > (tolerance**2) * values[0]
    v = vectors[:, keep]
    return weights @ v, v


def compress_products(u: np.ndarray, factors: np.ndarray, factor_of_row: np.ndarray, scale: np.ndarray,
                      tolerance: float = DEFAULT_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """:func:`compress_weights` of the products ``m[s, (q, r)] = u[s, q] f[s, r] scale[q, r]``
    whose second factor takes few distinct values (the dephasing factors of the samples'
    dephasing times, the same in every echo of a train): ``f[s] = factors[factor_of_row[s]]``.

    The Gram matrix of ``m`` is then ``sum_g kron(U_g, F_g)`` with ``U_g`` the Gram matrix
    of the rows of ``u`` that share factor row ``g`` and ``F_g = conj(f_g) f_g^T``, and
    ``m @ v`` is ``u_s @ B[g(s)]``: neither needs ``m`` itself (samples x Q R), only
    sums over the groups. Many distinct factor rows fall back to forming ``m``.

    Parameters
    ----------
    u : ndarray of complex, shape (S, Q)
    factors : ndarray of complex, shape (G, R)
    factor_of_row : ndarray of int, shape (S,)
    scale : ndarray of float, shape (Q * R,)
        Column weights; columns of weight 0 are dropped.

    Returns
    -------
    u_joint : ndarray of complex, shape (S, P)
        ``m @ v``.
    v : ndarray of complex, shape (number of columns kept, P)
        Orthonormal columns over the columns of ``m`` with a non-zero weight.
    """
    n, q = u.shape
    groups, r = factors.shape
    used = scale > 0
    if groups * r * r > n // 4:  # hardly any sharing: the products themselves
        m = (u[:, :, None] * factors[factor_of_row][:, None, :]).reshape(n, -1)[:, used] * scale[used][None, :]
        return compress_weights(m, tolerance)
    order = np.argsort(factor_of_row, kind="stable")
    starts = np.searchsorted(factor_of_row[order], np.arange(groups + 1))
    sorted_u = u[order]
    gram_u = np.empty((groups, q, q), dtype=complex)
    for i in range(q):
        gram_u[:, i, :] = np.add.reduceat(np.conj(sorted_u[:, i, None]) * sorted_u, starts[:-1], axis=0)
    gram_f = np.conj(factors)[:, :, None] * factors[:, None, :]  # (G, R, R)
    gram = np.einsum("gab,gcd->acbd", gram_u, gram_f).reshape(q * r, q * r)[np.ix_(used, used)]
    gram *= scale[used][:, None] * scale[used][None, :]
    if not np.any(gram):
        return np.zeros((n, 0), complex), np.zeros((int(used.sum()), 0), complex)
    values, vectors = np.linalg.eigh(gram)
    descending = np.argsort(values)[::-1]
    values, vectors = values[descending], vectors[:, descending]
    v = vectors[:, values > (tolerance**2) * values[0]]
    weighted = np.zeros((q * r, v.shape[1]), dtype=complex)
    weighted[used] = v * scale[used][:, None]
    mixed = np.einsum("gr,qrp->gqp", factors, weighted.reshape(q, r, -1))  # (G, Q, P)
    u_joint = np.empty((n, v.shape[1]), dtype=complex)
    for g in range(groups):
        rows = order[starts[g]:starts[g + 1]]
        u_joint[rows] = sorted_u[starts[g]:starts[g + 1]] @ mixed[g]
    return u_joint, v


def _gram(weights: np.ndarray) -> np.ndarray:
    """``weights^H weights``, its upper triangle computed by BLAS ``zherk`` (half the
    arithmetic of a general product; the lower triangle is left unset)."""
    from scipy.linalg import blas

    # on the F-ordered transpose, herk's A A^H is weights^T conj(weights): the conjugate
    return np.conj(blas.zherk(1.0, np.asarray(weights, dtype=complex).T, trans=0))


def distinct_rows(weights: np.ndarray, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows that differ in more than a phase factor (or in a key).

    Every repetition of a steady state (and every slice sharing a timeline) gives its echoes
    the same weights and dephasing times, turned by the RF phase only; so do the samples
    of one readout position in every phase-encode line. The factorisations need each
    distinct row once: ``weights[s] == phase[s] * weights[rows[inverse[s]]]`` (within 1e-9
    of the largest weight) and every key equal.

    Parameters
    ----------
    weights : ndarray of complex, shape (S, C)
    *keys : ndarray of shape (S,)
        Values that must match exactly (already rounded by the caller, e.g. a dephasing
        time in units of 0.1 ns).

    Returns
    -------
    rows : ndarray of int, shape (D,)
        One representative per distinct row.
    inverse : ndarray of int, shape (S,)
        Index into ``rows`` of each row.
    phase : ndarray of complex, shape (S,)
        Unit factor of each row relative to its representative.
    """
    count = len(weights)
    if count == 0 or weights.shape[1] == 0:
        return np.arange(count), np.arange(count), np.ones(count, complex)
    anchor = weights[np.arange(count), np.argmax(np.abs(weights), axis=1)]
    magnitude = np.abs(anchor)
    unit = np.where(magnitude > 0, anchor / np.where(magnitude > 0, magnitude, 1), 1)
    probe = np.random.default_rng(0).normal(size=weights.shape[1])
    key = (weights @ probe) / unit
    scale = max(float(np.abs(key).max()), 1e-300)
    columns = (np.round(key.real / scale * 1e9), np.round(key.imag / scale * 1e9), *(np.asarray(k) for k in keys))
    order = np.lexsort(columns)
    changed = np.zeros(count, dtype=bool)
    changed[0] = True
    for column in columns:
        ordered = column[order]
        changed[1:] |= ordered[1:] != ordered[:-1]
    group = np.cumsum(changed) - 1
    inverse = np.empty(count, dtype=np.int64)
    inverse[order] = group
    rows = order[changed]
    return rows, inverse, unit / unit[rows][inverse]


@lru_cache(maxsize=64)
def _kernel_tables(bandwidth_cycles: float, tolerance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factors of ``exp(-2 pi i c y x)`` for x, y in [-1, 1]: tables of the sample side
    ``a_r(y)`` and the grid side ``b_r(x)`` on ``_TABLE_POINTS`` points."""
    grid = np.linspace(-1.0, 1.0, _KERNEL_POINTS)
    kernel = np.exp(-2j * np.pi * bandwidth_cycles * np.outer(grid, grid))  # rows y, columns x
    u, s, vh = np.linalg.svd(kernel)
    rank = int(np.sum(s > tolerance * s[0]))
    table = np.linspace(-1.0, 1.0, _TABLE_POINTS)
    fine = _kernel_rows(bandwidth_cycles, table, grid)  # K(t, grid), K symmetric
    # Nystroem extension of K = U S V^H to any point: K(y, x) ~= sum_r a_r(y) b_r(x) with
    # a_r(y) = sum_j K(y, x_j) V[j, r] / s_r (= U[:, r] on the grid) and
    # b_r(x) = sum_i conj(U[i, r]) K(y_i, x) (= s_r conj(V[:, r]) on the grid).
    a = fine @ vh[:rank].conj().T / s[:rank]
    b = fine @ u[:, :rank].conj()
    return table, a, b


def _kernel_rows(bandwidth_cycles: float, rows: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """``exp(-2 pi i c rows grid^T)`` for an evenly spaced ``grid``: along each row the factor
    is a geometric series, so one exponential per row and a running product replace an
    exponential per element (rounding grows to about ``len(grid)`` ulps, 1e-14)."""
    step = grid[1] - grid[0]
    powers = np.empty((len(rows), len(grid)), dtype=complex)
    powers[:, 0] = 1.0
    powers[:, 1:] = np.exp(-2j * np.pi * bandwidth_cycles * rows * step)[:, None]
    np.cumprod(powers, axis=1, out=powers)
    return powers * np.exp(-2j * np.pi * bandwidth_cycles * rows * grid[0])[:, None]


def offresonance_factors(
    offresonance_hz: np.ndarray, tau_s: np.ndarray, tolerance: float = DEFAULT_TOLERANCE
) -> tuple[np.ndarray, np.ndarray]:
    """Separable factors of the dephasing ``exp(-2 pi i df(x) tau_s)``.

    Parameters
    ----------
    offresonance_hz : ndarray of float, shape (N,)
        Off-resonance at the grid points that carry signal.
    tau_s : ndarray of float, shape (S,)
        Dephasing time of each sample.

    Returns
    -------
    sample_factors : ndarray of complex, shape (S, R)
    grid_factors : ndarray of complex, shape (R, N)
        ``exp(-2 pi i df tau) ~= sample_factors @ grid_factors`` within about ``tolerance``.
    """
    df = np.asarray(offresonance_hz, dtype=float)
    tau = np.asarray(tau_s, dtype=float)
    if df.size == 0 or tau.size == 0:
        return np.ones((tau.size, 1), complex), np.ones((1, df.size), complex)
    d_mid, d_half = (df.max() + df.min()) / 2, (df.max() - df.min()) / 2
    t_mid, t_half = (tau.max() + tau.min()) / 2, (tau.max() - tau.min()) / 2
    # exp(-2 pi i df tau) = exp(-2 pi i df t_mid) exp(-2 pi i d_mid (tau - t_mid)) exp(-2 pi i (df - d_mid)(tau - t_mid))
    grid_phase = np.exp(-2j * np.pi * df * t_mid)
    sample_phase = np.exp(-2j * np.pi * d_mid * (tau - t_mid))
    bandwidth = d_half * t_half
    if bandwidth < 1e-9:
        return sample_phase[:, None], grid_phase[None, :]
    # rounded up to a ladder of 5 % steps: a few kernels serve every slice (and are cached)
    cached = float(1.05 ** np.ceil(np.log(bandwidth) / np.log(1.05)))
    table, a, b = _kernel_tables(cached, tolerance)
    y = (tau - t_mid) / t_half
    x = (df - d_mid) / d_half * (bandwidth / cached)  # c x y unchanged
    sample_factors = _interpolate_rows(a, y) * sample_phase[:, None]
    grid_factors = (_interpolate_rows(b, x) * grid_phase[:, None]).T
    return sample_factors, np.ascontiguousarray(grid_factors)


def _interpolate_rows(table: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Linear interpolation of every column of ``table`` (rows on the evenly spaced
    ``_TABLE_POINTS`` over [-1, 1]) at ``points`` in [-1, 1]: shape (len(points), columns).
    One position per point serves every column (``np.interp`` would search again for each)."""
    step = 2.0 / (_TABLE_POINTS - 1)
    position = np.clip((np.asarray(points, dtype=float) + 1.0) / step, 0.0, _TABLE_POINTS - 1.0)
    index = np.minimum(position.astype(np.int64), _TABLE_POINTS - 2)
    fraction = (position - index)[:, None]
    return table[index] * (1.0 - fraction) + table[index + 1] * fraction
