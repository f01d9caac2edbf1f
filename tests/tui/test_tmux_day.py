"""A clinic's whole day in the real ``vetmri`` in a real terminal (tmux), on a fresh data
folder and settings with a real storescp as the PACS: register a new pet and owner, set up
and run a short exam on the simulated scanner, review it and mark a key image, make the
report, send the study and see it arrive, run the QA and see it pass; then the records."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from tests.conftest import vetmri_command
from tests.dicom.peers import start_storescp
from tests.tui.test_tmux_smoke import alive, capture, tmux, tmux_session, wait_for  # noqa: F401


@pytest.fixture
def pacs(tmp_path, run_vetmri):
    """A running storescp, configured as the workstation's only PACS node."""
    peer = start_storescp(tmp_path / "storescp")
    node = peer.node
    assert run_vetmri("settings", "set", "pacs.main", f"{node.ae_title}@{node.host}:{node.port}").returncode == 0
    yield peer
    peer.stop()


def keys(session: str, *typed: str, literal: bool = False) -> None:
    tmux(session, "send-keys", "-t", session, *(("-l",) if literal else ()), *typed, check=True)


def cursor_row(session: str) -> int:
    """The terminal row of the cursor: the focused input's (so a form's field)."""
    return int(tmux(session, "display-message", "-p", "-t", session, "#{cursor_y}").stdout)


def row_of(session: str, label: str) -> int:
    """The terminal row of the first line that starts with the form label ``label``."""
    lines = capture(session).splitlines()
    return next((i for i, line in enumerate(lines) if line.startswith(f" {label}  ")), -1)


def wait_until(condition, what: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout_s:.0f} s")


