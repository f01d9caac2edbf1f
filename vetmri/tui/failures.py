"""Errors of the core as one sentence for a notification; the traceback goes to the log."""

from __future__ import annotations

import logging

from vetmri.errors import VetmriError

__all__ = ["failure_sentence"]

log = logging.getLogger("vetmri.tui")


def failure_sentence(error: BaseException, doing: str) -> str:
    """What to tell the operator when ``doing`` (``"the search"``) failed with ``error``.

    A user error or a failed operation is the core's own sentence; anything else is a bug:
    its traceback is logged and the sentence says where to find it.
    """
    if isinstance(error, VetmriError):
        log.info("%s refused: %s", doing, type(error).__name__)
        return str(error)
    if isinstance(error, OSError):
        log.warning("%s failed: %s", doing, error)
        return f"{doing.capitalize()} failed: {error.strerror or error}; check the disk and the data folder."
    log.error("unexpected error in %s", doing, exc_info=error)
    return f"{doing.capitalize()} stopped on an unexpected error; the details are in the vetmri log."
