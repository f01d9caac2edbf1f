"""Each reconstruction step, shown to matter: leaving it out measurably worsens NRMSE,
ghosting or uniformity on data that need it (analytic phantom k-space, no inverse crime)."""

import numpy as np
import pytest

from tests.recon.simulated_scan import Scan, nrmse
from vetmri.recon import ReconOptions, reconstruct_series
from vetmri.recon.analytic_phantom import Ellipsoid, disc_phantom
from vetmri.recon.qa import ghosting_ratio, uniformity

#: Multi-coil CS at 2.5x may have at most this times the error of the fully sampled image
#: (measured 1.08; zero filling of the same lines is 1.26).
CS_MARGIN = 1.15


def recon(tmp_path, scan, options=ReconOptions(), name="scan"):
    path = tmp_path / f"{name}.h5"
    group = scan.write(path)
    return reconstruct_series(path, group, options)


def scaled_error(image, truth):
    """NRMSE after the best intensity scale (receive gain is arbitrary)."""
    m = np.abs(image)
    return nrmse(m * np.sum(truth * m) / np.sum(m * m), truth)


def test_prewhitening_helps_with_correlated_unequal_channels(tmp_path):
    options = dict(shading_correction="off", coil_combine="rss")
    brain = Scan().truth() > 0.3

    def snr(**kw):
        a = recon(tmp_path, Scan(coils=4, noise_sigma=0.05, seed=1), ReconOptions(**options, **kw), f"a{kw}").volumes[0].magnitude[0]
        b = recon(tmp_path, Scan(coils=4, noise_sigma=0.05, seed=2), ReconOptions(**options, **kw), f"b{kw}").volumes[0].magnitude[0]
        return ((a + b) / 2)[brain].mean() / ((a - b)[brain].std() / np.sqrt(2))

    assert snr() > 1.1 * snr(prewhiten=False)


def test_oversampling_removal_keeps_the_fov_and_avoids_fold_over(tmp_path):
    wide = (Ellipsoid(1.0, (0.0, 0.0, 0.0), (0.14, 0.06, 0.05)),)  # wider than the 0.2 m FOV along the readout
    truth = Scan(shapes=wide).truth()
    folded = recon(tmp_path, Scan(shapes=wide, oversampling=1), name="a").volumes[0]
    removed = recon(tmp_path, Scan(shapes=wide, oversampling=2), name="b").volumes[0]
    kept = recon(tmp_path, Scan(shapes=wide, oversampling=2), ReconOptions(remove_oversampling=False), "c").volumes[0]
    assert removed.magnitude.shape == (1, 64, 64) and kept.magnitude.shape == (1, 64, 128)
    assert scaled_error(removed.magnitude[0], truth) < 0.5 * scaled_error(folded.magnitude[0], truth)
    assert kept.geometry[0].pixel_spacing_m[1] == pytest.approx(removed.geometry[0].pixel_spacing_m[1] / 2)


def test_drift_correction_removes_ghosts(tmp_path):
    scan = Scan(drift_hz_per_s=2.0, navigator_every=4, noise_sigma=0.005, tr_s=0.1)  # 15 Hz over the scan
    on = recon(tmp_path, scan, name="a")
    off = recon(tmp_path, scan, ReconOptions(drift_correction=False), name="b")
    steady = recon(tmp_path, Scan(navigator_every=4, noise_sigma=0.005, tr_s=0.1), name="c")
    assert "frequency-drift correction" in on.steps
    assert on.details["drift_hz_range"][1] == pytest.approx(15.0, abs=0.5)
    truth = scan.truth()
    g_on, g_off, g_steady = (ghosting_ratio(r.volumes[0].magnitude[0], truth > 0.05) for r in (on, off, steady))
    assert g_on - g_steady < 0.3 * (g_off - g_steady)
    assert scaled_error(on.volumes[0].magnitude[0], truth) < scaled_error(off.volumes[0].magnitude[0], truth)


