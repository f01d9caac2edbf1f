"""Lesion regions and their backgrounds from the phantom's ground truth."""

from dataclasses import replace

import numpy as np
import pytest

from vetmri.acquisition.lesion_rois import lesion_regions, pixel_positions
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.protocols.quality import partial_volume
from vetmri.recon.geometry import SliceGeometry
from vetmri.simulation.rasterise import tissue_labels


def _transverse(thickness_m, z_m=0.0, pixel_m=0.9e-3, n=128):
    first = (-(n // 2) * pixel_m, -(n // 2) * pixel_m, z_m)
    return SliceGeometry((0.0, 0.0, z_m), first, (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, -1.0),
                         (pixel_m, pixel_m), thickness_m), (n, n)


@pytest.fixture(scope="module")
def head():
    return phantom_for_exam("dog", "brain", 35.0, lesions=True)


@pytest.mark.parametrize("name", ["metastasis 2 mm", "metastasis 1 mm", "metastasis 3 mm", "metastasis 5 mm"])
def test_the_background_of_each_small_brain_lesion_is_its_own_white_matter_only(head, name):
    geometry, shape = _transverse(4e-3)
    lesion = next(s for s in head.lesions() if s.name == name)
    regions = lesion_regions(lesion, head, geometry, shape)
    assert regions.host == "white_matter"
    assert regions.background.sum() >= 20  # enough pixels for a noise estimate
    # every background pixel centre is white matter (no CSF cleft, ventricle or other lesion)
    centres = pixel_positions(geometry, shape)[regions.background]
    for x, y, z in centres[:: max(1, len(centres) // 15)]:
        labels, tissues = tissue_labels(head, np.array([x]), np.array([y]), np.array([z]))
        assert tissues[labels[0, 0, 0]].name == "white_matter"
    assert not (regions.background & regions.lesion).any()


def test_a_lesion_thinner_than_the_slice_never_fills_a_voxel(head):
    lesion = next(s for s in head.lesions() if s.name == "metastasis 2 mm")  # scaled with the head: 2.7 mm at 35 kg
    d = 2 * float(lesion.semi_axes_m.max())
    thick = lesion_regions(lesion, head, *_transverse(4e-3))
    thin = lesion_regions(lesion, head, *_transverse(2e-3))
    # the measure samples 8 points through the slice: a fraction is known to 1/8
    assert thick.fraction.max() <= d / 4e-3 + 1 / 8
    assert thick.fraction.max() < 1.0
    assert thick.mean_fraction < d / 4e-3 and thick.mean_fraction < thin.mean_fraction
    # the prediction's partial volume is the same measure
    assert abs(partial_volume(d, (0.9e-3, 0.9e-3), 4e-3) - thick.mean_fraction) < 0.08
    # off the slice centre by more than half the slice plus its radius it is not in the slice
    assert lesion_regions(lesion, head, *_transverse(4e-3, z_m=3.3e-3)) is None
    shifted = lesion_regions(lesion, head, *_transverse(4e-3, z_m=1.5e-3))
    assert shifted.fraction.max() < thick.fraction.max()


def test_an_oblique_slice_is_refused_with_a_reason(head):
    geometry, shape = _transverse(4e-3)
    s = np.sqrt(0.5)
    oblique = replace(geometry, row_direction=(s, s, 0.0), column_direction=(-s, s, 0.0))
    with pytest.raises(ValueError, match="oblique"):
        lesion_regions(head.lesions()[-1], head, oblique, shape)
