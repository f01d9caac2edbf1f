"""3D slabs: partition encoding along the axis of a slab-selective excitation is simulated
(the slab axis is sampled and encoded, weighted by the slab profile), while a 2D slice
still integrates its profile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import load_profile
from vetmri.sequences.api import write_sequence
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom_text
from vetmri.simulation.synthesis import synthesis_grid

from seqbuild import write_se

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

QUIET = EffectOptions(noise=False, b0_inhomogeneity=False)
PARTITIONS, PARTITION_MM = 8, 4.0


def _phantom(positions_mm: tuple[float, ...], axis: int) -> object:
    """Flat discs of fat, 6 mm thick along ``axis``, 20 mm across, at ``positions_mm``."""
    text = '[phantom]\nname = "discs"\ndescription = "discs along one axis"\nspecies = ["none"]\n' \
           'region = "test"\nreference_weight_kg = 1\n'
    for position in positions_mm:
        centre = [0.0, 0.0, 0.0]
        centre[axis] = position
        semi = [10.0, 10.0, 10.0]
        semi[axis] = 3.0
        text += f'\n[[shapes]]\ntype = "ellipsoid"\ncentre_mm = {centre}\nsemi_axes_mm = {semi}\ntissue = "fat"\n'
    return load_phantom_text(text)


def _gre3d(path: Path) -> Path:
    """The protocols' 3D GRE (stifle), small: 8 partitions of 4 mm, 32 x 32 over 96 mm."""
    overrides = [parse_override(o) for o in ("averages=1", "matrix=32,32", f"slices={PARTITIONS}",
                                             f"slice_mm={PARTITION_MM}", "fov_mm=96,96", "slab_oversampling=0")]
    plan = plan_exam("dog", 20, "stifle", overrides=overrides)
    series = next(s for s in plan.series if s.parameters.sequence == "gre3d")
    write_sequence(series, load_profile(), path)
    return path


def _volume(result) -> np.ndarray:
    """Plain inverse FFT of (PAR, LIN, readout) k-space: magnitude, shape (PAR, LIN, COL)."""
    imaging = [a for a in result.acquisitions if "NOISE" not in a.flags]
    lines = max(a.counters["LIN"] for a in imaging) + 1
    partitions = max(a.counters["PAR"] for a in imaging) + 1
    k = np.zeros((partitions, lines, imaging[0].samples.shape[1]), complex)
    for a in imaging:
        k[a.counters["PAR"], a.counters["LIN"]] = a.samples[0]
    return np.abs(np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(k))))


def _slab_axis(result) -> int:
    """The scanner axis whose k-space is stepped between excitations but not along a readout."""
    imaging = [a for a in result.acquisitions if "NOISE" not in a.flags]
    centres = np.array([a.k_per_m[a.k_per_m.shape[0] // 2] for a in imaging])
    readout = int(np.argmax(np.ptp(imaging[0].k_per_m, axis=0)))
    steps = [len(np.unique(np.round(centres[:, a], 1))) for a in range(3)]
    return next(a for a in range(3) if a != readout and steps[a] == PARTITIONS)


def test_a_3d_slab_puts_objects_at_different_slab_positions_into_their_partitions(tmp_path):
    seq = _gre3d(tmp_path / "gre3d.seq")
    # find the slab axis from a first run, then image discs centred on partitions 2 and 5
    probe = simulate_sequence(seq, _phantom((0.0,), 0), options=QUIET)
    axis = _slab_axis(probe)
    positions = (-8.0, 4.0)  # partition centres: (p - PARTITIONS // 2) * 4 mm
    volume = _volume(simulate_sequence(seq, _phantom(positions, axis), options=QUIET))
    per_partition = volume.max(axis=(1, 2))
    expected = sorted(PARTITIONS // 2 + round(p / PARTITION_MM) for p in positions)
    assert sorted(np.argsort(per_partition)[-2:].tolist()) == expected
    # the discs are 6 mm thick: little signal beyond the neighbouring partitions
    far = [p for p in range(PARTITIONS) if min(abs(p - e) for e in expected) >= 2]
    assert per_partition[far].max() < 0.15 * per_partition.max()


def test_a_2d_slice_integrates_its_profile_and_sees_only_its_own_slice(tmp_path):
    phantom = _phantom((-8.0, 20.0), 0)  # discs across x; slices along x
    seq = write_se(tmp_path / "gre2d.seq", n=32, fov=0.096, thickness=0.004, te=0.01, tr=0.1, gre=True,
                   flip_deg=30, slices=(-0.008, 0.0, 0.020), slice_axis="x", readout_axis="z")
    result = simulate_sequence(seq, phantom, options=QUIET)
    energy = np.zeros(3)
    for a in result.acquisitions:
        if "NOISE" not in a.flags:
            energy[a.counters["SLC"]] += np.sum(np.abs(a.samples) ** 2)
    assert energy[1] < 0.05 * energy[0] and energy[2] == pytest.approx(energy[0], rel=0.05)


def test_the_synthesis_grid_encodes_the_slab_axis_only_when_the_samples_step_along_it():
    phantom = _phantom((0.0,), 2)
    names = tuple(t.name for t in phantom.tissues())
    read = (np.arange(16) - 8) / 0.096
    offsets = np.linspace(-0.016, 0.016, 17)
    profile = np.where(np.abs(offsets) <= 0.008, 0.002, 0.0)
    slab = (2, 0.0, offsets, profile)

    def grid_for(partition_k):
        k = np.zeros((16 * len(partition_k), 3))
        k[:, 0] = np.tile(read, len(partition_k))
        k[:, 2] = np.repeat(partition_k, 16)
        return synthesis_grid(phantom, names, k, readout_axis=0, slab=slab,
                              sensitivity=lambda p: np.ones((1, *p.shape[:-1]), np.complex64),
                              b0_hz=lambda p: np.zeros(p.shape[:-1]), notes=[])

    slice_grid = grid_for(np.zeros(1))
    assert {e.axis for e in slice_grid.encoded} == {0} and slice_grid.class_images.shape[3] == 1
    slab_grid = grid_for((np.arange(4) - 2) / 0.016)
    assert {e.axis for e in slab_grid.encoded} == {0, 2}
    z = slab_grid.axes_m[2]
    along = slab_grid.class_images.sum(axis=(0, 1, 2))
    assert np.all(along[np.abs(z) > 0.0085] == 0) and np.all(along[np.abs(z) < 0.0025] > 0)
