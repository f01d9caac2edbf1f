"""``vetmri tui``: the terminal UI (also what a bare ``vetmri`` opens in a terminal)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["register", "run_tui", "wants_tui"]


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("tui", help="open the terminal UI (a bare 'vetmri' in a terminal does too)")
    parser.add_argument("--study", metavar="S-...", help="open the review of this study directly")
    parser.set_defaults(handler=run_tui)


def wants_tui() -> bool:
    """Whether a bare ``vetmri`` should open the TUI: standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_tui(args: argparse.Namespace | None = None) -> int:
    from vetmri.settings import load_settings

    import logging

    settings = load_settings()  # a broken settings file is one sentence here, not a crash screen
    study_id = getattr(args, "study", None) if args is not None else None
    if study_id:
        from vetmri.records.store import open_store

        with open_store(settings.data.dir, uid_root=settings.dicom.uid_root) as store:
            study_id = store.study(study_id).id  # an unknown study: one sentence, exit 2
    from vetmri.tui.app import VetmriApp

    # Library notices (pypulseq's) go to the log file, never over the screen.
    logging.captureWarnings(True)
    notices = logging.getLogger("py.warnings")
    notices.propagate = False
    notices.handlers = list(logging.getLogger("vetmri").handlers) or [logging.NullHandler()]

    app = VetmriApp(review_study=study_id)
    app.run()
    return int(app.return_code or 0)
