"""The flip angle follows the B1 map voxel by voxel: across a uniform cylinder the image
intensity follows the signal equation evaluated at the local flip angle."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vetmri.simulation.effects import EffectOptions, b1_scale_map
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom_text

from line_image import line_image
from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

N = 64
FOV_M = 0.128
FALLOFF = 0.5
COIL_RADIUS_M = 0.12  # no coil: the engine's reference 0.24 m volume coil
CYLINDER = """
[phantom]
name = "uniform cylinder"
description = "one tissue"
species = ["none"]
region = "test"
reference_weight_kg = 1

[[shapes]]
type = "cylinder"
centre_mm = [0, 0, 0]
radius_mm = 56
length_mm = 100
tissue = "grey_matter"
"""


def image(result):
    return np.abs(line_image(result, N))


def profile_along_x(img):
    """Mean over the three central rows; x of each column (m)."""
    x = (np.arange(N) - N // 2) * FOV_M / N
    return x, img[N // 2 - 1:N // 2 + 2].mean(axis=0)


def local_scale(x, scale, falloff):
    points = np.stack([x, np.zeros_like(x), np.zeros_like(x)], axis=-1)
    return b1_scale_map(points, COIL_RADIUS_M, EffectOptions(b1_scale=scale, b1_falloff=falloff))


def sequence_and_signal(tmp_path, kind):
    if kind == "se":
        path = write_se(tmp_path / "se.seq", n=N, fov=FOV_M, tr=3.0, te=0.02)

        def signal(b):  # 90-180 spin echo with full recovery
            return np.sin(b * math.pi / 2) * np.sin(b * math.pi / 2) ** 2
    else:
        path = write_se(tmp_path / "gre.seq", n=N, fov=FOV_M, tr=3.0, te=0.008, gre=True, flip_deg=60.0)

        def signal(b):  # spoiled by the long TR
            return np.sin(b * math.radians(60.0))
    return path, signal


@pytest.mark.parametrize("kind, scale, falloff", [("se", 0.6, 0.9), ("gre", 0.6, 0.9), ("se", 0.8, 0.0)])
def test_intensity_follows_the_local_flip_angle(tmp_path, kind, scale, falloff):
    path, signal = sequence_and_signal(tmp_path, kind)
    phantom = load_phantom_text(CYLINDER)
    nominal = image(simulate_sequence(path, phantom, options=EffectOptions(noise=False, b0_inhomogeneity=False)))
    scaled = image(simulate_sequence(path, phantom, options=EffectOptions(
        noise=False, b0_inhomogeneity=False, b1_scale=scale, b1_falloff=falloff)))
    x, nominal_profile = profile_along_x(nominal)
    _, scaled_profile = profile_along_x(scaled)
    inside = np.abs(x) < 0.045  # away from the cylinder's edge (Gibbs ringing)
    measured = scaled_profile[inside] / nominal_profile[inside]
    expected = signal(local_scale(x[inside], scale, falloff)) / signal(1.0)
    if falloff:
        assert expected.max() > 1.1 * expected.min()  # the fall-off is strong across the cylinder
    else:
        assert np.ptp(expected) == 0  # uniform: one flip angle everywhere
    np.testing.assert_allclose(measured, expected, rtol=0.03)
