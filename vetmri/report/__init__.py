"""The report for the referring vet: an A4 PDF (or its first page as a PNG) of one study.

::

    from vetmri.report import gather_report, write_report

    content = gather_report(store, settings, "S-000042", comment="Moved during FLAIR.")
    write_report(content, Path("rex.pdf"))       # or rex.png: page 1 for messaging apps

:func:`gather_report` reads the records and the DICOM files (key images with the window
they were reviewed at, else the middle slice of each series); :func:`write_report` lays
it out with reportlab and renders the PNG with pypdfium2. This package owns both
libraries; it needs no UI.
"""

from vetmri.report.content import KeyImage, ReportContent, ReportImage, ReportSeries, VitalsEntry, age_text, gather_report
from vetmri.report.pdf import FORMATS, render_pdf, render_png, write_report

__all__ = [
    "FORMATS",
    "KeyImage",
    "ReportContent",
    "ReportImage",
    "ReportSeries",
    "VitalsEntry",
    "age_text",
    "gather_report",
    "render_pdf",
    "render_png",
    "write_report",
]
