"""The workstation side of the link: :class:`LinkBackend`, the backend contract over TCP.

It is driven exactly like the simulated backend (:func:`vetmri.acquisition.runner.run_exam`
takes either): :meth:`LinkBackend.run` is a generator that yields each acquisition as it
arrives, so the runner appends and flushes it before the next one is read. Every fault
(no scanner, a dropped or stalled link, a malformed message, another protocol version, a
scanner-side error) raises :class:`~vetmri.errors.OperationFailedError` (or
:class:`~vetmri.errors.UserInputError` when the scanner refused the request as wrong) with
one sentence; after a link fault the backend is closed.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from vetmri import __version__
from vetmri.acquisition.contract import Adjustments, Progress, ScanAborted, check_steps
from vetmri.acquisition.link.connection import Connection
from vetmri.acquisition.link.framing import Frame, LinkError, MessageId
from vetmri.acquisition.link.messages import PROTOCOL_VERSION, article, check_version
from vetmri.errors import OperationFailedError, UserInputError, VetmriError
from vetmri.rawdata import Acquisition, acquisition_from_bytes
from vetmri.scanner.profile import ScannerProfile, parse_profile

__all__ = ["LinkBackend", "parse_address"]


def parse_address(text: str, *, default_port: int = 9002) -> tuple[str, int]:
    """``HOST:PORT`` (or ``HOST``) as (host, port).

    Raises
    ------
    UserInputError
        An empty host or a port that is not 1-65535.
    """
    host, colon, port_text = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "")
    host = host.strip("[]")
    try:
        port = int(port_text) if colon else default_port
    except ValueError:
        port = -1
    if not host or not 1 <= port <= 65535:
        raise UserInputError(f"The scanner address {text!r} is not HOST:PORT (e.g. 127.0.0.1:9002).")
    return host, port


class LinkBackend:
    """A scanner over the network (see :mod:`vetmri.acquisition.contract`).

    Connecting says hello and receives the scanner's profile; use it as a context manager
    (or call :meth:`close`) to end the conversation.

    Parameters
    ----------
    host : str
    port : int
    timeout_s : float
        Longest silence tolerated from the scanner (it sends progress at least every few
        seconds while it works).
    connect_timeout_s : float
        Longest wait for the connection and the hello.

    Raises
    ------
    OperationFailedError
        Nobody answers, the scanner is busy, or it speaks another protocol version.
    """

    def __init__(self, host: str, port: int, *, timeout_s: float = 30.0, connect_timeout_s: float = 10.0) -> None:
        self.address = f"{host}:{port}"
        self._aborting = threading.Event()
        self._working = threading.Event()
        sock = self._connect(host, port, connect_timeout_s)
        self._conn = Connection(sock, peer=self.address, timeout_s=connect_timeout_s, who="the scanner")
        try:
            self._conn.send_message("hello", protocol=PROTOCOL_VERSION, software=f"vetmri {__version__}")
            hello = self._expect("hello")
            problem = check_version(str(hello["protocol"]), peer=self._conn.sender)
            if problem:
                raise OperationFailedError(problem)
            self.software = str(hello.get("software", "unknown"))
            try:
                self.profile = parse_profile(hello.get("profile") or {}, source=f"the profile sent by {self._conn.sender}")
            except UserInputError as exc:
                raise LinkError(str(exc)) from None
        except OperationFailedError:
            self._send_close()
            self._conn.close()
            raise
        self._conn.reader.timeout_s = timeout_s

    @classmethod
    def connect(cls, address: str, **options: Any) -> LinkBackend:
        """Connect to ``HOST:PORT`` (options as for the constructor)."""
        host, port = parse_address(address)
        return cls(host, port, **options)

    # -- the contract --------------------------------------------------------------------

    def capabilities(self) -> ScannerProfile:
        return self.profile

    def calibrate(self, steps: Sequence[str] | None = None, *, on_progress: Progress | None = None) -> Adjustments:
        """Ask the scanner to calibrate; progress arrives as it works."""
        chosen = None if steps is None else list(check_steps(steps))
        self._begin()
        finished = False
        try:
            self._conn.send_message("calibrate", steps=chosen)
            try:
                result = self._expect("adjustments", on_progress=on_progress)
            except (LinkError, VetmriError, ScanAborted):
                finished = True  # the scanner's reply (or a fault) ended the exchange
                raise
            finished = True
            try:
                return Adjustments.from_dict(result["adjustments"], source=f"The adjustments sent by {self._conn.sender}")
            except UserInputError as exc:  # adjustments a scanner should never send
                raise LinkError(str(exc)) from None
        except LinkError as exc:
            raise self._broken(exc, "during the calibration") from None
        finally:
            self._working.clear()
            if not finished and not self._conn.closed:
                self._abandon()  # interrupted while waiting (Ctrl-C): stop the scanner, keep the link in step

    def run(self, seq_text: str, mrd_header_xml: str, adjustments: Adjustments, *,
            on_progress: Progress | None = None) -> Iterator[Acquisition]:
        """Send the series and yield its acquisitions as they arrive.

        Raises
        ------
        ScanAborted
            :meth:`abort` was called (what arrived before was yielded).
        OperationFailedError
            The link failed mid-series (what arrived before was yielded) or the scanner
            reported an error.
        UserInputError
            The scanner refused the sequence or header as wrong.
        """
        self._begin()
        received = 0
        finished = False
        try:
            self._conn.send_message("run", adjustments=adjustments.to_dict())
            self._conn.send(MessageId.CONFIG_TEXT, seq_text)
            self._conn.send(MessageId.HEADER, mrd_header_xml)
            while True:
                frame = self._conn.read()
                if frame.id == MessageId.ACQUISITION:
                    acquisition = self._decode(frame)
                    received += 1
                    yield acquisition
                    continue
                message = self._handle(frame, on_progress)
                if message is None:
                    continue
                finished = True
                self._finish(message, received)
                return
        except LinkError as exc:
            finished = True
            raise self._broken(exc, f"after {received} acquisitions of the series") from None
        finally:
            self._working.clear()
            if not finished and not self._conn.closed:
                self._abandon()  # the consumer stopped early: stop the scanner, keep the link in step

    def abort(self) -> None:
        """Ask the scanner to stop the calibration or series in progress (any thread)."""
        if self._working.is_set() and not self._aborting.is_set():
            self._aborting.set()
            try:
                self._conn.send_message("abort")
            except LinkError:
                pass

    # -- the conversation's end ----------------------------------------------------------

    def close(self) -> None:
        """Say goodbye and close the connection (idempotent)."""
        if self._conn.closed:
            return
        self._send_close()
        self._conn.close()

    def __enter__(self) -> LinkBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------

    @staticmethod
    def _connect(host: str, port: int, timeout_s: float) -> socket.socket:
        where = f"{host}:{port}"
        try:
            sock = socket.create_connection((host, port), timeout=timeout_s)
        except socket.gaierror:
            raise OperationFailedError(f"The scanner address {host} cannot be resolved; check the host name.") from None
        except ConnectionRefusedError:
            raise OperationFailedError(f"No scanner answers at {where} (connection refused); check that the scanner "
                                       "(or 'vetmri sim-server') is running and the address is right.") from None
        except TimeoutError:
            raise OperationFailedError(f"The scanner at {where} did not answer within {timeout_s:g} s; check the "
                                       "network and the address.") from None
        except OSError as exc:
            raise OperationFailedError(f"Cannot reach the scanner at {where} ({exc.strerror or exc}); check the "
                                       "network and the address.") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _begin(self) -> None:
        if self._conn.closed:
            raise OperationFailedError(f"The link to the scanner at {self.address} is closed; connect again.")
        self._aborting.clear()
        self._working.set()

    def _expect(self, kind: str, *, on_progress: Progress | None = None) -> dict[str, Any]:
        """Read until a control message of ``kind`` (progress passed on, errors raised)."""
        while True:
            frame = self._conn.read()
            message = self._handle(frame, on_progress)
            if message is None:
                continue
            if message["type"] == kind:
                return message
            if message["type"] == "status":
                self._finish(message, 0)
            raise LinkError(f"{self._conn.sender} sent {article(message['type'])} message where {article(kind)} message was "
                            "expected; the conversation is out of step.")

    def _handle(self, frame: Frame, on_progress: Progress | None) -> dict[str, Any] | None:
        """A control message, or None for progress (reported) ."""
        if frame.id == MessageId.CLOSE:
            raise LinkError(f"{self._conn.sender} closed the conversation unasked.")
        message = self._conn.message_of(frame)
        if message["type"] == "progress":
            if on_progress is not None:
                on_progress(min(max(float(message["fraction"]), 0.0), 1.0), message["message"])
            return None
        return message

    def _finish(self, message: dict[str, Any], received: int) -> None:
        """Act on a final status: return when done, raise otherwise."""
        if message["type"] != "status":
            raise LinkError(f"{self._conn.sender} sent {article(message['type'])} message where the series' status was "
                            "expected; the conversation is out of step.")
        state = message["state"]
        if state == "done":
            announced = message.get("acquisitions")
            if isinstance(announced, int) and announced != received:
                raise LinkError(f"{self._conn.sender} reported {announced} acquisitions but {received} arrived.")
            return
        if state == "aborted":
            raise ScanAborted(f"the scan was aborted after {received} acquisitions")
        text = str(message.get("message") or "no reason given").rstrip(".")
        code = message.get("code")
        if code in ("busy", "version", "protocol"):
            self._conn.close()
        if code == "input":
            raise UserInputError(f"The scanner at {self.address} refused the request: {text}.")
        raise OperationFailedError(f"The scanner at {self.address} reports: {text}.")

    def _decode(self, frame: Frame) -> Acquisition:
        try:
            return acquisition_from_bytes(frame.body)
        except Exception:
            raise LinkError(f"{self._conn.sender} sent a malformed acquisition that cannot be decoded.") from None

    def _broken(self, exc: LinkError, when: str) -> OperationFailedError:
        """Close the link after a fault; the error to raise (its sentence says when)."""
        self._conn.close()
        head, sep, tail = str(exc).rstrip(".").partition(";")
        return OperationFailedError(f"{head} {when}{sep}{tail}.")

    def _abandon(self) -> None:
        """Abort the scanner's work and read up to its final status (the link stays usable)."""
        try:
            self._conn.send_message("abort")
            while True:
                frame = self._conn.read()
                if frame.id == MessageId.TEXT and self._conn.message_of(frame)["type"] == "status":
                    return
        except LinkError:
            self._conn.close()

    def _send_close(self) -> None:
        try:
            self._conn.send(MessageId.CLOSE)
        except LinkError:
            pass
