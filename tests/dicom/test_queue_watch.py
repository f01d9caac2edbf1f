"""``vetmri dicom queue --watch`` on a station without the UI: a study queued while the
PACS is down leaves by itself once a real storescp is back, the next retry is shown, and
Ctrl-C exits 130 with the queue intact."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import pydicom
import pytest

from tests.conftest import vetmri_command

from .exam import add_pet, recon_to_dicom, write_raw_exam
from .peers import free_port, start_storescp


@pytest.fixture
def study(tmp_path, run_vetmri):
    pet = add_pet(run_vetmri)
    result = recon_to_dicom(run_vetmri, write_raw_exam(tmp_path / "exam.h5"), pet["id"])
    files = [p for s in result["series"] for p in sorted(Path(s["folder"]).glob("*.dcm"))]
    return result, files


class Lines:
    """The lines a process prints, collected by a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, count: int = 1, timeout_s: float = 60) -> list[str]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {count} line(s) with {text!r} in:\n" + "\n".join(self.lines))


def test_the_queue_drains_by_itself_once_the_pacs_is_back(study, tmp_path, run_vetmri):
    result, files = study
    port = free_port()
    assert run_vetmri("settings", "set", "pacs.main", f"STORESCP@127.0.0.1:{port}").returncode == 0
    down = run_vetmri("dicom", "send", result["study"], "--to", "main")
    assert down.returncode == 1 and "stay queued" in down.stderr
    jobs = json.loads(run_vetmri("dicom", "queue", "--json").stdout)
    assert [j["status"] for j in jobs] == ["pending", "pending"]  # 30 s of back-off ahead

    watcher = subprocess.Popen([*vetmri_command(), "dicom", "queue", "--watch", "--interval", "0.5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peer = None
    try:
        out = Lines(watcher.stdout)
        waiting = out.wait_for("2 jobs waiting; next retry")[0]
        next_try = jobs[0]["next_attempt_at"][11:19]
        assert f"next retry {next_try} UTC (in " in waiting, waiting
        time.sleep(1.0)  # a few turns with the PACS still down: nothing is sent, nothing is lost
        assert not [line for line in out.lines if ": sent (" in line]

        peer = start_storescp(tmp_path / "pacs", port=port)  # the PACS is back
        out.wait_for("answers again")
        sent = out.wait_for(": sent (3 files)", count=2, timeout_s=60)
        assert len(sent) == 2
        out.wait_for("Nothing waiting")
        received = {str(pydicom.dcmread(p).SOPInstanceUID) for p in peer.folder.iterdir()}
        assert received == {str(pydicom.dcmread(p).SOPInstanceUID) for p in files}
        assert [j["status"] for j in json.loads(run_vetmri("dicom", "queue", "--json").stdout)] == ["sent", "sent"]

        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 130
        err = watcher.stderr.read()
        assert "stopped watching the send queue" in err and "Traceback" not in err
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
        if peer is not None:
            peer.stop()
        watcher.stdout.close()
        watcher.stderr.close()


def test_a_job_queued_later_is_sent_by_a_running_watch(study, storescp, run_vetmri):
    result, files = study
    node = storescp.node
    assert run_vetmri("settings", "set", "pacs.main", f"{node.ae_title}@{node.host}:{node.port}").returncode == 0
    watcher = subprocess.Popen([*vetmri_command(), "dicom", "queue", "--watch", "--interval", "0.5", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out = Lines(watcher.stdout)
        from vetmri.dicom.send_queue import enqueue_study
        from vetmri.records.store import open_store
        from vetmri.settings import load_settings

        with open_store() as store:  # queued by another program (the exam) while the watch runs
            enqueue_study(store, result["study"], "main", load_settings())
        lines = out.wait_for('"status": "sent"', count=2)
        assert {json.loads(line)["accepted"] for line in lines} == {3}
        assert len(list(storescp.folder.iterdir())) == len(files)
    finally:
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 130
        watcher.stdout.close()
        watcher.stderr.close()


def test_bad_watch_options_get_one_sentence(run_vetmri):
    done = run_vetmri("dicom", "queue", "--watch", "--interval", "0")
    assert done.returncode == 2 and "--interval must be from 0.2 to 3600 seconds" in done.stderr
    done = run_vetmri("dicom", "queue", "--watch", "--retry")
    assert done.returncode == 2 and "do not go together" in done.stderr
