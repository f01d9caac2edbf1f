"""The signal engine against independent expectations: analytic signal equations, the SNR
scaling law, inversion nulling, and edits of a written .seq with plain pypulseq."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from vetmri.errors import OperationFailedError, UserInputError
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom, load_phantom_text

from line_image import line_image
from seqbuild import write_se

N = 64
QUIET = EffectOptions(noise=False, b0_inhomogeneity=False)
TUBE_X_MM = (-30, 0, 30)
TUBES = ((0.2, 0.05), (0.6, 0.1), (1.5, 0.3))

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def image(result, channel=0, n=N):
    return line_image(result, n, channel)


def tube_means(img, fov_mm=128.0, n=N):
    px = fov_mm / n
    return np.array([np.abs(img[n // 2 - 2:n // 2 + 3, n // 2 + int(x / px) - 2:n // 2 + int(x / px) + 3]).mean()
                     for x in TUBE_X_MM])


def se_signal(t1, t2, tr, te):
    return (1 - 2 * math.exp(-(tr - te / 2) / t1) + math.exp(-tr / t1)) * math.exp(-te / t2)


def test_spin_echo_tube_ratios_follow_the_signal_equation(tmp_path):
    tr, te = 0.5, 0.02
    result = simulate_sequence(write_se(tmp_path / "se.seq", n=N, te=te, tr=tr), load_phantom("test_tubes"), options=QUIET)
    measured = tube_means(image(result))
    expected = np.array([se_signal(t1, t2, tr, te) for t1, t2 in TUBES])
    assert measured / measured[1] == pytest.approx(expected / expected[1], rel=0.04)


def test_gradient_echo_steady_state_follows_the_spoiled_equation(tmp_path):
    tr, te, flip = 0.1, 0.01, math.radians(30)
    path = write_se(tmp_path / "gre.seq", n=N, te=te, tr=tr, gre=True, flip_deg=30)
    measured = tube_means(image(simulate_sequence(path, load_phantom("test_tubes"), options=QUIET)))

    def spoiled(t1, t2):
        e1 = math.exp(-tr / t1)
        return math.sin(flip) * (1 - e1) / (1 - math.cos(flip) * e1) * math.exp(-te / t2)

    expected = np.array([spoiled(*p) for p in TUBES])
    # gradient spoiling alone leaves transverse coherence for long T2 (tube 3): only the
    # short-T2 tubes must follow the ideal spoiled equation
    assert measured[0] / measured[1] == pytest.approx(expected[0] / expected[1], rel=0.05)


FAT_WATER = """
[phantom]
name = "fat and water"
description = "two tubes"
species = ["none"]
region = "test"
reference_weight_kg = 1

[[shapes]]
type = "cylinder"
centre_mm = [-30, 0, 0]
radius_mm = 10
length_mm = 80
tissue = "fat"

