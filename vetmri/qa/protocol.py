"""The QA scan and what the phantom's file says it should show.

The QA scan is fixed, like the ACR's: a T1 spin echo (TR 500 ms, TE 20 ms, 100 Hz/pixel)
of three 5 mm transverse slices 24 mm apart, 128 x 128 over 200 mm, one average, readout
left-right. The phantom file (``phantoms/qa_phantom.toml``) puts a uniform section under
the first slice (SNR, uniformity, ghosting, diameters), the geometry grid under the second
and the two slice-thickness ramps under the third. It is planned with the protocol
library's T1 SE template, so the sequence, its timing checks and the raw header are those
of any exam; the coil is the profile's QA coil.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from vetmri.errors import UserInputError
from vetmri.protocols.plan import ExamPlan
from vetmri.scanner.profile import QaLimits, ScannerProfile

__all__ = [
    "CALIBRATION_STEPS",
    "PHANTOM",
    "QA_OVERRIDES",
    "SLICE_ROLES",
    "PhantomFacts",
    "phantom_facts",
    "qa_limits",
    "qa_plan",
]

#: The shipped phantom the QA scans (the one a real scanner's phantom is built after).
PHANTOM = "qa_phantom"
#: The QA series' parameters over the T1 SE template (protocols' override syntax).
QA_OVERRIDES = ("fov_mm=200,200", "matrix=128,128", "slices=3", "slice_mm=5", "slice_gap_mm=19",
                "averages=1", "tr_ms=500", "te_ms=20", "bandwidth_hz_per_px=100")
#: What each slice of the QA series shows, by slice index (z = -24, 0, +24 mm).
SLICE_ROLES = ("uniform", "grid", "ramps")
#: Calibration before the QA scan: the Larmor search, the noise scan and the RF amplitude,
#: but not the shim: QA images the magnet on its own (stored) shim, so a field that has
#: changed shows in the images rather than being corrected away.
CALIBRATION_STEPS = ("larmor", "noise", "rf", "larmor_final")
_TEMPLATE = "t1_se_tra"
# The planner plans the series for an animal; a 30 kg dog's head is what fits the large
# head coil like the 150 mm phantom. Only the template and the overrides above matter.
_PLANNED_AS = ("dog", 30.0, "brain")


@dataclass(frozen=True)
class PhantomFacts:
    """Known dimensions of the QA phantom, from its file.

    Attributes
    ----------
    diameter_m : float
        Diameter of the fill (what the image shows).
    ramp_slope : float
        Rise over run of the slice-thickness ramps (0.1 for 1:10).
    ramp_rows_m : tuple of float
        Scanner y of the two ramps' centres, metres.
    ramp_length_m : float
        Length of each ramp along x, metres.
    """

    diameter_m: float
    ramp_slope: float
    ramp_rows_m: tuple[float, float]
    ramp_length_m: float


def phantom_facts(phantom) -> PhantomFacts:
    """Read the diameter and the ramps off a :class:`~vetmri.simulation.phantom.Phantom`.

    Raises
    ------
    UserInputError
        The phantom has no ``fill`` cylinder or not two ``ramp`` shapes.
    """
    shapes = {s.name: s for s in phantom.shapes}
    fill = shapes.get("fill")
    ramps = [s for s in phantom.shapes if s.name in ("ramp 1", "ramp 2") and s.kind == "box"]
    if fill is None or len(ramps) != 2:
        raise UserInputError(f"The QA phantom {phantom.name!r} needs a 'fill' cylinder and the boxes 'ramp 1' and 'ramp 2'; "
                             "use the shipped qa_phantom.")
    long_axis = [s.rotation[:, int(np.argmax(s.semi_axes_m))] for s in ramps]
    slopes = [abs(a[2]) / math.hypot(a[0], a[1]) for a in long_axis]
    return PhantomFacts(
        diameter_m=float(2 * fill.semi_axes_m[0]),
        ramp_slope=float(np.mean(slopes)),
        ramp_rows_m=(float(ramps[0].centre_m[1]), float(ramps[1].centre_m[1])),
        ramp_length_m=float(2 * max(ramps[0].semi_axes_m)),
    )


def qa_limits(profile: ScannerProfile) -> QaLimits:
    """The profile's QA limits.

    Raises
    ------
    UserInputError
        The profile has no ``[qa]`` table.
    """
    if profile.qa is None:
        raise UserInputError(f"The scanner profile {profile.name!r} has no [qa] limits; add the [qa] table "
                             "(see docs/scanner-profile.md) to run QA.")
    return profile.qa


def qa_plan(profile: ScannerProfile) -> ExamPlan:
    """The QA series as a one-series exam plan in the profile's QA coil.

    Raises
    ------
    UserInputError
        The profile cannot play the QA series (its limits are too tight), or has no QA limits.
    """
    from vetmri.protocols.overrides import parse_override
    from vetmri.protocols.planner import plan_exam

    limits = qa_limits(profile)
    species, weight, region = _PLANNED_AS
    plan = plan_exam(species, weight, region, overrides=[parse_override(t) for t in QA_OVERRIDES],
                     series_keys=[_TEMPLATE], profile=profile)
    series = plan.series[0]
    if not series.feasible:
        raise UserInputError(f"This scanner cannot play the QA series: {series.violations[0].message}.")
    series = replace(series, coil=limits.coil)
    return replace(plan, coil=limits.coil, series=(series,), warnings=())
