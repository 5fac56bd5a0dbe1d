"""The task sheet: what the chosen source documents ask for, extracted in code from their structure.

A source's passages are read back in order from the library with their heading paths (`Chunk.section`); each line is
classified by the headings above it and by its own wording into contents of the campaign, targets with figures, time
frame and milestones, reporting deadlines and recipients, agencies and their duties, reward forms/criteria/quotas,
funding and legal bases. Every item keeps its citation (document, section, page) and is a verbatim span of the source,
so every figure of the sheet occurs in the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.cleaning import strip_bullet
from assistant.drafting.levels import AGENCY_HEAD, UBND, issuer_level
from assistant.drafting.models import SheetItem, SourceDoc, TaskSheet
from core.errors import DraftInputError
from core.vietnamese import (DOC_TYPE_LABELS, DOC_TYPE_NAMES, IN_FORCE_FROM, PERSON_TITLES, POINT_MARK,
                             doc_kind_pattern, find_provinces, nfc, number_key, parse_doc_number, same_place,
                             short_doc_refs)

OPENING = "Phần mở đầu"
# Documents on how to lay out a document (Nghị định 30/2020 on văn thư and its appendices) are format references:
# the draft follows them, it does not carry their articles.
_FORMAT_TITLE = re.compile(r"(?i)công tác văn thư|thể thức|kỹ thuật trình bày|viết hoa|chữ viết tắt")
_KINDS = doc_kind_pattern()
REFERENCE = re.compile(rf"(?:{_KINDS})\s+(?:số\s+)?\d{{1,5}}(?:/\d{{4}})?[/-][A-ZĐ]")
_SPLIT_BASES = re.compile(rf";\s*|\s+và\s+(?=(?:{_KINDS})\s+số\s)|,\s+(?=(?:{_KINDS})\s+số\s)")
_AGENCY_COLON = re.compile(rf"^(?:Đề nghị\s+|Giao\s+)?(?P<agency>{AGENCY_HEAD}[^:;.]{{0,140}}?)\s*:\s*")
_AGENCY = re.compile(rf"^(?:Đề nghị\s+|Giao\s+)?(?P<agency>{AGENCY_HEAD}[^:;.]{{0,140}}?)"
                     rf"\s+(?=(?:chủ trì|phối hợp|hướng dẫn|có trách nhiệm|tham mưu|chỉ đạo|theo dõi|"
                     rf"tổ chức|thực hiện|xây dựng|triển khai|bố trí|đảm bảo|bảo đảm|kiểm tra|tuyên truyền|"
                     rf"căn cứ|chủ động|tiếp tục|định hướng|phân công|cân đối|vận động|là cơ quan|rà soát|"
                     rf"nghiên cứu|lồng ghép|tăng cường|đẩy mạnh|giám sát|hỗ trợ|cung cấp|thẩm định|khẩn trương)\b)")
_DEADLINE = re.compile(r"(?i)\b(?:trước|chậm nhất|hạn chót|không muộn hơn)\s+(?:ngày\s+)?\d|\bđịnh kỳ\b|"
                       r"\bhằng năm\b|\bhàng năm\b|\bhàng quý\b|\bhằng quý\b|6 tháng")
_REPORTING = re.compile(r"(?i)báo cáo|gửi về|gửi\s+(?:Sở|Bộ|Ủy ban|UBND|Ban|Phòng)|hồ sơ|nộp\b")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b\d+\s*(?:phần trăm)|(?:ít nhất|tối thiểu|không quá|trên|dưới|đạt|"
                     r"từ)\s+\d")
_TIME_WORDS = re.compile(r"(?i)^thời gian|^đợt\s+\d|^giai đoạn\s+\d|từ (?:ngày|tháng) .{0,40}đến|^từ nay đến|^thời hạn")


# The source's own closing ("Trên đây là …", "Ủy ban nhân dân quận đề nghị Thủ trưởng các đơn vị … nghiêm túc thực
# hiện Chỉ thị này"): the draft ends with its own.
_CLOSING = re.compile(rf"(?i)^(?:trên đây là\b|(?:chủ tịch\s+)?{UBND}\b[^,;:]{{0,40}}?"
                      r"\s(?:đề nghị|yêu cầu)\s+(?:các|thủ trưởng|giám đốc)\b)")


@dataclass
class Line:
    text: str
    section: str
    page: int | None
    is_heading: bool


def resolve_sources(library, refs: list[str]) -> list:
    """Library records for file names, số ký hiệu ("0125/KH-UBND") or type and number ("Kế hoạch 124"); an unknown
    reference raises DraftInputError."""
    records = library.documents()
    out = []
    for ref in refs:
        found = _find_record(records, ref)
        if found is None:
            raise DraftInputError(f"Không tìm thấy văn bản nguồn «{ref}» trong thư viện.",
                                  f"Source document {ref!r} is not in the library.")
        if found not in out:
            out.append(found)
    return out


def _find_record(records: list, ref: str):
    """The record a reference names: by file name, số ký hiệu, type and number, then part of the file name."""
    key = number_key(ref)
    short = short_doc_refs(ref)
    matches = (
        lambda r: r.source == ref,
        lambda r: bool(r.metadata.doc_number) and number_key(r.metadata.doc_number) == key,
        lambda r: len(short) == 1 and short[0].names(r.metadata.doc_number, r.metadata.doc_type),
        lambda r: ref.casefold() in r.source.casefold(),
    )
    return next((r for match in matches for r in records if match(r)), None)


# The place-date line of a document's header ("Hà Nội, ngày 03 tháng 12 năm 2025") names where it was signed, no fact.
_PLACE_DATE_LINE = re.compile(r"(?m)^[^\S\n]*[^,\n]{2,40},\s+ngày\b.*$")


def places_named(library, docs) -> set[str]:
    """Provinces the documents being implemented or cited (not the format models) name in their text, other than
    their own province: "tại Thủ đô Hà Nội" in a ministry's circular is its fact and stays in another province's
    plan, while another province's plan taken as a model has its own name replaced."""
    places: set[str] = set()
    for doc in docs:
        if doc.role == "format":
            continue
        for chunk in library.iter_chunks(doc.source):
            places.update(name for name in find_provinces(_PLACE_DATE_LINE.sub("", chunk.text))
                          if not (doc.province and same_place(name, doc.province)))
    return places


