"""Modality Worklist against Orthanc's worklist plugin: scheduled animals come back with
species, breed, owner and weight."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from vetmri.dicom.patient import PersonName
from vetmri.dicom.worklist import find_worklist, worklist_item

from .peers import OUR_AE
from .samples import SCHEDULED


@pytest.fixture(scope="module")
def worklist_server(orthanc):
    for number, item in enumerate(SCHEDULED):
        worklist_item(item).save_as(orthanc.folder / f"item{number}.wl", enforce_file_format=True)
    return orthanc


def test_the_worklist_brings_back_species_breed_owner_and_weight(worklist_server):
    found = find_worklist(worklist_server.node, calling_ae_title=OUR_AE)
    assert [f.patient_id for f in found] == ["PET-7", "PET-8", "PET-9"]
    bello, tiger, perla = found
    assert bello.species.common_name == "dog" and bello.species.code.value == "448771007"
    assert bello.breed == "German shepherd" and bello.weight_kg == 34.2
    assert bello.owner == PersonName("Schäfer", "Jürgen") and bello.pet_name == "Bello"
    assert bello.responsible_organization == "Tierklinik Süd" and bello.neutered == "UNALTERED"
    assert bello.requested_procedure == "MRI lumbar spine" and bello.accession_number == "A-100"
    assert bello.scheduled_start == datetime(2024, 5, 6, 10, 0) and bello.birth_date == date(2018, 6, 1)
    assert bello.referring_vet == PersonName("García", "Lucía")
    assert bello.study_instance_uid == "1.2.826.0.1.3680043.10.999.1"
    assert (tiger.pet_name, tiger.owner, tiger.species.common_name, tiger.breed) == ("小虎", PersonName("王", "芳"), "cat", "Siamese")
    assert (perla.species.common_name, perla.weight_kg) == ("rabbit", 3.3)


def test_the_worklist_of_one_day(worklist_server):
    found = find_worklist(worklist_server.node, calling_ae_title=OUR_AE, on=date(2024, 5, 7))
    assert [f.pet_name for f in found] == ["Perla"]
    assert find_worklist(worklist_server.node, calling_ae_title=OUR_AE, on=date(2024, 6, 1)) == []


def test_a_worklist_item_round_trips_through_its_dataset():
    from vetmri.dicom.worklist import scheduled_from_dataset

    assert scheduled_from_dataset(worklist_item(SCHEDULED[0])) == SCHEDULED[0]
