"""PlanDrafter: drafts a Kế hoạch or a công văn, from the chosen source documents when there are any.

With sources, the task sheet (`sources.py`) is carried into sections II/III (or the công văn's body) by code, adapted
one level down (`levels.py`); the model only phrases Mục đích/Yêu cầu and smooths adapted sentences, and a rewrite
whose figures differ or that repeats itself is rejected (`checks.py`). Without sources, the model adapts short example
passages retrieved from the library, section by section. Every section then goes through `assistant.verification`:
numbers and dates must come from the sources, the user's input or a document cited in the opening.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.messages import HumanMessage, SystemMessage

from assistant.drafting import checks
from assistant.drafting.cleaning import (
    clean_items,
    content_words,
    drop_repeated_phrases,
    punctuate,
    restates,
    trim,
    words,
)
from assistant.drafting.compose import Piece, earlier, own_share, pieces, same_body, superior
from assistant.drafting.legal import (
    RELEVANT_SCORE,
    Basis,
    chunk_source,
    cited_bases,
    display_name,
    in_force,
    library_bases,
    library_laws,
    opening_lines,
    plan_years,
    record_line,
    running_title,
    theme_share,
    theme_words,
)
from assistant.drafting.levels import (NO_ADAPTATION, UBND, award_forms, below, interior_unit, internal_units,
                                      issuer_level, make_adapter, receiver, unit_phrase, without_province)
from assistant.drafting.models import (
    OF_ITSELF,
    SECTION_TITLES,
    Draft,
    DraftHeader,
    DraftRequest,
    DraftSection,
    SheetItem,
    SourceDoc,
    TaskSheet,
    clean_field,
)
from assistant.drafting.sources import extract_sheet, law_outline, places_named, resolve_sources, states_rules
from assistant.format_check.rules import load_rulebook
from assistant.prompts import render_prompt
from assistant.superseded import successor_by, successors
from assistant.verification import PLACEHOLDER, KnownFacts, verify_text
from core.errors import DraftInputError
from core.vietnamese import ADMIN_UNIT_WORD, YEAR_RE, body_of, number_key, number_keys, same_place, syllables

Progress = Callable[[str, int, int], None]
SECTION_ORDER = ("opening", "I", "II", "III")


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
}
_SECTION_OF_KIND = {"basis": "opening", "content": "II", "target": "II", "time": "II", "subject": "II",
                    "duty": "III", "reward": "III", "report": "III", "funding": "III"}


# What a plan's trích yếu opens with: what the plan does ("phát động phong trào …", "tổng kết …").
_LEAD_VERBS = "phát động|triển khai|tổng kết|tổ chức|thực hiện|tiếp tục|đề nghị|hưởng ứng"


def summary_line(request: DraftRequest) -> str:
    """Trích yếu: the theme, led by what the plan does, with the period when the theme does not already say it; no
    phrase said twice."""
    theme = re.sub(r"(?i)^(?:kế hoạch|công văn)\s+", "", request.theme)
    theme = re.sub(rf"(?i)^(?:của\s+)?(?:{UBND}|Sở)(?:\s+[^,;]*?)?"  # "của Sở Nội vụ", "của Sở" ("Sở" alone)
                   rf"\s+(?=(?:{_LEAD_VERBS}|thông báo|hướng dẫn|về)\b)", "", theme)
    theme = re.sub(rf"\s+của\s+{UBND}\s+(?:tỉnh|thành phố)(?:\s+" + re.escape(request.province)
                   + r")?", "", theme)
    theme = re.sub(r"(?i)^về\s+", "", theme)
    if request.doc_type == "ke-hoach" and not re.match(rf"(?i)(?:{_LEAD_VERBS})", theme):
        theme = re.sub(r"(?i)^(?:phong trào\s+)?thi đua\s+", "", theme)  # "thi đua chuyển đổi số": said once
        theme = f"phát động phong trào thi đua {theme[:1].lower()}{theme[1:]}"
    period = re.sub(r"\s*\([^)]*\)", "", request.period).strip()
    if period.casefold() not in theme.casefold() and request.doc_type == "ke-hoach":
        theme = f"{theme} {period}" if re.match(r"(?i)(năm|giai đoạn)", period) else f"{theme} ({period})"
    theme = drop_repeated_phrases(theme)
    return theme[:1].upper() + theme[1:]


def parse_revision(instruction: str) -> tuple[str, str]:
    """("II", "chuyển đổi số") from "viết lại mục II, thêm nội dung về chuyển đổi số"."""
    text = clean_field(instruction)
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
    return key, clean_field(topic.group(1)).rstrip(".") if topic else ""


def _content(reply) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        content = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        key = tuple(sorted((k, str(v)) for k, v in item.items()))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def org_code(issuer: str) -> str:
    """Abbreviation of the issuing body in a số ký hiệu: "UBND", "SNV" (Sở Nội vụ), "SVHTTDL"; "…" otherwise."""
    if re.match(rf"(?i){UBND}\b", issuer):
        return "UBND"
    match = re.match(r"(?i)sở\s+(.+?)(?:\s+(?:tỉnh|thành phố)\s+.*)?$", issuer)
    if match:
        syllables = [w for w in re.findall(r"[\wÀ-ỹ]+", match.group(1)) if w.casefold() != "và"]
        return "S" + "".join(w[0].upper() for w in syllables)
    return "…"


# Section II from a source: the kinds of task-sheet item it shows, under these headings, in this order.
# The task sheet's parts, as numbered paragraphs (title, item kinds): a plan's section II, a công văn's body.
_SECTION_II_PARTS = (("Đối tượng thi đua", ("subject",)), ("Nội dung thi đua", ("content",)),
                     ("Chỉ tiêu thi đua", ("target",)), ("Thời gian thực hiện", ("time",)))
_CONG_VAN_PARTS = (("Quán triệt, triển khai các nội dung thi đua:", ("subject", "content", "target")),
                   ("Thời gian thực hiện:", ("time",)), ("Tổ chức thực hiện:", ("duty",)), ("Khen thưởng:", ("reward",)),
                   ("Kinh phí:", ("funding",)))
# The year a time frame ends in: the first after its last "đến", "hết" or "trước" ("từ nay đến hết năm 2025" and
# "trước ngày 31 tháng 12 năm 2025" end in 2025; "từ tháng 10/2025 đến khi Đại hội thành công" names no end year).
_LAST_UNTIL = re.compile(r"(?i)\b(?:đến|hết|trước)\b(?!.*\b(?:đến|hết|trước)\b)(.*)", re.DOTALL)


_LIST_MARK = re.compile(r"-\s+")  # the mark a carried paragraph opens with ("- …", `compose.pieces`)
_INTERIOR_DUTY = re.compile(r"-?\s*Sở Nội vụ\s*:\s*")  # a carried duty labelled "- Sở Nội vụ: …"
# How a province's documents name the Sở Nội vụ's unit for thi đua work: "Sở Nội vụ (qua Phòng Xây dựng chính quyền)",
# or the unit first, "Phòng Thi đua, Khen thưởng Sở Nội vụ", "Ban Thi đua - Khen thưởng thuộc Sở Nội vụ".
_INTERIOR_UNIT = re.compile(r"Sở Nội vụ \((?:qua )?((?:Phòng|Ban) [^)]{3,40})\)"
                            r"|((?:Phòng|Ban) Thi đua\s*[,–-]?\s*[Kk]hen thưởng)\s*[,–-]?\s*(?:thuộc\s+)?Sở Nội vụ")


def _split_mark(text: str) -> tuple[str, str]:
    """(list mark, sentence): "- Tổ chức …" -> ("- ", "Tổ chức …"); ("", text) when there is none."""
    mark = _LIST_MARK.match(text)
    return (mark.group(0), text[mark.end():]) if mark else ("", text)


def ended_before(text: str, first_year: int | None) -> bool:
    """Whether a time frame ends in a year before `first_year`, the plan's first: the source's "từ nay đến hết năm
    2025" copied into a plan for năm 2026 would set its dates in the past."""
    until = _LAST_UNTIL.search(text)
    end = YEAR_RE.search(until.group(1)) if until else None
    return bool(first_year and end and int(end.group()) < first_year)