def test_averaging_lowers_the_error(tmp_path):
    scan = Scan(averages=4, noise_sigma=0.08)
    truth = scan.truth()
    averaged = recon(tmp_path, scan, name="a")
    single = recon(tmp_path, scan, ReconOptions(average=False), name="b")
    assert "averaging" in averaged.steps
    assert scaled_error(averaged.volumes[0].magnitude[0], truth) < 0.75 * scaled_error(single.volumes[0].magnitude[0], truth)


def test_partial_fourier_pocs_beats_zero_filling(tmp_path):
    lines = np.zeros(64, bool)
    lines[20:] = True  # 44 of 64 lines: 11/16 partial Fourier
    scan = Scan(lines_sampled=lines, noise_sigma=0.002, image_phase_cycles_per_m=(3.0, -2.0))
    truth = scan.truth()
    pf = recon(tmp_path, scan, name="a")
    zero = recon(tmp_path, scan, ReconOptions(partial_fourier=False), name="b")
    assert pf.method == "fft" and "partial Fourier (POCS)" in pf.steps
    assert scaled_error(pf.volumes[0].magnitude[0], truth) < 0.8 * scaled_error(zero.volumes[0].magnitude[0], truth)


def test_partial_fourier_homodyne_beats_zero_filling(tmp_path):
    lines = np.zeros(64, bool)
    lines[24:] = True  # 40 of 64 lines: 5/8 partial Fourier
    scan = Scan(lines_sampled=lines, noise_sigma=0.002, image_phase_cycles_per_m=(3.0, -2.0))
    truth = scan.truth()
    homodyne = recon(tmp_path, scan, ReconOptions(partial_fourier_method="homodyne"), name="a")
    zero = recon(tmp_path, scan, ReconOptions(partial_fourier=False), name="b")
    assert "partial Fourier (homodyne)" in homodyne.steps and "partial Fourier (POCS)" not in homodyne.steps
    assert scaled_error(homodyne.volumes[0].magnitude[0], truth) < 0.85 * scaled_error(zero.volumes[0].magnitude[0], truth)


def test_adaptive_combination_beats_rss_at_low_snr(tmp_path):
    scan = Scan(coils=4, noise_sigma=0.15)
    truth = scan.truth()
    adaptive = recon(tmp_path, scan, ReconOptions(shading_correction="off"), name="a").volumes[0].magnitude[0]
    rss = recon(tmp_path, scan, ReconOptions(coil_combine="rss", shading_correction="off"), name="b").volumes[0].magnitude[0]
    background = truth == 0
    # RSS adds a noise floor (chi distribution) where there is no signal
    assert adaptive[background].mean() < 0.75 * rss[background].mean()


def test_shading_correction_restores_uniformity(tmp_path):
    scan = Scan(coils=4, shapes=disc_phantom(0.2, 0.35), noise_sigma=0.002)
    corrected = recon(tmp_path, scan, name="a").volumes[0].magnitude[0]
    shaded = recon(tmp_path, scan, ReconOptions(shading_correction="off"), name="b").volumes[0].magnitude[0]
    inner = scan.truth() > 0.99
    assert uniformity(corrected, inner) > uniformity(shaded, inner) + 0.05


def test_undersampled_scan_goes_to_compressed_sensing(tmp_path):
    from vetmri.recon.sampling import variable_density_mask

    scan = Scan(matrix=96, lines_sampled=variable_density_mask(96, 3, seed=2), noise_sigma=0.03)
    truth = scan.truth()
    cs = recon(tmp_path, scan, name="a")
    zero_filled = recon(tmp_path, scan, ReconOptions(method="fft"), name="b")
    assert cs.method == "cs" and cs.details["cs"]["lambda"] > 0
    assert scaled_error(cs.volumes[0].magnitude[0], truth) < 0.6 * scaled_error(zero_filled.volumes[0].magnitude[0], truth)


