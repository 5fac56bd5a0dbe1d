"""Document metadata staff search and cite by: số ký hiệu, date, issuer, province, type, title.

Read from the text's header block (per Nghị định 30/2020 layout), overridden by a `SOURCES.tsv` sidecar row when the
folder has one (the sidecar is the curator's word; the text is a best guess).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from functools import cached_property
from pathlib import Path

from core.models import DocumentMetadata
from core.vietnamese import (
    DOC_TYPE_BY_CAPS,
    DOC_TYPE_BY_CODE,
    DOC_TYPE_BY_NAME,
    IN_FORCE_FROM,
    PROVINCES,
    doc_kind_pattern,
    find_doc_numbers,
    find_dates,
    find_provinces,
    iso_date,
    parse_iso,
    is_doc_number,
    parse_doc_number,
)

# A date spelt out as in a header or a closing line: "ngày 05 tháng 3 năm 2020" (day, month, year captured).
_SPELLED_DATE = r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
# "Số: 982/KH-UBND", "Luật số: 15/2003/QH11": a line of the header opening with it, not a number cited in the text
_NUMBER_LINE = re.compile(r"^[ \t]*(?:[^\W\d_]+[ \t]+){0,2}?số\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
# A header block anywhere in the text, in one line or table row: "Số: 30/2020/NĐ-CP | … Hà Nội, ngày 05 tháng 3 năm 2020".
_HEADER_ROW = re.compile(rf"\bSố\s*:\s*([^\s|,;]+)[^\n]*?,\s*{_SPELLED_DATE}")
# A title that opens with a kind of document in ordinary case ("Thông tư về xét tặng …", "Chỉ thị về việc …")
_TYPE_FIRST = re.compile(rf"({doc_kind_pattern()})\b", re.IGNORECASE)
_DATE_LINE = re.compile(rf"(?:^|\n)\s*([^\n,]{{2,40}}),\s*{_SPELLED_DATE}", re.IGNORECASE)
_NATIONAL_ISSUERS = (r"QUỐC HỘI|ỦY BAN THƯỜNG VỤ QUỐC HỘI|CHỦ TỊCH NƯỚC|CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|BỘ [A-ZÀ-Ỹ ]+?"
                     r"|VĂN PHÒNG CHÍNH PHỦ")
_ISSUER_LINE = re.compile(
    r"^(ỦY BAN NHÂN DÂN[^\n]*?|UBND[^\n]*?|HỘI ĐỒNG NHÂN DÂN[^\n]*?|" + _NATIONAL_ISSUERS +
    r"|SỞ [A-ZÀ-Ỹ ]+?|BAN [A-ZÀ-Ỹ ]+?)\s*(?:-{3,}|CỘNG HÒA|$)",
    re.MULTILINE,
)
# The line under "ỦY BAN NHÂN DÂN" / "HỘI ĐỒNG NHÂN DÂN" that names the council's place ("TỈNH ĐẮK LẮK -------").
# The rest of the issuer's line (the quốc hiệu when a PDF reads both columns as one line) and blank lines are
# skipped; the place ends where the tiêu ngữ or a rule begins.
_ISSUER_PLACE = re.compile(r"[^\n]*\n\s*((?:TỈNH|THÀNH PHỐ|TP\.|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s[^\n]*?)"
                           r"\s*(?:-{3,}|_{3,}|CỘNG HÒA|Độc lập|ĐỘC LẬP|$)", re.MULTILINE)
# Capitals under a title that are not more of it: the authority that enacts ("ỦY BAN NHÂN DÂN TỈNH", "BỘ TRƯỞNG BỘ Y
# TẾ"), its enacting word, a part's heading ("I. MỤC ĐÍCH").
_NOT_TITLE = re.compile(r"\s*(?:ỦY BAN|UỶ BAN|HỘI ĐỒNG NHÂN DÂN|CHÍNH PHỦ|QUỐC HỘI|THỦ TƯỚNG|BỘ TRƯỞNG|CHỦ TỊCH|GIÁM ĐỐC"
                        r"|QUYẾT ĐỊNH|QUYẾT NGHỊ|[IVXLC]+\.)(?:\s|:|$)")
# A news page's time stamp on a line of its own ("20/07/2023, 05:03", "22:19 | 22/11/2021"): the line above it is the
# headline, however short ("Thi đua nước rút").
_STAMP_LINE = re.compile(r"\s*(?:\d{1,2}:\d{2}\s*[|,-]?\s*)?\d{1,2}/\d{1,2}/\d{4}(?:\s*[|,-]?\s*\d{1,2}:\d{2})?\s*")
# The quốc hiệu and tiêu ngữ that head every administrative document: never its title.
_MOTTO = re.compile(r"^\s*(?:CỘNG HO[ÀÁ] XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐỘC LẬP\s*-\s*TỰ DO\s*-\s*HẠNH PHÚC)", re.IGNORECASE)
# A line of the legal basis: the dates on it are those of the laws it cites ("Căn cứ Luật Tổ chức Chính phủ ngày 18
# tháng 02 năm 2025").
_BASIS_LINE = re.compile(r"^\s*căn cứ\b", re.IGNORECASE)
# The day a text comes into force ("Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2004"): not its own date.
_IN_FORCE_FROM = re.compile(rf"{IN_FORCE_FROM}\s*(?:ngày\s*)?$", re.IGNORECASE)
# The closing line of a law or a council's resolution: "Luật này đã được Quốc hội … thông qua ngày 26 tháng 11 năm 2003".
_ADOPTED = re.compile(rf"thông qua {_SPELLED_DATE}", re.IGNORECASE)
# An appendix's heading names the document it belongs to: "(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm
# 2020 của Chính phủ)", "(Ban hành kèm theo Quyết định số 86/2025/QĐ-UBND …)".
_ATTACHED = re.compile(rf"\(\s*(?:ban hành\s+)?kèm theo\s+({doc_kind_pattern()})\s+số\s+([^\s,;)]+)", re.IGNORECASE)
# Types only national bodies issue: such a document belongs to no province, whichever it names.
_NATIONAL_TYPES = {"luat", "nghi-dinh", "nghi-dinh-phu-luc", "thong-tu"}
SIDECAR_NAME = "SOURCES.tsv"
# Casing of a title printed in capitals, learnt from the text: runs of up to this many words, read in the first
# characters of the text (a title's words stand in its opening articles).
_CASING_RUN = 6
_CASING_CHARS = 60000
_WORD = re.compile(r"[^\W_]+")
# Between two words, what makes the second one open a sentence, an item ("a) …", "1. …"), a remark or a table cell,
# where a capital says nothing of whether it is a name (as after a note's number: "3 Chữ viết tắt …").
_OPENS = re.compile(r"[.:;!?…()|]")
# Words by which a title names another document than itself: what it implements, follows, amends or replaces.
_CITING = re.compile(r"\b(?:thực hiện|triển khai|căn cứ|theo|thay thế|sửa đổi|bổ sung|hướng dẫn|tại)\b", re.IGNORECASE)


# The column names a catalogue may give each field; the first is the name rows are read back under.
SIDECAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "issuing_body": ("issuing_body", "issuer"),
    "date": ("date",),
    "province": ("province",),
    "doc_type": ("doc_type", "type"),
    "doc_number": ("doc_number", "number"),
}
_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # a curator's remark after a name: "Quốc hội khóa XI (… ký)"


def states_header(text: str) -> bool:
    """Whether `text` holds a header's number line ("Số: 982/KH-UBND") or its place-and-date line ("Hà Nội, ngày 05
    tháng 3 năm 2020")."""
    return bool(_NUMBER_LINE.search(text) or _DATE_LINE.search(text))