# Documents that state rules, and those that assign tasks even when numbered as normative ("23/2009/CT-UBND").
_RULE_TYPES = ("thong-tu", "nghi-dinh", "quy-dinh")
_TASK_TYPES = ("ke-hoach", "chi-thi", "cong-van", "thong-bao", "ket-luan", "huong-dan", "chuong-trinh", "bao-cao",
               "to-trinh", "tin-bai")
_ISSUES_RULES = re.compile(r"(?i)\bban hành\s+(?:quy định|quy chế|quy trình)\b|\bquy định chức năng\b")


def states_rules(doc: SourceDoc) -> bool:
    """A regulation — a Thông tư, a Nghị định, a Quy định, Quy chế or Quy trình a Quyết định issues, a normative
    resolution numbered with its year ("83/2025/NQ-HĐND") — states rules that hold as written at every level: a
    lower plan carries them unchanged ("Hội đồng xét tặng cấp Bộ do Bộ trưởng … thành lập"), where a plan, directive
    or resolution that assigns tasks has them re-assigned one level down."""
    if doc.doc_type in _RULE_TYPES or _ISSUES_RULES.search(doc.title):
        return True
    number = parse_doc_number(doc.doc_number) if doc.doc_number else None
    return bool(number and number.year) and doc.doc_type not in _TASK_TYPES


def source_doc(record) -> SourceDoc:
    meta = record.metadata
    # a law is a basis ("Căn cứ Luật …"): its articles are not a plan's content, a plan implementing it is written
    # to its theme (dissemination, guidance, checks)
    role = "format" if _FORMAT_TITLE.search(meta.title or "") else "law" if meta.doc_type == "luat" else "directive"
    return SourceDoc(record.source, meta.doc_number or "", meta.title or record.source, meta.issuer or "",
                     meta.date or "", meta.doc_type or "", meta.province or "", role, issuer_level(meta.issuer or ""))


_CHAPTER = re.compile(r"(?i)^chương\s+[ivxlc\d]+\b[.:]?\s*(?P<title>.*)$")
_IN_FORCE = re.compile(rf"(?i)\b{IN_FORCE_FROM} ngày (?P<date>[^.;]+)")
_NOT_A_TOPIC = re.compile(r"(?i)^(?:những |các )?(?:quy định chung|điều khoản thi hành)$")


