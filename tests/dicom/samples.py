"""Typed inputs of the DICOM writer for the tests: an animal, a study, one series per
sequence type and a head phantom with background noise, tissue and bright fluid."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from vetmri.dicom.codes import breed_code, species_from_name
from vetmri.dicom.patient import AnimalPatient, Neutered, PersonName, Sex
from vetmri.dicom.study import AcquisitionParameters, Equipment, Series, Study
from vetmri.dicom.volume import ImageVolume
from vetmri.dicom.worklist import ScheduledAnimal

LARMOR_HZ = 8_515_400.0
UID_ROOT = "1.2.826.0.1.3680043.10.999"

#: Tissue levels of the phantom (arbitrary units) and where they lie.
BACKGROUND_SIGMA = 4.0
WHITE, GREY, FLUID = 300.0, 420.0, 900.0


def make_patient(
    pet_name: str = "Rex",
    owner: PersonName = PersonName("Miller", "Anna"),
    species: str = "dog",
    breed: str = "Labrador retriever",
    clinic: str = "Riverside Animal Clinic",
) -> AnimalPatient:
    kind = species_from_name(species)
    return AnimalPatient(
        patient_id="PET-000042",
        pet_name=pet_name,
        species=kind,
        breed=breed,
        breed_code=breed_code(kind, breed),
        sex=Sex.MALE,
        neutered=Neutered.ALTERED,
        birth_date=date(2019, 3, 14),
        weight_kg=31.5,
        owner=owner,
        responsible_organization=clinic,
    )


def make_study(key: str = "study-0001", description: str = "MRI brain") -> Study:
    return Study(
        key=key,
        study_id="0001",
        date_time=datetime(2024, 5, 6, 9, 30, 0),
        accession_number="ACC1001",
        description=description,
        referring_vet=PersonName("Okafor", "Chidi"),
    )


def _acquisition(kind: str) -> AcquisitionParameters:
    common = dict(imaging_frequency_hz=LARMOR_HZ, pixel_bandwidth_hz=130.0, acquisition_matrix=(256, 192),
                  receive_coil="head-medium", phase_encoding_direction="COL")
    table = {
        "SE": dict(sequence_name="se2d", scanning_sequence=("SE",), sequence_variant=("NONE",),
                   acquisition_type="2D", repetition_time_s=0.5, echo_time_s=0.02, flip_angle_deg=90.0),
        "TSE": dict(sequence_name="tse2d", scanning_sequence=("SE",), sequence_variant=("SK",),
                    acquisition_type="2D", repetition_time_s=3.5, echo_time_s=0.1, flip_angle_deg=90.0,
                    echo_train_length=12, averages=2.0),
        "GRE": dict(sequence_name="gre2d", scanning_sequence=("GR",), sequence_variant=("SP",),
                    acquisition_type="2D", repetition_time_s=0.4, echo_time_s=0.012, flip_angle_deg=25.0),
        "STIR": dict(sequence_name="stir2d", scanning_sequence=("IR", "SE"), sequence_variant=("SK",),
                     acquisition_type="2D", repetition_time_s=3.0, echo_time_s=0.03,
                     inversion_time_s=0.1, flip_angle_deg=90.0, echo_train_length=8),
        "FLAIR": dict(sequence_name="flair2d", scanning_sequence=("IR", "SE"), sequence_variant=("SK",),
                      scan_options=("FS",), acquisition_type="2D", repetition_time_s=7.0, echo_time_s=0.1,
                      inversion_time_s=2.0, flip_angle_deg=90.0, echo_train_length=16),
        "GRE3D": dict(sequence_name="gre3d", scanning_sequence=("GR",), sequence_variant=("SP", "SS"),
                      acquisition_type="3D", repetition_time_s=0.02, echo_time_s=0.008, flip_angle_deg=20.0,
                      scan_options=("PFP",)),
    }
    return AcquisitionParameters(**table[kind], **common)


SEQUENCE_KINDS = ("SE", "TSE", "GRE", "STIR", "FLAIR", "GRE3D")


def make_series(kind: str = "TSE", number: int = 1) -> Series:
    return Series(
        number=number,
        description=f"{kind} transverse",
        body_part="SKULL",
        acquisition=_acquisition(kind),
        patient_position="HFP",
        protocol_name=f"dog-medium brain {kind}",
    )


def phantom_slices(slices: int = 4, rows: int = 48, cols: int = 40, seed: int = 1) -> np.ndarray:
    """(slices, rows, cols) float32: noise background, white and grey matter, fluid."""
    rng = np.random.default_rng(seed)
    r, c = np.mgrid[0:rows, 0:cols]
    r = (r - rows / 2) / (rows / 2)
    c = (c - cols / 2) / (cols / 2)
    head = r**2 + c**2 < 0.8**2
    brain = r**2 + c**2 < 0.6**2
    fluid = r**2 + (c * 2) ** 2 < 0.15**2
    image = np.where(head, GREY, 0.0)
    image = np.where(brain, WHITE, image)
    image = np.where(fluid, FLUID, image)
    volume = np.stack([image] * slices)
    noise = rng.normal(0, BACKGROUND_SIGMA, volume.shape) + 1j * rng.normal(0, BACKGROUND_SIGMA, volume.shape)
    return np.abs(volume + noise).astype(np.float32)


def make_volume(slices: int = 4, rows: int = 48, cols: int = 40, spacing_m: float = 0.004) -> ImageVolume:
    """Transverse slices of a dog's head lying prone, head first (scanner frame)."""
    pixel_m = (0.0009, 0.001)
    first = np.array([-cols / 2 * pixel_m[1], -rows / 2 * pixel_m[0], -0.01])
    positions = [first + np.array([0, 0, spacing_m * i]) for i in range(slices)]
    return ImageVolume(
        pixels=phantom_slices(slices, rows, cols),
        positions_m=np.array(positions),
        row_direction=(1.0, 0.0, 0.0),
        column_direction=(0.0, 1.0, 0.0),
        pixel_spacing_m=pixel_m,
        slice_thickness_m=spacing_m * 0.9,
        spacing_between_slices_m=spacing_m,
    )


