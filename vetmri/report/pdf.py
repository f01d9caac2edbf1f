"""The referring vet's report as an A4 PDF (reportlab's platypus), and page 1 as a PNG
(rendered from that PDF by PDFium through pypdfium2).

Black text on white, thin grey rules, grey-scale images with their captions under them:
it reads the same printed in black and white. A training case says so in the title and
in a banner on every page.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from vetmri.errors import OperationFailedError, UserInputError

if TYPE_CHECKING:
    from vetmri.report.content import ReportContent

__all__ = ["FORMATS", "render_pdf", "render_png", "write_report"]

FORMATS = (".pdf", ".png")
#: Resolution of the PNG of page 1 (an A4 page is then 1240 x 1754 pixels).
PNG_DPI = 150
_IMAGES_PER_ROW = 3
_TRAINING = "TRAINING CASE - simulated teaching data, not a real patient"


def _styles():
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=16, leading=19, spaceAfter=2, alignment=0),
        "sub": ParagraphStyle("sub", parent=base["Normal"], fontSize=9, leading=11, textColor="#333333"),
        "h": ParagraphStyle("h", parent=base["Heading3"], fontSize=11, leading=13, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("body", parent=base["Normal"], fontSize=9, leading=11.5),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontSize=8, leading=10),
        "caption": ParagraphStyle("caption", parent=base["Normal"], fontSize=7, leading=8.5, alignment=1),
        "banner": ParagraphStyle("banner", parent=base["Normal"], fontSize=10, leading=12, alignment=1,
                                 fontName="Helvetica-Bold"),
    }


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def _facts(rows, styles, width):
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(f"<b>{_escape(k)}</b>", styles["cell"]), Paragraph(_escape(v), styles["cell"])] for k, v in rows]
    table = Table(data, colWidths=[width * 0.36, width * 0.64])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1e3:g}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _series_table(content: "ReportContent", styles, width):
    from reportlab.platypus import Paragraph, Table, TableStyle

    head = ["#", "Series", "Sequence", "TR ms", "TE ms", "TI ms", "Flip", "ETL", "Matrix", "Images", "Scan"]
    data = [head]
    for s in content.series:
        data.append([str(s.number), Paragraph(_escape(s.description), styles["cell"]), s.sequence or "-", _ms(s.tr_s),
                     _ms(s.te_s), _ms(s.ti_s), "-" if s.flip_angle_deg is None else f"{s.flip_angle_deg:g}",
                     "-" if s.echo_train_length is None else str(s.echo_train_length), s.matrix or "-", str(s.images),
                     _duration(s.scan_time_s)])
    fractions = (0.04, 0.27, 0.1, 0.07, 0.07, 0.07, 0.06, 0.05, 0.11, 0.07, 0.09)
    table = Table(data, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, "#000000"), ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#999999"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _image_grid(content: "ReportContent", styles, width):
    from PIL import Image as PILImage
    from reportlab.platypus import Image, Paragraph, Table, TableStyle

    cell_w = width / _IMAGES_PER_ROW
    image_w = cell_w - 8
    cells = []
    for item in content.images:
        picture = PILImage.fromarray(item.pixels, mode="L")
        shown_w = image_w if item.aspect <= 1.3 else image_w * 1.3 / item.aspect  # tall images kept in the cell
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        buffer.seek(0)
        flowable = Image(buffer, width=shown_w, height=shown_w * item.aspect)
        label = ("Key image: " if item.key else "") + item.caption
        cells.append([flowable, Paragraph(_escape(label), styles["caption"])])
    rows = []
    for start in range(0, len(cells), _IMAGES_PER_ROW):
        chunk = cells[start:start + _IMAGES_PER_ROW]
        chunk += [["", ""]] * (_IMAGES_PER_ROW - len(chunk))
        rows.append([c[0] for c in chunk])
        rows.append([c[1] for c in chunk])
    table = Table(rows, colWidths=[cell_w] * _IMAGES_PER_ROW)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _vitals(content: "ReportContent", styles, width):
    from reportlab.platypus import Paragraph, Table, TableStyle

    labels: list[str] = []
    for entry in content.vitals:
        for label, _ in entry.readings:
            if label not in labels:
                labels.append(label)
    data = [["Time", *labels, "Note"]]
    for entry in content.vitals:
        values = dict(entry.readings)
        data.append([entry.time, *(values.get(label, "-") for label in labels), Paragraph(_escape(entry.note), styles["cell"])])
    first = 0.12
    rest = (1 - first - 0.3) / max(len(labels), 1)
    table = Table(data, colWidths=[width * first, *[width * rest] * len(labels), width * 0.3], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, "#000000"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#999999"), ("LEFTPADDING", (0, 0), (-1, -1), 2)]))
    return table


def render_pdf(content: "ReportContent") -> bytes:
    """The report as the bytes of an A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _styles()
    buffer = io.BytesIO()
    title = f"MRI report: {content.pet_name}, {content.exam_date.isoformat()}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=("[TRAINING] " if content.training else "") + title,
                            author=content.clinic, subject=f"{content.study_id} {content.region}", creator="vetmri")
    width = doc.width
    story = []
    if content.training:
        story += [Paragraph(_TRAINING, styles["banner"]), Spacer(1, 3)]
    story += [Paragraph(_escape(title), styles["title"]),
              Paragraph(_escape(f"{content.clinic} · station {content.station} · 0.2 T veterinary MRI"), styles["sub"]),
              HRFlowable(width="100%", thickness=0.8, color="#000000", spaceBefore=4, spaceAfter=4)]
    half = width / 2 - 4
    facts = Table([[_facts(content.pet, styles, half), _facts(content.exam, styles, half)],
                   [_facts(content.owner + content.referral, styles, half), ""]], colWidths=[half + 4, half + 4])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [facts, Paragraph("Series", styles["h"]), _series_table(content, styles, width)]
    story += [Paragraph("Images" if not any(i.key for i in content.images) else "Key images", styles["h"]),
              _image_grid(content, styles, width)]
    story += [KeepTogether([Paragraph("Technician's comment", styles["h"]),
                            Paragraph(_escape(content.comment or "No comment.").replace("\n", "<br/>"), styles["body"])])]
    story += [Paragraph("Anaesthesia log", styles["h"])]
    story += [_vitals(content, styles, width)] if content.vitals else [Paragraph("No vitals were recorded.", styles["body"])]

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        text = f"{content.study_id} · accession {content.accession} · page {document.page}"
        if content.training:
            text = "TRAINING CASE · " + text
        canvas.drawString(15 * mm, 8 * mm, text)
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def render_png(pdf: bytes, *, dpi: int = PNG_DPI) -> bytes:
    """Page 1 of a PDF as PNG bytes (for messaging apps)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72.0, grayscale=False)
        picture = bitmap.to_pil()
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG", optimize=True)
        page.close()
    finally:
        document.close()
    return buffer.getvalue()


def write_report(content: "ReportContent", out: Path) -> Path:
    """Write the report to ``out``: a PDF for ``.pdf``, page 1 as an image for ``.png``.

    Raises
    ------
    UserInputError
        Another file type.
    OperationFailedError
        The file cannot be written.
    """
    from vetmri.atomicfile import atomic_write_bytes

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UserInputError(f"The report is written as FILE.pdf or FILE.png, not {out.name!r}; name the file with one of those.")
    pdf = render_pdf(content)
    data = pdf if suffix == ".pdf" else render_png(pdf)
    try:
        atomic_write_bytes(out, data)
    except OSError as exc:
        raise OperationFailedError(f"Could not write the report {out} ({exc.strerror or exc}); check the folder.") from None
    return out