def law_outline(library, source: str) -> tuple[list[str], str]:
    """(chapter titles, "01 tháng 7 năm 2004"): what a plan implementing a law tells staff of it, instead of its
    articles. The chapters that only open or close a law ("Những quy định chung", "Điều khoản thi hành") are left
    out."""
    lines = [line.text for line in source_lines(library, source)]
    titles, in_force = [], ""
    for n, text in enumerate(lines):
        chapter = _CHAPTER.match(text)
        if chapter:
            title = chapter.group("title") or (lines[n + 1] if n + 1 < len(lines) else "")
            title = title.strip(" .:")
            if title and not _NOT_A_TOPIC.match(title):
                titles.append(title.lower() if title.isupper() else title[:1].lower() + title[1:])
        found = _IN_FORCE.search(text)
        if found and not in_force and re.match(r"(?i)luật này\b", text):
            in_force = found.group("date").strip()
    return titles, in_force


def source_lines(library, source: str) -> list[Line]:
    """The document's lines in reading order, rebuilt from its chunks: overlap and a table's header row repeated at
    a chunk's head are dropped and a sentence cut by the chunker's word budget is joined again."""
    from index.chunking import table_header

    lines: list[Line] = []
    headings = _heading_lines(library, source)
    for chunk in library.iter_chunks(source):
        rows = chunk.text.split("\n")
        header = table_header(line.text for line in reversed(lines))
        repeated = len(header) if header and [nfc(row).strip() for row in rows[:len(header)]] == header else 0
        for n, raw in enumerate(rows[repeated:]):
            text = nfc(raw).strip()
            if not text:
                continue
            if n == 0 and lines and (lines[-1].text.endswith(text) or text == lines[-1].text):
                continue
            if lines and lines[-1].section == chunk.section and _continues(lines[-1].text, text):
                lines[-1].text += " " + text
                continue
            lines.append(Line(text, chunk.section, chunk.page, text in headings))
    return lines


def _continues(previous: str, text: str) -> bool:
    """`text` is the rest of `previous`: a sentence cut at a chunk's word budget or by a line break in the source (a
    web page's "… Chỉ thị số 16/CT-UBND" + "ngày 13/9/2021 của UBND tỉnh …"), or a piece cut at ";" inside an open
    parenthesis."""
    if re.match(rf"^(?:[-+•*–]|\d{{1,2}}(?:\.\d{{1,2}})*\.?\s|{POINT_MARK}|[IVX]+\.)", text):
        return False
    if previous.count("(") > previous.count(")"):
        return True
    if re.search(r"[;,]$", previous) and not previous.endswith(":") and (text[:1].isupper() or text[:1].islower()):
        return True  # a paragraph the chunker cut after ";" (its pieces carry no list marker of their own)
    return not re.search(r"[.;:!?…]$", previous) and text[:1].islower()


def _heading_lines(library, source: str) -> set[str]:
    from index.chunking import heading_level

    return {line for chunk in library.iter_chunks(source) for line in chunk.text.split("\n")
            if heading_level(line.strip()) is not None}


def _label(text: str) -> str:
    return strip_bullet(text).rstrip(" :")


def _own_section(line: Line) -> str:
    """The section a heading line opens: its path up to its own label. The chunker files a heading followed at once
    by a sub-heading under the sub-heading ("3. Sở Khoa học và Công nghệ" under "… > 3. Sở … > a) Tham mưu …"), and
    the sub-heading's siblings ("b) …") are under the heading too."""
    parts = line.section.split(" > ")
    text = line.text.rstrip(" :")
    for n, part in enumerate(parts):
        if part and text.startswith(part.rstrip("…").rstrip(" :")):
            return " > ".join(parts[:n + 1])
    return line.section


def _is_label(line: Line) -> bool:
    """A heading without content of its own ("2. Hình thức khen thưởng", "a) Đối với tập thể:", however long when it
    only names agencies), or a lead-in line that introduces a list ("... đạt các tiêu chuẩn sau:")."""
    body = strip_bullet(line.text)
    if not line.is_heading:
        return body.endswith(":")
    rest = body.partition(":")[2]
    names_agencies = bool(re.match(AGENCY_HEAD, body)) and not _AGENCY.match(body)  # "1. Bộ trưởng, …, Chủ tịch …"
    return (len(body) <= 90 or names_agencies) and not rest.strip() and not re.search(r"[.;]$", body)


