"""Inversion recovery with interleaved slices: every slice of a FLAIR or STIR is inverted
exactly TI before its own excitation while the other slices' trains fill the wait, so one
TR holds many slices, and the images are those of one slice at a time."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import load_profile
from vetmri.sequences.api import check_sequence_file, write_sequence
from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom, scale_phantom
from vetmri.simulation.seq_reader import read_sequence
from vetmri.simulation.slice_groups import slab_of

PROFILE = load_profile()
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _series(species: str, weight_kg: float, region: str, name: str, overrides: tuple[str, ...] = ()):
    """The named series of the plan, with ``KEY=VALUE`` overrides on that series."""
    index = [s.parameters.name for s in plan_exam(species, weight_kg, region).series].index(name)
    plan = plan_exam(species, weight_kg, region, overrides=[parse_override(o, index) for o in overrides])
    return plan.series[index]


def _inversion_times(path: Path) -> dict[int, list[float]]:
    """For every slab: the time from each excitation back to the latest inversion of that
    slab (inf when none came before it)."""
    events = read_sequence(path, PROFILE)
    last_inversion: dict[int, float] = {}
    found: dict[int, list[float]] = {}
    for rf in events.rf:
        slab = slab_of(rf)
        assert slab is not None
        centre = round(slab[1] * 1e4)  # 0.1 mm: the pulses' own rounding differs
        if rf.use == "inversion":
            last_inversion[centre] = rf.time_s
        elif rf.use == "excitation":
            found.setdefault(centre, []).append(rf.time_s - last_inversion.get(centre, -np.inf))
    return found


@pytest.mark.parametrize("case", [("dog", 35.0, "brain", "FLAIR transverse"),
                                  ("dog", 20.0, "cervical_spine", "STIR sagittal")], ids=["flair", "stir"])
def test_one_tr_holds_every_slice_and_each_is_inverted_exactly_ti_before_its_excitation(case, tmp_path):
    series = _series(*case)
    p = series.parameters
    assert series.concatenations == 1 and series.slices_per_tr == p.slices > 1
    path = tmp_path / "ir.seq"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert write_sequence(series, PROFILE, path).ok
    reread = check_sequence_file(path, PROFILE)
    assert reread.timing_errors == () and reread.violations == ()
    assert reread.duration_s == pytest.approx(series.scan_time_s, abs=1e-6)
    times = _inversion_times(path)
    assert len(times) == p.slices
    for per_slab in times.values():
        # every excitation after the dummy TR: its own inversion exactly TI before, no other
        assert len(per_slab) == (p.averages * len(series.encoding.shots) + series.dummy_repetitions)
        assert np.allclose(per_slab, p.ti_s, atol=1e-6)


def test_the_flair_takes_a_sixth_of_its_time_with_its_slices_one_after_another():
    interleaved = _series("dog", 35.0, "brain", "FLAIR transverse")
    one_by_one = _series("dog", 35.0, "brain", "FLAIR transverse", ("slice_order=sequential",))
    assert one_by_one.concatenations == one_by_one.parameters.slices
    assert interleaved.parameters.ti_s == one_by_one.parameters.ti_s
    assert interleaved.scan_time_s < one_by_one.scan_time_s / 6


def test_interleaved_slices_give_the_images_of_one_slice_at_a_time(tmp_path):
    """The same FLAIR, noise-free, played interleaved and one slice per TR: the same data
    (each slice sees the same TR, TI and TE; only the other slices' pulses move)."""
    small = ("slices=3", "averages=1")
    interleaved = _series("cat", 4.0, "brain", "FLAIR transverse", small)
    sequential = _series("cat", 4.0, "brain", "FLAIR transverse", (*small, "slice_order=sequential"))
    assert interleaved.slices_per_tr == 3 and sequential.slices_per_tr == 1
    phantom = scale_phantom(load_phantom("cat_brain"), weight_kg=4.0)
    quiet = EffectOptions(noise=False, b0_inhomogeneity=False)
    data = []
    for name, series in (("interleaved", interleaved), ("sequential", sequential)):
        path = tmp_path / f"{name}.seq"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write_sequence(series, PROFILE, path)
        result = simulate_sequence(path, phantom, options=quiet, workers=1)
        readouts = sorted((a for a in result.acquisitions if "NOISE" not in a.flags),
                          key=lambda a: (a.counters["SLC"], a.counters["LIN"], a.counters.get("SEG", 0)))
        data.append(np.stack([a.samples for a in readouts]))
    assert data[0].shape == data[1].shape
    assert np.linalg.norm(data[0] - data[1]) < 0.01 * np.linalg.norm(data[1])
