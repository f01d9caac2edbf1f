"""Species and breed codes from the DICOM content mapping resource.

Species codes are the SNOMED CT concepts of DICOM CID 7454 "Animal Taxonomic Rank
Values", breed codes those of CID 7480 "Breed", both taken from pydicom's copy of PS3.16
(``pydicom.sr``) rather than typed in here. Species DICOM has no code for (parrots,
tortoises, lizards) get a description only, which the standard allows: the species code
sequence is needed only when the description is absent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vetmri.dicom.patient import Code, Species
from vetmri.errors import UserInputError

__all__ = ["KNOWN_SPECIES", "breed_code", "breed_index", "species_by_code", "species_from_name"]

#: Common names (and synonyms) -> the CID 7454 concept keyword in pydicom, or a Latin
#: description for species outside that context group.
_SPECIES = {
    "dog": "CanisLupusFamiliaris",
    "cat": "FelisCatus",
    "rabbit": "OryctolagusCuniculus",
    "ferret": "MustelaPutoriusFuro",
    "guinea pig": "CaviaPorcellus",
    "rat": "RattusNorvegicus",
    "mouse": "MusMusculus",
    "horse": "EquusCaballus",
    "pig": "SusScrofa",
    "sheep": "OvisAries",
    "goat": "CapraHircus",
    "cattle": "BosTaurus",
    "parrot": "=Psittaciformes",
    "tortoise": "=Testudinidae",
    "turtle": "=Testudines",
    "lizard": "=Lacertilia",
    "snake": "=Serpentes",
}
_SYNONYMS = {
    "canine": "dog", "feline": "cat", "cavy": "guinea pig", "guineapig": "guinea pig",
    "cow": "cattle", "bovine": "cattle", "equine": "horse", "porcine": "pig",
}
#: The common names :func:`species_from_name` knows.
KNOWN_SPECIES = tuple(_SPECIES)

#: Word a breed's meaning carries in CID 7480, per species.
_BREED_NOUN = {
    "dog": "dog", "cat": "cat", "rabbit": "rabbit", "horse": "horse", "pig": "pig",
    "sheep": "sheep", "goat": "goat", "cattle": "cattle",
}
_BREED_SUFFIX = re.compile(r"(,)?\s+(dog|cat|rabbit|horse|pig|sheep|goat|cattle|chicken)?\s*(breed)?$")


def _sct(keyword: str) -> Code:
    from pydicom.sr.codedict import codes

    concept = getattr(codes.SCT, keyword)
    return Code(value=str(concept.value), scheme=str(concept.scheme_designator), meaning=str(concept.meaning))


def species_from_name(name: str) -> Species:
    """The species for a common name such as ``"dog"`` or ``"Guinea pig"``.

    Raises
    ------
    UserInputError
        The name is not one vetmri knows.
    """
    key = " ".join(name.lower().split())
    key = _SYNONYMS.get(key, key)
    entry = _SPECIES.get(key)
    if entry is None:
        raise UserInputError(
            f"{name!r} is not a species vetmri knows; use one of {', '.join(KNOWN_SPECIES)}."
        )
    if entry.startswith("="):
        return Species(description=entry[1:], code=None, common_name=key)
    code = _sct(entry)
    return Species(description=code.meaning, code=code, common_name=key)


def species_by_code(code: Code | None, description: str = "") -> Species:
    """The species of a code (and description) read back from a DICOM file."""
    if code is not None:
        for common, entry in _SPECIES.items():
            if not entry.startswith("=") and _sct(entry).value == code.value and code.scheme == "SCT":
                return Species(description=description or code.meaning, code=code, common_name=common)
    for common, entry in _SPECIES.items():
        meaning = entry[1:] if entry.startswith("=") else _sct(entry).meaning
        if description and description.lower() in (meaning.lower(), common):
            return Species(description=description, code=code, common_name=common)
    return Species(description=description or (code.meaning if code else ""), code=code, common_name="")


def _normalise_breed(text: str) -> str:
    return _BREED_SUFFIX.sub("", " ".join(text.lower().split())).strip(" ,")


@lru_cache(maxsize=1)
def breed_index() -> dict[str, tuple[Code, ...]]:
    """Every CID 7480 breed: its normalised name -> the codes of that name (one per species)."""
    from pydicom.sr._cid_dict import cid_concepts

    index: dict[str, list[Code]] = {}
    for keyword in cid_concepts[7480]["SCT"]:
        code = _sct(keyword)
        index.setdefault(_normalise_breed(code.meaning), []).append(code)
    return {name: tuple(found) for name, found in index.items()}


def breed_code(species: Species, breed: str) -> Code | None:
    """The CID 7480 code of ``breed`` for ``species``, or None when DICOM has none.

    ``"Labrador retriever"`` (or ``"Labrador"``, an alias or unambiguous beginning; see
    :func:`vetmri.dicom.breeds.match_breed`) for a dog finds "Labrador retriever dog
    breed"; a name that several species share (Siamese cat, Siamese pig) is resolved by
    the species.
    """
    from vetmri.dicom.breeds import match_breed

    if not breed.strip():
        return None
    return match_breed(species.common_name or species.description, breed).code
