"""``vetmri qa run`` and ``vetmri qa history`` as a physicist types them: a good and a
degraded simulated magnet, the history after two runs, bad input."""

import json


def test_a_good_then_a_drifted_magnet_and_the_history_of_both(run_vetmri):
    good = run_vetmri("qa", "run")
    assert good.returncode == 0, good.stderr
    assert "QA passed; stored as QA-000001" in good.stdout
    assert "Larmor frequency    8.515496 MHz" in good.stdout

    drifted = run_vetmri("qa", "run", "--drift-hz", "25000", "--json")
    assert drifted.returncode == 1, drifted.stderr
    data = json.loads(drifted.stdout)
    assert data["id"] == "QA-000002" and data["passed"] is False
    larmor = next(m for m in data["measures"] if m["key"] == "larmor")
    assert larmor["passed"] is False and "+25.00 kHz" in larmor["reason"]
    assert data["conditions"]["drift_hz"] == 25000

    history = run_vetmri("qa", "history", "--json")
    runs = json.loads(history.stdout)
    assert [(r["id"], r["passed"]) for r in runs] == [("QA-000001", True), ("QA-000002", False)]
    table = run_vetmri("qa", "history").stdout.splitlines()
    assert table[0].split()[:4] == ["id", "date", "scanner", "result"]
    assert table[1].startswith("QA-000001") and " pass " in table[1]
    assert table[2].startswith("QA-000002") and "FAIL" in table[2] and "8.540496!" in table[2]
    assert table[2].rstrip().endswith("Larmor")


def test_the_failure_is_explained_in_one_sentence_per_measure(run_vetmri):
    result = run_vetmri("qa", "run", "--rf-error", "1.5")
    assert result.returncode == 1
    fails = [line for line in result.stdout.splitlines() if line.startswith("FAIL ")]
    assert fails == ["FAIL RF transmit scale: The RF calibration needed 0.667 x the nominal drive (limits 0.8 to "
                     "1.25): check the RF amplifier, the coil's tuning and its cable."]


def test_an_empty_history_says_how_to_fill_it(run_vetmri):
    result = run_vetmri("qa", "history")
    assert result.returncode == 0
    assert "no QA results yet; run 'vetmri qa run'" in result.stdout
    assert json.loads(run_vetmri("qa", "history", "--json").stdout) == []


def test_bad_input_gets_one_sentence_and_exit_code_2(run_vetmri):
    for args, message in (
        (("qa", "run", "--shim-error", "1,2"), "--shim-error must be three numbers"),
        (("qa", "run", "--drift-hz", "900000"), "beyond what the magnet can drift"),
        (("qa", "history", "--last", "0"), "--last must be 1 or more."),
    ):
        result = run_vetmri(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_simulated_magnet_options_are_refused_on_the_scanner_link(run_vetmri):
    assert run_vetmri("settings", "set", "scanner.backend", "link").returncode == 0
    result = run_vetmri("qa", "run", "--drift-hz", "100")
    assert result.returncode == 2
    assert "apply to the simulator only" in result.stderr
    assert run_vetmri("qa", "history", "--json").stdout.strip() == "[]"
