"""Sequences written the way a pypulseq user writes them, for the simulator's foreign-file
tests: only pypulseq's own block, sinc and gauss pulses, trapezoids, delays and (optional)
labels, nothing of vetmri's sequence package.

``write_plain`` writes a 2D spin echo (``"se"``), an inversion-recovery spin echo
(``"irse"``), a turbo spin echo (``"tse"``) or an RF- and gradient-spoiled gradient echo
(``"gre"``), one slice at z = 0, readout along x, phase encoding along y. Block pulses carry
no slice-select gradient (they are non-selective, as pypulseq's ``make_block_pulse`` is),
so a block-pulse sequence images the projection of the phantom along z. The spin echoes
(not the TSE) put the phase encode before the refocusing pulse, which negates it: lines
written as -N/2 .. N/2 - 1 are read as N/2 .. -N/2 + 1.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from seqbuild import system

RASTER_S = 1e-5


def _round(t: float) -> float:
    return round(t / RASTER_S) * RASTER_S


def _pulse(pp, sysopts, pulse: str, flip: float, thickness: float, duration: float, use: str | None, phase=0.0):
    """(rf, gz or None, gz rephaser or None) of one of pypulseq's pulse shapes."""
    kw = {"use": use} if use else {}
    if pulse == "block":
        return pp.make_block_pulse(flip, duration=duration, phase_offset=phase, system=sysopts, **kw), None, None
    maker = pp.make_sinc_pulse if pulse == "sinc" else pp.make_gauss_pulse
    rf, gz, gzr = maker(flip, duration=duration, slice_thickness=thickness, time_bw_product=4, apodization=0.5,
                        phase_offset=phase, system=sysopts, return_gz=True, **kw)
    return rf, gz, gzr


def _play(seq, rf, gz):
    if gz is None:
        seq.add_block(rf)
    else:
        seq.add_block(rf, gz)


