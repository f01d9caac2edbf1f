"""The rotating log file, where tracebacks go instead of the clinic screen.

Only technical facts are logged (ids, paths, timings, errors): never an owner's name,
phone number, e-mail or address.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from vetmri.datadir import FILE_MODE, ensure_private_folder

__all__ = ["LOG_BACKUPS", "LOG_MAX_BYTES", "start_file_logging"]

LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 5
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating handler whose files are owner-only."""

    def _open(self):  # type: ignore[override]
        stream = super()._open()
        try:
            os.chmod(self.baseFilename, FILE_MODE)
        except OSError:
            logging.getLogger(__name__).debug("could not restrict %s", self.baseFilename)
        return stream


def start_file_logging(log_path: Path, level: int = logging.INFO) -> logging.Handler:
    """Send the ``vetmri`` loggers' records to ``log_path``, rotated at 2 MB, 5 kept.

    Calling it again with the same path reuses the handler already installed.

    Raises
    ------
    OperationFailedError
        The log folder cannot be created.
    """
    logger = logging.getLogger("vetmri")
    for handler in logger.handlers:
        if isinstance(handler, _PrivateRotatingFileHandler) and Path(handler.baseFilename) == log_path.resolve():
            return handler
    ensure_private_folder(log_path.parent)
    handler = _PrivateRotatingFileHandler(
        log_path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
