"""Partial Fourier along the phase encoding: the planned lines, scan time, SNR and TE of a
series acquiring a fraction of its lines, the override's checks, and the quick variant's use."""

import math

import pytest

from vetmri.errors import UserInputError
from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.protocols.quality import partial_fourier_gain
from vetmri.protocols.quick import quality_score


def _planned(species, weight, index, fraction, **extra):
    standard = plan_exam(species, weight, "brain").series[index]
    keep = [parse_override(f"phase_oversampling={standard.parameters.phase_oversampling:.6g}", index)]
    keep += [parse_override(f"{k}={v}", index) for k, v in extra.items()]
    full = plan_exam(species, weight, "brain", overrides=keep).series[index]
    pf = plan_exam(species, weight, "brain", overrides=keep + [parse_override(f"partial_fourier={fraction}", index)])
    return full, pf.series[index]


@pytest.mark.parametrize("fraction", [0.875, 0.75, 0.625])
def test_a_spin_echo_with_partial_fourier_acquires_that_fraction_of_the_lines_in_that_share_of_the_time(fraction):
    full, pf = _planned("cat", 4, 5, fraction, averages=1)  # T1 SE transverse
    rows = pf.parameters.encoded_rows
    lines = pf.encoding.lines
    assert rows == full.parameters.encoded_rows
    assert len(lines) == round(fraction * rows)
    assert lines == tuple(range(lines[0], lines[-1] + 1))  # one block: the centre and one whole side
    assert lines[0] < rows // 2 < lines[-1] == rows - 1
    assert pf.time_per_average_s == pytest.approx(full.time_per_average_s * len(lines) / rows)
    assert pf.scan_time_s < full.scan_time_s
    assert pf.snr_single_average == pytest.approx(full.snr_single_average * math.sqrt(len(lines) / rows))
    assert pf.to_dict()["partial_fourier"] == fraction
    assert pf.to_dict()["sampling"]["acquired"] == len(lines)


def test_an_echo_train_with_partial_fourier_keeps_te_at_the_centre_lines_echo():
    full, pf = _planned("cat", 4, 2, 0.875, averages=1)  # T2 TSE transverse, centre at echo 5 of 8
    assert pf.parameters.te_s == pytest.approx(full.parameters.te_s, rel=1e-3)
    assert len(pf.encoding.shots) < len(full.encoding.shots)
    centre = pf.parameters.encoded_rows // 2
    echo = pf.encoding.centre_echo
    assert any(shot[echo - 1] == centre for shot in pf.encoding.shots)
    assert pf.parameters.te_s == pytest.approx(echo * pf.echo_spacing_s, rel=1e-3)
    acquired = sorted(line for shot in pf.encoding.shots for line in shot if line >= 0)
    assert acquired == list(pf.encoding.lines)
    # linear ordering: along each echo train the lines climb through k-space
    for shot in pf.encoding.shots:
        played = [line for line in shot if line >= 0]
        assert played == sorted(played)


@pytest.mark.parametrize("text", ["partial_fourier=0.5", "partial_fourier=1.2", "partial_fourier=half"])
def test_a_partial_fourier_fraction_out_of_range_is_refused_in_one_sentence(text):
    with pytest.raises(UserInputError) as caught:
        parse_override(text)
    message = str(caught.value)
    assert "partial_fourier" in message and message.count(". ") == 0 and message.endswith(".")


def test_the_fill_of_the_skipped_lines_costs_snr_beyond_the_lines_square_root():
    assert partial_fourier_gain(1.0) == 1.0
    assert 1.0 > partial_fourier_gain(0.875) > partial_fourier_gain(0.75) > partial_fourier_gain(0.625) > 0.5
    assert partial_fourier_gain(0.75, "gre") < partial_fourier_gain(0.75, "se")  # T2* phase: a poorer fill
    full, pf = _planned("cat", 4, 5, 0.75, averages=1)
    lines = math.sqrt(len(pf.encoding.lines) / pf.parameters.encoded_rows)
    assert pf.quality.snr_effective == pytest.approx(full.quality.snr_effective * lines * partial_fourier_gain(0.75))


def test_the_quick_plan_takes_partial_fourier_where_it_wins_and_not_on_an_echo_train():
    standard = plan_exam("dog", 35, "brain")
    quick = plan_exam("dog", 35, "brain", variant="quick")
    used = [q for q in quick.series if q.parameters.partial_fourier < 1]
    assert used and all(q.parameters.sequence in ("se", "gre") for q in used)
    for q in quick.series:
        if q.parameters.sequence in ("tse", "ir_tse"):
            assert q.parameters.partial_fourier == 1.0
    t1, t1_quick = standard.series[6], quick.series[6]  # T1 SE post-contrast: one average in the standard
    assert t1_quick.parameters.partial_fourier < 1 and t1_quick.parameters.acceleration == 1
    assert t1_quick.scan_time_s < t1.scan_time_s
    # the fully sampled T1 SE can only be shorter undersampled, which buries a small lesion
    undersampled = plan_exam("dog", 35, "brain", overrides=[parse_override("acceleration=2", 6)]).series[6]
    assert quality_score(t1_quick, t1) > quality_score(undersampled, t1)
    assert any("partial Fourier" in a.reason for a in t1_quick.adjustments if a.parameter == "variant")
