"""The exam on the scanner link: the real ``vetmri sim-server`` over TCP, chosen by the
settings (``scanner.backend = link``), and what a dying scanner leaves."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import numpy as np

from tests.acquisition.link.conftest import start_sim_server  # noqa: F401  (fixture)
from tests.conftest import vetmri_command
from tests.exam.conftest import SMALL, dicom_pixels, exam_json, study_record


def _use_link(run_vetmri, address: str) -> None:
    for key, value in (("scanner.backend", "link"), ("scanner.address", address)):
        done = run_vetmri("settings", "set", key, value)
        assert done.returncode == 0, done.stderr


def test_the_link_gives_the_same_images_as_the_simulator_in_process(run_vetmri, cat, start_sim_server):
    local = exam_json(run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1,2",
                                 "--seed", "5", "--json"))
    server = start_sim_server("--seed", "5")
    _use_link(run_vetmri, server.address)
    remote = run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1,2", "--json")
    assert remote.returncode == 0, remote.stderr + server.log()
    linked = exam_json(remote)
    assert linked["study"] != local["study"] and linked["status"] == "complete"
    for here, there in zip(local["series"], linked["series"]):
        a, b = dicom_pixels(Path(here["dicom_dir"])), dicom_pixels(Path(there["dicom_dir"]))
        assert len(a) == len(b) == 2
        for x, y in zip(a, b):
            assert np.array_equal(x, y)
        assert np.mean(a[0]) > 0


def test_a_killed_scanner_leaves_an_incomplete_study_that_resume_finishes(run_vetmri, cat, start_sim_server, tmp_path):
    server = start_sim_server("--pace", "20")
    _use_link(run_vetmri, server.address)
    process = subprocess.Popen([*vetmri_command(), "exam", "--pet", cat["id"], "--region", "brain", *SMALL,
                                "--series", "1,2", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, env=dict(os.environ))
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "started" in line:
            break
    os.kill(server.process.pid, signal.SIGKILL)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 1, "".join(seen) + err
    assert "--resume S-" in err and "Traceback" not in err
    study_id = exam_json(type("R", (), {"stdout": out, "stderr": err})())["study"]
    study = study_record(run_vetmri, study_id)
    assert study["status"] == "incomplete" and study["status_reason"]
    assert study["series"] == []

    again = start_sim_server()
    _use_link(run_vetmri, again.address)
    resumed = run_vetmri("exam", "--resume", study_id, "--json")
    assert resumed.returncode == 0, resumed.stderr + again.log()
    study = study_record(run_vetmri, study_id)
    assert study["status"] == "complete" and study["status_reason"] == ""
    assert [s["number"] for s in study["series"]] == [1, 2]
