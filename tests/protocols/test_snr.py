"""The planner's tissues are the simulator's: one table of 0.2 T values for both."""

from __future__ import annotations

import math

import pytest

from vetmri.protocols.library import load_library
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.snr import REFERENCE_WHITE_MATTER
from vetmri.tissues import load_tissue_library


def test_the_snr_reference_is_the_library_white_matter():
    wm = load_tissue_library().get("white_matter")
    assert (REFERENCE_WHITE_MATTER.t1_s, REFERENCE_WHITE_MATTER.t2_s, REFERENCE_WHITE_MATTER.proton_density) == \
        pytest.approx((wm.t1_s, wm.t2_s, wm.pd))


def test_every_tissue_that_gives_signal_is_planned_with_the_library_values():
    library = load_tissue_library()
    planned = load_library().tissues
    assert set(planned) == {t.name for t in library.tissues if t.pd > 0}
    for tissue in library.tissues:
        if tissue.pd == 0:
            continue
        relax = planned[tissue.name]
        assert (relax.t1_s, relax.t2_s, relax.proton_density) == (tissue.t1_s, tissue.t2_s, tissue.pd)
        # T2* is shorter than both T2 and the tissue's own T2'
        assert relax.t2star_s < min(tissue.t2_s, tissue.t2prime_s)


@pytest.mark.parametrize("series_kind, tissue", [("FLAIR", "csf"), ("STIR", "fat")])
def test_inversion_times_null_the_simulated_tissue(series_kind, tissue):
    """The planned TI is where the library tissue's longitudinal magnetization crosses zero."""
    plan = plan_exam("dog", 35.0, "brain") if series_kind == "FLAIR" else plan_exam("dog", 35.0, "stifle")
    chosen = [s for s in plan.series if s.parameters.ti_s and series_kind in s.parameters.name]
    assert chosen, f"the plan has no {series_kind} series"
    p = chosen[0].parameters
    t1 = load_tissue_library().get(tissue).t1_s
    mz = 1 - 2 * math.exp(-p.ti_s / t1) + math.exp(-p.tr_s / t1)
    assert abs(mz) < 0.01