def write_plain(path: Path, kind: str, *, pulse: str = "sinc", labels: bool = True, use: bool = True, n: int = 48,
                fov: float = 0.144, thickness: float = 0.006, te: float = 0.02, tr: float = 0.6, ti: float = 0.18,
                etl: int = 1, flip_deg: float = 30.0, bw_per_px: float = 250.0, definitions: bool = False,
                spoil: bool = True, echoes: int = 1) -> Path:
    """Write one plain-pypulseq sequence (see the module docstring); ``te`` is the echo
    spacing of a TSE, ``tr`` runs from excitation (inversion) to the next; ``use=False``
    leaves every pulse's use undefined; ``definitions`` writes FOV, SliceThickness, TE and
    TR into ``[DEFINITIONS]``; ``spoil=False`` (GRE) drops the spoiler, the RF spoiling
    and rewinds the readout (an unspoiled steady state); ``echoes`` (GRE) reads each line at
    that many echoes, one readout gradient and a fly-back between them (a multi-echo GRE:
    several ADCs per TR at different TEs)."""
    import pypulseq as pp

    sysopts = system()
    seq = pp.Sequence(sysopts)
    dk = 1 / fov
    dwell = round(1 / (bw_per_px * n) / 1e-7) * 1e-7
    flat = math.ceil(n * dwell / RASTER_S) * RASTER_S
    gx = pp.make_trapezoid("x", flat_area=n * dk * flat / (n * dwell), flat_time=flat, system=sysopts)
    adc_delay = round((gx.rise_time + (flat - n * dwell) / 2) / 1e-6) * 1e-6  # on the RF raster, as pypulseq asks
    adc = pp.make_adc(n, dwell=dwell, delay=adc_delay, system=sysopts)
    gre = kind == "gre"
    exc_flip = math.radians(flip_deg) if gre else math.pi / 2
    duration = 1e-3 if pulse == "block" else 2e-3
    rf90, gz90, gz90r = _pulse(pp, sysopts, pulse, exc_flip, thickness, duration, "excitation" if use else None)
    rf180, gz180, _ = _pulse(pp, sysopts, pulse, math.pi, thickness * 1.2, duration, "refocusing" if use else None,
                             phase=math.pi / 2)
    rfi, gzi, _ = _pulse(pp, sysopts, pulse, math.pi, thickness * 2, duration, "inversion" if use else None)
    crush = pp.make_trapezoid("z", area=2 / thickness, duration=2e-3, system=sysopts)
    spoiler = pp.make_trapezoid("z", area=4 / thickness, duration=2e-3, system=sysopts)
    lines = np.arange(n) - n // 2
    per_shot = etl if kind == "tse" else 1
    shots = [lines[i::n // per_shot] for i in range(n // per_shot)]
    half_exc = (pp.calc_duration(gz90) if gz90 is not None else pp.calc_duration(rf90)) / 2
    half_ref = (pp.calc_duration(gz180) if gz180 is not None else pp.calc_duration(rf180)) / 2
    for index, shot in enumerate(shots):
        start = sum(seq.block_durations.values())
        if kind == "irse":
            _play(seq, rfi, gzi)
            seq.add_block(spoiler)
            inv = (pp.calc_duration(gzi) if gzi is not None else pp.calc_duration(rfi))
            seq.add_block(pp.make_delay(_round(ti - inv / 2 - 2e-3 - half_exc)))
        if gre and spoil:
            phase = math.radians(117 * index * (index + 1) / 2 % 360)
            rf90.phase_offset = adc.phase_offset = phase
        _play(seq, rf90, gz90)
        after_exc = 0.0
        if gz90r is not None:
            seq.add_block(gz90r)
            after_exc = pp.calc_duration(gz90r)

        def readout(line, echo):
            extra = [pp.make_label(type="SET", label="LIN", value=int(line + n // 2) % n),
                     pp.make_label(type="SET", label="ECO", value=echo)] if labels else []
            seq.add_block(gx, adc, *extra)

        if gre:
            seq.add_block(pp.make_trapezoid("x", area=-gx.area / 2, duration=2e-3, system=sysopts),
                          pp.make_trapezoid("y", area=shot[0] * dk, duration=2e-3, system=sysopts))
            seq.add_block(pp.make_delay(_round(te - half_exc - after_exc - 2e-3 - pp.calc_duration(gx) / 2)))
            readout(shot[0], 0)
            flyback = pp.make_trapezoid("x", area=-gx.area, system=sysopts)
            for echo in range(1, echoes):
                seq.add_block(flyback)
                readout(shot[0], echo)
            rewind = [pp.make_trapezoid("y", area=-shot[0] * dk, duration=2e-3, system=sysopts)]
            if spoil:
                rewind.append(spoiler)
            else:  # balanced: the readout and the next slice-select lobe's first half rewound
                rewind.append(pp.make_trapezoid("x", area=-gx.area / 2, duration=2e-3, system=sysopts))
                if gz90 is not None:
                    rewind.append(pp.make_trapezoid("z", area=-gz90.area / 2, duration=2e-3, system=sysopts))
            seq.add_block(*rewind)
        else:
            # the readout prephaser before the refocusing pulse (negated by it); a plain spin echo
            # encodes its line there too, written as +line (so the line read is -line)
            early = [pp.make_trapezoid("y", area=shot[0] * dk, duration=2e-3, system=sysopts)] if kind != "tse" else []
            seq.add_block(pp.make_trapezoid("x", area=gx.area / 2, duration=2e-3, system=sysopts), *early)
            gap = te / 2 - half_exc - after_exc - 2e-3 - 2e-3 - half_ref
            seq.add_block(pp.make_delay(_round(gap)))
            for echo, line in enumerate(shot):
                seq.add_block(crush)
                _play(seq, rf180, gz180)
                seq.add_block(crush)
                if early:  # encoded before the pulse: rewound as read (-line)
                    seq.add_block(pp.make_delay(2e-3))
                    line = -line
                else:
                    seq.add_block(pp.make_trapezoid("y", area=line * dk, duration=2e-3, system=sysopts))
                gap = te / 2 - half_ref - 4e-3 - pp.calc_duration(gx) / 2
                seq.add_block(pp.make_delay(_round(gap)))
                readout(line, echo)
                seq.add_block(pp.make_delay(_round(gap)))
                seq.add_block(pp.make_trapezoid("y", area=-line * dk, duration=2e-3, system=sysopts))
            seq.add_block(spoiler)
        used = sum(seq.block_durations.values()) - start
        seq.add_block(pp.make_delay(_round(tr - used)))
    if definitions:
        seq.set_definition("FOV", [fov, fov, thickness])
        seq.set_definition("SliceThickness", thickness)
        if echoes > 1:
            spacing = pp.calc_duration(flyback) + pp.calc_duration(gx)
            seq.set_definition("TE", [te + k * spacing for k in range(echoes)])
        else:
            seq.set_definition("TE", te)
        seq.set_definition("TR", tr)
    seq.write(str(path))
    return path
