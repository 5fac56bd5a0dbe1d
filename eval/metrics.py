"""Offline scorers (no LLM judge): retrieval ranks, answer correctness, citations, refusals, latency, drafts.

Every function takes plain values (strings, lists, dicts as written by `ask --json` / `draft --json`) and returns plain
values, so scorers are unit-testable on hand-made cases and reusable on cached predictions. `eval/README.md` defines
each metric.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from pathlib import PurePath

from assistant.qa import EVIDENCE_LINE
from core import vietnamese as vn

# --------------------------------------------------------------------------------------------- normalisation
def normalize(text: str) -> str:
    """NFC, lowercase, one tone-placement style, punctuation to spaces, collapsed whitespace."""
    return " ".join(vn.syllables(text))


def syllables(text: str) -> list[str]:
    """Vietnamese syllables (the unit of the standard ViQuAD-style token F1); punctuation dropped."""
    return normalize(text).split()


def content_syllables(text: str) -> list[str]:
    """Syllables that say something: not function words, not demonstratives ("trong đó" adds nothing to a gold)."""
    return [s for s in syllables(text) if s not in vn.FUNCTION_WORDS and s not in vn.DEMONSTRATIVES]


def token_f1(prediction: str, gold: str) -> float:
    """Bag-of-syllables F1 between prediction and gold (SQuAD/ViQuAD definition)."""
    pred, ref = syllables(prediction), syllables(gold)
    if not pred or not ref:
        return float(pred == ref)
    common = sum(min(pred.count(t), ref.count(t)) for t in set(ref))
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def containment(gold: str, text: str) -> float:
    """Fraction of the gold's content syllables that occur in `text` (1.0 when the gold has none)."""
    ref = content_syllables(gold)
    if not ref:
        return 1.0
    have = set(syllables(text))
    return sum(1 for t in ref if t in have) / len(ref)


# --------------------------------------------------------------------------------------------- key facts


def doc_numbers(text: str) -> list[str]:
    """Document numbers (số ký hiệu) written in `text`, in comparable form, in order of appearance."""
    return [vn.number_key(number) for number in vn.doc_numbers(text)]


def key_facts(text: str) -> set[str]:
    """The checkable facts of a text (`core.vietnamese.key_facts`): "doc:125/KH-UBND", "date:18/11/2025", "num:85"."""
    return vn.key_facts(text)


def fact_recall(gold: str, prediction: str) -> float | None:
    """Fraction of the gold's key facts that the prediction also states; None when the gold has no key fact."""
    wanted = key_facts(gold)
    if not wanted:
        return None
    have = vn.implied_facts(key_facts(prediction))
    return sum(1 for fact in wanted if fact in have) / len(wanted)


# --------------------------------------------------------------------------------------------- Q&A items
def same_source(a: str, b: str) -> bool:
    """Two source names denote the same document: equal file names, or equal stems (x.txt == x.pdf rendering)."""
    a, b = PurePath(a or "").name, PurePath(b or "").name
    return bool(a) and (a == b or PurePath(a).stem == PurePath(b).stem)


def is_gold(source: str, gold_sources: list[str]) -> bool:
    return any(same_source(source, gold) for gold in gold_sources)


_MARKERS = re.compile(r"\[\s*(?:(?:tài liệu|đoạn|nguồn)\s*)?\d+(?:\s*[,;–-]\s*\d+)*\s*\]", re.IGNORECASE)
# a negation word and the two words after it (compared with the question's wording)
_NEGATION = re.compile(r"\b(?:không|chưa|chẳng)\b(?: \S+){0,2}")
# "không quá 10" is a bound ("tối đa 10"), not a negation of the fact
_BOUND = re.compile(r"\b(?:không|chưa) (?:vượt quá|quá|ít hơn|dưới|thấp hơn|nhiều hơn|hơn)\b")


def _negated(text: str, question: str = "") -> bool:
    """Whether the text negates something. A negation that repeats the question's own wording ("chi trả không dùng
    tiền mặt", "không phải xây dựng cơ bản": the negation word and the two words after it, as the question has them)
    names what is asked about; it does not negate the answer."""
    text, asked = " ".join(_BOUND.sub(" ", normalize(text)).split()), f" {normalize(question)} "
    return any(f" {m.group()} " not in asked for m in _NEGATION.finditer(text))


def format_value(value) -> str:
    """A figure as reports print it: "–" when undefined, three decimals for shares, as is otherwise."""
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def strip_citation_markers(text: str) -> str:
    """The answer without "[1]", "[1, 2]", "[Tài liệu 3]": markers are not facts."""
    return _MARKERS.sub(" ", text or "")


