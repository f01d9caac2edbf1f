"""What the written MR series says: the animal, the exam, the acquisition, the geometry,
pixels that match the reconstruction, and UIDs that are stable and unique."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from vetmri.dicom.writer import build_mr_datasets, series_folder_name, write_mr_series

from .samples import (
    LARMOR_HZ, SEQUENCE_KINDS, UID_ROOT, make_equipment, make_patient, make_series, make_study, make_volume,
)


def read_series(written):
    return [pydicom.dcmread(p) for p in written.paths]


def test_the_animal_and_its_owner_are_in_every_image(study_folder):
    for ds in read_series(study_folder["TSE"]):
        assert ds.SOPClassUID == pydicom.uid.MRImageStorage and ds.Modality == "MR"
        assert str(ds.PatientName) == "Miller^Rex" and ds.PatientID == "PET-000042"
        assert ds.PatientSpeciesDescription == "Canis lupus familiaris"
        species = ds.PatientSpeciesCodeSequence[0]
        assert (species.CodeValue, species.CodingSchemeDesignator) == ("448771007", "SCT")
        assert ds.PatientBreedDescription == "Labrador retriever"
        assert ds.PatientBreedCodeSequence[0].CodeMeaning == "Labrador retriever dog breed"
        assert len(ds.BreedRegistrationSequence) == 0
        assert str(ds.ResponsiblePerson) == "Miller^Anna" and ds.ResponsiblePersonRole == "OWNER"
        assert ds.ResponsibleOrganization == "Riverside Animal Clinic"
        assert ds.PatientSex == "M" and ds.PatientSexNeutered == "ALTERED"
        assert float(ds.PatientWeight) == 31.5
        assert ds.PatientAge == "005Y" and ds.PatientBirthDate == "20190314"
        assert ds.AnatomicalOrientationType == "QUADRUPED"
        assert str(ds.ReferringPhysicianName) == "Okafor^Chidi"
        assert (ds.StudyDate, ds.AccessionNumber, ds.StudyID) == ("20240506", "ACC1001", "0001")


def test_acquisition_parameters_are_in_dicom_units(study_folder):
    flair = read_series(study_folder["FLAIR"])[0]
    assert float(flair.RepetitionTime) == 7000 and float(flair.EchoTime) == 100
    assert float(flair.InversionTime) == 2000 and flair.EchoTrainLength == 16
    assert list(flair.ScanningSequence) == ["IR", "SE"] and flair.SequenceVariant == "SK"
    assert float(flair.MagneticFieldStrength) == 0.2
    assert float(flair.ImagingFrequency) == pytest.approx(LARMOR_HZ / 1e6)
    assert float(flair.PixelBandwidth) == 130 and flair.MRAcquisitionType == "2D"
    assert list(flair.AcquisitionMatrix) == [0, 256, 192, 0] and flair.InPlanePhaseEncodingDirection == "COL"
    gre3d = read_series(study_folder["GRE3D"])[0]
    assert gre3d.MRAcquisitionType == "3D" and float(gre3d.FlipAngle) == 20
    assert "InversionTime" not in gre3d and list(gre3d.SequenceVariant) == ["SP", "SS"]
    tse = read_series(study_folder["TSE"])[0]
    assert tse.EchoTrainLength == 12 and float(tse.NumberOfAverages) == 2


def test_geometry_is_consistent_across_slices_and_with_the_scanner_frame(study_folder):
    volume = make_volume()
    images = read_series(study_folder["SE"])
    # head first, sternal recumbency: the animal's left and dorsal point against scanner x and y
    expected = volume.positions_m * 1e3 * np.array([-1, -1, 1])
    positions = np.array([[float(v) for v in ds.ImagePositionPatient] for ds in images])
    assert np.allclose(positions, expected, atol=1e-6)
    orientation = np.array([float(v) for v in images[0].ImageOrientationPatient])
    assert np.allclose(orientation, [-1, 0, 0, 0, -1, 0])
    normal = np.cross(orientation[:3], orientation[3:])
    steps = np.diff(positions, axis=0) @ normal
    assert np.allclose(steps, float(images[0].SpacingBetweenSlices))
    for ds in images:
        assert [float(v) for v in ds.PixelSpacing] == [0.9, 1.0]
        assert float(ds.SliceThickness) == pytest.approx(3.6)
        assert [float(v) for v in ds.ImageOrientationPatient] == list(orientation)
        assert ds.FrameOfReferenceUID == images[0].FrameOfReferenceUID
        assert float(ds.SliceLocation) == pytest.approx(np.array([float(v) for v in ds.ImagePositionPatient]) @ normal)


def test_pixels_are_the_reconstruction_scaled_once_per_series(study_folder):
    volume = make_volume()
    stored = np.stack([ds.pixel_array for ds in read_series(study_folder["GRE"])]).astype(float)
    assert stored.max() == 4095
    scale = 4095 / volume.pixels.max()
    assert np.abs(stored - volume.pixels * scale).max() <= 0.5 + 1e-6


def test_the_window_shows_tissue_and_fluid_and_leaves_the_background_dark(study_folder):
    images = read_series(study_folder["TSE"])
    center, width = float(images[0].WindowCenter), float(images[0].WindowWidth)
    low, high = center - width / 2, center + width / 2
    stored = np.stack([ds.pixel_array for ds in images]).astype(float)
    scale = 4095 / make_volume().pixels.max()
    for level in (300.0, 420.0, 900.0):  # white matter, grey matter, fluid of the phantom
        assert low < level * scale < high
    background = stored[:, :3, :3]
    assert background.mean() < low
    assert all((float(ds.WindowCenter), float(ds.WindowWidth)) == (center, width) for ds in images)


def test_writing_again_gives_the_same_uids_and_bytes(study_folder, tmp_path):
    again = write_mr_series(make_patient(), make_study(), make_series("TSE", 2), make_volume(), tmp_path,
                            uid_root=UID_ROOT, equipment=make_equipment())
    first = study_folder["TSE"]
    assert again.sop_instance_uids == first.sop_instance_uids
    assert again.series_instance_uid == first.series_instance_uid
    assert [p.read_bytes() for p in again.paths] == [p.read_bytes() for p in first.paths]


def test_uids_are_unique_across_series_and_studies_and_sit_under_the_root(study_folder):
    all_uids = set()
    for written in study_folder.values():
        all_uids.update(written.sop_instance_uids)
        all_uids.add(written.series_instance_uid)
    assert len(all_uids) == sum(len(w.sop_instance_uids) + 1 for w in study_folder.values())
    other_study = build_mr_datasets(make_patient(), make_study(key="study-0002"), make_series("TSE", 2),
                                    make_volume(), uid_root=UID_ROOT)
    assert not {str(ds.SOPInstanceUID) for ds in other_study} & all_uids
    assert len({w.study_instance_uid for w in study_folder.values()}) == 1
    for uid in all_uids:
        assert uid.startswith(UID_ROOT + ".") and len(uid) <= 64


def test_a_worklist_study_uid_is_kept(tmp_path):
    from dataclasses import replace

    study = replace(make_study(), instance_uid="1.2.3.4.5")
    datasets = build_mr_datasets(make_patient(), study, make_series("SE"), make_volume(), uid_root="2.25")
    assert {str(ds.StudyInstanceUID) for ds in datasets} == {"1.2.3.4.5"}
    assert str(datasets[0].SOPInstanceUID).startswith("2.25.")


def test_series_folder_names_are_portable():
    assert series_folder_name(make_series("TSE", 3)) == "S003_TSE_transverse"


@pytest.mark.parametrize("kind", SEQUENCE_KINDS)
def test_each_sequence_type_writes_one_file_per_slice(study_folder, kind):
    written = study_folder[kind]
    assert [p.name for p in written.paths] == ["IM00001.dcm", "IM00002.dcm", "IM00003.dcm", "IM00004.dcm"]
    assert [pydicom.dcmread(p).InstanceNumber for p in written.paths] == [1, 2, 3, 4]
