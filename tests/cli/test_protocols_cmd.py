import json

import pytest


def test_protocols_list_json_names_every_species_with_classes_and_regions(run_vetmri):
    result = run_vetmri("protocols", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["species"]: row for row in json.loads(result.stdout)}
    assert {"dog", "cat", "rabbit", "ferret", "guinea_pig", "rat", "parrot", "tortoise"} <= set(rows)
    dog = rows["dog"]
    assert dog["weight_range_kg"] == [0.5, 110]
    assert [c["name"] for c in dog["size_classes"]][0] == "toy"
    assert set(dog["size_classes"][0]) == {"name", "min_kg", "max_kg"}
    assert {"brain", "cervical_spine", "thoracolumbar_spine", "stifle", "nasal_cavity"} <= set(dog["regions"])


def test_protocols_show_json_has_the_documented_fields(run_vetmri):
    result = run_vetmri("protocols", "show", "--species", "cat", "--weight", "3", "--region", "brain", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert {"species", "weight_kg", "size_class", "region", "coil", "total_time_s", "warnings", "series"} <= set(plan)
    keys = {"name", "sequence", "plane", "te_ms", "tr_ms", "ti_ms", "flip_angle_deg", "echo_train_length",
            "fov_mm", "matrix", "slice_mm", "slices", "averages", "bandwidth_hz_per_px", "acceleration",
            "scan_time_s", "predicted_snr", "min_te_ms", "min_tr_ms", "feasible", "violations", "adjustments"}
    for series in plan["series"]:
        assert keys <= set(series)
        assert series["feasible"] is True
    assert plan["series"][0]["sequence"] == "localizer"


def test_show_prints_the_time_snr_trade_off_and_budget_warnings(run_vetmri):
    result = run_vetmri("protocols", "show", "--species", "cat", "--weight", "3", "--region", "brain",
                        "--max-exam-min", "15")
    assert result.returncode == 0, result.stderr
    assert "SNR" in result.stdout and "min" in result.stdout
    assert "warning:" in result.stdout and "budget" in result.stdout
    assert "adjusted:" in result.stdout


def test_set_with_series_changes_only_that_series(run_vetmri):
    result = run_vetmri("protocols", "show", "--species", "dog", "--weight", "20", "--region", "brain",
                        "--series", "2", "--set", "fov_mm=180,160", "--set", "averages=3", "--json")
    assert result.returncode == 0, result.stderr
    series = json.loads(result.stdout)["series"]
    assert series[2]["fov_mm"] == [180.0, 160.0] and series[2]["averages"] == 3
    assert series[1]["fov_mm"] != [180.0, 160.0]


@pytest.mark.parametrize("args", [
    ["--species", "horse", "--weight", "400", "--region", "brain"],
    ["--species", "cat", "--weight", "60", "--region", "brain"],
    ["--species", "cat", "--weight", "0", "--region", "brain"],
    ["--species", "cat", "--weight", "-1", "--region", "brain"],
    ["--species", "cat", "--weight", "four", "--region", "brain"],
    ["--species", "cat", "--weight", "4", "--region", "hoof"],
    ["--species", "cat", "--weight", "4", "--region", "brain", "--set", "te_ms=1", "--series", "1"],
    ["--species", "cat", "--weight", "4", "--region", "brain", "--set", "nonsense"],
    ["--species", "cat", "--weight", "4", "--region", "brain", "--acceleration", "2", "--set", "acceleration=3"],
    ["--species", "dog", "--weight", "110", "--region", "thoracolumbar_spine"],
])
def test_bad_input_is_one_sentence_and_exit_2(run_vetmri, args):
    result = run_vetmri("protocols", "show", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vetmri: ") and "Traceback" not in result.stderr


def test_sequence_write_writes_a_pulseq_file(run_vetmri, tmp_path):
    out = tmp_path / "t1.seq"
    result = run_vetmri("sequence", "write", "--species", "rat", "--weight", "0.4", "--region", "brain",
                        "--series", "4", "--set", "averages=1", "--set", "slices=2", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["max_gradient_mt_per_m"] <= 16.0 + 1e-3
    assert summary["max_slew_t_per_m_per_s"] <= 40.0 + 1e-3
    text = out.read_text()
    assert text.startswith("# Pulseq sequence file") and "[BLOCKS]" in text and "LIN" in text


def test_sequence_write_refuses_a_missing_series(run_vetmri, tmp_path):
    result = run_vetmri("sequence", "write", "--species", "rat", "--weight", "0.4", "--region", "brain",
                        "--series", "12", "--out", str(tmp_path / "x.seq"))
    assert result.returncode == 2 and "no series 12" in result.stderr
