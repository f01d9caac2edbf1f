"""Window/level and its presets per contrast."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.viewing.window import WindowLevel, apply_window, contrast_of, robust_maximum, window_presets


def test_the_window_maps_its_ends_to_black_and_white():
    image = np.array([[0.0, 50.0, 100.0, 150.0, 200.0]])
    grey = apply_window(image, WindowLevel(level=100.0, width=100.0))
    assert grey.tolist() == [[0, 0, 128, 255, 255]]
    assert WindowLevel(100, 100).moved(level_step=10, width_factor=2) == WindowLevel(110, 200)
    with pytest.raises(ValueError):
        WindowLevel(0, 0)


@pytest.mark.parametrize("description, timing, contrast", [
    ("T2 TSE transverse", {}, "T2"), ("FLAIR transverse", {}, "FLAIR"), ("T1 SE transverse post-contrast", {}, "T1"),
    ("STIR dorsal", {}, "STIR"), ("Localizer 3-plane", {}, "other"), ("ax 3", {"te_s": 0.1, "tr_s": 3.0}, "T2"),
    ("ax 3", {"te_s": 0.015, "tr_s": 0.5}, "T1"), ("ax 3", {"ti_s": 2.2}, "FLAIR"),
])
def test_the_contrast_comes_from_the_description_else_the_timing(description, timing, contrast):
    assert contrast_of(description, **timing) == contrast


def test_presets_scale_with_the_series_signal():
    image = np.concatenate([np.linspace(0, 1000, 10_000), [1e6]])  # one hot pixel does not set the scale
    reference = robust_maximum(image)
    assert 990 < reference < 1000
    brain = window_presets("T2")[0]
    assert brain.name == "brain"
    window = brain.window(reference)
    assert window.low == pytest.approx(0.0) and window.high == pytest.approx(0.6 * reference)
    assert [p.name for p in window_presets("nonsense")] == [p.name for p in window_presets("other")]
