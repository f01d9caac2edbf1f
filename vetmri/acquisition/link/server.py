"""The scanner side of the link: serves any :class:`ScannerBackend` to one workstation at
a time over TCP (``vetmri sim-server`` serves the simulator with it; a vendor's gateway
implements the same protocol, ``docs/scanner-link.md``).

Each connection gets a session thread. A second workstation that connects while a session
is open gets an error status with code ``busy`` and is closed; the first goes on. Inside a
session a reader thread watches the workstation: an ``abort`` message, a close or a dropped
connection stops the backend at once (:meth:`ScannerBackend.abort`).
"""

from __future__ import annotations

import logging
import queue
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Any

from vetmri import __version__
from vetmri.acquisition.contract import Adjustments, ScanAborted, ScannerBackend
from vetmri.acquisition.link.connection import Connection
from vetmri.acquisition.link.framing import Frame, LinkError, LinkTimeout, MessageId
from vetmri.acquisition.link.messages import PROTOCOL_VERSION, article, check_version, decode_message
from vetmri.errors import UserInputError, VetmriError
from vetmri.rawdata import acquisition_to_bytes

__all__ = ["LinkServer"]

log = logging.getLogger("vetmri.link.server")

_GONE = Frame(MessageId.CLOSE, b"gone")  # the reader's sign that the workstation is gone


def _is_abort(frame: Frame) -> bool:
    if frame.id != MessageId.TEXT:
        return False
    try:
        return decode_message(frame.text, sender="")["type"] == "abort"
    except LinkError:
        return False


class _Session:
    """One workstation's conversation with the scanner."""

    def __init__(self, conn: Connection, backend: ScannerBackend, *, keepalive_s: float, software: str) -> None:
        self.conn = conn
        self.backend = backend
        self.keepalive_s = keepalive_s
        self.software = software
        self.frames: queue.Queue[Frame] = queue.Queue()
        self.abort_requested = threading.Event()
        self.working = threading.Event()
        self.last_progress: tuple[float, str] = (0.0, "working")

    # -- the conversation ----------------------------------------------------------------

    def serve(self, hello_timeout_s: float) -> None:
        idle_timeout_s = self.conn.reader.timeout_s
        self.conn.reader.timeout_s = min(hello_timeout_s, idle_timeout_s)
        hello = self.conn.message_of(self.conn.read())
        self.conn.reader.timeout_s = idle_timeout_s
        if hello["type"] != "hello":
            return self._refuse("protocol", f"The workstation must open with a hello message, not {hello['type']!r}.")
        problem = check_version(str(hello["protocol"]), peer=f"The workstation at {self.conn.peer}")
        if problem:
            return self._refuse("version", problem)
        self.conn.send_message("hello", protocol=PROTOCOL_VERSION, software=self.software,
                               profile=self.backend.capabilities().to_dict())
        threading.Thread(target=self._watch, name=f"link-reader-{self.conn.peer}", daemon=True).start()
        while True:
            frame = self.frames.get()
            if frame is _GONE or frame.id == MessageId.CLOSE:
                if frame is not _GONE:
                    self._try(lambda: self.conn.send(MessageId.CLOSE))
                return
            message = self.conn.message_of(frame)
            if message["type"] == "abort":
                continue  # nothing is running: an abort that crossed the end of a task
            if message["type"] == "calibrate":
                self._task(lambda progress: self._calibrate(message, progress))
            elif message["type"] == "run":
                seq, header = self._next(MessageId.CONFIG_TEXT, "Pulseq file"), self._next(MessageId.HEADER, "MRD header")
                self._task(lambda progress: self._run(message, seq.text, header.text, progress))
            else:
                return self._refuse("protocol", f"The workstation sent {article(message['type'])} message, which only "
                                                "the scanner sends.")

    def _refuse(self, code: str, text: str) -> None:
        log.info("refused %s: %s", self.conn.peer, text)
        self._try(lambda: self.conn.send_message("status", state="error", code=code, message=text))
        self._try(lambda: self.conn.send(MessageId.CLOSE))

    def _next(self, expected: MessageId, what: str) -> Frame:
        frame = self.frames.get()
        if frame is _GONE:
            raise LinkError(f"The workstation at {self.conn.peer} went away in the middle of a run request.")
        if frame.id != expected:
            kind = article(frame.id.name.lower().replace("_", " "))
            raise LinkError(f"The workstation at {self.conn.peer} sent {kind} message where the run request's "
                            f"{what} was expected.")
        return frame

    # -- tasks ---------------------------------------------------------------------------

    def _task(self, work: Callable[[Callable[[float, str], None]], dict[str, Any]]) -> None:
        """Run a calibration or a series; end with its result or a status."""
        self.abort_requested.clear()
        self.working.set()
        stop_keepalive = threading.Event()
        threading.Thread(target=self._keepalive, args=(stop_keepalive,), daemon=True).start()
        try:
            result = work(self._progress)
        except ScanAborted:
            log.info("%s: aborted", self.conn.peer)
            result = {"type": "status", "state": "aborted", "message": "The scan was aborted."}
        except UserInputError as exc:
            result = {"type": "status", "state": "error", "code": "input", "message": str(exc)}
        except LinkError as exc:  # the workstation is gone: the task was stopped with it
            log.info("%s: aborted, the workstation is gone (%s)", self.conn.peer, exc)
            raise
        except VetmriError as exc:
            result = {"type": "status", "state": "error", "code": "failed", "message": str(exc)}
        except Exception:
            log.exception("the backend failed")
            result = {"type": "status", "state": "error", "code": "internal",
                      "message": "The scanner software failed unexpectedly; its log has the details."}
        finally:
            self.working.clear()
            stop_keepalive.set()
        kind = result.pop("type")
        self.conn.send_message(kind, **result)

    def _progress(self, fraction: float, message: str) -> None:
        if self.abort_requested.is_set():
            raise ScanAborted("the workstation aborted")
        self.last_progress = (float(fraction), str(message))
        self.conn.send_message("progress", fraction=float(fraction), message=str(message))

    def _calibrate(self, message: dict[str, Any], progress: Callable[[float, str], None]) -> dict[str, Any]:
        steps = message.get("steps")
        adjustments = self.backend.calibrate(steps, on_progress=progress)
        return {"type": "adjustments", "adjustments": adjustments.to_dict()}

    def _run(self, message: dict[str, Any], seq_text: str, header_xml: str,
             progress: Callable[[float, str], None]) -> dict[str, Any]:
        adjustments = Adjustments.from_dict(message["adjustments"], source="The run request's adjustments")
        stream = self.backend.run(seq_text, header_xml, adjustments, on_progress=progress)
        sent = 0
        try:
            for acquisition in stream:
                if self.abort_requested.is_set():
                    raise ScanAborted("the workstation aborted")
                self.conn.send(MessageId.ACQUISITION, acquisition_to_bytes(acquisition))
                sent += 1
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        log.info("%s: series done, %d acquisitions", self.conn.peer, sent)
        return {"type": "status", "state": "done", "acquisitions": sent}

    def _keepalive(self, stop: threading.Event) -> None:
        """While a task runs, repeat the last progress when nothing was sent for a while, so
        the workstation's read timeout measures silence, not work."""
        while not stop.wait(self.keepalive_s / 2):
            if time.monotonic() - self.conn.last_send >= self.keepalive_s:
                fraction, text = self.last_progress
                if not self._try(lambda: self.conn.send_message("progress", fraction=fraction, message=text)):
                    return

    def _watch(self) -> None:
        """Reader thread: queue the workstation's frames; act on abort and disconnect at once."""
        while True:
            try:
                frame = self.conn.read()
            except LinkTimeout as exc:
                if self.working.is_set() and not exc.mid_frame:
                    continue  # the workstation is quiet because it waits for a long task: fine
                log.info("%s: %s", self.conn.peer, exc)
                self._stop_backend()
                self.frames.put(_GONE)
                return
            except LinkError as exc:
                log.info("%s: %s", self.conn.peer, exc)
                self._stop_backend()
                self.frames.put(_GONE)
                return
            if self.working.is_set() and _is_abort(frame):
                log.info("%s: abort requested", self.conn.peer)
                self._stop_backend()
                continue
            self.frames.put(frame)
            if frame.id == MessageId.CLOSE:
                self._stop_backend()
                return

    def _stop_backend(self) -> None:
        self.abort_requested.set()
        if self.working.is_set():
            self.backend.abort()

    @staticmethod
    def _try(action: Callable[[], None]) -> bool:
        try:
            action()
            return True
        except LinkError:
            return False


