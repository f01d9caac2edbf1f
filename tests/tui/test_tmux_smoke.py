"""The real ``vetmri`` in a real terminal (tmux): a bare ``vetmri`` opens the TUI, a search
finds the pet, ``e`` opens its exam set-up, ``ctrl+q`` quits."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid

import pytest

from tests.conftest import vetmri_command


def tmux(session: str, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    """tmux on a server of this test's own (``-L``), apart from anyone else's sessions."""
    return subprocess.run(["tmux", "-L", session, *args], capture_output=True, text=True, check=check)


def capture(session: str) -> str:
    return tmux(session, "capture-pane", "-p", "-t", session).stdout


def wait_for(session: str, text: str, timeout_s: float = 30.0, *, gone: str = "") -> str:
    """The screen once ``text`` is on it (and ``gone`` no longer is)."""
    deadline = time.monotonic() + timeout_s
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen and not (gone and gone in screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear (or {gone!r} stayed); the screen was:\n{screen}")


def alive(session: str) -> bool:
    return tmux(session, "has-session", "-t", session).returncode == 0


@pytest.fixture
def tmux_session():
    assert shutil.which("tmux"), "tmux is needed for this test: install it with 'make system-deps'"
    name = f"vetmri-smoke-{uuid.uuid4().hex[:8]}"
    yield name
    tmux(name, "kill-server")


def test_the_real_vetmri_in_a_terminal(clinic, tmux_session):
    environment = " ".join(f"{k}={os.environ[k]}" for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR"))
    command = f"env {environment} TERM=xterm-256color {' '.join(vetmri_command())}"
    tmux(tmux_session, "new-session", "-d", "-s", tmux_session, "-x", "100", "-y", "30", command, check=True)
    wait_for(tmux_session, "Today")
    wait_for(tmux_session, "Pepper")  # the search over every pet has drawn
    tmux(tmux_session, "send-keys", "-t", tmux_session, "/", check=True)
    wait_for(tmux_session, "Search", gone="New pet")  # the search field has the keys now
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Müller", check=True)
    screen = wait_for(tmux_session, "Hannah Müller", gone="Pepper")  # Pepper is Tom Lee's
    assert "Bella" in screen and "Labrador retriever" in screen
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Enter", "e", check=True)
    screen = wait_for(tmux_session, "T2 TSE sagittal")
    assert "Bella · dog 28 kg" in screen and "anaesthesia budget" in screen
    tmux(tmux_session, "send-keys", "-t", tmux_session, "C-q", check=True)
    deadline = time.monotonic() + 10
    while alive(tmux_session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(tmux_session), "vetmri did not quit on ctrl+q"


def test_a_short_exam_runs_start_to_finish_in_the_real_vetmri(clinic, tmux_session):
    """The exam set-up trimmed to the localizer, started with ``s``: the acquisition screen
    follows it on the simulated scanner to its end, with the calibration and a live slice."""
    environment = " ".join(f"{k}={os.environ[k]}" for k in ("VETMRI_CONFIG", "VETMRI_DATA_DIR"))
    command = f"env {environment} TERM=xterm-256color {' '.join(vetmri_command())}"
    tmux(tmux_session, "new-session", "-d", "-s", tmux_session, "-x", "100", "-y", "30", command, check=True)
    wait_for(tmux_session, "Pepper")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "/", check=True)
    wait_for(tmux_session, "Search", gone="New pet")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Müller", check=True)
    wait_for(tmux_session, "Hannah Müller", gone="Pepper")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Enter", "e", check=True)
    wait_for(tmux_session, "T2 TSE sagittal")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "Down", check=True)
    for remaining in range(6, 0, -1):  # keep only the localizer
        tmux(tmux_session, "send-keys", "-t", tmux_session, "x", check=True)
        wait_for(tmux_session, f"({remaining} series" if remaining > 1 else "(1 series")
    tmux(tmux_session, "send-keys", "-t", tmux_session, "s", check=True)
    screen = wait_for(tmux_session, "Larmor frequency: centre frequency", 60)
    assert "Localizer 3-plane" in screen
    screen = wait_for(tmux_session, "complete", 120)
    assert "✓ 0  Localizer 3-plane  done" in screen and "100% · 0:00 of scan left" in screen, screen
    # a slice of it under the image (the end's notifications may cover the caption a while)
    deadline = time.monotonic() + 30
    while not re.search(r"slice [1-9]/9 · Localizer", screen) and time.monotonic() < deadline:
        time.sleep(0.5)
        screen = capture(tmux_session)
    assert re.search(r"slice [1-9]/9 · Localizer", screen), screen
    tmux(tmux_session, "send-keys", "-t", tmux_session, "C-q", check=True)
    deadline = time.monotonic() + 10
    while alive(tmux_session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(tmux_session), "vetmri did not quit on ctrl+q after the exam"
