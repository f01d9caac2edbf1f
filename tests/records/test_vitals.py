"""The anaesthesia log: vital signs stored with the study, checked, listed, backed up,
written safely by several processes at once."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from vetmri.errors import UserInputError
from vetmri.records.backups import make_backup, read_backup
from vetmri.records.store import RecordStore, open_store
from vetmri.records.vitals import (
    VITALS_INTERVAL_S,
    check_vitals,
    next_vitals_due,
    record_vitals,
    vitals_of_study,
)


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def study(store):
    owner = store.add_owner("Hannah Müller", "030 1234567")
    pet = store.add_pet(owner.id, "Bella", "dog", 28.0)
    return store.add_study(pet.id, "brain")


def test_vitals_are_stored_with_the_study_and_read_back_oldest_first(store, study, tmp_path):
    start = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
    later = record_vitals(store, study.id, heart_rate_bpm="88", spo2_percent=97, recorded_at=start + timedelta(minutes=5))
    first = record_vitals(store, study.id, heart_rate_bpm=92, spo2_percent=98, etco2_mmhg="38", temperature_c="37,4",
                          note="isoflurane 1.5 %", operator="T. Lee", recorded_at=start)
    assert first.temperature_c == 37.4 and later.etco2_mmhg is None
    other = store.add_study(study.pet_id, "spine")
    record_vitals(store, other.id, heart_rate_bpm=70)
    with RecordStore(tmp_path / "data") as again:  # what the report reads, in another store
        log = vitals_of_study(again, study.id)
    assert [v.id for v in log] == [first.id, later.id]
    assert log[0].to_dict() == {"id": first.id, "study": study.id, "recorded_at": "2026-03-14T09:00:00+00:00",
                                "heart_rate_bpm": 92.0, "spo2_percent": 98.0, "etco2_mmhg": 38.0, "temperature_c": 37.4,
                                "note": "isoflurane 1.5 %", "operator": "T. Lee"}
    assert "HR 92/min  SpO2 98 %  EtCO2 38 mmHg  T 37.4 °C  isoflurane 1.5 %" in log[0].line()
    backup = make_backup(store)
    assert len(read_backup(backup.path)["vitals"]) == 3


def test_each_wrong_value_gets_its_own_sentence(store, study):
    clean, problems = check_vitals({"heart_rate_bpm": "9o", "spo2_percent": "101", "etco2_mmhg": "", "temperature_c": "37"})
    assert clean["temperature_c"] == 37.0 and clean["etco2_mmhg"] is None
    assert problems == {
        "heart_rate_bpm": "The heart rate '9o' is not a number; type it in beats/min.",
        "spo2_percent": "The SpO2 101 % is outside 50-100 %; check the monitor and type it again.",
    }
    with pytest.raises(UserInputError) as refused:
        record_vitals(store, study.id, heart_rate_bpm=900, temperature_c=12)
    assert str(refused.value).count(".") == 2 and "heart rate 900" in str(refused.value)
    with pytest.raises(UserInputError, match="No vital sign was given"):
        record_vitals(store, study.id)
    with pytest.raises(UserInputError, match="There is no study S-000099"):
        record_vitals(store, "S-000099", heart_rate_bpm=80)
    assert vitals_of_study(store, study.id) == []


def test_the_next_recording_is_due_five_minutes_after_the_last():
    start = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
    assert next_vitals_due(start, []) == start + timedelta(seconds=VITALS_INTERVAL_S)
    from vetmri.records.vitals import VitalSigns

    log = [VitalSigns("V-000001", "S-000001", (start + timedelta(minutes=7)).isoformat(), heart_rate_bpm=80),
           VitalSigns("V-000002", "S-000001", (start - timedelta(hours=2)).isoformat(), heart_rate_bpm=80)]
    assert next_vitals_due(start, log) == start + timedelta(minutes=12)


def test_the_command_line_records_and_lists_the_log(run_vetmri):
    with open_store() as opened:
        owner = opened.add_owner("Tom Lee", "030 1234567")
        study = opened.add_study(opened.add_pet(owner.id, "Mochi", "cat", 4.0).id, "brain")
    done = run_vetmri("records", "vitals", study.id, "--heart-rate", "160", "--spo2", "97", "--etco2", "36",
                      "--temperature", "38.1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["heart_rate_bpm"] == 160.0
    listed = run_vetmri("records", "vitals", study.id, "--list")
    assert listed.returncode == 0 and "HR 160/min  SpO2 97 %  EtCO2 36 mmHg  T 38.1 °C" in listed.stdout
    wrong = run_vetmri("records", "vitals", study.id, "--spo2", "130")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "The SpO2 130 % is outside 50-100 %" in wrong.stderr
    as_json = json.loads(run_vetmri("records", "vitals", study.id, "--list", "--json").stdout)
    assert [v["spo2_percent"] for v in as_json] == [97.0]


def test_two_consoles_recording_at_once_lose_nothing(run_vetmri):
    with open_store() as opened:
        owner = opened.add_owner("Tom Lee", "030 1234567")
        study = opened.add_study(opened.add_pet(owner.id, "Mochi", "cat", 4.0).id, "brain")
    script = ("import sys\nfrom vetmri.records.store import open_store\nfrom vetmri.records.vitals import record_vitals\n"
              "with open_store() as s:\n    for i in range(20):\n"
              "        record_vitals(s, sys.argv[1], heart_rate_bpm=100 + i, note=sys.argv[2])\n")
    writers = [subprocess.Popen([sys.executable, "-c", script, study.id, name]) for name in ("a", "b")]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    with open_store() as opened:
        log = vitals_of_study(opened, study.id)
    assert len(log) == 40 and len({v.id for v in log}) == 40
    assert sorted(v.heart_rate_bpm for v in log if v.note == "a") == [100.0 + i for i in range(20)]
