"""Series, equipment and image modules of one MR image (PS3.3 A.4, MR Image IOD).

General Series, Frame of Reference, General Equipment, General Image, Image Plane,
Image Pixel, MR Image and VOI LUT. Units are converted here from the SI units of the
inputs (seconds, hertz, metres) to DICOM's (milliseconds, megahertz, millimetres).
"""

from __future__ import annotations

from datetime import datetime

from pydicom.dataset import Dataset

from vetmri import __version__
from vetmri.dicom.geometry import PlaneGeometry
from vetmri.dicom.patient_modules import dicom_date, dicom_time, limit
from vetmri.dicom.pixels import BITS_STORED, ScaledSeries
from vetmri.dicom.study import Equipment, Series

__all__ = ["add_image", "add_series_modules"]


def _ds(value: float, decimals: int = 6) -> str:
    """A decimal string (DS, at most 16 characters) without needless digits."""
    text = f"{round(float(value), decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text[:16]


def add_series_modules(
    ds: Dataset,
    series: Series,
    series_instance_uid: str,
    frame_of_reference_uid: str,
    equipment: Equipment,
    when: datetime,
) -> None:
    """General Series, Frame of Reference and General Equipment modules."""
    ds.Modality = "MR"
    ds.SeriesInstanceUID = series_instance_uid
    ds.SeriesNumber = series.number
    ds.SeriesDate = dicom_date(when.date())
    ds.SeriesTime = dicom_time(when)
    if series.description:
        ds.SeriesDescription = limit(series.description)
    if series.protocol_name:
        ds.ProtocolName = limit(series.protocol_name)
    ds.BodyPartExamined = series.body_part
    ds.PatientPosition = series.patient_position
    ds.AnatomicalOrientationType = "QUADRUPED"

    ds.FrameOfReferenceUID = frame_of_reference_uid
    ds.PositionReferenceIndicator = ""

    ds.Manufacturer = limit(equipment.manufacturer)
    ds.ManufacturerModelName = limit(equipment.model_name)
    if equipment.institution_name:
        ds.InstitutionName = limit(equipment.institution_name)
    if equipment.station_name:
        ds.StationName = limit(equipment.station_name, 16)
    if equipment.device_serial_number:
        ds.DeviceSerialNumber = limit(equipment.device_serial_number)
    ds.SoftwareVersions = limit(equipment.software_versions or f"vetmri {__version__}")


def _add_mr_image_module(ds: Dataset, series: Series) -> None:
    acq = series.acquisition
    ds.ImageType = list(series.image_type)
    ds.ScanningSequence = list(acq.scanning_sequence)
    ds.SequenceVariant = list(acq.sequence_variant)
    ds.ScanOptions = list(acq.scan_options) if acq.scan_options else ""
    ds.MRAcquisitionType = acq.acquisition_type
    ds.SequenceName = limit(acq.sequence_name, 16)
    ds.AngioFlag = "N"
    ds.RepetitionTime = _ds(acq.repetition_time_s * 1e3, 3)
    ds.EchoTime = _ds(acq.echo_time_s * 1e3, 3)
    if acq.inversion_time_s is not None:
        ds.InversionTime = _ds(acq.inversion_time_s * 1e3, 3)
    ds.EchoTrainLength = acq.echo_train_length
    ds.NumberOfAverages = _ds(acq.averages, 3)
    ds.ImagingFrequency = _ds(acq.imaging_frequency_hz / 1e6, 6)
    ds.ImagedNucleus = "1H"
    ds.EchoNumbers = 1
    ds.MagneticFieldStrength = _ds(acq.field_strength_t, 4)
    frequency_steps, phase_steps = acq.acquisition_matrix
    ds.NumberOfPhaseEncodingSteps = phase_steps
    ds.PercentSampling = _ds(acq.percent_sampling, 3)
    ds.PercentPhaseFieldOfView = _ds(acq.percent_phase_fov, 3)
    ds.PixelBandwidth = _ds(acq.pixel_bandwidth_hz, 3)
    if acq.receive_coil:
        ds.ReceiveCoilName = limit(acq.receive_coil, 16)
    # frequency rows \ frequency columns \ phase rows \ phase columns
    if acq.phase_encoding_direction == "COL":  # phase down the columns, frequency along rows
        ds.AcquisitionMatrix = [0, frequency_steps, phase_steps, 0]
    else:
        ds.AcquisitionMatrix = [frequency_steps, 0, 0, phase_steps]
    ds.InPlanePhaseEncodingDirection = acq.phase_encoding_direction
    ds.FlipAngle = _ds(acq.flip_angle_deg, 3)
    ds.VariableFlipAngleFlag = "N"


def add_image(
    ds: Dataset,
    series: Series,
    plane: PlaneGeometry,
    scaled: ScaledSeries,
    slice_index: int,
    when: datetime,
) -> None:
    """General Image, Image Plane, Image Pixel, MR Image and VOI LUT of one slice.

    Parameters
    ----------
    slice_index : int
        Index into the series (0-based); Instance Number is ``slice_index + 1``.
    """
    ds.InstanceNumber = slice_index + 1
    ds.AcquisitionNumber = 1
    ds.ContentDate = dicom_date(when.date())
    ds.ContentTime = dicom_time(when)
    ds.AcquisitionDate = dicom_date(when.date())
    ds.AcquisitionTime = dicom_time(when)
    ds.ImagesInAcquisition = scaled.stored.shape[0]
    ds.ImageLaterality = "U"
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"

    ds.PixelSpacing = [_ds(v) for v in plane.pixel_spacing_mm]
    ds.ImageOrientationPatient = [_ds(v) for v in plane.orientation_of(slice_index)]
    ds.ImagePositionPatient = [_ds(v) for v in plane.positions_mm[slice_index]]
    ds.SliceThickness = _ds(plane.slice_thickness_mm)
    if plane.spacing_between_slices_mm is not None:
        ds.SpacingBetweenSlices = _ds(plane.spacing_between_slices_mm)
    ds.SliceLocation = _ds(plane.slice_locations_mm[slice_index])

    _add_mr_image_module(ds, series)

    pixels = scaled.stored[slice_index]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = BITS_STORED
    ds.HighBit = BITS_STORED - 1
    ds.PixelRepresentation = 0
    ds.PixelData = pixels.astype("<u2").tobytes()

    ds.WindowCenter = _ds(scaled.window_center, 1)
    ds.WindowWidth = _ds(scaled.window_width, 1)
    ds.WindowCenterWidthExplanation = "TISSUE"
