"""MRD framing on a socket: message ids, reading and writing one frame, with bounded
lengths and a timeout on every read.

A frame is a little-endian ``uint16`` message id followed by its body:

============  ==========================  ==============================================
id            name                        body
============  ==========================  ==============================================
2             config text                 ``uint32`` length + UTF-8 text (+ NUL)
3             header                      ``uint32`` length + MRD XML header (+ NUL)
4             close                       nothing
5             text                        ``uint32`` length + UTF-8 text (+ NUL)
1008          acquisition                 the MRD acquisition: 340-byte header, then
                                          trajectory (float32) and data (complex64),
                                          sized by the header's own fields
============  ==========================  ==============================================

The length prefix counts the bytes that follow it, including a trailing NUL when the
sender adds one (as MRD tools do); the reader strips trailing NULs. Lengths beyond
:data:`MAX_TEXT_BYTES` / :data:`MAX_ACQUISITION_BYTES` are refused before anything is
allocated.
"""

from __future__ import annotations

import enum
import socket
import struct
from dataclasses import dataclass

from vetmri.errors import OperationFailedError

__all__ = [
    "ACQUISITION_HEADER_BYTES",
    "MAX_ACQUISITION_BYTES",
    "MAX_TEXT_BYTES",
    "Frame",
    "FrameReader",
    "LinkClosed",
    "LinkError",
    "LinkTimeout",
    "MessageId",
    "acquisition_body_bytes",
    "encode_frame",
]


class MessageId(enum.IntEnum):
    """The MRD message ids the scanner link uses."""

    CONFIG_TEXT = 2
    HEADER = 3
    CLOSE = 4
    TEXT = 5
    ACQUISITION = 1008


#: Largest text, config-text or header body accepted (a Pulseq file of a long 3D scan is
#: a few MB).
MAX_TEXT_BYTES = 64 * 1024 * 1024
#: Largest acquisition accepted (header + trajectory + data).
MAX_ACQUISITION_BYTES = 64 * 1024 * 1024
#: Size of the fixed MRD acquisition header.
ACQUISITION_HEADER_BYTES = 340

_ID = struct.Struct("<H")
_LENGTH = struct.Struct("<I")
# Offsets of the fields of the MRD acquisition header that size its body.
_SAMPLES_AT, _ACTIVE_CHANNELS_AT, _TRAJECTORY_DIMENSIONS_AT = 34, 38, 176


class LinkError(OperationFailedError):
    """The peer broke the protocol (bad frame, bad message); the link cannot go on."""


class LinkClosed(LinkError):
    """The peer closed the connection (cleanly between frames, or in the middle of one)."""


class LinkTimeout(LinkError):
    """The peer sent nothing for longer than the read timeout.

    ``mid_frame`` is True when part of a frame had arrived (the stream is then out of
    step); False when the silence fell between frames."""

    mid_frame: bool = True


@dataclass(frozen=True)
class Frame:
    """One message: its id and its body (text without the length prefix and NULs)."""

    id: MessageId
    body: bytes = b""

    @property
    def text(self) -> str:
        """The body as text (config text, header, text messages)."""
        return self.body.decode("utf-8", errors="replace")


