import math
import subprocess
import sys

import pytest

from vetmri.acquisition.header import series_header
from vetmri.errors import UserInputError
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.library import load_library
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.series_planner import LONGEST_TR_FACTOR, RELAXED_TR_T1
from vetmri.scanner.profile import load_profile


@pytest.mark.parametrize("species, weight, region", [("dog", 35, "brain"), ("cat", 4, "brain"),
                                                      ("dog", 20, "thoracolumbar_spine")])
def test_the_quick_exam_takes_at_most_half_the_standard_time(species, weight, region):
    standard = plan_exam(species, weight, region)
    quick = plan_exam(species, weight, region, variant="quick")
    assert quick.total_time_s <= 0.5 * standard.total_time_s
    assert [s.parameters.name for s in quick.series] == [s.parameters.name for s in standard.series]
    for s, q in zip(standard.series, quick.series):
        assert s.quality is not None and q.quality is not None  # both carry a prediction
        if q.parameters.sequence != "localizer":
            assert q.parameters.reconstruction in ("nlm", "tv", "cs")
            assert q.scan_time_s <= s.scan_time_s + 1e-6
            assert (q.parameters.acceleration > 1 or q.parameters.averages < s.parameters.averages
                    or q.parameters.partial_fourier < 1
                    or q.parameters.bandwidth_hz_per_px < s.parameters.bandwidth_hz_per_px)
    assert quick.to_dict()["variant"] == "quick"
    assert quick.to_dict()["series"][2]["quality"]["ssim"] > 0


def test_quick_candidates_are_scored_by_the_small_lesions_cnr_as_well_as_ssim():
    from vetmri.protocols.quick import quality_score

    standard = plan_exam("dog", 35, "brain")
    quick = plan_exam("dog", 35, "brain", variant="quick")
    cs = plan_exam("dog", 35, "brain", overrides=[parse_override("acceleration=2", 2)])
    t2, t2_quick, t2_cs = standard.series[2], quick.series[2], cs.series[2]
    # compressed sensing at R = 2 keeps about the SSIM of the fully sampled series but
    # buries a 2 mm lesion in its aliasing: the quick plan does not take it for the T2 series
    assert t2_cs.quality.ssim > 0.9 * t2.quality.ssim
    assert t2_cs.quality.lesion_cnr < 0.5 * t2.quality.lesion_cnr
    assert t2_quick.parameters.reconstruction in ("nlm", "tv")
    assert quality_score(t2_quick, t2) > quality_score(t2_cs, t2)
    assert quality_score(t2, t2) == 1.0


def test_the_raw_header_records_the_reconstruction_the_variant_needs():
    quick = plan_exam("cat", 4, "brain", variant="quick")
    header = series_header(quick.series[2], load_profile(), index=2, species="cat", weight_kg=4.0)
    assert header.reconstruction == "nlm"
    from vetmri.rawdata.header import header_from_xml, header_to_xml

    assert header_from_xml(header_to_xml(header)).reconstruction == "nlm"


def test_an_unknown_variant_is_refused_in_one_sentence():
    with pytest.raises(UserInputError, match="choose standard or quick"):
        plan_exam("cat", 4, "brain", variant="fast")
    done = subprocess.run([sys.executable, "-m", "vetmri", "protocols", "show", "--species", "cat", "--weight", "4",
                           "--region", "brain", "--variant", "fast"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "choose standard or quick" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("species, weight, region", [("dog", 35, "brain"), ("cat", 4, "brain"),
                                                      ("dog", 20, "thoracolumbar_spine")])
def test_a_quick_series_at_a_lower_bandwidth_keeps_the_standards_timing_and_fat_within_a_pixel(species, weight, region):
    standard = plan_exam(species, weight, region)
    quick = plan_exam(species, weight, region, variant="quick")
    fat_shift_hz = 3.4e-6 * load_profile().magnet.larmor_hz
    lowered = 0
    for s, q in zip(standard.series, quick.series):
        p, r = q.parameters, s.parameters
        assert p.bandwidth_hz_per_px >= 0.5 * r.bandwidth_hz_per_px - 1e-6
        assert p.bandwidth_hz_per_px >= fat_shift_hz  # fat moves at most one pixel
        if p.bandwidth_hz_per_px < 0.99 * r.bandwidth_hz_per_px:
            lowered += 1
            assert p.te_s == pytest.approx(r.te_s, rel=1e-3)  # (TE on its grid)
            # TR is the standard's, or longer where the main tissue is fully relaxed at both
            # (the longer readouts then play the slices in one concatenation)
            longer = p.tr_s / r.tr_s
            if longer > 1 + 1e-3:
                assert longer <= LONGEST_TR_FACTOR and r.tr_s >= RELAXED_TR_T1 * load_library().tissues[q.main_tissue].t1_s
                assert q.concatenations <= s.concatenations
            assert (p.ti_s is None) == (r.ti_s is None) and (p.ti_s is None or p.ti_s == pytest.approx(r.ti_s, rel=1e-3))
            if p.acceleration == r.acceleration and p.partial_fourier == r.partial_fourier:
                # (undersampling alone may move the centre echo; partial Fourier drops lines)
                assert q.echo_spacing_s == pytest.approx(s.echo_spacing_s)
                assert q.time_per_average_s <= s.time_per_average_s * max(longer, 1) * (1 + 1e-9)
                # one average samples each line longer: SNR x sqrt(standard / lower bandwidth)
                gain = math.sqrt(r.bandwidth_hz_per_px / p.bandwidth_hz_per_px)
                assert q.snr_single_average == pytest.approx(s.snr_single_average * gain, rel=1e-3)
    assert lowered >= 2  # the T2 series at least


def test_no_lower_bandwidth_is_offered_where_the_readout_already_fills_the_echo_spacing():
    t2 = plan_exam("cat", 4, "brain").series[2]
    # the cat's T2 TSE: TE 100 ms is five echo spacings of 20 ms; the readout fits at
    # about 84 Hz per pixel, not at half the standard's 100
    quick = plan_exam("cat", 4, "brain", variant="quick").series[2]
    assert 0.8 * t2.parameters.bandwidth_hz_per_px < quick.parameters.bandwidth_hz_per_px < 0.9 * t2.parameters.bandwidth_hz_per_px
    assert quick.parameters.te_s == pytest.approx(t2.parameters.te_s)
    assert quick.echo_spacing_s == pytest.approx(t2.echo_spacing_s)