def without_evidence_quotes(text: str) -> str:
    """The answer's own statements: the evidence lines under it (`EVIDENCE_LINE`: passage sentences, the library's
    record) are the documents' words, not its claims (a second score shows how many answers are right only through
    them)."""
    return EVIDENCE_LINE.sub("", text or "")


_OPENERS, _CLOSERS = "“([", "”)]"


def gold_parts(gold: str) -> list[str]:
    """The gold answer cut at each ";" that stands outside quotation marks and brackets (one part per fact asked)."""
    parts, current, depth, in_straight_quote = [], [], 0, False
    for char in gold:
        if char == '"':
            in_straight_quote = not in_straight_quote
        elif char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        if char == ";" and depth == 0 and not in_straight_quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()] or [gold]


def content_recall(gold: str, prediction: str, question: str = "") -> float:
    """Share of the gold's content words (not function words, not digits) that the prediction also has. Words the
    question already states are left out (an answer that restates the question has not said them), unless the
    gold has no other."""
    every = [t for t in content_syllables(gold) if not t.isdigit()]
    asked = set(syllables(question))
    ref = [t for t in every if t not in asked] or every
    if not ref:
        return 1.0
    have = set(syllables(prediction))
    return sum(1 for t in ref if t in have) / len(ref)


# Where a prediction's statements end: a sentence, a line, or a clause that turns to another subject (", còn Hà Nội
# …", ", trong khi Bắc Ninh …"), so that a figure is attributed to the subject of its own clause.
_CLAUSE_BREAK = re.compile(r"(?<=[.;!?])\s+|\n+|,\s+(?=(?:còn|trong khi)\s)")


def misattributed_parts(prediction: str, gold: str, question: str = "") -> list[str]:
    """Parts of a several-part gold whose figures the prediction states only beside another part's subject.

    A part's subject is what the question names that this part of the gold repeats and no other part does: its
    province when each part names its own, else its words (a document, a body). A part is misattributed when every
    statement (sentence, or clause after ", còn" / ", trong khi") of the prediction holding all its figures names
    another part's subject and not its own: "Đắk Lắk ... trước ngày 10/12; Bắc Ninh ... trước ngày 31/3/2026" with
    the two dates swapped. Parts without figures or without a subject of their own are not checked.
    """
    parts = gold_parts(gold)
    if len(parts) < 2:
        return []
    statements = [s for s in _CLAUSE_BREAK.split(strip_citation_markers(prediction)) if s.strip()]
    places = [frozenset(vn.find_provinces(part)) for part in parts]
    if all(places) and len(set(places)) == len(places):
        # each part names its own province: that is its subject (as a name: the "nội" of "nội dung" is no Hà Nội),
        # not shared words like "Hội đồng"
        asked_places = set(vn.find_provinces(question))
        subjects = [(own & asked_places) - set().union(*(other for j, other in enumerate(places) if j != i))
                    for i, own in enumerate(places)]
        said = [set(vn.find_provinces(statement)) for statement in statements]
    else:
        asked = set(content_syllables(question))
        words = [set(content_syllables(part)) for part in parts]
        subjects = [(own & asked) - set().union(*(other for j, other in enumerate(words) if j != i))
                    for i, own in enumerate(words)]
        said = [set(syllables(statement)) for statement in statements]
    facts = [vn.implied_facts(key_facts(statement)) for statement in statements]
    wrong = []
    for i, part in enumerate(parts):
        figures = key_facts(part)
        holding = [named for named, stated in zip(said, facts) if figures <= stated]
        if not figures or not subjects[i] or not holding:
            continue
        others = set().union(*(subject for j, subject in enumerate(subjects) if j != i))
        if all(not subjects[i] & named and others & named for named in holding):
            wrong.append(part)
    return wrong


def _alternatives(question: str) -> list[str]:
    """What a comparison question sets side by side, normalised: the provinces it names, else its quoted names."""
    provinces = list(dict.fromkeys(normalize(name) for name in vn.find_provinces(question)))
    if len(provinces) >= 2:
        return provinces
    quoted = list(dict.fromkeys(normalize(question[a:b]) for a, b in vn.quoted_spans(question)))
    return [name for name in quoted if name] if len(quoted) >= 2 else []


