"""De-identified copies of DICOM files (PS3.15 Annex E, basic profile).

What goes: the owner's and the pet's names, the IDs (replaced by a pseudonym the caller
chooses), birth date, accession number, study ID, referring vet, clinic, station, device
serial number, descriptions, breed registrations and every private element. UIDs are
replaced consistently (the same original UID gets the same new UID within one export),
so series and studies still hang together. Dates are shifted by a whole number of days
(Retain Longitudinal Temporal Information with Modified Dates Option) or removed.

The species stays in every case: an animal image needs it to be read as one (PS3.3
C.7.1.1), and "a dog" identifies nobody. ``keep_characteristics`` (Retain Patient
Characteristics Option) also keeps breed, sex, neutering, weight and age for teaching
files. For animals the Type 2C attributes (responsible person, organization, breed) stay
present but empty, so de-identified files still pass ``dciodvfy``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from vetmri.dicom import uids
from vetmri.errors import UserInputError

__all__ = ["DeidentifyOptions", "deidentify_dataset", "deidentify_files"]

_EMPTIED = (
    "PatientName", "PatientID", "PatientBirthDate", "ReferringPhysicianName", "AccessionNumber",
    "StudyID", "ResponsiblePerson", "ResponsibleOrganization",
)
_REMOVED = (
    "OtherPatientIDs", "OtherPatientIDsSequence", "OtherPatientNames", "PatientBirthName",
    "PatientAddress", "PatientTelephoneNumbers", "PatientMotherBirthName", "PatientComments",
    "ResponsiblePersonRole", "InstitutionName", "InstitutionAddress", "InstitutionalDepartmentName",
    "StationName", "DeviceSerialNumber", "OperatorsName", "PerformingPhysicianName",
    "NameOfPhysiciansReadingStudy", "RequestingPhysician", "StudyDescription", "SeriesDescription",
    "ProtocolName", "ImageComments", "AdditionalPatientHistory", "RequestAttributesSequence",
    "ReferencedPatientSequence", "ReferencedStudySequence", "PatientBirthTime", "MedicalRecordLocator",
    "IssuerOfPatientID", "InstanceCreatorUID", "PatientInsurancePlanCodeSequence",
)
_CHARACTERISTICS_EMPTIED = ("PatientBreedDescription", "PatientSex", "PatientSexNeutered")
_CHARACTERISTICS_REMOVED = ("PatientAge", "PatientWeight", "PatientSize")
_UID_KEYWORDS = (
    "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "FrameOfReferenceUID",
    "ReferencedSOPInstanceUID", "SynchronizationFrameOfReferenceUID", "IrradiationEventUID",
    "ConcatenationUID", "DimensionOrganizationUID", "MediaStorageSOPInstanceUID",
)
_DATES = ("StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate", "InstanceCreationDate")
_DATE_TIME_PAIRS = {"StudyDate": "StudyTime", "SeriesDate": "SeriesTime", "AcquisitionDate": "AcquisitionTime",
                    "ContentDate": "ContentTime", "InstanceCreationDate": "InstanceCreationTime"}


@dataclass(frozen=True)
class DeidentifyOptions:
    """How to de-identify.

    Attributes
    ----------
    pseudonym : str
        Written as Patient ID and as the pet's name (``ANON^<pseudonym>``); one per pet.
    uid_root : str
        Root of the replacement UIDs.
    uid_salt : str
        Secret of this export: the new UIDs derive from it and the old ones. Give the same
        salt to de-identify more files of the same study consistently; the default is random.
    date_shift_days : int or None
        Shift every date by this many days; None removes dates instead.
    keep_characteristics : bool
        Keep breed, sex, neutering, weight and age (teaching files).
    """

    pseudonym: str
    uid_root: str = "2.25"
    uid_salt: str = ""
    date_shift_days: int | None = None
    keep_characteristics: bool = False

    def __post_init__(self) -> None:
        if not self.pseudonym.strip() or len(self.pseudonym) > 16 or not self.pseudonym.isascii() or any(
            c in self.pseudonym for c in "\\^="
        ):
            raise UserInputError(
                f"The pseudonym {self.pseudonym!r} must be 1 to 16 plain ASCII characters without \\, ^ or =."
            )
        if not self.uid_salt:
            object.__setattr__(self, "uid_salt", secrets.token_hex(16))


def _shift(text: str, days: int) -> str:
    if len(text) < 8:
        return text
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return ""
    return (day + timedelta(days=days)).strftime("%Y%m%d")


def _replace_uids(ds, options: DeidentifyOptions) -> None:
    def new(uid: str) -> str:
        return uids.make_uid(options.uid_root, "deidentified", options.uid_salt, uid)

    def visit(dataset, element) -> None:
        if element.VR == "UI" and element.keyword in _UID_KEYWORDS and element.value:
            element.value = new(str(element.value))

    ds.walk(visit)
    if "MediaStorageSOPInstanceUID" in ds.file_meta:
        ds.file_meta.MediaStorageSOPInstanceUID = new(str(ds.file_meta.MediaStorageSOPInstanceUID))


def deidentify_dataset(ds, options: DeidentifyOptions) -> None:
    """De-identify ``ds`` (a pydicom ``Dataset``) in place."""
    from pydicom.sr.codedict import codes

    from vetmri.dicom.patient_modules import code_item

    ds.remove_private_tags()
    for keyword in _REMOVED:
        if keyword in ds:
            delattr(ds, keyword)
    for keyword in _EMPTIED:
        if keyword in ds:
            setattr(ds, keyword, "")
    ds.PatientName = f"ANON^{options.pseudonym}"
    ds.PatientID = options.pseudonym
    if "BreedRegistrationSequence" in ds:
        ds.BreedRegistrationSequence = []
    if not options.keep_characteristics:
        for keyword in _CHARACTERISTICS_EMPTIED:
            if keyword in ds:
                setattr(ds, keyword, "")
        for keyword in _CHARACTERISTICS_REMOVED:
            if keyword in ds:
                delattr(ds, keyword)
        if "PatientBreedCodeSequence" in ds:
            ds.PatientBreedCodeSequence = []
    for keyword in _DATES:
        if keyword in ds:
            if options.date_shift_days is None:  # emptied, not removed: several are Type 2
                setattr(ds, keyword, "")
                if _DATE_TIME_PAIRS[keyword] in ds:
                    setattr(ds, _DATE_TIME_PAIRS[keyword], "")
            else:
                setattr(ds, keyword, _shift(str(ds.get(keyword)), options.date_shift_days))
    if options.date_shift_days is not None:
        ds.LongitudinalTemporalInformationModified = "MODIFIED"
    _replace_uids(ds, options)

    method = [code_item(_code(codes.DCM.BasicApplicationConfidentialityProfile))]
    if options.date_shift_days is not None:
        method.append(code_item(_code(codes.DCM.RetainLongitudinalTemporalInformationModifiedDatesOption)))
    if options.keep_characteristics:
        method.append(code_item(_code(codes.DCM.RetainPatientCharacteristicsOption)))
    ds.PatientIdentityRemoved = "YES"
    ds.DeidentificationMethod = "; ".join(item.CodeMeaning for item in method)[:64]
    ds.DeidentificationMethodCodeSequence = method


def _code(concept):
    from vetmri.dicom.patient import Code

    return Code(str(concept.value), str(concept.scheme_designator), str(concept.meaning))


def deidentify_files(paths: list[Path], out_dir: Path, options: DeidentifyOptions) -> list[Path]:
    """Write de-identified copies of ``paths`` into ``out_dir`` (``IM00001.dcm``...).

    Raises
    ------
    UserInputError
        A file is not DICOM or is broken (nothing after it is written).
    OperationFailedError
        ``out_dir`` cannot be written.
    """
    from vetmri.atomicfile import atomic_write_bytes
    from vetmri.dicom.reader import read_dicom_file
    from vetmri.dicom.writer import dataset_bytes
    from vetmri.errors import OperationFailedError

    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for number, path in enumerate(paths, start=1):
            ds = read_dicom_file(path)
            deidentify_dataset(ds, options)
            target = out_dir / f"IM{number:05d}.dcm"
            atomic_write_bytes(target, dataset_bytes(ds), mode=0o644)
            written.append(target)
    except OSError as exc:
        raise OperationFailedError(f"Could not write the de-identified copy into {out_dir} ({exc.strerror or exc}).") from None
    return written
