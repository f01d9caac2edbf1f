"""The joint factorisation of products whose second factor repeats (the dephasing factors
of a train's samples) against the factorisation of the products themselves."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.simulation.lowrank import compress_products, compress_weights


def _products(groups: int, rows: int = 3000, q: int = 5, r: int = 4, seed: int = 3):
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, rows)
    # smooth, strongly redundant class weights and dephasing factors, as in a readout
    u = np.stack([np.exp(-(i + 1) * t) * np.exp(2j * np.pi * 0.3 * i * t) for i in range(q)], axis=1)
    u += 1e-3 * (rng.normal(size=(rows, q)) + 1j * rng.normal(size=(rows, q)))
    tau = np.linspace(-1, 1, groups)
    factors = np.stack([np.exp(-2j * np.pi * (j + 1) * 0.2 * tau) for j in range(r)], axis=1)
    factor_of_row = rng.integers(0, groups, size=rows)
    scale = rng.uniform(0.5, 2.0, size=q * r)
    scale[3] = 0.0  # a column of an empty image
    m = (u[:, :, None] * factors[factor_of_row][:, None, :]).reshape(rows, -1)[:, scale > 0] * scale[scale > 0]
    return u, factors, factor_of_row, scale, m


@pytest.mark.parametrize("groups", [12, 2000])  # shared factor rows, and the fallback
def test_the_grouped_factorisation_equals_the_direct_one(groups):
    u, factors, factor_of_row, scale, m = _products(groups)
    u_joint, v = compress_products(u, factors, factor_of_row, scale, tolerance=1e-4)
    u_direct, v_direct = compress_weights(m, tolerance=1e-4)
    assert v.shape == v_direct.shape  # the same rank kept
    assert np.allclose(v.conj().T @ v, np.eye(v.shape[1]), atol=1e-10)
    # both reproduce the products to the tolerance, and agree with each other
    scale_m = np.linalg.norm(m)
    assert np.linalg.norm(u_joint @ v.conj().T - m) < 2e-4 * scale_m
    assert np.linalg.norm(u_joint @ v.conj().T - u_direct @ v_direct.conj().T) < 1e-6 * scale_m
