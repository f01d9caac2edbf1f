"""The block writer: a readout without a readout gradient (noise, FID) is an ADC alone."""

from pathlib import Path

import numpy as np
import pytest

from vetmri.acquisition.adjustment_scans import fid_scan, noise_scan
from vetmri.protocols.events import Readout, Trapezoid, rasters_of, readout_for
from vetmri.scanner.profile import load_profile
from vetmri.sequences.writer import BlockWriter

PROFILE = load_profile()


def _reread(writer: BlockWriter, path: Path):
    import pypulseq as pp

    writer.seq.write(str(path))
    seq = pp.Sequence()
    seq.read(str(path))
    return seq


def test_a_readout_with_zero_gradient_plays_its_adc_alone_for_the_whole_window(tmp_path: Path):
    r = rasters_of(PROFILE)
    plain = Readout(Trapezoid(0.0, r.grad_us, 2000, r.grad_us), 128, 10_000, 100, 2000 + 2 * r.grad_us)
    w = BlockWriter(PROFILE, {"read": "x", "phase": "y", "slice": "z"})
    w.readout(plain, acquire=True, labels={"LIN": 3}, phase_rad=0.0)
    seq = _reread(w, tmp_path / "noise.seq")
    block = seq.get_block(1)
    assert block.adc is not None and block.adc.num_samples == 128
    assert block.gx is None and block.gy is None and block.gz is None
    assert seq.block_durations[1] == pytest.approx(plain.duration_us * 1e-6)
    assert seq.check_timing()[0]


def test_a_readout_with_a_gradient_keeps_it(tmp_path: Path):
    readout = readout_for(64, 0.2, 200.0, rasters_of(PROFILE))
    w = BlockWriter(PROFILE, {"read": "y", "phase": "x", "slice": "z"})
    w.readout(readout, acquire=True, labels={}, phase_rad=0.0)
    block = _reread(w, tmp_path / "ro.seq").get_block(1)
    gamma = PROFILE.magnet.gamma_hz_per_t
    assert block.gy.amplitude == pytest.approx(readout.gradient.amplitude_t_per_m * gamma, rel=1e-6)


@pytest.mark.parametrize("text", [
    lambda: noise_scan(PROFILE, readouts=2, samples=64, dwell_s=20e-6),
    lambda: fid_scan(PROFILE, flips_deg=(90.0,), samples=64, dwell_s=100e-6),
])
def test_the_noise_and_fid_scans_switch_no_gradient_while_they_sample(text, tmp_path: Path):
    import pypulseq as pp

    path = tmp_path / "scan.seq"
    path.write_text(text())
    seq = pp.Sequence()
    seq.read(str(path))
    adc_blocks = [seq.get_block(i) for i in seq.block_events if seq.get_block(i).adc is not None]
    assert adc_blocks
    for block in adc_blocks:
        assert all(getattr(block, g) is None for g in ("gx", "gy", "gz"))
    assert np.all(np.isfinite(seq.calculate_kspace()[0]))
