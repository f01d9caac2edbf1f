"""The raw data header mapped onto the DICOM acquisition parameters."""

from __future__ import annotations

import pytest

from vetmri.dicom.from_recon import acquisition_parameters
from vetmri.errors import UserInputError
from vetmri.rawdata import EncodingLimits, Limit, SeriesHeader


def header(**fields) -> SeriesHeader:
    base = dict(encoded_matrix=(256, 192, 1), encoded_fov_m=(0.32, 0.16, 0.004), recon_matrix=(128, 192, 1),
                recon_fov_m=(0.16, 0.12, 0.004), tr_s=3.0, te_s=0.1, bandwidth_per_pixel_hz=130.0,
                larmor_frequency_hz=8_515_000.0, coil_name="head-medium")
    return SeriesHeader(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "scanning", "variant", "options"),
    [
        (dict(sequence_type="tse", echo_train_length=12), ("SE",), ("SK",), ()),
        (dict(sequence_type="se", flip_angle_deg=90.0), ("SE",), ("NONE",), ()),
        (dict(sequence_type="gre", flip_angle_deg=25.0), ("GR",), ("SP",), ()),
        (dict(series_name="STIR dorsal", ti_s=0.1, echo_train_length=8), ("IR", "SE"), ("SK",), ("FS",)),
        (dict(series_name="T2 FLAIR", ti_s=2.0, echo_train_length=16), ("IR", "SE"), ("SK",), ()),
        (dict(ti_s=0.5), ("IR", "SE"), ("SK",), ()),  # no name: the inversion time says IR
        (dict(flip_angle_deg=20.0), ("GR",), ("SP",), ()),  # no name: a small flip angle says GRE
        (dict(sampling_pattern="partial Fourier 5/8", sequence_type="gre", flip_angle_deg=30.0), ("GR",), ("SP",), ("PFP",)),
    ],
)
def test_sequence_terms(fields, scanning, variant, options):
    params = acquisition_parameters(header(**fields))
    assert (params.scanning_sequence, params.sequence_variant, params.scan_options) == (scanning, variant, options)


def test_times_field_matrix_and_3d():
    limits = EncodingLimits(average=Limit(0, 1, 0))
    params = acquisition_parameters(header(encoded_matrix=(256, 192, 32), recon_matrix=(128, 192, 32),
                                           encoded_fov_m=(0.32, 0.16, 0.064), sequence_type="gre3d",
                                           flip_angle_deg=20.0, tr_s=0.02, te_s=0.008, limits=limits,
                                           acceleration_factor=(2, 1)))
    assert params.acquisition_type == "3D" and params.averages == 2.0
    assert (params.repetition_time_s, params.echo_time_s, params.inversion_time_s) == (0.02, 0.008, None)
    assert params.acquisition_matrix == (128, 192) and params.phase_encoding_direction == "COL"
    assert params.field_strength_t == 0.2 and params.imaging_frequency_hz == 8_515_000.0
    assert params.percent_sampling == 50.0 and params.percent_phase_fov == 75.0
    assert params.receive_coil == "head-medium"


def test_bandwidth_from_the_dwell_time_when_the_header_lacks_it():
    params = acquisition_parameters(header(bandwidth_per_pixel_hz=None), sample_time_s=20e-6)
    assert params.pixel_bandwidth_hz == pytest.approx(1 / (20e-6 * 256))
    with pytest.raises(UserInputError, match="no receiver bandwidth"):
        acquisition_parameters(header(bandwidth_per_pixel_hz=None))
