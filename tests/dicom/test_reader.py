"""Reading priors from a folder or a USB stick: studies with their animal and owner, and a
clear sentence for every file that is not DICOM or is broken."""

from __future__ import annotations

import shutil

import pydicom
import pytest
from pydicom.fileset import FileSet

from vetmri.dicom.reader import read_dicom_file, read_folder
from vetmri.errors import UserInputError


def test_a_study_folder_reads_into_one_study_with_its_series_in_order(study_root, study_folder):
    contents = read_folder(study_root)
    assert contents.refused == ()
    (study,) = contents.studies
    assert study.study_instance_uid == study_folder["SE"].study_instance_uid
    assert (study.study_id, study.accession_number, study.description) == ("0001", "ACC1001", "MRI brain")
    assert [s.number for s in study.series] == [1, 2, 3, 4, 5, 6]
    assert [i.instance_number for i in study.series[0].instances] == [1, 2, 3, 4]
    patient = study.patient
    assert (patient.pet_name, patient.owner.family, patient.owner.given) == ("Rex", "Miller", "Anna")
    assert patient.species.common_name == "dog" and patient.breed == "Labrador retriever"
    assert patient.weight_kg == 31.5 and patient.neutered == "ALTERED"
    assert patient.responsible_organization == "Riverside Animal Clinic"


def test_a_usb_stick_with_dicomdir_junk_and_broken_files(study_folder, tmp_path):
    stick = tmp_path / "stick"
    fileset = FileSet()
    for path in study_folder["TSE"].paths:
        fileset.add(pydicom.dcmread(path))
    fileset.write(stick)
    (stick / "README.TXT").write_text("Open the viewer to see the images.")
    truncated = stick / "BROKEN.DCM"
    truncated.write_bytes(study_folder["SE"].paths[0].read_bytes()[:-500])
    contents = read_folder(stick)
    (study,) = contents.studies
    assert len(study.series) == 1 and len(study.series[0].instances) == 4
    reasons = {p.path.name: p.reason for p in contents.refused}
    assert set(reasons) == {"README.TXT", "BROKEN.DCM"}
    assert reasons["README.TXT"] == f"{stick / 'README.TXT'} is not a DICOM file (no DICM marker); only DICOM files can be imported."
    assert f"{truncated} is a truncated DICOM file" in reasons["BROKEN.DCM"]
    with pytest.raises(UserInputError, match=r"BROKEN.DCM is a truncated DICOM file"):
        read_dicom_file(truncated)


def test_a_file_the_dicomdir_lists_but_the_stick_lacks_is_reported(study_folder, tmp_path):
    stick = tmp_path / "stick"
    fileset = FileSet()
    for path in study_folder["GRE"].paths:
        fileset.add(pydicom.dcmread(path))
    fileset.write(stick)
    victim = next(p for p in stick.rglob("*") if p.is_file() and p.name != "DICOMDIR")
    victim.unlink()
    contents = read_folder(stick)
    assert [r.path for r in contents.refused] == [victim]
    assert "missing from the medium" in contents.refused[0].reason


def test_a_file_without_its_uids_is_refused(study_folder, tmp_path):
    ds = pydicom.dcmread(study_folder["SE"].paths[0])
    del ds.SeriesInstanceUID
    path = tmp_path / "nouid.dcm"
    ds.save_as(path)
    with pytest.raises(UserInputError, match=r"nouid.dcm is an incomplete DICOM file \(it lacks SeriesInstanceUID\)"):
        read_dicom_file(path)


def test_a_folder_without_any_dicom_is_refused_with_one_sentence(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not dicom")
    with pytest.raises(UserInputError, match=r"No readable DICOM images were found in .*photo.jpg is not a DICOM file"):
        read_folder(tmp_path)
    with pytest.raises(UserInputError, match="does not exist"):
        read_folder(tmp_path / "nowhere")


def test_nested_folders_are_read_recursively(study_folder, tmp_path):
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    for path in study_folder["FLAIR"].paths:
        shutil.copy(path, deep / path.name)
    (study,) = read_folder(tmp_path).studies
    assert study.series[0].description == "FLAIR transverse" and len(study.series[0].instances) == 4
