"""Export the records to JSON (everything) or CSV (one file per table) for other programs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from vetmri.atomicfile import atomic_write_text
from vetmri.datadir import ensure_private_folder
from vetmri.errors import UserInputError
from vetmri.records.ids import format_id
from vetmri.records.store import RecordStore

__all__ = ["EXPORT_TABLES", "export_csv", "export_json"]

EXPORT_TABLES = ("owners", "pets", "studies", "series", "sends")


def _rows(store: RecordStore) -> dict[str, list[dict[str, Any]]]:
    tables = store.tables()
    return {
        name: [{"id": format_id(name, int(k)), **doc} for k, doc in sorted(tables.get(name, {}).items(), key=lambda kv: int(kv[0]))]
        for name in EXPORT_TABLES
    }


def export_json(store: RecordStore, path: Path) -> dict[str, int]:
    """Write every record to one JSON file (owner-only); returns rows per table."""
    rows = _rows(store)
    atomic_write_text(Path(path), json.dumps(rows, ensure_ascii=False, indent=1))
    return {name: len(items) for name, items in rows.items()}


def export_csv(store: RecordStore, folder: Path) -> dict[str, int]:
    """Write ``owners.csv``, ``pets.csv``, ... into ``folder`` (created owner-only).

    Lists (weights, alerts) are written as JSON text in their cell.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"{folder} is a file; CSV export needs a folder (one file per table).")
    ensure_private_folder(folder)
    rows = _rows(store)
    for name, items in rows.items():
        columns: list[str] = ["id"]
        for item in items:
            columns += [c for c in item if c not in columns]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        for item in items:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in item.items()})
        atomic_write_text(folder / f"{name}.csv", buffer.getvalue())
    return {name: len(items) for name, items in rows.items()}