def test_wavelet_compressed_sensing_beats_zero_filling(tmp_path):
    from vetmri.recon.sampling import variable_density_mask

    scan = Scan(matrix=96, lines_sampled=variable_density_mask(96, 3, seed=2), noise_sigma=0.03)
    truth = scan.truth()
    wavelet = recon(tmp_path, scan, ReconOptions(cs_regulariser="wavelet"), name="a")
    zero_filled = recon(tmp_path, scan, ReconOptions(method="fft"), name="b")
    assert "compressed sensing (L1 wavelet)" in wavelet.steps and wavelet.details["cs"]["regulariser"].startswith("L1 wavelet")
    # weaker than total variation on this piecewise-constant phantom, but clearly better than zero filling
    assert scaled_error(wavelet.volumes[0].magnitude[0], truth) < 0.8 * scaled_error(zero_filled.volumes[0].magnitude[0], truth)


def test_multicoil_undersampled_scan_uses_sense_cs(tmp_path):
    from vetmri.recon.sampling import variable_density_mask

    scan = Scan(coils=4, lines_sampled=variable_density_mask(64, 2.5, seed=4), noise_sigma=0.02)
    truth = scan.truth()
    cs = recon(tmp_path, scan, ReconOptions(shading_correction="off"), name="a")
    zero_filled = recon(tmp_path, scan, ReconOptions(method="fft", shading_correction="off"), name="b")
    assert cs.method == "cs"
    assert scaled_error(cs.volumes[0].magnitude[0], truth) < scaled_error(zero_filled.volumes[0].magnitude[0], truth)


def test_denoising_lowers_the_error_and_is_recorded(tmp_path):
    scan = Scan(noise_sigma=0.1, matrix=96)
    truth = scan.truth()
    plain = recon(tmp_path, scan, name="a")
    for method in ("nlm", "tv"):
        denoised = recon(tmp_path, scan, ReconOptions(denoise=method), name=method)
        assert f"denoising ({method})" in denoised.steps and denoised.metadata()["details"]["denoise"]["method"] == method
        assert scaled_error(denoised.volumes[0].magnitude[0], truth) < 0.8 * scaled_error(plain.volumes[0].magnitude[0], truth)


def test_multicoil_cs_comes_close_to_the_fully_sampled_image(tmp_path):
    """Against the fully sampled scan of the same coils and noise, not only zero filling:
    2.5x undersampled SENSE-TV stays within a margin of its error."""
    from vetmri.recon.sampling import variable_density_mask

    full_scan = Scan(coils=4, noise_sigma=0.02)
    truth = full_scan.truth()
    options = ReconOptions(shading_correction="off")
    full = scaled_error(recon(tmp_path, full_scan, options, name="full").volumes[0].magnitude[0], truth)
    scan = Scan(coils=4, lines_sampled=variable_density_mask(64, 2.5, seed=4), noise_sigma=0.02)
    cs = scaled_error(recon(tmp_path, scan, options, name="cs").volumes[0].magnitude[0], truth)
    zero_filled = scaled_error(recon(tmp_path, scan, ReconOptions(method="fft", shading_correction="off"), name="zf").volumes[0].magnitude[0], truth)
    assert cs < CS_MARGIN * full < zero_filled


def test_the_denoisers_noise_level_is_that_of_the_averaged_image():
    """k-space lines that are the mean of N averages (some lines of fewer) leave an image
    noise of the sample's over about sqrt(N): the denoiser must be told that, not the
    single sample's noise (it would smooth sqrt(N) times too hard)."""
    import numpy as np

    from vetmri.recon.denoise import image_noise_factor

    rng = np.random.default_rng(3)
    counts = np.full(96, 3)
    counts[:8] = 1  # a few lines of one average only
    lines = [(rng.standard_normal((c, 64)) + 1j * rng.standard_normal((c, 64))).mean(axis=0) / np.sqrt(2)
             for c in counts]
    image = np.fft.ifft2(np.array(lines), norm="ortho")
    measured = float(np.sqrt(np.mean(np.abs(image) ** 2)))
    assert abs(image_noise_factor(counts) - measured) < 0.03 * measured
    assert abs(image_noise_factor(np.full(96, 4)) - 0.5) < 1e-12
