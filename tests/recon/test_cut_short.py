"""A series cut short (the simulator killed mid-series, a dropped link) reconstructs from
what was written: slices without data are left out, the others keep their own geometry."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pydicom
import pytest

from vetmri.rawdata import read_series
from vetmri.recon import ReconOptions, reconstruct_series

from tests.dicom.exam import add_pet
from tests.dicom.tools import dciodvfy

#: T2 TSE transverse of a dog brain, 6 slices, small: its slice groups interleave slices.
SERIES = ("--species", "dog", "--weight", "35", "--region", "brain", "--series", "2",
          "--set", "matrix=48,48", "--set", "slices=6", "--set", "averages=1")
GROUP = "02_T2_TSE_transverse"


def _cut(source: Path, target: Path, keep: int) -> None:
    """What a kill after ``keep`` flushed acquisitions leaves: the header and those records."""
    with h5py.File(source, "r") as f:
        xml, records = f[GROUP]["xml"][0], f[GROUP]["data"][:keep]
    with h5py.File(target, "w") as f:
        group = f.create_group(GROUP)
        group.create_dataset("xml", data=[xml], dtype=h5py.special_dtype(vlen=bytes))
        group.create_dataset("data", data=records, maxshape=(None,), chunks=True)


@pytest.fixture
def cut_short(tmp_path, run_vetmri):
    full = tmp_path / "full.h5"
    done = run_vetmri("simulate", *SERIES, "--seed", "3", "--out", str(full), timeout=300)
    assert done.returncode == 0, done.stderr[-1000:]
    series = read_series(full, GROUP)
    total = len(series.noise) + len(series.acquisitions)
    raw = tmp_path / "killed.h5"
    _cut(full, raw, int(total * 0.6))
    return full, raw


def test_a_series_cut_short_reconstructs_the_slices_it_holds(cut_short):
    full, raw = cut_short
    held = sorted({a.counters.slice for a in read_series(raw, GROUP).acquisitions if a.is_imaging})
    assert 0 < len(held) < 6 and held != list(range(len(held)))  # slices missing in between
    images = reconstruct_series(raw, GROUP)
    volume = images.volumes[0]
    assert volume.magnitude.shape[0] == len(held) and np.isfinite(volume.magnitude).all()
    assert any("cut short" in note for note in images.details["notes"])
    whole = reconstruct_series(full, GROUP).volumes[0]
    for geometry, index in zip(volume.geometry, held):  # each image where its slice is
        assert geometry.center_m == pytest.approx(whole.geometry[index].center_m)
    # a slice the cut left whole looks like the same slice of the full run
    complete = held[0]
    a, b = volume.magnitude[0], whole.magnitude[complete]
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.95
    plain = reconstruct_series(raw, GROUP, ReconOptions(method="fft")).volumes[0]  # no compressed sensing
    assert [g.center_m for g in plain.geometry] == [g.center_m for g in volume.geometry]


def test_a_series_cut_short_is_written_as_dicom(cut_short, tmp_path, run_vetmri, isolated_workstation):
    _, raw = cut_short
    pet = add_pet(run_vetmri)
    done = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", pet["id"], "--json")
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)["series"][0]
    files = sorted(Path(item["folder"]).glob("*.dcm"))
    assert 0 < len(files) < 6
    for path in files:
        code, problems = dciodvfy(path)
        assert code == 0 and problems == [], (path, problems)
    locations = [float(pydicom.dcmread(path).SliceLocation) for path in files]
    assert len(set(locations)) == len(files)