_BY_HEADING = (  # a heading's words -> the kind of the lines under it; the deepest heading that says wins
    ("content", r"tiêu chí thi đua"),
    ("reward", r"khen thưởng|tiêu chuẩn|tiêu chí|số lượng|danh hiệu|xét tặng|hồ sơ|thủ tục"),
    ("duty", r"tổ chức thực hiện|trách nhiệm|phân công|nhiệm vụ cụ thể"),
    ("funding", r"kinh phí"),
    ("time", r"thời gian|tiến độ"),
    ("subject", r"đối tượng|phạm vi"),
    ("target", r"chỉ tiêu|mục tiêu"),
    ("content", r"nội dung|nhiệm vụ|giải pháp|chủ đề|hình thức|biện pháp"),
    ("purpose", r"mục đích|yêu cầu|quan điểm"),  # a resolution's "Quan điểm chỉ đạo" guides as its purposes do
)


def _classify(section: str, text: str) -> str:
    """The sheet kind of a line from the headings above it (deepest first) and its own wording."""
    if re.search(r"(?i)nơi nhận", section):
        return ""
    if _DEADLINE.search(text) and _REPORTING.search(text):
        return "report"
    if re.match(r"(?i)(?:\d{1,2}\.\s*)?thời gian\b", text):
        return "time"
    kind = "content"
    for label in reversed(section.split(" > ")):
        if label.endswith("…") or text.startswith(label):
            continue  # the line's own heading
        low = strip_bullet(label).casefold()
        kind = next((k for k, pattern in _BY_HEADING if re.search(pattern, low)), "")
        if kind:
            break
    kind = kind or "content"
    if kind == "content" and _FIGURE.search(text):
        return "target"
    if kind == "target" and not re.search(r"\d", text):
        return "content"
    if kind == "content" and _TIME_WORDS.search(text):
        return "time"
    return kind


def extract_sheet(library, records) -> TaskSheet:
    """The task sheet of the chosen sources (records from `resolve_sources`)."""
    sheet = TaskSheet()
    for record in records:
        doc = source_doc(record)
        sheet.sources.append(doc)
        if doc.role != "directive":
            continue
        _extract(library, doc, sheet)
    return sheet


