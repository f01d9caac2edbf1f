"""Where an exam keeps its files in the study folder, and what an earlier run left there.

``<study folder>/exam/request.json`` is the request the exam was started with (resuming
plans it again from it); ``exam/skipped.json`` the series the operator skipped, with why; ``raw/exam.h5`` holds every series' raw data, one group per
attempt; ``dicom/<series>/`` the images.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from vetmri.atomicfile import atomic_write_text
from vetmri.errors import OperationFailedError, UserInputError
from vetmri.exam.request import ExamRequest

__all__ = ["RAW_NAME", "add_skipped", "attempt_name", "raw_path", "read_request", "read_skipped", "write_request"]

RAW_NAME = "raw/exam.h5"
_REQUEST = "exam/request.json"
_SKIPPED = "exam/skipped.json"
_log = logging.getLogger(__name__)


def raw_path(study_folder: Path) -> Path:
    """The study's raw file."""
    return study_folder / RAW_NAME


def write_request(study_folder: Path, request: ExamRequest) -> None:
    """Keep the request with the study (atomically).

    Raises
    ------
    OperationFailedError
        The study folder cannot be written.
    """
    path = study_folder / _REQUEST
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(request.to_dict(), indent=1))
    except OSError as exc:
        raise OperationFailedError(f"Cannot write the exam into {path.parent} ({exc.strerror or exc}); check the disk.") from None


def read_request(study_folder: Path, study_id: str) -> ExamRequest:
    """The request an exam of this study was started with.

    Raises
    ------
    UserInputError
        The study was not made by an exam (filed by hand or imported), or its request file
        is damaged.
    """
    path = study_folder / _REQUEST
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise UserInputError(f"Study {study_id} was not made by 'vetmri exam' (it was filed or imported), so it cannot be "
                             "resumed; start a new exam for the pet.") from None
    except (OSError, ValueError) as exc:
        raise UserInputError(f"The exam record {path} is damaged ({exc}); start a new exam for the pet.") from None
    if not isinstance(data, dict):
        raise UserInputError(f"The exam record {path} is damaged; start a new exam for the pet.")
    return ExamRequest.from_dict(data)


def attempt_name(name: str, index: int, taken: set[str]) -> str:
    """The series name of a new attempt: the plan's name the first time, ``NAME (repeat
    N)`` when the raw file already holds an attempt (cut short, or repeated on purpose), so
    every attempt keeps its own raw group and series number."""
    from vetmri.rawdata import series_group_name

    if series_group_name(index, name) not in taken:
        return name
    attempt = 2
    while series_group_name(index, f"{name} (repeat {attempt})") in taken:
        attempt += 1
    return f"{name} (repeat {attempt})"


def read_skipped(study_folder: Path) -> dict[int, str]:
    """The plan indices of the series skipped on purpose, with the reason (none: empty)."""
    data = _skipped_entries(study_folder / _SKIPPED)
    return {int(k): str(v.get("reason", "")) for k, v in data.items() if str(k).isdigit() and isinstance(v, dict)}


def _skipped_entries(path: Path) -> dict:
    """The file's entries by index; a missing file is none, an unreadable one is logged
    and read as none (the skip is then asked for again, nothing else is lost)."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        _log.warning("the skipped series in %s could not be read", path, exc_info=True)
        return {}
    return data if isinstance(data, dict) else {}


def add_skipped(study_folder: Path, index: int, description: str, reason: str) -> None:
    """Record that series ``index`` was skipped (atomically).

    Raises
    ------
    OperationFailedError
        The study folder cannot be written.
    """
    from datetime import datetime, timezone

    path = study_folder / _SKIPPED
    data = _skipped_entries(path)
    data[str(index)] = {"description": description, "reason": reason,
                        "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(data, indent=1))
    except OSError as exc:
        raise OperationFailedError(f"Cannot write the exam into {path.parent} ({exc.strerror or exc}); check the disk.") from None