def read_sidecar(folder: Path) -> dict[str, dict]:
    """Rows of `folder/SOURCES.tsv` keyed by file name (empty when there is none or it cannot be read), each field
    under its first name in `SIDECAR_COLUMNS` whichever of its names the catalogue uses. A date is kept only when the
    cell starts with a full date ("2003-11-26 (ngày thông qua…)" gives 2003-11-26; "2010 (suy ra…)" gives none) and
    an issuer without a remark in parentheses after it."""
    path = Path(folder) / SIDECAR_NAME
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["file"]: _catalogue_fields(row) for row in csv.DictReader(handle, delimiter="\t")
                    if row.get("file")}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return {}


def _catalogue_fields(row: dict) -> dict:
    fields = {"file": row["file"]}
    for field, names in SIDECAR_COLUMNS.items():
        name = next((name for name in names if name in row and row[name] is not None), None)
        if name is not None:
            fields[field] = row[name].strip()
    if fields.get("date"):
        fields["date"] = _leading_date(fields["date"])
    if fields.get("issuing_body"):
        fields["issuing_body"] = _NOTE.sub("", fields["issuing_body"])
    return fields


def _leading_date(cell: str) -> str:
    """The ISO date a catalogue cell starts with, written "2025-11-18" or "18/11/2025"; "" when it starts otherwise."""
    iso = parse_iso(cell.split(maxsplit=1)[0]) if cell.strip() else None
    if iso:
        return iso_date(*iso)
    found = find_dates(cell[:30])
    return iso_date(*found[0][1]) if found and found[0][0].start() == 0 else ""


