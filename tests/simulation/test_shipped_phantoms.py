import numpy as np
import pytest

from vetmri.simulation.phantom import list_phantoms, load_phantom, scale_phantom
from vetmri.simulation.rasterise import tissue_fractions

REQUIRED = {"dog_brain", "cat_brain", "rabbit_brain", "dog_spine", "cat_spine", "dog_stifle",
            "qa_phantom", "test_tubes"}


def test_the_required_phantoms_ship():
    assert REQUIRED <= set(list_phantoms())


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_shipped_phantom_loads_and_fits_the_bore(name):
    phantom = load_phantom(name)
    big = scale_phantom(phantom, weight_kg=phantom.weight_range_kg[1], lesions=True)
    low, high = big.extent_m()
    assert np.all((high - low)[:2] < 0.30)  # across the 300 mm bore


def _tissues_on_line(phantom, axis, fixed):
    coords = [np.array([f]) for f in fixed]
    coords[axis] = np.arange(-0.12, 0.12, 0.2e-3)
    fractions, tissues = tissue_fractions(phantom, *coords, supersample=1)
    return {t.name for t, f in zip(tissues, fractions) if f.sum() > 0}


def test_dog_head_has_the_anatomy_a_reader_expects():
    head = load_phantom("dog_brain")
    across = _tissues_on_line(head, 0, (0, 0.012, 0.0))  # right -> left through the cerebrum
    assert {"fat", "muscle", "cortical_bone", "bone_marrow", "csf", "grey_matter", "white_matter"} <= across
    front = _tissues_on_line(head, 0, (0, 0.007, 0.048))  # through the eyes
    assert {"vitreous", "lens"} <= front
    nose = _tissues_on_line(head, 0, (0, -0.01, 0.08))
    assert {"air", "mucosa"} <= nose


def test_dog_spine_has_bodies_discs_cord_and_epidural_fat():
    spine = load_phantom("dog_spine")
    along = _tissues_on_line(spine, 2, (0, -0.015, 0))
    assert {"bone_marrow", "disc_nucleus", "disc_annulus"} <= along
    canal = _tissues_on_line(spine, 1, (0.0, 0, 0.0))
    assert {"cord", "csf", "fat"} <= canal


def test_a_heavier_dog_has_a_larger_but_not_proportionally_larger_brain():
    head = load_phantom("dog_brain")
    small, large = scale_phantom(head, weight_kg=2), scale_phantom(head, weight_kg=40)
    ratio = large.scale_factor / small.scale_factor
    assert 1.2 < ratio < 20 ** (1 / 3)  # brain grows much less than isometrically
