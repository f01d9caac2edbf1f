"""Real DICOM peers for the tests: dcmtk's storescp and Orthanc, on free loopback ports.

Each peer runs as a child process with its own folder; its log is kept so a failing test
can show it; teardown stops the process.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from vetmri.settings import PacsNode

ORTHANC_WORKLIST_PLUGIN = Path("/usr/share/orthanc/plugins/libModalityWorklists.so")
OUR_AE = "VETMRI"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the peer exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the peer did not open port {port}:\n{log.read_text(errors='replace')}")


@dataclass
class Peer:
    """A running peer process."""

    process: subprocess.Popen
    node: PacsNode
    folder: Path
    log: Path
    extra: dict = field(default_factory=dict)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def kill(self) -> None:
        """Stop it abruptly, as a PACS that crashes or loses power."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_storescp(folder: Path, port: int | None = None, extra_args: tuple[str, ...] = ()) -> Peer:
    """dcmtk's storescp, accepting every storage SOP class, writing into ``folder``/received
    (``extra_args`` such as ``("--sleep-during", "1")`` make a slow PACS)."""
    received = folder / "received"
    received.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = folder / f"storescp-{port}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["storescp", "-aet", "STORESCP", "-od", str(received), "+xa", "-v", *extra_args, str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    peer = Peer(process, PacsNode("store", "STORESCP", "127.0.0.1", port), received, log)
    try:
        wait_for_port(port, process, log)
    except RuntimeError:
        peer.stop()
        raise
    return peer


def start_orthanc(folder: Path) -> Peer:
    """Orthanc with its own storage, DICOM and HTTP ports, our AE allowed, and the
    ModalityWorklists plugin serving ``folder``/worklists."""
    dicom_port, http_port = free_port(), free_port()
    worklists = folder / "worklists"
    worklists.mkdir(parents=True, exist_ok=True)
    config = {
        "Name": "vetmri-test-pacs",
        "StorageDirectory": str(folder / "storage"),
        "IndexDirectory": str(folder / "storage"),
        "DicomAet": "ORTHANC",
        "DicomPort": dicom_port,
        "HttpPort": http_port,
        "HttpServerEnabled": True,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomCheckCalledAet": True,
        "DefaultEncoding": "Utf8",
        "DicomModalities": {
            "vetmri": {"AET": OUR_AE, "Host": "127.0.0.1", "Port": 104,
                       "AllowEcho": True, "AllowFind": True, "AllowStore": True},
        },
        "DicomAlwaysAllowEcho": False,
        "DicomAlwaysAllowStore": False,
        "Plugins": [str(ORTHANC_WORKLIST_PLUGIN)],
        "Worklists": {"Enable": True, "Database": str(worklists)},
        "ConcurrentJobs": 1,
        "HttpThreadsCount": 4,
        "DicomThreadsCount": 2,
    }
    config_path = folder / "orthanc.json"
    config_path.write_text(json.dumps(config, indent=2))
    log = folder / "orthanc.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["Orthanc", str(config_path)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    peer = Peer(process, PacsNode("orthanc", "ORTHANC", "127.0.0.1", dicom_port), worklists, log,
                extra={"http": f"http://127.0.0.1:{http_port}"})
    try:
        wait_for_port(http_port, process, log)
        wait_for_port(dicom_port, process, log)
    except RuntimeError:
        peer.stop()
        raise
    return peer


def orthanc_get(peer: Peer, path: str):
    """GET ``path`` from Orthanc's REST API, parsed from JSON."""
    with urllib.request.urlopen(peer.extra["http"] + path, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))