class LinkServer:
    """Serve a scanner backend over TCP, one workstation at a time.

    Parameters
    ----------
    backend : ScannerBackend
    host : str
        Address to bind (loopback by default).
    port : int
        0 picks a free port (see :attr:`address`).
    idle_timeout_s : float
        A workstation silent this long (between tasks, or mid-message) is dropped.
    hello_timeout_s : float
        A workstation must say hello within this time after connecting.
    keepalive_s : float
        While working, the scanner sends a progress message at least this often.
    busy_grace_s : float
        A workstation that connects while another's session is ending waits this long for
        the scanner before it is told the scanner is busy.
    software : str
        Named in the hello.
    """

    def __init__(self, backend: ScannerBackend, *, host: str = "127.0.0.1", port: int = 9002,
                 idle_timeout_s: float = 3600.0, hello_timeout_s: float = 30.0, keepalive_s: float = 2.0,
                 busy_grace_s: float = 2.0,
                 software: str = f"vetmri {__version__} scanner link") -> None:
        self.backend = backend
        self.idle_timeout_s = idle_timeout_s
        self.hello_timeout_s = hello_timeout_s
        self.busy_grace_s = busy_grace_s
        self.keepalive_s = keepalive_s
        self.software = software
        self._busy = threading.Lock()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._handle(self.request, self.client_address)

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        try:
            self._server = Server((host, port), Handler)
        except OSError as exc:
            raise UserInputError(f"Cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port "
                                 "or stop the program that uses it.") from None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually bound."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def serve_forever(self) -> None:
        """Accept workstations until :meth:`shutdown`."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests, benchmarks); returns the thread."""
        thread = threading.Thread(target=self.serve_forever, name="link-server", daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        """Stop accepting and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, sock: socket.socket, client: tuple[str, int]) -> None:
        peer = f"{client[0]}:{client[1]}"
        conn = Connection(sock, peer=peer, timeout_s=self.idle_timeout_s, who="the workstation")
        if not self._busy.acquire(timeout=self.busy_grace_s):
            log.info("refused %s: busy", peer)
            _Session._try(lambda: conn.send_message(
                "status", state="error", code="busy",
                message="The scanner is busy with another workstation's exam; try again when that exam ends."))
            _Session._try(lambda: conn.send(MessageId.CLOSE))
            conn.close()
            return
        log.info("workstation %s connected", peer)
        try:
            _Session(conn, self.backend, keepalive_s=self.keepalive_s, software=self.software).serve(self.hello_timeout_s)
        except LinkError as exc:
            log.info("%s: %s", peer, exc)
            _Session._try(lambda: conn.send_message("status", state="error", code="protocol", message=str(exc)))
        finally:
            self.backend.abort()
            conn.close()
            self._busy.release()
            log.info("workstation %s gone", peer)