def _title_after_type_word(lines: list[str], casing: _Casing) -> tuple[str, str]:
    """(doc_type, title) from the block "KẾ HOẠCH" + trích yếu line(s), as laid out by Nghị định 30/2020."""
    for index, line in enumerate(lines[:40]):
        word = line.strip().rstrip(":").upper() if line.strip().isupper() else ""
        if word in DOC_TYPE_BY_CAPS:
            body = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if body.isupper():
                for more in lines[index + 2:index + 5]:  # a title in capitals wrapped over lines (as a PDF reads)
                    if not more.strip().isupper() or _NOT_TITLE.match(more):
                        break
                    body = f"{body} {more.strip()}"
            body = casing.apply(body) if body.isupper() else f"{body[:1].lower()}{body[1:]}"
            if DOC_TYPE_BY_CAPS[word].slug == "luat":  # a law is cited by its name: "Luật Thi đua, khen thưởng"
                body = f"{body[:1].upper()}{body[1:]}"  # (Phụ lục II, Nghị định 30/2020)
            title = f"{word.capitalize()} {body}"
            return DOC_TYPE_BY_CAPS[word].slug, title.strip()
    return "", ""


def extract_metadata(text: str, source: str, sidecar: dict | None = None) -> DocumentMetadata:
    """Best-effort metadata from the header block; sidecar values win where given."""
    head = text[:4000]
    lines = [line for line in head.split("\n") if line.strip()]
    meta = DocumentMetadata()

    number = _NUMBER_LINE.search(head)
    if number and is_doc_number(number.group(1).rstrip(".,;")):
        meta.doc_number = number.group(1).rstrip(".,;")
    date_line = _DATE_LINE.search(head)
    if date_line:
        meta.date = iso_date(*date_line.group(2, 3, 4))
    elif (own_date := next((parts for match, parts in find_dates(head[:600]) if not _cited(head, match.start())
                            and not _IN_FORCE_FROM.search(head[max(0, match.start() - 60):match.start()])), None)):
        meta.date = iso_date(*own_date)
    elif adopted := _ADOPTED.search(text[-3000:]):
        meta.date = iso_date(*adopted.groups())

    issuer = _ISSUER_LINE.search(head[:800])
    if issuer:
        meta.issuer = re.sub(r"\s+", " ", issuer.group(1)).strip(" -")
        if meta.issuer.endswith("NHÂN DÂN") and (place := _ISSUER_PLACE.match(head, issuer.end(1))):
            meta.issuer = f"{meta.issuer} {' '.join(place.group(1).split())}"

    casing = _Casing(text)
    meta.doc_type, meta.title = _title_after_type_word(lines, casing)
    if not meta.doc_number:
        _take_displaced_header(meta, text)
    if not meta.doc_number:
        _take_attached(meta, text, lines, casing)
    if not meta.doc_type and meta.doc_number:
        meta.doc_type = _type_of(meta.doc_number) or ("cong-van" if "UBND" in meta.doc_number else "")
    if not meta.title and lines:
        meta.title = _title_in_capitals(lines, date_line.group(0) if date_line else "", casing) or _headline(lines) or next(
            (line.strip() for line in lines[:8] if len(line.split()) >= 5 and not _MOTTO.match(line)),
            lines[0].strip())[:200]
    if not meta.doc_type:
        named = _TYPE_FIRST.match(meta.title)
        headed = bool(issuer) or any(_MOTTO.match(line) for line in lines[:6])
        meta.doc_type = (DOC_TYPE_BY_NAME[named.group(1).lower()].slug if named
                         else "van-ban" if meta.doc_number or headed else "tin-bai")
    if meta.doc_number and meta.doc_number not in meta.title and meta.doc_type != "tin-bai":
        meta.title = f"{meta.title} ({meta.doc_number})" if meta.title else meta.doc_number

    national = meta.doc_type in _NATIONAL_TYPES or bool(issuer and re.fullmatch(_NATIONAL_ISSUERS, issuer.group(1)))
    places = find_provinces(" ".join(filter(None, [meta.issuer.title(), date_line.group(1) if date_line else ""])))
    mentioned = find_provinces(text[:20000])
    meta.province = "" if national else (places or mentioned or [""])[0]

    if sidecar:
        meta.title = sidecar.get("title") or meta.title
        meta.issuer = sidecar.get("issuing_body") or meta.issuer
        meta.date = sidecar.get("date") or meta.date
        meta.province = sidecar.get("province", meta.province) if "province" in sidecar else meta.province
        meta.doc_type = sidecar.get("doc_type") or meta.doc_type
        meta.doc_number = sidecar.get("doc_number") or meta.doc_number or _number_in_title(meta.title)
    return meta


