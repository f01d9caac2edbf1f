"""The series header, typed (:class:`SeriesHeader`), and its MRD XML form.

MRD keeps lengths in millimetres and times in milliseconds; :class:`SeriesHeader` is SI.
What MRD has no element for (species, bandwidth per pixel, slice spacing, sampling pattern,
series index) travels as MRD user parameters with the names in :data:`USER_PARAMETERS`.
Files written by other tools may lack any optional element: reading fills in defaults, and
the reader derives missing encoding limits from the acquisitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from xml.etree.ElementTree import ParseError as ET_ERRORS

from vetmri.errors import UserInputError

__all__ = [
    "USER_PARAMETERS",
    "EncodingLimits",
    "Limit",
    "SeriesHeader",
    "header_from_xml",
    "header_to_xml",
]

#: MRD user parameter names for the fields MRD has no element for.
USER_PARAMETERS = {
    "species": "vetmri.patientSpecies",
    "bandwidth_per_pixel_hz": "vetmri.bandwidthPerPixel_Hz",
    "slice_spacing_m": "vetmri.sliceSpacing_mm",
    "sampling_pattern": "vetmri.samplingPattern",
    "series_index": "vetmri.seriesIndex",
    "acceleration_factor": "vetmri.accelerationFactor",
    "region": "vetmri.bodyRegion",
    "reconstruction": "vetmri.reconstruction",
}

Triple = tuple[float, float, float]


@dataclass(frozen=True)
class Limit:
    """Range of one encoding counter: smallest, largest and the index at k = 0."""

    minimum: int
    maximum: int
    center: int

    @property
    def size(self) -> int:
        return self.maximum - self.minimum + 1


@dataclass(frozen=True)
class EncodingLimits:
    """Encoding limits of the series; None where the header did not say (the reader then
    derives them from the acquisitions)."""

    kspace_encoding_step_1: Limit | None = None
    kspace_encoding_step_2: Limit | None = None
    slice: Limit | None = None
    average: Limit | None = None
    contrast: Limit | None = None
    repetition: Limit | None = None

    COUNTERS = {
        "kspace_encoding_step_1": "kspace_encode_step_1",
        "kspace_encoding_step_2": "kspace_encode_step_2",
        "slice": "slice",
        "average": "average",
        "contrast": "contrast",
        "repetition": "repetition",
    }


@dataclass(frozen=True)
class SeriesHeader:
    """What a reconstruction (and a DICOM writer) needs to know about one series.

    Attributes
    ----------
    encoded_matrix : (int, int, int)
        Readout samples (with oversampling), phase encoding lines, partitions (1 for 2D).
    encoded_fov_m : (float, float, float)
        Encoded field of view (readout with oversampling, phase, slice or slab), metres.
    recon_matrix, recon_fov_m :
        The image matrix and field of view after oversampling removal.
    limits : EncodingLimits
    trajectory : str
        MRD trajectory name; vetmri reconstructs ``"cartesian"``.
    tr_s, te_s, ti_s : float
        Repetition, echo (first echo) and inversion times, seconds (``ti_s`` 0 when none).
    echo_times_s : tuple of float
        Echo time of each contrast.
    flip_angle_deg : float
    echo_train_length : int
    bandwidth_per_pixel_hz : float or None
    acceleration_factor : (int, int)
        Undersampling along phase and partition encoding (1, 1 when fully sampled).
    sampling_pattern : str
        Human description of the sampling ("fully sampled", "variable density R=3", ...).
    slice_thickness_m, slice_spacing_m : float
        Thickness of a slice (or partition) and distance between slice centres.
    coil_name : str
    channels : int
    field_strength_t, larmor_frequency_hz : float
    species : str
    patient_weight_kg : float or None
    series_name : str
    series_index : int
    sequence_type : str
    region : str
        The protocols' body region the series was planned for (``"brain"``,
        ``"cervical_spine"``), empty when unknown (a foreign sequence).
    reconstruction : str
        What the series' protocol variant needs from the reconstruction (``"nlm"``,
        ``"tv"``, ``"cs"``, ``"cs+nlm"``; empty: the standard reconstruction).
    """

    encoded_matrix: tuple[int, int, int]
    encoded_fov_m: Triple
    recon_matrix: tuple[int, int, int]
    recon_fov_m: Triple
    limits: EncodingLimits = field(default_factory=EncodingLimits)
    trajectory: str = "cartesian"
    tr_s: float = 0.0
    te_s: float = 0.0
    echo_times_s: tuple[float, ...] = ()
    ti_s: float = 0.0
    flip_angle_deg: float = 90.0
    echo_train_length: int = 1
    bandwidth_per_pixel_hz: float | None = None
    acceleration_factor: tuple[int, int] = (1, 1)
    sampling_pattern: str = "fully sampled"
    slice_thickness_m: float = 0.0
    slice_spacing_m: float = 0.0
    coil_name: str = ""
    channels: int = 1
    field_strength_t: float = 0.2
    larmor_frequency_hz: float = 8_515_496.0
    species: str = ""
    patient_weight_kg: float | None = None
    series_name: str = ""
    series_index: int = 0
    sequence_type: str = ""
    region: str = ""
    reconstruction: str = ""

    def __post_init__(self) -> None:
        if not self.echo_times_s and self.te_s:
            object.__setattr__(self, "echo_times_s", (self.te_s,))
        if not self.te_s and self.echo_times_s:
            object.__setattr__(self, "te_s", self.echo_times_s[0])
        if not self.slice_thickness_m:
            object.__setattr__(self, "slice_thickness_m", self.encoded_fov_m[2] / self.encoded_matrix[2])
        if not self.slice_spacing_m:
            object.__setattr__(self, "slice_spacing_m", self.slice_thickness_m)

    @property
    def readout_oversampling(self) -> float:
        """Ratio of encoded to reconstructed readout samples (2.0 for the usual 2x)."""
        return self.encoded_matrix[0] / self.recon_matrix[0]

    @property
    def is_3d(self) -> bool:
        return self.encoded_matrix[2] > 1

    def with_limits(self, limits: EncodingLimits) -> SeriesHeader:
        return replace(self, limits=limits)


def _mm(value_m: float) -> float:
    return round(value_m * 1e3, 9)


def header_to_xml(header: SeriesHeader) -> str:
    """The MRD XML header of a series (the complete ``ismrmrdHeader`` document)."""
    from ismrmrd import xsd

    def limit(value: Limit | None) -> Any:
        return None if value is None else xsd.limitType(minimum=value.minimum, maximum=value.maximum, center=value.center)

    def space(matrix: tuple[int, int, int], fov: Triple) -> Any:
        return xsd.encodingSpaceType(
            matrixSize=xsd.matrixSizeType(x=matrix[0], y=matrix[1], z=matrix[2]),
            fieldOfView_mm=xsd.fieldOfViewMm(x=_mm(fov[0]), y=_mm(fov[1]), z=_mm(fov[2])),
        )

    lim = header.limits
    encoding = xsd.encodingType(
        encodedSpace=space(header.encoded_matrix, header.encoded_fov_m),
        reconSpace=space(header.recon_matrix, header.recon_fov_m),
        encodingLimits=xsd.encodingLimitsType(**{name: limit(getattr(lim, name)) for name in EncodingLimits.COUNTERS}),
        trajectory=xsd.trajectoryType(header.trajectory),
        echoTrainLength=header.echo_train_length,
        parallelImaging=xsd.parallelImagingType(
            accelerationFactor=xsd.accelerationFactorType(
                kspace_encoding_step_1=header.acceleration_factor[0],
                kspace_encoding_step_2=header.acceleration_factor[1],
            )
        ),
    )
    echo_times = header.echo_times_s
    strings = {"species": header.species, "sampling_pattern": header.sampling_pattern}
    if header.region:
        strings["region"] = header.region
    if header.reconstruction:
        strings["reconstruction"] = header.reconstruction
    doubles = {"slice_spacing_m": _mm(header.slice_spacing_m)}
    if header.bandwidth_per_pixel_hz is not None:
        doubles["bandwidth_per_pixel_hz"] = header.bandwidth_per_pixel_hz
    mrd = xsd.ismrmrdHeader(
        version=2,
        subjectInformation=xsd.subjectInformationType(patientWeight_kg=header.patient_weight_kg),
        measurementInformation=xsd.measurementInformationType(
            patientPosition=xsd.patientPositionType.HFP,
            protocolName=header.series_name,
            seriesDescription=header.series_name,
            initialSeriesNumber=header.series_index,
        ),
        acquisitionSystemInformation=xsd.acquisitionSystemInformationType(
            systemVendor="vetmri",
            systemFieldStrength_T=header.field_strength_t,
            receiverChannels=header.channels,
            coilLabel=[xsd.coilLabelType(coilNumber=i, coilName=f"{header.coil_name}:{i}") for i in range(header.channels)],
        ),
        experimentalConditions=xsd.experimentalConditionsType(H1resonanceFrequency_Hz=int(round(header.larmor_frequency_hz))),
        encoding=[encoding],
        sequenceParameters=xsd.sequenceParametersType(
            TR=[header.tr_s * 1e3] if header.tr_s else [],
            TE=[t * 1e3 for t in echo_times],
            TI=[header.ti_s * 1e3] if header.ti_s else [],
            flipAngle_deg=[header.flip_angle_deg],
            sequence_type=header.sequence_type or None,
        ),
        userParameters=xsd.userParametersType(
            userParameterString=[xsd.userParameterStringType(name=USER_PARAMETERS[k], value=v) for k, v in strings.items()],
            userParameterDouble=[xsd.userParameterDoubleType(name=USER_PARAMETERS[k], value=v) for k, v in doubles.items()],
            userParameterLong=[xsd.userParameterLongType(name=USER_PARAMETERS["series_index"], value=header.series_index)],
        ),
    )
    return xsd.ToXML(mrd)


def header_from_xml(xml: str | bytes, *, source: str = "the MRD header") -> SeriesHeader:
    """Parse an MRD XML header into a :class:`SeriesHeader`.

    Optional elements may be missing (defaults are used, limits stay None); a missing or
    malformed required element (encoding with encoded and recon space) raises
    :class:`UserInputError` naming ``source``.
    """
    from vetmri.rawdata import xml_light

    try:
        return _header_from_document(xml_light.parse(xml), source)
    except (ValueError, TypeError, AttributeError, ET_ERRORS):
        pass  # the full parser decides, with its messages
    from ismrmrd import xsd

    try:
        mrd = xsd.CreateFromDocument(xml)
    except Exception as exc:  # xsdata raises several parser error types
        raise UserInputError(f"{source}: the MRD XML header cannot be parsed ({_first_line(exc)}); the file was not written by an MRD-conformant tool.") from None
    return _header_from_document(mrd, source)


def _header_from_document(mrd: Any, source: str) -> SeriesHeader:
    if not mrd.encoding:
        raise UserInputError(f"{source}: the MRD XML header has no <encoding>; it cannot be reconstructed.")
    enc = mrd.encoding[0]
    try:
        encoded = enc.encodedSpace
        recon = enc.reconSpace
        encoded_matrix = (int(encoded.matrixSize.x), int(encoded.matrixSize.y), max(1, int(encoded.matrixSize.z)))
        recon_matrix = (int(recon.matrixSize.x), int(recon.matrixSize.y), max(1, int(recon.matrixSize.z)))
        encoded_fov = tuple(float(v) / 1e3 for v in (encoded.fieldOfView_mm.x, encoded.fieldOfView_mm.y, encoded.fieldOfView_mm.z))
        recon_fov = tuple(float(v) / 1e3 for v in (recon.fieldOfView_mm.x, recon.fieldOfView_mm.y, recon.fieldOfView_mm.z))
    except (AttributeError, TypeError, ValueError):
        raise UserInputError(f"{source}: the MRD XML header lacks the encoded or recon space (matrix size and field of view).") from None
    if min(encoded_matrix) < 1 or min(recon_matrix) < 1:
        raise UserInputError(f"{source}: the MRD XML header gives a matrix size of zero.")

    def limit(value: Any) -> Limit | None:
        if value is None:
            return None
        return Limit(int(value.minimum), int(value.maximum), int(value.center))

    lim = enc.encodingLimits
    limits = EncodingLimits(**{name: limit(getattr(lim, name, None)) for name in EncodingLimits.COUNTERS})
    user = _user_parameters(mrd.userParameters)
    seq = mrd.sequenceParameters
    system = mrd.acquisitionSystemInformation
    measurement = mrd.measurementInformation
    accel = (1, 1)
    if enc.parallelImaging is not None:
        factor = enc.parallelImaging.accelerationFactor
        accel = (int(factor.kspace_encoding_step_1), int(factor.kspace_encoding_step_2))
    echo_times = tuple(t / 1e3 for t in (seq.TE if seq else []))
    channels = 1
    coil_name = ""
    if system is not None:
        channels = int(system.receiverChannels or max(1, len(system.coilLabel)))
        if system.coilLabel:
            coil_name = system.coilLabel[0].coilName.rsplit(":", 1)[0]
    slice_thickness = encoded_fov[2] / encoded_matrix[2]
    if not encoded_matrix[2] > 1 and USER_PARAMETERS["slice_spacing_m"] not in user:
        user[USER_PARAMETERS["slice_spacing_m"]] = slice_thickness * 1e3
    series_name = ""
    if measurement is not None:
        series_name = measurement.protocolName or measurement.seriesDescription or ""
    return SeriesHeader(
        encoded_matrix=encoded_matrix,
        encoded_fov_m=encoded_fov,  # type: ignore[arg-type]
        recon_matrix=recon_matrix,
        recon_fov_m=recon_fov,  # type: ignore[arg-type]
        limits=limits,
        trajectory=enc.trajectory.value if enc.trajectory is not None else "cartesian",
        tr_s=(seq.TR[0] / 1e3) if seq and seq.TR else 0.0,
        te_s=echo_times[0] if echo_times else 0.0,
        echo_times_s=echo_times,
        ti_s=(seq.TI[0] / 1e3) if seq and seq.TI else 0.0,
        flip_angle_deg=float(seq.flipAngle_deg[0]) if seq and seq.flipAngle_deg else 90.0,
        echo_train_length=int(enc.echoTrainLength or 1),
        bandwidth_per_pixel_hz=user.get(USER_PARAMETERS["bandwidth_per_pixel_hz"]),
        acceleration_factor=accel,
        sampling_pattern=str(user.get(USER_PARAMETERS["sampling_pattern"], "fully sampled" if accel == (1, 1) else f"R={accel[0]}x{accel[1]}")),
        slice_thickness_m=slice_thickness,
        slice_spacing_m=float(user.get(USER_PARAMETERS["slice_spacing_m"], 0.0)) / 1e3,
        coil_name=coil_name,
        channels=channels,
        field_strength_t=float(system.systemFieldStrength_T) if system and system.systemFieldStrength_T else 0.2,
        larmor_frequency_hz=float(mrd.experimentalConditions.H1resonanceFrequency_Hz) if mrd.experimentalConditions else 8_515_496.0,
        species=str(user.get(USER_PARAMETERS["species"], "")),
        patient_weight_kg=mrd.subjectInformation.patientWeight_kg if mrd.subjectInformation else None,
        series_name=series_name,
        series_index=int(user.get(USER_PARAMETERS["series_index"], (measurement.initialSeriesNumber or 0) if measurement else 0)),
        sequence_type=(seq.sequence_type or "") if seq else "",
        region=str(user.get(USER_PARAMETERS["region"], "")),
        reconstruction=str(user.get(USER_PARAMETERS["reconstruction"], "")),
    )


def _user_parameters(params: Any) -> dict[str, Any]:
    if params is None:
        return {}
    values: dict[str, Any] = {}
    for group in (params.userParameterLong, params.userParameterDouble, params.userParameterString):
        for p in group:
            values[p.name] = p.value
    return values


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:120] if text else type(exc).__name__
