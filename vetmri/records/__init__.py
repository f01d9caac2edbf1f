"""The local pet record store (owners, pets, studies, series, PACS send queue) on TinyDB.

Other packages use this API and never TinyDB itself:

- :func:`vetmri.records.store.open_store` / :class:`~vetmri.records.store.RecordStore`:
  owners and pets (:mod:`~vetmri.records.pets`), studies and series
  (:mod:`~vetmri.records.studies`), the PACS send queue (:mod:`~vetmri.records.sendqueue`);
- :mod:`vetmri.records.models`: the frozen records (``Owner``, ``Pet``, ``Study``,
  ``Series``, ``SendJob``, ``SearchHit``, ``StudyContext``);
- :func:`vetmri.records.integrity.verify_store`, :mod:`vetmri.records.backups`,
  :mod:`vetmri.records.export`, :mod:`vetmri.records.views` (plain data for front ends).

The storage underneath (:mod:`~vetmri.records.journal`, :mod:`~vetmri.records.tinytable`)
is crash-safe and shared safely by several processes; see ``docs/records.md``.
This module imports nothing, so importing a submodule stays cheap.
"""
