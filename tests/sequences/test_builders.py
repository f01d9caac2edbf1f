"""The Pulseq builders: every kind of series builds, re-reads, passes timing and the
gradient limits, and its TE/TR limits are exact to one gradient raster step."""

from dataclasses import replace
from pathlib import Path

import pytest

from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam
from vetmri.scanner.profile import load_profile, parse_profile
from vetmri.sequences.api import SequenceRefusedError, build_sequence, check_sequence_file, write_sequence
from vetmri.sequences.builders import make_sequence

PROFILE = load_profile()
SMALL = [parse_override("averages=1"), parse_override("slices=2")]


def _series():
    brain = plan_exam("cat", 3, "brain", overrides=SMALL)
    stifle = plan_exam("dog", 20, "stifle", overrides=SMALL)
    found = {}
    for s in brain.series + stifle.series:
        found.setdefault(s.parameters.sequence, s)
    return found


SERIES = _series()
KINDS = ["localizer", "se", "tse", "gre", "ir_tse", "gre3d"]


def test_every_sequence_kind_is_covered():
    assert set(SERIES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_written_file_rereads_and_passes_timing_and_gradient_limits(kind, tmp_path: Path):
    series = SERIES[kind]
    path = tmp_path / f"{kind}.seq"
    written = write_sequence(series, PROFILE, path)
    assert written.ok
    reread = check_sequence_file(path, PROFILE)
    assert reread.timing_errors == () and reread.violations == ()
    assert reread.gradients.max_amplitude_t_per_m <= 0.016 * (1 + 1e-5)
    assert reread.duration_s == pytest.approx(series.scan_time_s, abs=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_at_min_te_the_sequence_passes_and_one_raster_step_shorter_it_is_refused(kind):
    series = SERIES[kind]
    at_min = replace(series, parameters=replace(series.parameters, te_s=series.min_te_s))
    seq = make_sequence(at_min, PROFILE)
    assert seq.check_timing()[0]
    shorter = replace(series, parameters=replace(series.parameters, te_s=series.min_te_s - 10e-6))
    with pytest.raises(SequenceRefusedError, match="shorter than the minimum"):
        make_sequence(shorter, PROFILE)


@pytest.mark.parametrize("kind", ["se", "gre", "gre3d", "tse", "ir_tse"])
def test_at_min_tr_the_sequence_passes_and_one_raster_step_shorter_it_is_refused(kind):
    series = SERIES[kind]
    at_min = replace(series, parameters=replace(series.parameters, tr_s=series.min_tr_s))
    assert make_sequence(at_min, PROFILE).check_timing()[0]
    shorter = replace(series, parameters=replace(series.parameters, tr_s=series.min_tr_s - 10e-6))
    with pytest.raises(SequenceRefusedError, match="TR"):
        make_sequence(shorter, PROFILE)


def test_a_sequence_beyond_a_weaker_scanner_is_caught_by_the_gradient_check(tmp_path: Path):
    path = tmp_path / "gre.seq"
    write_sequence(SERIES["gre"], PROFILE, path)
    weak = PROFILE.to_dict()
    weak["gradients"] = {"max_amplitude_t_per_m": 0.010, "max_slew_t_per_m_per_s": 20.0}
    result = check_sequence_file(path, parse_profile(weak))
    assert {v.parameter for v in result.violations} == {"gradient", "slew"}


def test_the_gradient_check_agrees_with_the_sequence_waveforms():
    import numpy as np

    seq = make_sequence(SERIES["se"], PROFILE)
    result = build_sequence(SERIES["se"], PROFILE)
    gamma = PROFILE.magnet.gamma_hz_per_t
    peak = slew = 0.0
    for wave in seq.waveforms():
        t, g = wave[0], wave[1] / gamma
        peak = max(peak, float(np.max(np.abs(g))))
        dt = np.diff(t)
        keep = dt > 1e-9
        slew = max(slew, float(np.max(np.abs(np.diff(g)[keep] / dt[keep]))))
    assert result.gradients.max_amplitude_t_per_m == pytest.approx(peak, rel=1e-6)
    assert result.gradients.max_slew_t_per_m_per_s == pytest.approx(slew, rel=1e-6)


@pytest.mark.parametrize("kind", ["tse", "gre3d", "localizer"])
def test_the_adc_labels_carry_the_planned_encoding(kind, tmp_path: Path):
    import pypulseq as pp

    series = SERIES[kind]
    path = tmp_path / "s.seq"
    write_sequence(series, PROFILE, path)
    seq = pp.Sequence()
    seq.read(str(path))
    labels = seq.evaluate_labels(evolution="adc")
    p = series.parameters
    if kind == "gre3d":
        got = sorted(zip(labels["LIN"].tolist(), labels["PAR"].tolist()))
        assert got == sorted(series.encoding.points)
    else:
        planes = 3 if kind == "localizer" else 1
        assert len(labels["LIN"]) == planes * p.slices * len(series.encoding.lines)
        assert set(labels["LIN"].tolist()) == set(series.encoding.lines)
        assert set(labels["SLC"].tolist()) == set(range(p.slices))
        if kind == "localizer":
            assert set(labels["SET"].tolist()) == {0, 1, 2}
        else:
            assert set(labels["SEG"].tolist()) <= set(range(p.echo_train_length))


def test_accelerated_scans_acquire_only_the_planned_lines(tmp_path: Path):
    plan = plan_exam("dog", 20, "stifle", overrides=SMALL + [parse_override("acceleration=2")])
    tse = plan.series[1]
    result = build_sequence(tse, PROFILE)
    assert result.ok
    assert result.text.count("\n") > 0
    assert len(tse.encoding.lines) < tse.parameters.matrix[0]


ALL_PLANS = ("dog", "cat", "rabbit", "ferret", "guinea_pig", "rat", "parrot", "tortoise")


@pytest.mark.slow
@pytest.mark.timeout(3600)  # a species builds and re-reads a few hundred sequences
@pytest.mark.parametrize("species", ALL_PLANS)
def test_every_series_of_every_plan_builds_and_passes_its_checks(species, tmp_path: Path):
    """All size classes (at their lightest and centre weights) x all regions x all series,
    each with one average (more averages repeat the same blocks)."""
    import math

    from vetmri.errors import UserInputError
    from vetmri.protocols.library import load_library

    library = load_library()
    spec = library.catalog.find(species)
    for size_class in spec.size_classes:
        for weight in (size_class.min_kg, math.sqrt(size_class.min_kg * size_class.max_kg)):
            for region in library.protocols[spec.name].regions:
                try:
                    plan = plan_exam(species, weight, region, overrides=[parse_override("averages=1")])
                except UserInputError:
                    continue
                for index, series in enumerate(plan.series):
                    path = tmp_path / f"{region}-{index}.seq"
                    write_sequence(series, PROFILE, path)
                    result = check_sequence_file(path, PROFILE)
                    assert result.ok, (species, weight, region, series.parameters.name, result.timing_errors[:3])


@pytest.mark.parametrize("index", [2, 4, 5])  # the cat brain's T2 TSE, T2* GRE and T1 SE
def test_a_partial_fourier_series_plays_only_its_planned_lines_at_its_te(index, tmp_path: Path):
    import pypulseq as pp

    overrides = SMALL + [parse_override("partial_fourier=0.75", index)]
    series = plan_exam("cat", 3, "brain", overrides=overrides).series[index]
    p = series.parameters
    rows = p.encoded_rows
    path = tmp_path / "pf.seq"
    written = write_sequence(series, PROFILE, path)
    assert written.ok, written
    reread = check_sequence_file(path, PROFILE)
    assert reread.timing_errors == () and reread.violations == ()
    assert reread.duration_s == pytest.approx(series.scan_time_s, abs=1e-6)  # the planned time
    seq = pp.Sequence()
    seq.read(str(path))
    labels = seq.evaluate_labels(evolution="adc")
    assert len(labels["LIN"]) == p.slices * p.averages * len(series.encoding.lines)
    assert set(labels["LIN"].tolist()) == set(series.encoding.lines)
    assert len(series.encoding.lines) == round(0.75 * rows)
    assert rows // 2 in series.encoding.lines  # the centre, at TE
    skipped = set(range(1, rows)) - set(series.encoding.lines)  # (line 0 has no mirror line: never kept)
    assert skipped and (max(skipped) < rows // 2 or min(skipped) > rows // 2)  # one side only
    if series.echo_spacing_s is not None:
        centre_echoes = {int(s) for lin, s in zip(labels["LIN"].tolist(), labels["SEG"].tolist()) if lin == rows // 2}
        assert centre_echoes == {series.encoding.centre_echo - 1}
        assert p.te_s == pytest.approx(series.encoding.centre_echo * series.echo_spacing_s, rel=1e-3)
