"""``vetmri records ...`` as staff and scripts use it: JSON out, exit codes, privacy."""

import json
import os
import shutil
import stat
from pathlib import Path


def add_owner(run_vetmri, name="Zoë Müller", phone="+49 170 1234567"):
    result = run_vetmri("records", "add-owner", "--name", name, "--phone", phone, "--email", "z@example.de", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def add_pet(run_vetmri, owner_id, *extra):
    result = run_vetmri("records", "add-pet", "--owner", owner_id, "--name", "Rex", "--species", "dog",
                        "--weight", "31,5", "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_owner_and_pet_print_the_new_records_and_search_finds_them(run_vetmri, isolated_workstation):
    owner = add_owner(run_vetmri)
    assert owner["id"] == "O-000001" and owner["name"] == "Zoë Müller"
    pet = add_pet(run_vetmri, owner["id"], "--sex", "male", "--neutered", "--dob", "2019-05-01",
                  "--microchip", "276 098106123456", "--breed", "Boxer")
    assert pet["id"] == "P-000001" and pet["patient_id"].startswith("VET-")
    assert (pet["weight_kg"], pet["microchip"], pet["neutered"], pet["birth_date"]) == (31.5, "276098106123456", True, "2019-05-01")

    found = json.loads(run_vetmri("records", "search", "zoe mul", "--json").stdout)
    assert [(h["id"], h["owner"]["id"]) for h in found] == [(pet["id"], owner["id"])]
    found = json.loads(run_vetmri("records", "search", "1701234567", "--json").stdout)
    assert [h["name"] for h in found] == ["Rex"]

    records = isolated_workstation / "data" / "records"
    assert stat.S_IMODE(records.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in records.iterdir())


def test_bad_fields_exit_2_with_one_sentence(run_vetmri):
    owner = add_owner(run_vetmri)
    cases = [
        (("--species", "cat", "--weight", "31"), "not plausible for a cat"),
        (("--species", "cat", "--weight", "3", "--microchip", "12345"), "exactly 15 digits"),
        (("--species", "cat", "--weight", "3", "--dob", "2999-01-01"), "in the future"),
        (("--species", "dragon", "--weight", "3"), "no protocol for the species"),
        (("--species", "cat", "--weight", "heavy"), "not a number"),
    ]
    for flags, message in cases:
        result = run_vetmri("records", "add-pet", "--owner", owner["id"], "--name", "X", *flags)
        assert result.returncode == 2, (flags, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    result = run_vetmri("records", "add-pet", "--owner", "O-999", "--name", "X", "--species", "cat", "--weight", "3")
    assert result.returncode == 2 and "There is no owner O-000999" in result.stderr


def test_edit_show_merge_and_list(run_vetmri):
    owner = add_owner(run_vetmri)
    first = add_pet(run_vetmri, owner["id"])
    second = add_pet(run_vetmri, owner["id"], "--breed", "Boxer")
    edited = json.loads(run_vetmri("records", "edit", first["id"], "--weight", "30", "--alert", "aggressive", "--json").stdout)
    assert edited["weight_kg"] == 30 and edited["alerts"] == ["aggressive"]
    merged = run_vetmri("records", "merge", first["id"], second["id"], "--json")
    assert merged.returncode == 0, merged.stderr
    assert json.loads(merged.stdout)["former_patient_ids"] == [second["patient_id"]]
    shown = json.loads(run_vetmri("records", "show", owner["id"], "--json").stdout)
    assert [p["id"] for p in shown["pets"]] == [first["id"]] and shown["pets"][0]["breed"] == "Boxer"
    assert run_vetmri("records", "edit", owner["id"], "--species", "cat").returncode == 2
    listed = json.loads(run_vetmri("records", "list", "owners", "--json").stdout)
    assert [o["id"] for o in listed] == [owner["id"]]


def test_verify_exits_0_only_when_intact(run_vetmri, isolated_workstation):
    owner = add_owner(run_vetmri)
    add_pet(run_vetmri, owner["id"])
    assert run_vetmri("records", "verify").returncode == 0
    from vetmri.records.store import RecordStore

    with RecordStore(isolated_workstation / "data") as store:
        study = store.add_study("P-1", "brain")
    shutil.rmtree(isolated_workstation / "data" / study.folder)
    result = run_vetmri("records", "verify", "--json")
    assert result.returncode == 1
    assert any("is missing" in p for p in json.loads(result.stdout)["problems"])


def test_backup_restore_and_export(run_vetmri, tmp_path):
    owner = add_owner(run_vetmri)
    backup = json.loads(run_vetmri("records", "backup", "--json").stdout)
    add_owner(run_vetmri, name="Later", phone="555 0101")
    refused = run_vetmri("records", "restore", backup["path"])
    assert refused.returncode == 2 and "--yes" in refused.stderr
    restored = run_vetmri("records", "restore", backup["path"], "--yes", "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["counts"]["owners"] == 1
    out = tmp_path / "export.json"
    assert run_vetmri("records", "export", "--output", str(out)).returncode == 0
    assert [o["id"] for o in json.loads(out.read_text())["owners"]] == [owner["id"]]


def test_owner_details_never_reach_the_log(run_vetmri, isolated_workstation):
    owner = add_owner(run_vetmri, name="Privacy Testname", phone="+44 7700 900123")
    run_vetmri("records", "add-pet", "--owner", owner["id"], "--name", "Secretpet", "--species", "cat", "--weight", "99")
    run_vetmri("records", "search", "Privacy")
    logs = isolated_workstation / "data" / "logs"
    text = "".join(p.read_text() for p in logs.glob("*"))
    assert "command records refused: UserInputError" in text  # the refusal was logged...
    for secret in ("Privacy", "Testname", "7700", "Secretpet"):
        assert secret not in text  # ...without the owner's or the pet's details


def test_the_number_of_backups_kept_comes_from_the_settings(run_vetmri):
    add_owner(run_vetmri)
    assert run_vetmri("settings", "set", "records.backups_kept", "2").returncode == 0
    for _ in range(3):
        assert run_vetmri("records", "backup").returncode == 0
    listed = json.loads(run_vetmri("records", "backup", "--list", "--json").stdout)
    assert len(listed) == 2


def test_a_breed_is_matched_to_the_breed_table_or_said_to_stay_free_text(run_vetmri):
    owner = add_owner(run_vetmri)
    result = run_vetmri("records", "add-pet", "--owner", owner["id"], "--name", "Bella", "--species", "dog",
                        "--weight", "28", "--breed", "Labrador", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["breed"] == "Labrador retriever"
    assert "recorded as 'Labrador retriever'" in result.stderr
    result = run_vetmri("records", "edit", "P-000001", "--breed", "Labradoodle", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["breed"] == "Labradoodle"
    assert "kept as free text" in result.stderr and "no breed code" in result.stderr


def test_a_search_range_may_run_past_today(run_vetmri):
    result = run_vetmri("records", "search", "--from", "2026-12-01", "--to", "2099-12-31")
    assert result.returncode == 0, result.stderr
