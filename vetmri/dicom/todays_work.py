"""Refresh today's work from the clinic's worklist server.

The worklist node is the PACS node called ``worklist`` in the settings, or the only
node when there is one. Its scheduled animals are stored in the records as planned
studies (matched, never added twice), where :func:`vetmri.records.today.todays_work`
finds them with the rest of the day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vetmri.dicom.worklist import ScheduledAnimal
    from vetmri.records.store import RecordStore
    from vetmri.settings import PacsNode, Settings

__all__ = ["query_worklist", "refresh_worklist", "store_scheduled", "worklist_node"]


def worklist_node(settings: "Settings") -> "PacsNode | None":
    """The node to ask for the worklist, or None when none is configured (or it is unclear)."""
    for node in settings.pacs:
        if node.name == "worklist":
            return node
    return settings.pacs[0] if len(settings.pacs) == 1 else None


def query_worklist(settings: "Settings", day: date | None = None, *, timeout_s: float = 5.0) -> "list[ScheduledAnimal]":
    """The animals the worklist node has scheduled on ``day`` (none without a node).

    Raises
    ------
    OperationFailedError
        The worklist node does not answer or the query failed.
    """
    from vetmri.dicom.worklist import find_worklist

    node = worklist_node(settings)
    if node is None:
        return []
    day = date.today() if day is None else day
    return find_worklist(node, calling_ae_title=settings.dicom.ae_title, on=day, timeout_s=timeout_s)


def store_scheduled(store: "RecordStore", scheduled: "list[ScheduledAnimal]") -> dict[str, datetime]:
    """Store the scheduled animals as planned studies (matched, never added twice).

    Returns
    -------
    dict of str to datetime
        Scheduled start of each stored study, by Study Instance UID.
    """
    from vetmri.dicom.worklist_records import store_worklist

    starts = {}
    for item in store_worklist(store, scheduled):
        if item.study is not None and item.scheduled.scheduled_start is not None:
            starts[item.study.study_uid] = item.scheduled.scheduled_start
    return starts


def refresh_worklist(store: "RecordStore", settings: "Settings", day: date | None = None,
                     *, timeout_s: float = 5.0) -> dict[str, datetime]:
    """Ask the worklist node for ``day`` and store its animals (:func:`query_worklist`, then
    :func:`store_scheduled`).

    Raises
    ------
    OperationFailedError
        The worklist node does not answer or the query failed.
    """
    return store_scheduled(store, query_worklist(settings, day, timeout_s=timeout_s))