[[shapes]]
type = "cylinder"
centre_mm = [30, 0, 0]
radius_mm = 10
length_mm = 80
tissue = "csf"
"""


def test_stir_nulls_fat_at_its_0_2_tesla_inversion_time(tmp_path):
    phantom = load_phantom_text(FAT_WATER)
    fat_ti = 0.260 * math.log(2)  # 180 ms
    stir = tube_means(image(simulate_sequence(write_se(tmp_path / "stir.seq", n=N, ti=fat_ti, tr=3.0), phantom, options=QUIET)))
    plain = tube_means(image(simulate_sequence(write_se(tmp_path / "se.seq", n=N, tr=3.0), phantom, options=QUIET)))
    assert stir[0] < 0.05 * plain[0]
    assert stir[2] > 0.3 * plain[2]  # CSF stays


def test_flair_nulls_csf_at_its_0_2_tesla_inversion_time(tmp_path):
    phantom = load_phantom_text(FAT_WATER)
    tr = 9.0
    ti = 4.2 * math.log(2 / (1 + math.exp(-tr / 4.2)))  # 2.45 s
    flair = tube_means(image(simulate_sequence(write_se(tmp_path / "flair.seq", n=N, ti=ti, tr=tr), phantom, options=QUIET)))
    plain = tube_means(image(simulate_sequence(write_se(tmp_path / "se.seq", n=N, tr=tr), phantom, options=QUIET)))
    assert flair[2] < 0.05 * plain[2]
    assert flair[0] > 0.5 * plain[0]  # fat stays


def test_tse_contrast_follows_the_effective_echo_time(tmp_path):
    # ETL 8, 20 ms echo spacing, linear order: the k-space centre sits where the 4th echo's
    # band (TE 80 ms) meets the 5th's (TE 100 ms), so the effective TE is 90 ms
    result = simulate_sequence(write_se(tmp_path / "tse.seq", n=N, etl=8, te=0.02, tr=3.0), load_phantom("test_tubes"), options=QUIET)
    measured = tube_means(image(result))
    expected = np.array([se_signal(t1, t2, 3.0, 0.09) for t1, t2 in TUBES])
    assert measured / measured[1] == pytest.approx(expected / expected[1], rel=0.05)
    assert sorted({a.counters["ECO"] for a in result.acquisitions}) == list(range(8))


def _snr(result, noise_free):
    img = np.abs(image(result))
    ref = np.abs(image(noise_free))
    inside = ref > 0.5 * ref.max()
    # the difference to the noise-free run is pure noise everywhere in the image: its
    # spread over every pixel (real and imaginary) is measured to about 1 %, where the few
    # pixels inside the tubes alone gave a spread of about 10 % between seeds
    noise = image(result) - image(noise_free)
    return img[inside].mean() / np.std(np.concatenate([noise.real.ravel(), noise.imag.ravel()]))


def test_snr_doubles_with_four_times_the_averages(tmp_path):
    phantom = load_phantom("test_tubes")
    noisy = EffectOptions(b0_inhomogeneity=False, seed=3)
    one = write_se(tmp_path / "a1.seq", n=N, tr=0.3, averages=1)
    four = write_se(tmp_path / "a4.seq", n=N, tr=0.3, averages=4)
    snr1 = _snr(simulate_sequence(one, phantom, options=noisy), simulate_sequence(one, phantom, options=QUIET))
    snr4 = _snr(simulate_sequence(four, phantom, options=noisy), simulate_sequence(four, phantom, options=QUIET))
    assert snr4 / snr1 == pytest.approx(2.0, rel=0.12)


def test_snr_halves_with_half_the_slice_thickness(tmp_path):
    phantom = load_phantom("test_tubes")
    noisy = EffectOptions(b0_inhomogeneity=False, seed=4)
    thick = write_se(tmp_path / "t6.seq", n=N, tr=0.3, thickness=0.006)
    thin = write_se(tmp_path / "t3.seq", n=N, tr=0.3, thickness=0.003)
    snr_thick = _snr(simulate_sequence(thick, phantom, options=noisy), simulate_sequence(thick, phantom, options=QUIET))
    snr_thin = _snr(simulate_sequence(thin, phantom, options=noisy), simulate_sequence(thin, phantom, options=QUIET))
    assert snr_thin / snr_thick == pytest.approx(0.5, rel=0.12)


def test_equal_seeds_give_equal_data_and_other_seeds_do_not(tmp_path):
    path = write_se(tmp_path / "se.seq", n=32, fov=0.128, tr=0.2)
    phantom = load_phantom("test_tubes")
    a = simulate_sequence(path, phantom, options=EffectOptions(seed=7, coil="head_large"))
    b = simulate_sequence(path, phantom, options=EffectOptions(seed=7, coil="head_large"))
    c = simulate_sequence(path, phantom, options=EffectOptions(seed=8, coil="head_large"))
    assert a.channels == 4 and a.acquisitions[0].samples.shape == (4, 32)
    assert np.array_equal(a.acquisitions[5].samples, b.acquisitions[5].samples)
    assert not np.array_equal(a.acquisitions[5].samples, c.acquisitions[5].samples)


def _edit_seq(src, dst, edit):
    import pypulseq as pp

    seq = pp.Sequence()
    seq.read(str(src))
    edit(seq, pp)
    seq.write(str(dst))
    return dst


def test_te_plus_20_ms_in_the_written_seq_scales_each_tube_by_its_t2_decay(tmp_path):
    original = write_se(tmp_path / "se.seq", n=N, te=0.02, tr=2.0)

    def longer_te(seq, pp):
        # the two pure delays around the refocusing pulse each grow by 10 ms
        keys = list(seq.block_events)
        delays = [i for i in keys if all(getattr(seq.get_block(i), a) is None for a in ("rf", "gx", "gy", "gz", "adc"))]
        firsts = []
        for i in delays:
            nxt = keys.index(i) + 1
            if nxt < len(keys):
                b = seq.get_block(keys[nxt])
                if b.adc is not None or (b.gz is not None and b.rf is None and keys.index(i) + 2 < len(keys)
                                         and seq.get_block(keys[nxt + 1]).rf is not None):
                    firsts.append(i)
        for i in firsts:
            seq.block_durations[i] += 0.010

    edited = _edit_seq(original, tmp_path / "se_te40.seq", longer_te)
    phantom = load_phantom("test_tubes")
    before = tube_means(image(simulate_sequence(original, phantom, options=QUIET)))
    after = tube_means(image(simulate_sequence(edited, phantom, options=QUIET)))
    predicted = np.array([se_signal(t1, t2, 2.0 + 0.02, 0.04) / se_signal(t1, t2, 2.0, 0.02) for t1, t2 in TUBES])
    assert after / before == pytest.approx(predicted, rel=0.03)


def test_reversed_phase_encode_order_in_the_seq_reverses_acquisition_but_not_the_image(tmp_path):
    original = write_se(tmp_path / "se.seq", n=N, te=0.02, tr=2.0)

    def reverse(seq, pp):
        keys = list(seq.block_events)
        starts = [i for i, key in enumerate(keys) if seq.get_block(key).rf is not None
                  and seq.get_block(key).rf.use == "excitation"]
        chunks = [keys[s:e] for s, e in zip(starts, starts[1:] + [len(keys)])]
        events = [seq.block_events[k] for chunk in chunks[::-1] for k in chunk]
        durations = [seq.block_durations[k] for chunk in chunks[::-1] for k in chunk]
        seq.block_events.clear()
        seq.block_durations.clear()
        for i, (ev, du) in enumerate(zip(events, durations), start=1):
            seq.block_events[i] = ev
            seq.block_durations[i] = du

    edited = _edit_seq(original, tmp_path / "se_rev.seq", reverse)
    phantom = load_phantom("test_tubes")
    a = simulate_sequence(original, phantom, options=QUIET)
    b = simulate_sequence(edited, phantom, options=QUIET)
    lines_a = [x.counters["LIN"] for x in a.acquisitions]
    lines_b = [x.counters["LIN"] for x in b.acquisitions]
    assert lines_b == lines_a[::-1]
    ia, ib = np.abs(image(a)), np.abs(image(b))
    assert np.max(np.abs(ia - ib)) < 0.02 * ia.max()


def test_bad_sequences_and_impossible_options_get_clear_errors(tmp_path):
    phantom = load_phantom("test_tubes")
    junk = tmp_path / "junk.seq"
    junk.write_text("this is not pulseq\n")
    with pytest.raises(UserInputError, match="is not a Pulseq file|not a readable Pulseq file|has no blocks"):
        simulate_sequence(junk, phantom)
    with pytest.raises(UserInputError, match="does not exist"):
        simulate_sequence(tmp_path / "missing.seq", phantom)
    path = write_se(tmp_path / "se.seq", n=32, tr=0.2)
    with pytest.raises(UserInputError, match="no coil 'birdcage'"):
        simulate_sequence(path, phantom, options=EffectOptions(coil="birdcage"))
    with pytest.raises(UserInputError, match="B1 scale"):
        simulate_sequence(path, phantom, options=EffectOptions(b1_scale=10))
    with pytest.raises(UserInputError, match="motion"):
        simulate_sequence(path, phantom, options=EffectOptions(motion="dancing"))


def test_magnet_drift_shifts_the_image_along_the_readout_by_offset_over_bandwidth(tmp_path):
    path = write_se(tmp_path / "se.seq", n=N, tr=0.3, bw_per_px=200.0)
    phantom = load_phantom("test_tubes")
    calibrated = np.abs(image(simulate_sequence(path, phantom, options=QUIET)))
    warm = EffectOptions(noise=False, b0_inhomogeneity=False, magnet_temperature_change_k=0.02)
    drifted = np.abs(image(simulate_sequence(path, phantom, options=warm)))
    columns = np.arange(N)
    shift = (drifted.sum(0) @ columns) / drifted.sum() - (calibrated.sum(0) @ columns) / calibrated.sum()
    offset_hz = 8.5155e6 * -0.0012 * 0.02  # -204 Hz
    assert abs(shift) == pytest.approx(abs(offset_hz) / 200.0, rel=0.15)
