"""The exam as the DICOM writer needs it: the study, the series and its acquisition.

Plain frozen dataclasses in SI units (seconds, hertz, tesla); the writer converts to the
units of DICOM (milliseconds, megahertz).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from vetmri.dicom.patient import PersonName
from vetmri.errors import UserInputError

__all__ = [
    "AcquisitionParameters",
    "Equipment",
    "PATIENT_POSITIONS",
    "Series",
    "Study",
]

_CODE_STRING = re.compile(r"^[A-Z0-9_ ]{1,16}$")
_SCANNING_SEQUENCES = {"SE", "IR", "GR", "EP", "RM"}
_SEQUENCE_VARIANTS = {"SK", "MTC", "SS", "TRSS", "SP", "MP", "OSP", "NONE"}
#: Patient Position (0018,5100) terms; for quadrupeds prone means sternal recumbency
#: (dorsal side up) and supine dorsal recumbency.
PATIENT_POSITIONS = ("HFS", "HFP", "FFS", "FFP", "HFDR", "HFDL", "FFDR", "FFDL")


def _check_code_strings(what: str, values: tuple[str, ...], allowed: set[str] | None) -> None:
    for value in values:
        if not _CODE_STRING.match(value) or (allowed is not None and value not in allowed):
            choices = f" (one of {', '.join(sorted(allowed))})" if allowed else ""
            raise UserInputError(f"{what} {value!r} is not a valid DICOM term{choices}.")


@dataclass(frozen=True)
class Study:
    """One exam of one pet.

    Attributes
    ----------
    key : str
        A stable key of this study (our study id): every UID of the study derives from it,
        so writing the study again gives the same UIDs.
    study_id : str
        Study ID (0020,0010), at most 16 characters, shown by viewers.
    date_time : datetime
        Study Date and Time.
    accession_number : str
        Accession Number (0008,0050) from the worklist or the clinic system; may be empty.
    description : str
        Study Description, such as ``"MRI brain"``.
    referring_vet : PersonName or None
        Referring Physician's Name: the referring veterinarian.
    instance_uid : str or None
        Study Instance UID to use (a worklist item or an imported prior brings one);
        None derives it from ``key``.
    training : bool
        A teaching case on the simulator: every file says it is no real patient (Study
        Description ``TRAINING - ...``, Patient Comments, Clinical Trial Subject module).
    """

    key: str
    study_id: str
    date_time: datetime
    accession_number: str = ""
    description: str = ""
    referring_vet: PersonName | None = None
    instance_uid: str | None = None
    training: bool = False

    def __post_init__(self) -> None:
        if not self.key:
            raise UserInputError("The study has no key; give it our study id.")
        if not 1 <= len(self.study_id) <= 16 or "\\" in self.study_id:
            raise UserInputError(f"The study ID {self.study_id!r} must be 1 to 16 characters.")
        if len(self.accession_number) > 16:
            raise UserInputError(f"The accession number {self.accession_number!r} is longer than 16 characters.")


@dataclass(frozen=True)
class AcquisitionParameters:
    """How the series was acquired, from the raw data header (SI units).

    Attributes
    ----------
    sequence_name : str
        Sequence Name (0018,0024), such as ``"tse2d"``.
    scanning_sequence : tuple of str
        Scanning Sequence (0018,0020): ``SE``, ``IR``, ``GR``, ``EP``, ``RM``.
    sequence_variant : tuple of str
        Sequence Variant (0018,0021): ``SK``, ``MTC``, ``SS``, ``TRSS``, ``SP``, ``MP``,
        ``OSP`` or ``NONE``.
    scan_options : tuple of str
        Scan Options (0018,0022), such as ``("FS",)`` or ``("PFP",)``; may be empty.
    acquisition_type : {"2D", "3D"}
        MR Acquisition Type (0018,0023).
    repetition_time_s, echo_time_s : float
        TR and TE in seconds.
    inversion_time_s : float or None
        TI in seconds, for inversion recovery (STIR, FLAIR).
    flip_angle_deg : float
        Excitation flip angle in degrees.
    echo_train_length : int
        Echoes per excitation (1 for SE and GRE).
    averages : float
        Number of Averages.
    pixel_bandwidth_hz : float
        Receiver bandwidth per pixel, Hz.
    imaging_frequency_hz : float
        Larmor frequency used, Hz (about 8.515 MHz at 0.2 T).
    field_strength_t : float
        Magnetic Field Strength, tesla.
    acquisition_matrix : tuple of int
        (frequency encoding steps, phase encoding steps).
    phase_encoding_direction : {"ROW", "COL"}
        In-plane Phase Encoding Direction (0018,1312).
    receive_coil : str
        Receive Coil Name, such as ``"head-small"``.
    percent_sampling, percent_phase_fov : float
        Percent Sampling and Percent Phase Field of View.
    """

    sequence_name: str
    scanning_sequence: tuple[str, ...]
    sequence_variant: tuple[str, ...]
    acquisition_type: Literal["2D", "3D"]
    repetition_time_s: float
    echo_time_s: float
    flip_angle_deg: float
    imaging_frequency_hz: float
    pixel_bandwidth_hz: float
    acquisition_matrix: tuple[int, int]
    scan_options: tuple[str, ...] = ()
    inversion_time_s: float | None = None
    echo_train_length: int = 1
    averages: float = 1.0
    field_strength_t: float = 0.2
    phase_encoding_direction: Literal["ROW", "COL"] = "ROW"
    receive_coil: str = ""
    percent_sampling: float = 100.0
    percent_phase_fov: float = 100.0

    def __post_init__(self) -> None:
        if not self.scanning_sequence or not self.sequence_variant:
            raise UserInputError("Scanning sequence and sequence variant need at least one term each.")
        _check_code_strings("Scanning sequence", self.scanning_sequence, _SCANNING_SEQUENCES)
        _check_code_strings("Sequence variant", self.sequence_variant, _SEQUENCE_VARIANTS)
        _check_code_strings("Scan option", self.scan_options, None)
        if self.acquisition_type not in ("2D", "3D"):
            raise UserInputError(f"MR acquisition type must be 2D or 3D, not {self.acquisition_type!r}.")
        if self.phase_encoding_direction not in ("ROW", "COL"):
            raise UserInputError("The phase encoding direction must be ROW or COL.")
        positive = {
            "TR": self.repetition_time_s,
            "TE": self.echo_time_s,
            "imaging frequency": self.imaging_frequency_hz,
            "pixel bandwidth": self.pixel_bandwidth_hz,
            "field strength": self.field_strength_t,
            "averages": self.averages,
        }
        for name, value in positive.items():
            if not value > 0:
                raise UserInputError(f"The {name} must be positive, not {value}.")
        if self.inversion_time_s is not None and not self.inversion_time_s > 0:
            raise UserInputError(f"The inversion time must be positive, not {self.inversion_time_s}.")
        if self.echo_train_length < 1 or min(self.acquisition_matrix) < 1:
            raise UserInputError("Echo train length and the acquisition matrix must be at least 1.")


@dataclass(frozen=True)
class Series:
    """One image series of the study.

    Attributes
    ----------
    number : int
        Series Number (1 to 9999), unique in the study; part of the UIDs' key.
    description : str
        Series Description, such as ``"T2 TSE sag"``.
    body_part : str
        Body Part Examined (DICOM term, upper case): ``SKULL``, ``CSPINE``, ``TSPINE``,
        ``LSPINE``, ``ABDOMEN``, ``CHEST``, ``PELVIS``, ``KNEE``, ``ELBOW``...
    acquisition : AcquisitionParameters
        How it was acquired.
    patient_position : str
        Patient Position (``HFP``: head first, sternal recumbency); maps the scanner frame
        onto the patient's (see :mod:`vetmri.dicom.geometry`).
    date_time : datetime or None
        When the series was acquired; None uses the study's.
    protocol_name : str
        Protocol Name, such as ``"dog-medium brain"``.
    image_type : tuple of str
        Image Type (0008,0008): ``ORIGINAL``/``DERIVED``, ``PRIMARY``/``SECONDARY`` and
        the third value (``OTHER`` for a plain magnitude image; ``MPR``, ``T2 MAP``...).
    """

    number: int
    description: str
    body_part: str
    acquisition: AcquisitionParameters
    patient_position: str = "HFP"
    date_time: datetime | None = None
    protocol_name: str = ""
    image_type: tuple[str, ...] = field(default=("ORIGINAL", "PRIMARY", "OTHER"))

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 9999:
            raise UserInputError(f"The series number must be 1 to 9999, not {self.number}.")
        _check_code_strings("Body part", (self.body_part,), None)
        if self.patient_position not in PATIENT_POSITIONS:
            raise UserInputError(
                f"Patient position {self.patient_position!r} is not one of {', '.join(PATIENT_POSITIONS)}."
            )
        if len(self.image_type) < 3:
            raise UserInputError("Image type needs three values, such as ORIGINAL, PRIMARY, OTHER.")
        _check_code_strings("Image type", self.image_type, None)


@dataclass(frozen=True)
class Equipment:
    """General Equipment module: who made the images.

    Attributes
    ----------
    manufacturer : str
        Manufacturer (0008,0070).
    model_name : str
        Manufacturer's Model Name.
    station_name : str
        Station Name: this workstation.
    institution_name : str
        Institution Name: the clinic.
    device_serial_number : str
        Device Serial Number of the scanner.
    software_versions : str
        Software Versions; empty uses vetmri's version.
    """

    manufacturer: str = "vetmri"
    model_name: str = "0.2 T veterinary MRI"
    station_name: str = ""
    institution_name: str = ""
    device_serial_number: str = ""
    software_versions: str = ""