def test_a_whole_day_at_the_clinic_in_the_real_vetmri(pacs, tmp_path, run_vetmri, tmux_session):  # noqa: F811
    s = tmux_session
    environment = " ".join(f"{k}={os.environ[k]}" for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR"))
    command = f"env -u COLORTERM -u COLUMNS -u LINES {environment} TERM=xterm-256color {' '.join(vetmri_command())}"
    tmux(s, "new-session", "-d", "-s", s, "-x", "100", "-y", "30", command, check=True)
    wait_for(s, "Today")

    # Register a new owner and pet, one field after the other.
    keys(s, "n")
    wait_for(s, "Register pet")
    fields = (("Owner's name", "Anna Berger"), ("Phone", "0611 234567"), ("E-mail", ""), ("Pet's name", "Rex"),
              ("Species", "dog"), ("Weight (kg)", "12"), ("Breed", "Beagle"), ("Sex", "male"), ("Neutered", "no"),
              ("Date of birth", "2020-04-01"))
    for label, value in fields:
        wait_until(lambda: cursor_row(s) == row_of(s, label), f"the focus on the field {label!r}", 10)
        if value:
            keys(s, value, literal=True)
            wait_until(lambda: capture(s).splitlines()[row_of(s, label)].split()[-1] == value.split()[-1],
                       f"{value!r} in the field {label!r}", 10)
        keys(s, "Tab")
    screen = wait_for(s, "A new owner")
    for line in ("Pet's name        Rex", "Species           dog", "Sex               male", "Neutered          no"):
        assert line in screen, screen
    keys(s, "C-s")
    screen = wait_for(s, "Registered Rex")
    assert "Rex  P-000001" in screen and "Beagle · male · 12 kg · born 2020-04-01" in screen, screen
    assert "Anna Berger" in screen and "0611 234567" in screen and "no studies yet" in screen, screen

    # The exam set-up of the brain, trimmed to the localizer, started on the simulator.
    keys(s, "e")
    screen = wait_for(s, "T2 TSE sagittal")
    assert "Rex · dog 12 kg · Beagle" in screen and "(7 series" in screen, screen
    keys(s, "Down")
    for remaining in range(6, 0, -1):
        keys(s, "x")
        wait_for(s, f"({remaining} series")
    screen = wait_for(s, "Exam 0:25 (1 series")
    assert "T2 TSE" not in screen and "FLAIR" not in screen, screen
    keys(s, "s")
    screen = wait_for(s, "Larmor frequency: centre frequency", 120)
    assert "Rex · S-000001" in screen and "Localizer 3-plane" in screen, screen
    screen = wait_for(s, "S-000001 · complete", 180)
    assert "✓ 0  Localizer 3-plane  done" in screen and "100% · 0:00 of scan left" in screen, screen

    # Back on the pet's record, the study is complete; its review opens at the middle slice.
    keys(s, "Escape")
    screen = wait_for(s, "s Start", gone="Abort")  # the set-up it was started from
    assert "The exam S-000001 is complete (1 series)." in screen and "Starting the exam" not in screen, screen
    keys(s, "Escape")
    screen = wait_for(s, "VM2")  # the study's row, with its accession number
    assert "S-000001" in screen and "complete" in screen and "no studies yet" not in screen, screen
    weighings = re.findall(r"\d{4}-\d\d-\d\d  12 kg\s*$", screen, re.MULTILINE)
    assert len(weighings) == 1, screen  # the exam at the weight weighed today adds no second weighing
    keys(s, "v")
    wait_for(s, "slice 5/9 · 1 Localizer 3-plane · S-000001")
    keys(s, "Down")
    wait_for(s, "slice 6/9 · 1 Localizer 3-plane")
    keys(s, "k")
    wait_for(s, "slice 6/9 ★ key image")
    wait_for(s, "Slice 6 of series 1 is a key image")  # the notification may come after the caption

    # The report for the referring vet, from the command line while the TUI runs.
    pdf = tmp_path / "rex.pdf"
    made = run_vetmri("report", "S-000001", "--out", str(pdf), "--comment", "Routine check.", "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["key_images"] == 1, made.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for shown in ("Rex", "Beagle", "Anna Berger", "VET-", "Localizer 3-plane", "Routine check."):
        assert shown in text, text

    # Send the study from the send screen; it arrives in storescp's folder.
    keys(s, "C-p")
    wait_for(s, "🔎")
    keys(s, "Send and export", literal=True)
    wait_for(s, "Send and export")
    keys(s, "Enter")
    screen = wait_for(s, "the queue is empty")
    assert "Rex (dog) · S-000001 brain" in screen and "main" in screen, screen
    keys(s, "s")
    screen = wait_for(s, " sent ", 120)
    assert "Localizer 3-plane" in screen, screen
    wait_until(lambda: len(list(pacs.folder.iterdir())) == 9, "the 9 images' arrival in storescp", 60)
    assert "PACS queue 0" in wait_for(s, "PACS queue 0")

    # QA from the QA screen: the simulated magnet passes, and the run is in the history.
    keys(s, "Escape")
    wait_for(s, "slice 6/9 ★ key image")
    keys(s, "C-p")
    wait_for(s, "🔎")
    keys(s, "QA", literal=True)
    wait_for(s, "Scan the QA phantom")
    keys(s, "Enter")
    wait_for(s, "r Run QA")
    keys(s, "r")
    screen = wait_for(s, ": passed", 240)
    assert "Every measure within its limits." in screen and "QA-000001" in screen, screen
    assert "fail" not in screen, screen

    keys(s, "C-q")
    wait_until(lambda: not alive(s), "vetmri quitting on ctrl+q", 15)

    # The records afterwards: the study complete with its series and the key image.
    shown = run_vetmri("records", "show", "S-000001", "--json")
    assert shown.returncode == 0, shown.stderr
    study = json.loads(shown.stdout)
    assert study["status"] == "complete" and [x["description"] for x in study["series"]] == ["Localizer 3-plane"]
    assert study["plan_summary"] == "brain: Localizer 3-plane", study["plan_summary"]
    assert [(k["series_number"], k["instance_number"]) for k in study["key_images"]] == [(1, 6)], study
