"""Our own stable identifiers: record ids, DICOM Patient IDs, Study Instance UIDs, accessions.

Record ids are a letter prefix and a number that a per-store counter hands out inside the
writing transaction, so they never collide between processes and are never reused after
a delete or a merge. The number is also the TinyDB document id.
"""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import date

from vetmri.errors import UserInputError

__all__ = [
    "PREFIXES",
    "format_id",
    "new_accession",
    "new_site_code",
    "new_study_uid",
    "parse_id",
    "patient_id_for",
]

#: Table -> id prefix.
PREFIXES = {"owners": "O", "pets": "P", "studies": "S", "series": "SE", "sends": "Q", "qa_results": "QA"}
_WHAT = {"owners": "owner", "pets": "pet", "studies": "study", "series": "series", "sends": "send job",
         "qa_results": "QA result"}
_SITE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
_UID_MAX = 64


def format_id(table: str, number: int) -> str:
    """The id shown to people, ``P-000042``."""
    return f"{PREFIXES[table]}-{number:06d}"


def parse_id(table: str, text: str) -> int:
    """The number of an id typed as ``P-000042``, ``p42`` or ``42``.

    Raises
    ------
    UserInputError
        Not an id of that kind.
    """
    prefix = PREFIXES[table]
    match = re.fullmatch(rf"(?:{prefix}-?)?0*(\d{{1,12}})", str(text).strip(), flags=re.IGNORECASE)
    if not match or int(match.group(1)) == 0:
        raise UserInputError(
            f"{text!r} is not a {_WHAT[table]} id; {_WHAT[table]} ids look like {prefix}-000042."
        )
    return int(match.group(1))


def new_site_code() -> str:
    """Four random letters and digits naming this store in its Patient IDs."""
    return "".join(secrets.choice(_SITE_ALPHABET) for _ in range(4))


def patient_id_for(site: str, number: int) -> str:
    """The DICOM Patient ID of pet ``number`` (``VET-K7QD-000042``, at most 64 characters)."""
    return f"VET-{site}-{number:06d}"


def new_study_uid(uid_root: str) -> str:
    """A new Study Instance UID under ``uid_root`` (``2.25`` takes a whole UUID)."""
    digits = str(uuid.uuid4().int)
    if uid_root == "2.25":
        return f"2.25.{digits}"
    room = _UID_MAX - len(uid_root) - 1
    return f"{uid_root}.{digits[:room]}"


def new_accession(day: date, number: int) -> str:
    """An accession number for study ``number`` made on ``day`` (at most 16 characters)."""
    return f"VM{day:%y%m%d}{number:06d}"[:16]
