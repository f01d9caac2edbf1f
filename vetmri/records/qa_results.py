"""QA results in the record store (table ``qa_results``, ids ``QA-000001``).

Each result is one document written in one transaction of the store (the same lock, the
same journal with one fsync, the same crash safety as pets and studies). The documents are
the plain data of :meth:`vetmri.qa.result.QaResult.to_dict`; this module checks only what
the history needs (a date and a list of measures), the QA package owns the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vetmri.errors import UserInputError
from vetmri.records.ids import format_id

__all__ = ["TABLE", "add_qa_result", "qa_results"]

TABLE = "qa_results"


def _check(doc: dict[str, Any]) -> None:
    date = doc.get("date")
    try:
        moment = datetime.fromisoformat(str(date))
    except ValueError:
        raise UserInputError(f"A QA result needs its date as ISO 8601 text, not {date!r}.") from None
    if moment.tzinfo is None:
        raise UserInputError(f"A QA result's date must carry its time zone, not {date!r}.")
    measures = doc.get("measures")
    if not isinstance(measures, list) or not measures or not all(isinstance(m, dict) and "key" in m for m in measures):
        raise UserInputError("A QA result needs a non-empty list of measures, each with its key.")


def add_qa_result(store, result: dict[str, Any]) -> str:
    """Store one QA result; returns its id (``QA-000001``).

    Parameters
    ----------
    store : vetmri.records.store.RecordStore
    result : dict
        Plain data of a QA run (its ``id`` is set here).

    Raises
    ------
    UserInputError
        No valid date or no measures.
    """
    doc = {k: v for k, v in result.items() if k != "id"}
    _check(doc)
    with store._write():
        number = store._next_number(TABLE)
        store._insert(TABLE, number, doc)
    return format_id(TABLE, number)


def qa_results(store, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The stored QA results, oldest first (by date, then id), each with its ``id``.

    Parameters
    ----------
    limit : int, optional
        Only the newest ``limit`` results.
    """
    store._fresh()
    table = store._table(TABLE)
    docs = [dict(doc, id=format_id(TABLE, doc.doc_id)) for doc in table.all()]
    docs.sort(key=lambda d: (str(d.get("date", "")), d["id"]))
    return docs[-limit:] if limit else docs
