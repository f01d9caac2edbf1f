"""Fixtures of the scanner-link tests: the real ``vetmri sim-server`` in a subprocess on a
free port, a misbehaving scanner, and a small cat-brain exam."""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass

import pytest

from vetmri.protocols.overrides import parse_override
from vetmri.protocols.planner import plan_exam

from tests.acquisition.link.rogue_scanner import RogueScanner
from tests.conftest import vetmri_command

#: A small exam: a 3 kg cat's brain, 32x32 matrix, 2 slices, one average; no phase
#: oversampling, so a series is exactly 32 lines a slice (these tests are about the link).
PATIENT = ["--species", "cat", "--weight", "3", "--region", "brain"]
SMALL = ["--set", "matrix=32,32", "--set", "slices=2", "--set", "averages=1", "--set", "phase_oversampling=0"]


def small_plan():
    return plan_exam("cat", 3.0, "brain", overrides=[parse_override(s, None) for s in SMALL[1::2]])


@dataclass
class SimServer:
    """A running ``vetmri sim-server``."""

    process: subprocess.Popen
    address: str
    log_path: object

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_sim_server(tmp_path):
    """Start the real ``vetmri sim-server --port 0`` with extra options; killed at the end."""
    started: list[SimServer] = []

    def start(*options: str) -> SimServer:
        log_path = tmp_path / f"sim-server-{len(started)}.log"
        log = open(log_path, "w")
        process = subprocess.Popen([*vetmri_command(), "sim-server", *PATIENT, "--port", "0", *options],
                                   stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True,
                                   env=dict(os.environ))  # the BLAS threads of the tests (tests/conftest.py)
        log.close()
        line = process.stdout.readline()  # "vetmri sim-server: listening on HOST:PORT ..."
        match = re.search(r"listening on (\S+:\d+)", line)
        if match is None:
            process.kill()
            process.wait()
            pytest.fail(f"sim-server did not start: {line!r} {log_path.read_text()}")
        server = SimServer(process, match.group(1), log_path)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
        server.process.wait(timeout=30)
        server.process.stdout.close()


@pytest.fixture
def rogue():
    """Start a misbehaving scanner playing a script; stopped (and its assertions checked)
    at the end."""
    servers: list[RogueScanner] = []

    def start(script) -> RogueScanner:
        server = RogueScanner(script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    for server in servers:
        if server.errors:
            raise server.errors[0]


def wait_for(condition, what: str, limit_s: float = 60.0) -> None:
    """Poll until ``condition()`` (a guard against hanging, not a timing check)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)
