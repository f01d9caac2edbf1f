"""The image keeps its physical shape on the screen whatever its pixel spacing, and zoom
and pan move what is shown."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.viewing.viewport import Viewport, resample, sample_grid


def _disc(rows: int, cols: int, spacing: tuple[float, float], radius_mm: float) -> np.ndarray:
    r = (np.arange(rows) - (rows - 1) / 2) * spacing[0]
    c = (np.arange(cols) - (cols - 1) / 2) * spacing[1]
    return (r[:, None] ** 2 + c[None, :] ** 2 <= radius_mm ** 2).astype(np.float32)


@pytest.mark.parametrize("shape, spacing", [((64, 64), (1.0, 1.0)), ((64, 32), (1.0, 2.0)), ((40, 80), (1.5, 0.75))])
def test_a_disc_stays_round_with_any_pixel_spacing(shape, spacing):
    image = _disc(*shape, spacing, radius_mm=20.0)
    grid = sample_grid(shape, spacing, (48, 80))  # half-block samples of 80 x 24 cells
    shown = resample(image, grid) > 0.5
    rows, cols = np.flatnonzero(shown.any(axis=1)), np.flatnonzero(shown.any(axis=0))
    height, width = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert abs(height - width) <= 1
    assert grid.row_step * spacing[0] == pytest.approx(grid.col_step * spacing[1])


def test_the_whole_image_fits_at_zoom_1_and_zoom_2_shows_the_middle_twice_as_large():
    grid = sample_grid((64, 64), (1.0, 1.0), (40, 100))
    top, left = grid.image_point(0, 0)
    bottom, right = grid.image_point(39, 99)
    assert top == pytest.approx(-0.5 + 0.0, abs=1.0) and bottom == pytest.approx(63.5, abs=1.0)
    assert left < 0 and right > 63  # the wide area has background beside the image
    zoomed = sample_grid((64, 64), (1.0, 1.0), (40, 100), Viewport(zoom=2.0))
    assert zoomed.row_step == pytest.approx(grid.row_step / 2)
    assert zoomed.image_point(19.5, 49.5) == pytest.approx((31.5, 31.5))


def test_pan_moves_the_centre_and_stays_on_the_image():
    view = Viewport(zoom=4.0).panned((64, 64), 10, -100)
    assert (view.centre_row, view.centre_col) == (41.5, 0.0)
    grid = sample_grid((64, 64), (1.0, 1.0), (20, 20), view)
    assert grid.image_point(9.5, 9.5) == pytest.approx((41.5, 0.0))
    assert Viewport().zoomed(0.5).zoom == 1.0 and Viewport().zoomed(100).zoom == 16.0


def test_resampling_keeps_values_and_fills_outside():
    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    grid = sample_grid((4, 4), (1.0, 1.0), (4, 8))  # the image in the middle four columns
    out = resample(image, grid, fill=-1)
    np.testing.assert_allclose(out[:, 2:6], image)
    assert (out[:, :2] == -1).all() and (out[:, 6:] == -1).all()
    with pytest.raises(ValueError, match="pixel spacing"):
        sample_grid((4, 4), (0.0, 1.0), (4, 4))
