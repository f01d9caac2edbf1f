"""The record store: opening, transactions, ids and the generic reads behind the API.

:class:`RecordStore` is the one object other packages use. Its methods for owners and pets
(:mod:`vetmri.records.pets`), studies and series (:mod:`vetmri.records.studies`) and the
PACS send queue (:mod:`vetmri.records.sendqueue`) are mixed in from those modules. Every
change runs in one transaction: the exclusive lock is taken, changes by other processes
are read, the change is validated against that newest state and appended to the journal
with one fsync before the method returns.

Examples
--------
>>> store = open_store()                                    # doctest: +SKIP
>>> owner = store.add_owner("Ana Díaz", "+34 600 123 456")  # doctest: +SKIP
>>> pet = store.add_pet(owner.id, "Luna", "cat", 4.2)       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from vetmri.datadir import ensure_private_folder
from vetmri.errors import UserInputError
from vetmri.records.ids import format_id, new_site_code, parse_id
from vetmri.records.index import RecordIndex
from vetmri.records.journal import JournalStorage, OpenReport
from vetmri.records.pets import PetRecords
from vetmri.records.sendqueue import SendQueue
from vetmri.records.studies import StudyRecords
from vetmri.records.tinytable import JournalTable

__all__ = ["RECORDS_FOLDER", "RecordStore", "open_store"]

RECORDS_FOLDER = "records"
#: Tables read on first use, not on open: the front desk opens the store to find pets and
#: owners, and the studies are by far the largest table.
LAZY_TABLES = ("studies", "series", "sends")
_META_DOC = 1


class _RecordDatabase(TinyDB):
    table_class = JournalTable


class RecordStore(PetRecords, StudyRecords, SendQueue):
    """Owners, pets, studies, series and the PACS send queue of one data folder.

    Parameters
    ----------
    data_dir : Path
        The workstation's data folder; records live in ``records/``, study folders in
        ``studies/``, backups in ``backups/``.
    uid_root : str
        Root of the Study Instance UIDs this store makes.
    compact_at_bytes : int, optional
        Journal size at which it is folded into the snapshots.
    """

    def __init__(self, data_dir: Path, *, uid_root: str = "2.25", compact_at_bytes: int | None = None) -> None:
        self.data_dir = ensure_private_folder(Path(data_dir))
        self.folder = ensure_private_folder(self.data_dir / RECORDS_FOLDER)
        self.uid_root = uid_root
        self._index = RecordIndex(load_table=lambda name: self._storage.load_table(name))
        self._db: TinyDB | None = None
        options: dict[str, Any] = {}
        if compact_at_bytes is not None:
            options["compact_at_bytes"] = compact_at_bytes
        self._db = _RecordDatabase(
            self.folder,
            storage=JournalStorage,
            on_change=self._index.update,
            on_reload=self._on_reload,
            on_foreign_change=self._clear_query_caches,
            lazy_tables=LAZY_TABLES,
            on_table_loaded=self._index.rebuild_table,
            **options,
        )
        self._storage: JournalStorage = self._db.storage  # type: ignore[assignment]

    # -- life cycle --------------------------------------------------------------------------

    def close(self) -> None:
        """Release the files; the store cannot be used afterwards."""
        if self._db is not None:
            self._db.close()
            self._db = None
            self._index = RecordIndex()  # frees the indexes now, not at the next full collection

    def __enter__(self) -> "RecordStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def open_report(self) -> OpenReport:
        """What the last full load of the files found (documents, journal lines, torn bytes)."""
        return self._storage.last_open

    @property
    def site_code(self) -> str:
        """The four characters naming this store in its Patient IDs."""
        meta = self._meta()
        return meta.get("site", "")

    def compact(self) -> None:
        """Fold the journal into the table snapshots now (done automatically as it grows)."""
        self._storage.compact()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Group many changes into one transaction and one fsync (imports, restores).

        Everything inside is saved together or not at all.
        """
        with self._storage.transaction():
            yield

    def counts(self) -> dict[str, int]:
        """How many owners, pets, studies, series and send jobs the store holds."""
        self._storage.refresh()
        return {name: len(self._table(name)) for name in ("owners", "pets", "studies", "series", "sends")}

    def tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        """A consistent copy of every table, as stored (for backup, export, verify)."""
        return self._storage.snapshot()

    # -- internals used by the mixins ------------------------------------------------------------

    def _on_reload(self, tables: dict[str, dict[str, Any]]) -> None:
        self._index.rebuild(tables)
        self._clear_query_caches()

    def _clear_query_caches(self) -> None:
        if self._db is not None:
            for name in self._db.tables():
                self._db.table(name).clear_cache()

    def _table(self, name: str) -> Any:
        assert self._db is not None, "the record store is closed"
        return self._db.table(name)

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self._storage.transaction():
            yield

    def _fresh(self) -> None:
        self._storage.refresh()

    def _meta(self) -> dict[str, Any]:
        doc = self._table("meta").get(doc_id=_META_DOC)
        return dict(doc) if doc else {}

    def _next_number(self, table: str) -> int:
        """The next number of ``table`` (inside a transaction; never handed out twice)."""
        assert self._storage.in_transaction
        meta = self._meta()
        counters = dict(meta.get("next", {}))
        number = counters.get(table)
        if number is None:  # first of its kind, or a store restored without counters
            keys = self._storage.live_table(table).keys()
            number = max((int(k) for k in keys), default=0) + 1
        counters[table] = number + 1
        meta["next"] = counters
        if not meta.get("site"):
            meta["site"] = new_site_code()
        self._table("meta").upsert(Document(meta, doc_id=_META_DOC))
        return number

    def _doc(self, table: str, record_id: str, what: str) -> tuple[int, dict[str, Any]]:
        number = parse_id(table, record_id)
        doc = self._table(table).get(doc_id=number)
        if doc is None:
            raise UserInputError(
                f"There is no {what} {format_id(table, number)}; find it with 'vetmri records search'."
            )
        return number, dict(doc)

    def _insert(self, table: str, number: int, doc: dict[str, Any]) -> None:
        self._table(table).insert(Document(doc, doc_id=number))

    def _replace(self, table: str, number: int, doc: dict[str, Any]) -> None:
        self._table(table).update(doc, doc_ids=[number])

    @staticmethod
    def _now() -> str:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_store(data_dir: Path | None = None, *, uid_root: str | None = None, **options: Any) -> RecordStore:
    """Open the record store of the workstation (data folder and UID root from the settings).

    Parameters
    ----------
    data_dir : Path, optional
        Another data folder.
    uid_root : str, optional
        Another UID root.
    **options
        Passed to :class:`RecordStore` (``compact_at_bytes``).
    """
    if data_dir is None or uid_root is None:
        from vetmri.settings import load_settings

        settings = load_settings()
        data_dir = settings.data.dir if data_dir is None else data_dir
        uid_root = settings.dicom.uid_root if uid_root is None else uid_root
    return RecordStore(data_dir, uid_root=uid_root, **options)