def make_equipment() -> Equipment:
    return Equipment(station_name="VETMRI01", institution_name="Riverside Animal Clinic", device_serial_number="SN0042")


#: Animals on the test worklist: a dog, a cat with a Chinese name and owner, a rabbit.
SCHEDULED = (
    ScheduledAnimal(
        patient_id="PET-7", pet_name="Bello", owner=PersonName("Schäfer", "Jürgen"),
        species=species_from_name("dog"), breed="German shepherd", sex="M", neutered="UNALTERED",
        weight_kg=34.2, birth_date=date(2018, 6, 1), responsible_organization="Tierklinik Süd",
        accession_number="A-100", requested_procedure_id="RP100", requested_procedure="MRI lumbar spine",
        study_instance_uid="1.2.826.0.1.3680043.10.999.1", scheduled_start=datetime(2024, 5, 6, 10, 0),
        station_ae_title="VETMRI", step_description="T2 sag + tra", referring_vet=PersonName("García", "Lucía"),
    ),
    ScheduledAnimal(
        patient_id="PET-8", pet_name="小虎", owner=PersonName("王", "芳"),
        species=species_from_name("cat"), breed="Siamese", sex="F", neutered="ALTERED", weight_kg=4.1,
        accession_number="A-101", requested_procedure="MRI brain",
        study_instance_uid="1.2.826.0.1.3680043.10.999.2", scheduled_start=datetime(2024, 5, 6, 11, 30),
    ),
    ScheduledAnimal(
        patient_id="PET-9", pet_name="Perla", owner=PersonName("Núñez", "José"),
        species=species_from_name("rabbit"), breed="New Zealand", sex="F", weight_kg=3.3,
        accession_number="A-102", requested_procedure="MRI head",
        study_instance_uid="1.2.826.0.1.3680043.10.999.3", scheduled_start=datetime(2024, 5, 7, 9, 0),
    ),
)
