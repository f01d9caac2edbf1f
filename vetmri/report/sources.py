"""Where the report's key images and anaesthesia log come from for a study: the key
images marked at review (:mod:`vetmri.records.key_images`) and the vitals logged during
the exam (:mod:`vetmri.records.vitals`), turned into the report's plain lists. A study
without key images gets the middle slice of each series; one without vitals says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vetmri.report.content import KeyImage, VitalsEntry

if TYPE_CHECKING:
    from vetmri.records.store import RecordStore

__all__ = ["key_images_of", "vitals_of"]

#: Report column, format of the value.
_VITALS = (("heart_rate_bpm", "HR", "{:g} /min"), ("spo2_percent", "SpO2", "{:g} %"),
           ("etco2_mmhg", "EtCO2", "{:g} mmHg"), ("temperature_c", "Temp", "{:g} °C"))


def key_images_of(store: "RecordStore", study_id: str) -> list[KeyImage]:
    """The key images marked at review for ``study_id``, by series and instance number.

    The review does not record its window yet: each key image is printed with the window
    its DICOM file carries.
    """
    from vetmri.records.key_images import key_images

    by_uid = {s.series_uid: s.id for s in store.series_of_study(study_id) if s.series_uid and s.dicom_folder}
    return [KeyImage(by_uid[k.series_uid], -1, sop_instance_uid=k.sop_instance_uid, note=k.note)
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