def _headline(lines: list[str]) -> str:
    """A news page's headline: the line of two or more words above its time stamp, among its first lines."""
    return next((line.strip() for line, after in zip(lines[:8], lines[1:9])
                 if _STAMP_LINE.fullmatch(after) and len(line.split()) >= 2), "")


def _type_of(number: str) -> str:
    """The type a số ký hiệu's code names ("30/2020/NĐ-CP" is a nghị định), "" when it names none."""
    parsed = parse_doc_number(number)
    code = DOC_TYPE_BY_CODE.get(parsed.type_code) if parsed else None
    return code.slug if code else ""


def _take_displaced_header(meta: DocumentMetadata, text: str) -> None:
    """Number and date from a header block set elsewhere than at the top (a copy that moved its header table under
    the text): a "Số: …, ngày …" line whose number is of the document's own type, so that a form or a cited document
    quoted in the text is not taken for it."""
    for match in _HEADER_ROW.finditer(text):
        if meta.doc_type and _type_of(match.group(1)) == meta.doc_type:
            meta.doc_number = match.group(1)
            meta.date = meta.date or iso_date(*match.group(2, 3, 4))
            return


def _take_attached(meta: DocumentMetadata, text: str, lines: list[str], casing: _Casing) -> None:
    """Number and date from an appendix heading ("(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 …)"),
    for a document whose header gives none: a file that opens with one is that document's appendix (a decree's
    appendix is a kind of its own), titled by the lines above it ("Phụ lục III: Bảng chữ viết tắt …"); a document
    whose own appendix, further on, names a document of its own type names itself (a resolution's "Kèm theo Nghị
    quyết số 394/NQ-CP …")."""
    opening = "\n".join(lines[:8])
    if found := _ATTACHED.search(opening):
        candidates, appendix = [found], True
    else:
        candidates = [match for match in _ATTACHED.finditer(text)
                      if DOC_TYPE_BY_NAME[match.group(1).lower()].slug == meta.doc_type]
        appendix = False
    for match in candidates:
        number = match.group(2).rstrip(".")
        if not is_doc_number(number):
            continue
        meta.doc_number = number
        dated = find_dates(match.string[match.end():match.end() + 60])
        if not meta.date and dated and dated[0][0].start() < 10:
            meta.date = iso_date(*dated[0][1])
        if appendix:
            name, *rest = [line.strip() for line in opening[:match.start()].split("\n") if line.strip()] or [""]
            subject = " ".join(rest)
            subject = casing.apply(subject) if subject.isupper() else subject
            meta.title = f"{name}: {subject}" if name and subject else name or meta.title
            if match.group(1).lower() == "nghị định":
                meta.doc_type = "nghi-dinh-phu-luc"
        return


