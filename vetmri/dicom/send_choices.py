"""What the send / export screen offers for a study: its series with images, the PACS
nodes of the settings, and where an export would go (UI-free; the screen only shows it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["SendChoices", "SeriesChoice", "export_folder_for", "latest_study_with_images", "send_choices"]


@dataclass(frozen=True)
class SeriesChoice:
    """A series that can be sent: ``series_id``, Series Number, description, images."""

    series_id: str
    number: int
    description: str
    images: int


@dataclass(frozen=True)
class SendChoices:
    """A study ready to leave the workstation.

    Attributes
    ----------
    study_id : str
    title : str
        ``Rex (dog) · S-000003 brain 2026-03-14``.
    series : tuple of SeriesChoice
        The series with DICOM files, by Series Number.
    nodes : tuple of str
        The PACS node names of the settings (auto-send nodes first).
    export_folder : str
        A suggested export folder (a new folder under ``<data>/exports``).
    """

    study_id: str
    title: str
    series: tuple[SeriesChoice, ...]
    nodes: tuple[str, ...]
    export_folder: str


def latest_study_with_images(store: "RecordStore") -> str | None:
    """The newest study that has DICOM series (what the palette's entry opens), or None."""
    studies = sorted(store.list_studies(), key=lambda s: (s.study_date, s.created_at, s.id), reverse=True)
    for study in studies:
        if any(s.dicom_folder for s in store.series_of_study(study.id)):
            return study.id
    return None


def export_folder_for(store: "RecordStore", study_id: str) -> Path:
    """``<data>/exports/<study id>`` (``-2``, ``-3``... when that one holds files)."""
    base = store.data_dir / "exports" / study_id
    candidate, n = base, 1
    while candidate.exists() and any(candidate.iterdir()):
        n += 1
        candidate = base.with_name(f"{study_id}-{n}")
    return candidate


def send_choices(store: "RecordStore", settings: "Settings", study_id: str) -> SendChoices:
    """The study's series, the nodes and an export folder.

    Raises
    ------
    UserInputError
        No such study.
    """
    study = store.study(study_id)
    pet = store.pet(study.pet_id)
    series = tuple(SeriesChoice(s.id, s.number, s.description, s.image_count)
                   for s in sorted(store.series_of_study(study.id), key=lambda s: s.number) if s.dicom_folder)
    nodes = tuple(n.name for n in sorted(settings.pacs, key=lambda n: (not n.auto_send, n.name)))
    title = f"{pet.name} ({pet.species}) · {study.id} {study.region} {study.study_date}"
    return SendChoices(study.id, title, series, nodes, str(export_folder_for(store, study.id)))
