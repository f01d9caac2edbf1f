"""Key images: the images of a study the vet marked as showing the finding (they feed the
report and are listed by the command line).

They are kept with the study, in ``key_images.json`` in its folder, written atomically
(temporary file, fsync, rename) under the record store's exclusive lock, so two processes
marking images at once never lose one another's marks.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from vetmri.atomicfile import atomic_write_text
from vetmri.errors import UserInputError

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = ["KEY_IMAGES_FILE", "KeyImage", "key_images", "mark_key_image", "unmark_key_image"]

KEY_IMAGES_FILE = "key_images.json"


@dataclass(frozen=True)
class KeyImage:
    """One marked image.

    Attributes
    ----------
    study_id : str
        ``S-000042``.
    series_uid : str
        Series Instance UID.
    sop_instance_uid : str
        SOP Instance UID of the image.
    series_number, instance_number : int or None
    series_description : str
    dicom_file : str
        The image's DICOM file, relative to the data folder when inside it, else absolute.
    note : str
        What it shows, as typed (may be empty).
    marked_at : str
        ISO moment (UTC) it was marked.
    window_center, window_width : float or None
        The window/level it was shown with when marked (None: not recorded, as in files
        written before the review kept it; the report then uses the file's window).
    """

    study_id: str
    series_uid: str
    sop_instance_uid: str
    series_number: int | None = None
    instance_number: int | None = None
    series_description: str = ""
    dicom_file: str = ""
    note: str = ""
    marked_at: str = ""
    window_center: float | None = None
    window_width: float | None = None


def _read(store: "RecordStore", study_id: str) -> list[dict]:
    path = store.study_folder(study_id) / KEY_IMAGES_FILE
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8")).get("key_images", [])
    except (ValueError, AttributeError):
        raise UserInputError(f"{path} is damaged (not the key image list); restore it from a backup or delete it.") from None
    return [e for e in entries if isinstance(e, dict)]


def _write(store: "RecordStore", study_id: str, entries: list[dict]) -> None:
    path = store.study_folder(study_id) / KEY_IMAGES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps({"key_images": entries}, indent=1, ensure_ascii=False) + "\n")


def _window_value(value) -> float | None:
    try:
        number = None if value is None else float(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _from_doc(study_id: str, doc: dict) -> KeyImage:
    known = {k: doc[k] for k in KeyImage.__dataclass_fields__ if k in doc and k != "study_id"}
    for name in ("window_center", "window_width"):
        if name in known:
            known[name] = _window_value(known[name])
    return KeyImage(study_id=study_id, **known)


def _order(image: KeyImage) -> tuple:
    return (image.series_number is None, image.series_number or 0, image.instance_number or 0, image.sop_instance_uid)


def key_images(store: "RecordStore", study_id: str) -> tuple[KeyImage, ...]:
    """The study's key images, by series then instance number.

    Raises
    ------
    UserInputError
        No such study, or its key image file is damaged.
    """
    study = store.study(study_id)
    return tuple(sorted((_from_doc(study.id, d) for d in _read(store, study.id)), key=_order))


def mark_key_image(store: "RecordStore", study_id: str, *, series_uid: str, sop_instance_uid: str,
                   series_number: int | None = None, instance_number: int | None = None,
                   series_description: str = "", dicom_file: str = "", note: str = "",
                   window_center: float | None = None, window_width: float | None = None) -> KeyImage:
    """Mark an image of the study as a key image (marking it again replaces its entry, note
    and window included). ``window_center``/``window_width``: the window it was shown with.

    Raises
    ------
    UserInputError
        No such study, the image is not named by its UIDs, or a window that is not a
        finite centre with a positive width.
    """
    if not series_uid.strip() or not sop_instance_uid.strip():
        raise UserInputError("A key image needs its Series and SOP Instance UIDs; mark an image read from DICOM.")
    if (window_center is None) != (window_width is None):
        raise UserInputError("A key image's window needs both its centre and its width; give both or neither.")
    if window_center is not None and (_window_value(window_center) is None or _window_value(window_width) is None
                                      or float(window_width) <= 0):
        raise UserInputError(f"The window centre {window_center} / width {window_width} is not a finite centre with "
                             "a positive width; give the window the image was read at.")
    study = store.study(study_id)
    image = KeyImage(study_id=study.id, series_uid=series_uid.strip(), sop_instance_uid=sop_instance_uid.strip(),
                     series_number=series_number, instance_number=instance_number,
                     series_description=series_description.strip(), dicom_file=dicom_file, note=note.strip(),
                     marked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     window_center=None if window_center is None else float(window_center),
                     window_width=None if window_width is None else float(window_width))
    with store._storage.lock.exclusive():
        entries = [e for e in _read(store, study.id) if e.get("sop_instance_uid") != image.sop_instance_uid]
        doc = asdict(image)
        del doc["study_id"]
        entries.append(doc)
        _write(store, study.id, entries)
    return image


def unmark_key_image(store: "RecordStore", study_id: str, sop_instance_uid: str) -> bool:
    """Remove an image from the study's key images; False when it was not one."""
    study = store.study(study_id)
    with store._storage.lock.exclusive():
        entries = _read(store, study.id)
        kept = [e for e in entries if e.get("sop_instance_uid") != sop_instance_uid.strip()]
        if len(kept) == len(entries):
            return False
        _write(store, study.id, kept)
    return True
