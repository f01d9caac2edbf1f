"""Breed names as people type them, matched to the DICOM breed table (CID 7480).

The front desk types "Labrador", "GSD" or "DSH"; the table says "Labrador retriever dog
breed", "German shepherd dog", "Domestic shorthaired cat". :func:`match_breed` finds the
entry by its name, a common alias or an unambiguous beginning, restricted to the pet's
species, and otherwise offers the closest names and says that the breed stays free text
(the images then carry the description but no breed code).

Examples
--------
>>> match_breed("dog", "Labrador").name                    # doctest: +SKIP
'Labrador retriever'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vetmri.dicom.patient import Code

__all__ = ["BREED_ALIASES", "BreedMatch", "match_breed"]

#: Names clinics use for a breed -> the CID 7480 name (normalised as by ``_normalise``).
BREED_ALIASES = {
    "lab": "labrador retriever",
    "labrador": "labrador retriever",
    "golden": "golden retriever",
    "gsd": "german shepherd",
    "alsatian": "german shepherd",
    "german shepherd dog": "german shepherd",
    "frenchie": "french bulldog",
    "yorkie": "yorkshire terrier",
    "westie": "west highland white terrier",
    "staffie": "staffordshire bull terrier",
    "staffy": "staffordshire bull terrier",
    "cavalier": "cavalier king charles spaniel",
    "ckcs": "cavalier king charles spaniel",
    "dobermann": "doberman pinscher",
    "doberman": "doberman pinscher",
    "english bulldog": "english bulldog",
    "dsh": "domestic shorthaired",
    "domestic shorthair": "domestic shorthaired",
    "dlh": "domestic longhaired",
    "domestic longhair": "domestic longhaired",
    "dmh": "domestic medium-haired",
    "domestic medium hair": "domestic medium-haired",
    "bsh": "british shorthaired",
    "british shorthair": "british shorthaired",
    "crossbreed": "mixed breed",
    "cross breed": "mixed breed",
    "mixed": "mixed breed",
    "mongrel": "mixed breed",
    "moggy": "domestic shorthaired",
}

#: The word CID 7480 meanings carry for each species of the records.
_NOUNS = {"dog": "dog", "cat": "cat", "rabbit": "rabbit", "horse": "horse", "pig": "pig",
          "sheep": "sheep", "goat": "goat", "cattle": "cattle"}
_SUFFIX = re.compile(r"(,)?\s+(dog|cat|rabbit|horse|pig|sheep|goat|cattle|chicken)?\s*(breed)?$", re.IGNORECASE)
_MAX_CANDIDATES = 6
#: Shortest beginning of a name taken as that name.
_MIN_PREFIX = 4


@dataclass(frozen=True)
class BreedMatch:
    """What a typed breed name became.

    Attributes
    ----------
    typed : str
        The text as typed (trimmed).
    name : str
        The name to store: the table's name when matched, else the text as typed.
    code : Code or None
        The CID 7480 code when matched.
    candidates : tuple of str
        Table names close to the text when it matched none (or several).
    note : str
        One sentence for the person typing ("" when the name was the table's already).
    """

    typed: str
    name: str
    code: Code | None
    candidates: tuple[str, ...] = ()
    note: str = ""

    @property
    def matched(self) -> bool:
        return self.code is not None


def _normalise(text: str) -> str:
    return _SUFFIX.sub("", " ".join(text.lower().split())).strip(" ,")


def _display(meaning: str) -> str:
    return _SUFFIX.sub("", meaning.strip()).strip(" ,")


@lru_cache(maxsize=16)
def _names_for(noun: str) -> dict[str, tuple[str, Code]]:
    """Normalised name -> (display name, code) of the breeds of one species."""
    from vetmri.dicom.codes import breed_index

    others = set(_NOUNS.values()) - {noun}
    names: dict[str, tuple[str, Code]] = {}
    for key, codes in breed_index().items():
        own = [c for c in codes if noun in c.meaning.lower().split()]
        neutral = [c for c in codes if not others.intersection(c.meaning.lower().split())]
        chosen = own or neutral
        if len(chosen) == 1:
            names[key] = (_display(chosen[0].meaning), chosen[0])
    return names


def match_breed(species: str, text: str) -> BreedMatch:
    """Match a typed breed to CID 7480 for a pet of ``species`` (a records species name).

    Parameters
    ----------
    species : str
        ``"dog"``, ``"cat"``, ``"guinea_pig"``, ...
    text : str
        The breed as typed.

    Returns
    -------
    BreedMatch
        Matched (by name, alias or the one name that begins so), or free text with up to
        six candidates and a note saying the images will carry no breed code.
    """
    typed = " ".join(text.split())
    if not typed:
        return BreedMatch("", "", None)
    noun = _NOUNS.get(species.replace("_", " ").lower())
    if noun is None:
        return BreedMatch(typed, typed, None, (), f"DICOM has no breed table for a {species.replace('_', ' ')}, "
                          "so the breed is kept as free text.")
    names = _names_for(noun)
    key = _normalise(typed)
    key = BREED_ALIASES.get(key, key)
    if key in names:
        name, code = names[key]
        note = "" if _normalise(name) == _normalise(typed) else f"The breed {typed!r} is recorded as {name!r} of the DICOM breed table."
        return BreedMatch(typed, name, code, (), note)
    starting = sorted(k for k in names if k.startswith(key)) if len(key) >= _MIN_PREFIX else []
    if len(starting) == 1:
        name, code = names[starting[0]]
        return BreedMatch(typed, name, code, (), f"The breed {typed!r} is recorded as {name!r} of the DICOM breed table.")
    words = set(key.split())
    close = starting or sorted(k for k in names if words & set(k.replace("-", " ").split()))
    candidates = tuple(names[k][0] for k in sorted(close, key=len)[:_MAX_CANDIDATES])
    hint = f"; did you mean {', '.join(candidates)}?" if candidates else "."
    return BreedMatch(
        typed, typed, None, candidates,
        f"The breed {typed!r} is not in the DICOM breed table, so it is kept as free text and the images get no breed code{hint}",
    )