def _extract(library, doc: SourceDoc, sheet: TaskSheet) -> None:
    count = 0
    lead, agency_label, lead_section = "", "", ""

    def add(kind: str, text: str, line: Line, **extra) -> None:
        nonlocal count
        count += 1
        sheet.items.append(SheetItem(f"{doc.source.split('.')[0][:24]}#{count}", kind, text, doc.source,
                                     doc.doc_number, line.section, line.page, **extra))

    appendix = False
    lines = source_lines(library, doc.source)
    closing = _closing_block(lines)
    for n, line in enumerate(lines):
        text = line.text
        if n in closing:
            continue
        appendix = appendix or bool(re.match(r"(?i)^\(kèm theo|^phụ lục\b", text)) or line.section.startswith("PHỤ LỤC")
        if appendix or sum(ch.isalpha() for ch in text) < 5 or (text.isupper() and line.section != OPENING):
            continue  # tables of appendices, cells, titles in capitals
        if line.section == OPENING:
            if re.match(r"(?i)(thực hiện|căn cứ)\b", text) or (REFERENCE.match(text) and sheet.items is not None):
                for part in _SPLIT_BASES.split(re.sub(r"(?i)^(thực hiện|căn cứ)\s+", "", text)):
                    part = part.strip(" .;,")
                    if REFERENCE.match(part) or re.match(r"Luật\s", part):
                        add("basis", part, line)
            continue
        if _is_label(line):
            label = _label(text)
            if line.is_heading:
                agency_label = label if re.match(AGENCY_HEAD, label) or _PERSON_HEAD.match(label) else ""
                lead, lead_section = "", _own_section(line)
            else:
                lead, lead_section = label, line.section
                if re.match(AGENCY_HEAD, label):  # "Ủy ban nhân dân các tỉnh, …:" — its duties below
                    agency_label = label
            continue
        if line.section != lead_section and not line.section.startswith(lead_section):
            lead = agency_label = ""  # out of the heading's section: neither its lead-in nor its agency holds
        if not re.search(r"[^\W\d_]", text) or _CLOSING.match(text) or _heading_title(line):
            continue
        bare = strip_bullet(text)
        if not line.is_heading and len(bare) <= 90 and not re.search(r"[.;:,]$", bare) and re.match(AGENCY_HEAD, bare):
            agency_label, lead, lead_section = bare, "", line.section  # a paragraph naming an agency, its duties below
            continue
        kind = _classify(line.section, text)
        if kind == "content" and agency_label:
            kind = "duty"
        if not kind:
            continue
        lead_ins = [part for part in line.section.split(" > ") if not text.startswith(part.rstrip("…"))
                    and not part.endswith(".")]  # headings above the line that introduce it ("…, gồm:")
        said = [strip_bullet(part) for part in (text, lead, *lead_ins)]
        if any(_ENACTMENT.match(part) for part in said):
            kind = "enactment"  # the line, or the lead-in it completes ("… này thay thế …, gồm:")
        elif any(_own_council(part, doc.level) for part in said):
            kind = "council"
        body = _named_itself(strip_bullet(text), doc)
        if kind == "purpose":
            below = line.section.split(" > ")[1:]  # under "I. MỤC ĐÍCH, YÊU CẦU": "1. Mục đích" or "2. Yêu cầu"
            (sheet.requirements if any(re.search(r"(?i)yêu cầu", part) for part in below) else sheet.purposes) \
                .append(body)
            continue
        context = " > ".join(_label(part) for part in line.section.split(" > ")[1:] if len(part) <= 90)
        agency = ""
        if kind in ("duty", "report"):
            match = _AGENCY_COLON.match(body) or _AGENCY.match(body)
            agency = match.group("agency").strip() if match else agency_label
        deadline = _deadline_text(body) if kind == "report" else ""
        add(kind, body, line, context=context, lead=lead, agency=agency, deadline=deadline)


# A heading naming a person ("3. Ông Lê Mạnh Sơn - Chuyên viên"): the duties under it are theirs, as under an agency.
_PERSON_HEAD = re.compile(rf"^(?i:đồng chí|{'|'.join(sorted(PERSON_TITLES - {'chí'}))})\s+[A-ZĐ]")
# A sentence about the source document itself ("Thông tư này quy định …", "… có hiệu lực sau 45 ngày", "… thay thế
# Quyết định số …"): in a lower document "này" would name that document, so the source is named instead.
_OWN_KINDS = doc_kind_pattern((*DOC_TYPE_NAMES, "Quy chế", "Pháp lệnh"))
_SELF_REFERENCE = re.compile(rf"(?i)^(?P<kind>{_OWN_KINDS})\s+này\b")
# The source's enacting clauses ("Điều khoản thi hành"): what it says of its own issue, effect and replacement and who
# carries it out ("Điều 1. Ban hành kèm theo Quyết định này Quy định …", "Điều 2. Quyết định này có hiệu lực kể từ …",
# "Thông tư có hiệu lực sau 45 ngày", "Nghị quyết này thay thế …", "Điều 3. Chánh Văn phòng …; Giám đốc … chịu trách
# nhiệm thi hành Quyết định này"). No task for a lower body: in its plan they would read as that plan's own, the
# source's province replaced. Listed in the coverage table as not placed.
_ENACTMENT = re.compile(rf"(?i)^(?:Điều\s+\d+\w?\.\s*)?(?:Ban hành kèm theo\s+(?:{_OWN_KINDS})\s+này\b|"
                        rf"(?:{_OWN_KINDS})(?:\s+này)?\s+(?:có hiệu lực|thay thế|bãi bỏ)\b|"
                        rf".*\bchịu trách nhiệm thi hành\s+(?:{_OWN_KINDS})\s+này\b)")
# A council's members ("2. Thành phần Hội đồng Thi đua - Khen thưởng tỉnh gồm:", "1. Thành viên Hội đồng xét tặng
# Giải thưởng cấp Bộ bao gồm:") or an article on the council ("Điều 8. Hội đồng Thi đua - Khen thưởng tỉnh"), and, by
# level, the words that end the name of a council of that level.
_COUNCIL_HEAD = re.compile(r"(?i)^(?:\d+\.\s*)?(?:thành phần|thành viên)\s+(?P<council>hội đồng\b.*?),?\s+"
                           r"(?:bao\s+)?gồm\b|^Điều\s+\d+\w?\.\s*(?P<article>Hội đồng\b[^.;:]*)$")
