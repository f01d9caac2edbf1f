"""Where the report's key images and anaesthesia log come from for a study: the key
images marked at review (:mod:`vetmri.records.key_images`) and the vitals logged during
the exam (:mod:`vetmri.records.vitals`), turned into the report's plain lists. A study
without key images gets the middle slice of each series; one without vitals says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.report.content import KeyImage, ReportContent, VitalsEntry

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore
    from vetmri.settings import Settings

__all__ = ["default_report_path", "key_images_of", "study_report", "vitals_of"]

#: Report column, format of the value.
_VITALS = (("heart_rate_bpm", "HR", "{:g} /min"), ("spo2_percent", "SpO2", "{:g} %"),
           ("etco2_mmhg", "EtCO2", "{:g} mmHg"), ("temperature_c", "Temp", "{:g} °C"))


def key_images_of(store: "RecordStore", study_id: str) -> list[KeyImage]:
    """The key images marked at review for ``study_id``, by series and instance number,
    with the window they were shown at when marked (one marked without it is printed with
    the window its DICOM file carries).
    """
    from vetmri.records.key_images import key_images

    by_uid = {s.series_uid: s.id for s in store.series_of_study(study_id) if s.series_uid and s.dicom_folder}
    return [KeyImage(by_uid[k.series_uid], -1, window_center=k.window_center, window_width=k.window_width,
                     sop_instance_uid=k.sop_instance_uid, note=k.note)
            for k in key_images(store, study_id) if k.series_uid in by_uid]


def vitals_of(store: "RecordStore", study_id: str) -> list[VitalsEntry]:
    """The anaesthesia log of ``study_id``'s exam, oldest first (local times)."""
    from vetmri.records.vitals import vitals_of_study

    entries = []
    for signs in vitals_of_study(store, study_id):
        readings = tuple((label, form.format(getattr(signs, key))) for key, label, form in _VITALS
                         if getattr(signs, key) is not None)
        note = "; ".join(x for x in (signs.note, signs.operator) if x)
        entries.append(VitalsEntry(signs.moment.astimezone().strftime("%H:%M"), readings, note))
    return entries


def default_report_path(store: "RecordStore", study_id: str) -> Path:
    """Where a study's report goes unless told otherwise: ``report-S-000042.pdf`` in the
    study's folder."""
    study = store.study(study_id)
    return store.study_folder(study.id) / f"report-{study.id}.pdf"


def study_report(store: "RecordStore", settings: "Settings", study_ref: str, out: Path | None = None, *,
                 comment: str = "") -> tuple[ReportContent, Path]:
    """Gather and write the report of a study with its key images and anaesthesia log.

    ``out`` ending in ``.png`` gives page 1 as an image, else a PDF; None: the default path
    (:func:`default_report_path`). Returns what the report says and the file written.

    Raises
    ------
    UserInputError
        No such study, no images, or another file type than PDF or PNG.
    OperationFailedError
        The file cannot be written.
    """
    from vetmri.dicom.send_queue import find_study
    from vetmri.errors import UserInputError
    from vetmri.report.content import gather_report
    from vetmri.report.pdf import FORMATS, write_report

    study = find_study(store, study_ref)
    if out is None:
        out = default_report_path(store, study.id)
        out.parent.mkdir(parents=True, exist_ok=True)
    out = Path(out).expanduser()
    if out.suffix.lower() not in FORMATS:
        raise UserInputError(f"The report is written as FILE.pdf or FILE.png, not {out.name!r}; "
                             "name the file with one of those.")
    if not out.parent.is_dir():
        raise UserInputError(f"The folder {out.parent} does not exist; choose an existing folder for the report.")
    content = gather_report(store, settings, study.id, comment=comment,
                            key_images=key_images_of(store, study.id), vitals=vitals_of(store, study.id))
    return content, write_report(content, out)