def encode_frame(message_id: MessageId, body: bytes | str = b"") -> bytes:
    """The bytes of one frame (text bodies get their length prefix and a NUL).

    Acquisition bodies are sent as they are (the MRD acquisition bytes size themselves).
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    if message_id == MessageId.CLOSE:
        return _ID.pack(message_id)
    if message_id == MessageId.ACQUISITION:
        return _ID.pack(message_id) + body
    payload = body + b"\0"
    if len(payload) > MAX_TEXT_BYTES:
        raise ValueError(f"a text message of {len(payload)} bytes exceeds the limit of {MAX_TEXT_BYTES}")
    return _ID.pack(message_id) + _LENGTH.pack(len(payload)) + payload


def acquisition_body_bytes(header: bytes) -> int:
    """Bytes of the trajectory and data following an MRD acquisition header."""
    samples = int.from_bytes(header[_SAMPLES_AT:_SAMPLES_AT + 2], "little")
    channels = int.from_bytes(header[_ACTIVE_CHANNELS_AT:_ACTIVE_CHANNELS_AT + 2], "little")
    dimensions = int.from_bytes(header[_TRAJECTORY_DIMENSIONS_AT:_TRAJECTORY_DIMENSIONS_AT + 2], "little")
    return 4 * dimensions * samples + 8 * channels * samples


class FrameReader:
    """Reads frames from a connected socket, every read bounded by ``timeout_s``.

    Parameters
    ----------
    sock : socket.socket
    peer : str
        ``HOST:PORT`` of the other side, for messages.
    timeout_s : float
        Longest silence tolerated while waiting for (or inside) a frame.
    who : str
        How messages name the peer ("the scanner", "the workstation").
    """

    def __init__(self, sock: socket.socket, *, peer: str, timeout_s: float, who: str = "the scanner") -> None:
        self._sock = sock
        self.peer = peer
        self.timeout_s = timeout_s
        self.who = who

    def read(self) -> Frame:
        """The next frame.

        Raises
        ------
        LinkClosed
            The peer closed the connection (or it dropped), also mid-frame.
        LinkTimeout
            Nothing arrived for ``timeout_s``.
        LinkError
            An unknown message id or an impossible length.
        """
        raw_id = self._exact(_ID.size, at_boundary=True)
        (number,) = _ID.unpack(raw_id)
        try:
            message_id = MessageId(number)
        except ValueError:
            raise LinkError(f"{self._name} sent a message with the unknown id {number}; "
                            "it does not speak the vetmri scanner-link protocol.") from None
        if message_id == MessageId.CLOSE:
            return Frame(message_id)
        if message_id == MessageId.ACQUISITION:
            head = self._exact(ACQUISITION_HEADER_BYTES)
            rest = acquisition_body_bytes(head)
            if ACQUISITION_HEADER_BYTES + rest > MAX_ACQUISITION_BYTES:
                raise LinkError(f"{self._name} announced an acquisition of {ACQUISITION_HEADER_BYTES + rest} bytes, "
                                f"beyond the limit of {MAX_ACQUISITION_BYTES}; the message is malformed.")
            return Frame(message_id, head + self._exact(rest))
        (length,) = _LENGTH.unpack(self._exact(_LENGTH.size))
        if length > MAX_TEXT_BYTES:
            raise LinkError(f"{self._name} announced a {message_id.name.lower().replace('_', ' ')} message of "
                            f"{length} bytes, beyond the limit of {MAX_TEXT_BYTES}; the message is malformed.")
        return Frame(message_id, self._exact(length).rstrip(b"\0"))

    @property
    def _name(self) -> str:
        return f"{self.who[0].upper()}{self.who[1:]} at {self.peer}"

    def _exact(self, size: int, *, at_boundary: bool = False) -> bytes:
        chunks = bytearray()
        self._sock.settimeout(self.timeout_s)
        while len(chunks) < size:
            try:
                chunk = self._sock.recv(min(size - len(chunks), 1 << 20))
            except TimeoutError:
                timeout = LinkTimeout(f"{self._name} sent nothing for {self.timeout_s:g} s; it is stalled or the "
                                      "network is down (check it, or allow longer with a larger timeout).")
                timeout.mid_frame = bool(chunks) or not at_boundary
                raise timeout from None
            except OSError as exc:
                raise LinkClosed(f"The connection to {self.who} at {self.peer} dropped ({exc.strerror or exc}).") from None
            if not chunk:
                if at_boundary and not chunks:
                    raise LinkClosed(f"{self._name} closed the connection.")
                raise LinkClosed(f"{self._name} closed the connection in the middle of a message "
                                 f"({len(chunks)} of {size} bytes arrived); the message is truncated.")
            chunks += chunk
        return bytes(chunks)
