"""Predicted image SNR: voxel volume, sampling time, tissue contrast and coil.

``SNR = K x coil_factor x voxel_volume x sqrt(N_phase x N_partitions x N_averages / BW_px)
x contrast(tissue, sequence)``, the expected mean signal of the region's main tissue over
the noise standard deviation of one magnitude image. SNR grows with voxel volume and with
the square root of the total sampling time (SCANNER.md, "SNR at low field"; Macovski,
MRM 36:494, 1996); accelerated scans acquire fewer lines and lose that square root.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "REFERENCE_COIL_DIAMETER_M",
    "REFERENCE_WHITE_MATTER",
    "SNR_CONSTANT",
    "Relaxation",
    "coil_factor",
    "contrast",
    "predicted_snr",
]


@dataclass(frozen=True)
class Relaxation:
    """Relaxation and relative proton density of one tissue at the scanner's field."""

    t1_s: float
    t2_s: float
    t2star_s: float
    proton_density: float


# -- Calibration (the one place it lives) ----------------------------------------------------
# Target (SCANNER.md): a 0.2 T dog-brain T2 TSE with 1 x 1 x 4 mm voxels, 160 phase lines,
# 2 averages and 100 Hz per pixel in the 240 mm head coil gives white-matter SNR 15-30; we
# take the middle, 20. White matter of the tissue library (phantoms/tissues.toml: T1 315 ms,
# T2 80 ms, PD 0.617) at TR 3000 ms and TE 100 ms has the spin-echo contrast
# 0.617 x (1 - exp(-3000/315)) x exp(-100/80) = 0.1767. The
# simulator is calibrated to the same target; once it runs, K is checked against series
# simulated for a 3 kg cat and a 35 kg dog brain (agreement within 20 %).
_REFERENCE_SNR = 20.0
_REFERENCE_VOXEL_M3 = 1e-3 * 1e-3 * 4e-3
_REFERENCE_ROOT_TIME = math.sqrt(160 * 2 / 100.0)
#: White matter of the tissue library (tests/protocols/test_snr.py checks it is the library's).
REFERENCE_WHITE_MATTER = Relaxation(t1_s=0.315, t2_s=0.080, t2star_s=0.0323, proton_density=0.617)
_REFERENCE_CONTRAST = (REFERENCE_WHITE_MATTER.proton_density * (1 - math.exp(-3.0 / REFERENCE_WHITE_MATTER.t1_s))
                       * math.exp(-0.1 / REFERENCE_WHITE_MATTER.t2_s))

# Checked against the simulator (tests/acquisition/test_snr_agreement.py), whose noise is
# calibrated on this same reference protocol (vetmri/simulation/engine.py): the simulated
# reference measures white-matter SNR 20, and T2 TSE series planned for a 3 kg cat and a
# 35 kg dog agree with this model within 20 %.
#: SNR per cubic metre of voxel, per sqrt(second) of sampling, at unit contrast in the
#: reference coil.
SNR_CONSTANT = _REFERENCE_SNR / (_REFERENCE_VOXEL_M3 * _REFERENCE_ROOT_TIME * _REFERENCE_CONTRAST)
#: Diameter of the coil the constant refers to (the large head coil).
REFERENCE_COIL_DIAMETER_M = 0.24


def coil_factor(inner_diameter_m: float) -> float:
    """SNR of a coil relative to the reference coil.

    At low field the coil's own resistance dominates the noise, and the SNR of a coil fitted
    to its sample grows about as the inverse of its radius (Hoult and Richards, JMR 24:71,
    1976; Hoult and Lauterbur, JMR 34:425, 1979): a model, to be checked on the phantom.
    """
    return REFERENCE_COIL_DIAMETER_M / inner_diameter_m


def contrast(sequence: str, tissue: Relaxation, *, tr_s: float, te_s: float,
             ti_s: float | None = None, flip_angle_deg: float = 90.0) -> float:
    """Steady-state signal of a tissue as a fraction of fully relaxed M0 (unitless).

    - spin echo and turbo spin echo: PD (1 - exp(-TR/T1)) exp(-TE/T2)
    - spoiled gradient echo (2D, 3D, localizer): the Ernst equation,
      PD sin(a) (1 - E1) / (1 - cos(a) E1) exp(-TE/T2*), E1 = exp(-TR/T1)
    - inversion recovery (STIR, FLAIR): PD |1 - 2 exp(-TI/T1) + exp(-TR/T1)| exp(-TE/T2)
    """
    pd = tissue.proton_density
    e1 = math.exp(-tr_s / tissue.t1_s)
    if sequence in ("se", "tse"):
        return pd * (1 - e1) * math.exp(-te_s / tissue.t2_s)
    if sequence == "ir_tse":
        assert ti_s is not None
        return pd * abs(1 - 2 * math.exp(-ti_s / tissue.t1_s) + e1) * math.exp(-te_s / tissue.t2_s)
    a = math.radians(flip_angle_deg)
    return pd * math.sin(a) * (1 - e1) / (1 - math.cos(a) * e1) * math.exp(-te_s / tissue.t2star_s)


def predicted_snr(*, voxel_m3: float, phase_lines: int, partitions: int, averages: int,
                  bandwidth_hz_per_px: float, contrast_factor: float, coil_diameter_m: float) -> float:
    """Expected SNR of the main tissue in one image (see the module docstring).

    ``phase_lines`` and ``partitions`` count the lines actually acquired.
    """
    root_time = math.sqrt(phase_lines * partitions * averages / bandwidth_hz_per_px)
    return SNR_CONSTANT * coil_factor(coil_diameter_m) * voxel_m3 * root_time * contrast_factor