_COUNCIL_OF_LEVEL = {"trung-uong": r"(?:bộ|trung ương)", "tinh": r"(?:tỉnh|thành phố)",
                     "huyen": r"(?:huyện|quận|thị xã)", "xa": r"(?:xã|phường|thị trấn)"}


def _own_council(text: str, level: str) -> bool:
    """Whether `text` opens the members or the article of the source level's own council ("… Hội đồng Thi đua - Khen
    thưởng tỉnh gồm:", "Điều 8. Hội đồng Thi đua - Khen thưởng tỉnh" in a province's regulation, "… Hội đồng xét tặng
    Giải thưởng cấp Bộ bao gồm:" in a ministry's circular): no line under it is a lower body's, which does not sit on
    that council ("Lãnh đạo Cục Thú y: Uỷ viên Hội đồng" in a province's công văn). A council each lower body forms
    ("… cấp cơ sở gồm:") is its content."""
    found = _COUNCIL_HEAD.match(text)
    ending = _COUNCIL_OF_LEVEL.get(level)
    return bool(found and ending and re.search(rf"(?i)\b(?:cấp\s+)?{ending}(?:\s+(?-i:[A-ZĐ])\w*)*$",
                                               found.group("council") or found.group("article")))


# A chapter, section or part heading with no title of its own ("Chương I"): the short line under it is that title.
_UNTITLED_HEADING = re.compile(r"(?i)^(?:chương|mục|phần)\s+[ivxlc\d]+[.:]?$")


def _heading_title(line: Line) -> bool:
    """The title of a chapter whose heading line carries none ("Chương I" / "Quy định chung"): no task for anyone."""
    return bool(_UNTITLED_HEADING.match(line.section.split(" > ")[-1])) and len(line.text) <= 90 and not re.search(
        r"[.;:]$", line.text)


def _named_itself(text: str, doc: SourceDoc) -> str:
    """"Thông tư này có hiệu lực …" as "Thông tư số 12/2009/TT-BNN có hiệu lực …" (without a number, "Thông tư có
    hiệu lực …"): said in another document, "này" would be that document."""
    match = _SELF_REFERENCE.match(text)
    if not match:
        return text
    kind = match.group("kind")
    own = DOC_TYPE_LABELS.get(doc.doc_type, "").casefold() == kind.casefold() and doc.doc_number
    return f"{kind} số {doc.doc_number}" + text[match.end():] if own else kind + text[match.end():]


# The archive mark that ends a recipients list ("- Lưu: VT, TCCV (02b).", "- Lưu: VT, …").
_ARCHIVE = re.compile(r"^(?:[-+•]\s*)?Lưu\s*:")


def _closing_block(lines: list[Line]) -> set[int]:
    """Indexes of a recipients list that ends with the archive mark — where the "Nơi nhận:" heading that files it
    apart was lost in conversion (a Nghị định's "- Thủ tướng, các Phó Thủ tướng Chính phủ;" had been read as duties of
    its last article) — and of the short lines after the mark (its codes, the signer's post and name)."""
    block: set[int] = set()
    for at, line in enumerate(lines):
        if not _ARCHIVE.match(line.text):
            continue
        first = at
        while first > 0 and len(lines[first - 1].text) <= 150 and lines[first - 1].text.endswith((";", ":")):
            first -= 1  # "- Văn phòng Quốc hội;", "- VPCP:" end so; the last line of a task does not
        block.update(range(first, at + 1))
        block.update(n for n in range(at + 1, min(at + 4, len(lines))) if len(lines[n].text) <= 60)
    return block


def _deadline_text(text: str) -> str:
    match = re.search(r"(?i)(?:trước|chậm nhất)\s+(?:ngày\s+)?(\d{1,2}(?:/\d{1,2}(?:/\d{4})?|\s+tháng\s+\d{1,2}"
                      r"(?:\s+năm\s+\d{4})?))(\s+(?:hằng|hàng) năm)?", text)
    return (match.group(1) + (match.group(2) or "")).strip() if match else ""
