"""Plain-pypulseq sequences against their signal equations: the cases of
``tests/simulation/test_foreign_sequences.py`` and of ``benchmarks/foreign_sequences.py``.

Each case writes one sequence with :func:`plain_pulseq.write_plain`, simulates it without
noise or field maps on a phantom of tubes of known T1/T2, and measures the tubes' mean
magnitudes in the image the workstation's encoding gives. Contrast cases compare the ratios
of the tubes to the middle one with the signal equation; null cases compare the nulled
tissue's signal with its signal in the same sequence without the inversion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from foreign_image import foreign_image, tube_means
from plain_pulseq import write_plain

FOV_M = 0.144
N = 48
#: test_tubes: (T1, T2) of the tubes at x = -30, 0, +30 mm
TUBES = ((0.2, 0.05), (0.6, 0.1), (1.5, 0.3))
#: fat (x = -30 mm) and CSF (x = +30 mm), the tissue library's values at 0.2 T
FAT, CSF = (0.26, 0.07), (4.2, 1.99)

FAT_CSF_PHANTOM = """
[phantom]
name = "fat and csf"
description = "two tubes"
species = ["none"]
region = "test"
reference_weight_kg = 1

[[shapes]]
type = "cylinder"
centre_mm = [-30, 0, 0]
radius_mm = 10
length_mm = 100
tissue = "fat"

[[shapes]]
type = "cylinder"
centre_mm = [30, 0, 0]
radius_mm = 10
length_mm = 100
tissue = "csf"
"""


def spin_echo(t1: float, t2: float, tr: float, te: float, ti: float | None = None) -> float:
    """Steady-state spin echo (90-180), with an inversion ``ti`` before the excitation;
    ``tr`` from one repetition's first pulse to the next one's; transverse magnetisation
    spoiled at the end of each repetition."""
    e = lambda t: math.exp(-t / t1)  # noqa: E731
    if ti is None:
        z_exc = 1 - 2 * e(tr - te / 2) + e(tr)  # the closed form of the fixed point below
        return z_exc * math.exp(-te / t2)
    a = 1.0  # Mz before the inversion, iterated to its steady state
    for _ in range(200):
        z_exc = 1 - (1 + a) * e(ti)
        z_ref = 1 - e(te / 2)
        a = 1 - (1 + z_ref) * e(tr - ti - te / 2)
    return z_exc * math.exp(-te / t2)


def spoiled_gre(t1: float, t2: float, tr: float, te: float, flip_deg: float) -> float:
    a, e1 = math.radians(flip_deg), math.exp(-tr / t1)
    return math.sin(a) * (1 - e1) / (1 - math.cos(a) * e1) * math.exp(-te / t2)


def null_ti(t1: float, tr: float, te: float) -> float:
    """The inversion time that nulls a tissue in :func:`spin_echo`."""
    return brentq(lambda ti: spin_echo(t1, 1.0, tr, te, ti), 1e-3, tr - te)


@dataclass(frozen=True)
class Case:
    """One sequence and what the signal equation expects of it.

    ``kind``: se, tse, gre (contrast of the three test tubes), bal (the GRE without spoiling,
    balanced: no equation, a case the engine only flags) or stir, flair (a null in the
    fat and CSF phantom)."""

    kind: str
    pulse: str
    labels: bool
    use: bool = True

    @property
    def name(self) -> str:
        kind = "GRE unspoiled" if self.kind == "bal" else self.kind.upper()
        return f"{kind} {self.pulse}{'' if self.labels else ', no labels'}{'' if self.use else ', no use'}"


TR = {"se": 0.6, "tse": 3.0, "gre": 0.1, "bal": 0.1, "stir": 3.0, "flair": 9.0}
TE = {"se": 0.02, "tse": 0.02, "gre": 0.01, "bal": 0.01, "stir": 0.02, "flair": 0.02}
GRE_FLIP_DEG = 30.0
TSE_ETL = 8


def expected(case: Case) -> np.ndarray:
    """The case's expected ratios to the middle tube (contrast) or its null (0)."""
    tr, te = TR[case.kind], TE[case.kind]
    if case.kind == "se":
        s = np.array([spin_echo(t1, t2, tr, te) for t1, t2 in TUBES])
    elif case.kind == "tse":
        # linear order in 6 shots of 8 echoes: the k-space centre lies where the band of the
        # 4th echo (lines -6..-1, 80 ms) meets the 5th's (0..5, 100 ms): effective TE 90 ms
        s = np.array([spin_echo(t1, t2, tr, 4.5 * te) for t1, t2 in TUBES])
    elif case.kind == "gre":
        s = np.array([spoiled_gre(t1, t2, tr, te, GRE_FLIP_DEG) for t1, t2 in TUBES])
    elif case.kind == "bal":
        return np.full(3, np.nan)
    else:
        return np.array([0.0])
    return s / s[1]


def measure(case: Case, folder: Path) -> tuple[np.ndarray, object]:
    """The simulated counterpart of :func:`expected` and the simulation result.

    Contrast: tube means over the middle tube. GRE: only tubes 1 and 2 (spoiling leaves
    coherence in the long-T2 tube 3; the value for tube 3 is reported, not compared).
    Null: the nulled tissue's signal over its signal without the inversion."""
    from vetmri.simulation.effects import EffectOptions
    from vetmri.simulation.engine import simulate_sequence
    from vetmri.simulation.phantom import load_phantom, load_phantom_text

    quiet = EffectOptions(noise=False, b0_inhomogeneity=False)
    tr, te = TR[case.kind], TE[case.kind]
    common = dict(pulse=case.pulse, labels=case.labels, use=case.use, n=N, fov=FOV_M, tr=tr, te=te)
    if case.kind in ("se", "tse", "gre", "bal"):
        kind, spoil = ("gre", False) if case.kind == "bal" else (case.kind, True)
        path = write_plain(folder / f"{case.kind}.seq", kind, etl=TSE_ETL, flip_deg=GRE_FLIP_DEG, spoil=spoil, **common)
        result = simulate_sequence(path, load_phantom("test_tubes"), options=quiet)
        m = tube_means(foreign_image(result), FOV_M)
        return m / m[1], result
    phantom = load_phantom_text(FAT_CSF_PHANTOM)
    t1 = FAT[0] if case.kind == "stir" else CSF[0]
    ti = null_ti(t1, tr, te)
    inverted = write_plain(folder / f"{case.kind}.seq", "irse", ti=ti, **common)
    plain = write_plain(folder / f"{case.kind}_plain.seq", "se", **common)
    result = simulate_sequence(inverted, phantom, options=quiet)
    with_ir = tube_means(foreign_image(result), FOV_M, (-0.03, 0.03))
    without = tube_means(foreign_image(simulate_sequence(plain, phantom, options=quiet)), FOV_M, (-0.03, 0.03))
    nulled = 0 if case.kind == "stir" else 1
    return np.array([with_ir[nulled] / without[nulled]]), result
