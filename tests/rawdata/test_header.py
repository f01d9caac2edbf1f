import pytest

from vetmri.errors import UserInputError
from vetmri.rawdata import EncodingLimits, Limit, SeriesHeader, header_from_xml, header_to_xml


def full_header():
    return SeriesHeader(
        encoded_matrix=(512, 192, 1),
        encoded_fov_m=(0.4, 0.15, 0.004),
        recon_matrix=(256, 192, 1),
        recon_fov_m=(0.2, 0.15, 0.004),
        limits=EncodingLimits(
            kspace_encoding_step_1=Limit(0, 191, 96), kspace_encoding_step_2=Limit(0, 0, 0),
            slice=Limit(0, 19, 0), average=Limit(0, 1, 0), contrast=Limit(0, 1, 0), repetition=Limit(0, 0, 0),
        ),
        tr_s=3.2, te_s=0.1, echo_times_s=(0.1, 0.2), ti_s=0.0, flip_angle_deg=90.0, echo_train_length=12,
        bandwidth_per_pixel_hz=130.0, acceleration_factor=(3, 1), sampling_pattern="variable density R=3",
        slice_spacing_m=0.0045, coil_name="head_large", channels=4, field_strength_t=0.2,
        larmor_frequency_hz=8_515_496.0, species="dog", patient_weight_kg=31.5,
        series_name="t2_tse_tra", series_index=3, sequence_type="TSE", region="cervical_spine",
    )


def test_every_field_survives_the_xml_round_trip():
    header = full_header()
    assert header_from_xml(header_to_xml(header)) == header


def test_units_in_the_xml_are_the_mrd_ones():
    xml = header_to_xml(full_header())
    assert "<TR>3200.0</TR>" in xml and "<x>400.0</x>" in xml
    assert "<systemFieldStrength_T>0.2</systemFieldStrength_T>" in xml


def test_derived_quantities():
    header = full_header()
    assert header.readout_oversampling == 2.0
    assert header.slice_thickness_m == pytest.approx(0.004)
    assert not header.is_3d


def test_a_minimal_header_from_another_tool_gets_defaults():
    from ismrmrd import xsd

    space = xsd.encodingSpaceType(matrixSize=xsd.matrixSizeType(x=64, y=48, z=1), fieldOfView_mm=xsd.fieldOfViewMm(x=200, y=150, z=5))
    minimal = xsd.ismrmrdHeader(
        experimentalConditions=xsd.experimentalConditionsType(H1resonanceFrequency_Hz=63_600_000),
        encoding=[xsd.encodingType(encodedSpace=space, reconSpace=space, encodingLimits=xsd.encodingLimitsType(), trajectory=xsd.trajectoryType.CARTESIAN)],
    )
    header = header_from_xml(xsd.ToXML(minimal))
    assert header.recon_matrix == (64, 48, 1)
    assert header.channels == 1 and header.tr_s == 0.0 and header.species == ""
    assert header.limits.kspace_encoding_step_1 is None
    assert header.slice_thickness_m == pytest.approx(0.005)
    assert header.larmor_frequency_hz == 63_600_000


@pytest.mark.parametrize("xml", ["<nonsense", "<ismrmrdHeader xmlns='http://www.ismrm.org/ISMRMRD'></ismrmrdHeader>"])
def test_unusable_xml_is_one_sentence(xml):
    with pytest.raises(UserInputError, match="exam.h5"):
        header_from_xml(xml, source="exam.h5, group '00_t1'")
