"""Owners and pets: add, edit, weigh, look up, search and merge duplicates.

Mixed into :class:`vetmri.records.store.RecordStore`; every change validates its fields
(:mod:`vetmri.records.validation`) against the newest state inside the write lock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vetmri.errors import UserInputError
from vetmri.records.ids import format_id, parse_id, patient_id_for
from vetmri.records.index import digits_of, key_of, normalise_text
from vetmri.records.models import Owner, Pet, SearchHit, WeightEntry
from vetmri.records.validation import (
    check_weight,
    clean_alerts,
    clean_email,
    clean_microchip,
    clean_name,
    clean_phone,
    clean_sex,
    clean_species,
    clean_text,
    parse_day,
)

__all__ = ["PET_FIELDS", "PetRecords"]

#: The pet fields ``edit_pet`` accepts.
PET_FIELDS = ("owner_id", "name", "species", "breed", "sex", "neutered", "birth_date",
              "microchip", "markings", "alerts", "referring_vet", "referring_clinic")
OWNER_FIELDS = ("name", "phone", "email", "address")


class PetRecords:
    """Owner and pet methods of the record store."""

    # -- owners ----------------------------------------------------------------------------

    def add_owner(self, name: str, phone: str, *, email: str = "", address: str = "",
                  phone_required: bool = True) -> Owner:
        """Register an owner; returns it with its new id once it is on disk.

        ``phone_required=False`` accepts an empty phone number, for owners known only from
        DICOM files or a worklist (which carry none); the staff add it later.
        """
        doc = {
            "name": clean_name(name, "owner's name"),
            "phone": clean_phone(phone) if phone or phone_required else "",
            "email": clean_email(email),
            "address": clean_text(address, "address", multiline=True),
            "created_at": self._now(),
        }
        with self._write():
            number = self._next_number("owners")
            self._insert("owners", number, doc)
        return Owner.from_doc(format_id("owners", number), doc)

    def edit_owner(self, owner_id: str, **changes: Any) -> Owner:
        """Change some of ``name``, ``phone``, ``email``, ``address``."""
        unknown = set(changes) - set(OWNER_FIELDS)
        if unknown:
            raise UserInputError(f"An owner has no field {sorted(unknown)[0]!r}; editable: {', '.join(OWNER_FIELDS)}.")
        cleaners = {"name": lambda v: clean_name(v, "owner's name"), "phone": clean_phone,
                    "email": clean_email, "address": lambda v: clean_text(v, "address", multiline=True)}
        cleaned = {k: cleaners[k](v) for k, v in changes.items()}
        with self._write():
            number, doc = self._doc("owners", owner_id, "owner")
            doc.update(cleaned)
            self._replace("owners", number, doc)
        return Owner.from_doc(format_id("owners", number), doc)

    def owner(self, owner_id: str) -> Owner:
        """The owner ``owner_id`` (``O-000042``)."""
        number, doc = self._doc("owners", owner_id, "owner")
        return Owner.from_doc(format_id("owners", number), doc)

    def list_owners(self) -> list[Owner]:
        """Every owner, by id."""
        return [Owner.from_doc(format_id("owners", d.doc_id), d) for d in self._table("owners").all()]

    # -- pets ------------------------------------------------------------------------------

    def add_pet(
        self,
        owner_id: str,
        name: str,
        species: str,
        weight_kg: float | None,
        *,
        breed: str = "",
        sex: str = "unknown",
        neutered: bool | None = None,
        birth_date: str | date | None = None,
        microchip: str = "",
        markings: str = "",
        alerts: tuple[str, ...] | list[str] = (),
        weighed_on: str | date | None = None,
        referring_vet: str = "",
        referring_clinic: str = "",
    ) -> Pet:
        """Register a pet of owner ``owner_id``; returns it with its id and Patient ID.

        ``referring_vet``/``referring_clinic``: who referred it, the default for its studies.

        Raises
        ------
        UserInputError
            A field is wrong (the weight implausible for the species, a microchip not of 15
            digits or already on another pet, a date in the future, no such owner).
        """
        found = clean_species(species)
        weights: list[list[Any]] = []
        if weight_kg is not None:
            day = parse_day(weighed_on, "weighing date") or date.today()
            weights = [[day.isoformat(), check_weight(found, weight_kg)]]
        born = parse_day(birth_date, "date of birth")
        doc = {
            "patient_id": "",
            "owner": "",
            "name": clean_name(name, "pet's name"),
            "species": found.name,
            "breed": clean_text(breed, "breed", max_length=64),
            "sex": clean_sex(sex),
            "neutered": _neutered(neutered),
            "birth_date": born.isoformat() if born else None,
            "weights": weights,
            "microchip": clean_microchip(microchip),
            "markings": clean_text(markings, "colour and markings"),
            "alerts": list(clean_alerts(alerts)),
            "former_patient_ids": [],
            "created_at": self._now(),
            "referring_vet": clean_text(referring_vet, "referring vet", max_length=64),
            "referring_clinic": clean_text(referring_clinic, "referring clinic", max_length=64),
        }
        with self._write():
            owner_number, _ = self._doc("owners", owner_id, "owner")
            doc["owner"] = format_id("owners", owner_number)
            self._check_microchip_free(doc["microchip"], None)
            number = self._next_number("pets")
            doc["patient_id"] = patient_id_for(self._meta()["site"], number)
            self._insert("pets", number, doc)
        return Pet.from_doc(format_id("pets", number), doc)

    def edit_pet(self, pet_id: str, **changes: Any) -> Pet:
        """Change some pet fields (see :data:`PET_FIELDS`); each is validated as on add."""
        unknown = set(changes) - set(PET_FIELDS)
        if unknown:
            raise UserInputError(f"A pet has no field {sorted(unknown)[0]!r}; editable: {', '.join(PET_FIELDS)}.")
        cleaned: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "name":
                cleaned["name"] = clean_name(value, "pet's name")
            elif key == "species":
                cleaned["species"] = clean_species(value).name
            elif key == "breed":
                cleaned["breed"] = clean_text(value, "breed", max_length=64)
            elif key == "sex":
                cleaned["sex"] = clean_sex(value)
            elif key == "neutered":
                cleaned["neutered"] = _neutered(value)
            elif key == "birth_date":
                born = parse_day(value, "date of birth")
                cleaned["birth_date"] = born.isoformat() if born else None
            elif key == "microchip":
                cleaned["microchip"] = clean_microchip(value)
            elif key == "markings":
                cleaned["markings"] = clean_text(value, "colour and markings")
            elif key == "alerts":
                cleaned["alerts"] = list(clean_alerts(value))
            elif key in ("referring_vet", "referring_clinic"):
                cleaned[key] = clean_text(value, key.replace("_", " "), max_length=64)
        with self._write():
            number, doc = self._doc("pets", pet_id, "pet")
            if "owner_id" in changes:
                owner_number, _ = self._doc("owners", changes["owner_id"], "owner")
                cleaned["owner"] = format_id("owners", owner_number)
            if cleaned.get("microchip"):
                self._check_microchip_free(cleaned["microchip"], str(number))
            doc.update(cleaned)
            if "species" in cleaned and doc["weights"]:
                check_weight(clean_species(doc["species"]), doc["weights"][-1][1])
            self._replace("pets", number, doc)
        return Pet.from_doc(format_id("pets", number), doc)

    def record_weight(self, pet_id: str, weight_kg: float, *, day: str | date | None = None) -> Pet:
        """Add a weighing to the pet's history (checked against its species)."""
        when = parse_day(day, "weighing date") or date.today()
        with self._write():
            number, doc = self._doc("pets", pet_id, "pet")
            kg = check_weight(clean_species(doc["species"]), weight_kg)
            weights = [*doc["weights"], [when.isoformat(), kg]]
            weights.sort(key=lambda entry: entry[0])
            doc["weights"] = weights
            self._replace("pets", number, doc)
        return Pet.from_doc(format_id("pets", number), doc)

    def pet(self, pet_id: str) -> Pet:
        """The pet ``pet_id`` (``P-000042``)."""
        number, doc = self._doc("pets", pet_id, "pet")
        return Pet.from_doc(format_id("pets", number), doc)

    def pet_by_patient_id(self, patient_id: str) -> Pet | None:
        """The pet with this DICOM Patient ID, also one a merged duplicate had."""
        self._fresh()
        key = self._index.pet_by_patient_id.get(patient_id.strip().upper())
        return None if key is None else self.pet(key)

    def pet_by_microchip(self, microchip: str) -> Pet | None:
        """The pet carrying this microchip (spaces and dashes ignored)."""
        self._fresh()
        key = self._index.pet_by_microchip.get(clean_microchip(microchip))
        return None if key is None else self.pet(key)

    def pets_of_owner(self, owner_id: str) -> list[Pet]:
        """The owner's pets, by id."""
        owner = self.owner(owner_id)
        keys = sorted(self._index.pets_by_owner.get(key_of(owner.id), ()), key=int)
        return [self.pet(k) for k in keys]

    def list_pets(self, *, limit: int | None = None) -> list[Pet]:
        """Pets by id (the first ``limit``)."""
        docs = self._table("pets").all()[:limit]
        return [Pet.from_doc(format_id("pets", d.doc_id), d) for d in docs]

    def search(self, text: str = "", *, seen_from: str | date | None = None,
               seen_to: str | date | None = None, limit: int = 50) -> list[SearchHit]:
        """Pets the way the front desk looks for them, each with its owner.

        ``text`` matches partially (case and accents ignored) in the pet's or owner's name,
        on digits in the owner's phone, and exactly on a microchip, Patient ID or pet id.
        ``seen_from``/``seen_to`` keep pets with a study in that date range.
        """
        self._fresh()
        text = clean_text(text, "search text")
        keys: set[str]
        exact = self._exact_pet(text) if text else None
        if exact is not None:
            keys = {exact}
        elif text:
            keys = self._index.search_pets(text)
        else:
            keys = set(self._index.pet_names)
        if seen_from is not None or seen_to is not None:
            keys &= self._pets_seen_between(seen_from, seen_to)
        hits = []
        for key in sorted(keys, key=lambda k: (self._index.pet_names.get(k, ""), int(k)))[:limit]:
            pet = self.pet(key)
            hits.append(SearchHit(pet, self.owner(pet.owner_id)))
        return hits

    def search_owners(self, text: str, *, limit: int = 10) -> list[Owner]:
        """Owners whose name holds every word of ``text`` (partially, accents ignored) or
        whose phone holds its digits; the form that registers a pet finds the owner so."""
        self._fresh()
        query = normalise_text(clean_text(text, "search text"))
        if not query:
            return []
        digits = digits_of(text)
        keys = set()
        for key, name in self._index.owner_names.items():
            if all(word in name for word in query.split()):
                keys.add(key)
        if len(digits) >= 3:
            keys |= {k for k, phone in self._index.owner_phones.items() if digits in phone}
        ordered = sorted(keys, key=lambda k: (self._index.owner_names.get(k, ""), int(k)))[:limit]
        return [self.owner(format_id("owners", int(k))) for k in ordered]

    def possible_duplicates(self, name: str, owner_id: str | None, microchip: str = "",
                            *, ignore_pet_id: str | None = None) -> list[Pet]:
        """Pets that may be the one being registered: the same name with the same owner,
        or the same microchip."""
        self._fresh()
        found: set[str] = set()
        chip = ""
        try:
            chip = clean_microchip(microchip)
        except UserInputError:
            pass
        if chip and chip in self._index.pet_by_microchip:
            found.add(self._index.pet_by_microchip[chip])
        wanted = normalise_text(name or "")
        if wanted and owner_id:
            owner_key = key_of(owner_id)
            found |= {k for k in self._index.pets_by_owner.get(owner_key, ()) if self._index.pet_names.get(k) == wanted}
        if ignore_pet_id:
            found.discard(key_of(ignore_pet_id))
        return [self.pet(format_id("pets", int(k))) for k in sorted(found, key=int)]

    def merge_pets(self, keep_id: str, duplicate_id: str) -> Pet:
        """Merge a duplicate record into ``keep_id`` and delete the duplicate.

        The kept pet gains the duplicate's weighings, alerts and any field it lacks; the
        duplicate's Patient IDs become aliases of the kept pet and its studies move to it.
        The duplicate's ids are never handed out again.

        Raises
        ------
        UserInputError
            Same pet twice, different species, or two different microchips (two animals).
        """
        with self._write():
            keep_number, keep = self._doc("pets", keep_id, "pet")
            dup_number, dup = self._doc("pets", duplicate_id, "pet")
            if keep_number == dup_number:
                raise UserInputError("A pet cannot be merged with itself; give two different pet ids.")
            if keep["species"] != dup["species"]:
                raise UserInputError(
                    f"{format_id('pets', keep_number)} is a {keep['species']} and "
                    f"{format_id('pets', dup_number)} a {dup['species']}; correct the species before merging."
                )
            if keep["microchip"] and dup["microchip"] and keep["microchip"] != dup["microchip"]:
                raise UserInputError(
                    "The two pets carry different microchips, so they are two animals; they were not merged."
                )
            for field in ("breed", "birth_date", "microchip", "markings"):
                keep[field] = keep[field] or dup[field]
            for field in ("referring_vet", "referring_clinic"):
                keep[field] = keep.get(field, "") or dup.get(field, "")
            if keep["sex"] == "unknown":
                keep["sex"] = dup["sex"]
            if keep["neutered"] is None:
                keep["neutered"] = dup["neutered"]
            weights = {tuple(w) for w in keep["weights"]} | {tuple(w) for w in dup["weights"]}
            keep["weights"] = [list(w) for w in sorted(weights)]
            keep["alerts"] = list(clean_alerts([*keep["alerts"], *dup["alerts"]]))
            keep["former_patient_ids"] = [*keep["former_patient_ids"], dup["patient_id"], *dup["former_patient_ids"]]
            kept_id = format_id("pets", keep_number)
            for study_key in sorted(self._index.studies_by_pet.get(str(dup_number), ()), key=int):
                self._table("studies").update({"pet": kept_id}, doc_ids=[int(study_key)])
            self._table("pets").remove(doc_ids=[dup_number])
            self._replace("pets", keep_number, keep)
        return Pet.from_doc(kept_id, keep)

    # -- helpers -------------------------------------------------------------------------------

    def _check_microchip_free(self, microchip: str, own_key: str | None) -> None:
        if not microchip:
            return
        holder = self._index.pet_by_microchip.get(microchip)
        if holder is not None and holder != own_key:
            raise UserInputError(
                f"The microchip {microchip} is already on pet {format_id('pets', int(holder))}; "
                "check the number, or merge the two records if they are the same animal."
            )

    def _exact_pet(self, text: str) -> str | None:
        index = self._index
        key = index.pet_by_patient_id.get(text.upper())
        if key is None and len(digits_of(text)) == 15:
            try:
                key = index.pet_by_microchip.get(clean_microchip(text))
            except UserInputError:
                key = None
        if key is None and text[:1].upper() == "P" and any(c.isdigit() for c in text):
            try:
                number = parse_id("pets", text)
            except UserInputError:
                return None
            key = str(number) if str(number) in index.pet_names else None
        return key


def _neutered(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1", "neutered", "spayed", "castrated"):
        return True
    if text in ("no", "n", "false", "0", "intact", "entire"):
        return False
    if text in ("", "unknown", "?"):
        return None
    raise UserInputError(f"Neutered must be yes, no or unknown, not {value!r}.")
