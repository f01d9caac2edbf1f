"""Whatever stops an exam keeps what arrived, leaves the records consistent and can be
resumed: Ctrl-C, a PACS that is down, a file-size limit, a full disk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import h5py
import pytest

from tests.conftest import vetmri_command
from tests.dicom.peers import free_port, start_storescp
from tests.exam.conftest import SMALL, exam_json, study_record


def _data_dir(run_vetmri) -> Path:
    return Path(json.loads(run_vetmri("settings", "show", "--json").stdout)["data"]["dir"])


def _raw_files_open(data_dir: Path) -> list[str]:
    groups = []
    for raw in data_dir.glob("studies/*/raw/exam.h5"):
        with h5py.File(raw, "r") as f:
            groups += list(f)
    return groups


def test_ctrl_c_stops_the_exam_and_resume_completes_it(run_vetmri, cat):
    process = subprocess.Popen([*vetmri_command(), "exam", "--pet", cat["id"], "--region", "brain", "--series", "2,3",
                                "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, env=dict(os.environ), start_new_session=True)
    for line in process.stderr:
        if "started" in line:
            break
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted" in err and "--resume S-" in err and "Traceback" not in err
    study_id = json.loads(out)["study"]
    study = study_record(run_vetmri, study_id)
    assert study["status"] == "incomplete" and "interrupted" in study["status_reason"]
    kept = _raw_files_open(_data_dir(run_vetmri))
    assert kept and kept[0].startswith("02_")

    resumed = run_vetmri("exam", "--resume", study_id, "--json")
    assert resumed.returncode == 0, resumed.stderr
    study = study_record(run_vetmri, study_id)
    assert study["status"] == "complete"
    assert sorted(s["parameters"]["exam_index"] for s in study["series"]) == [2, 3]
    assert len(_raw_files_open(_data_dir(run_vetmri))) >= 2  # a cut attempt with imaging data stays beside its repeat
    assert run_vetmri("records", "verify").returncode == 0


def test_a_pacs_that_is_down_leaves_the_series_queued_and_the_exam_complete(run_vetmri, cat, tmp_path):
    port = free_port()
    assert run_vetmri("settings", "set", "pacs.main", f"STORESCP@127.0.0.1:{port}").returncode == 0
    assert run_vetmri("settings", "set", "pacs.main.auto_send", "true").returncode == 0  # and --send names it too
    result = run_vetmri("exam", "--pet", cat["id"], "--region", "brain", *SMALL, "--series", "1,2", "--send", "main",
                        "--json")
    assert result.returncode == 0, result.stderr
    assert exam_json(result)["status"] == "complete"
    sends = json.loads(run_vetmri("records", "list", "sends", "--json").stdout)
    assert len(sends) == 2 and all(s["status"] == "pending" and s["attempts"] >= 1 for s in sends)

    pacs = start_storescp(tmp_path / "pacs", port=port)
    try:
        drained = run_vetmri("dicom", "queue", "--retry")
        assert drained.returncode == 0, drained.stderr
        assert len(list(pacs.folder.rglob("*"))) >= 4  # 2 series x 2 images
    finally:
        pacs.stop()
    sends = json.loads(run_vetmri("records", "list", "sends", "--json").stdout)
    assert all(s["status"] == "sent" for s in sends)


def test_a_file_size_limit_ends_the_exam_with_one_sentence_and_nothing_corrupt(run_vetmri, cat):
    command = " ".join(f"'{a}'" for a in [*vetmri_command(), "exam", "--pet", cat["id"], "--region", "brain",
                                          "--series", "2"])
    done = subprocess.run(["bash", "-c", f"ulimit -f 10000; exec {command}"], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("vetmri: ") and "disk" in last and "--resume S-" in last
    assert "Traceback" not in done.stderr
    assert run_vetmri("records", "verify").returncode == 0
    assert _raw_files_open(_data_dir(run_vetmri))  # the raw file still opens
    study_id = last.split("--resume ")[1].split("'")[0]
    assert study_record(run_vetmri, study_id)["status"] == "incomplete"
    resumed = run_vetmri("exam", "--resume", study_id)
    assert resumed.returncode == 0, resumed.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB filesystem (tmpfs) for the data folder."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"this test needs root to mount a small filesystem (mount said: {done.stderr.strip()})")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_ends_the_exam_with_one_sentence(run_vetmri, cat, isolated_workstation, small_disk):
    data = isolated_workstation / "data"
    shutil.copytree(data, small_disk / "data")
    env = {"VETMRI_DATA_DIR": str(small_disk / "data")}
    done = run_vetmri("exam", "--pet", cat["id"], "--region", "brain", "--series", "2", "--set", "averages=1", env=env,
                      timeout=280)
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("vetmri: ") and "room" in last.lower()
    assert "Traceback" not in done.stderr
    assert run_vetmri("records", "verify", env=env).returncode == 0
    assert _raw_files_open(small_disk / "data")


def test_a_console_killed_mid_series_leaves_a_study_that_resume_finishes(run_vetmri, cat):
    process = subprocess.Popen([*vetmri_command(), "exam", "--pet", cat["id"], "--region", "brain", "--series", "2",
                                "--set", "averages=1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, env=dict(os.environ), start_new_session=True)
    for line in process.stderr:
        if "started" in line:
            break
    os.killpg(process.pid, signal.SIGKILL)  # the plug pulled: no clean-up of any kind
    process.communicate(timeout=60)
    studies = json.loads(run_vetmri("records", "list", "studies", "--json").stdout)
    assert [s["status"] for s in studies] == ["scanning"]  # nothing could say otherwise
    resumed = run_vetmri("exam", "--resume", studies[0]["id"], "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert study_record(run_vetmri, studies[0]["id"])["status"] == "complete"
    assert run_vetmri("records", "verify").returncode == 0
