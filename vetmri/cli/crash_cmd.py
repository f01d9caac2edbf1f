"""A hidden command that fails on purpose, so support can check that crash reports reach
the log file and that the clinic screen shows one sentence, not a traceback."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("internal-error-test")
    parser.set_defaults(handler=_crash)


class DeliberateInternalError(RuntimeError):
    """Raised by ``vetmri internal-error-test``."""


def _crash(args: argparse.Namespace) -> int:
    raise DeliberateInternalError("deliberate internal error from 'vetmri internal-error-test'")
