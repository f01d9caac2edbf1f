import pytest

from vetmri.protocols.events import rasters_of, readout_for, shortest_trapezoid
from vetmri.protocols.timing import TimingInput, design_timing
from vetmri.scanner.profile import load_profile

PROFILE = load_profile()
R = rasters_of(PROFILE)
KINDS = ["gre", "se", "tse", "ir_tse", "gre3d"]


def _timing(kind, slice_m=0.004):
    return design_timing(TimingInput(
        kind=kind, flip_angle_deg=20 if "gre" in kind else 90, fov_read_m=0.15, fov_phase_m=0.12,
        read_samples=160, phase_lines=128, slice_m=0.001 if kind == "gre3d" else slice_m,
        partitions=48 if kind == "gre3d" else 1, bandwidth_hz_per_px=100, echo_train_length=8,
        centre_echo=5), R)


@pytest.mark.parametrize("kind", KINDS)
def test_at_min_te_the_tightest_delay_is_zero_and_one_raster_step_less_is_negative(kind):
    t = _timing(kind)
    delays = t.delays_us(t.min_te_us, t.min_ti_us)
    assert min(delays.values()) >= 0
    shorter = t.delays_us(t.min_te_us - R.grad_us, t.min_ti_us)
    assert min(shorter.values()) < 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_designed_gradient_respects_the_profile(kind):
    t = _timing(kind)
    blocks = [t.prephaser, t.spoiler, t.phase_blip, t.rewinder, t.inversion_spoiler]
    traps = [g for b in blocks if b for g in (b.read, b.phase, b.slice) if g]
    traps += [b.gradient for b in (t.excitation, t.refocusing, t.inversion) if b]
    traps.append(t.readout.gradient)
    for g in traps:
        assert abs(g.amplitude_t_per_m) <= PROFILE.gradients.max_amplitude_t_per_m * (1 + 1e-12)
        assert abs(g.amplitude_t_per_m) / (g.rise_us * 1e-6) <= PROFILE.gradients.max_slew_t_per_m_per_s * (1 + 1e-12)
        assert g.rise_us % R.grad_us == 0 and g.flat_us % R.grad_us == 0


def test_thin_slices_get_longer_rf_pulses_to_stay_within_the_gradient():
    thick, thin = _timing("se", 0.005), _timing("se", 0.0015)
    assert thin.excitation.rf.duration_us > thick.excitation.rf.duration_us
    assert thin.excitation.gradient.amplitude_t_per_m <= PROFILE.gradients.max_amplitude_t_per_m


@pytest.mark.parametrize("area", [1e-7, 3e-6, 2e-5, -4e-5])
def test_shortest_trapezoid_has_the_exact_area(area):
    t = shortest_trapezoid(area, R)
    assert t.area_t_s_per_m == pytest.approx(area, rel=1e-12)
    assert abs(t.amplitude_t_per_m) <= R.max_grad_t_per_m


def test_readout_window_is_on_the_rasters_and_centred_on_the_plateau():
    r = readout_for(256, 0.2, 130.0, R)
    assert r.dwell_ns % R.adc_ns == 0
    assert (r.samples * r.dwell_ns) % 2000 == 0
    assert r.bandwidth_hz_per_px == pytest.approx(130.0, rel=0.01)
    window_us = r.samples * r.dwell_ns / 1000
    assert r.adc_delay_us + window_us / 2 == r.echo_us