def _winners(text: str, comparative: str, alternatives: list[str]) -> set[str]:
    """The alternatives `text` says are "<comparative>": in each statement holding it, the one named last before
    it ("kế hoạch của Đắk Lắk ban hành sớm hơn kế hoạch của Nghệ An" -> Đắk Lắk)."""
    winners = set()
    for statement in _CLAUSE_BREAK.split(strip_citation_markers(text)):
        said = f" {normalize(statement)} "
        at = said.find(f" {comparative} ")
        if at < 0:
            continue
        before = {name: said.rfind(f" {name} ", 0, at + 1) for name in alternatives}
        named = {name: where for name, where in before.items() if where >= 0}
        if named:
            winners.add(max(named, key=named.get))
    return winners


def comparison_agrees(prediction: str, gold: str, question: str = "") -> bool | None:
    """For a question asking which of two is earlier, more, … ("sớm hơn", "nhiều hơn"): whether the prediction says
    that of the one the gold names, and of no other. Having both dates is not the answer: "Chỉ thị ngày 12/01/2023
    ban hành sớm hơn" beside the other's 03/01/2023 names the wrong one. None when the question asks no comparison,
    or its alternatives (two provinces, or two quoted names) or the gold's choice cannot be read."""
    asked = vn.COMPARATIVE_RE.search(normalize(question))
    alternatives = _alternatives(question) if asked else []
    if not alternatives:
        return None
    chosen = _winners(gold, asked.group(), alternatives)
    if len(chosen) != 1:
        return None
    return _winners(prediction, asked.group(), alternatives) == chosen


def answer_correctness(prediction: str, gold: str, *, refused: bool = False, threshold: float = 0.5,
                       question: str = "") -> dict:
    """Scores one answer to an answerable question, strictly.

    Correct means: every key fact of the gold (numbers, dates in any spelling, document numbers) is in the
    prediction, AND at least `threshold` of the content words of each part of the gold are (parts are separated by
    ";" outside quotes and brackets; words the question states do not count), AND no part's figures stand only beside
    another part's subject (`misattributed_parts`), AND a comparison asked is answered with the gold's choice
    (`comparison_agrees`), AND both or neither are negated ("không", "chưa"). Per part, so
    that an answer about one of two documents does not pass on the other's words, nor by swapping their figures.
    Citation markers are removed first. A refusal is never correct.
    """
    prediction = strip_citation_markers(prediction)
    facts = fact_recall(gold, prediction)
    content = min(content_recall(part, prediction, question) for part in gold_parts(gold))
    negation_agrees = _negated(gold, question) == _negated(prediction, question)
    misattributed = misattributed_parts(prediction, gold, question)
    compared = comparison_agrees(prediction, gold, question)
    correct = (not refused and (facts is None or facts == 1.0) and content >= threshold and negation_agrees
               and not misattributed and compared is not False)
    return {"correct": correct, "token_f1": token_f1(prediction, gold), "containment": containment(gold, prediction),
            "content_recall": content, "fact_recall": facts, "negation_agrees": negation_agrees,
            "misattributed": misattributed, "comparison_agrees": compared}


def citation_scores(cited_sources: list[str], gold_sources: list[str]) -> dict:
    """Precision: share of distinct cited documents that are gold; recall: share of gold documents cited.

    None when undefined (no citation, or no gold source).
    """
    cited = list(dict.fromkeys(s for s in cited_sources if s))
    precision = sum(is_gold(s, gold_sources) for s in cited) / len(cited) if cited else None
    recall = (sum(any(same_source(c, g) for c in cited) for g in gold_sources) / len(gold_sources)
              if gold_sources else None)
    return {"precision": precision, "recall": recall}


# --------------------------------------------------------------------------------------------- retrieval
def first_gold_rank(ranked_sources: list[str], gold_sources: list[str]) -> int | None:
    """1-based rank of the first retrieved passage from a gold document; None if none retrieved."""
    for rank, source in enumerate(ranked_sources, start=1):
        if is_gold(source, gold_sources):
            return rank
    return None


def recall_at_k(ranked_sources: list[str], gold_sources: list[str], k: int) -> float:
    """1.0 if a passage of a gold document is among the top k, else 0.0 (hit rate; averaged it is recall@k)."""
    rank = first_gold_rank(ranked_sources, gold_sources)
    return float(rank is not None and rank <= k)


def source_coverage_at_k(ranked_sources: list[str], gold_sources: list[str], k: int) -> float:
    """Share of the gold documents that have a passage among the top k (matters for multi-document questions)."""
    if not gold_sources:
        return 0.0
    top = ranked_sources[:k]
    return sum(any(same_source(s, g) for s in top) for g in gold_sources) / len(gold_sources)


def reciprocal_rank(ranked_sources: list[str], gold_sources: list[str]) -> float:
    rank = first_gold_rank(ranked_sources, gold_sources)
    return 1.0 / rank if rank else 0.0