def _title_in_capitals(lines: list[str], date_line: str, casing: _Casing) -> str:
    """A title set in capitals under the place and date line, as Nghị định 30 lays one out, when its type is not one
    of Phụ lục III's ("PHÂN CÔNG NHIỆM VỤ / CÁC THÀNH VIÊN PHÒNG …"): the capitals above that line are the issuing
    body and the quốc hiệu. "" when there is no date line or no such block."""
    after = next((index for index, line in enumerate(lines[:20]) if date_line.strip() and line.strip() in date_line),
                 None)
    if after is None:
        return ""
    block: list[str] = []
    for line in lines[after + 1:after + 5]:
        if not (line.strip().isupper() and not _MOTTO.match(line)):
            break
        block.append(line.strip())
    words = casing.apply(" ".join(block))
    return (words[:1].upper() + words[1:])[:200] if len(words.split()) >= 2 else ""


class _Casing:
    """How the document itself writes its words, to set a title printed in capitals in ordinary case: each longest
    run of the title's words (up to `_CASING_RUN` words) that the text writes outside capitals and away from a
    sentence's start takes the text's most frequent spelling of that run ("ĐẠI HỘI LẦN THỨ XIV CỦA ĐẢNG" -> "Đại hội
    lần thứ XIV của Đảng", "SỞ NỘI VỤ" -> "Sở Nội vụ"); a word the text never writes so is lower-case, and province
    names are capitalised."""

    def __init__(self, text: str):
        self._text = text

    @cached_property
    def _runs(self) -> dict[tuple[str, ...], Counter]:
        runs: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        for line in self._text[:_CASING_CHARS].split("\n"):
            if line.isupper():
                continue
            words = [word.group(0) for word in _WORD.finditer(line)]
            gaps = _WORD.split(line)  # gaps[i] stands before words[i]
            for start in range(len(words)):
                if start == 0 or _OPENS.search(gaps[start]) or words[start - 1].isdigit():
                    continue
                for end in range(start + 1, min(len(words), start + _CASING_RUN) + 1):
                    run = words[start:end]
                    if len(run) > 1 and all(word.isupper() for word in run):
                        break  # words in capitals (a header cell) say nothing of how they are spelt; "XIV" alone does
                    runs[tuple(word.casefold() for word in run)][tuple(run)] += 1
        return runs

    def apply(self, capitals: str) -> str:
        words = list(_WORD.finditer(capitals))
        spelled = [word.group(0).lower() for word in words]
        at = 0
        while at < len(words):
            for end in range(min(len(words), at + _CASING_RUN), at, -1):
                forms = self._runs.get(tuple(word.group(0).casefold() for word in words[at:end]))
                if forms:
                    spelled[at:end] = forms.most_common(1)[0][0]
                    at = end
                    break
            else:
                at += 1
        out, last = [], 0
        for word, spelling in zip(words, spelled):
            out += [capitals[last:word.start()], spelling]
            last = word.end()
        text = "".join(out) + capitals[last:]
        for name in PROVINCES:
            text = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, text)
        return text


def _cited(text: str, at: int) -> bool:
    """Whether the date at `at` is the date of a document the text cites: it follows that document's số ký hiệu
    ("Thực hiện Chỉ thị số 23/2009/CT-UBND ngày 30 tháng 12 năm 2009", "Nghị định số 01/2008/NĐ-CP, ngày 03/01/2008"),
    or stands on a line of the legal basis ("Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025")."""
    if _BASIS_LINE.match(text[text.rfind("\n", 0, at) + 1:at]):
        return True
    before = re.sub(r"[\s,]*(?:ngày)?[\s,]*$", "", text[max(0, at - 40):at])
    found = find_doc_numbers(before)
    return bool(found) and found[-1].end() == len(before)


def _number_in_title(title: str) -> str:
    """The số ký hiệu a title gives its own document ("Kế hoạch 0125/KH-UBND …", "Luật … số 15/2003/QH11"): the
    first one neither in a remark in parentheses nor named as what the document implements, follows or replaces
    ("… (thực hiện Chỉ thị số 23/2009/CT-UBND …)", "Kế hoạch triển khai Quyết định 2437/QĐ-TTg")."""
    for match in find_doc_numbers(title):
        before = title[:match.start()]
        if before.count("(") <= before.count(")") and not _CITING.search(" ".join(before.split()[-6:])):
            return match.group(0)
    return ""
