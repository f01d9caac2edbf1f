"""A TinyDB table whose writes cost time in proportion to what changed, not to the table.

TinyDB's ``Table._update_table`` copies the whole table twice per write (to convert document
ids) and passes the whole database to the storage. On a :class:`JournalStorage` this table
instead lets TinyDB's own update logic (insert, update, remove, upsert) work on a view of
the storage's live table, notes the documents it touched, and has the storage journal just
those, inside one transaction (so a single TinyDB call is also safe across processes).
The copy TinyDB changes is shallow: replace nested values (lists, dicts) with new ones
instead of mutating them in place, or the change goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from tinydb.table import Table

from vetmri.records.journal import JournalStorage

__all__ = ["JournalTable"]


class _IntKeyView(MutableMapping):
    """The live table seen with integer document ids, noting what is changed.

    A document TinyDB reads through the view is swapped for a copy first, so an in-place
    change (TinyDB's ``update`` mutates documents) is found by comparing with the original.
    """

    def __init__(self, raw: dict[str, dict]) -> None:
        self._raw = raw
        self.replaced: set[str] = set()
        self._originals: dict[str, dict] = {}

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        if key in self._originals or key in self.replaced:
            return self._raw[key]
        original = self._raw[key]
        self._originals[key] = original
        copy = self._raw[key] = dict(original)
        return copy

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self._raw[key] = doc
        self.replaced.add(key)

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        del self._raw[key]
        self.replaced.add(key)

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._raw

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def changed_keys(self) -> set[str]:
        """Keys set or deleted, and documents that were changed in place."""
        changed = set(self.replaced)
        for key, original in self._originals.items():
            if key not in changed and self._raw.get(key) != original:
                changed.add(key)
        return changed


class JournalTable(Table):
    """TinyDB ``Table`` that journals only the documents a write touched."""

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        storage = self._storage
        if not isinstance(storage, JournalStorage):
            super()._update_table(updater)
            return
        with storage.transaction():
            view = _IntKeyView(storage.live_table(self.name))
            updater(view)  # type: ignore[arg-type]
            storage.record_changes(self.name, view.changed_keys())
        self.clear_cache()
