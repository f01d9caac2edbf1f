"""From a reconstruction to the DICOM writer's inputs: acquisition parameters and volumes.

:func:`acquisition_parameters` maps the raw data header (:class:`vetmri.rawdata.SeriesHeader`)
to :class:`~vetmri.dicom.study.AcquisitionParameters` (Scanning Sequence, Sequence Variant,
Scan Options, MR Acquisition Type, TR/TE/TI, flip angle, echo train, averages, bandwidth,
field and imaging frequency); :func:`image_volume` turns a reconstructed volume
(:class:`vetmri.recon.ImageVolume`, one :class:`~vetmri.recon.SliceGeometry` per slice)
into the writer's :class:`~vetmri.dicom.volume.ImageVolume`. Plain data in, plain data
out: no DICOM library is needed here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vetmri.dicom.study import AcquisitionParameters
from vetmri.dicom.volume import ImageVolume

if TYPE_CHECKING:
    from vetmri.rawdata import SeriesHeader
    from vetmri.recon import ImageVolume as ReconVolume

__all__ = ["acquisition_parameters", "image_volume", "key_parameters", "sequence_terms"]

#: (pattern in the sequence type or series name, Scanning Sequence, Sequence Variant)
_SEQUENCE_FAMILIES = (
    (r"flair|stir|(^|[^a-z])ir([^a-z]|$)|inversion", ("IR", "SE"), ("SK",)),
    (r"tse|fse|rare|turbo", ("SE",), ("SK",)),
    (r"gre|flash|spgr|gradient|localizer|localiser|scout", ("GR",), ("SP",)),
    (r"(^|[^a-z])se([^a-z]|$)|spin", ("SE",), ("NONE",)),
)


def sequence_terms(header: "SeriesHeader") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Scanning Sequence and Sequence Variant of a series.

    From the header's sequence type (``"tse"``, ``"gre"``, ``"stir"``...), else its series
    name, else its parameters (an inversion time means IR, a flip angle under 90 degrees
    with one echo a spoiled gradient echo, otherwise spin echo; an echo train is SK).

    Returns
    -------
    (tuple of str, tuple of str)
        Scanning Sequence and Sequence Variant terms.
    """
    for text in (header.sequence_type, header.series_name):
        lowered = text.lower()
        for pattern, scanning, variant in _SEQUENCE_FAMILIES:
            if lowered and re.search(pattern, lowered):
                if scanning == ("SE",) and variant == ("NONE",) and header.echo_train_length > 1:
                    variant = ("SK",)
                return scanning, variant
    if header.ti_s > 0:
        return ("IR", "SE") if header.flip_angle_deg >= 60 else ("IR", "GR"), ("SK",)
    if header.flip_angle_deg < 60 and header.echo_train_length == 1:
        return ("GR",), ("SP",)
    return ("SE",), ("SK",) if header.echo_train_length > 1 else ("NONE",)


def _scan_options(header: "SeriesHeader") -> tuple[str, ...]:
    pattern = header.sampling_pattern.lower()
    options = []
    if "partial" in pattern:
        options.append("PFP")
    if "stir" in (header.sequence_type + " " + header.series_name).lower():
        options.append("FS")
    return tuple(options)


def _averages(header: "SeriesHeader") -> float:
    average = header.limits.average
    return float(average.size) if average is not None and average.size > 0 else 1.0


def acquisition_parameters(header: "SeriesHeader", *, sample_time_s: float | None = None) -> AcquisitionParameters:
    """The DICOM acquisition parameters of a series from its raw data header.

    Parameters
    ----------
    header : SeriesHeader
        The series header (SI units).
    sample_time_s : float, optional
        Readout dwell time; used for the pixel bandwidth when the header lacks it
        (bandwidth per pixel = 1 / (dwell * encoded readout samples)).

    Returns
    -------
    AcquisitionParameters

    Raises
    ------
    UserInputError
        The header lacks TR or TE, or the bandwidth cannot be known.
    """
    from vetmri.errors import UserInputError

    scanning, variant = sequence_terms(header)
    bandwidth = header.bandwidth_per_pixel_hz
    if not bandwidth and sample_time_s:
        bandwidth = 1.0 / (sample_time_s * header.encoded_matrix[0])
    if not bandwidth:
        raise UserInputError(
            f"The raw data of series '{header.series_name}' give no receiver bandwidth; it cannot be written as DICOM."
        )
    if not header.tr_s > 0 or not header.te_s > 0:
        raise UserInputError(
            f"The raw data of series '{header.series_name}' lack TR or TE; it cannot be written as DICOM."
        )
    accel = header.acceleration_factor[0] * header.acceleration_factor[1]
    return AcquisitionParameters(
        sequence_name=(header.sequence_type or header.series_name or "vetmri")[:16],
        scanning_sequence=scanning,
        sequence_variant=variant,
        scan_options=_scan_options(header),
        acquisition_type="3D" if header.is_3d else "2D",
        repetition_time_s=header.tr_s,
        echo_time_s=header.te_s,
        inversion_time_s=header.ti_s if header.ti_s > 0 else None,
        flip_angle_deg=header.flip_angle_deg,
        echo_train_length=max(1, header.echo_train_length),
        averages=_averages(header),
        pixel_bandwidth_hz=float(bandwidth),
        imaging_frequency_hz=header.larmor_frequency_hz,
        field_strength_t=header.field_strength_t,
        acquisition_matrix=(header.recon_matrix[0], header.encoded_matrix[1]),
        phase_encoding_direction="COL",  # image rows follow phase encoding: it runs down the columns
        receive_coil=header.coil_name,
        percent_sampling=round(100.0 / max(accel, 1), 3),
        percent_phase_fov=round(100.0 * header.recon_fov_m[1] / header.recon_fov_m[0], 3),
    )


