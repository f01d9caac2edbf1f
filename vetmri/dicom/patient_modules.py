"""Patient, General Study and Patient Study modules of an animal patient.

With Patient Species Description present DICOM treats the patient as an animal, and the
Type 2C/1C veterinary attributes become required: breed description, breed code and
breed registration sequences (empty when unknown), responsible person with role OWNER,
responsible organization and sex neutered (PS3.3 C.7.1.1, C.7.2.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydicom.dataset import Dataset

from vetmri.dicom.patient import AnimalPatient, Code
from vetmri.dicom.study import Study

__all__ = [
    "add_patient_module",
    "add_study_modules",
    "code_item",
    "dicom_date",
    "dicom_time",
    "limit",
    "specific_character_set",
]

UTF8_CHARACTER_SET = "ISO_IR 192"


def dicom_date(value: date) -> str:
    """DA: ``YYYYMMDD``."""
    return value.strftime("%Y%m%d")


def dicom_time(value: datetime) -> str:
    """TM: ``HHMMSS.ffffff``."""
    return value.strftime("%H%M%S.%f")


def limit(text: str, length: int = 64) -> str:
    """``text`` cut to ``length`` characters (LO 64, SH 16) without trailing blanks."""
    return text[:length].rstrip()


def code_item(code: Code) -> Dataset:
    """One code sequence item (basic coded entry attributes)."""
    item = Dataset()
    item.CodeValue = code.value
    item.CodingSchemeDesignator = code.scheme
    item.CodeMeaning = limit(code.meaning)
    return item


def specific_character_set(texts: Iterable[str]) -> str | None:
    """``ISO_IR 192`` (UTF-8) when any text is not ASCII, else None (the default)."""
    return None if all(text.isascii() for text in texts) else UTF8_CHARACTER_SET


def patient_texts(patient: AnimalPatient, study: Study) -> list[str]:
    """Every free text written for the patient and study (to choose the character set)."""
    texts = [
        patient.patient_id, patient.pet_name, patient.owner.family, patient.owner.given,
        patient.breed, patient.species.description, patient.responsible_organization,
        study.description, study.study_id, study.accession_number,
    ]
    if study.referring_vet is not None:
        texts += [study.referring_vet.family, study.referring_vet.given]
    for code in (patient.species.code, patient.breed_code):
        if code is not None:
            texts.append(code.meaning)
    for registration in patient.breed_registrations:
        texts += [registration.number, registration.registry.meaning]
    return texts


def add_patient_module(ds: Dataset, patient: AnimalPatient, when: date) -> None:
    """Patient module and the Patient Study attributes (age, weight) of ``patient``.

    Parameters
    ----------
    ds : Dataset
        Gets the attributes.
    patient : AnimalPatient
        The animal.
    when : date
        Study date, for the age.
    """
    ds.PatientName = patient.dicom_name.to_dicom()
    ds.PatientID = patient.patient_id
    ds.PatientBirthDate = dicom_date(patient.birth_date) if patient.birth_date else ""
    ds.PatientSex = patient.sex.value
    ds.PatientSpeciesDescription = limit(patient.species.description)
    if patient.species.code is not None:
        ds.PatientSpeciesCodeSequence = [code_item(patient.species.code)]
    ds.PatientBreedDescription = limit(patient.breed)
    ds.PatientBreedCodeSequence = [code_item(patient.breed_code)] if patient.breed_code else []
    registrations = []
    for registration in patient.breed_registrations:
        item = Dataset()
        item.BreedRegistrationNumber = limit(registration.number)
        item.BreedRegistryCodeSequence = [code_item(registration.registry)]
        registrations.append(item)
    ds.BreedRegistrationSequence = registrations
    ds.ResponsiblePerson = patient.owner.to_dicom()
    if ds.ResponsiblePerson:
        ds.ResponsiblePersonRole = "OWNER"
    ds.ResponsibleOrganization = limit(patient.responsible_organization)
    ds.PatientSexNeutered = patient.neutered.value if patient.neutered else ""
    age = patient.age_at(when)
    if age is not None:
        ds.PatientAge = age
    if patient.weight_kg is not None:
        ds.PatientWeight = f"{patient.weight_kg:.3f}".rstrip("0").rstrip(".")


def add_study_modules(ds: Dataset, study: Study, study_instance_uid: str) -> None:
    """General Study module of ``study`` under ``study_instance_uid``."""
    ds.StudyInstanceUID = study_instance_uid
    ds.StudyDate = dicom_date(study.date_time.date())
    ds.StudyTime = dicom_time(study.date_time)
    ds.ReferringPhysicianName = study.referring_vet.to_dicom() if study.referring_vet else ""
    ds.StudyID = study.study_id
    ds.AccessionNumber = study.accession_number
    if study.description:
        ds.StudyDescription = limit(study.description)
    if study.training:
        add_training_marks(ds, study.study_id)


#: What a training case's files say, where a PACS and a viewer show it.
TRAINING_DESCRIPTION_PREFIX = "TRAINING - "
TRAINING_COMMENT = "TRAINING CASE: simulated teaching data from vetmri, not a real patient."
TRAINING_SPONSOR = "vetmri training cases"
TRAINING_PROTOCOL_ID = "VETMRI-TRAINING"


def add_training_marks(ds: Dataset, study_id: str) -> None:
    """Mark a teaching case: Study Description prefix, Patient Comments and the Clinical
    Trial Subject and Study modules (PS3.3 C.7.1.3, C.7.2.3), which PACS list and
    de-identification keeps apart from real patients."""
    ds.StudyDescription = limit(TRAINING_DESCRIPTION_PREFIX + str(ds.get("StudyDescription", "MRI")))
    ds.PatientComments = TRAINING_COMMENT
    ds.ClinicalTrialSponsorName = TRAINING_SPONSOR
    ds.ClinicalTrialProtocolID = TRAINING_PROTOCOL_ID
    ds.ClinicalTrialProtocolName = "Teaching cases on the simulated 0.2 T scanner"
    ds.ClinicalTrialSiteID = ""
    ds.ClinicalTrialSiteName = ""
    ds.ClinicalTrialSubjectID = study_id
    ds.ClinicalTrialTimePointID = ""
