"""De-identified exports: nothing that names the owner or the pet is left, UIDs are new
but consistent, dates shift or go, and the teaching switch keeps the animal's features."""

from __future__ import annotations

import pydicom
import pytest

from vetmri.dicom.deidentify import DeidentifyOptions, deidentify_files
from vetmri.errors import UserInputError

from .tools import dciodvfy

IDENTIFYING = ("Miller", "Anna", "Rex", "PET-000042", "ACC1001", "Okafor", "Riverside", "SN0042", "VETMRI01", "20190314")


def all_text(ds) -> str:
    parts = []
    ds.walk(lambda _, element: parts.append(str(element.value)) if element.VR not in ("OB", "OW") else None)
    return " ".join(parts)


@pytest.fixture
def series_paths(study_folder):
    return list(study_folder["TSE"].paths) + list(study_folder["SE"].paths)


def test_basic_profile_leaves_no_owner_pet_or_clinic_identity(series_paths, tmp_path):
    out = deidentify_files(series_paths, tmp_path / "anon", DeidentifyOptions(pseudonym="CASE-17"))
    for original, copy in zip(series_paths, out):
        ds, before = pydicom.dcmread(copy), pydicom.dcmread(original)
        text = all_text(ds)
        for secret in IDENTIFYING:
            assert secret not in text, secret
        assert str(ds.PatientName) == "ANON^CASE-17" and ds.PatientID == "CASE-17"
        assert ds.PatientIdentityRemoved == "YES"
        assert ds.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
        assert ds.PatientSpeciesDescription == "Canis lupus familiaris"  # an animal image stays one
        assert ds.PatientBreedDescription == "" and "PatientWeight" not in ds and "PatientAge" not in ds
        assert ds.StudyDate == "" and "BreedRegistrationSequence" in ds
        assert ds.SOPInstanceUID != before.SOPInstanceUID
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert ds.PixelData == before.PixelData
        code, problems = dciodvfy(copy)
        assert code == 0 and not [p for p in problems if p.startswith("Error")], problems


def test_uids_stay_consistent_within_one_export(series_paths, tmp_path):
    out = deidentify_files(series_paths, tmp_path / "anon", DeidentifyOptions(pseudonym="CASE-17"))
    copies = [pydicom.dcmread(p) for p in out]
    originals = [pydicom.dcmread(p) for p in series_paths]
    assert len({ds.StudyInstanceUID for ds in copies}) == 1
    assert len({ds.SeriesInstanceUID for ds in copies}) == len({ds.SeriesInstanceUID for ds in originals}) == 2
    assert len({ds.SOPInstanceUID for ds in copies}) == len(copies)
    assert len({ds.FrameOfReferenceUID for ds in copies}) == 1


def test_teaching_switch_keeps_species_breed_weight_age_and_dates_shift(series_paths, tmp_path):
    options = DeidentifyOptions(pseudonym="TEACH-3", date_shift_days=-100, keep_characteristics=True)
    ds = pydicom.dcmread(deidentify_files(series_paths[:1], tmp_path / "teach", options)[0])
    assert ds.PatientBreedDescription == "Labrador retriever"
    assert ds.PatientBreedCodeSequence[0].CodeValue == "62137007"
    assert float(ds.PatientWeight) == 31.5 and ds.PatientAge == "005Y" and ds.PatientSexNeutered == "ALTERED"
    assert ds.StudyDate == "20240127" and ds.LongitudinalTemporalInformationModified == "MODIFIED"
    assert {item.CodeValue for item in ds.DeidentificationMethodCodeSequence} == {"113100", "113107", "113108"}
    assert "Miller" not in all_text(ds) and "PatientBirthDate" in ds and ds.PatientBirthDate == ""


def test_a_bad_pseudonym_is_refused():
    with pytest.raises(UserInputError, match="pseudonym"):
        DeidentifyOptions(pseudonym="Owner^Name")
