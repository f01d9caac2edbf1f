"""The ``vetmri`` command: argument parsing, dispatch, exit codes and crash handling.

Exit codes: 0 done, 1 the operation failed, 2 bad input. A user error prints one sentence
on stderr and no traceback; an unexpected error writes its traceback to the log file and
prints one sentence naming that file.

Start-up stays light: this module and the command modules import only the standard
library at the top; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from vetmri import __version__
from vetmri.cli import (
    acquire_cmd,
    crash_cmd,
    dicom_cmd,
    exam_cmd,
    phantom_cmd,
    protocols_cmd,
    qa_cmd,
    recon_cmd,
    records_cmd,
    report_cmd,
    scanner_cmd,
    sequence_cmd,
    settings_cmd,
    sim_server_cmd,
    simulate_cmd,
    status_cmd,
    tui_cmd,
    worklist_cmd,
)
from vetmri.errors import UserInputError, VetmriError

__all__ = ["build_parser", "main", "run"]

log = logging.getLogger("vetmri.cli")

#: The modules that add sub-commands, in the order of ``vetmri --help``.
COMMAND_MODULES = (
    status_cmd,
    tui_cmd,
    scanner_cmd,
    settings_cmd,
    protocols_cmd,
    sequence_cmd,
    phantom_cmd,
    simulate_cmd,
    sim_server_cmd,
    acquire_cmd,
    exam_cmd,
    recon_cmd,
    records_cmd,
    report_cmd,
    dicom_cmd,
    worklist_cmd,
    qa_cmd,
    crash_cmd,
)


#: Commands left out of ``--help`` and of the "choose from" list.
HIDDEN_COMMANDS = ("internal-error-test",)


class CommandLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one sentence and exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        for hidden in HIDDEN_COMMANDS:  # support's own commands stay out of the list of choices
            message = message.replace(f", '{hidden}'", "")
        raise UserInputError(f"{message}; see '{self.prog} --help'.")


def build_parser() -> CommandLineParser:
    """The parser of the whole ``vetmri`` command line."""
    parser = CommandLineParser(
        prog="vetmri",
        description="Workstation for the 0.2 T veterinary MRI scanner. "
        "Without a command it opens the terminal UI in a terminal, and shows the "
        "workstation's status otherwise (vetmri status).",
    )
    parser.add_argument("--version", action="version", version=f"vetmri {__version__}")
    parser.add_argument(
        "--log-path", action="store_true", help="print where the log file is and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandLineParser)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def _log_path() -> Path:
    """The log file named by the settings (raises when the settings are wrong)."""
    from vetmri.datadir import log_file_path
    from vetmri.settings import load_settings

    return log_file_path(load_settings().data.dir)


def _log_path_or_none() -> Path | None:
    """The log file, or None when the settings cannot be read."""
    try:
        return _log_path()
    except VetmriError:
        return None


def _start_logging() -> Path | None:
    from vetmri.logfile import start_file_logging

    path = _log_path_or_none()
    if path is None:
        return None
    try:
        start_file_logging(path)
    except (VetmriError, OSError):
        return None
    return path


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command line and return its exit code (never raises, but SystemExit).

    The log records which command failed, never its arguments or messages, which can hold
    an owner's personal data.
    """
    command = "(none)"
    try:
        args = build_parser().parse_args(argv)
        command = args.command or "(status)"
        if args.log_path:
            print(_log_path())
            return 0
        handler = getattr(args, "handler", None)
        if handler is None:
            handler = tui_cmd.run_tui if tui_cmd.wants_tui() else status_cmd.show_status
        _start_logging()
        return int(handler(args) or 0)
    except VetmriError as exc:
        log.info("command %s refused: %s (exit %d)", command, type(exc).__name__, exc.exit_code)
        print(f"vetmri: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vetmri: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception:
        log_path = _start_logging()
        log.exception("unexpected error in command %s", command)
        where = f"the details are in {log_path}" if log_path else "no log file could be written"
        print(
            f"vetmri: an unexpected error stopped this command ({where}); please send that "
            "to the vetmri maintainers.",
            file=sys.stderr,
        )
        return 1


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``vetmri`` console script."""
    sys.exit(run(argv))
