"""Operator laws (adjoint, linearity) of the forward models, and the solvers' basic
behaviour."""

import numpy as np
import pytest

from vetmri.recon.operators import FFT, Coils, FiniteDifference, Sample, sense_operator


def random(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def operators():
    rng = np.random.default_rng(0)
    maps = random((3, 16, 12), 1)
    mask = rng.random((16, 1)) > 0.5
    return [
        FFT((16, 12)),
        FFT((4, 16, 12), ndim=3),
        Sample((16, 12), mask),
        Coils(maps),
        FiniteDifference((16, 12)),
        FiniteDifference((4, 16, 12)),
        sense_operator(mask, maps),
    ]


@pytest.mark.parametrize("op", operators(), ids=lambda op: type(op).__name__)
def test_adjoint(op):
    x, y = random(op.ishape, 2), random(op.oshape, 3)
    assert np.vdot(op.apply(x), y) == pytest.approx(np.vdot(x, op.adjoint(y)), rel=1e-5)
    assert np.vdot(op.H.apply(y), x) == pytest.approx(np.vdot(y, op.apply(x)), rel=1e-5)


@pytest.mark.parametrize("op", operators(), ids=lambda op: type(op).__name__)
def test_linearity(op):
    x, z = random(op.ishape, 4), random(op.ishape, 5)
    a, b = 0.7 - 0.2j, -1.3
    np.testing.assert_allclose(op.apply(a * x + b * z), a * op.apply(x) + b * op.apply(z), rtol=1e-5, atol=1e-5)


def test_fft_is_unitary_and_centred():
    op = FFT((8, 8))
    assert op.norm() == pytest.approx(1.0, rel=1e-3)
    image = np.zeros((8, 8))
    image[4, 4] = 1  # a point at the centre of the field of view has a flat, real k-space
    np.testing.assert_allclose(op.apply(image), np.full((8, 8), 1 / 8), atol=1e-12)


def test_finite_difference_norm_is_within_the_solver_bound():
    assert FiniteDifference((32, 32)).norm(60) ** 2 <= 8.0


def test_primal_dual_tv_converges_to_data_where_weight_is_tiny():
    from vetmri.recon.algorithms import PrimalDualTV, run
    from vetmri.recon.fft import fftc

    truth = np.zeros((32, 32), complex)
    truth[8:24, 10:20] = 1
    y = fftc(truth)
    mask = np.ones((32, 1))
    x = run(PrimalDualTV(None, y * mask, 1e-6, np.zeros_like(truth), exact_data_prox=mask, iterations=50))
    np.testing.assert_allclose(x, truth, atol=1e-3)
