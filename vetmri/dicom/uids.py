"""Stable UIDs under the configured root.

Every UID vetmri writes is derived from a name (a study key plus what the UID labels:
series number, instance number) by a name-based UUID (RFC 4122 version 5). Writing the
same study again therefore gives the same UIDs, and different names give different UIDs
with the certainty of a 122-bit hash.

Under the default root ``2.25`` (ISO/IEC 9834-8, no registration needed) the UID is
``2.25.<the UUID as a decimal number>``. Under a registered root of a clinic or vendor
the decimal UUID is cut to fit the 64 characters of a UID (at least 23 digits, about
76 bits, remain for a root of 40 characters). pydicom's ``generate_uid`` is not used for
this because it ignores the name under the ``2.25`` root.
"""

from __future__ import annotations

import re
import uuid

from vetmri.errors import UserInputError

__all__ = ["frame_of_reference_uid", "instance_uid", "make_uid", "series_uid", "study_uid"]

_NAMESPACE = uuid.UUID("6f1f3a4e-3c1b-5d0a-9c55-7d8e2f4b9a10")
_ROOT = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
_UUID_ROOT = "2.25"


def make_uid(root: str, *name_parts: object) -> str:
    """A UID under ``root`` derived from ``name_parts``.

    Parameters
    ----------
    root : str
        Dotted numeric root (settings ``dicom.uid_root``), at most 40 characters.
    *name_parts
        What the UID stands for; parts are joined unambiguously.

    Raises
    ------
    UserInputError
        ``root`` is not a usable UID root.
    """
    if not _ROOT.match(root) or len(root) > 40:
        raise UserInputError(f"The UID root {root!r} is not a dotted numeric root of at most 40 characters.")
    name = "\x1f".join(str(part).replace("\x1f", " ") for part in name_parts)
    digits = str(uuid.uuid5(_NAMESPACE, name).int)
    if root == _UUID_ROOT:
        return f"{root}.{digits}"
    digits = digits[: 64 - len(root) - 1]
    return f"{root}.{digits}"


def study_uid(root: str, study_key: str) -> str:
    """Study Instance UID of the study with our key ``study_key``."""
    return make_uid(root, "study", study_key)


def series_uid(root: str, study_key: str, series_number: int) -> str:
    """Series Instance UID of series ``series_number`` of the study."""
    return make_uid(root, "series", study_key, series_number)


def instance_uid(root: str, study_key: str, series_number: int, instance_number: int) -> str:
    """SOP Instance UID of image ``instance_number`` of the series."""
    return make_uid(root, "image", study_key, series_number, instance_number)


def frame_of_reference_uid(root: str, study_key: str) -> str:
    """Frame of Reference UID shared by the series of one exam (the animal is not moved)."""
    return make_uid(root, "frame", study_key)
