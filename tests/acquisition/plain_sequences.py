"""A 2D gradient echo written with plain pypulseq and no encoding labels, as another tool
would write it (the simulator must find its encoding from the k-space trajectory)."""

from __future__ import annotations

import math
from pathlib import Path

from seqbuild import system


def write_unlabelled_gre(path: Path, *, n: int = 48, fov: float = 0.16, thickness: float = 0.006,
                         te: float = 0.012, tr: float = 0.1, flip_deg: float = 30.0) -> Path:
    """Readout along x, phase encoding along y, one transverse slice at z = 0; no labels."""
    import pypulseq as pp

    sysopts = system()
    seq = pp.Sequence(sysopts)
    dk = 1 / fov
    dwell = round(1 / (250.0 * n) / 1e-7) * 1e-7
    flat = math.ceil(n * dwell / 1e-5) * 1e-5
    gx = pp.make_trapezoid("x", flat_area=n * dk * flat / (n * dwell), flat_time=flat, system=sysopts)
    adc = pp.make_adc(n, dwell=dwell, delay=gx.rise_time + (flat - n * dwell) / 2, system=sysopts)
    gx_pre = pp.make_trapezoid("x", area=-gx.area / 2, duration=2e-3, system=sysopts)
    rf, gz, gzr = pp.make_sinc_pulse(math.radians(flip_deg), duration=2e-3, slice_thickness=thickness,
                                     apodization=0.5, time_bw_product=4, system=sysopts, return_gz=True,
                                     use="excitation")
    for i, line in enumerate(range(-n // 2, n // 2)):
        rf.phase_offset = adc.phase_offset = math.radians(117 * i * (i + 1) / 2 % 360)
        seq.add_block(rf, gz)
        seq.add_block(gzr)
        seq.add_block(gx_pre, pp.make_trapezoid("y", area=line * dk, duration=2e-3, system=sysopts))
        fill = te - pp.calc_duration(gz) / 2 - pp.calc_duration(gzr) - 2e-3 - pp.calc_duration(gx) / 2
        seq.add_block(pp.make_delay(round(fill / 1e-5) * 1e-5))
        seq.add_block(gx, adc)
        seq.add_block(pp.make_trapezoid("y", area=-line * dk, duration=2e-3, system=sysopts),
                      pp.make_trapezoid("z", area=4 / thickness, duration=2e-3, system=sysopts))
        used = sum(seq.block_durations.values()) - i * tr
        seq.add_block(pp.make_delay(round((tr - used) / 1e-5) * 1e-5))
    seq.write(str(path))
    return path
