"""``vetmri recon RAW.h5 --format dicom`` of a whole simulated exam: every series written,
the 3-plane localizer as one series whose images carry their own orientation, and a
series that cannot be written named while the others are."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest

from vetmri.dicom.geometry import scanner_to_patient_matrix
from vetmri.rawdata import list_groups
from vetmri.recon import reconstruct_series

from tests.conftest import CommandResult, vetmri_command
from tests.recon.simulated_scan import Scan

from .exam import add_pet
from .tools import dciodvfy

#: A dog brain exam, every series of the plan, small enough to simulate in seconds.
EXAM = ("--species", "dog", "--weight", "10", "--region", "brain", "--all", "--set", "matrix=32,32", "--set", "slices=2")


@pytest.fixture(scope="module")
def whole_exam(tmp_path_factory):
    """The exam simulated and written as DICOM once for this module (its own data folder)."""
    root = tmp_path_factory.mktemp("whole_exam")
    env = {**os.environ, "VETMRI_CONFIG": str(root / "home" / "settings.toml"), "VETMRI_DATA_DIR": str(root / "home" / "data")}

    def run(*args: str, timeout: float = 300) -> CommandResult:
        done = subprocess.run([*vetmri_command(), *args], capture_output=True, text=True, timeout=timeout, env=env,
                              stdin=subprocess.DEVNULL)
        return CommandResult(done.returncode, done.stdout, done.stderr)

    raw = root / "exam.h5"
    done = run("simulate", *EXAM, "--seed", "4", "--out", str(raw))
    assert done.returncode == 0, done.stderr[-2000:]
    pet = add_pet(run, weight="10")  # the animal that was scanned
    return raw, run("recon", str(raw), "--format", "dicom", "--pet", pet["id"], "--json")


def test_every_series_of_a_whole_exam_is_written_and_dciodvfy_clean(whole_exam):
    raw, done = whole_exam
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    groups = list_groups(raw)
    assert len(groups) == 7 and groups[0].startswith("00_Localizer")
    assert [s["group"] for s in result["series"]] == groups
    assert result["not_written"] == []
    for item in result["series"]:
        files = sorted(Path(item["folder"]).glob("*.dcm"))
        assert len(files) == item["images"] > 0
        for path in files:
            code, problems = dciodvfy(path)
            assert code == 0 and problems == [], (path, problems)


def test_the_localizer_is_one_series_of_three_planes_each_image_with_its_own_orientation(whole_exam):
    raw, done = whole_exam
    assert done.returncode == 0, done.stderr[-2000:]
    localizer = json.loads(done.stdout)["series"][0]
    volume = reconstruct_series(raw, localizer["group"]).volumes[0]
    files = sorted(Path(localizer["folder"]).glob("*.dcm"))
    assert len(files) == len(volume.geometry) == 6  # 3 planes x 2 slices
    rotation = scanner_to_patient_matrix("HFP")
    datasets = [pydicom.dcmread(path) for path in files]
    assert len({ds.SeriesInstanceUID for ds in datasets}) == 1
    assert [ds.InstanceNumber for ds in datasets] == list(range(1, 7))
    normals = []
    for ds, geometry in zip(datasets, volume.geometry):
        orientation = np.array([float(v) for v in ds.ImageOrientationPatient])
        np.testing.assert_allclose(orientation, np.concatenate([rotation @ geometry.row_direction,
                                                                rotation @ geometry.column_direction]), atol=1e-6)
        np.testing.assert_allclose([float(v) for v in ds.ImagePositionPatient],
                                   rotation @ np.asarray(geometry.position_m) * 1e3, atol=1e-3)
        assert "SpacingBetweenSlices" not in ds  # it has no meaning across planes
        normals.append(np.cross(orientation[:3], orientation[3:]))
    planes = np.abs(np.array(normals[::2]))  # one image of each plane
    np.testing.assert_allclose(planes @ planes.T, np.eye(3), atol=1e-6)  # three orthogonal planes
    # within a plane, the two slices are parallel and apart along their normal
    for a, b in zip(datasets[0::2], datasets[1::2]):
        assert a.ImageOrientationPatient == b.ImageOrientationPatient
        assert float(a.SliceLocation) != float(b.SliceLocation)


def test_the_window_of_every_contrast_shows_the_tissue(whole_exam):
    # tissue: brighter than 5 x the receiver-noise background (the darkest fifth of the
    # pixels); a viewer shows everything below the window floor black, above it white
    raw, done = whole_exam
    assert done.returncode == 0, done.stderr[-2000:]
    series = json.loads(done.stdout)["series"]
    names = " ".join(s["description"] for s in series)
    for contrast in ("Localizer", "T2 TSE", "FLAIR", "T1 SE", "GRE"):
        assert contrast in names
    for item in series:
        datasets = [pydicom.dcmread(path) for path in sorted(Path(item["folder"]).glob("*.dcm"))]
        pixels = np.stack([ds.pixel_array for ds in datasets]).astype(float)
        assert len({(ds.WindowCenter, ds.WindowWidth) for ds in datasets}) == 1  # one window per series
        centre, width = float(datasets[0].WindowCenter), float(datasets[0].WindowWidth)
        floor, ceiling = centre - width / 2, centre + width / 2
        background = np.median(pixels[pixels <= np.percentile(pixels, 20)])
        tissue = pixels[pixels > 5 * background]
        assert tissue.size > 0.3 * pixels.size
        below, above = (tissue < floor).mean(), (tissue > ceiling).mean()
        assert below < 0.05 and above < 0.02, (item["description"], centre, width, below, above)
        assert floor < np.median(tissue) < ceiling


def test_a_series_that_cannot_be_written_is_named_and_the_others_are_written(tmp_path, run_vetmri, isolated_workstation):
    raw = tmp_path / "exam.h5"
    Scan(matrix=16, slices=2, fov_m=0.12, seed=1, te_s=0.09, tr_s=3.0).write(raw, name="t2 tse brain", index=0)
    Scan(matrix=16, slices=2, fov_m=0.12, seed=2, te_s=0.01, tr_s=0.0).write(raw, name="no tr", index=1)
    Scan(matrix=16, slices=2, fov_m=0.12, seed=3, te_s=0.01, tr_s=0.4).write(raw, name="t1 gre brain", index=2)
    pet = add_pet(run_vetmri)
    done = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", pet["id"])
    assert done.returncode == 2
    assert "01_no_tr: not written:" in done.stderr and "lack TR or TE" in done.stderr
    assert "Traceback" not in done.stderr
    assert "t2 tse brain: 2 images" in done.stdout and "t1 gre brain: 2 images" in done.stdout
    as_json = json.loads(run_vetmri("recon", str(raw), "--format", "dicom", "--pet", pet["id"], "--json").stdout)
    assert [s["group"] for s in as_json["series"]] == ["00_t2_tse_brain", "02_t1_gre_brain"]
    assert [f["group"] for f in as_json["not_written"]] == ["01_no_tr"]
