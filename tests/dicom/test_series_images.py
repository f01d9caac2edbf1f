"""A series' pixels and geometry read from DICOM files on disk (files of a real simulated
exam), and files that cannot be shown refused in one sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tui.review_data import simulated_studies  # noqa: F401
from vetmri.dicom.series_images import read_series_images
from vetmri.errors import UserInputError
from vetmri.viewing.slices import series_slices


def _folders(data: Path) -> list[Path]:
    return sorted(data.glob("studies/*/dicom/*_T2_TSE_transverse"))


def test_a_series_is_read_in_order_with_its_geometry(simulated_studies):  # noqa: F811
    folder = _folders(simulated_studies)[0]
    series = read_series_images(folder)
    assert series.description == "T2 TSE transverse" and series.echo_time_s == pytest.approx(0.1)
    assert [i.instance_number for i in series.images] == [1, 2, 3, 4, 5]
    assert all(i.pixels.shape == (64, 64) and i.pixel_spacing_mm == (1.5625, 1.5625) for i in series.images)
    view = series_slices(folder)
    assert view.contrast == "T2" and view.reference > 0
    steps = np.diff([s.location_mm for s in view.slices])
    assert np.allclose(steps, steps[0]) and abs(steps[0]) > 1
    assert view.nearest_slice(view.slices[3].centre_mm) == 3


def test_what_cannot_be_shown_is_one_sentence(tmp_path, simulated_studies):  # noqa: F811
    with pytest.raises(UserInputError, match="does not exist"):
        read_series_images(tmp_path / "gone")
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(UserInputError, match="is not a DICOM file"):
        read_series_images(tmp_path)
    prior, current = _folders(simulated_studies)
    with pytest.raises(UserInputError, match="belongs to another series"):
        read_series_images([*sorted(prior.iterdir())[:1], *sorted(current.iterdir())[:1]])
