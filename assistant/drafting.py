"""Drafting a "Kế hoạch phát động phong trào thi đua", outline-first.

The structure (header, legal bases, I/II/III, fixed responsibilities, Nơi nhận, signer) is built in code; the LLM only
adapts short example passages, retrieved section by section from the library, to the province, period and theme
(the embedded 1.5B model copies well and composes poorly). Every generated section then goes through
`assistant.verification` so that no document number, date or other province slips in unchecked.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from langchain_core.messages import HumanMessage, SystemMessage

from core.errors import DraftInputError
from assistant.prompts import render_prompt
from assistant.verification import PLACEHOLDER, KnownFacts, verify_text
from core.vietnamese import (
    CITY_PROVINCES,
    DOC_TYPE_BY_SLUG,
    find_doc_numbers,
    find_provinces,
    number_key,
    province_phrase,
    resolve_province,
    same_place,
    short_date,
)

Progress = Callable[[str, int, int], None]

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
SECTION_TITLES = {
    "opening": "Căn cứ ban hành",
    "I": "I. MỤC ĐÍCH, YÊU CẦU",
    "II": "II. NỘI DUNG THI ĐUA",
    "III": "III. TỔ CHỨC THỰC HIỆN",
}
SECTION_ORDER = ("opening", "I", "II", "III")

# Input limits of the drafting form (characters per field, focus areas).
_MAX_FIELD = {"province": 60, "period": 120, "theme": 500, "slogan": 200, "issuer": 200, "signer_title": 120,
              "signer_name": 80, "report_deadline": 60, "extra_instructions": 1000}
_MAX_FOCUS = 6


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


@dataclass
class DraftRequest:
    """What staff type in the drafting form; `validated()` normalises it or raises DraftInputError."""

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

    def validated(self) -> DraftRequest:
        values = {name: _clean(getattr(self, name)) for name in _MAX_FIELD}
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
        focus = [_clean(item) for item in self.focus for item in str(item).split(";") if _clean(item)]
        if len(focus) > _MAX_FOCUS or any(len(item) > 200 for item in focus):
            raise DraftInputError(f"Tối đa {_MAX_FOCUS} lĩnh vực trọng tâm, mỗi lĩnh vực dưới 200 ký tự.",
                                  "Too many or too long focus areas.")
        values.update(province=province, focus=focus,
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
        return self.issuer.casefold().startswith("ủy ban nhân dân")

    def all_text(self) -> str:
        """Everything the user typed: their own numbers, dates and years are never "invented"."""
        return " ".join([self.province, self.period, self.theme, self.slogan, self.issuer, self.signer_title,
                         self.signer_name, self.report_deadline, self.extra_instructions, *self.focus])


@dataclass
class DraftHeader:
    issuer_lines: list[str]
    number: str
    place_date: str
    kind: str
    summary: str


@dataclass
class DraftSection:
    key: str
    title: str
    text: str
    sources: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"title": self.title, "text": self.text, "sources": self.sources}


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

    @property
    def warnings(self) -> list[str]:
        return [warning for section in self.sections for warning in section.warnings]

    def section(self, key: str) -> DraftSection:
        return next(section for section in self.sections if section.key == key)

    def markdown(self) -> str:
        head = self.header
        out = ["  \n".join(f"**{line}**" for line in head.issuer_lines) + f"  \n{head.number}",
               f"**{QUOC_HIEU}**  \n**{TIEU_NGU}**", f"*{head.place_date}*", f"# {head.kind}", f"**{head.summary}**"]
        for section in self.sections:
            if section.key != "opening":
                out.append(f"## {section.title}")
            out.extend(f"**{line}**" if is_subheading(line) else line for line in section.text.split("\n") if line)
        out.append("**Nơi nhận:**  \n" + "  \n".join(f"- {item}" for item in self.recipients))
        out.append("  \n".join(f"**{line}**" for line in self.signer_lines) + f"  \n  \n**{self.signer_name}**")
        return "\n\n".join(out) + "\n"

    def to_dict(self) -> dict:
        return {"markdown": self.markdown(), "sections": [section.to_dict() for section in self.sections],
                "warnings": self.warnings, "timings": self.timings}


@dataclass(frozen=True)
class _Part:
    """One LLM call: which example sections to copy from (regexes on Chunk.section, best first) and the task."""

    prompt: str
    sections: tuple[str, ...]
    query: str


_PARTS = {
    "muc_dich": _Part("draft_muc_dich", (r"(?i)>\s*\d+\.\s*Mục đích", r"(?i)^[IVX]+\.\s*MỤC ĐÍCH"),
                      "mục đích phong trào thi đua"),
    "yeu_cau": _Part("draft_yeu_cau", (r"(?i)>\s*\d+\.\s*Yêu cầu", r"(?i)^[IVX]+\.\s*MỤC ĐÍCH"),
                     "yêu cầu tổ chức phong trào thi đua"),
    "noi_dung_chu_de": _Part("draft_noi_dung_chu_de", (r"^[IVX]+\.[^>]*NỘI DUNG",), "nội dung thi đua"),
    "noi_dung_trong_tam": _Part("draft_noi_dung_trong_tam", (r"^[IVX]+\.[^>]*NỘI DUNG",), "thi đua"),
    "trach_nhiem": _Part("draft_trach_nhiem", (r"^[IVX]+\.[^>]*(?:TỔ CHỨC THỰC HIỆN|TRÁCH NHIỆM)",),
                         "tổ chức thực hiện trách nhiệm sở ban ngành ủy ban nhân dân xã phường"),
    "khen_thuong": _Part("draft_khen_thuong", (r"^[IVX]+\.[^>]*KHEN THƯỞNG", r"(?i)khen thưởng"),
                         "hình thức khen thưởng tiêu chuẩn"),
}

# Legal bases: references cited inside library passages ("Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị về …").
_KINDS = "Luật|Nghị quyết|Nghị định|Chỉ thị|Quyết định|Kế hoạch|Hướng dẫn|Kết luận|Thông tư"
_REF_RE = re.compile(rf"(?P<kind>{_KINDS})\s+(?:s[oố]\s+)?(?P<num>\d{{1,5}}(?:/\d{{4}})?[/-][A-ZĐ][\wĐđ/-]*)"
                     rf"(?P<rest>(?:(?!(?:{_KINDS})\s+s[oố]\s)[^;\n])*)")  # up to the next reference
_LAW_RE = re.compile(r"Luật\s+(?P<name>[A-ZĐ][\wÀ-ỹ]*(?:,?\s+[\wÀ-ỹ]+){0,8}?)\s+"
                     r"(?P<tail>số\s+\d+/\d{4}/QH\d+|ngày\s+\d{1,2}/\d{1,2}/\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_REST_END = re.compile(rf"\.\s|\.$|\s*\(|:|,\s*(?:{_KINDS})\s|\s+và\s+(?:{_KINDS})\s|\s+(?:{_KINDS})\s+s[oố]\s")
_LOCAL_CODE = re.compile(r"UBND|HĐND|TU\b|BCĐ|UBBC|MTTQ")
# Document types that can stand as a legal basis of a plan.
_BASIS_TYPES = {"ke-hoach", "chi-thi", "nghi-quyet", "nghi-dinh", "quyet-dinh", "huong-dan", "thong-tu", "luat"}
_NATIONAL_ISSUERS = re.compile(r"Chính phủ|Thủ tướng|Quốc hội|Bộ Chính trị|Trung ương|Bộ Nội vụ")
_STOP = set("thi đua phong trào kế hoạch của và các năm tỉnh thành phố về trên địa bàn ubnd ủy ban nhân dân "
            "phát động lần thứ đảng với cho trong theo thực hiện tổ chức triển khai khen thưởng công tác nhiệm vụ "
            "quy định cấp có một những".split())


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\wÀ-ỹ]+", text.casefold()) if len(w) > 1 and w not in _STOP}


def _tier(kind: str, number: str) -> int:
    """Order of legal bases: laws, Party centre, Government, ministries, then local Party/HĐND/UBND."""
    if kind == "Luật":
        return 0
    if re.search(r"TW$", number):
        return 1
    if re.search(r"CP$|TTg$|QH\d*$", number):
        return 2
    return 4 if _LOCAL_CODE.search(number) else 3


@dataclass
class _Basis:
    key: str
    line: str
    tier: int
    score: float
    source: dict = field(default_factory=dict)
    pref: tuple = ()  # which rendering wins: library metadata, then the province's own wording, then the fuller one
    docs: set = field(default_factory=set)
    own: bool = False  # cited by (or issued in) the target province: wins ties

    def merge(self, other: _Basis) -> None:
        """The same document cited again: cited by more documents scores higher; the preferred rendering is kept."""
        new_doc = not other.docs <= self.docs
        self.score = max(self.score, other.score) + new_doc
        self.docs |= other.docs
        self.own |= other.own
        if other.pref > self.pref:
            self.line, self.source, self.pref = other.line, other.source, other.pref


def _trim(text: str, limit: int) -> str:
    """Cut at a sentence (or word) boundary under `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("; "), cut.rfind(".\n"))
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0]  # no "…": the model would copy it


def _source(hit_or_chunk) -> dict:
    chunk = getattr(hit_or_chunk, "chunk", hit_or_chunk)
    return {"source": chunk.source, "title": chunk.metadata.title, "doc_number": chunk.metadata.doc_number,
            "section": chunk.section}


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        key = tuple(sorted(item.items()))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def summary_line(request: DraftRequest) -> str:
    """Trích yếu: the theme, led by what the plan does, with the period when the theme does not already say it."""
    theme = re.sub(r"^kế hoạch\s+", "", request.theme, flags=re.IGNORECASE)
    theme = re.sub(r"\s+của\s+(?:UBND|Ủy ban nhân dân)\s+(?:tỉnh|thành phố)(?:\s+" + re.escape(request.province)
                   + r")?", "", theme)
    if not re.match(r"(?i)(phát động|triển khai|tổng kết|tổ chức|thực hiện)", theme):
        theme = f"phát động phong trào thi đua {theme[:1].lower()}{theme[1:]}"
    period = re.sub(r"\s*\([^)]*\)", "", request.period).strip()
    if period.casefold() not in theme.casefold():
        theme = f"{theme} {period}" if re.match(r"(?i)(năm|giai đoạn)", period) else f"{theme} ({period})"
    return theme[:1].upper() + theme[1:]


def parse_revision(instruction: str) -> tuple[str, str]:
    """("II", "chuyển đổi số") from "viết lại mục II, thêm nội dung về chuyển đổi số"."""
    text = _clean(instruction)
    found = re.search(r"(?i)\b(?:mục|phần)\s+(III|II|I|3|2|1)\b", text)
    if found:
        key = {"1": "I", "2": "II", "3": "III"}.get(found.group(1), found.group(1).upper())
    else:
        named = [(r"(?i)mục đích|yêu cầu", "I"), (r"(?i)nội dung", "II"), (r"(?i)tổ chức thực hiện|trách nhiệm", "III")]
        key = next((k for pattern, k in named if re.search(pattern, text)), "")
    if not key:
        raise DraftInputError("Không xác định được mục cần viết lại (I, II hoặc III).",
                              "Could not tell which section (I, II or III) to rewrite.")
    topic = re.search(r"(?i)thêm\s+(?:nội dung|ý|phần)?\s*(?:về)?\s*(.+)", text)
    return key, _clean(topic.group(1)).rstrip(".") if topic else ""


class PlanDrafter:
    """Drafts and revises plans from the library's example plans and legal documents."""

    def __init__(self, library, chat_model, settings):
        self.library = library
        self.chat_model = chat_model
        self.settings = settings
        self._known: tuple[int, KnownFacts] | None = None
        self._lock = threading.Lock()  # one draft at a time: the embedded LLM generates one reply at a time anyway

    # -- public ---------------------------------------------------------------------------------------------------
    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        request = request.validated()
        with self._lock:
            return self._draft(request, progress)

    def revise(self, draft: Draft, instruction: str, progress: Progress | None = None) -> Draft:
        """Regenerate the one section the instruction names; every other section stays byte-identical."""
        key, topic = parse_revision(instruction)
        with self._lock:
            return self._revise(draft, key, topic, _clean(instruction), progress)

    def _draft(self, request: DraftRequest, progress: Progress | None) -> Draft:
        started = time.perf_counter()
        self._timings = {"retrieval_s": 0.0, "llm_s": 0.0, "llm_calls": 0, "sections": {}}
        sections = []
        for index, key in enumerate(SECTION_ORDER, start=1):
            if progress:
                progress(SECTION_TITLES[key], index, len(SECTION_ORDER))
            sections.append(self._build(key, request, ""))
        self._timings["total_s"] = round(time.perf_counter() - started, 2)
        return Draft(request, self._header(request), sections, self._recipients(request),
                     self._signer_lines(request), request.signer_name or "……………………", self._rounded())

    def _revise(self, draft: Draft, key: str, topic: str, instruction: str, progress: Progress | None) -> Draft:
        started = time.perf_counter()
        self._timings = {"retrieval_s": 0.0, "llm_s": 0.0, "llm_calls": 0, "sections": {}}
        if progress:
            progress(SECTION_TITLES[key], 1, 1)
        request = draft.request
        if topic and key == "II":
            request = replace(request, focus=[*request.focus, topic])
        new = self._build(key, request, instruction)
        self._timings["total_s"] = round(time.perf_counter() - started, 2)
        sections = [new if section.key == key else section for section in draft.sections]
        return replace(draft, sections=sections, timings={**self._rounded(), "revised": key})

    # -- sections -------------------------------------------------------------------------------------------------
    def _build(self, key: str, request: DraftRequest, instruction: str) -> DraftSection:
        started = time.perf_counter()
        builder = {"opening": self._opening, "I": self._section_i, "II": self._section_ii,
                   "III": self._section_iii}[key]
        lines, sources, warnings = builder(request, instruction)
        label = "Phần mở đầu" if key == "opening" else f"Mục {key}"
        years_from = None if key == "opening" else request.all_text()  # legal bases cite older years by nature
        text, checked = verify_text("\n".join(lines), self._known_facts().with_text(request.all_text()),
                                    request.province, label, years_from)
        self._timings["sections"][key] = round(time.perf_counter() - started, 2)
        return DraftSection(key, SECTION_TITLES[key], text, _unique(sources), warnings + checked)

    def _opening(self, request: DraftRequest, instruction: str):
        bases, sources = self._legal_bases(request)
        warnings = [] if bases else ["Phần mở đầu: thư viện không có văn bản làm căn cứ phù hợp, cần bổ sung."]
        slogan = f" với chủ đề “{request.slogan}”" if request.slogan else ""
        summary = summary_line(request)
        intro = f"{request.issuer} ban hành Kế hoạch {summary[:1].lower()}{summary[1:]}{slogan}, cụ thể như sau:"
        return [f"Căn cứ {line};" for line in bases] + [intro], sources, warnings

    def _section_i(self, request: DraftRequest, instruction: str):
        lines, sources, warnings = [], [], []
        for heading, part in (("1. Mục đích", "muc_dich"), ("2. Yêu cầu", "yeu_cau")):
            items, used, notes = self._generate(part, request, instruction)
            lines += [heading, *(f"- {item}" for item in _punctuate(items))]
            sources += used
            warnings += notes
        return lines, sources, warnings

    def _section_ii(self, request: DraftRequest, instruction: str):
        items, sources, warnings = self._generate("noi_dung_chu_de", request, instruction)
        if request.focus:  # no focus areas: the theme's contents alone, one LLM call saved
            more, used, notes = self._generate("noi_dung_trong_tam", request, instruction)
            seen = {frozenset(_words(item)) for item in items}
            items += [item for item in more if frozenset(_words(item)) not in seen]
            sources, warnings = sources + used, warnings + notes
        intro = (f"Các sở, ban, ngành, đoàn thể {request.level}, Ủy ban nhân dân các xã, phường (sau đây gọi chung là "
                 f"cơ quan, đơn vị, địa phương) tập trung thi đua thực hiện tốt các nội dung chủ yếu sau:")
        numbered = [f"{n}. {item}" for n, item in enumerate(_punctuate(items), start=1)]
        return [intro, *numbered], sources, warnings

    def _section_iii(self, request: DraftRequest, instruction: str):
        interior = self._interior_unit(request)
        values = {"level": request.level, "place": request.place,
                  "summary": summary_line(request)[:1].lower() + summary_line(request)[1:],
                  "deadline": re.sub(r"(?i)^ngày\s+", "", request.report_deadline) or "… tháng … năm …"}
        duties, sources, warnings = self._generate("trach_nhiem", request, instruction)
        rewards, used, notes = self._generate("khen_thuong", request, instruction)
        lines = ["1. Các sở, ban, ngành, Ủy ban nhân dân các xã, phường",
                 *(f"- {item}" for item in _punctuate(duties)),
                 f"2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam {request.level} và các tổ chức chính trị - xã hội",
                 *self._fixed("draft_fixed_mttq", values),
                 f"3. {interior}", *self._fixed("draft_fixed_noi_vu", values),
                 "4. Khen thưởng", *(f"- {item}" for item in _punctuate(rewards)),
                 "5. Chế độ báo cáo", *self._fixed("draft_fixed_bao_cao", values),
                 *self._fixed("draft_fixed_ket_thuc", values)]
        if not request.report_deadline:
            warnings.append("Mục III: chưa có hạn báo cáo, đã để trống «…» để điền.")
        return lines, sources + used, warnings + notes

    # -- LLM ------------------------------------------------------------------------------------------------------
    def _generate(self, part_key: str, request: DraftRequest, instruction: str):
        """(items, sources, warnings) for one sub-section: retrieve examples, one short LLM call, clean the lines."""
        part = _PARTS[part_key]
        hits = self._examples(part, request, instruction)
        examples = "\n".join(hit.chunk.text for hit in hits)
        details = [f"Lĩnh vực trọng tâm: {'; '.join(request.focus)}." if request.focus else "",
                   f"Khẩu hiệu/chủ đề năm: {request.slogan}." if request.slogan else "",
                   f"Lưu ý: {request.extra_instructions}" if request.extra_instructions else "",
                   f"Yêu cầu sửa: {instruction}" if instruction else ""]
        task = render_prompt(part.prompt, self.settings.prompts_dir, place=request.place,
                             focus="; ".join(request.focus)).strip()
        prompt = render_prompt("draft_section", self.settings.prompts_dir, issuer=request.issuer,
                               period=request.period, theme=request.theme, place=request.place,
                               details="\n".join(d for d in details if d), examples=examples or "(không có)", task=task)
        system = render_prompt("draft_system", self.settings.prompts_dir).strip()
        started = time.perf_counter()
        reply = self.chat_model.invoke([SystemMessage(content=system), HumanMessage(content=prompt)],
                                       max_tokens=self.settings.draft_max_output_tokens)
        self._timings["llm_s"] += time.perf_counter() - started
        self._timings["llm_calls"] += 1
        usage = getattr(reply, "usage_metadata", None) or {}
        for name in ("input_tokens", "output_tokens"):
            self._timings[name] = self._timings.get(name, 0) + int(usage.get(name) or 0)
        items = clean_items(_content(reply))
        warnings = []
        if not items:
            items = clean_items(examples)[:3]
            warnings.append(f"Phần «{part_key}»: mô hình không trả lời được, đã chép đoạn mẫu — cần biên tập lại.")
        elif sum(len(item) for item in items) < self.settings.draft_thin_section_chars:
            seen = {frozenset(_words(item)) for item in items}
            extra = [item for item in clean_items(examples)  # whole example lines only, not ones cut by the budget
                     if frozenset(_words(item)) not in seen and re.search(r"[.;!?]$", item)]
            items += extra[:max(1, 3 - len(items))]
            if extra:
                warnings.append(f"Phần «{part_key}»: mô hình viết quá ngắn, đã bổ sung ý từ văn bản mẫu — cần biên tập.")
        return items, [_source(hit) for hit in hits], warnings

    def _examples(self, part: _Part, request: DraftRequest, instruction: str) -> list:
        """Section-aware retrieval: passages under the matching heading of example plans, own province first."""
        query = " ".join([part.query, request.theme, *request.focus, instruction])
        started = time.perf_counter()
        hits = self.library.search(query, k=self.settings.retrieval_candidates)
        self._timings["retrieval_s"] += time.perf_counter() - started
        chosen = []
        for pattern in part.sections:
            matching = [h for h in hits if re.search(pattern, h.chunk.section) and h not in chosen]
            matching.sort(key=lambda h: (h.chunk.metadata.doc_type != "ke-hoach",
                                         not same_place(h.chunk.metadata.province or "-", request.province)))
            chosen += matching
        budget, out = self.settings.draft_example_chars, []
        for hit in chosen or hits[:2]:
            if budget <= 150:
                break
            text = _trim(hit.chunk.text, budget)
            out.append(replace(hit, chunk=replace(hit.chunk, text=text)))
            budget -= len(text)
        return out

    # -- legal bases ----------------------------------------------------------------------------------------------
    def _legal_bases(self, request: DraftRequest) -> tuple[list[str], list[dict]]:
        """"Căn cứ" lines only from the library: its own documents (metadata) and references its passages cite."""
        theme_words = _words(" ".join([request.theme, *request.focus]))
        found: dict[str, _Basis] = {}
        for record in self.library.documents():
            meta = record.metadata
            kind = DOC_TYPE_BY_SLUG[meta.doc_type].name if meta.doc_type in _BASIS_TYPES else ""
            own = same_place(meta.province or "-", request.province)
            national = not meta.province and _NATIONAL_ISSUERS.search(meta.issuer or "")
            overlap = len(theme_words & _words(meta.title))
            if not (kind and meta.doc_number and (own or national) and overlap >= 3):
                continue
            rest = re.sub(rf"^{kind}\s+(?:số\s+)?{re.escape(meta.doc_number)}\s*", "", meta.title)
            rest = re.sub(r"\s*\([^)]*\)", "", rest).strip()  # "(số)", curator's notes
            date = short_date(meta.date)
            line = " ".join(filter(None, [f"{kind} số {meta.doc_number}", f"ngày {date}" if date else "",
                                          f"của {meta.issuer}" if meta.issuer else "", rest]))
            source = {"source": record.source, "title": meta.title, "doc_number": meta.doc_number, "section": ""}
            found[number_key(meta.doc_number)] = _Basis(number_key(meta.doc_number), line, _tier(kind, meta.doc_number),
                                                        10 + overlap, source, (1,), {record.source}, own)
        for chunk in self._basis_chunks(request):
            own = same_place(chunk.metadata.province or "-", request.province)
            for basis in _cited_bases(chunk.text, request.province, own, theme_words):
                basis.source, basis.docs, basis.own = _source(chunk), {chunk.source}, own
                basis.pref = (0, own, len(basis.line))
                if basis.key in found:
                    found[basis.key].merge(basis)
                else:
                    found[basis.key] = basis
        chosen = sorted(found.values(), key=lambda b: (-b.score, not b.own))[:self.settings.draft_max_bases]
        chosen.sort(key=lambda b: (b.tier, -b.score))
        return [b.line for b in chosen], [b.source for b in chosen]

    def _basis_chunks(self, request: DraftRequest) -> list:
        """Passages that cite legal bases: the province's own plans and the best hits for the theme."""
        started = time.perf_counter()
        chunks = []
        for query in (f"căn cứ {request.theme}", "Căn cứ Luật Thi đua, khen thưởng; Chỉ thị về công tác thi đua"):
            chunks += [hit.chunk for hit in self.library.search(query, k=10)]
        for record in self.library.documents():
            if record.metadata.doc_type == "ke-hoach" and same_place(record.metadata.province or "-",
                                                                     request.province):
                chunks += list(self.library.iter_chunks(record.source))
        self._timings["retrieval_s"] += time.perf_counter() - started
        return chunks

    # -- fixed parts ----------------------------------------------------------------------------------------------
    def _known_facts(self) -> KnownFacts:
        count = self.library.chunk_count()
        if self._known is None or self._known[0] != count:
            self._known = (count, KnownFacts.from_library(self.library))
        return self._known[1]

    def _interior_unit(self, request: DraftRequest) -> str:
        """"Sở Nội vụ (Phòng …)" as the province's own plans name it; the usual unit otherwise."""
        names: Counter[str] = Counter()
        for record in self.library.documents():
            if same_place(record.metadata.province or "-", request.province):
                for chunk in self.library.iter_chunks(record.source):
                    names.update(re.findall(r"Sở Nội vụ \((?:qua )?((?:Phòng|Ban) [^)]{3,40})\)", chunk.text))
        return f"Sở Nội vụ ({names.most_common(1)[0][0]})" if names else "Sở Nội vụ (Ban Thi đua - Khen thưởng)"

    def _fixed(self, name: str, values: dict) -> list[str]:
        text = render_prompt(name, self.settings.prompts_dir, **values)
        return [line.strip() for line in text.split("\n") if line.strip()]

    def _header(self, request: DraftRequest) -> DraftHeader:
        issuer = request.issuer
        if request.by_ubnd:
            lines = ["ỦY BAN NHÂN DÂN", issuer[len("Ủy ban nhân dân"):].strip().upper()]
        else:
            lines = [issuer.upper()]
        code = "KH-UBND" if request.by_ubnd else "KH-…"
        return DraftHeader(lines, f"Số: {PLACEHOLDER}/{code}", f"{request.province}, ngày … tháng … năm …",
                           "KẾ HOẠCH", summary_line(request))

    def _recipients(self, request: DraftRequest) -> list[str]:
        values = {"level": request.level, "party": "Thành ủy" if request.level == "thành phố" else "Tỉnh ủy"}
        return self._fixed("draft_fixed_noi_nhan", values)

    @staticmethod
    def _signer_lines(request: DraftRequest) -> list[str]:
        title = request.signer_title
        if re.match(r"(?i)(tm|kt|tl|tuq)\.", title):
            return [line.strip().upper() for line in re.split(r"\s*(?:\n|/|;)\s*", title) if line.strip()]
        if not request.by_ubnd:
            return [title.upper() or "THỦ TRƯỞNG CƠ QUAN"]
        if "phó" in title.casefold():
            return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", title.upper()]
        return ["TM. ỦY BAN NHÂN DÂN", title.upper() or "CHỦ TỊCH"]

    def _rounded(self) -> dict:
        timings = dict(self._timings)
        timings["retrieval_s"] = round(timings["retrieval_s"], 2)
        timings["llm_s"] = round(timings["llm_s"], 2)
        return timings


def _cited_bases(text: str, province: str, own_province: bool, theme_words: set[str]) -> list[_Basis]:
    """References a passage cites, rendered as "Chỉ thị số … ngày … của … về …", scored by how often and by whom
    they are cited and whether they concern thi đua or the theme; other provinces' local documents are dropped."""
    out, base = [], 2 if own_province else 1
    for match in _LAW_RE.finditer(text):
        name = f"Luật {match.group('name')}"
        about_thi_dua = "thi đua" in name.casefold()
        if about_thi_dua or _words(name) - {"luật"} & theme_words:
            out.append(_Basis(name.casefold(), f"{name} {match.group('tail')}", 0, base + 2 * about_thi_dua))
    for match in _REF_RE.finditer(text):
        number, kind = match.group("num").rstrip("-/"), match.group("kind")
        if kind == "Luật" or (_LOCAL_CODE.search(number) and not own_province):
            continue
        rest = _REST_END.split(match.group("rest"), maxsplit=1)[0].strip(" ,")
        rest = re.sub(r"\s+(?:và|cùng)$", "", rest)
        rest = re.sub(r"(Tỉnh ủy|Thành ủy|HĐND tỉnh|UBND tỉnh|Ủy ban nhân dân tỉnh)(?=\s+về|$)", rf"\1 {province}", rest)
        line = _trim(f"{kind} số {number} {rest}".strip(), 260)
        if any(not same_place(p, province) for p in find_provinces(line)) or not find_doc_numbers(line):
            continue
        score = base + ("thi đua" in rest.casefold()) + (len(_words(rest) & theme_words) >= 2)
        out.append(_Basis(number_key(number), line, _tier(kind, number), score))
    return out


def _content(reply) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


_BULLET = re.compile(r"^(?:\s*(?:[-*•+–]|\d{1,2}[.)]|[a-zđ]\))\s*)+")
_REPEAT = re.compile(r"(?i)\b(\w+(?: \w+)?)(?:, \1\b)+")  # "tổ chức, tổ chức, tổ chức" -> "tổ chức"


def clean_items(text: str) -> list[str]:
    """One item per line from model output: bullets, numbering, Markdown, headings, repeats and cut-off tails dropped."""
    items: list[str] = []
    for raw in text.replace("\r", "").split("\n"):
        line = re.sub(r"[*#`_]+", "", raw).strip()
        if not line or line.startswith('"""') or re.match(r"^[IVX]+\.\s", line):
            continue
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line):  # the model sometimes drifts into Chinese
            continue
        line = _REPEAT.sub(r"\1", _BULLET.sub("", line).strip())
        line = line[:1].upper() + line[1:]
        letters = sum(ch.isalpha() for ch in line)
        if letters >= 12 and letters >= len(line) / 2 and not line.endswith(":") and line not in items:
            items.append(line)
    if items and (items[-1].endswith("…") or len(items) > 1 and not re.search(r"[.;!?]$", items[-1])):
        items.pop()  # cut off by the output-token limit
    return items


def _punctuate(items: list[str]) -> list[str]:
    """Administrative style: items end with ";" and the last with "."."""
    body = [item.rstrip(" .;,") for item in items]
    return [item + ("." if index == len(body) - 1 else ";") for index, item in enumerate(body)]
