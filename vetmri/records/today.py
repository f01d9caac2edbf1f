"""Today's work at the front desk: the studies of today and those left unfinished.

The worklist's animals become planned studies in the records
(:func:`vetmri.dicom.worklist_records.store_worklist`), so this list is the worklist merged
with what the clinic planned itself and what is still open from earlier days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from vetmri.records.models import Owner, Pet, Study
from vetmri.records.store import RecordStore

__all__ = ["OPEN_STATUSES", "WorkItem", "todays_work"]

#: Study statuses that still need the scanner or the reconstruction.
OPEN_STATUSES = ("planned", "scanning", "acquired", "reconstructed")
#: How far back an unfinished study still counts as today's work.
LOOK_BACK_DAYS = 14


@dataclass(frozen=True)
class WorkItem:
    """One study to do (or done) today, with its pet and owner."""

    study: Study
    pet: Pet
    owner: Owner


def todays_work(store: RecordStore, day: date | None = None) -> list[WorkItem]:
    """Studies of ``day`` (not cancelled) and unfinished studies of the two weeks before.

    Returns
    -------
    list of WorkItem
        Today's first (by id, the order they were planned), then the older open ones.
    """
    day = date.today() if day is None else day
    studies = store.list_studies(date_from=day - timedelta(days=LOOK_BACK_DAYS), date_to=day)
    today = [s for s in studies if s.study_date == day and s.status != "cancelled"]
    older = [s for s in studies if s.study_date < day and s.status in OPEN_STATUSES]
    items = []
    for study in sorted(today, key=lambda s: s.id) + sorted(older, key=lambda s: (s.study_date, s.id)):
        pet = store.pet(study.pet_id)
        items.append(WorkItem(study, pet, store.owner(pet.owner_id)))
    return items