def _reports_to(directive: SourceDoc | None, level: str, issuer: str) -> bool:
    """Whether the drafter reports to the directive's issuer ("… (để báo cáo)" in Nơi nhận): a body above it, or one
    of unknown level, that is not the drafter or part of it. A body's plan on its own directive (a district's on the
    district's chỉ thị) or on its own unit's paper (a Sở's on its Phòng's) reports upwards."""
    return bool(directive) and not same_body(directive.issuer, issuer) and (
        not directive.level or below(level, directive.level))


@dataclass
class _Context:
    """Everything one draft needs besides the request: sheet, adapter, levels, allowed facts."""

    sheet: TaskSheet | None
    adapter: object  # what the sources state, one level down (as written when they state rules)
    own_adapter: object  # the issuer's own share of the duties, re-assigned to its units
    level: str
    unit: str
    superior: bool
    superior_name: str
    known: KnownFacts
    allowed: set
    places: frozenset = frozenset()  # provinces the sources name as facts ("Thủ đô Hà Nội"): never replaced
    laws: list = field(default_factory=list)  # the laws among the sources, cited first: "Luật … số … ngày …"
    law_items: list = field(default_factory=list)  # what section II says of them: quán triệt, phổ biến, its topics
    internal: re.Pattern | None = None  # what names the superior's own units (`internal_units`)

    def assignable(self, items: list[SheetItem]) -> list[SheetItem]:
        """The items less the duties and reports given to the superior's own units: those are its business, and the
        coverage table lists them as not placed."""
        return [item for item in items if not (self.internal and item.kind in ("duty", "report") and (
            self.internal.match(item.text) or self.internal.match(item.agency)))]


