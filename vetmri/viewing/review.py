"""What a review of a study offers: its series with images, and the pet's prior studies'.

The review screen of the terminal UI and any other reader (report, command line) use these
rules: which series can be shown, which prior series matches the one being read, how a
patient-frame position is said in veterinary terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = ["SeriesEntry", "first_to_read", "matching_prior", "position_words", "review_entries"]


@dataclass(frozen=True)
class SeriesEntry:
    """A series that has images on disk.

    Attributes
    ----------
    study_id : str
    study_date : date
    region : str
    series_id : str
    number : int
    description : str
    folder : Path
        Its DICOM folder (absolute).
    image_count : int
    prior : bool
        It belongs to another (earlier or later) study of the same pet.
    """

    study_id: str
    study_date: date
    region: str
    series_id: str
    number: int
    description: str
    folder: Path
    image_count: int
    prior: bool


def review_entries(store: "RecordStore", study_id: str) -> tuple[SeriesEntry, ...]:
    """The series of ``study_id`` with DICOM images, then those of the pet's other studies
    (newest study first).

    Raises
    ------
    UserInputError
        No such study.
    """
    study = store.study(study_id)
    studies = [study] + [s for s in store.studies_of_pet(study.pet_id) if s.id != study.id]
    entries = []
    for other in studies:
        for series in store.series_of_study(other.id):
            if not series.dicom_folder:
                continue
            entries.append(SeriesEntry(study_id=other.id, study_date=other.study_date, region=other.region,
                                       series_id=series.id, number=series.number, description=series.description,
                                       folder=store.data_dir / series.dicom_folder, image_count=series.image_count,
                                       prior=other.id != study.id))
    return tuple(entries)


def first_to_read(entries: Sequence[SeriesEntry]) -> SeriesEntry | None:
    """The series a review opens with: the study's first one that is not a localizer."""
    own = [e for e in entries if not e.prior]
    readable = [e for e in own if "localizer" not in e.description.lower() and "scout" not in e.description.lower()]
    return (readable or own or [None])[0]


def _words(description: str) -> set[str]:
    return {w for w in description.lower().replace("-", " ").split() if not w.startswith("(")}


def matching_prior(entries: Sequence[SeriesEntry], current: SeriesEntry) -> SeriesEntry | None:
    """The prior series to show beside ``current``: of the newest prior study with one, the
    series whose description shares most words with it (same sequence and plane first)."""
    priors = [e for e in entries if e.prior and e.study_id != current.study_id]
    if not priors:
        return None
    wanted = _words(current.description)
    return max(priors, key=lambda e: (len(wanted & _words(e.description)), e.study_date, -e.number))


def position_words(point_mm: Sequence[float]) -> str:
    """A patient-frame point in veterinary terms: ``"L 12.3 D 4.5 Cr 0.0 mm"``."""
    x, y, z = (float(v) for v in np.asarray(point_mm, dtype=float))
    return f"{'L' if x >= 0 else 'R'} {abs(x):.1f} {'D' if y >= 0 else 'V'} {abs(y):.1f} {'Cr' if z >= 0 else 'Cd'} {abs(z):.1f} mm"
