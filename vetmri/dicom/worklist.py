"""Modality Worklist (C-FIND SCU): the animals scheduled for the scanner.

The query asks for the veterinary keys (species, breed, owner, neutered, weight) beside
the usual ones, so a worklist server that keeps them (Orthanc's worklist plugin does)
returns them. :func:`worklist_item` builds the same item as a dataset, for a worklist
folder or a test peer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from vetmri.dicom.association import DEFAULT_TIMEOUT_S, association, describe_node
from vetmri.dicom.patient import PersonName, Species, animal_fields
from vetmri.errors import OperationFailedError
from vetmri.settings import PacsNode

__all__ = ["ScheduledAnimal", "find_worklist", "scheduled_from_dataset", "worklist_item"]


@dataclass(frozen=True)
class ScheduledAnimal:
    """One scheduled procedure step for an animal.

    Attributes
    ----------
    patient_id, pet_name : str
        Patient ID and the animal's name (given part of Patient's Name).
    owner : PersonName
        Responsible Person (or the family part of Patient's Name when absent).
    species : Species
        Species description and code.
    breed : str
        Breed description.
    sex, neutered : str
        ``M``/``F``/``O`` and ``ALTERED``/``UNALTERED`` ("" when not given).
    weight_kg : float or None
        Patient's Weight.
    birth_date : date or None
        Patient's Birth Date.
    responsible_organization : str
        The referring clinic.
    accession_number, requested_procedure_id, requested_procedure : str
        Accession Number, Requested Procedure ID and Description.
    study_instance_uid : str
        Study Instance UID the RIS chose ("" if none).
    scheduled_start : datetime or None
        Scheduled Procedure Step Start Date and Time.
    modality, station_ae_title, step_description : str
        Of the scheduled procedure step.
    referring_vet : PersonName or None
        Referring Physician's Name.
    """

    patient_id: str
    pet_name: str
    owner: PersonName
    species: Species
    breed: str = ""
    sex: str = ""
    neutered: str = ""
    weight_kg: float | None = None
    birth_date: date | None = None
    responsible_organization: str = ""
    accession_number: str = ""
    requested_procedure_id: str = ""
    requested_procedure: str = ""
    study_instance_uid: str = ""
    scheduled_start: datetime | None = None
    modality: str = "MR"
    station_ae_title: str = ""
    step_description: str = ""
    referring_vet: PersonName | None = None

    def to_dict(self) -> dict:
        """Plain data for ``--json`` output."""
        return {
            **animal_fields(self),
            "accession_number": self.accession_number, "requested_procedure_id": self.requested_procedure_id,
            "requested_procedure": self.requested_procedure, "study_instance_uid": self.study_instance_uid,
            "scheduled_start": self.scheduled_start.isoformat() if self.scheduled_start else None,
            "modality": self.modality, "station_ae_title": self.station_ae_title,
            "step_description": self.step_description,
            "referring_vet": self.referring_vet.to_dicom() if self.referring_vet else None,
        }


_PATIENT_KEYS = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientWeight",
    "PatientSpeciesDescription", "PatientBreedDescription", "ResponsiblePerson",
    "ResponsiblePersonRole", "ResponsibleOrganization", "PatientSexNeutered",
    "AccessionNumber", "RequestedProcedureID", "RequestedProcedureDescription",
    "StudyInstanceUID", "ReferringPhysicianName",
)


def _query(on: date | None, modality: str):
    from pydicom.dataset import Dataset

    query = Dataset()
    query.SpecificCharacterSet = "ISO_IR 192"
    for keyword in _PATIENT_KEYS:
        setattr(query, keyword, "")
    query.PatientSpeciesCodeSequence = []
    step = Dataset()
    step.Modality = modality
    step.ScheduledStationAETitle = ""
    step.ScheduledProcedureStepStartDate = on.strftime("%Y%m%d") if on else ""
    step.ScheduledProcedureStepStartTime = ""
    step.ScheduledProcedureStepDescription = ""
    step.ScheduledProcedureStepID = ""
    query.ScheduledProcedureStepSequence = [step]
    return query


def scheduled_from_dataset(identifier) -> ScheduledAnimal:
    """The scheduled animal a worklist answer (or item) describes."""
    from vetmri.dicom.reader import patient_summary

    patient = patient_summary(identifier)
    steps = identifier.get("ScheduledProcedureStepSequence") or []
    step = steps[0] if steps else None
    start = None
    if step is not None and str(step.get("ScheduledProcedureStepStartDate", "")).strip():
        stamp = str(step.ScheduledProcedureStepStartDate) + (str(step.get("ScheduledProcedureStepStartTime", "")) + "000000")[:6]
        try:
            start = datetime.strptime(stamp, "%Y%m%d%H%M%S")
        except ValueError:
            start = None
    referring = str(identifier.get("ReferringPhysicianName", "") or "").strip()
    return ScheduledAnimal(
        patient_id=patient.patient_id, pet_name=patient.pet_name, owner=patient.owner,
        species=patient.species, breed=patient.breed, sex=patient.sex, neutered=patient.neutered,
        weight_kg=patient.weight_kg, birth_date=patient.birth_date,
        responsible_organization=patient.responsible_organization,
        accession_number=str(identifier.get("AccessionNumber", "") or ""),
        requested_procedure_id=str(identifier.get("RequestedProcedureID", "") or ""),
        requested_procedure=str(identifier.get("RequestedProcedureDescription", "") or ""),
        study_instance_uid=str(identifier.get("StudyInstanceUID", "") or ""),
        scheduled_start=start,
        modality=str(step.get("Modality", "")) if step is not None else "",
        station_ae_title=str(step.get("ScheduledStationAETitle", "")) if step is not None else "",
        step_description=str(step.get("ScheduledProcedureStepDescription", "")) if step is not None else "",
        referring_vet=PersonName.from_dicom(referring) if referring else None,
    )


def find_worklist(
    node: PacsNode,
    *,
    calling_ae_title: str,
    on: date | None = None,
    modality: str = "MR",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[ScheduledAnimal]:
    """Ask ``node`` for the animals scheduled (on date ``on``, or any day) for ``modality``.

    Returns
    -------
    list of ScheduledAnimal
        In the order the server answered, sorted by scheduled start.

    Raises
    ------
    OperationFailedError
        The node cannot be reached or the query failed.
    """
    from pynetdicom.sop_class import ModalityWorklistInformationFind

    found = []
    with association(node, [(ModalityWorklistInformationFind, None)], calling_ae_title=calling_ae_title,
                     timeout_s=timeout_s) as assoc:
        for status, identifier in assoc.send_c_find(_query(on, modality), ModalityWorklistInformationFind):
            if not status or "Status" not in status:
                raise OperationFailedError(f"The worklist query to {describe_node(node)} was cut off; try again.")
            code = int(status.Status)
            if code in (0xFF00, 0xFF01) and identifier is not None:
                found.append(scheduled_from_dataset(identifier))
            elif code not in (0x0000, 0xFF00, 0xFF01):
                raise OperationFailedError(
                    f"The worklist node {describe_node(node)} answered the query with failure 0x{code:04X}; check its log."
                )
    return sorted(found, key=lambda s: (s.scheduled_start is None, s.scheduled_start or datetime.min))


def worklist_item(item: ScheduledAnimal, *, character_set: str = "ISO_IR 192"):
    """A worklist item dataset of ``item`` (with file meta, ready for ``save_as``)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    from vetmri.dicom.patient_modules import code_item

    ds = Dataset()
    ds.SpecificCharacterSet = character_set
    ds.PatientName = PersonName(item.owner.family, item.pet_name).to_dicom()
    ds.PatientID = item.patient_id
    ds.PatientBirthDate = item.birth_date.strftime("%Y%m%d") if item.birth_date else ""
    ds.PatientSex = item.sex
    if item.weight_kg is not None:
        ds.PatientWeight = f"{item.weight_kg:g}"
    ds.PatientSpeciesDescription = item.species.description
    ds.PatientSpeciesCodeSequence = [code_item(item.species.code)] if item.species.code else []
    ds.PatientBreedDescription = item.breed
    ds.ResponsiblePerson = item.owner.to_dicom()
    ds.ResponsiblePersonRole = "OWNER"
    ds.ResponsibleOrganization = item.responsible_organization
    ds.PatientSexNeutered = item.neutered
    ds.AccessionNumber = item.accession_number
    ds.RequestedProcedureID = item.requested_procedure_id
    ds.RequestedProcedureDescription = item.requested_procedure
    ds.StudyInstanceUID = item.study_instance_uid
    ds.ReferringPhysicianName = item.referring_vet.to_dicom() if item.referring_vet else ""
    step = Dataset()
    step.Modality = item.modality
    step.ScheduledStationAETitle = item.station_ae_title
    start = item.scheduled_start
    step.ScheduledProcedureStepStartDate = start.strftime("%Y%m%d") if start else ""
    step.ScheduledProcedureStepStartTime = start.strftime("%H%M%S") if start else ""
    step.ScheduledProcedureStepDescription = item.step_description
    step.ScheduledProcedureStepID = item.requested_procedure_id
    ds.ScheduledProcedureStepSequence = [step]
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.31"
    ds.file_meta.MediaStorageSOPInstanceUID = item.study_instance_uid or "2.25.1"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return ds

