"""``vetmri recon RAW.h5 --format dicom --pet``: series of the pet in the records, files
that pass dciodvfy, and pixel geometry that is the reconstruction's geometry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pydicom
import pytest

from vetmri.dicom.geometry import scanner_to_patient_matrix
from vetmri.recon import reconstruct_series

from tests.recon.simulated_scan import Scan

from .exam import SERIES, add_pet, recon_to_dicom, write_raw_exam
from .tools import dciodvfy


@pytest.fixture
def exam(tmp_path, run_vetmri, isolated_workstation):
    pet = add_pet(run_vetmri)
    raw = write_raw_exam(tmp_path / "exam.h5")
    return pet, raw, recon_to_dicom(run_vetmri, raw, pet["id"])


def test_the_records_show_the_new_study_and_its_series(exam, run_vetmri, isolated_workstation):
    pet, raw, result = exam
    assert result["study_created"] is True
    study = json.loads(run_vetmri("records", "show", result["study"], "--json").stdout)
    assert study["pet_id"] == pet["id"] and study["region"] == "brain" and study["status"] == "reconstructed"
    assert study["accession"] == result["accession"] != ""
    assert [s["description"] for s in result["series"]] == [name for name, _ in SERIES]
    assert [s["description"] for s in study["series"]] == [name for name, _ in SERIES]
    tse = study["series"][0]
    assert tse["parameters"]["te_s"] == pytest.approx(0.09) and tse["parameters"]["tr_s"] == pytest.approx(3.0)
    assert tse["parameters"]["sequence_variant"] == "SK" and tse["image_count"] == 3
    assert tse["series_uid"] == result["series"][0]["series_instance_uid"]
    assert tse["dicom_folder"] == Path(result["series"][0]["folder"]).relative_to(isolated_workstation / "data").as_posix()
    data = isolated_workstation / "data"
    for item in result["series"]:
        files = sorted(Path(item["folder"]).glob("*.dcm"))
        assert Path(item["folder"]).is_relative_to(data / "studies" / study["study_uid"] / "dicom")
        assert len(files) == item["images"] == 3
    assert result["raw_file"].startswith(f"studies/{study['study_uid']}/raw/")
    assert (data / result["raw_file"]).read_bytes() == raw.read_bytes()
    verify = run_vetmri("records", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_the_files_are_dciodvfy_clean_and_carry_the_pet_and_the_parameters(exam):
    pet, _, result = exam
    tse, gre = result["series"]
    for item in (tse, gre):
        for path in sorted(Path(item["folder"]).glob("*.dcm")):
            code, problems = dciodvfy(path)
            assert code == 0 and problems == [], (path, problems)
    first = pydicom.dcmread(sorted(Path(tse["folder"]).glob("*.dcm"))[0])
    assert first.PatientID == pet["patient_id"] and str(first.PatientName) == "Miller^Rex"
    assert first.PatientSpeciesCodeSequence[0].CodeValue == "448771007"
    assert first.PatientBreedDescription == "Labrador retriever" and float(first.PatientWeight) == 31.5
    assert first.ResponsiblePerson == "Miller^Anna" and first.PatientSexNeutered == "ALTERED"
    assert first.StudyInstanceUID == result["study_instance_uid"] and first.AccessionNumber == result["accession"]
    assert first.ScanningSequence == "SE"
    assert first.SequenceVariant == "SK" and float(first.EchoTime) == pytest.approx(90.0)
    assert float(first.RepetitionTime) == pytest.approx(3000.0) and first.MRAcquisitionType == "2D"
    assert float(first.MagneticFieldStrength) == pytest.approx(0.2)
    assert float(first.ImagingFrequency) == pytest.approx(8.515496, abs=1e-5)
    assert first.BodyPartExamined == "SKULL"
    other = pydicom.dcmread(sorted(Path(gre["folder"]).glob("*.dcm"))[0])
    assert other.ScanningSequence == "GR" and other.SequenceVariant == "SP"
    assert other.SeriesNumber == 2 and other.StudyInstanceUID == first.StudyInstanceUID


def test_pixel_geometry_is_the_reconstruction_geometry(exam):
    _, raw, result = exam
    from vetmri.rawdata import list_groups

    group = list_groups(raw)[0]
    volume = reconstruct_series(raw, group).volumes[0]
    files = sorted(Path(result["series"][0]["folder"]).glob("*.dcm"))
    rotation = scanner_to_patient_matrix("HFP")  # the MRD header's patient position
    assert len(files) == len(volume.geometry)
    for path, geometry in zip(files, volume.geometry):
        ds = pydicom.dcmread(path)
        assert ds.PatientPosition == "HFP" and ds.AnatomicalOrientationType == "QUADRUPED"
        np.testing.assert_allclose([float(v) for v in ds.ImagePositionPatient],
                                   rotation @ np.asarray(geometry.position_m) * 1e3, atol=1e-3)
        np.testing.assert_allclose([float(v) for v in ds.ImageOrientationPatient],
                                   np.concatenate([rotation @ geometry.row_direction, rotation @ geometry.column_direction]), atol=1e-6)
        np.testing.assert_allclose([float(v) for v in ds.PixelSpacing], np.asarray(geometry.pixel_spacing_m) * 1e3, atol=1e-6)
        assert float(ds.SliceThickness) == pytest.approx(geometry.slice_thickness_m * 1e3)
        assert float(ds.SpacingBetweenSlices) == pytest.approx(volume.spacing_between_slices_m * 1e3)
        stored = ds.pixel_array.astype(float)
        assert stored.shape == volume.magnitude.shape[1:]
    # the brightest pixel of the stored image is where the reconstruction has it
    middle = pydicom.dcmread(files[1]).pixel_array
    assert np.unravel_index(middle.argmax(), middle.shape) == np.unravel_index(volume.magnitude[1].argmax(), middle.shape)


def test_a_new_study_takes_the_region_the_raw_header_records(tmp_path, run_vetmri, isolated_workstation):
    # series names that name no region: only the header's region can tell it
    raw = tmp_path / "stifle.h5"
    Scan(matrix=16, slices=1, fov_m=0.12, seed=3, region="stifle").write(raw, name="pd_sag", index=0)
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, raw, pet["id"])
    study = json.loads(run_vetmri("records", "show", result["study"], "--json").stdout)
    assert study["region"] == "stifle"
    first = sorted(Path(result["series"][0]["folder"]).glob("*.dcm"))[0]
    assert pydicom.dcmread(first).BodyPartExamined == "KNEE"


def test_dicom_output_needs_a_known_pet_and_a_region(tmp_path, run_vetmri):
    raw = write_raw_exam(tmp_path / "exam.h5", slices=1, matrix=16)
    missing = run_vetmri("recon", str(raw), "--format", "dicom")
    assert missing.returncode == 2 and "--pet" in missing.stderr
    unknown = run_vetmri("recon", str(raw), "--format", "dicom", "--pet", "P-000099")
    assert unknown.returncode == 2 and "There is no pet P-000099" in unknown.stderr
    assert "Traceback" not in unknown.stderr
