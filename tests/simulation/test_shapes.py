"""The closed-form transforms against a brute-force DFT of a very fine rasterisation."""

import numpy as np
import pytest

from vetmri.simulation.phantom import load_phantom_text
from vetmri.simulation.rasterise import tissue_fractions
from vetmri.simulation.shapes import shape_fourier_transform

SHAPE = """
[phantom]
name = "one"
description = "one shape"
species = ["none"]
region = "test"
reference_weight_kg = 1

[[shapes]]
type = "{kind}"
centre_mm = [3, -2, 1]
rotation_deg = [20, 0, 35]
{size}
tissue = "water"
"""

SIZES = {
    "ellipsoid": "semi_axes_mm = [9, 6, 4]",
    "cylinder": "radii_mm = [7, 5]\nlength_mm = 10",
    "box": "size_mm = [14, 9, 6]",
}


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_analytic_transform_matches_fine_dft(kind):
    shape = load_phantom_text(SHAPE.format(kind=kind, size=SIZES[kind])).shapes[0]
    step = 0.25e-3
    axis = (np.arange(112) - 55.5) * step  # 28 mm cube of 0.25 mm cells
    fractions, _ = tissue_fractions(load_phantom_text(SHAPE.format(kind=kind, size=SIZES[kind])),
                                    axis, axis, axis, supersample=2)
    volume = fractions[0].astype(float) * step**3
    rng = np.random.default_rng(1)
    k = rng.uniform(-150, 150, size=(12, 3))  # up to 1 / (6.7 mm): the range an image uses
    k[0] = 0
    exact = shape_fourier_transform(shape, k)
    ex, ey, ez = (np.exp(-2j * np.pi * np.outer(k[:, i], axis)) for i in range(3))
    dft = np.einsum("xyz,kx,ky,kz->k", volume, ex, ey, ez)
    assert exact[0].real == pytest.approx(volume.sum(), rel=0.01)
    assert np.max(np.abs(dft - exact)) < 0.01 * abs(exact[0])


@pytest.mark.parametrize("kind", sorted(SIZES))
def test_grid_containment_equals_the_point_test(kind):
    """The rasteriser's separable test and the per-point test agree on a rotated shape,
    except where a grid point lies on the surface to rounding precision."""
    from vetmri.simulation.shapes import shape_contains, shape_contains_grid

    shape = load_phantom_text(SHAPE.format(kind=kind, size=SIZES[kind])).shapes[0]
    x = np.linspace(-14e-3, 16e-3, 61)
    y = np.linspace(-15e-3, 11e-3, 47)
    z = np.linspace(-9e-3, 12e-3, 29)
    points = np.stack(np.meshgrid(x, y, z, indexing="ij"), axis=-1)
    expected = shape_contains(shape, points)
    got = shape_contains_grid(shape, x, y, z)
    assert got.shape == expected.shape
    assert expected.sum() > 500  # the grid cuts through the shape
    assert np.count_nonzero(got != expected) <= 2
