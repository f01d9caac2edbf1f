"""The Textual terminal UI for clinic staff: a thin layer over the core.

Screens (``screens/``, one per file, each with its ``.tcss`` beside it) and widgets
(``widgets/``) only show what the core computes and call it for every action: records
(:mod:`vetmri.records`), plans (:mod:`vetmri.protocols.draft`), settings
(:mod:`vetmri.settings`) and the DICOM network (:mod:`vetmri.dicom`). Work that touches
disk, network or numpy runs in thread workers that post messages back.
"""
