"""The contrast preview: the phantom at a series' contrast from the signal equations."""

import numpy as np
import pytest

from vetmri.acquisition.contrast_preview import contrast_preview
from vetmri.errors import UserInputError
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam


def brightest_share(picture: np.ndarray) -> float:
    inside = picture[picture > 0]
    return float(np.mean(inside > 0.9))


def test_fluid_is_bright_on_t2_and_dark_on_flair_and_te_changes_the_picture():
    plan = plan_exam("dog", 28.0, "brain")
    names = [s.parameters.name for s in plan.series]
    t2 = contrast_preview(plan, names.index("T2 TSE transverse"), rows=40, columns=40)
    flair = contrast_preview(plan, names.index("FLAIR transverse"), rows=40, columns=40)
    assert t2.shape == (40, 40) and t2.max() == pytest.approx(1.0) and t2.min() == 0.0
    # The ventricles: the brightest pixels on T2 are suppressed on FLAIR.
    ventricles = t2 > 0.95
    assert ventricles.any() and flair[ventricles].mean() < 0.3 * t2[ventricles].mean()
    longer = plan_exam("dog", 28.0, "brain", overrides=[parse_override("te_ms=200", names.index("T2 TSE transverse"))])
    heavier = contrast_preview(longer, names.index("T2 TSE transverse"), rows=40, columns=40)
    assert not np.allclose(heavier, t2) and brightest_share(heavier) < brightest_share(t2) + 1e-9


def test_a_region_without_a_phantom_says_so():
    plan = plan_exam("ferret", 1.2, "brain")
    with pytest.raises(UserInputError, match="no phantom"):
        contrast_preview(plan, 1)
