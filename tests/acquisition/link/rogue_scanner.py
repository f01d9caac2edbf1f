"""A scanner that misbehaves on purpose: a real TCP server in a thread that plays a script
against each workstation that connects.

It writes and reads the wire format with its own few lines of ``struct`` (not vetmri's
framing), so it also checks that vetmri speaks the documented bytes.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable

from vetmri.scanner.profile import load_profile

CONFIG_TEXT, HEADER, CLOSE, TEXT, ACQUISITION = 2, 3, 4, 5, 1008


class Wire:
    """One accepted connection, seen from the scanner's side."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock = sock
        self.stop = stop

    # writing
    def raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def text(self, body: str | bytes, message_id: int = TEXT) -> None:
        data = (body.encode() if isinstance(body, str) else body) + b"\0"
        self.raw(struct.pack("<HI", message_id, len(data)) + data)

    def message(self, kind: str, **fields) -> None:
        self.text(json.dumps({"type": kind, **fields}))

    def acquisition(self, blob: bytes) -> None:
        self.raw(struct.pack("<H", ACQUISITION) + blob)

    def close_message(self) -> None:
        self.raw(struct.pack("<H", CLOSE))

    # reading
    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("the workstation closed the connection")
            data += chunk
        return data

    def read(self) -> tuple[int, bytes]:
        (message_id,) = struct.unpack("<H", self._exact(2))
        if message_id == CLOSE:
            return message_id, b""
        (length,) = struct.unpack("<I", self._exact(4))
        return message_id, self._exact(length).rstrip(b"\0")

    def read_message(self) -> dict:
        message_id, body = self.read()
        assert message_id == TEXT, f"expected a text message, got id {message_id}"
        return json.loads(body)

    # conversation pieces
    def hello(self, protocol: str = "1.0") -> dict:
        theirs = self.read_message()
        assert theirs["type"] == "hello"
        self.message("hello", protocol=protocol, software="rogue scanner", profile=load_profile().to_dict())
        return theirs

    def calibration(self, adjustments: dict | None = None) -> None:
        request = self.read_message()
        assert request["type"] == "calibrate"
        self.message("progress", fraction=0.5, message="calibrating")
        self.message("adjustments", adjustments=adjustments or {"f0_hz": 1.5, "rf_scale": 1.0})

    def run_request(self) -> tuple[dict, str, str]:
        request = self.read_message()
        assert request["type"] == "run"
        seq_id, seq = self.read()
        header_id, header = self.read()
        assert (seq_id, header_id) == (CONFIG_TEXT, HEADER)
        return request, seq.decode(), header.decode()

    def hold(self) -> None:
        """Say nothing until the test ends (a stalled scanner)."""
        self.stop.wait(60)


class RogueScanner:
    """Serve ``script(wire)`` to every connection until :meth:`stop`."""

    def __init__(self, script: Callable[[Wire], None]) -> None:
        self.script = script
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._play, args=(sock,), daemon=True).start()

    def _play(self, sock: socket.socket) -> None:
        try:
            self.script(Wire(sock, self._stop))
        except (ConnectionError, OSError):
            pass
        except BaseException as exc:  # an assertion in the script: the test reports it
            self.errors.append(exc)
        finally:
            sock.close()

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=5)
