"""Write a reconstructed volume as an MR Image Storage series of an animal patient.

One file per slice (``IM00001.dcm``...), Explicit VR Little Endian, each written
atomically: a crash never leaves a half-written image. UIDs derive from the study key,
the series number and the instance number (:mod:`vetmri.dicom.uids`), so writing the
series again replaces the same instances instead of making new ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filebase import DicomBytesIO
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage

from vetmri import __version__
from vetmri.atomicfile import atomic_write_bytes, make_folders
from vetmri.dicom import uids
from vetmri.dicom.geometry import patient_plane_geometry
from vetmri.dicom.image_modules import add_image, add_series_modules
from vetmri.dicom.patient import AnimalPatient
from vetmri.dicom.patient_modules import (
    add_patient_module,
    add_study_modules,
    dicom_date,
    dicom_time,
    patient_texts,
    specific_character_set,
)
from vetmri.dicom.pixels import scale_to_stored
from vetmri.dicom.study import Equipment, Series, Study
from vetmri.dicom.volume import ImageVolume
from vetmri.errors import OperationFailedError

__all__ = ["WrittenSeries", "build_mr_datasets", "implementation_class_uid", "series_folder_name", "write_mr_series"]

IMPLEMENTATION_VERSION_NAME = f"VETMRI_{__version__}"[:16]


def implementation_class_uid() -> str:
    """Implementation Class UID of this vetmri version (the same in every clinic)."""
    return uids.make_uid("2.25", "vetmri implementation", __version__)


@dataclass(frozen=True)
class WrittenSeries:
    """What :func:`write_mr_series` wrote.

    Attributes
    ----------
    study_instance_uid, series_instance_uid, frame_of_reference_uid : str
        The UIDs of the series.
    sop_instance_uids : tuple of str
        One per slice, in slice order.
    paths : tuple of Path
        The files, in slice order.
    """

    study_instance_uid: str
    series_instance_uid: str
    frame_of_reference_uid: str
    sop_instance_uids: tuple[str, ...]
    paths: tuple[Path, ...]


def series_folder_name(series: Series) -> str:
    """A folder name for the series: ``S003_T2_TSE_sag`` (portable characters only)."""
    words = re.sub(r"[^A-Za-z0-9]+", "_", series.description).strip("_")[:40]
    return f"S{series.number:03d}" + (f"_{words}" if words else "")


def build_mr_datasets(
    patient: AnimalPatient,
    study: Study,
    series: Series,
    volume: ImageVolume,
    *,
    uid_root: str,
    equipment: Equipment | None = None,
    created: datetime | None = None,
) -> list[Dataset]:
    """The MR Image Storage datasets of one series, one per slice (file meta included).

    Parameters
    ----------
    patient, study, series : AnimalPatient, Study, Series
        Who, which exam, which series.
    volume : ImageVolume
        Magnitude images of shape (S, R, C) with their scanner-frame geometry.
    uid_root : str
        Settings ``dicom.uid_root``.
    equipment : Equipment, optional
        Scanner and workstation identity.
    created : datetime, optional
        Instance creation time; by default the series time (so rewriting is byte-stable).

    Returns
    -------
    list of Dataset
        S datasets in slice order.
    """
    equipment = equipment or Equipment()
    when = series.date_time or study.date_time
    created = created or when
    study_instance_uid = study.instance_uid or uids.study_uid(uid_root, study.key)
    series_instance_uid = uids.series_uid(uid_root, study.key, series.number)
    frame_uid = uids.frame_of_reference_uid(uid_root, study.key)
    plane = patient_plane_geometry(volume, series.patient_position)
    scaled = scale_to_stored(volume.pixels)
    charset = specific_character_set(
        patient_texts(patient, study)
        + [series.description, series.protocol_name, equipment.institution_name, equipment.station_name]
    )
    datasets = []
    for index in range(volume.shape[0]):
        sop_instance_uid = uids.instance_uid(uid_root, study.key, series.number, index + 1)
        ds = Dataset()
        if charset:
            ds.SpecificCharacterSet = charset
        ds.SOPClassUID = MRImageStorage
        ds.SOPInstanceUID = sop_instance_uid
        ds.InstanceCreationDate = dicom_date(created.date())
        ds.InstanceCreationTime = dicom_time(created)
        add_patient_module(ds, patient, study.date_time.date())
        add_study_modules(ds, study, study_instance_uid)
        add_series_modules(ds, series, series_instance_uid, frame_uid, equipment, when)
        add_image(ds, series, plane, scaled, index, when)
        ds.file_meta = _file_meta(sop_instance_uid)
        datasets.append(ds)
    return datasets


def _file_meta(sop_instance_uid: str) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = sop_instance_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = implementation_class_uid()
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return meta


def dataset_bytes(ds: Dataset) -> bytes:
    """``ds`` encoded as a DICOM Part 10 file (preamble, meta, dataset)."""
    buffer = DicomBytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def write_mr_series(
    patient: AnimalPatient,
    study: Study,
    series: Series,
    volume: ImageVolume,
    series_dir: Path,
    *,
    uid_root: str,
    equipment: Equipment | None = None,
) -> WrittenSeries:
    """Write one series as ``IM00001.dcm``... into ``series_dir``.

    Parameters are those of :func:`build_mr_datasets`; ``series_dir`` is created.

    Raises
    ------
    OperationFailedError
        The folder or a file could not be written.
    """
    datasets = build_mr_datasets(patient, study, series, volume, uid_root=uid_root, equipment=equipment)
    paths = []
    try:
        make_folders(series_dir)  # durable: a power cut cannot take a written series' folder away
        for index, ds in enumerate(datasets):
            path = series_dir / f"IM{index + 1:05d}.dcm"
            atomic_write_bytes(path, dataset_bytes(ds), mode=0o644)
            paths.append(path)
    except OSError as exc:
        raise OperationFailedError(
            f"Could not write the DICOM series to {series_dir} ({exc.strerror or exc}); check the disk and its permissions."
        ) from None
    first = datasets[0]
    return WrittenSeries(
        study_instance_uid=str(first.StudyInstanceUID),
        series_instance_uid=str(first.SeriesInstanceUID),
        frame_of_reference_uid=str(first.FrameOfReferenceUID),
        sop_instance_uids=tuple(str(ds.SOPInstanceUID) for ds in datasets),
        paths=tuple(paths),
    )