class PlanDrafter:
    """Drafts and revises plans and công văn from the chosen sources, the library's example plans and legal documents."""

    def __init__(self, library, chat_model, settings):
        self.library = library
        self.chat_model = chat_model
        self.settings = settings
        self._known: tuple[int, KnownFacts] | None = None
        self._lock = threading.Lock()  # one draft at a time: the embedded LLM generates one reply at a time anyway
        self._timings: dict = {}

    # -- public ---------------------------------------------------------------------------------------------------
    def draft(self, request: DraftRequest, progress: Progress | None = None) -> Draft:
        request = request.validated()
        with self._lock:
            return self._draft(request, progress)

    def revise(self, draft: Draft, instruction: str, progress: Progress | None = None) -> Draft:
        """Regenerate the one section the instruction names; every other section stays byte-identical."""
        key, topic = parse_revision(instruction)
        if draft.doc_type == "cong-van":
            key = "body"
        with self._lock:
            return self._revise(draft, key, topic, clean_field(instruction), progress)

    def task_sheet(self, sources: list[str]) -> TaskSheet:
        return extract_sheet(self.library, resolve_sources(self.library, sources))

    def suggest_sources(self, request: DraftRequest, k: int = 3) -> list[str]:
        """The documents that best match the theme and province (own province and national documents first)."""
        hits = self.library.search(f"{request.theme} {request.province}", k=self.settings.retrieval_candidates)
        ranked: list[str] = []
        for hit in sorted(hits, key=lambda h: (not same_place(h.chunk.metadata.province or "-", request.province)
                                               and bool(h.chunk.metadata.province), -h.score)):
            meta = hit.chunk.metadata
            if hit.chunk.source not in ranked and meta.doc_type not in ("tin-bai", "nghi-dinh-phu-luc"):
                ranked.append(hit.chunk.source)
        return ranked[:k]

    def add_item(self, draft: Draft, item_id: str) -> Draft:
        """Add a sheet item listed "chưa đưa vào" to its section (adapted), then recompute the coverage matrix."""
        row = next((r for r in draft.coverage if r.item.id == item_id), None)
        if row is None:
            raise DraftInputError("Không tìm thấy mục cần thêm trong bảng đối chiếu.", f"No sheet item {item_id!r}.")
        if row.placed:
            return draft
        context = self._context(draft.request, draft.sheet)
        own = own_share(draft.sheet, draft.request.issuer, context.level)[0]
        adapter = context.own_adapter if row.item in own else context.adapter
        piece = pieces([row.item], adapter, agency=row.item.kind == "duty")[0]
        key = "body" if draft.doc_type == "cong-van" else _SECTION_OF_KIND.get(row.item.kind, "II")
        sections = []
        for section in draft.sections:
            if section.key == key:
                lines = section.text.split("\n")
                at = len(lines) - 1 if key in ("III", "body") and len(lines) > 1 else len(lines)
                text = piece.text if key != "opening" else f"Thực hiện {piece.text.rstrip('.;')};"
                lines.insert(at if key != "opening" else max(0, len(lines) - 1), text)
                section = replace(section, text="\n".join(lines))
            sections.append(section)
        new = replace(draft, sections=sections)
        return replace(new, coverage=checks.coverage(new, draft.sheet.items if draft.sheet else []))

    # -- drafting -------------------------------------------------------------------------------------------------
    def _reset_timings(self) -> None:
        self._timings = {"retrieval_s": 0.0, "llm_s": 0.0, "llm_calls": 0, "sections": {}}

    def _draft(self, request: DraftRequest, progress: Progress | None) -> Draft:
        started = time.perf_counter()
        self._reset_timings()
        sheet = None
        if request.sources:
            step = time.perf_counter()
            sheet = extract_sheet(self.library, resolve_sources(self.library, request.sources))
            self._timings["sheet_s"] = round(time.perf_counter() - step, 2)
        context = self._context(request, sheet)
        keys = ("body",) if request.doc_type == "cong-van" else SECTION_ORDER
        sections = []
        for index, key in enumerate(keys, start=1):
            if progress:
                progress(SECTION_TITLES[key], index, len(keys))
            sections.append(self._build(key, request, "", context))
        if sheet and self.settings.draft_smooth_max > 0:
            sections = self._smooth(sections, request)
        self._timings["total_s"] = round(time.perf_counter() - started, 2)
        draft = Draft(request, self._header(request), sections, self._recipients(request, context),
                      self._signer_lines(request), request.signer_name or "……………………", self._rounded(),
                      doc_type=request.doc_type, addressees=self._addressees(request, context), sheet=sheet)
        if sheet:
            draft.coverage = checks.coverage(draft, sheet.items)
            if not sheet.items and context.laws:
                draft.extra_warnings.append("Văn bản nguồn là luật: bản thảo căn cứ luật, nêu các việc triển khai thi "
                                            "hành (quán triệt các nhóm quy định, tập huấn, rà soát văn bản, hướng dẫn, "
                                            "kiểm tra); các nội dung khác soạn theo chủ đề và văn bản mẫu — cần bổ sung "
                                            "nội dung cụ thể.")
            elif not sheet.items:
                draft.extra_warnings.append("Văn bản nguồn đã chọn không có nội dung phong trào để đưa vào (chỉ là "
                                            "văn bản về thể thức) — bản thảo soạn theo văn bản mẫu.")
        return draft

    def _revise(self, draft: Draft, key: str, topic: str, instruction: str, progress: Progress | None) -> Draft:
        started = time.perf_counter()
        self._reset_timings()
        if progress:
            progress(SECTION_TITLES[key], 1, 1)
        request = draft.request
        if topic and key in ("II", "body"):
            request = replace(request, focus=[*request.focus, topic])
        new = self._build(key, request, instruction, self._context(request, draft.sheet))
        self._timings["total_s"] = round(time.perf_counter() - started, 2)
        sections = [new if section.key == key else section for section in draft.sections]
        revised = replace(draft, sections=sections, timings={**self._rounded(), "revised": key})
        if draft.sheet:
            revised.coverage = checks.coverage(revised, draft.sheet.items)
        return revised

    def _context(self, request: DraftRequest, sheet: TaskSheet | None) -> _Context:
        level = issuer_level(request.issuer) or "tinh"
        directive = next((doc for doc in (sheet.sources if sheet else []) if doc.role == "directive"), None)
        roles = {"province": request.province, "source_province": directive.province if directive else "",
                 "issuer": request.issuer, "source_issuer": directive.issuer if directive else "",
                 "extra_files": (self.settings.home / "roles.toml",)}
        source_level = directive.level if directive else ""
        own_adapter = make_adapter(source_level, level, own=True, **roles)
        adapter = NO_ADAPTATION if directive and states_rules(directive) else make_adapter(source_level, level, **roles)
        above = bool(sheet) and superior(sheet, level, request.issuer)
        # a draft from sources states no figure they do not hold, a law's too (the model copies retrieved example
        # plans' references); a draft without sources draws on the whole library
        texts = [chunk.text for doc in sheet.sources for chunk in self.library.iter_chunks(doc.source)] if sheet else []
        allowed = checks.allowed_facts(*texts, *(f"{d.doc_number} {d.title} {d.date}" for d in sheet.sources),
                                       request.all_text()) if sheet and sheet.sources else set()
        if sheet and sheet.items:
            known = KnownFacts()
            for doc in sheet.sources:
                known.add_text(f"{doc.doc_number} {doc.title}")
                known.add_iso_date(doc.date)
            for text in texts:
                known.add_text(text)
        else:
            known = self._known_facts()
        laws, law_items = [], []
        for doc in sheet.sources if sheet else []:
            if doc.role == "law":
                laws.append(self._source_line(doc, sheet))
                topics, in_force = law_outline(self.library, doc.source)
                name = re.split(r"\s+(?:số|ngày)\s", laws[-1], maxsplit=1)[0]  # "Luật Thi đua, khen thưởng"
                law_items += self._fixed("draft_fixed_luat", {
                    "law": laws[-1], "in_force": f", có hiệu lực thi hành từ ngày {in_force}" if in_force else "",
                    "topics": f"; trọng tâm là các quy định về {'; '.join(topics)}" if topics else "",
                    "law_name": name, "field": name[5:6].lower() + name[6:] if name.startswith("Luật ") else name})
        places = frozenset(places_named(self.library, sheet.sources)) if sheet else frozenset()
        superior_name = display_name(directive.issuer) if _reports_to(directive, level, request.issuer) else ""
        context = _Context(sheet if sheet and sheet.items else None, adapter, own_adapter, level,
                           unit_phrase(request.issuer, level),
                           above, superior_name, known, allowed, places, laws, law_items)
        # a regulation's duties to its own issuing body ("Bộ … đăng ký Giải thưởng …") are that body's: a plan's are
        # re-assigned one level down by the adapter ("Bộ Y tế" -> "Sở Y tế")
        itself = body_of(directive.issuer) if directive and states_rules(directive) else ""
        context.internal = internal_units(source_level, level, roles["extra_files"], itself)
        # the issuer's report deadline, set before the superior's, is ours to state (flagged "cần xác nhận")
        context.known = known.with_text(self._deadline(request, context)[0])
        return context

    def _build(self, key: str, request: DraftRequest, instruction: str, context: _Context) -> DraftSection:
        started = time.perf_counter()
        builder = {"opening": self._opening, "I": self._section_i, "II": self._section_ii, "III": self._section_iii,
                   "body": self._body}[key]
        lines, sources, warnings = builder(request, instruction, context)
        label = "Phần mở đầu" if key == "opening" else ("Công văn" if key == "body" else f"Mục {key}")
        years_from = None if key in ("opening", "body") or context.sheet else \
            " ".join([request.all_text(), *context.laws, *context.law_items])  # a law's own years are not stray
        known = context.known.with_text(request.all_text(), *self._cited_texts(lines) if context.sheet else ())
        text, checked = verify_text("\n".join(lines), known, request.province, label, years_from, context.places)
        self._timings["sections"][key] = round(time.perf_counter() - started, 2)
        return DraftSection(key, SECTION_TITLES[key], text, _unique(sources), warnings + checked)

    def _cited_texts(self, lines: list[str]) -> list[str]:
        """Texts of library documents, and lines of the table of replaced documents, whose số ký hiệu the lines
        cite: their numbers and dates are allowed too."""
        cited = set().union(*(number_keys(line) for line in lines if re.match(r"(Căn cứ|Thực hiện)\b", line)))
        out = [successor.line for successor in self._successors().values() if number_keys(successor.line) & cited]
        for record in self.library.documents():
            if record.metadata.doc_number and number_key(record.metadata.doc_number) in cited:
                out.append(f"{record.metadata.doc_number} {record.metadata.title}")
        return out

    # -- sections -------------------------------------------------------------------------------------------------
    def _opening(self, request: DraftRequest, instruction: str, context: _Context):
        if context.sheet:
            lines, sources, warnings = self._source_bases(request, context)
        else:
            bases, sources, warnings = self._library_bases(request)
            lines = [f"Căn cứ {running_title(line)};" for line in bases]
        cited = set().union(*map(number_keys, context.laws))

        def names_a_source_law(text: str) -> bool:
            return bool(cited & number_keys(text))

        lines = [f"Căn cứ {law};" for law in context.laws] + [line for line in lines if not names_a_source_law(line)]
        warnings = [warning for warning in warnings if not names_a_source_law(warning)]
        first_year = plan_years(request)[0]
        for law in context.laws:  # the user's own choice stays cited, with a word that it is no longer in force
            if successor := successor_by(law, self._successors(), first_year):
                warnings.append(f"Văn bản nguồn «{law}» đã được thay thế bởi «{successor.line}» (hiệu lực từ "
                                f"{successor.since}) — cần kiểm tra trước khi triển khai.")
        if not lines:
            warnings.append("Phần mở đầu: thư viện không có văn bản làm căn cứ phù hợp, cần bổ sung.")
        slogan = f" với chủ đề “{request.slogan}”" if request.slogan else ""
        summary = summary_line(request)
        intro = f"{request.issuer} ban hành Kế hoạch {summary[:1].lower()}{summary[1:]}{slogan}, cụ thể như sau:"
        return [*lines, intro], sources, warnings

    def _source_bases(self, request: DraftRequest, context: _Context):
        """Bases cited by the sources (their own opening first), in force for the period; the sources themselves
        last: "Thực hiện ..." for a superior's document, "Căn cứ kết quả thực hiện ..." for the issuer's own."""
        sheet = context.sheet
        about = theme_words(request)
        found: dict[str, Basis] = {}
        own_numbers = {number_key(doc.doc_number) for doc in sheet.sources if doc.doc_number}
        for doc in sheet.sources:
            if doc.role != "directive":
                continue
            own = same_place(doc.province or "-", request.province)
            opening = [item for item in sheet.of("basis") if item.source == doc.source]
            for item in opening:
                for basis in cited_bases(item.text, request.province, own, about) or []:
                    basis.score += 10  # the source's own opening
                    basis.source = {**item.citation(), "title": doc.title}
                    found.setdefault(basis.key, basis)
            for chunk in self.library.iter_chunks(doc.source):
                for basis in cited_bases(chunk.text, request.province, own, about):
                    if basis.key in found or basis.score < RELEVANT_SCORE + own:
                        continue  # cited in the body: only references about thi đua or the theme
                    basis.source = chunk_source(chunk)
                    found[basis.key] = basis
        bases = [b for key, b in found.items() if key not in own_numbers]
        bases, warnings = in_force(bases, request, library_laws(self.library), self._successors())
        bases = sorted(bases, key=lambda b: -b.score)[:self.settings.draft_max_bases]
        bases.sort(key=lambda b: (b.tier, -b.score))
        implemented = []
        for doc in sheet.sources:
            if doc.role != "directive":
                continue
            if doc.doc_type == "tin-bai":  # its content informs the plan; a plan neither implements nor rests on news
                warnings.append(f"Phần mở đầu: «{trim(doc.title, 90)}» là tin bài, không dẫn làm căn cứ — nếu có "
                                f"văn bản gốc, cần bổ sung số, ngày của văn bản đó.")
                continue
            verb = "Thực hiện" if context.superior else "Căn cứ kết quả thực hiện"
            implemented.append(f"{verb} {self._source_line(doc, sheet)}")
        sources = [b.source for b in bases] + [{"source": d.source, "title": d.title, "doc_number": d.doc_number,
                                                "section": ""} for d in sheet.sources]
        return opening_lines(bases, implemented), sources, warnings

    def _successors(self):
        return successors(self.settings.home)

    def _source_line(self, doc, sheet: TaskSheet) -> str:
        """The source cited in full: from its metadata, or, when its own opening cites the same số ký hiệu with a
        date the metadata lacks, as the opening cites it."""
        record = next(r for r in self.library.documents() if r.source == doc.source)
        line = record_line(record)
        if doc.doc_number and not re.search(r"\bngày\b", line):
            same = [b.text for b in sheet.of("basis") if b.source == doc.source and doc.doc_number in b.text]
            line = same[0] if same else line
        return line

    def _library_bases(self, request: DraftRequest):
        started = time.perf_counter()
        chunks = []
        for query in (f"căn cứ {request.theme}", "Căn cứ Luật Thi đua, khen thưởng; Chỉ thị về công tác thi đua"):
            chunks += [hit.chunk for hit in self.library.search(query, k=10)]
        for record in self.library.documents():
            if record.metadata.doc_type == "ke-hoach" and same_place(record.metadata.province or "-",
                                                                     request.province):
                chunks += list(self.library.iter_chunks(record.source))
        self._timings["retrieval_s"] += time.perf_counter() - started
        chosen = library_bases(self.library, request, self.settings, chunks)
        chosen, warnings = in_force(chosen, request, library_laws(self.library), self._successors())
        return [b.line for b in chosen], [b.source for b in chosen], warnings

    def _section_i(self, request: DraftRequest, instruction: str, context: _Context):
        lines, sources, warnings = [], [], []
        purposes, requirements = (context.sheet.purposes, context.sheet.requirements) if context.sheet else ([], [])
        said = self._carried(context)
        for heading, part, texts in (("1. Mục đích", "muc_dich", purposes or requirements),
                                     ("2. Yêu cầu", "yeu_cau", requirements or purposes)):
            examples = trim("\n".join(texts), self.settings.draft_example_chars) if texts else None
            items, used, notes = self._generate(part, request, instruction, context, examples=examples, said=said)
            said += [content_words(item) for item in items]
            lines += [heading, *(f"- {item}" for item in punctuate(items))]
            sources += used
            warnings += notes
        return lines, sources, warnings

    @staticmethod
    def _carried(context: _Context) -> list[set[str]]:
        """Content words of the source lines that sections II and III carry (as adapted): a line the model writes
        elsewhere that only restates one of them says it twice."""
        return [content_words(context.adapter.adapt(item.text)[0]) for item in context.sheet.items
                if item.kind not in OF_ITSELF] if context.sheet else []

    @staticmethod
    def _units(request: DraftRequest, context: _Context) -> str:
        """The bodies the issuer's plan is addressed to: its sở and communes, a Sở's units, a cluster's members."""
        if context.level in ("tinh", ""):
            return f"Các sở, ban, ngành, đoàn thể {request.level}, Ủy ban nhân dân các xã, phường"
        if context.level == "so":
            return "Các phòng, đơn vị thuộc Sở"
        if context.level == "khoi":
            return f"Các đơn vị thành viên {context.unit}"
        return f"Các ban, ngành, đoàn thể, đơn vị thuộc {context.unit}"

    def _intro_ii(self, request: DraftRequest, context: _Context) -> str:
        return (f"{self._units(request, context)} (sau đây gọi chung là cơ quan, đơn vị, địa phương) tập trung thi "
                f"đua thực hiện tốt các nội dung chủ yếu sau:")

    def _section_ii(self, request: DraftRequest, instruction: str, context: _Context):
        """The source's subjects, contents, targets and time; a source that gives none of them (a short plan, a
        directive of duties only) leaves the section to the theme, as without a source, rather than empty."""
        sheet = context.sheet
        if not (sheet and any(sheet.of(*kinds) for _, kinds in _SECTION_II_PARTS)):
            return self._section_ii_examples(request, instruction, context)
        parts, warnings, number = self._numbered_parts(_SECTION_II_PARTS, request, context)
        lines = [self._intro_ii(request, context), *parts]
        if request.focus:
            more, _, notes = self._generate("noi_dung_trong_tam", request, instruction, context)
            number += 1
            lines += [f"{number}. Nội dung trọng tâm", *(f"- {item}" for item in punctuate(more))]
            warnings += notes
        return lines, self._sheet_sources(sheet), warnings

    def _numbered_parts(self, parts: tuple, request: DraftRequest,
                        context: _Context) -> tuple[list[str], list[str], int]:
        """(lines, warnings, last number): each part of the task sheet that holds items, numbered from 1; time frames
        less those already ended, duties led by their agency, the rest carried as written (adapted)."""
        lines, warnings, number = [], [], 0
        for title, kinds in parts:
            items = context.assignable(context.sheet.of(*kinds))
            if not items:
                continue
            number += 1
            lines.append(f"{number}. {title}")
            if kinds == ("time",):
                shown, notes = self._time_frame(items, request, context)
                lines, warnings = lines + shown, warnings + notes
            else:
                lines += [p.text for p in self._keep(pieces(items, context.adapter, labels=True, agency="duty" in kinds,
                                                            title=title))]
        return lines, warnings, number

    def _time_frame(self, items: list, request: DraftRequest, context: _Context) -> tuple[list[str], list[str]]:
        """The source's time frames, less those that ended before the plan's period starts (with a word for the
        editor); the plan's own period first when none of those left states a year."""
        first_year = plan_years(request)[0]
        current = [item for item in items if not ended_before(item.text, first_year)]
        lines = [p.text for p in self._keep(pieces(current, context.adapter))]
        if len(current) == len(items):
            return lines, []
        ended = len(items) - len(current)
        period = [] if any(YEAR_RE.search(item.text) for item in current) else [f"- Trong {request.period}."]
        return period + lines, [f"Thời gian thực hiện: bỏ {ended} mốc thời gian của văn bản nguồn đã kết thúc trước "
                                f"{request.period}; bản thảo ghi thời gian của kế hoạch — cần kiểm tra."]

    def _section_ii_examples(self, request: DraftRequest, instruction: str, context: _Context):
        items, sources, warnings = self._generate("noi_dung_chu_de", request, instruction, context)
        if request.focus:  # no focus areas: the theme's contents alone, one LLM call saved
            more, used, notes = self._generate("noi_dung_trong_tam", request, instruction, context)
            seen = {frozenset(words(item)) for item in items}
            items += [item for item in more if frozenset(words(item)) not in seen]
            sources, warnings = sources + used, warnings + notes
        numbered = [f"{n}. {item}" for n, item in enumerate(punctuate(context.law_items + items), start=1)]
        return [self._intro_ii(request, context), *numbered], sources, warnings

    def _receiver(self, request: DraftRequest, context: _Context) -> str:
        """Who collects the reports: the issuer (through its Sở Nội vụ at province level)."""
        if context.level in ("tinh", "") and request.by_ubnd:
            return f"Ủy ban nhân dân {request.level} (qua Sở Nội vụ)"
        return receiver(request.issuer, context.level)

    def _deadline(self, request: DraftRequest, context: _Context) -> tuple[str, list[str]]:
        """The issuer's reporting deadline: the user's; else before that of a report line it passes on (not one gone
        before the plan's first year), flagged "cần xác nhận"."""
        if request.report_deadline:
            return re.sub(r"(?i)^ngày\s+", "", request.report_deadline), []
        if context.sheet and context.superior:
            first_year = plan_years(request)[0]
            for item in self._reports(request, context):
                new = earlier(item.deadline, self.settings.draft_report_lead_days) if item.deadline else ""
                year = YEAR_RE.search(new)
                if new and not (first_year and year and int(year.group()) < first_year):
                    return (f"{new} (cần xác nhận)",
                            [f"Hạn báo cáo «{new}» được đặt trước hạn của cấp trên ({item.deadline}) — cần xác nhận."])
        return "… tháng … năm …", ["Chưa có hạn báo cáo, đã để trống «…» để điền."]

    def _section_iii(self, request: DraftRequest, instruction: str, context: _Context):
        sheet, warnings, sources = context.sheet, [], []
        own, duties = map(context.assignable, own_share(sheet, request.issuer, context.level)) if sheet else ([], [])
        rewards = sheet.of("reward") if sheet else []
        receiver = self._receiver(request, context)
        deadline, notes = self._deadline(request, context)
        warnings += [f"Mục III: {note}" for note in notes]
        values = {"level": request.level, "place": request.place, "issuer": request.issuer, "receiver": receiver,
                  "summary": summary_line(request)[:1].lower() + summary_line(request)[1:], "deadline": deadline}
        lines: list[str] = []
        number = 0
        interior_item = context.level in ("tinh", "") and request.by_ubnd
        carried, interior = [], []
        for piece in self._keep(pieces(duties, context.adapter, labels=True, agency=True)):
            label = _INTERIOR_DUTY.match(piece.text) if interior_item else None
            if label:  # the Sở Nội vụ's duties go under its own item below, not a second time in the list
                duty = piece.text[label.end():]
                interior.append(f"- {duty[:1].upper()}{duty[1:]}")
            else:
                carried.append(piece.text)
        if own or duties:
            if own or carried:
                number += 1
                lines.append(f"{number}. Phân công thực hiện")
            if own:  # the issuer's own share, for its units to carry out
                lines += [f"{self._units(request, context)}:",
                          *(p.text for p in self._keep(pieces(own, context.own_adapter)))]
            lines += carried
        else:
            items, used, more = self._generate("trach_nhiem", request, instruction, context,
                                               said=self._carried(context))
            number += 1
            lines += [f"{number}. Các sở, ban, ngành, Ủy ban nhân dân các xã, phường"
                      if context.level in ("tinh", "") else f"{number}. Các cơ quan, đơn vị",
                      *(f"- {item}" for item in punctuate(items))]
            sources, warnings = sources + used, warnings + more
            if context.level in ("tinh", ""):
                number += 1
                lines += [(f"{number}. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam {request.level} và các tổ chức "
                           f"chính trị - xã hội"), *self._fixed("draft_fixed_mttq", values)]
        if interior_item:
            number += 1
            lines += [f"{number}. {self._interior_unit(request)}", *interior,
                      *self._fixed("draft_fixed_noi_vu", values)]
        number += 1
        lines.append(f"{number}. Khen thưởng")
        if rewards:
            lines += [p.text for p in self._keep(pieces(rewards, context.adapter, labels=True))]
        else:  # who rewards is the law's, not the model's to write
            awards = award_forms(context.level, province=request.province, issuer=request.issuer,
                                 extra_files=(self.settings.home / "roles.toml",))
            lines += self._fixed("draft_fixed_khen_thuong", {**values, "awards": awards})
        if sheet and sheet.of("funding"):
            number += 1
            lines += [f"{number}. Kinh phí thực hiện",
                      *(p.text for p in self._keep(pieces(sheet.of("funding"), context.adapter)))]
        number += 1
        lines.append(f"{number}. Chế độ báo cáo")
        if sheet:
            lines += [p.text for p in self._keep(pieces(self._reports(request, context), NO_ADAPTATION))]
        lines += self._fixed("draft_fixed_bao_cao", values)
        lines += self._fixed("draft_fixed_ket_thuc", values)
        return lines, sources + (self._sheet_sources(sheet) if sheet else []), warnings

    def _body(self, request: DraftRequest, instruction: str, context: _Context):
        """A công văn: one opening paragraph citing the source, numbered paragraphs (no I/II/III), the contact."""
        sheet, warnings = context.sheet, []
        if sheet:
            record_lines = [self._source_line(d, sheet) for d in sheet.sources if d.role == "directive"]
            bases = [b for b in sheet.of("basis") if not any(b.text in line for line in record_lines)]
            about = theme_words(request)  # beside its source, the basis most about the theme (the first on ties)
            top = sorted(bases, key=lambda item: -theme_share(item.text, about))[:1]
            basis = "Thực hiện " + "; ".join(record_lines) + (f" (triển khai {top[0].text})" if top else "")
        else:
            bases, _, warnings = self._library_bases(request)
            basis = f"Thực hiện {bases[-1]}" if bases else "Thực hiện chỉ đạo của cấp trên"
            if not bases:
                warnings.append("Công văn: chưa có văn bản làm căn cứ, cần bổ sung.")
        addressees = self._addressees(request, context)
        who = "Quý cơ quan, đơn vị" if len(addressees) != 1 else addressees[0][:1].lower() + addressees[0][1:]
        deadline, notes = self._deadline(request, context)
        warnings += [f"Công văn: {note}" for note in notes]
        contact = self._interior_unit(request).split("(")[-1].rstrip(")") if "Nội vụ" in request.issuer \
            else "Văn phòng"
        values = {"basis": basis, "issuer": without_province(request.issuer) if context.level == "so"
                  else request.issuer, "addressees": who,
                  "contact": f"qua {contact}", "deadline": deadline}
        values["receiver"] = values["issuer"]
        lines = self._fixed("draft_fixed_cong_van_mo_dau", values)
        if sheet:
            parts, notes, number = self._numbered_parts(_CONG_VAN_PARTS, request, context)
            lines, warnings = lines + parts, warnings + notes
        else:
            items, _, more = self._generate("noi_dung_chu_de", request, instruction, context)
            number = 1
            lines += [f"{number}. Triển khai các nội dung sau:", *(f"- {item}" for item in punctuate(items))]
            warnings += more
        number += 1
        lines.append(f"{number}. Chế độ báo cáo:")
        if sheet:
            lines += [p.text for p in self._keep(pieces(self._reports(request, context), NO_ADAPTATION))]
        lines += self._fixed("draft_fixed_bao_cao", values)
        lines += self._fixed("draft_fixed_cong_van_ket_thuc", values)
        sources = self._sheet_sources(sheet) if sheet else []
        return [line.replace("Kế hoạch về", "về") if "báo cáo kết quả thực hiện Kế hoạch" in line else line
                for line in lines], sources, warnings

    @staticmethod
    def _reports(request: DraftRequest, context: _Context) -> list[SheetItem]:
        """The superior's report lines, as written, that the issuer's plan passes on: those to its own kind or to
        everyone (`own_share`). A line to another body (a Sở, a ministry, the provinces) is not its units' to follow:
        left out, and the coverage table lists it."""
        own, shared = own_share(context.sheet, request.issuer, context.level, kind="report")
        return context.assignable([item for item in context.sheet.of("report") if item in own or item in shared])

    def _keep(self, made: list[Piece]) -> list[Piece]:
        """Remember adapted paragraphs (candidates for the model's smoothing)."""
        self._adapted = getattr(self, "_adapted", [])
        self._adapted += [p for p in made if p.adapted and len(p.items) == 1 and len(p.text) <= 400]
        return made

    @staticmethod
    def _sheet_sources(sheet: TaskSheet) -> list[dict]:
        return [{"source": d.source, "title": d.title, "doc_number": d.doc_number, "section": ""}
                for d in sheet.sources if d.role == "directive"]

    # -- LLM ------------------------------------------------------------------------------------------------------
    def _invoke(self, system: str, prompt: str, shared: str = "") -> str:
        """One model call; `shared` (what every section of a draft reads: the plan and its sources' text) goes in a
        message of its own before the prompt, so the embedded model keeps its KV cache from section to section."""
        started = time.perf_counter()
        messages = [SystemMessage(content=system), *([HumanMessage(content=shared)] if shared else []),
                    HumanMessage(content=prompt)]
        reply = self.chat_model.invoke(messages, max_tokens=self.settings.draft_max_output_tokens)
        self._timings["llm_s"] += time.perf_counter() - started
        self._timings["llm_calls"] += 1
        usage = getattr(reply, "usage_metadata", None) or {}
        for name in ("input_tokens", "output_tokens"):
            self._timings[name] = self._timings.get(name, 0) + int(usage.get(name) or 0)
        return _content(reply)

    def _generate(self, part_key: str, request: DraftRequest, instruction: str, context: _Context,
                  examples: str | None = None, said: Sequence[set[str]] = ()):
        """(items, sources, warnings) for one sub-section: examples (the sources' own text, else retrieved), one
        short LLM call, the lines cleaned; a line with a figure the sources do not hold is dropped, and so is one
        that only restates a line `said` elsewhere in the draft (unless no other is left)."""
        part = _PARTS[part_key]
        if not examples and context.sheet:  # with sources: their own wording, never another plan's topic
            examples = trim("\n".join(item.text for item in context.sheet.items if item.kind not in OF_ITSELF),
                            self.settings.draft_example_chars)
        if examples and context.sheet:  # the superior's roles as the issuer's, as in sections II and III
            examples = "\n".join(context.adapter.adapt(line)[0] for line in examples.split("\n"))
        hits = [] if examples else self._examples(part, request, instruction)
        examples = examples or "\n".join(hit.chunk.text for hit in hits)
        details = [f"Lĩnh vực trọng tâm: {'; '.join(request.focus)}." if request.focus else "",
                   f"Khẩu hiệu/chủ đề năm: {request.slogan}." if request.slogan else "",
                   f"Lưu ý: {request.extra_instructions}" if request.extra_instructions else "",
                   f"Yêu cầu sửa: {instruction}" if instruction else ""]
        place = context.unit if context.level in ("xa", "huyen") else request.place  # "xã Thới Lai", not the province
        task = render_prompt(part.prompt, self.settings.prompts_dir, place=place, focus="; ".join(request.focus)).strip()
        shared = render_prompt("draft_context", self.settings.prompts_dir, issuer=request.issuer,
                               period=request.period, theme=request.theme,
                               details="\n".join(d for d in details if d), examples=examples or "(không có)")
        prompt = render_prompt("draft_section", self.settings.prompts_dir, place=place, period=request.period, task=task)
        system = render_prompt("draft_system", self.settings.prompts_dir).strip()
        written = clean_items(self._invoke(system, prompt, shared.strip()))
        items = [item for item in written if len(syllables(item)) >= self.settings.draft_min_item_words]
        warnings = [f"Phần «{part_key}»: đã bỏ {len(written) - len(items)} ý quá ngắn của mô hình."] \
            if len(items) < len(written) else []

        def sourced(lines: list[str]) -> list[str]:  # none with a figure the sources do not hold
            return [line for line in lines if not (context.allowed and checks.stray_figures(line, context.allowed))]

        kept = sourced(items)
        if len(kept) < len(items):
            warnings.append(f"Phần «{part_key}»: đã bỏ {len(items) - len(kept)} câu có số liệu không có trong "
                            f"văn bản nguồn.")
        items = kept
        fresh = [item for item in items if not restates(item, said)]
        if fresh and len(fresh) < len(items):
            warnings.append(f"Phần «{part_key}»: đã bỏ {len(items) - len(fresh)} ý nhắc lại nội dung đã có ở phần "
                            "khác.")
        items = fresh or items
        if not items:
            items = sourced(clean_items(examples))[:3]
            warnings.append(f"Phần «{part_key}»: mô hình không trả lời được, " +
                            ("đã chép đoạn mẫu — cần biên tập lại." if items else "phần này để trống — cần soạn."))
        elif sum(len(item) for item in items) < self.settings.draft_thin_section_chars:
            seen = [*said, *(content_words(item) for item in items)]
            extra = [item for item in sourced(clean_items(examples))  # whole example lines, not ones cut short
                     if not restates(item, seen, in_part=True) and re.search(r"[.;!?]$", item)]
            items += extra[:max(1, 3 - len(items))]
            if extra:
                warnings.append(f"Phần «{part_key}»: mô hình viết quá ngắn, đã bổ sung ý từ văn bản mẫu — cần biên tập.")
        return items, [chunk_source(hit) for hit in hits], warnings

    def _smooth(self, sections: list[DraftSection], request: DraftRequest) -> list[DraftSection]:
        """One model call smooths up to `draft_smooth_max` adapted sentences; a rewrite is kept only if it keeps
        the figures, says the same and does not repeat itself."""
        todo = list(dict.fromkeys(p.text for p in getattr(self, "_adapted", [])))[:self.settings.draft_smooth_max]
        self._adapted = []
        if not todo:
            return sections
        marked = [_split_mark(text) for text in todo]  # the list mark stays ours, the model sees the sentence
        numbered = "\n".join(f"{n}. {sentence}" for n, (_, sentence) in enumerate(marked, start=1))
        prompt = render_prompt("draft_smooth", self.settings.prompts_dir, issuer=request.issuer, sentences=numbered,
                               count=len(todo))
        reply = self._invoke(render_prompt("draft_system", self.settings.prompts_dir).strip(), prompt)
        better: dict[str, str] = {}
        for line in reply.split("\n"):
            match = re.match(r"^\s*(\d{1,2})[.)]\s*(.+)$", line.strip())
            if match and 1 <= int(match.group(1)) <= len(todo):
                old, mark = todo[int(match.group(1)) - 1], marked[int(match.group(1)) - 1][0]
                new = _split_mark(match.group(2).strip().strip("*").strip())[1]
                if checks.accept_rewrite(new, old):
                    new = new if re.search(r"[.;:]$", new) else new + old[-1:]
                    better[old] = mark + new
        self._timings["smoothed"] = len(better)
        if not better:
            return sections
        return [replace(s, text="\n".join(better.get(line, line) for line in s.text.split("\n"))) for s in sections]

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
            text = trim(hit.chunk.text, budget)
            out.append(replace(hit, chunk=replace(hit.chunk, text=text)))
            budget -= len(text)
        return out

    # -- fixed parts ----------------------------------------------------------------------------------------------
    def _known_facts(self) -> KnownFacts:
        count = self.library.chunk_count()
        if self._known is None or self._known[0] != count:
            self._known = (count, KnownFacts.from_library(self.library))
        return self._known[1]

    def _interior_unit(self, request: DraftRequest) -> str:
        """"Sở Nội vụ (Phòng …)" as the province's own documents or their issuers name it ("Sở Nội vụ (Phòng …)",
        "Phòng Thi đua, Khen thưởng – Sở Nội vụ"); the unit of `roles.toml` otherwise."""
        names: Counter[str] = Counter()
        for record in self.library.documents():
            if same_place(record.metadata.province or "-", request.province):
                texts = [record.metadata.issuer] + [chunk.text for chunk in self.library.iter_chunks(record.source)]
                names.update(a or b for text in texts for a, b in _INTERIOR_UNIT.findall(text))
        unit = names.most_common(1)[0][0] if names else interior_unit((self.settings.home / "roles.toml",))
        return f"Sở Nội vụ ({unit})"

    def _fixed(self, name: str, values: dict) -> list[str]:
        text = render_prompt(name, self.settings.prompts_dir, **values)
        return [line.strip() for line in text.split("\n") if line.strip()]

    def _header(self, request: DraftRequest) -> DraftHeader:
        issuer = re.sub(r"\s*\([^)]*\)", "", request.issuer).strip()
        level = issuer_level(issuer)
        if request.by_ubnd:
            rest = re.sub(rf"(?i)^{UBND}\s+(?:một\s+)?", "", issuer).split(",")[0]
            lines = ["ỦY BAN NHÂN DÂN", rest.strip().upper()]
        elif level == "so":
            match = re.match(r"(?i)(sở\s+.+?)\s+((?:tỉnh|thành phố)\s+.+)$", issuer)
            lines = [f"ỦY BAN NHÂN DÂN {match.group(2).upper()}", match.group(1).upper()] if match else \
                [f"ỦY BAN NHÂN DÂN {request.place.upper()}", issuer.upper()]
        else:
            lines = [issuer.upper()]
        code = org_code(issuer)
        number = f"Số: {PLACEHOLDER}/{code}-…" if request.doc_type == "cong-van" else f"Số: {PLACEHOLDER}/KH-{code}"
        place = request.province
        if level in ("xa", "huyen"):
            unit = unit_phrase(issuer, level).split(",")[0].strip()
            name = re.sub(rf"(?i)^{ADMIN_UNIT_WORD}\s*", "", unit)
            # a unit named by a number is written in full (Nghị định 30, Phụ lục I): "Phường 5, ngày …"
            place = (unit[:1].upper() + unit[1:] if name[:1].isdigit() else name) or request.province
        place = load_rulebook().full_place(place)  # "Thành phố Hồ Chí Minh, ngày …"
        summary = summary_line(request)
        if request.doc_type == "cong-van":
            return DraftHeader(lines, number, f"{place}, ngày … tháng … năm …", "",
                               f"V/v {summary[:1].lower()}{summary[1:]}")
        return DraftHeader(lines, number, f"{place}, ngày … tháng … năm …", "KẾ HOẠCH", summary)

    def _addressees(self, request: DraftRequest, context: _Context) -> list[str]:
        if request.doc_type != "cong-van":
            return []
        if request.recipients:
            return [clean_field(r).rstrip(";") for r in request.recipients.split(";") if clean_field(r)]
        if context.level in ("xa", "huyen"):
            return [f"Các ban, ngành, đoàn thể {context.unit}", "Các cơ quan, đơn vị trên địa bàn"]
        return [f"Các sở, ban, ngành, đoàn thể {request.level}", "Ủy ban nhân dân các xã, phường"]

    def _recipients(self, request: DraftRequest, context: _Context) -> list[str]:
        superior_name = context.superior_name or f"UBND {request.place}"
        if request.doc_type == "cong-van":
            above = f"{superior_name} (để báo cáo);" if context.level not in ("tinh", "") or not request.by_ubnd \
                else ""
            return self._fixed("draft_fixed_noi_nhan_cong_van", {"superior": above})
        if context.level == "so":
            return self._fixed("draft_fixed_noi_nhan_so", {"superior": f"UBND {request.place}"})
        if context.level in ("xa", "huyen", "khoi"):
            return self._fixed("draft_fixed_noi_nhan_co_so", {"superior": superior_name, "unit": context.unit})
        values = {"level": request.level, "party": "Thành ủy" if request.level == "thành phố" else "Tỉnh ủy"}
        return self._fixed("draft_fixed_noi_nhan", values)

    @staticmethod
    def _signer_lines(request: DraftRequest) -> list[str]:
        title = request.signer_title
        if re.match(r"(?i)(tm|kt|tl|tuq)\.", title):
            return [line.strip().upper() for line in re.split(r"\s*(?:\n|/|;)\s*", title) if line.strip()]
        level = issuer_level(request.issuer)
        if level == "so":
            return ["KT. GIÁM ĐỐC", title.upper()] if "phó" in title.casefold() else [title.upper() or "GIÁM ĐỐC"]
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

