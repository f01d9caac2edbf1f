"""The fast k-space synthesis (low-rank tissue and off-resonance factors, folded FFTs,
readout transforms of the sampled lines only) against a brute-force DFT of the same fine
grid with the exact dephasing factor, kept here as the slow reference."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.scanner.profile import load_profile
from vetmri.simulation.effects import EffectOptions, b0_offset_hz, coil_sensitivities
from vetmri.simulation.lowrank import DEFAULT_TOLERANCE, compress_weights, offresonance_factors
from vetmri.simulation.phantom import load_phantom
from vetmri.simulation.synthesis import GroupSamples, synthesis_grid, transform_grid


def direct_signal(grid, samples: GroupSamples) -> np.ndarray:
    """S_j(s) = cell sum_x sum_c w_c(s) img_c(x) sens_j(x) window(x) exp(-2 pi i (df(x) tau_s + k_s . x))."""
    points = grid.positions().reshape(-1, 3)
    images = grid.class_images.reshape(grid.class_images.shape[0], -1)
    sens = grid.sensitivity.reshape(grid.sensitivity.shape[0], -1)
    window = np.abs(grid.modulation).reshape(-1)
    df = grid.offresonance_hz.reshape(-1)
    out = np.zeros((sens.shape[0], len(samples.k_per_m)), complex)
    for s, (k, tau) in enumerate(zip(samples.k_per_m, samples.tau_s)):
        density = samples.weights[s] @ images  # (N,)
        phase = np.exp(-2j * np.pi * (df * tau + points @ k))
        out[:, s] = sens @ (density * window * phase)
    return out * grid.cell_m


def cartesian_samples(n_read, n_phase, fov_read, fov_phase, *, read_axis, phase_axis, tau_echo, classes):
    """A Cartesian 2D acquisition: k, dephasing time (echo time plus readout time) and
    class weights that decay along an echo train and carry a chemical-shift phase along
    the readout, as the phase graph gives them."""
    rng = np.random.default_rng(5)
    dwell = 1 / (130.0 * n_read)
    dt = (np.arange(n_read) - n_read / 2 + 0.5) * dwell
    ks, taus, weights = [], [], []
    t2 = rng.uniform(0.04, 0.5, classes)
    shift = np.where(np.arange(classes) == 1, -29.0, 0.0)
    for line, p in enumerate(np.arange(n_phase) - n_phase // 2):
        k = np.zeros((n_read, 3))
        k[:, read_axis] = (np.arange(n_read) - n_read // 2) / fov_read
        k[:, phase_axis] = p / fov_phase
        echo = 0.02 * (1 + line % 4)
        w = np.exp(-(echo + dt[:, None]) / t2[None, :]) * np.exp(-2j * np.pi * shift[None, :] * dt[:, None])
        ks.append(k), taus.append(tau_echo + dt), weights.append(w)
    return GroupSamples(np.vstack(ks), np.concatenate(taus), np.vstack(weights))


@pytest.mark.parametrize("tau_echo", [0.0, 0.015])  # spin echo (refocused), gradient echo
def test_fast_synthesis_equals_the_direct_dft_with_coils_folding_and_a_strong_b0_map(tau_echo):
    phantom = load_phantom("test_tubes")  # tubes at x = -30, 0, 30 mm
    names = tuple(t.name for t in phantom.tissues())
    profile = load_profile()
    coil = profile.coil("head_large")
    options = EffectOptions(seed=2)
    # phase along x with a 64 mm field of view: the outer tubes fold, as on the scanner
    samples = cartesian_samples(24, 16, 0.128, 0.064, read_axis=1, phase_axis=0, tau_echo=tau_echo, classes=len(names))
    notes: list[str] = []
    slab = (2, 0.0, np.linspace(-0.004, 0.004, 5), np.full(5, 0.002))
    grid = synthesis_grid(
        phantom, names, samples.k_per_m, readout_axis=1, slab=slab,
        sensitivity=lambda p: coil_sensitivities(p, coil),
        b0_hz=lambda p: 8 * b0_offset_hz(p, profile, options),  # 8x the magnet's specification
        notes=notes,
    )
    assert {e.axis: e.fold for e in grid.encoded} == {0: 2, 1: 1}
    spread = np.ptp(grid.offresonance_hz[grid.class_images.sum(axis=0) > 0])
    assert spread * np.ptp(samples.tau_s) > 1.0  # more than a cycle of dephasing across the object
    reference = direct_signal(grid, samples)
    for tolerance in (1e-6, DEFAULT_TOLERANCE):  # converges; and the engine's default
        fast = transform_grid(grid, samples, readout_axis=1, tolerance=tolerance)
        assert fast.shape == (4, len(samples.tau_s))
        error = np.linalg.norm(fast - reference) / np.linalg.norm(reference)
        assert error < 5 * tolerance
        assert np.max(np.abs(fast - reference)) < 20 * tolerance * np.max(np.abs(reference))


def test_offresonance_factors_reproduce_the_dephasing_to_the_tolerance():
    rng = np.random.default_rng(1)
    for spread_hz, span_s, centre_s, tolerance in ((160.0, 0.0077, 0.0, 1e-6), (400.0, 0.03, 0.1, 1e-6), (80.0, 0.01, 0.02, 1e-3)):
        df = rng.uniform(-spread_hz / 2, spread_hz / 2, 2000) + 17.0
        tau = rng.uniform(-span_s / 2, span_s / 2, 1500) + centre_s
        sample_side, grid_side = offresonance_factors(df, tau, tolerance)
        exact = np.exp(-2j * np.pi * np.outer(tau, df))
        assert np.max(np.abs(sample_side @ grid_side - exact)) < 10 * tolerance
    # a wider range needs more terms; no spread needs one
    narrow, _ = offresonance_factors(np.linspace(-20, 20, 50), np.linspace(0, 0.005, 50))
    wide, _ = offresonance_factors(np.linspace(-200, 200, 50), np.linspace(0, 0.02, 50))
    flat, _ = offresonance_factors(np.full(50, 30.0), np.linspace(0, 0.02, 50))
    assert flat.shape[1] == 1 < narrow.shape[1] < wide.shape[1]


def test_weight_compression_keeps_every_sample_and_drops_redundant_classes():
    rng = np.random.default_rng(2)
    decays = np.exp(-np.outer(np.arange(1, 9) * 0.02, 1 / rng.uniform(0.04, 2.0, 12)))  # 8 echoes x 12 classes
    weights = np.repeat(decays, 50, axis=0) * (1 + 0.01j)
    u, v = compress_weights(weights, 1e-6)
    assert u.shape[1] <= 8  # at most one term per distinct echo
    # the error stays below the tolerance times the largest singular value (the 2-norm)
    assert np.max(np.abs(u @ v.conj().T - weights)) < 1e-6 * np.linalg.norm(weights, 2)
    twice = np.hstack([weights, weights])  # the same class listed twice adds nothing
    assert compress_weights(twice, 1e-6)[0].shape[1] == u.shape[1]


def test_distinct_rows_finds_the_samples_that_repeat_up_to_a_phase():
    """Eight echoes of a readout repeated over 30 spoiled repetitions (each turned by its own
    RF phase) are 8 x 16 distinct samples; a different dephasing time is another sample."""
    from vetmri.simulation.lowrank import distinct_rows

    rng = np.random.default_rng(4)
    echo = rng.normal(size=(8 * 16, 5)) + 1j * rng.normal(size=(8 * 16, 5))
    tau = np.tile(np.linspace(-2e-3, 2e-3, 16), 8)
    turns = np.exp(1j * 0.5 * np.arange(30) ** 2)
    weights = (turns[:, None, None] * echo[None]).reshape(-1, 5)
    taus = np.tile(tau, 30)
    taus[-1] += 1e-6
    rows, inverse, phase = distinct_rows(weights, np.round(taus * 1e10))
    assert len(rows) == 8 * 16 + 1
    np.testing.assert_allclose(phase[:, None] * weights[rows][inverse], weights, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(taus[rows][inverse], taus)
    np.testing.assert_allclose(np.abs(phase), 1.0)
