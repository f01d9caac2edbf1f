"""One end of a scanner-link connection: framed reads with a timeout, locked writes,
control messages as JSON text frames."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from vetmri.acquisition.link.framing import Frame, FrameReader, LinkClosed, LinkError, MessageId, encode_frame
from vetmri.acquisition.link.messages import article, decode_message, encode_message

__all__ = ["Connection"]


class Connection:
    """A connected socket speaking MRD frames.

    Writes are serialised by a lock, so a second thread (an abort, a keep-alive) can send
    while the owner streams.

    Parameters
    ----------
    sock : socket.socket
        Connected.
    peer : str
        ``HOST:PORT`` of the other side.
    timeout_s : float
        Read timeout (and send timeout).
    who : str
        How messages name the other side ("the scanner", "the workstation").
    """

    def __init__(self, sock: socket.socket, *, peer: str, timeout_s: float, who: str) -> None:
        self.sock = sock
        self.peer = peer
        self.who = who
        self.reader = FrameReader(sock, peer=peer, timeout_s=timeout_s, who=who)
        self._lock = threading.Lock()
        self.last_send = time.monotonic()
        self.closed = False

    @property
    def sender(self) -> str:
        """The other side, capitalised for the start of a sentence."""
        return f"{self.who[0].upper()}{self.who[1:]} at {self.peer}"

    def send(self, message_id: MessageId, body: bytes | str = b"") -> None:
        """Send one frame.

        Raises
        ------
        LinkClosed
            The connection is gone.
        """
        data = encode_frame(message_id, body)
        with self._lock:
            if self.closed:
                raise LinkClosed(f"The connection to {self.who} at {self.peer} is closed.")
            try:
                self.sock.settimeout(self.reader.timeout_s)
                self.sock.sendall(data)
            except OSError as exc:
                raise LinkClosed(f"The connection to {self.who} at {self.peer} dropped "
                                 f"({exc.strerror or type(exc).__name__}).") from None
            self.last_send = time.monotonic()

    def send_message(self, kind: str, **fields: Any) -> None:
        """Send one JSON control message."""
        self.send(MessageId.TEXT, encode_message(kind, **fields))

    def read(self) -> Frame:
        """The next frame (see :meth:`FrameReader.read`)."""
        return self.reader.read()

    def message_of(self, frame: Frame) -> dict[str, Any]:
        """The control message in a text frame (LinkError for any other frame)."""
        if frame.id != MessageId.TEXT:
            raise LinkError(f"{self.sender} sent {article(frame.id.name.lower().replace('_', ' '))} message where a "
                            "control message was expected; the conversation is out of step.")
        return decode_message(frame.text, sender=self.sender)

    def close(self) -> None:
        """Close the socket (idempotent)."""
        if self.closed:
            return
        self.closed = True  # not under the lock: a send blocked on a dead peer must not hold up the close
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
