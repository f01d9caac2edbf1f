"""One head exponent for the planner and the simulator: the head regions, their body
boxes and the head phantoms all scale with it, and the drawn head is the head planned for."""

import pytest

from vetmri.errors import UserInputError
from vetmri.protocols.allometry import HEAD_SIZE_EXPONENT
from vetmri.protocols.library import load_library
from vetmri.simulation.phantom import load_phantom, load_phantom_text

HEAD_PHANTOMS = {"dog_brain": "dog", "cat_brain": "cat", "rabbit_brain": "rabbit"}


def test_every_head_region_scales_with_the_head_exponent():
    library = load_library()
    heads = [(name, r) for name, protocol in library.protocols.items() for r in protocol.regions.values()
             if r.coil_anatomy == "head"]
    assert len(heads) >= 10
    for name, region in heads:
        assert region.size_exponent == region.body_exponent == HEAD_SIZE_EXPONENT, (name, region.name)


@pytest.mark.parametrize("phantom_name", sorted(HEAD_PHANTOMS))
def test_the_head_phantom_is_the_head_the_planner_sizes_for(phantom_name):
    phantom = load_phantom(phantom_name)
    assert phantom.scale_exponent == HEAD_SIZE_EXPONENT
    library = load_library()
    for region in library.protocol(HEAD_PHANTOMS[phantom_name]).regions.values():
        if region.coil_anatomy != "head":
            continue
        k = (region.reference_kg / phantom.reference_weight_kg) ** HEAD_SIZE_EXPONENT
        low, high = phantom.extent_m()
        for axis, index in (("lr", 0), ("dv", 1)):
            box = region.body.along(axis)
            assert box[0] == pytest.approx(low[index] * k, abs=2e-3), (region.name, axis)
            assert box[1] == pytest.approx(high[index] * k, abs=2e-3), (region.name, axis)
        assert region.body.along("cc")[1] == pytest.approx(high[2] * k, abs=2e-3)


def test_an_unknown_exponent_name_is_one_sentence():
    text = load_phantom("cat_brain").path.read_text().replace('scale_exponent = "head"', 'scale_exponent = "skull"')
    with pytest.raises(UserInputError, match="must be a number from 0 to 1 or one of 'head', 'geometric'"):
        load_phantom_text(text)
