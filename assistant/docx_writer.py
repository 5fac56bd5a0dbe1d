"""DOCX output laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức và kỹ thuật trình bày văn bản hành chính).

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt body; the header is a borderless
two-column table (issuing body | Quốc hiệu and Tiêu ngữ), as on real plans, so it survives LibreOffice and Word alike.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from assistant.drafting import QUOC_HIEU, TIEU_NGU, Draft, is_subheading
from assistant.format_check.fixer import basis_lines, is_basis

FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _font(run, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _paragraph(container, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, after: float = 6):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Cm(1)
    _font(paragraph.add_run(text), size, bold=bold, italic=italic)
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _two_columns(document, left_cm: float, right_cm: float):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    for column, cell, width in zip(table.columns, table.rows[0].cells, (left_cm, right_cm)):
        column.width = cell.width = Cm(width)
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return table.rows[0].cells


def _centered(cell, text: str, size: float, *, bold: bool = False, italic: bool = False, after: float = 0):
    return _paragraph(cell, text, size=size, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER,
                      indent=False, after=after)


def _setup_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def write_docx(draft: Draft, path: str | Path) -> Path:
    """Write the draft as a DOCX file and return its path."""
    document = Document()
    _setup_page(document)
    head = draft.header

    left, right = _two_columns(document, 6.0, 10.0)
    for line in head.issuer_lines:
        _centered(left, line, 13, bold=True)
    _centered(left, "―――――", 13)
    _centered(left, head.number, 13)
    if draft.doc_type == "cong-van":  # trích yếu of a công văn: under the number, "V/v ...", 12 pt
        _centered(left, head.summary, 12)
    _centered(right, QUOC_HIEU, 12, bold=True)
    _centered(right, TIEU_NGU, 13, bold=True)
    _centered(right, "―――――――――――", 13)
    _centered(right, head.place_date, 14, italic=True)

    _paragraph(document, "", indent=False)
    if draft.doc_type == "cong-van":  # no tên loại: "Kính gửi:" and the addressees, then the body
        if len(draft.addressees) == 1:
            _paragraph(document, f"Kính gửi: {draft.addressees[0]}.", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        else:
            _paragraph(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=0).paragraph_format \
                .left_indent = Cm(3)
            for n, item in enumerate(draft.addressees):
                mark = "." if n == len(draft.addressees) - 1 else ";"
                _paragraph(document, f"- {item}{mark}", align=WD_ALIGN_PARAGRAPH.LEFT, indent=False,
                           after=0).paragraph_format.left_indent = Cm(5)
        _paragraph(document, "", indent=False)
    else:
        _paragraph(document, head.kind, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=0)
        _paragraph(document, head.summary, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, after=12)

    for section in draft.sections:
        if section.key not in ("opening", "body"):
            _paragraph(document, section.title, bold=True)
        lines = [line for line in section.text.split("\n") if line]
        opening = section.key == "opening"
        for line in basis_lines(lines) if opening else lines:  # Phụ lục I: "Căn cứ" italic, ";" ... "."
            _paragraph(document, line, bold=is_subheading(line), italic=opening and is_basis(line))

    left, right = _two_columns(document, 8.0, 8.0)
    _paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False,
               after=0)
    for item in draft.recipients:
        _paragraph(left, f"- {item}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, after=0)
    for line in draft.signer_lines:
        _centered(right, line, 14, bold=True)
    for _ in range(3):
        _centered(right, "", 14)
    _centered(right, draft.signer_name, 14, bold=True)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
