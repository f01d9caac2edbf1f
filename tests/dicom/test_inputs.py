"""The typed inputs of the writer: codes, UIDs, ages and the checks that stop bad data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from vetmri.dicom import uids
from vetmri.dicom.codes import breed_code, species_by_code, species_from_name
from vetmri.dicom.patient import PersonName
from vetmri.dicom.study import Series
from vetmri.dicom.volume import ImageVolume
from vetmri.errors import UserInputError

from .samples import make_patient, make_series, make_volume


@pytest.mark.parametrize(
    ("name", "code"),
    [("dog", "448771007"), ("cat", "448169003"), ("Rabbit", "36571002"), ("ferret", "449310008"),
     ("guinea pig", "125076001"), ("rat", "371565004"), ("canine", "448771007")],
)
def test_species_get_their_snomed_code_from_cid_7454(name, code):
    species = species_from_name(name)
    assert species.code is not None and (species.code.value, species.code.scheme) == (code, "SCT")
    assert species.description == species.code.meaning
    assert species_by_code(species.code).common_name == species.common_name


def test_species_without_a_dicom_code_get_a_description_only():
    parrot = species_from_name("parrot")
    assert parrot.code is None and parrot.description == "Psittaciformes"
    assert species_by_code(None, "Psittaciformes").common_name == "parrot"


def test_an_unknown_species_is_refused_with_the_choices():
    with pytest.raises(UserInputError, match="not a species vetmri knows; use one of dog, cat"):
        species_from_name("dragon")


def test_breeds_are_found_for_their_own_species():
    dog, cat = species_from_name("dog"), species_from_name("cat")
    assert breed_code(cat, "Siamese").meaning == "Siamese cat"
    assert breed_code(dog, "golden retriever").value == "58108001"
    assert breed_code(dog, "Siamese") is None
    assert breed_code(dog, "Wolpertinger") is None and breed_code(dog, "") is None


def test_uids_are_stable_distinct_and_valid_under_long_roots():
    root = "1.2.826.0.1.3680043.10.123456789.12345678"[:40]
    a, b = uids.instance_uid(root, "s1", 1, 1), uids.instance_uid(root, "s1", 1, 2)
    assert a == uids.instance_uid(root, "s1", 1, 1) and a != b
    assert len(a) == 64 and a.startswith(root + ".") and not a[len(root) + 1] == "0"
    assert uids.make_uid("2.25", "x", "y") != uids.make_uid("2.25", "xy")
    assert int(uids.study_uid("2.25", "s1").split(".")[2]) < 2**128
    with pytest.raises(UserInputError, match="UID root"):
        uids.study_uid("1.02.3", "s1")


@pytest.mark.parametrize(
    ("birth", "scan", "age"),
    [(date(2024, 1, 1), date(2024, 1, 20), "019D"), (date(2024, 1, 1), date(2024, 2, 20), "007W"),
     (date(2023, 1, 15), date(2024, 1, 14), "011M"), (date(2019, 3, 14), date(2024, 5, 6), "005Y")],
)
def test_age_uses_days_weeks_months_or_years(birth, scan, age):
    from dataclasses import replace

    assert replace(make_patient(), birth_date=birth).age_at(scan) == age


def test_names_with_dicom_delimiters_are_refused():
    with pytest.raises(UserInputError, match="caret"):
        PersonName("Smith^Jones")
    with pytest.raises(UserInputError, match="caret"):
        make_patient(pet_name="Rex^II")


def test_series_terms_are_checked():
    from dataclasses import replace

    with pytest.raises(UserInputError, match="Patient position"):
        replace(make_series(), patient_position="PRONE")
    with pytest.raises(UserInputError, match="Body part"):
        replace(make_series(), body_part="head")
    with pytest.raises(UserInputError, match="Scanning sequence 'XX'"):
        replace(make_series().acquisition, scanning_sequence=("XX",))
    assert isinstance(make_series(), Series)


def test_slices_that_do_not_step_along_the_normal_are_refused():
    volume = make_volume()
    shifted = volume.positions_m.copy()
    shifted[2, 0] += 0.002
    with pytest.raises(UserInputError, match="step by the slice spacing"):
        ImageVolume(volume.pixels, shifted, volume.row_direction, volume.column_direction,
                    volume.pixel_spacing_m, volume.slice_thickness_m, volume.spacing_between_slices_m)
    backwards = ImageVolume(volume.pixels[::-1], volume.positions_m[::-1], volume.row_direction,
                            volume.column_direction, volume.pixel_spacing_m, volume.slice_thickness_m,
                            volume.spacing_between_slices_m)
    assert backwards.shape == volume.shape


def test_a_series_of_slices_with_their_own_orientations_is_checked_slice_by_slice():
    volume = make_volume()
    n = volume.shape[0]
    rows = np.tile(volume.row_direction, (n, 1))
    cols = np.tile(volume.column_direction, (n, 1))
    rows[1], cols[1] = (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)  # another plane
    mixed = ImageVolume.from_slices(volume.pixels, volume.positions_m, rows, cols,
                                    volume.pixel_spacing_m, volume.slice_thickness_m)
    assert mixed.per_slice_orientation and np.allclose(mixed.slice_directions(1)[0], (0, 0, 1))
    assert tuple(mixed.row_direction) == tuple(rows[0])
    cols[1] = (0.0, 0.0, 1.0)  # parallel to its row direction
    with pytest.raises(UserInputError, match="orthogonal"):
        ImageVolume.from_slices(volume.pixels, volume.positions_m, rows, cols,
                                volume.pixel_spacing_m, volume.slice_thickness_m)
    with pytest.raises(UserInputError, match="each of the"):
        ImageVolume.from_slices(volume.pixels, volume.positions_m, rows[:1], cols[:1],
                                volume.pixel_spacing_m, volume.slice_thickness_m)


def test_negative_or_non_finite_pixels_are_refused():
    volume = make_volume()
    bad = volume.pixels.copy()
    bad[0, 0, 0] = np.nan
    with pytest.raises(UserInputError, match="finite and non-negative"):
        ImageVolume(bad, volume.positions_m, volume.row_direction, volume.column_direction,
                    volume.pixel_spacing_m, volume.slice_thickness_m, volume.spacing_between_slices_m)


@pytest.mark.parametrize("position", ["HFS", "HFP", "FFS", "FFP", "HFDR", "HFDL", "FFDR", "FFDL"])
def test_every_patient_position_is_a_proper_rotation(position):
    from vetmri.dicom.geometry import scanner_to_patient_matrix

    matrix = scanner_to_patient_matrix(position)
    assert np.allclose(matrix @ matrix.T, np.eye(3)) and np.isclose(np.linalg.det(matrix), 1)


@pytest.mark.parametrize(
    ("position", "scanner_vector", "patient_vector"),
    [
        ("HFS", (0, 1, 0), (0, 1, 0)),  # dorsal recumbency: the back points to the floor
        ("HFP", (0, -1, 0), (0, 1, 0)),  # sternal recumbency: the back points up
        ("HFDR", (0, -1, 0), (1, 0, 0)),  # lying on its right side: its left side points up
        ("HFDL", (0, -1, 0), (-1, 0, 0)),
        ("FFP", (0, 0, -1), (0, 0, 1)),  # tail first: the head points out of the bore
    ],
)
def test_patient_positions_turn_the_scanner_frame_the_way_the_animal_lies(position, scanner_vector, patient_vector):
    from vetmri.dicom.geometry import scanner_to_patient_matrix

    assert np.allclose(scanner_to_patient_matrix(position) @ np.array(scanner_vector), patient_vector)
