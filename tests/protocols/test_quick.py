import subprocess
import sys

import pytest

from vetmri.acquisition.header import series_header
from vetmri.errors import UserInputError
from vetmri.protocols.planner import plan_exam
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
            assert q.parameters.reconstruction in ("nlm", "cs")
            assert q.parameters.acceleration > 1 or q.parameters.averages < s.parameters.averages
    assert quick.to_dict()["variant"] == "quick"
    assert quick.to_dict()["series"][2]["quality"]["ssim"] > 0


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
