"""Printing helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["print_json", "print_table"]


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (non-ASCII kept readable)."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Print rows as aligned plain-text columns."""
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
