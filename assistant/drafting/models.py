"""Plain data of drafting: the request, the task sheet extracted from the sources, the draft and its coverage matrix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.drafting.levels import UBND
from core.errors import DraftInputError
from core.vietnamese import CITY_PROVINCES, province_phrase, resolve_province

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
SECTION_TITLES = {
    "opening": "Căn cứ ban hành",
    "I": "I. MỤC ĐÍCH, YÊU CẦU",
    "II": "II. NỘI DUNG THI ĐUA",
    "III": "III. TỔ CHỨC THỰC HIỆN",
    "body": "Nội dung công văn",
}
DOC_KINDS = ("ke-hoach", "cong-van")
NOT_PLACED = "chưa đưa vào"

# Input limits of the drafting form (characters per field, focus areas, source documents).
_MAX_FIELD = {"province": 60, "period": 120, "theme": 500, "slogan": 200, "issuer": 200, "signer_title": 120,
              "signer_name": 80, "report_deadline": 60, "extra_instructions": 1000, "recipients": 600}
_MAX_FOCUS = 6
_MAX_SOURCES = 6


def clean_field(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


@dataclass
class DraftRequest:
    """What staff type in the drafting form; `validated()` normalises it or raises DraftInputError.

    `sources`: library documents the plan implements or continues (file name, số ký hiệu, or type and number).
    `doc_type`: "ke-hoach" or "cong-van". `recipients`: the "Kính gửi" list of a công văn (";"-separated; a default
    list otherwise).
    """

    province: str
    period: str
    theme: str
    focus: list[str] = field(default_factory=list)
    slogan: str = ""
    issuer: str = ""
    signer_title: str = ""
    signer_name: str = ""
    report_deadline: str = ""
    extra_instructions: str = ""
    sources: list[str] = field(default_factory=list)
    doc_type: str = "ke-hoach"
    recipients: str = ""

    def validated(self) -> DraftRequest:
        values = {name: clean_field(getattr(self, name)) for name in _MAX_FIELD}
        for name, label in (("province", "tỉnh/thành phố"), ("period", "thời gian"), ("theme", "chủ đề")):
            if not values[name]:
                raise DraftInputError(f"Thiếu {label} của kế hoạch.", f"Missing {name}.")
        for name, limit in _MAX_FIELD.items():
            if len(values[name]) > limit:
                raise DraftInputError(f"Trường «{name}» quá dài (tối đa {limit} ký tự).", f"{name} is too long.")
        province = resolve_province(values["province"])
        if not province:
            raise DraftInputError(f"Không nhận ra tỉnh/thành phố «{values['province']}».",
                                  f"Unknown province {values['province']!r}.")
        focus = [clean_field(item) for item in self.focus for item in str(item).split(";") if clean_field(item)]
        if len(focus) > _MAX_FOCUS or any(len(item) > 200 for item in focus):
            raise DraftInputError(f"Tối đa {_MAX_FOCUS} lĩnh vực trọng tâm, mỗi lĩnh vực dưới 200 ký tự.",
                                  "Too many or too long focus areas.")
        sources = list(dict.fromkeys(clean_field(s) for s in self.sources if clean_field(s)))
        if len(sources) > _MAX_SOURCES:
            raise DraftInputError(f"Tối đa {_MAX_SOURCES} văn bản nguồn.", "Too many source documents.")
        doc_type = clean_field(self.doc_type).lower() or "ke-hoach"
        if doc_type not in DOC_KINDS:
            raise DraftInputError(f"Loại văn bản «{doc_type}» chưa hỗ trợ (ke-hoach, cong-van).",
                                  f"Unsupported doc_type {doc_type!r} (ke-hoach, cong-van).")
        values.update(province=province, focus=focus, sources=sources, doc_type=doc_type,
                      issuer=values["issuer"] or f"Ủy ban nhân dân {province_phrase(province)}")
        return DraftRequest(**values)

    @property
    def level(self) -> str:
        return "thành phố" if self.province in CITY_PROVINCES else "tỉnh"

    @property
    def place(self) -> str:
        return province_phrase(self.province)

    @property
    def by_ubnd(self) -> bool:
        return bool(re.match(rf"(?i){UBND}\b", self.issuer))

    def all_text(self) -> str:
        """Everything the user typed: their own numbers, dates and years are never "invented"."""
        return " ".join([self.province, self.period, self.theme, self.slogan, self.issuer, self.signer_title,
                         self.signer_name, self.report_deadline, self.extra_instructions, self.recipients,
                         *self.focus])


@dataclass
class SheetItem:
    """One fact of the task sheet, with the citation it came from.

    kind: basis | content | target | time | report | duty | reward | funding | subject.
    `lead`: the lead-in line the item is listed under ("... đạt các tiêu chuẩn sau:"), `context`: its heading labels.
    """

    id: str
    kind: str
    text: str
    source: str
    doc_number: str = ""
    section: str = ""
    page: int | None = None
    context: str = ""
    lead: str = ""
    agency: str = ""
    deadline: str = ""

    def citation(self) -> dict:
        return {"source": self.source, "doc_number": self.doc_number, "section": self.section, "page": self.page}

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "text": self.text, "agency": self.agency, "context": self.context,
                "deadline": self.deadline, "citation": self.citation()}


KIND_LABELS = {"basis": "Căn cứ", "content": "Nội dung", "target": "Chỉ tiêu", "time": "Thời gian",
               "report": "Báo cáo", "duty": "Nhiệm vụ", "reward": "Khen thưởng", "funding": "Kinh phí",
               "subject": "Đối tượng", "enactment": "Điều khoản thi hành",
               "council": "Thành phần Hội đồng cấp ban hành"}
# What a source says of itself, not of the work (its bases, its enacting clauses, its own council's members): never a
# line to carry or copy.
OF_ITSELF = ("basis", "enactment", "council")


@dataclass
class SourceDoc:
    """A chosen source: its library record fields and its role (directive, legal basis or format reference)."""

    source: str
    doc_number: str
    title: str
    issuer: str
    date: str
    doc_type: str
    province: str
    role: str  # "directive" | "format" | "law"
    level: str = ""


@dataclass
class TaskSheet:
    sources: list[SourceDoc] = field(default_factory=list)
    items: list[SheetItem] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)  # the sources' Mục đích text: examples for the model
    requirements: list[str] = field(default_factory=list)  # their Yêu cầu text, apart: one would crowd out the other

    def of(self, *kinds: str) -> list[SheetItem]:
        return [item for item in self.items if item.kind in kinds]

    def text(self) -> str:
        return "\n".join(item.text for item in self.items)

    def to_dict(self) -> dict:
        return {"sources": [s.__dict__ for s in self.sources], "items": [i.to_dict() for i in self.items]}


@dataclass
class CoverageRow:
    item: SheetItem
    section: str  # "II", "III", "opening", "body" or NOT_PLACED
    line: int | None  # 1-based line inside the section

    @property
    def placed(self) -> bool:
        return self.section != NOT_PLACED

    def where(self) -> str:
        if not self.placed:
            return NOT_PLACED
        name = "Phần mở đầu" if self.section == "opening" else (
            "Nội dung" if self.section == "body" else f"Mục {self.section}")
        return f"{name}, dòng {self.line}"

    def to_dict(self) -> dict:
        return {**self.item.to_dict(), "placed": self.placed, "section": self.section, "line": self.line,
                "where": self.where()}


@dataclass
class DraftHeader:
    issuer_lines: list[str]
    number: str
    place_date: str
    kind: str  # "KẾ HOẠCH"; "" for a công văn (no tên loại)
    summary: str


@dataclass
class DraftSection:
    key: str
    title: str
    text: str
    sources: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "text": self.text, "sources": self.sources}


def is_subheading(line: str) -> bool:
    """Numbered headings ("1. Mục đích", "3. Sở Nội vụ (...)") are printed bold; numbered items end with ";" or "."."""
    return bool(re.match(r"^\d+\.\s", line)) and len(line) <= 120 and not re.search(r"[.;:]$", line)


@dataclass
class Draft:
    request: DraftRequest
    header: DraftHeader
    sections: list[DraftSection]
    recipients: list[str]
    signer_lines: list[str]
    signer_name: str
    timings: dict = field(default_factory=dict)
    doc_type: str = "ke-hoach"
    addressees: list[str] = field(default_factory=list)  # "Kính gửi" of a công văn
    sheet: TaskSheet | None = None
    coverage: list[CoverageRow] = field(default_factory=list)
    extra_warnings: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [*self.extra_warnings, *(w for section in self.sections for w in section.warnings)]

    def section(self, key: str) -> DraftSection:
        return next(section for section in self.sections if section.key == key)

    def missing(self) -> list[CoverageRow]:
        return [row for row in self.coverage if not row.placed]

    def coverage_markdown(self) -> str:
        """The coverage matrix as a Markdown table (appendix of the Markdown, panel of the web app)."""
        if not self.coverage:
            return ""
        rows = ["| # | Loại | Nội dung từ văn bản nguồn | Nguồn | Vị trí trong bản thảo |", "|---|---|---|---|---|"]
        for n, row in enumerate(self.coverage, start=1):
            text = row.item.text if len(row.item.text) <= 140 else row.item.text[:137].rsplit(" ", 1)[0] + " …"
            cite = " ".join(p for p in (row.item.doc_number or row.item.source,
                                        row.item.section.split(" > ")[0] if row.item.section else "") if p)
            where = row.where() if row.placed else f"**{row.where()}**"
            rows.append(f"| {n} | {KIND_LABELS.get(row.item.kind, row.item.kind)} | {_cell(text)} | {_cell(cite)} "
                        f"| {where} |")
        return "\n".join(rows)

    def markdown(self, *, appendix: bool = False) -> str:
        head = self.header
        if self.doc_type == "cong-van":
            out = ["  \n".join(f"**{line}**" for line in head.issuer_lines) + f"  \n{head.number}  \n{head.summary}",
                   f"**{QUOC_HIEU}**  \n**{TIEU_NGU}**", f"*{head.place_date}*",
                   "Kính gửi:  \n" + "  \n".join(f"- {item}" for item in self.addressees)]
        else:
            out = ["  \n".join(f"**{line}**" for line in head.issuer_lines) + f"  \n{head.number}",
                   f"**{QUOC_HIEU}**  \n**{TIEU_NGU}**", f"*{head.place_date}*", f"# {head.kind}",
                   f"**{head.summary}**"]
        for section in self.sections:
            if section.key not in ("opening", "body"):
                out.append(f"## {section.title}")
            out.extend(f"**{line}**" if is_subheading(line) else line for line in section.text.split("\n") if line)
        out.append("**Nơi nhận:**  \n" + "  \n".join(f"- {item}" for item in self.recipients))
        out.append("  \n".join(f"**{line}**" for line in self.signer_lines) + f"  \n  \n**{self.signer_name}**")
        if appendix and self.coverage:
            out += ["---", "### Phụ lục: đối chiếu nội dung văn bản nguồn (không in khi trình ký)",
                    self.coverage_markdown()]
        return "\n\n".join(out) + "\n"

    def to_dict(self) -> dict:
        return {"doc_type": self.doc_type, "markdown": self.markdown(),
                "sections": [section.to_dict() for section in self.sections], "warnings": self.warnings,
                "timings": self.timings, "sources": [s.__dict__ for s in self.sheet.sources] if self.sheet else [],
                "coverage": [row.to_dict() for row in self.coverage],
                "coverage_complete": all(row.placed or row.section for row in self.coverage),
                "missing": [row.item.id for row in self.missing()]}


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")
