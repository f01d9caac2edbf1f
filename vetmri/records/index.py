"""In-memory indexes kept current by the storage: front-desk search and lookups by key.

Built once on open from all documents and updated on every change (this process's or
another's), so a search is a scan over short normalised strings and a lookup by
microchip, Patient ID, Study Instance UID or accession is a dictionary access. The study
and series indexes are built when those tables are first read (the storage reads them on
first use): looking at one of them asks ``load_table`` for its table first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from typing import Any

__all__ = ["RecordIndex", "digits_of", "key_of", "normalise_text"]


_ASCII_PUNCTUATION = re.compile(r"[^a-z0-9\s']+")
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_APOSTROPHES = re.compile("['\u2019]")
_NOT_WORD = re.compile(r"[^\w\s]|_")


def normalise_text(text: str) -> str:
    """Lower case without accents or punctuation, single spaces (``"Renée O'Brien"`` ->
    ``"renee obrien"``)."""
    if text.isascii():  # the common case, kept fast for building the index on open
        return " ".join(_ASCII_PUNCTUATION.sub(" ", text.lower()).replace("'", "").split())
    plain = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", plain)).split())


def key_of(record_id: str) -> str:
    """The document key (number as text) of a reference such as ``P-000042``."""
    return str(int(record_id.rsplit("-", 1)[-1]))


_NOT_DIGITS = re.compile(r"[^0-9]+")


def digits_of(text: str) -> str:
    """Only the digits of ``text`` (how phone numbers are compared)."""
    return _NOT_DIGITS.sub("", text)


_LAZY_INDEXES = {
    "studies_by_pet": "studies",
    "study_by_uid": "studies",
    "study_by_accession": "studies",
    "series_by_study": "series",
}


class RecordIndex:
    """Lookup tables over the documents of the store, keyed by document id text.

    Parameters
    ----------
    load_table : callable, optional
        Called with ``"studies"`` or ``"series"`` before their indexes are looked at, so a
        table left on disk is read (and indexed through :meth:`rebuild_table`) first.
    """

    def __init__(self, load_table: Callable[[str], object] | None = None) -> None:
        self._load_table = load_table
        self._clear()

    def __getattr__(self, name: str) -> Any:
        # Only reached for the study and series indexes, which live under a private name
        # until their table is in memory.
        table = _LAZY_INDEXES.get(name)
        if table is None:
            raise AttributeError(name)
        if self._load_table is not None:
            self._load_table(table)
        return self.__dict__["_" + name]

    def _clear(self) -> None:
        self.pet_names: dict[str, str] = {}
        self.pet_owner: dict[str, str] = {}
        self.owner_names: dict[str, str] = {}
        self.owner_phones: dict[str, str] = {}
        self.pets_by_owner: defaultdict[str, set[str]] = defaultdict(set)
        self.pet_by_microchip: dict[str, str] = {}
        self.pet_by_patient_id: dict[str, str] = {}
        self._studies_by_pet: defaultdict[str, set[str]] = defaultdict(set)
        self._study_by_uid: dict[str, str] = {}
        self._study_by_accession: dict[str, str] = {}
        self._series_by_study: defaultdict[str, set[str]] = defaultdict(set)
        self._pet_keys: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._study_keys: dict[str, tuple[str, str, str]] = {}
        self._series_study: dict[str, str] = {}

    def rebuild(self, tables: dict[str, dict[str, Any]]) -> None:
        """Index every document again (after a full load of the tables given)."""
        self._clear()
        for name, docs in tables.items():
            self.rebuild_table(name, docs)

    def rebuild_table(self, name: str, docs: dict[str, Any]) -> None:
        """Index all documents of one table that was not indexed yet (it was just read)."""
        if name == "studies":
            self._rebuild_studies(docs)
        elif name == "pets":
            self._rebuild_pets(docs)
        elif name == "owners":
            self.owner_names = {k: normalise_text(d["name"]) for k, d in docs.items()}
            self.owner_phones = {k: digits_of(d["phone"]) for k, d in docs.items()}
        else:
            for key, doc in docs.items():
                self.update(name, key, doc)

    def _rebuild_pets(self, docs: dict[str, Any]) -> None:
        """The pet indexes in one pass over a table not indexed yet."""
        names = self.pet_names
        owners = self.pet_owner
        by_owner = self.pets_by_owner
        by_chip = self.pet_by_microchip
        by_patient_id = self.pet_by_patient_id
        keys = self._pet_keys
        for key, doc in docs.items():
            patient_ids = (doc["patient_id"], *doc.get("former_patient_ids", ()))
            microchip = doc.get("microchip", "")
            keys[key] = (microchip, patient_ids)
            if microchip:
                by_chip[microchip] = key
            for pid in patient_ids:
                by_patient_id[pid.upper()] = key
            name = doc["name"]
            names[key] = normalise_text(name)
            ref = doc["owner"]
            owner = ref[ref.index("-") + 1:].lstrip("0")
            owners[key] = owner
            by_owner[owner].add(key)

    def _rebuild_studies(self, docs: dict[str, Any]) -> None:
        """The study indexes in one pass (the largest table, so kept lean)."""
        by_pet = self._studies_by_pet
        keys = self._study_keys
        for key, doc in docs.items():
            ref = doc["pet"]
            pet = ref[ref.index("-") + 1:].lstrip("0")
            keys[key] = (pet, doc["study_uid"], doc["accession"])
            by_pet[pet].add(key)
        self._study_by_uid = {uid: key for key, (_, uid, _) in keys.items()}
        self._study_by_accession = {acc.upper(): key for key, (_, _, acc) in keys.items()}

    def update(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        """Index the new content of one document (None: it was deleted)."""
        if table == "pets":
            self._update_pet(key, doc)
        elif table == "owners":
            if doc is None:
                self.owner_names.pop(key, None)
                self.owner_phones.pop(key, None)
            else:
                self.owner_names[key] = normalise_text(doc["name"])
                self.owner_phones[key] = digits_of(doc["phone"])
        elif table == "studies":
            self._update_study(key, doc)
        elif table == "series":
            old = self._series_study.pop(key, None)
            if old is not None:
                self._series_by_study[old].discard(key)
            if doc is not None:
                study = key_of(doc["study"])
                self._series_study[key] = study
                self._series_by_study[study].add(key)

    def _update_pet(self, key: str, doc: dict[str, Any] | None) -> None:
        old = self._pet_keys.pop(key, None)
        if old is not None:
            microchip, patient_ids = old
            if self.pet_by_microchip.get(microchip) == key:
                del self.pet_by_microchip[microchip]
            for pid in patient_ids:
                if self.pet_by_patient_id.get(pid.upper()) == key:
                    del self.pet_by_patient_id[pid.upper()]
            owner = self.pet_owner.pop(key, None)
            if owner is not None:
                self.pets_by_owner[owner].discard(key)
            self.pet_names.pop(key, None)
        if doc is None:
            return
        patient_ids = (doc["patient_id"], *doc.get("former_patient_ids", ()))
        microchip = doc.get("microchip", "")
        self._pet_keys[key] = (microchip, patient_ids)
        if microchip:
            self.pet_by_microchip[microchip] = key
        for pid in patient_ids:
            self.pet_by_patient_id[pid.upper()] = key
        self.pet_names[key] = normalise_text(doc["name"])
        owner = key_of(doc["owner"])
        self.pet_owner[key] = owner
        self.pets_by_owner[owner].add(key)

    def _update_study(self, key: str, doc: dict[str, Any] | None) -> None:
        old = self._study_keys.pop(key, None)
        if old is not None:
            pet, uid, accession = old
            self._studies_by_pet[pet].discard(key)
            if self._study_by_uid.get(uid) == key:
                del self._study_by_uid[uid]
            if self._study_by_accession.get(accession.upper()) == key:
                del self._study_by_accession[accession.upper()]
        if doc is None:
            return
        pet = key_of(doc["pet"])
        self._study_keys[key] = (pet, doc["study_uid"], doc["accession"])
        self._studies_by_pet[pet].add(key)
        self._study_by_uid[doc["study_uid"]] = key
        self._study_by_accession[doc["accession"].upper()] = key

    def search_pets(self, text: str) -> set[str]:
        """Keys of pets whose name, owner's name or owner's phone hold every word of ``text``.

        Words match anywhere (partial), ignoring case and accents; a word of digits also
        matches phone numbers compared on digits only. A query made only of phone
        characters is taken as one phone number.
        """
        query = normalise_text(text)
        if not query:
            return set()
        digits = digits_of(text)
        if len(digits) >= 3 and all(c.isdigit() or c in " +-()./" for c in text.strip()):
            owners = {k for k, phone in self.owner_phones.items() if digits in phone}
            return {p for o in owners for p in self.pets_by_owner.get(o, ())}
        result: set[str] | None = None
        for word in query.split():
            pets = {k for k, name in self.pet_names.items() if word in name}
            owners = {k for k, name in self.owner_names.items() if word in name}
            if word.isdigit():
                owners |= {k for k, phone in self.owner_phones.items() if word in phone}
            pets |= {p for o in owners for p in self.pets_by_owner.get(o, ())}
            result = pets if result is None else result & pets
            if not result:
                return set()
        return result or set()