def evidence_found(passages: list[tuple[str, str]], evidence: dict, *, threshold: float = 0.8) -> bool:
    """One gold evidence text is in one of the (source, text) passages: the passage is from the evidence's file and
    holds at least `threshold` of the evidence's syllables (chunk boundaries and excerpts may cut a sentence)."""
    want = syllables(evidence.get("text", ""))
    if not want:
        return False
    for source, text in passages:
        have = set(syllables(text))
        if same_source(source, evidence.get("file", "")) and sum(t in have for t in want) / len(want) >= threshold:
            return True
    return False


def evidence_hit_at_k(ranked: list[tuple[str, str]], evidence: list[dict], k: int, *, threshold: float = 0.8) -> float:
    """1.0 if one of the top-k (source, text) passages holds any gold evidence text (`evidence_found`), else 0.0;
    callers skip items without evidence."""
    return float(any(evidence_found(ranked[:k], ev, threshold=threshold) for ev in evidence))


# --------------------------------------------------------------------------------------------- aggregates
def mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of the non-None values."""
    values = sorted(float(v) for v in values if v is not None)
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    position = (len(values) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def latency_summary(values: list[float | None]) -> dict:
    present = [float(v) for v in values if v is not None]
    return {"n": len(present), "p50": percentile(present, 50), "p95": percentile(present, 95),
            "mean": statistics.fmean(present) if present else None, "max": max(present) if present else None}


# --------------------------------------------------------------------------------------------- drafts
def _lines(markdown: str) -> list[str]:
    """Draft lines without Markdown decoration (#, **, _, >, table bars), NFC."""
    clean = []
    for line in vn.nfc(markdown).splitlines():
        line = re.sub(r"^[#>\s]+", "", line)
        line = re.sub(r"[*_`|]+", "", line).strip()
        if line:
            clean.append(line)
    return clean


# Expected start of each roman section's title (normalised); "(hoặc tương đương)" is allowed after the first words.
EXPECTED_SECTIONS = {"i": "mục đích", "ii": "nội dung", "iii": "tổ chức thực hiện"}
_ROMAN_HEADING = re.compile(r"^([IVX]+)\s*[.)]\s*(.+)$")


def structure_checks(markdown: str) -> dict[str, bool]:
    """Each element of a Kế hoạch per Nghị định 30/2020/NĐ-CP: present (True) or missing (False)."""
    lines = _lines(markdown)
    norm = [normalize(line) for line in lines]
    title_at = next((i for i, line in enumerate(lines[:30]) if line == "KẾ HOẠCH" or line.startswith("KẾ HOẠCH ")), None)
    head, tail = norm[:title_at if title_at is not None else 12], norm[-40:]
    headings, section_i_at = {}, len(lines)
    for at, line in enumerate(lines):
        m = _ROMAN_HEADING.match(line)
        if m and m[1].lower() not in headings and line.upper() == line:  # the plan's headings are in capitals
            headings[m[1].lower()] = normalize(m[2])
            section_i_at = at if m[1] == "I" else section_i_at
    checks = {
        "quoc_hieu": any("cộng hòa xã hội chủ nghĩa việt nam" in line for line in head),
        "tieu_ngu": any("độc lập tự do hạnh phúc" in line for line in head),
        "issuer": any("ủy ban nhân dân" in line or line.startswith("ubnd") for line in head),
        "so_ky_hieu": any(re.search(r"\bsố\b.*\bkh\b", line) for line in head),
        "place_date": any(re.search(r"\bngày\b.*\btháng\b.*\bnăm\b", line) for line in head),
        "ten_loai_ke_hoach": title_at is not None,
        "can_cu": any(line.startswith(("căn cứ", "thực hiện")) for line in norm[:section_i_at]),
    }
    for roman, start in EXPECTED_SECTIONS.items():
        checks[f"section_{roman}"] = headings.get(roman, "").startswith(start)
    checks["noi_nhan"] = any(line.startswith("nơi nhận") for line in tail)
    checks["signer"] = any(re.match(r"^(tm|kt|tl|q)\b.*|^(phó )?(chủ tịch|giám đốc)$", line) for line in tail)
    return checks


def cong_van_checks(markdown: str) -> dict[str, bool]:
    """Each element of a công văn per Nghị định 30/2020/NĐ-CP (Phụ lục I, mẫu 1.4): present (True) or missing."""
    lines = _lines(draft_body(markdown))
    norm = [normalize(line) for line in lines]
    head, tail = norm[:14], norm[-40:]
    return {
        "quoc_hieu": any("cộng hòa xã hội chủ nghĩa việt nam" in line for line in head),
        "tieu_ngu": any("độc lập tự do hạnh phúc" in line for line in head),
        "so_ky_hieu": any(re.match(r"^Số:\s*\S*/[\wĐđ…]+-", line) for line in lines[:14]),
        "trich_yeu_vv": any(line.startswith("V/v ") for line in lines[:14]),
        "place_date": any(re.search(r"\bngày\b.*\btháng\b.*\bnăm\b", line) for line in head),
        "kinh_gui": any(line.startswith("kính gửi") for line in norm[:20]),
        "no_roman_sections": not any(_ROMAN_HEADING.match(line) and line.upper() == line for line in lines),
        "noi_nhan_nhu_tren": any(line.startswith("nơi nhận") for line in tail) and any("như trên" in line
                                                                                      for line in tail),
        "signer": any(re.match(r"^(tm|kt|tl|q)\b.*|^(phó )?(chủ tịch|giám đốc)$", line) for line in tail),
    }


def structure_compliance(markdown: str, doc_type: str = "ke-hoach") -> dict:
    checks = cong_van_checks(markdown) if doc_type == "cong-van" else structure_checks(markdown)
    return {"score": sum(checks.values()) / len(checks), "complete": all(checks.values()),
            "missing": [name for name, ok in checks.items() if not ok], "checks": checks}


def other_provinces(markdown: str, province: str, sources_name: Iterable[str] = ()) -> list[str]:
    """Provinces named in the draft other than the target (must be empty), but those the sources name as facts
    (`sources_name`: "tại Thủ đô Hà Nội" in a ministry's circular)."""
    kept = set(sources_name)
    return [name for name in vn.find_provinces(markdown or "") if not vn.same_place(name, province)
            and name not in kept]


def unknown_doc_numbers(markdown: str, known_numbers: set[str]) -> list[str]:
    """Document numbers in the draft that appear nowhere in the library (invented; must be empty).

    `known_numbers` holds `core.vietnamese.number_key` forms of every number in the library's metadata and texts.
    """
    return list(dict.fromkeys(n for n in doc_numbers(markdown) if n not in known_numbers))


def draft_body(markdown: str) -> str:
    """The draft without the coverage-matrix appendix (`draft --markdown-out --appendix`): it quotes the sources."""
    return re.split(r"(?m)^#+\s*Phụ lục: đối chiếu", markdown or "", maxsplit=1)[0]


def must_include_coverage(markdown: str, must_include: list[str], *, threshold: float = 0.5) -> dict:
    """Strict coverage of the facts a good draft states.

    An item is covered when all its key facts (numbers, dates, document numbers) appear in the draft and ONE paragraph
    holds at least `threshold` of its content syllables.
    """
    markdown = draft_body(markdown)
    paragraphs = _lines(markdown) or [""]
    items = []
    for item in must_include:
        facts = fact_recall(item, markdown)
        best = max((containment(item, paragraph) for paragraph in paragraphs), default=0.0)
        covered = best >= threshold and (facts is None or facts == 1.0)
        items.append({"item": item, "covered": covered, "fact_recall": facts, "best_paragraph_containment": best})
    coverage = sum(i["covered"] for i in items) / len(items) if items else None
    return {"coverage": coverage, "items": items}


_ENUMERATOR = re.compile(rf"^\s*(?:[IVX]+\.|\d{{1,2}}(?:\.\d{{1,2}}){{0,2}}\.?|{vn.POINT_MARK}|[-+•])\s+")


def opening(markdown: str) -> str:
    """The draft's "Căn cứ"/"Thực hiện" lines (what it cites as its bases)."""
    return "\n".join(line for line in _lines(draft_body(markdown)) if re.match(r"(?:Căn cứ|Thực hiện)\b", line))


def numbers_outside(markdown: str, allowed_texts: list[str]) -> list[str]:
    """Numbers, dates and document numbers of the draft that none of `allowed_texts` states (the sources, the
    user's input, documents the opening cites). List numbering is not a number; a value the draft itself flags
    "(cần xác nhận)" is a proposal for the user to confirm, reported by the drafter, not counted here."""
    allowed: set[str] = set()
    for text in allowed_texts:
        allowed |= key_facts(text)
    allowed = vn.implied_facts(allowed)
    out = []
    for line in _lines(draft_body(markdown)):
        line = re.sub(r"[^;.,]*\(cần xác nhận\)", " ", _ENUMERATOR.sub("", line))
        out += [fact for fact in sorted(key_facts(line)) if fact not in allowed]
    return list(dict.fromkeys(out))
