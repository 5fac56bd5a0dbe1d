"""Where each element of an administrative document is: paragraphs in reading order (tables cell by cell) and the
roles found in them — Quốc hiệu, Tiêu ngữ, issuer, số ký hiệu, place and date, title and trích yếu, "Căn cứ" lines,
headings, body, Nơi nhận and the signature block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.format_check.rules import Rulebook
from core.vietnamese import DOC_TYPE_BY_CAPS, DOC_TYPE_BY_SLUG, DocType, canonical_spelling, nfc

HEADER_WINDOW = 30  # the header block sits within the first paragraphs
_NUMBER = re.compile(r"^Số\b\s*(?P<colon>[:.]?)\s*(?P<value>\S*/\S*)\s*$")
_PLACE_DATE = re.compile(r"ngày\s+\S+\s+tháng\s+\S+\s+năm\s+\S+", re.IGNORECASE)
_APPENDIX = "PHỤ LỤC"
_KINH_GUI = re.compile(r"^kính\s+gửi\b", re.IGNORECASE)
_NOI_NHAN = re.compile(r"^nơi\s+nhận\s*:?$", re.IGNORECASE)


@dataclass
class Para:
    index: int  # paragraph number, 1-based, in reading order: body paragraphs and table cells alike
    pos: int  # position in the list of lines (a paragraph with soft line breaks gives one line each)
    paragraph: Paragraph
    text: str
    cell: tuple[int, int] | None = None  # (table id, column) when inside a table
    part: int | None = None  # line number when the paragraph holds several lines (soft line breaks)

    @property
    def bulleted(self) -> bool:
        ppr = self.paragraph._p.pPr
        return ppr is not None and ppr.find(qn("w:numPr")) is not None


def compact(text: str) -> str:
    """Letters and digits only, one spelling style, case-folded: how a fixed phrase is recognised."""
    return re.sub(r"[\W_]+", "", canonical_spelling(text)).casefold()


def is_line(text: str, chars: str) -> bool:
    """A paragraph drawn as a horizontal rule ("――――", "____")."""
    return bool(text) and all(ch in chars or ch.isspace() for ch in text)


def paragraphs(document) -> list[Para]:
    """Every paragraph in reading order; a merged cell is read once."""
    out: list[Para] = []

    def walk(container_element, parent, cell=None):
        for element in container_element.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = Paragraph(element, parent)
                number = (out[-1].index if out else 0) + 1
                lines = [" ".join(line.split()) for line in nfc(paragraph.text).split("\n")]
                lines = [line for line in lines if line] or [""]
                for part, line in enumerate(lines):
                    out.append(Para(number, len(out), paragraph, line, cell, part if len(lines) > 1 else None))
            elif tag == "tbl":
                table = Table(element, parent)
                seen = set()
                for row in table.rows:
                    for column, table_cell in enumerate(row.cells):
                        if id(table_cell._tc) in seen:
                            continue
                        seen.add(id(table_cell._tc))
                        walk(table_cell._tc, table_cell, (id(element), column))
            elif tag == "sdt":
                content = element.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content, parent, cell)

    walk(document.element.body, document._body)
    return out


@dataclass
class Layout:
    paras: list[Para]
    quoc_hieu: Para | None = None
    tieu_ngu: Para | None = None
    issuer: list[Para] = field(default_factory=list)
    number: Para | None = None
    place_date: Para | None = None
    title: Para | None = None
    summary: Para | None = None
    kind: DocType | None = None
    bases: list[Para] = field(default_factory=list)
    headings: list[Para] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    addressees: list[Para] = field(default_factory=list)  # «Kính gửi:» lines of a công văn
    noi_nhan: Para | None = None
    recipients: list[Para] = field(default_factory=list)
    signer: list[Para] = field(default_factory=list)
    closing_found: bool = False

    @property
    def is_cong_van(self) -> bool:
        return self.kind is not None and self.kind.slug == "cong-van"


def analyse(document, rulebook: Rulebook) -> Layout:
    paras = paragraphs(document)
    layout = Layout(paras)
    filled = [p for p in paras if p.text]
    window = filled[:HEADER_WINDOW]
    line_chars = rulebook["tieu_ngu"]["line_chars"]
    quoc_hieu, tieu_ngu = compact(rulebook["quoc_hieu"]["text"]), compact(rulebook["tieu_ngu"]["text"])
    v_v = rulebook["trich_yeu"]["cong_van_prefix"]

    layout.quoc_hieu = next((p for p in window if compact(p.text) == quoc_hieu), None)
    layout.tieu_ngu = next((p for p in window if compact(p.text) == tieu_ngu), None)
    layout.title = next((p for p in window if canonical_spelling(p.text).upper() in DOC_TYPE_BY_CAPS
                         and p.text.upper() != "CÔNG VĂN"), None)
    limit = layout.title.pos if layout.title else len(paras)
    header = [p for p in window if p.pos < limit]
    layout.number = next((p for p in header if _NUMBER.match(p.text)), None)
    layout.place_date = next((p for p in header if _PLACE_DATE.search(p.text) and len(p.text) < 120), None)
    if layout.title:
        layout.kind = DOC_TYPE_BY_CAPS[canonical_spelling(layout.title.text).upper()]
        after = [p for p in filled if p.pos > layout.title.pos and not is_line(p.text, line_chars)]
        if after and not after[0].text.startswith(rulebook["can_cu"]["prefix"]) and len(after[0].text) < 400:
            layout.summary = after[0]
        body_start = (layout.summary or layout.title).pos + 1
    else:
        below = [p for p in header if layout.number and p.pos > layout.number.pos][:3]
        layout.summary = next((p for p in below if p.text.startswith(v_v)), None)  # «V/v …» under the number
        if layout.summary:
            layout.kind = DOC_TYPE_BY_SLUG["cong-van"]
        marks = [p.pos for p in (layout.quoc_hieu, layout.tieu_ngu, layout.number, layout.place_date,
                                   layout.summary) if p]
        body_start = max(marks) + 1 if marks else 0
    if layout.number:
        layout.issuer = [p for p in header if p.pos < layout.number.pos and p.cell == layout.number.cell
                         and p not in (layout.quoc_hieu, layout.tieu_ngu) and not is_line(p.text, line_chars)]
    rest = [p for p in filled if p.pos >= body_start]
    if rest and _KINH_GUI.match(rest[0].text):  # ô 9a of a công văn: «Kính gửi:» and its addressees
        layout.addressees = [rest[0]]
        for p in rest[1:]:
            if not (p.text[:1] in "-–" or p.bulleted):
                break
            layout.addressees.append(p)
        rest = rest[len(layout.addressees):]
    _closing(layout, rest, rulebook)
    return layout


def _authority(text: str, prefixes: list[str]) -> bool:
    return any(text.startswith(prefix + " ") or text == prefix for prefix in prefixes)


def _caps_line(text: str) -> bool:
    return text == text.upper() and any(ch.isalpha() for ch in text) and len(text) <= 80


def _closing(layout: Layout, rest: list[Para], rulebook: Rulebook) -> None:
    prefixes = rulebook["chu_ky"]["authority_prefixes"]
    heading = re.compile(rulebook["de_muc"]["pattern"])
    line_chars = rulebook["tieu_ngu"]["line_chars"]
    start = next((i for i, p in enumerate(rest) if _NOI_NHAN.match(p.text) or _authority(p.text, prefixes)),
                 len(rest))
    def signer_line(i: int) -> bool:  # a position line ("GIÁM ĐỐC"), or a name right under one
        text = rest[i].text
        if _caps_line(text):
            return not heading.match(text)
        return len(text) <= 60 and text[-1] not in ".;:," and i > 0 and _caps_line(rest[i - 1].text)

    while start > 0 and signer_line(start - 1):
        start -= 1  # a signature without TM./KT. just above «Nơi nhận»
    body, closing = rest[:start], rest[start:]
    layout.closing_found = bool(closing)
    layout.body = [p for p in body if not is_line(p.text, line_chars)]
    first_heading = next((p.pos for p in layout.body if heading.match(p.text) and p.cell is None), None)
    layout.bases = [p for p in layout.body if p.text.startswith(rulebook["can_cu"]["prefix"])
                    and (first_heading is None or p.pos < first_heading)]
    layout.headings = [p for p in layout.body if heading.match(p.text) and p.cell is None]
    layout.noi_nhan = next((p for p in closing if _NOI_NHAN.match(p.text)), None)
    if layout.noi_nhan:
        label = layout.noi_nhan
        if label.cell is not None:
            layout.recipients = [p for p in closing if p.cell == label.cell and p.pos > label.pos]
        else:
            for p in closing[closing.index(label) + 1:]:
                if not (p.text[:1] in "-–" or p.bulleted):
                    break
                layout.recipients.append(p)
    taken = {id(p) for p in layout.recipients} | {id(layout.noi_nhan)}
    for p in closing:  # authority and position lines in capitals, then the signer's name; then the block ends
        if id(p) in taken or is_line(p.text, line_chars):
            continue
        if _caps_line(p.text) and not p.text.startswith(_APPENDIX):
            layout.signer.append(p)
            continue
        if len(p.text) <= 60 and not p.text.startswith(_APPENDIX.title()):
            layout.signer.append(p)
        break
