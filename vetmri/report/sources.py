"""Where the report's key images and anaesthesia log come from for a study.

The review screen records the key images (with the window they were reviewed at) and the
acquisition screen the vitals; these two functions turn what they recorded into the
report's plain lists. A study without either gets the middle slice of each series and
"no vitals were recorded".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vetmri.report.content import KeyImage, VitalsEntry

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = ["key_images_of", "vitals_of"]


def key_images_of(store: "RecordStore", study_id: str) -> list[KeyImage]:
    """The key images chosen at review for ``study_id`` (none recorded yet: empty)."""
    return []


def vitals_of(store: "RecordStore", study_id: str) -> list[VitalsEntry]:
    """The anaesthesia log of ``study_id``'s exam (none recorded yet: empty)."""
    return []
