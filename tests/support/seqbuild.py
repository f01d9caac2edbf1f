"""Small test sequences written with plain pypulseq within the scanner profile's limits."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from vetmri.scanner.profile import load_profile

PHASE_S = 3e-3  # duration of phase-encode and prephasing gradients


def system():
    import pypulseq as pp

    p = load_profile()
    return pp.Opts(
        max_grad=p.gradients.max_amplitude_t_per_m * 1e3, grad_unit="mT/m",
        max_slew=p.gradients.max_slew_t_per_m_per_s, slew_unit="T/m/s",
        rf_dead_time=p.rf.dead_time_s, rf_ringdown_time=p.rf.ringdown_time_s,
        adc_dead_time=p.adc.dead_time_s, grad_raster_time=p.timing.gradient_raster_time_s,
        rf_raster_time=p.timing.rf_raster_time_s, block_duration_raster=p.timing.block_duration_raster_s,
        adc_raster_time=p.adc.raster_time_s, B0=p.magnet.b0_t,
    )


def write_se(path: Path, *, n=64, fov=0.128, thickness=0.005, te=0.02, tr=0.5, ti=None, etl=1,
             averages=1, slices=(0.0,), slice_axis="z", readout_axis="x", bw_per_px=200.0,
             reverse_pe=False, gre=False, flip_deg=90.0) -> Path:
    """Spin echo / TSE (etl > 1) / inversion recovery (ti) / gradient echo (gre) 2D sequence."""
    import pypulseq as pp

    sysopts = system()
    seq = pp.Sequence(sysopts)
    pe_axis = ({"x", "y", "z"} - {slice_axis, readout_axis}).pop()
    dk = 1 / fov
    dwell = round(1 / (bw_per_px * n) / 1e-7) * 1e-7
    ro_time = n * dwell
    flat = math.ceil(ro_time / 1e-5) * 1e-5
    gx = pp.make_trapezoid(readout_axis, flat_area=n * dk * flat / ro_time, flat_time=flat, system=sysopts)
    adc = pp.make_adc(n, dwell=dwell, delay=gx.rise_time + (gx.flat_time - ro_time) / 2, system=sysopts)
    gx_pre = pp.make_trapezoid(readout_axis, area=gx.area / 2 * (-1 if gre else 1), duration=PHASE_S, system=sysopts)
    rf90, gz90, gz90r = pp.make_sinc_pulse(math.radians(flip_deg), duration=2e-3, slice_thickness=thickness, apodization=0.5,
                                           time_bw_product=4, system=sysopts, return_gz=True, use="excitation")
    gz90.channel = slice_axis
    gz90r.channel = slice_axis
    rf180, gz180, _ = pp.make_sinc_pulse(math.pi, duration=2.5e-3, slice_thickness=thickness * 1.2, apodization=0.5,
                                         time_bw_product=4, phase_offset=math.pi / 2, system=sysopts, return_gz=True,
                                         use="refocusing")
    gz180.channel = slice_axis
    crush = pp.make_trapezoid(slice_axis, area=2 / thickness, duration=2e-3, system=sysopts)
    lines = np.arange(n) - n // 2
    if reverse_pe:
        lines = lines[::-1]
    shots = [lines[i::n // etl] for i in range(n // etl)] if etl > 1 else [[l] for l in lines]
    for avg in range(averages):
        for shot in shots:
            for s_index, z0 in enumerate(slices):
                t_start = sum(seq.block_durations.values())
                if ti is not None:
                    rfi, gzi, _ = pp.make_sinc_pulse(math.pi, duration=3e-3, slice_thickness=thickness * 2, apodization=0.5,
                                                      time_bw_product=4, system=sysopts, return_gz=True, use="inversion")
                    gzi.channel = slice_axis
                    rfi.freq_offset = gzi.amplitude * z0
                    seq.add_block(rfi, gzi)
                    seq.add_block(pp.make_trapezoid(slice_axis, area=4 / thickness, duration=3e-3, system=sysopts))
                    seq.add_block(pp.make_delay(round((ti - 0.5 * pp.calc_duration(gzi) - 3e-3 - pp.calc_duration(gz90) / 2) / 1e-5) * 1e-5))
                rf90.freq_offset = gz90.amplitude * z0
                rf180.freq_offset = gz180.amplitude * z0
                seq.add_block(rf90, gz90)
                seq.add_block(gz90r)
                if gre:
                    gy = pp.make_trapezoid(pe_axis, area=shot[0] * dk, duration=PHASE_S, system=sysopts)
                    fill = te - pp.calc_duration(gz90) / 2 - pp.calc_duration(gz90r) - PHASE_S - pp.calc_duration(gx) / 2
                    seq.add_block(gx_pre, gy)
                    seq.add_block(pp.make_delay(round(fill / 1e-5) * 1e-5))
                    seq.add_block(gx, adc, pp.make_label(type="SET", label="LIN", value=int(shot[0] + n // 2)),
                                  pp.make_label(type="SET", label="SLC", value=s_index),
                                  pp.make_label(type="SET", label="AVG", value=avg))
                    seq.add_block(pp.make_trapezoid(pe_axis, area=-shot[0] * dk, duration=PHASE_S, system=sysopts), crush)
                else:
                    seq.add_block(gx_pre)
                    half = te / 2
                    d1 = half - pp.calc_duration(gz90) / 2 - pp.calc_duration(gz90r) - pp.calc_duration(gx_pre) \
                        - pp.calc_duration(crush) - pp.calc_duration(gz180) / 2
                    seq.add_block(pp.make_delay(round(d1 / 1e-5) * 1e-5))
                    for e, line in enumerate(shot):
                        seq.add_block(crush)
                        seq.add_block(rf180, gz180)
                        seq.add_block(crush)
                        gy = pp.make_trapezoid(pe_axis, area=line * dk, duration=PHASE_S, system=sysopts)
                        seq.add_block(gy)
                        d2 = half - pp.calc_duration(gz180) / 2 - pp.calc_duration(crush) - PHASE_S - pp.calc_duration(gx) / 2
                        seq.add_block(pp.make_delay(round(d2 / 1e-5) * 1e-5))
                        seq.add_block(gx, adc, pp.make_label(type="SET", label="LIN", value=int(line + n // 2)),
                                      pp.make_label(type="SET", label="SLC", value=s_index),
                                      pp.make_label(type="SET", label="AVG", value=avg),
                                      pp.make_label(type="SET", label="ECO", value=e))
                        seq.add_block(pp.make_delay(round(d2 / 1e-5) * 1e-5))
                        gyr = pp.make_trapezoid(pe_axis, area=-line * dk, duration=PHASE_S, system=sysopts)
                        seq.add_block(gyr)
                used = sum(seq.block_durations.values()) - t_start
                per_slice_tr = tr / len(slices)
                if per_slice_tr - used > 1e-5:
                    seq.add_block(pp.make_delay(round((per_slice_tr - used) / 1e-5) * 1e-5))
    seq.write(str(path))
    return path
