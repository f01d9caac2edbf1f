"""Filling a DataTable with columns as wide as their contents, measured here.

Textual sizes auto-width columns when it gets round to it; a table filled right after it
appears could keep its columns at the headings' widths (names cut to five letters). Giving
each column its width when the rows are set makes the table the same on every draw.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

__all__ = ["fill_table"]


def _width(cell: object) -> int:
    text = Text.from_markup(cell) if isinstance(cell, str) else Text(str(cell))
    return cell_len(text.plain)


def fill_table(table: DataTable, headings: Sequence[str], rows: Sequence[tuple[str | None, Sequence[object]]],
               *, keys: Sequence[str] | None = None) -> None:
    """Replace the columns and rows of ``table``: ``rows`` are ``(row key, cells)``."""
    widths = [max([cell_len(h)] + [_width(cells[i]) for _, cells in rows]) for i, h in enumerate(headings)]
    table.clear(columns=True)
    for index, (heading, width) in enumerate(zip(headings, widths)):
        table.add_column(heading, width=width, key=None if keys is None else keys[index])
    for key, cells in rows:
        table.add_row(*cells, key=key)
