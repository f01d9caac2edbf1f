"""The MRD header of a series, from its plan (or, for a foreign Pulseq file, from the
field of view and matrix given on the command line).

Matrix and FOV follow MRD: ``x`` = readout (the plan's columns), ``y`` = phase encoding
(the plan's rows), ``z`` = partitions of a 3D scan (1 for 2D; the slice thickness is then
the encoded ``z`` field of view). The localizer's three planes become slices
``plane * slices_per_plane + slice`` of one series.
"""

from __future__ import annotations

from vetmri.protocols.plan import SeriesPlan
from vetmri.rawdata import EncodingLimits, Limit, SeriesHeader
from vetmri.scanner.profile import ScannerProfile

__all__ = ["foreign_series_header", "series_header", "slices_in_series"]

_LOCALIZER_PLANES = 3


def slices_in_series(plan: SeriesPlan) -> int:
    """Images of a 2D series (the localizer's planes counted), or 1 slab for 3D."""
    p = plan.parameters
    if p.sequence == "gre3d":
        return 1
    return p.slices * (_LOCALIZER_PLANES if p.sequence == "localizer" else 1)


def _sampling(acceleration: float, partial_fourier: float = 1.0) -> str:
    pattern = "fully sampled" if acceleration <= 1.0 else f"variable density R={acceleration:g}"
    if partial_fourier < 1.0:
        pattern = ("" if acceleration <= 1.0 else pattern + ", ") + f"partial Fourier {partial_fourier:.4g}"
    return pattern


def series_header(plan: SeriesPlan, profile: ScannerProfile, *, index: int, species: str,
                  weight_kg: float | None, f0_hz: float = 0.0, region: str = "") -> SeriesHeader:
    """The :class:`~vetmri.rawdata.SeriesHeader` of one planned series.

    Parameters
    ----------
    plan : SeriesPlan
    profile : ScannerProfile
        For the coil's channel count and the field.
    index : int
        0-based series index in the exam (names the group ``NN_<name>``).
    species, weight_kg :
        The patient.
    f0_hz : float
        Centre-frequency adjustment (the Larmor frequency in the header includes it).
    region : str
        The exam's body region (carried to the DICOM study).
    """
    p = plan.parameters
    rows, cols = p.matrix
    encoded = p.encoded_rows  # with phase oversampling, cropped by the reconstruction
    three_d = p.sequence == "gre3d"
    partitions = p.encoded_partitions  # with slab oversampling, cropped by the reconstruction
    fov = (p.fov_m[1], p.fov_m[0], p.slice_m * (p.slices if three_d else 1))
    encoded_fov = (p.fov_m[1], p.encoded_fov_m[0], p.slice_m * partitions)
    n_slices = slices_in_series(plan)
    limits = EncodingLimits(
        kspace_encoding_step_1=Limit(0, encoded - 1, encoded // 2),
        kspace_encoding_step_2=Limit(0, partitions - 1, partitions // 2),
        slice=Limit(0, n_slices - 1, 0),
        average=Limit(0, p.averages - 1, 0),
        contrast=Limit(0, 0, 0),
        repetition=Limit(0, 0, 0),
    )
    coil = profile.coil(plan.coil)
    accel = max(1, round(p.acceleration))
    return SeriesHeader(
        encoded_matrix=(cols, encoded, partitions),
        encoded_fov_m=encoded_fov,
        recon_matrix=(cols, rows, p.slices if three_d else 1),
        recon_fov_m=fov,
        limits=limits,
        tr_s=p.tr_s,
        te_s=p.te_s,
        ti_s=p.ti_s or 0.0,
        flip_angle_deg=p.flip_angle_deg,
        echo_train_length=p.echo_train_length,
        bandwidth_per_pixel_hz=p.bandwidth_hz_per_px,
        acceleration_factor=(accel, 1),
        sampling_pattern=_sampling(p.acceleration, p.partial_fourier),
        slice_thickness_m=p.slice_m,
        slice_spacing_m=p.slice_m + p.slice_gap_m if not three_d else p.slice_m,
        coil_name=coil.name,
        channels=coil.channels,
        field_strength_t=profile.magnet.b0_t,
        larmor_frequency_hz=profile.magnet.larmor_hz + f0_hz,
        species=species,
        patient_weight_kg=weight_kg,
        series_name=p.name,
        series_index=index,
        sequence_type=p.sequence,
        region=region,
        reconstruction=p.reconstruction,
    )


def foreign_series_header(*, matrix: tuple[int, int, int], fov_m: tuple[float, float, float],
                          profile: ScannerProfile, channels: int, coil_name: str, name: str,
                          index: int = 0, slices: int = 1, averages: int = 1, contrasts: int = 1,
                          tr_s: float = 0.0, te_s: float = 0.0, ti_s: float = 0.0,
                          flip_angle_deg: float = 90.0, slice_thickness_m: float | None = None,
                          slice_spacing_m: float | None = None, echo_times_s: tuple[float, ...] = (),
                          echo_train_length: int = 1,
                          bandwidth_per_pixel_hz: float | None = None) -> SeriesHeader:
    """The header of a series played from a Pulseq file vetmri did not plan.

    ``matrix`` and ``fov_m`` are (readout, phase, partitions) as MRD orders them. The slice
    thickness defaults to the encoded ``z`` field of view over the partitions (3D) or to
    ``fov_m[2]`` (2D); the slice spacing to the thickness; the echo times to ``(te_s,)``.
    """
    nx, ny, nz = matrix
    thickness = slice_thickness_m if slice_thickness_m else fov_m[2] / max(nz, 1)
    return SeriesHeader(
        encoded_matrix=(nx, ny, nz),
        encoded_fov_m=fov_m,
        recon_matrix=(nx, ny, nz),
        recon_fov_m=fov_m,
        limits=EncodingLimits(
            kspace_encoding_step_1=Limit(0, ny - 1, ny // 2),
            kspace_encoding_step_2=Limit(0, nz - 1, nz // 2),
            slice=Limit(0, max(slices, 1) - 1, 0),
            average=Limit(0, max(averages, 1) - 1, 0),
            contrast=Limit(0, max(contrasts, 1) - 1, 0),
            repetition=Limit(0, 0, 0),
        ),
        tr_s=tr_s, te_s=te_s, echo_times_s=tuple(echo_times_s) or ((te_s,) if te_s else ()), ti_s=ti_s,
        flip_angle_deg=flip_angle_deg, echo_train_length=max(echo_train_length, 1),
        bandwidth_per_pixel_hz=bandwidth_per_pixel_hz,
        slice_thickness_m=thickness, slice_spacing_m=slice_spacing_m or thickness,
        coil_name=coil_name, channels=channels,
        field_strength_t=profile.magnet.b0_t, larmor_frequency_hz=profile.magnet.larmor_hz,
        series_name=name, series_index=index, sequence_type="pulseq",
    )
