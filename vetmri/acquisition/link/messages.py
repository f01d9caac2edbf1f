"""The JSON control messages of the scanner link (carried in MRD text messages, id 5).

Every control message is one JSON object with a ``type``:

- ``hello`` (both ways): ``protocol`` ("MAJOR.MINOR"), ``software``; the scanner's hello
  adds ``profile`` (the scanner profile as plain data);
- ``calibrate`` (workstation): ``steps`` (list of step names, or null for all);
- ``run`` (workstation): ``adjustments``; followed by a config-text message (the Pulseq
  file) and a header message (the MRD XML header);
- ``abort`` (workstation);
- ``progress`` (scanner): ``fraction`` (0..1), ``message``;
- ``adjustments`` (scanner): ``adjustments``, the result of a calibration;
- ``status`` (scanner): ``state`` (``done``, ``aborted``, ``error``), ``acquisitions``
  (readouts sent), ``code`` and ``message`` for errors.

See ``docs/scanner-link.md`` for the conversation.
"""

from __future__ import annotations

import json
from typing import Any

from vetmri.acquisition.link.framing import LinkError

__all__ = [
    "ERROR_CODES",
    "MESSAGE_TYPES",
    "PROTOCOL_VERSION",
    "article",
    "check_version",
    "decode_message",
    "encode_message",
]

#: The protocol version this vetmri speaks: peers with another major version are refused.
PROTOCOL_VERSION = "1.0"

#: Message types and the fields each must carry.
MESSAGE_TYPES: dict[str, tuple[str, ...]] = {
    "hello": ("protocol",),
    "calibrate": (),
    "run": ("adjustments",),
    "abort": (),
    "progress": ("fraction", "message"),
    "adjustments": ("adjustments",),
    "status": ("state",),
}

#: ``code`` of an error status: what went wrong on the scanner's side.
#: ``input``: the request was wrong (a bad sequence, header or step); ``failed``: a valid
#: request could not be carried out; ``busy``: another workstation holds the scanner;
#: ``version``: the protocol versions differ; ``protocol``: an unexpected or malformed
#: message; ``internal``: a fault of the scanner software.
ERROR_CODES = ("input", "failed", "busy", "version", "protocol", "internal")

_STATES = ("done", "aborted", "error")


def encode_message(kind: str, **fields: Any) -> str:
    """The JSON text of one control message."""
    if kind not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type {kind!r}")
    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def decode_message(text: str, *, sender: str) -> dict[str, Any]:
    """Parse and validate one control message.

    Parameters
    ----------
    text : str
        The body of a text message.
    sender : str
        Who sent it ("The scanner at HOST:PORT"), for the error sentence.

    Raises
    ------
    LinkError
        Not JSON, not an object, an unknown type or a missing or wrong field.
    """
    try:
        message = json.loads(text)
    except ValueError:
        raise LinkError(f"{sender} sent a control message that is not JSON ({text[:60]!r}); "
                        "it does not speak the vetmri scanner-link protocol.") from None
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        what = message.get("type") if isinstance(message, dict) else type(message).__name__
        raise LinkError(f"{sender} sent a control message of unknown type {what!r}; "
                        "it does not speak the vetmri scanner-link protocol.")
    kind = message["type"]
    missing = [name for name in MESSAGE_TYPES[kind] if name not in message]
    if missing:
        raise LinkError(f"{sender} sent a {kind} message without its {missing[0]!r} field.")
    _check_fields(message, sender)
    return message


def _check_fields(message: dict[str, Any], sender: str) -> None:
    kind = message["type"]
    if kind == "hello" and not isinstance(message["protocol"], str):
        raise LinkError(f"{sender} sent a hello whose protocol version is not text.")
    if kind == "progress":
        fraction = message["fraction"]
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not isinstance(message["message"], str):
            raise LinkError(f"{sender} sent a progress message with a bad fraction or text.")
    if kind == "status":
        if message["state"] not in _STATES:
            raise LinkError(f"{sender} sent a status with the unknown state {message['state']!r}.")
        if message["state"] == "error" and message.get("code") not in ERROR_CODES:
            raise LinkError(f"{sender} sent an error status with the unknown code {message.get('code')!r}.")
    if kind == "calibrate":
        steps = message.get("steps")
        if steps is not None and (not isinstance(steps, list) or not all(isinstance(s, str) for s in steps)):
            raise LinkError(f"{sender} sent a calibrate message whose steps are not a list of names.")


def article(word: str) -> str:
    """``word`` with "a" or "an" before it."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def check_version(theirs: str, *, peer: str, ours: str = PROTOCOL_VERSION) -> str | None:
    """None when ``theirs`` is compatible (same major version), else the sentence saying
    why not."""
    if _major(theirs) == _major(ours):
        return None
    return (f"{peer} speaks scanner-link protocol version {theirs}, but this vetmri speaks version {ours}; "
            "update the older side so both use the same major version.")
