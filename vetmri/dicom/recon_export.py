"""Reconstruct a raw exam file into DICOM series of a pet, registered in the records.

:func:`write_raw_as_dicom` is what ``vetmri recon RAW.h5 --format dicom --pet P-...``
runs: it finds or creates the pet's study (a study the worklist planned keeps its Study
Instance UID and accession), reconstructs every series group, writes one MR series per
image volume into the study folder (or another folder) and registers each series with
its key parameters, raw file, DICOM folder and image count. A series that cannot be
reconstructed or written (its raw data lack what DICOM needs) is reported by name in
:attr:`RawExportResult.not_written` while the others are written; only when none can be
written is that an error.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import OperationFailedError, UserInputError

if TYPE_CHECKING:
    from vetmri.dicom.study import Equipment
    from vetmri.records.models import Study as StudyRecord
    from vetmri.records.store import RecordStore
    from vetmri.recon import ReconOptions

__all__ = ["RecordedSeries", "RawExportResult", "UnwrittenSeries", "check_same_animal", "guess_region",
           "write_raw_as_dicom", "write_series_images"]

#: Words in series names that name a body region of the protocols.
_REGION_WORDS = (
    ("nasal", "nasal_cavity"), ("brain", "brain"), ("head", "brain"), ("cervical", "cervical_spine"),
    ("thoracolumbar", "thoracolumbar_spine"), ("lumbar", "thoracolumbar_spine"), ("spine", "thoracolumbar_spine"),
    ("stifle", "stifle"), ("knee", "stifle"), ("coelom", "coelom"), ("abdomen", "coelom"),
)


@dataclass(frozen=True)
class RecordedSeries:
    """One DICOM series written and registered.

    Attributes
    ----------
    series_id : str
        The series record (``SE-000042``).
    group : str
        The raw file's series group it came from.
    number : int
        Series Number.
    description : str
        Series Description.
    folder : Path
        Where its files are.
    image_count : int
        Files written.
    series_instance_uid : str
    """

    series_id: str
    group: str
    number: int
    description: str
    folder: Path
    image_count: int
    series_instance_uid: str


@dataclass(frozen=True)
class UnwrittenSeries:
    """A series group that could not be written, and why.

    Attributes
    ----------
    group : str
        The raw file's series group.
    reason : str
        One sentence for the user.
    """

    group: str
    reason: str


@dataclass(frozen=True)
class RawExportResult:
    """What :func:`write_raw_as_dicom` did.

    Attributes
    ----------
    study : Study (records)
        The study the series belong to.
    study_created : bool
        False when a planned study (from the worklist) or a given one was used.
    raw_file : str
        The raw file as registered (relative to the data folder).
    series : tuple of RecordedSeries
    not_written : tuple of UnwrittenSeries
        Series groups that could not be written (the others were).
    """

    study: "StudyRecord"
    study_created: bool
    raw_file: str
    series: tuple[RecordedSeries, ...]
    not_written: tuple[UnwrittenSeries, ...] = ()


def guess_region(series_names: list[str]) -> str | None:
    """The body region the series names speak of (``"T2 brain tra"`` -> ``"brain"``), or None."""
    for name in series_names:
        words = re.split(r"[^a-z]+", name.lower())
        for word, region in _REGION_WORDS:
            if word in words:
                return region
    return None


def _study_for(store: "RecordStore", pet_id: str, study_id: str | None, region: str | None,
               names: list[str], recorded: list[str], raw: Path) -> tuple["StudyRecord", bool]:
    if study_id:
        study = store.study(study_id)
        if study.pet_id != store.pet(pet_id).id:
            raise UserInputError(f"Study {study.id} belongs to pet {study.pet_id}, not {pet_id}; check --pet and --study.")
        return study, False
    pet = store.pet(pet_id)
    holder = _study_holding(store, raw)
    if holder is not None:
        if holder.pet_id != pet.id:
            raise UserInputError(f"{raw} belongs to study {holder.id} of pet {holder.pet_id}, not to {pet.id}; check --pet.")
        return holder, False
    planned = [s for s in store.studies_of_pet(pet.id) if s.status in ("planned", "scanning", "acquired")]
    if planned:
        return planned[0], False
    region = region or next((r for r in recorded if r), None) or guess_region(names)
    if not region:
        raise UserInputError("The raw data do not name the body region; give it with --region (such as brain or cervical_spine).")
    return store.add_study(pet.id, region, status="acquired"), True


def _study_holding(store: "RecordStore", raw: Path) -> "StudyRecord | None":
    """The study whose folder holds ``raw``, or whose series already came from the same
    file (copied into its folder earlier): one exam is one study, filed once."""
    data_dir = store.data_dir.resolve()
    source = raw.resolve()
    if source.is_relative_to(data_dir):
        parts = source.relative_to(data_dir).parts
        if len(parts) >= 2 and parts[0] == "studies":
            return store.study_by_uid(parts[1])
    for study in store.list_studies():
        copy = store.data_dir / study.folder / "raw" / raw.name
        if copy.exists() and copy.stat().st_size == source.stat().st_size and \
                any(s.raw_file for s in store.series_of_study(study.id)):
            return study
    return None


#: How far (relative) the weight in a raw header may be from the pet's recorded weight.
WEIGHT_TOLERANCE = 0.35


def check_same_animal(header, pet, *, source: str) -> None:
    """Refuse raw data (or images) whose header names another species, or a weight far
    from the pet's record: images are never filed under an animal other than the one
    scanned.

    Raises
    ------
    UserInputError
        One sentence naming both animals.
    """
    from vetmri.protocols.species import load_species_catalog, normalise_species_name

    species = (header.species or "").strip()
    if species:
        try:
            scanned = load_species_catalog().find(species).name
        except UserInputError:
            scanned = normalise_species_name(species)
        if scanned != pet.species:
            raise UserInputError(f"{source} was scanned as a {scanned.replace('_', ' ')}, but {pet.id} ({pet.name}) is a "
                                 f"{pet.species.replace('_', ' ')}; choose the pet that was scanned (--pet).")
    weight = header.patient_weight_kg
    recorded = pet.weight_kg
    if weight and recorded and abs(weight - recorded) > WEIGHT_TOLERANCE * recorded:
        raise UserInputError(f"{source} was planned for {weight:g} kg, but {pet.id} ({pet.name}) weighs {recorded:g} kg; "
                             "choose the pet that was scanned (--pet), or record its new weight first.")


def write_series_images(
    images,
    *,
    store: "RecordStore",
    study: "StudyRecord",
    raw_file: str,
    uid_root: str,
    target_root: Path | None = None,
    equipment: "Equipment | None" = None,
    clinic: str = "",
    sample_time_s: float | None = None,
    context=None,
    number: int | None = None,
    description: str | None = None,
    extra_parameters: dict | None = None,
) -> list[RecordedSeries]:
    """Write the reconstructed images of one raw series as DICOM series of ``study`` and
    register each in the records (one DICOM series per image volume).

    Parameters
    ----------
    images : SeriesImages
        The reconstruction (its header names the sequence and the animal).
    raw_file : str
        The raw file as registered (relative to the data folder).
    target_root : Path, optional
        Folder of the series folders; by default ``<study folder>/dicom``.
    number : int, optional
        The Series Number of the first volume (the next free one by default).
    description : str, optional
        Series Description (the header's series name by default).
    extra_parameters : dict, optional
        Kept with the series record (e.g. the exam's series index).

    Raises
    ------
    UserInputError
        The header names another animal than the study's pet.
    OperationFailedError
        The files could not be written.
    """
    from vetmri.dicom.from_recon import acquisition_parameters, image_volume, key_parameters
    from vetmri.dicom.from_records import animal_patient, body_part_for_region, dicom_study, patient_position_code
    from vetmri.dicom.study import Series
    from vetmri.dicom.writer import series_folder_name, write_mr_series

    context = context or store.study_context(study.id)
    position = patient_position_code(context.study.position)
    header = images.header
    check_same_animal(header, context.pet, source=f"series '{images.group}'")
    patient = animal_patient(context, clinic=clinic)
    general = dicom_study(context.study)
    data_dir = store.data_dir.resolve()
    target_root = target_root if target_root is not None else store.data_dir / study.folder / "dicom"
    used = {s.number for s in store.series_of_study(study.id)}
    acquisition = acquisition_parameters(header, sample_time_s=sample_time_s)
    base_name = description or header.series_name or images.group
    volumes = [(volume, image_volume(volume)) for volume in images.volumes]  # refuse before writing any
    recorded = []
    for volume, dicom_volume in volumes:
        wanted = number if number is not None and number not in used and not recorded else max(used, default=0) + 1
        used.add(wanted)
        suffix = (f" echo {volume.contrast + 1}" if len(images.volumes) > 1 and volume.contrast else "") + \
                 (f" rep {volume.repetition + 1}" if volume.repetition else "")
        series_description = (base_name + suffix)[:64]
        series = Series(
            number=wanted, description=series_description, body_part=body_part_for_region(study.region),
            acquisition=acquisition if not volume.contrast else _with_echo(acquisition, volume.echo_time_s),
            protocol_name=(header.series_name or base_name)[:64], patient_position=position,
        )
        folder = target_root / series_folder_name(series)
        written = write_mr_series(patient, general, series, dicom_volume, folder,
                                  uid_root=uid_root, equipment=equipment)
        resolved = folder.resolve()
        dicom_folder = resolved.relative_to(data_dir).as_posix() if resolved.is_relative_to(data_dir) else ""
        record = store.add_series(
            study.id, series_description, number=wanted, parameters={**key_parameters(header), **(extra_parameters or {})},
            series_uid=written.series_instance_uid, raw_file=raw_file, dicom_folder=dicom_folder,
            image_count=len(written.paths),
        )
        recorded.append(RecordedSeries(record.id, images.group, wanted, series_description, folder,
                                       len(written.paths), written.series_instance_uid))
    return recorded


def _registered_raw(store: "RecordStore", raw: Path, study: "StudyRecord") -> str:
    """The raw file relative to the data folder; copied into the study folder when outside."""
    data_dir = store.data_dir.resolve()
    source = raw.resolve()
    if source.is_relative_to(data_dir):
        return source.relative_to(data_dir).as_posix()
    target = store.data_dir / study.folder / "raw" / raw.name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copy2(source, target)
    except OSError as exc:
        raise OperationFailedError(f"Could not copy {raw} into the study folder ({exc.strerror or exc}); check the disk.") from None
    return target.relative_to(store.data_dir).as_posix()


def write_raw_as_dicom(
    raw: Path,
    *,
    store: "RecordStore",
    pet_id: str,
    uid_root: str,
    region: str | None = None,
    study_id: str | None = None,
    out_dir: Path | None = None,
    groups: list[str] | None = None,
    options: "ReconOptions | None" = None,
    equipment: "Equipment | None" = None,
    clinic: str = "",
    on_progress: Callable[[str, str, float], None] | None = None,
) -> RawExportResult:
    """Reconstruct ``raw`` and write its series as DICOM images of the pet ``pet_id``.

    Parameters
    ----------
    raw : Path
        An MRD raw file (one group per series).
    store : RecordStore
        The records: the pet, its owner, the study and the series go here.
    pet_id : str
        The pet (``P-000042``).
    uid_root : str
        Settings ``dicom.uid_root``.
    region : str, optional
        Body region of a new study; by default the region the raw header records, else
        guessed from the series names.
    study_id : str, optional
        Add the series to this study; by default the pet's planned study (from the
        worklist) or a new one.
    out_dir : Path, optional
        Write the series folders here instead of ``<study folder>/dicom``; the records
        keep their folder only when it lies inside the data folder.
    groups : list of str, optional
        Only these series groups.
    on_progress : callable, optional
        ``(group, stage, fraction)`` while reconstructing.

    Raises
    ------
    UserInputError
        Unknown pet or study, unreadable raw data, no region, or no series could be
        written (a series that cannot be written while others can is listed in
        ``not_written`` instead).
    OperationFailedError
        The files could not be written.
    """
    from vetmri.rawdata import list_groups, read_series
    from vetmri.recon import ReconOptions, reconstruct_raw

    available = list_groups(raw)
    if not available:
        raise UserInputError(f"{raw} holds no MRD series groups; give a raw data file written by the scanner or another MRD tool.")
    for group in groups or []:
        if group not in available:
            raise UserInputError(f"{raw} has no series group '{group}' (groups: {', '.join(available)}).")
    chosen = groups or available
    raw_series, not_written = [], []
    for group in chosen:
        try:
            raw_series.append(read_series(raw, group))
        except UserInputError as exc:
            not_written.append(UnwrittenSeries(group, str(exc)))
    if not raw_series:
        raise UserInputError(" ".join(f.reason for f in not_written))
    scanned_pet = store.pet(pet_id)
    for series_raw in raw_series:  # before any study is made for it
        check_same_animal(series_raw.header, scanned_pet, source=f"{raw}, group '{series_raw.group}'")
    study, created = _study_for(store, pet_id, study_id, region, [s.header.series_name or s.group for s in raw_series],
                                [s.header.region for s in raw_series], raw)
    context = store.study_context(study.id)
    raw_file = _registered_raw(store, raw, study)
    target_root = out_dir if out_dir is not None else store.data_dir / study.folder / "dicom"
    recorded = []
    for series_raw in raw_series:
        progress = None if on_progress is None else (lambda stage, fraction, g=series_raw.group: on_progress(g, stage, fraction))
        try:
            images = reconstruct_raw(series_raw, options or ReconOptions(), progress)
            dwell = series_raw.acquisitions[0].sample_time_s if series_raw.acquisitions else None
            recorded += write_series_images(images, store=store, study=study, raw_file=raw_file, uid_root=uid_root,
                                            target_root=target_root, equipment=equipment, clinic=clinic,
                                            sample_time_s=dwell, context=context)
        except UserInputError as exc:
            not_written.append(UnwrittenSeries(series_raw.group, str(exc)))
    if not recorded:
        raise UserInputError(" ".join(f.reason for f in not_written))
    study = store.set_study_status(study.id, "reconstructed")
    return RawExportResult(study=study, study_created=created, raw_file=raw_file, series=tuple(recorded),
                           not_written=tuple(not_written))


def _with_echo(acquisition, echo_time_s: float):
    from dataclasses import replace

    return replace(acquisition, echo_time_s=echo_time_s) if echo_time_s > 0 else acquisition
