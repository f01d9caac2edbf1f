"""Sequences written with plain pypulseq (block, sinc and gauss pulses; SE, IR-SE, GRE,
TSE; with and without labels and RF use) simulated and compared with the signal equations:
contrast ratios within 5 %, inversion nulls below 0.03 of the tissue's uninverted signal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vetmri.scanner.profile import load_profile
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import prepare_sequence
from vetmri.simulation.phantom import load_phantom
from vetmri.simulation.seq_reader import read_sequence

from contrast_cases import Case, expected, measure
from plain_pulseq import write_plain
from seqbuild import system

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
QUIET = EffectOptions(noise=False, b0_inhomogeneity=False)


def _one_pulse(path, rf):
    """A sequence of one pulse and one readout (the reader needs an ADC)."""
    import pypulseq as pp

    sysopts = system()
    seq = pp.Sequence(sysopts)
    seq.add_block(rf)
    seq.add_block(pp.make_adc(64, dwell=1e-5, system=sysopts))
    seq.write(str(path))
    return path


def _rf(shape: str, flip: float, use: bool):
    import pypulseq as pp

    sysopts = system()
    kw = {"use": "excitation" if flip < 2 else "inversion"} if use else {}
    if shape == "block":
        return pp.make_block_pulse(flip, duration=1e-3, system=sysopts, **kw)
    if shape == "sinc":
        return pp.make_sinc_pulse(flip, duration=2e-3, time_bw_product=4, apodization=0.5, system=sysopts, **kw)
    if shape == "gauss":
        return pp.make_gauss_pulse(flip, duration=2e-3, time_bw_product=4, system=sysopts, **kw)
    # arbitrary: a Hann window on a coarser dwell than the raster, and a 3-point time shape
    if shape == "arbitrary":
        return pp.make_arbitrary_rf(np.hanning(200), flip, dwell=5e-6, system=sysopts, **kw)
    rf = pp.make_block_pulse(flip, duration=1e-3, system=sysopts, **kw)  # "triangle": a time shape of 3 points
    rf.t = np.array([0.0, 0.5e-3, 1e-3])
    rf.signal = np.array([0.0, 1.0, 0.0]) * flip / (2 * math.pi) / 0.5e-3
    rf.shape_dur = 1e-3
    return rf


@pytest.mark.parametrize("use", [True, False])
@pytest.mark.parametrize("flip_deg", [30.0, 90.0, 180.0])
@pytest.mark.parametrize("shape", ["block", "sinc", "gauss", "arbitrary", "triangle"])
def test_every_rf_shape_reads_back_with_the_flip_angle_pypulseq_wrote(tmp_path, shape, flip_deg, use):
    rf = _rf(shape, math.radians(flip_deg), use)
    events = read_sequence(_one_pulse(tmp_path / "rf.seq", rf), load_profile())
    assert math.degrees(events.rf[0].flip_rad) == pytest.approx(flip_deg, rel=1e-3)


def test_a_block_pulse_has_the_bandwidth_of_its_duration(tmp_path):
    # a rectangle of duration T: sinc spectrum, FWHM 1.207 / T
    events = read_sequence(_one_pulse(tmp_path / "rf.seq", _rf("block", math.pi / 2, True)), load_profile())
    assert events.rf[0].bandwidth_hz == pytest.approx(1.207 / 1e-3, rel=0.06)


CONTRASTS = [
    Case("se", "sinc", True), Case("se", "block", False, use=False), Case("se", "gauss", True),
    Case("tse", "sinc", True), Case("tse", "gauss", False), Case("tse", "block", True, use=False),
    Case("gre", "sinc", True), Case("gre", "block", False, use=False), Case("gre", "gauss", False),
]
NULLS = [
    Case("stir", "block", True, use=False), Case("stir", "sinc", False), Case("stir", "gauss", True),
    Case("flair", "block", False, use=False), Case("flair", "sinc", True), Case("flair", "gauss", True),
]


@pytest.mark.parametrize("case", CONTRASTS, ids=lambda c: c.name)
def test_plain_pypulseq_contrast_follows_the_signal_equation(tmp_path, case):
    measured, result = measure(case, tmp_path)
    want = expected(case)
    compared = slice(0, 2) if case.kind == "gre" else slice(0, 3)  # see contrast_cases.measure
    assert measured[compared] == pytest.approx(want[compared], rel=0.05)
    assert not result.notes  # every one of them is spoiled


@pytest.mark.parametrize("case", NULLS, ids=lambda c: c.name)
def test_plain_pypulseq_inversion_recovery_nulls_its_tissue(tmp_path, case):
    # block pulses, which read back at twice their flip angle before, invert nothing at 360 deg
    measured, result = measure(case, tmp_path)
    assert measured[0] < 0.03
    assert result.parameters.ti_s > 0.1


def test_an_unspoiled_steady_state_says_its_image_is_approximate(tmp_path):
    tubes = load_phantom("test_tubes")  # T2 up to 300 ms
    unspoiled = prepare_sequence(write_plain(tmp_path / "bal.seq", "gre", spoil=False, tr=0.1, te=0.01), tubes, options=QUIET)
    spoiled = prepare_sequence(write_plain(tmp_path / "gre.seq", "gre", tr=0.1, te=0.01), tubes, options=QUIET)
    long_tr = prepare_sequence(write_plain(tmp_path / "long.seq", "gre", spoil=False, tr=1.5, te=0.01), tubes, options=QUIET)
    assert len(unspoiled.notes) == 1 and "approximate" in unspoiled.notes[0] and "TR of 100 ms" in unspoiled.notes[0]
    assert not spoiled.notes and not long_tr.notes
    assert "approximate" in unspoiled.collect().notes[0]  # carried to the result
