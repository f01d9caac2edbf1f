"""Errors the front ends turn into exit codes and one-sentence messages.

Core code raises :class:`UserInputError` when the person at the console (or a file they
edited) gave something wrong, and :class:`OperationFailedError` when a correct request
could not be carried out (a peer is down, a disk is full). Anything else is a bug: the
front ends log its traceback and show one sentence.
"""

from __future__ import annotations


class VetmriError(Exception):
    """Base of the errors whose message is written for the person at the console.

    The message is one sentence that says what is wrong and what to do.
    """

    exit_code: int = 1


class UserInputError(VetmriError, ValueError):
    """Bad input: a flag, a field, a settings or data file. Exit code 2."""

    exit_code = 2


class OperationFailedError(VetmriError, RuntimeError):
    """A valid request that could not be carried out. Exit code 1."""

    exit_code = 1
