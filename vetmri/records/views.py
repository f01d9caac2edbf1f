"""Records as plain data and one-line summaries, for the CLI's ``--json`` and the TUI's lists.

The JSON field names are stable (other tools read them).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from vetmri.errors import UserInputError
from vetmri.records.key_images import key_images
from vetmri.records.models import Owner, Pet, SearchHit, SendJob, Series, Study
from vetmri.records.store import RecordStore

__all__ = ["hit_dict", "list_records", "owner_dict", "owner_line", "pet_dict", "pet_line", "show_record"]


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record_dict(record: Owner | Pet | Study | Series | SendJob) -> dict[str, Any]:
    """Any record as JSON-ready data."""
    return _plain(asdict(record))


def owner_dict(owner: Owner) -> dict[str, Any]:
    return record_dict(owner)


def pet_dict(pet: Pet) -> dict[str, Any]:
    data = record_dict(pet)
    data["weight_kg"] = pet.weight_kg
    return data


def hit_dict(hit: SearchHit) -> dict[str, Any]:
    return {**pet_dict(hit.pet), "owner": owner_dict(hit.owner)}


def owner_line(owner: Owner) -> str:
    return f"{owner.id}  {owner.name}  {owner.phone}"


def pet_line(pet: Pet) -> str:
    weight = f"{pet.weight_kg:g} kg" if pet.weight_kg is not None else "weight unknown"
    alerts = f"  ALERT: {', '.join(pet.alerts)}" if pet.alerts else ""
    return f"{pet.id}  {pet.patient_id}  {pet.name}  {pet.species}  {weight}{alerts}"


def study_line(study: Study) -> str:
    return f"{study.id}  {study.study_date}  {study.region}  {study.status}  accession {study.accession}"


def show_record(store: RecordStore, record_id: str) -> tuple[dict[str, Any], list[str]]:
    """One owner (with pets), pet (with owner and studies) or study (with series)."""
    kind = record_id.strip()[:1].upper()
    if kind == "O":
        owner = store.owner(record_id)
        pets = store.pets_of_owner(owner.id)
        lines = [owner_line(owner), *(f"  {x}" for x in (owner.email, owner.address) if x)]
        lines += [f"  pet {pet_line(p)}" for p in pets]
        return {**owner_dict(owner), "pets": [pet_dict(p) for p in pets]}, lines
    if kind == "P":
        pet = store.pet(record_id)
        owner = store.owner(pet.owner_id)
        studies = store.studies_of_pet(pet.id)
        lines = [pet_line(pet), f"  owner {owner_line(owner)}"]
        lines += [f"  {label}: {value}" for label, value in (
            ("breed", pet.breed), ("sex", pet.sex), ("born", pet.birth_date), ("microchip", pet.microchip),
            ("markings", pet.markings), ("former Patient IDs", ", ".join(pet.former_patient_ids)),
            ("referring vet", pet.referring_vet), ("referring clinic", pet.referring_clinic)) if value]
        lines += [f"  weighed {w.date}: {w.weight_kg:g} kg" for w in pet.weights]
        lines += [f"  study {study_line(s)}" for s in studies]
        data = {**pet_dict(pet), "owner": owner_dict(owner), "studies": [record_dict(s) for s in studies]}
        return data, lines
    if kind == "S" and not record_id.strip().upper().startswith("SE"):
        study = store.study(record_id)
        series = store.series_of_study(study.id)
        lines = [study_line(study), f"  pet {study.pet_id}  Patient ID {study.patient_id}  folder {study.folder}"]
        if study.status_reason:
            lines.append(f"  stopped: {study.status_reason}")
        lines += [f"  {label}: {value}" for label, value in (
            ("exam started", study.exam_started_at), ("exam ended", study.exam_ended_at),
            ("position", study.position), ("referring vet", study.referring_vet),
            ("referring clinic", study.referring_clinic)) if value]
        if study.anaesthesia_s is not None:
            lines.append(f"  in the bore: {study.anaesthesia_s / 60:.1f} min")
        lines += [f"  series {s.number}: {s.description} ({s.image_count} images)" for s in series]
        marked = key_images(store, study.id)
        lines += [f"  key image: series {k.series_number} image {k.instance_number}"
                  + (f" ({k.note})" if k.note else "") for k in marked]
        return {**record_dict(study), "series": [record_dict(s) for s in series],
                "key_images": [asdict(k) for k in marked]}, lines
    raise UserInputError(f"{record_id!r} is not an owner (O-...), pet (P-...) or study (S-...) id.")


def list_records(store: RecordStore, what: str, date_from: str | None, date_to: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every owner, pet, send job, or the studies in a date range."""
    if what == "owners":
        owners = store.list_owners()
        return [owner_dict(o) for o in owners], [owner_line(o) for o in owners]
    if what == "pets":
        pets = store.list_pets()
        return [pet_dict(p) for p in pets], [pet_line(p) for p in pets]
    if what == "sends":
        jobs = store.send_jobs()
        return [record_dict(j) for j in jobs], [f"{j.id}  {j.study_id}  to {j.destination}  {j.status}  attempts {j.attempts}" for j in jobs]
    studies = store.list_studies(date_from=date_from, date_to=date_to)
    return [record_dict(s) for s in studies], [study_line(s) for s in studies]
