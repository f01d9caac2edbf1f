"""The real ``vetmri sim-server`` over TCP: a multi-series exam through the link equals the
in-process simulator with the same seed; ``vetmri acquire`` survives the server being
killed mid-scan (everything received is in the file) and a rerun completes the exam."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess

import numpy as np
import pytest

from vetmri.acquisition.link import LinkBackend
from vetmri.acquisition.phantoms import phantom_for_exam
from vetmri.acquisition.runner import run_exam
from vetmri.acquisition.simulated import NOISE_READOUTS, SimulatedBackend, SimulatedConditions
from vetmri.rawdata import list_groups, read_series
from vetmri.rawdata.completeness import series_is_complete

from tests.acquisition.link.conftest import PATIENT, SMALL, small_plan
from tests.conftest import vetmri_command

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def same_series(a_path, b_path, group) -> None:
    a, b = read_series(a_path, group), read_series(b_path, group)
    assert a.header == b.header
    assert len(a.acquisitions) == len(b.acquisitions) and len(a.noise) == len(b.noise)
    for x, y in zip(a.noise + a.acquisitions, b.noise + b.acquisitions):
        assert x.counters == y.counters and x.flags == y.flags and x.time_stamp_s == y.time_stamp_s
        np.testing.assert_array_equal(x.data, y.data)


def test_a_multi_series_exam_over_tcp_equals_the_in_process_simulator(start_sim_server, tmp_path):
    server = start_sim_server("--seed", "7", "--drift-hz", "400")
    plan = small_plan()
    series = [1, 3, 4]  # T2 TSE sagittal, FLAIR, T2* GRE
    with LinkBackend.connect(server.address) as link:
        over_link = run_exam(plan, link, tmp_path / "link.h5", series=series)
    local = SimulatedBackend(phantom_for_exam("cat", "brain", 3.0),
                             conditions=SimulatedConditions(drift_hz=400, coil=plan.coil, seed=7))
    in_process = run_exam(plan, local, tmp_path / "local.h5", series=series)
    assert over_link.adjustments == in_process.adjustments
    assert abs(over_link.adjustments.f0_hz - 400) < 5
    groups = list_groups(tmp_path / "link.h5")
    assert groups == list_groups(tmp_path / "local.h5") == ["01_T2_TSE_sagittal", "03_FLAIR_transverse", "04_T2_GRE_transverse"]
    for group in groups:
        same_series(tmp_path / "link.h5", tmp_path / "local.h5", group)
        assert series_is_complete(tmp_path / "link.h5", group)
    assert [s.acquisitions for s in over_link.series] == [s.acquisitions for s in in_process.series]


def acquire_args(address: str, raw) -> list[str]:
    return [*vetmri_command(), "acquire", "--scanner", address, *PATIENT, "--series", "1", *SMALL, "--out", str(raw)]


def test_a_killed_sim_server_leaves_what_arrived_and_a_rerun_completes_the_series_as_simulate_would(start_sim_server, tmp_path, run_vetmri):
    server = start_sim_server("--seed", "2", "--pace", "4")  # 15 s of scan streamed in about 4 s
    raw = tmp_path / "exam.h5"
    client = subprocess.Popen(acquire_args(server.address, raw), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, text=False, env=dict(os.environ))
    seen, text = 0, ""
    while seen < NOISE_READOUTS + 5:
        chunk = os.read(client.stderr.fileno(), 4096).decode(errors="replace")
        if not chunk:
            break
        text += chunk
        counts = re.findall(r"written (\d+)/", text[-2000:])
        seen = int(counts[-1]) if counts else 0
    server.process.send_signal(signal.SIGKILL)  # the scanner dies mid-series
    out, err = client.communicate(timeout=60)
    text += err.decode()
    message = text.strip().splitlines()[-1]
    written = int(re.findall(r"written (\d+)/", text)[-1])  # the last acquisition the client reported flushed
    assert client.returncode == 1, message
    assert "closed the connection" in message and "keeps every acquisition received" in message
    assert "Traceback" not in text
    group = "01_T2_TSE_sagittal"
    partial = read_series(raw, group)
    stored = len(partial.noise) + len(partial.acquisitions)
    assert seen <= written == stored < NOISE_READOUTS + 64 and not series_is_complete(raw, group)

    again = start_sim_server("--seed", "2")
    result = run_vetmri(*acquire_args(again.address, raw)[len(vetmri_command()):], "--json")
    assert result.returncode == 0, result.stderr
    assert "cut short in an earlier run, acquiring it again" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["scanner"]["software"] == "vetmri sim-server" and summary["series"][0]["group"] == group
    assert summary["series"][0]["acquisitions"] == NOISE_READOUTS + 64
    complete = read_series(raw, group)
    assert len(complete.noise) + len(complete.acquisitions) == NOISE_READOUTS + 64 and series_is_complete(raw, group)
    simulated = tmp_path / "simulated.h5"  # the same exam with 'vetmri simulate' and the same seed
    assert run_vetmri("simulate", *PATIENT, "--series", "1", *SMALL, "--seed", "2", "--out", str(simulated)).returncode == 0
    same_series(raw, simulated, group)
    rerun = run_vetmri(*acquire_args(again.address, raw)[len(vetmri_command()):])
    assert rerun.returncode == 0 and "already complete" in rerun.stderr and "nothing to acquire" in rerun.stdout


def test_the_acquire_command_tells_what_is_wrong(run_vetmri, tmp_path):
    unreachable = run_vetmri("acquire", "--scanner", "127.0.0.1:1", *PATIENT, "--out", str(tmp_path / "x.h5"))
    assert unreachable.returncode == 1 and "No scanner answers at 127.0.0.1:1" in unreachable.stderr
    bad = run_vetmri("acquire", "--scanner", "scanner:port", *PATIENT, "--out", str(tmp_path / "x.h5"))
    assert bad.returncode == 2 and "is not HOST:PORT" in bad.stderr
    missing = run_vetmri("acquire", "--species", "cat", "--out", str(tmp_path / "x.h5"))
    assert missing.returncode == 2 and "Give --weight, --region." in missing.stderr
    settings = tmp_path / "settings.toml"
    settings.write_text('[scanner]\nbackend = "link"\naddress = "127.0.0.1:2"\n')
    from_settings = run_vetmri("acquire", *PATIENT, "--out", str(tmp_path / "x.h5"), env={"VETMRI_CONFIG": str(settings)})
    assert from_settings.returncode == 1 and "No scanner answers at 127.0.0.1:2" in from_settings.stderr, from_settings.stderr
    series = run_vetmri("acquire", "--scanner", "127.0.0.1:1", *PATIENT, "--series", "9", "--out", str(tmp_path / "x.h5"))
    assert series.returncode == 2 and "no series 9" in series.stderr
    assert not (tmp_path / "x.h5").exists()


def test_sim_server_stays_on_loopback_unless_told(run_vetmri, start_sim_server):
    refused = run_vetmri("sim-server", *PATIENT, "--host", "0.0.0.0", "--port", "0")
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr
    server = start_sim_server("--host", "0.0.0.0", "--allow-remote")
    assert server.address.startswith("0.0.0.0:")
    port = server.address.rsplit(":", 1)[1]
    with LinkBackend("127.0.0.1", int(port)) as link:
        assert link.software == "vetmri sim-server" and link.profile.name
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(timeout=30)
    assert "any computer that reaches this address can drive" in server.log() and "stopped" in server.log()


def test_ctrl_c_on_the_workstation_aborts_the_scan_on_the_scanner(start_sim_server, tmp_path):
    server = start_sim_server("--pace", "2")
    raw = tmp_path / "exam.h5"
    client = subprocess.Popen(acquire_args(server.address, raw), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, env=dict(os.environ))
    text = ""
    while not re.search(rf"written {NOISE_READOUTS + 2}/", text):  # into the imaging readouts
        chunk = os.read(client.stderr.fileno(), 4096).decode(errors="replace")
        if not chunk:
            break
        text += chunk
    client.send_signal(signal.SIGINT)
    _, err = client.communicate(timeout=60)
    assert client.returncode == 130 and "interrupted" in err.decode()
    partial = read_series(raw, "01_T2_TSE_sagittal")
    assert len(partial.acquisitions) < 64 and not series_is_complete(raw, "01_T2_TSE_sagittal")
    with LinkBackend.connect(server.address) as link:  # the scanner stopped and serves the next workstation
        assert link.software == "vetmri sim-server"
    assert "aborted" in server.log()