def key_parameters(header: "SeriesHeader") -> dict[str, float | int | str]:
    """The parameters the records list with a series (SI units, short keys)."""
    scanning, variant = sequence_terms(header)
    params: dict[str, float | int | str] = {
        "sequence": header.sequence_type or "\\".join(scanning),
        "scanning_sequence": "\\".join(scanning),
        "sequence_variant": "\\".join(variant),
        "tr_s": header.tr_s,
        "te_s": header.te_s,
        "flip_angle_deg": header.flip_angle_deg,
        "echo_train_length": header.echo_train_length,
        "averages": _averages(header),
        "matrix": f"{header.recon_matrix[0]}x{header.recon_matrix[1]}x{header.recon_matrix[2]}",
        "acquisition": "3D" if header.is_3d else "2D",
    }
    if header.ti_s > 0:
        params["ti_s"] = header.ti_s
    if header.bandwidth_per_pixel_hz:
        params["bandwidth_per_pixel_hz"] = header.bandwidth_per_pixel_hz
    return params


def image_volume(volume: "ReconVolume") -> ImageVolume:
    """The writer's volume of a reconstructed volume (same pixels, same scanner frame).

    The slice positions are the first-pixel centres of the reconstruction's geometry. A
    stack of parallel slices stepping evenly along their normal keeps one orientation and
    its slice spacing; otherwise (a 3-plane localizer, a stack with slices missing) each
    image carries its own orientation and position (:meth:`ImageVolume.from_slices`).
    Pixel spacing and thickness come from the first slice.
    """
    import numpy as np

    first = volume.geometry[0]
    pixels = np.asarray(volume.magnitude, dtype=np.float32)
    positions = np.array([g.position_m for g in volume.geometry], dtype=float)
    rows = np.array([g.row_direction for g in volume.geometry], dtype=float)
    cols = np.array([g.column_direction for g in volume.geometry], dtype=float)
    spacing_m = (float(first.pixel_spacing_m[0]), float(first.pixel_spacing_m[1]))
    spacing = volume.spacing_between_slices_m if volume.spacing_between_slices_m > 0 else first.slice_thickness_m
    if len(volume.geometry) > 1:  # where the slices really are (the sequence places them on its own raster)
        steps = np.diff(np.array([g.position_m for g in volume.geometry], dtype=float), axis=0)
        measured = float(np.median(np.linalg.norm(steps, axis=1)))
        if measured > 0 and abs(measured - spacing) <= 0.05 * spacing:
            spacing = measured
    if not _regular_stack(positions, rows, cols, spacing):
        return ImageVolume.from_slices(pixels, positions, rows, cols, spacing_m, float(first.slice_thickness_m))
    return ImageVolume(
        pixels=pixels,
        positions_m=positions,
        row_direction=tuple(float(v) for v in first.row_direction),  # type: ignore[arg-type]
        column_direction=tuple(float(v) for v in first.column_direction),  # type: ignore[arg-type]
        pixel_spacing_m=spacing_m,
        slice_thickness_m=float(first.slice_thickness_m),
        spacing_between_slices_m=float(spacing),
    )


def _regular_stack(positions: "np.ndarray", rows: "np.ndarray", cols: "np.ndarray", spacing_m: float) -> bool:
    """True when the slices are parallel and step by ``spacing_m`` along their normal."""
    import numpy as np

    if not (np.allclose(rows, rows[0], atol=1e-6) and np.allclose(cols, cols[0], atol=1e-6)):
        return False
    steps = np.diff(positions, axis=0)
    if not steps.size:
        return True
    normal = np.cross(rows[0], cols[0])
    sign = 1.0 if steps[0] @ normal >= 0 else -1.0
    # positions come on the scanner's 10 um raster: 2 % of the spacing (at least 20 um), as the writer checks
    return bool(np.allclose(steps, sign * spacing_m * normal, atol=max(2e-5, 0.02 * spacing_m)))
