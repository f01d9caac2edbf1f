"""Conformance of what the writer produces: dciodvfy finds nothing to complain about, and
dcmtk and pydicom read back what we meant to write, also for names in other scripts."""

from __future__ import annotations


import numpy as np
import pydicom
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetmri.dicom.patient import PersonName
from vetmri.dicom.writer import write_mr_series

from .samples import SEQUENCE_KINDS, UID_ROOT, make_patient, make_series, make_study, make_volume
from .tools import dcmdump_pixels, dcmdump_values, dciodvfy


@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_dciodvfy_finds_no_error_and_no_warning_in_any_file(study_folder, kind):
    for path in study_folder[kind].paths:
        code, problems = dciodvfy(path)
        assert code == 0 and problems == [], f"{path.name}: {problems}"


@pytest.mark.parametrize("kind", ["TSE", "FLAIR", "GRE3D"])
def test_dcmdump_and_pydicom_read_the_same_values(study_folder, kind, tmp_path):
    tags = {
        "0010,0010": "PatientName", "0010,0020": "PatientID", "0010,2201": "PatientSpeciesDescription",
        "0010,2292": "PatientBreedDescription", "0010,2297": "ResponsiblePerson",
        "0010,2298": "ResponsiblePersonRole", "0010,2299": "ResponsibleOrganization",
        "0010,2203": "PatientSexNeutered", "0010,1030": "PatientWeight", "0010,1010": "PatientAge",
        "0010,2210": "AnatomicalOrientationType", "0008,0060": "Modality",
        "0020,0032": "ImagePositionPatient", "0020,0037": "ImageOrientationPatient",
        "0028,0030": "PixelSpacing", "0018,0050": "SliceThickness", "0018,0088": "SpacingBetweenSlices",
        "0018,0080": "RepetitionTime", "0018,0081": "EchoTime", "0018,1314": "FlipAngle",
        "0018,0087": "MagneticFieldStrength", "0018,0084": "ImagingFrequency",
        "0018,0020": "ScanningSequence", "0018,0023": "MRAcquisitionType",
        "0028,1050": "WindowCenter", "0028,1051": "WindowWidth",
        "0020,000d": "StudyInstanceUID", "0008,0018": "SOPInstanceUID",
    }
    path = study_folder[kind].paths[1]
    dumped = dcmdump_values(path, list(tags))
    ds = pydicom.dcmread(path)
    for tag, keyword in tags.items():
        element = ds[keyword]
        value = "\\".join(str(v) for v in element.value) if element.VM > 1 else str(element.value)
        assert dumped[tag] == value, keyword
    assert dumped["0010,2201"] == "Canis lupus familiaris"
    assert dumped["0010,2297"] == "Miller^Anna" and dumped["0010,2298"] == "OWNER"
    assert np.array_equal(
        np.frombuffer(dcmdump_pixels(path, tmp_path / "raw"), "<u2").reshape(ds.Rows, ds.Columns),
        ds.pixel_array,
    )


def test_the_species_code_sequence_carries_the_snomed_code_dcmdump_shows(study_folder):
    path = study_folder["SE"].paths[0]
    dumped = dcmdump_values(path, ["0010,2202/0008,0100", "0010,2293/0008,0100"])
    assert dumped["0008,0100"] == "448771007"  # dcmdump prints the first (species) code value
    ds = pydicom.dcmread(path)
    assert ds.PatientBreedCodeSequence[0].CodeValue == "62137007"


_CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_GERMAN = st.sampled_from(list("ÄÖÜäöüßabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-"))
_SPANISH = st.sampled_from(list("ÁÉÍÓÚÑÜáéíóúñüabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
_NAME = st.one_of(
    st.text(_CHINESE, min_size=1, max_size=6),
    st.text(_GERMAN, min_size=1, max_size=20),
    st.text(_SPANISH, min_size=1, max_size=20),
).filter(lambda s: s.strip() == s and s.strip() != "")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pet=_NAME, family=_NAME, given_name=_NAME)
def test_names_in_chinese_german_and_spanish_survive_the_round_trip(tmp_path_factory, pet, family, given_name):
    folder = tmp_path_factory.mktemp("names")
    patient = make_patient(pet_name=pet, owner=PersonName(family, given_name))
    written = write_mr_series(patient, make_study(), make_series("SE"), make_volume(slices=1, rows=8, cols=8),
                              folder, uid_root=UID_ROOT)
    path = written.paths[0]
    ds = pydicom.dcmread(path)
    ascii_only = all(t.isascii() for t in (pet, family, given_name))
    assert ds.get("SpecificCharacterSet") == (None if ascii_only else "ISO_IR 192")
    assert str(ds.PatientName) == f"{family}^{pet}"
    assert str(ds.ResponsiblePerson) == f"{family}^{given_name}"
    dumped = dcmdump_values(path, ["0010,0010", "0010,2297"])
    assert dumped == {"0010,0010": f"{family}^{pet}", "0010,2297": f"{family}^{given_name}"}
    code, problems = dciodvfy(path)
    assert code == 0 and not [p for p in problems if p.startswith("Error")], problems
