"""Keep the animals of the Modality Worklist in the records, with their planned study.

Each scheduled animal becomes (or is matched to) a pet with its owner, species (through
the species catalog), breed and weight, and gets a ``planned`` study that keeps the
worklist's Study Instance UID, accession number and requested procedure: when the series
are written later (``vetmri recon --format dicom --pet``) they join that study, so the
RIS and the PACS see the UIDs they expect. Asking the worklist again matches what is
already stored instead of adding it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from vetmri.errors import UserInputError

if TYPE_CHECKING:
    from vetmri.dicom.animals_to_records import PetMatch
    from vetmri.dicom.worklist import ScheduledAnimal
    from vetmri.records.models import Study as StudyRecord
    from vetmri.records.store import RecordStore

__all__ = ["StoredItem", "store_worklist"]


@dataclass(frozen=True)
class StoredItem:
    """What became of one worklist item.

    Attributes
    ----------
    scheduled : ScheduledAnimal
        The item.
    match : PetMatch or None
        The pet and owner (matched or created); None when the item could not be stored.
    study : Study (records) or None
        The planned study.
    study_created : bool
        False when the study was in the records already.
    problem : str
        Why the item was not stored ("" when it was).
    """

    scheduled: "ScheduledAnimal"
    match: "PetMatch | None"
    study: "StudyRecord | None"
    study_created: bool = False
    problem: str = ""


def _existing_study(store: "RecordStore", item: "ScheduledAnimal"):
    if item.study_instance_uid:
        study = store.study_by_uid(item.study_instance_uid)
        if study is not None:
            return study
    if item.accession_number:
        return store.study_by_accession(item.accession_number)
    return None


def _region(item: "ScheduledAnimal") -> str:
    from vetmri.dicom.recon_export import guess_region

    found = guess_region([item.requested_procedure, item.step_description])
    return found or (item.requested_procedure or item.step_description or "unknown")[:64]


def store_worklist(store: "RecordStore", items: list["ScheduledAnimal"]) -> list[StoredItem]:
    """Store every scheduled animal and its planned study in the records.

    Items that cannot be stored (no animal name, a species without protocols) are
    reported with their problem; the others are stored regardless.
    """
    from vetmri.dicom.animals_to_records import PetMatch, register_animal

    stored = []
    for item in items:
        try:
            existing = _existing_study(store, item)
            if existing is not None:
                pet = store.pet(existing.pet_id)
                if item.weight_kg is not None and pet.weight_kg != item.weight_kg:
                    pet = store.record_weight(pet.id, float(item.weight_kg))
                match = PetMatch(pet, store.owner(pet.owner_id), "matched by its planned study")
                stored.append(StoredItem(item, match, existing, False))
                continue
            with store.bulk():
                match = register_animal(store, item, by_name=True, record_weight=True)
                when = item.scheduled_start.date() if item.scheduled_start else None
                procedure = "; ".join(t for t in (item.requested_procedure, item.step_description) if t)
                study = store.add_study(
                    match.pet.id, _region(item), study_date=min(when, date.today()) if when else None,
                    accession=item.accession_number[:16], study_uid=item.study_instance_uid, status="planned",
                    plan_summary=f"Worklist: {procedure}" if procedure else "Worklist",
                    referring_vet=(" ".join(p for p in (item.referring_vet.given, item.referring_vet.family) if p)
                                   if item.referring_vet else "")[:64],
                    referring_clinic=item.responsible_organization[:64],
                )
            stored.append(StoredItem(item, match, study, True))
        except UserInputError as exc:
            stored.append(StoredItem(item, None, None, False, str(exc)))
    return stored
