"""Backups of the record store: one JSON file per backup in ``<data>/backups/``, rotated.

A backup is a consistent copy taken under the shared lock (no writer runs meanwhile),
written atomically and owner-only. :func:`backup_if_due` makes one when the newest is
older than a day, so a workstation opened daily keeps daily backups without anyone
thinking of it. A restore checks the backup first, saves the current state as one more
backup, then replaces the store in one journaled step.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from vetmri.atomicfile import atomic_write_bytes
from vetmri.datadir import ensure_private_folder
from vetmri.errors import OperationFailedError, UserInputError
from vetmri.records.store import RecordStore

__all__ = ["BACKUPS_FOLDER", "DEFAULT_KEEP", "Backup", "backup_if_due", "list_backups", "make_backup", "restore_backup"]

BACKUPS_FOLDER = "backups"
DEFAULT_KEEP = 14
DEFAULT_INTERVAL_S = 24 * 3600.0
_PREFIX = "records-"
_FORMAT = "vetmri-records-backup"
_TABLES = ("meta", "owners", "pets", "studies", "series", "sends", "vitals")


@dataclass(frozen=True)
class Backup:
    """One backup file and what it holds."""

    path: Path
    created_at: str
    counts: dict[str, int]


def backups_folder(store: RecordStore) -> Path:
    """Where the store's backups go."""
    return store.data_dir / BACKUPS_FOLDER


def make_backup(store: RecordStore, *, keep: int = DEFAULT_KEEP) -> Backup:
    """Write a backup now and delete all but the newest ``keep``."""
    if keep < 1:
        raise UserInputError(f"Keep at least one backup, not {keep}.")
    tables = store.tables()
    moment = datetime.now(timezone.utc)
    counts = {name: len(tables.get(name, {})) for name in _TABLES if name != "meta"}
    payload = {"format": _FORMAT, "version": 1, "created_at": moment.isoformat(timespec="seconds"),
               "counts": counts, "tables": {name: tables.get(name, {}) for name in _TABLES}}
    folder = ensure_private_folder(backups_folder(store))
    path = folder / f"{_PREFIX}{moment:%Y%m%dT%H%M%S%fZ}.json"
    atomic_write_bytes(path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    for old in sorted(folder.glob(f"{_PREFIX}*.json"))[:-keep]:
        old.unlink(missing_ok=True)
    return Backup(path, payload["created_at"], counts)


def list_backups(store: RecordStore) -> list[Path]:
    """Backup files, oldest first."""
    folder = backups_folder(store)
    return sorted(folder.glob(f"{_PREFIX}*.json")) if folder.is_dir() else []


def backup_if_due(store: RecordStore, *, keep: int = DEFAULT_KEEP, interval_s: float = DEFAULT_INTERVAL_S) -> Backup | None:
    """Make a backup when the newest is older than ``interval_s`` (or there is none) and
    the store holds anything."""
    existing = list_backups(store)
    if existing and time.time() - existing[-1].stat().st_mtime < interval_s:
        return None
    if not any(store.counts().values()):
        return None
    return make_backup(store, keep=keep)


def read_backup(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The tables of a backup file, after checking it is one."""
    try:
        payload = json.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise UserInputError(f"There is no backup file {path}; list them with 'vetmri records backup --list'.") from None
    except (OSError, ValueError) as exc:
        raise UserInputError(f"{path} is not a readable backup ({type(exc).__name__}); choose another file.") from None
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT or not isinstance(payload.get("tables"), dict):
        raise UserInputError(f"{path} is not a vetmri records backup; choose a file from the backups folder.")
    tables = payload["tables"]
    for name, docs in tables.items():
        if name not in _TABLES or not isinstance(docs, dict) or not all(k.isdigit() and isinstance(d, dict) for k, d in docs.items()):
            raise UserInputError(f"The backup {path} is damaged (table {name!r}); choose another file.")
    return tables


def restore_backup(store: RecordStore, path: Path, *, keep: int = DEFAULT_KEEP) -> Backup:
    """Replace the whole store by the backup ``path``; the current state is backed up first.

    Returns the safety backup of the state before the restore.
    """
    tables = read_backup(path)
    safety = make_backup(store, keep=keep + 1)
    tables["meta"] = _meta_never_reusing_ids(store.tables().get("meta", {}), tables.get("meta", {}))
    try:
        store._storage.replace_everything(tables)
    except OSError as exc:
        raise OperationFailedError(f"The restore could not be written ({exc.strerror}); the records are unchanged or as in {safety.path}.") from None
    return safety


def _meta_never_reusing_ids(current: dict[str, Any], restored: dict[str, Any]) -> dict[str, Any]:
    """The restored counters, but never below the current ones: ids handed out after the
    backup (and perhaps already sent to a PACS) are not handed out again."""
    now, then = current.get("1", {}), restored.get("1", {})
    counters = dict(then.get("next", {}))
    for table, number in now.get("next", {}).items():
        counters[table] = max(number, counters.get(table, 0))
    return {"1": {**then, "site": now.get("site") or then.get("site", ""), "next": counters}}
