"""Text checks the Q&A chain runs on the model's output: citation markers, claim support, script and refusal cues.

The small embedded model copies context well but invents names, echoes "[n]" and leaks Chinese characters, so the
application decides what is cited and what is supported; these functions are plain text in, plain data out.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from core.vietnamese import (
    ASKING_PHRASES,
    DOC_NUMBER_RE,
    DOC_TYPE_NAMES,
    IN_FORCE_FROM_SIGNING,
    PERSON_TITLES,
    POINT_MARK,
    QUESTION_WORDS,
    YEAR_RE,
    canonical_spelling,
    deputy_posts,
    find_dates,
    find_doc_numbers,
    find_provinces,
    is_vietnamese_syllable,
    leading_posts,
    nfc,
    number_key,
    number_keys,
    quoted_spans,
    same_place,
    vietnamese_word_share,
)

# The common Vietnamese family names (well over 90% of people): "who" answers must name someone with one.
SURNAMES = frozenset(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đoàn Vương Trịnh Trương Lâm Phùng
    Mai Tô Hà Cao Lương Tạ Đinh Châu Quách Lưu Thái Kiều Từ La Tôn Triệu Mạc Nghiêm Giang Khúc Chu Thân Doãn Âu
    Kim Lò Hứa Hầu Văn Y""".split()
)

# Scripts a Vietnamese answer never needs: CJK, kana, hangul, Cyrillic, Thai, Arabic, Hebrew, Devanagari.
_FOREIGN = re.compile(
    "[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff"
    "\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
_WORD = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)  # a figure glued to its unit ("6pt", "A4") is still a figure
_NUMBER = re.compile(r"\d+")
_ORDINAL_NUMBER = r"\d{1,2}(?:\.\d{1,2})*[.)]"  # "1.", "2.3.", "4)"
_ORDINAL = re.compile(rf"(?m)^[ \t]*{_ORDINAL_NUMBER}(?=\s)")  # opening a line
# The number a heading opens with ("Điều 3.", "Chương II", "Mục 1", "2.3.", "b)"): it numbers, it states no figure.
_HEADING_NUMBER = re.compile(rf"(?im)^[ \t]*(?:(?:điều|chương|mục|phần|phụ lục)\s+[\divxlc]+[a-z]?[.:]?"
                             rf"|{_ORDINAL_NUMBER}|{POINT_MARK})(?=\s|$)")
# A figure and the unit that says what it counts (money, share, multiple, length, type size, sets or copies of a
# file): the same figure in another unit is another fact ("10 đồng" is not "không quá 10 cá nhân", "nộp 2 bộ" is not
# a table's row "2"). Time units are left out: dates are written too many ways ("15/8", "15 tháng 8").
_UNITS = r"(%|phần trăm|đồng|triệu|tỷ|nghìn|ngàn|lần|mm|cm|pt|bộ|bản)(?!\w)"
# The day and month of a date ("15/12", "01 tháng 01 năm 2027", "ngày 10"): a count or a number stated outside a
# date ("số 1", "3 đợt") is not supported by them.
_DAY_MONTH = re.compile(r"\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
                        r"|(?:ngày|tháng)\s+\d{1,2}(?!\d)", re.IGNORECASE)
_MEASURE = re.compile(r"(?<![\d.,/])(\d+(?:[.,]\d+)*)\s*" + _UNITS, re.IGNORECASE)
# The first figure of a range takes the unit written after the second: "30 - 35 mm", "từ 13 đến 14 pt".
_RANGE_START = re.compile(r"(?<![\d.,/])(\d+(?:[.,]\d+)*)\s*(?:-|–|đến|tới)\s*\d+(?:[.,]\d+)*\s*" + _UNITS,
                          re.IGNORECASE)
_UNIT_SPELLINGS = {"%": "phần trăm", "ngàn": "nghìn"}
_MARKER = re.compile(
    r"\[\s*((?:(?:tài liệu|đoạn|nguồn|văn bản)\s*)?\d+(?:\s*[,;–-]\s*(?:(?:tài liệu|đoạn|nguồn)\s*)?\d+)*)\s*\]",
    re.IGNORECASE,
)
_ECHO = re.compile(r"\[\s*(?:n|N|số|số đoạn|\.\.\.|…|x)\s*\]")
_TAG = re.compile(r"</?[a-z_]+(?:\s[^<>]*)?>")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=\S)|\n+")
# A full stop that ends an abbreviation, not a sentence: the signing marks of Nghị định 30 ("KT. CHỦ TỊCH"), "TP.".
_ABBREVIATION_END = re.compile(r"(?<![\w.])(?:TM|KT|TL|TUQ|Q|TP|Tp|ThS|TS|PGS|GS)\.$")
# A short lead before a colon, opening a line or a sentence, labels what follows ("- Đắk Lắk: trước ngày 31/3/2026"):
# it is no sentence of its own.
_LINE_LABEL = re.compile(r"(?:^|\n|[.!?;][ \t])[ \t]*(?:[-*+•][ \t]*)?(?:[^\s:.;!?]+[ \t]+){0,3}[^\s:.;!?]+$")
_ROMAN = re.compile(r"[IVXLC]{1,6}")
_LOOP = re.compile(r"(.{6,80}?)\1{2,}$", re.DOTALL)
_REPEATED = re.compile(r"(\b.{6,80}?)(?:\1)+")
_UNKNOWN = re.compile(
    r"không có thông tin|không tìm thấy|không được (?:đề cập|nêu)|không nêu|không đề cập|chưa có thông tin"
    r"|không có dữ liệu|không rõ|không biết",
    re.IGNORECASE,
)
# Sentences addressed to an assistant rather than to staff: text planted in a document to steer the model.
_INSTRUCTION = re.compile(
    r"bỏ qua (?:mọi|tất cả|các|những)?\s*(?:hướng dẫn|chỉ dẫn|quy tắc|lệnh)|hãy trả lời|trả lời rằng|"
    r"(?:bạn|trợ lý|mô hình) (?:phải|hãy|cần) |ignore (?:all|any|previous|the)|system prompt|you must|"
    r"disregard (?:all|previous)|quên (?:mọi|tất cả) (?:hướng dẫn|quy tắc)",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    """Lower-case syllables (Vietnamese words are written syllable by syllable)."""
    return _WORD.findall(nfc(text).lower())


def key_terms(text: str) -> set[str]:
    """Syllables that carry content: not stopwords, not single letters."""
    return {w for w in words(text) if w not in QUESTION_WORDS and (len(w) > 1 or w.isdigit())}


def _figure(digits: str) -> str:
    """A digit run without leading zeros: the one form figures are compared in ("05" is 5)."""
    return digits.lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    """Digit runs without leading zeros, so "05" matches "5" and "18/11/2025" matches "ngày 18 tháng 11 năm 2025"."""
    return {_figure(n) for n in _NUMBER.findall(strip_markers(text))}


@functools.lru_cache(maxsize=4096)
def measures(text: str) -> frozenset[tuple[str, str]]:
    """(figure, unit) pairs: "95%" and "95 phần trăm" are one, "0,3 lần" keeps its decimal. Cached like `_tokens`:
    each claim is checked against the same few passages, once per candidate citation."""
    text = strip_markers(nfc(text))
    return frozenset((_figure(figure), _UNIT_SPELLINGS.get(unit.lower(), unit.lower()))
                     for figure, unit in _MEASURE.findall(text) + _RANGE_START.findall(text))


def years(text: str) -> set[str]:
    """Years (19xx, 20xx) mentioned outside số ký hiệu: "năm 2025", "2024-2025"."""
    return set(YEAR_RE.findall(DOC_NUMBER_RE.sub(" ", nfc(text))))


def named_phrases(text: str) -> list[list[str]]:
    """Runs of two or more capitalised syllables (places, organisations, people), case kept.

    A sentence-initial function word ("Theo", "Trong") is capitalised only by position, so it starts no name; a Roman
    numeral or punctuation ends a name ("Phụ lục II Nghị định" holds no name "II Nghị"), and so does a heading in
    capitals before a name in ordinary case ("PHÓ CHỦ TỊCH Trần Chí Hùng" holds the name "Trần Chí Hùng"). A form of
    address written with a capital is no part of the name after it ("Ông Phạm Trung Kiên" names "Phạm Trung Kiên").
    """
    text = nfc(text)
    runs, current, end = [], [], 0
    for match in _WORD.finditer(text):
        token = match.group()
        if text[end:match.start()].strip():  # punctuation between two words ends a name
            if len(current) >= 2:
                runs.append(current)
            current = []
        end = match.end()
        before = text[: match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:\n\"“(-"
        capital = token[0].isupper() and not token.isdigit() and not _ROMAN.fullmatch(token)
        if capital and not (sentence_start and token.lower() in QUESTION_WORDS):
            if _after_capitals_heading(current, token):  # "PHÓ CHỦ TỊCH Trần Chí Hùng": the title ends, a name starts
                runs.append(current)
                current = []
            elif current and current[-1].casefold() in PERSON_TITLES and token in SURNAMES:  # "Ông", "Đồng Chí"
                current = current[:-2] if current[-2:-1] == ["Đồng"] else current[:-1]
                if len(current) >= 2:
                    runs.append(current)
                current = []
            current.append(token)
            continue
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def _after_capitals_heading(run: list[str], token: str) -> bool:
    """`token` is written in ordinary capitalisation after two or more syllables in capitals: the way a signature
    block or heading sets a position ("CHỦ TỊCH") before the person's name (Nghị định 30, Phụ lục I)."""
    upper = [t for t in run[-2:] if len(t) > 1 and t.isupper()]
    return len(upper) == 2 and not token.isupper()


def phrase_present(phrase: list[str], haystack: str) -> bool:
    """A capitalised run is present if any two adjacent syllables of it occur in the haystack, in any case.

    Two-syllable windows tolerate "TP Cần Thơ" vs "thành phố Cần Thơ" while a missing place or person still fails;
    case is ignored because documents write the same name "Luật Thi đua, khen thưởng", "Luật thi đua" or, in
    headers, "SỞ NỘI VỤ" (and a run cut at a lowercase syllable, "Sở Nội" of "Sở Nội vụ", must still be found).
    """
    spaced = " " + " ".join(_WORD.findall(nfc(haystack).lower())) + " "
    return any(f" {a.lower()} {b.lower()} " in spaced for a, b in zip(phrase, phrase[1:]))


def strip_markers(text: str) -> str:
    return _ECHO.sub("", _MARKER.sub("", text))


# A question word that no answer follows ("là …", ": …") later in the sentence.
_UNANSWERED_ASK = re.compile(rf"(?i)\b(?:{ASKING_PHRASES})\b(?![^:]*(?:\slà\s|:))")


def restates_question(sentence: str) -> bool:
    """The small model's sentence repeats the question instead of answering it: it ends with "?", or it still asks
    ("tập thể cần bao nhiêu phần trăm cá nhân đạt …."); "… bao lâu một lần là hai năm một lần" answers."""
    body = nfc(strip_markers(sentence)).rstrip()
    return body.endswith("?") or bool(_UNANSWERED_ASK.search(body))


def parse_markers(text: str) -> list[int]:
    """Passage numbers cited in the text, in order of appearance, e.g. "[1]", "[1, 3]", "[Tài liệu 2]"."""
    found: list[int] = []
    for match in _MARKER.finditer(nfc(text)):
        for number in _NUMBER.findall(match.group(1)):
            if int(number) not in found:
                found.append(int(number))
    return found


def strip_foreign(text: str) -> tuple[str, int]:
    """Remove characters of scripts Vietnamese never uses; returns the text and how many were removed."""
    cleaned, count = _FOREIGN.subn("", text)
    return cleaned, count


def tidy(text: str) -> str:
    """No space before punctuation, no double spaces (left behind by removed markers or characters)."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def is_looping(text: str) -> bool:
    """The small model sometimes repeats a phrase until its token budget runs out: stop reading when it does."""
    return bool(_LOOP.search(text[-400:]))


def clean_output(text: str) -> str:
    """What the model wrote minus foreign scripts, markup echoed from the prompt, literal "[n]" placeholders and
    phrases repeated back to back (kept once)."""
    text = strip_foreign(text)[0]
    text = _REPEATED.sub(lambda match: match.group(1), text)
    return tidy(_ECHO.sub("", _TAG.sub("", text)))


def is_vietnamese(text: str) -> bool:
    """Short answers (codes, dates) pass; longer ones need Vietnamese letters in a fair share of their words."""
    share, count = vietnamese_word_share(strip_markers(text))
    return count < 4 or share >= 0.2


def foreign_share(text: str) -> float:
    """Share of the letters that belong to scripts Vietnamese never uses."""
    letters = sum(1 for ch in text if ch.isalpha())
    return strip_foreign(text)[1] / letters if letters else 0.0


def says_unknown(text: str) -> bool:
    """The model's own "the passages do not say" (our prompt asks for KHÔNG CÓ THÔNG TIN)."""
    return bool(_UNKNOWN.search(nfc(text)))


def without_instructions(text: str) -> str:
    """The passage minus sentences that instruct an assistant, so an injected "say X" never counts as support."""
    return "\n".join(s for s in split_sentences(text) if not _INSTRUCTION.search(nfc(s)))


def split_sentences(text: str, *, colon_ends: bool = True) -> list[str]:
    """Sentences or list items; never split inside quotation marks; a piece holding only citation markers joins the
    sentence before it. `colon_ends` False (an answer's claims): a colon inside a line introduces the rest of its
    sentence ("… được hưởng quyền lợi: được miễn phí …"), so the lead and what it introduces stay one claim."""
    text = text.strip()
    quoted = quoted_spans(text)
    raw, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if any(a < match.start() < b for a, b in quoted) or "\n" not in match.group() and (
                _ABBREVIATION_END.search(text[max(0, match.start() - 5):match.start()])
                or text[match.start() - 1] == ":" and (not colon_ends or _LINE_LABEL.search(text[:match.start() - 1]))):
            continue
        raw.append(text[start:match.start()])
        start = match.end()
    raw.append(text[start:])
    pieces: list[str] = []
    for piece in raw:
        piece = piece.strip()
        if not piece:
            continue
        if pieces and not strip_markers(piece).strip(" .,;:-–*"):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces


# ------------------------------------------------------------------------------------------------ support
@dataclass
class SourceText:
    """A passage as claims are checked against it: its text, its heading path, its document's title, and its
    document's record (number, issue date, issuer) as one line. The heading and title say what the whole text is
    about, so they stand near every fact of the text; the record line stands alone (its date is the issue date,
    not the date of whatever the title names)."""

    text: str
    heading: str = ""
    title: str = ""
    record: str = ""

    @property
    def everything(self) -> str:
        return "\n".join(part for part in (self.text, self.heading, self.title, self.record) if part)

    def segments(self) -> list[tuple[list[str], set[str]]]:
        """(tokens, words near every token of them) for each part a fact can stand in. The ordinals that open a
        heading or list item ("1. Khổ giấy", "2)") count nothing, so they state no figure. A heading that is a whole
        label ("5. Bà Dương Thị Minh Lý - Chuyên viên", "3. Sở Khoa học và Công nghệ") names whom or what the text
        under it is about, so the text stands near it; a label cut short ("…") is the opening sentence of a
        paragraph and keeps to itself."""
        context = set(_tokens(self.heading)) | set(_tokens(self.title))
        headings = _HEADING_NUMBER.sub(" ", self.heading.replace(" > ", "\n"))
        labels = "\n".join(part for part in self.heading.split(" > ") if not part.endswith("…"))
        parts = [(_ORDINAL.sub(" ", self.text), context), (headings, set(_tokens(self.title))),
                 (_HEADING_NUMBER.sub(" ", labels), set(_tokens(self.title)) | set(_tokens(self.text))),
                 (self.title, set(_tokens(self.heading))), (self.record, set())]
        return [(_tokens(text), near) for text, near in parts if text.strip()]


@dataclass
class LibraryStats:
    """Which syllables the library holds and in how many passages: rare words weigh more in the focus check."""

    passages: int = 0
    frequency: dict[str, int] = field(default_factory=dict)
    pairs: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, texts) -> LibraryStats:
        counts: dict[str, int] = {}
        pairs: set[tuple[str, str]] = set()
        total = 0
        for text in texts:
            total += 1
            tokens = _tokens(text)
            pairs.update(zip(tokens, tokens[1:]))
            for word in set(tokens):
                counts[word] = counts.get(word, 0) + 1
        return cls(total, counts, pairs)

    def weight(self, word: str) -> float:
        """Inverse document frequency (smoothed): a word in every passage weighs little, an unseen one the most."""
        return math.log((self.passages + 1) / (self.frequency.get(word, 0) + 0.5))

    def knows(self, word: str) -> bool:
        return word in self.frequency

    def knows_pair(self, first: str, second: str) -> bool:
        return (first, second) in self.pairs


@dataclass(frozen=True)
class Fact:
    """A checkable part of a claim: a number (digits, no leading zeros) or a capitalised name (its syllables)."""

    kind: str  # "number" or "name"
    syllables: tuple[str, ...]
    person: bool = False


@dataclass
class SupportRules:
    """Thresholds of the support check (from the settings object)."""

    term_share: float = 0.6  # share of a claim's new terms the passage must hold
    focus_share: float = 0.2  # share of the question's focus terms found near each fact
    focus_relative: float = 0.5  # share of the focus terms the passage holds that stand near the fact
    window: int = 20  # syllables on each side of a fact that count as "near"
    sentence_margin: int = 3  # more syllable pairs shared with a claim that make another figure's sentence its own
    quote_match: float = 0.75  # a misquote at least this close to a passage run is replaced by it
    name_match: float = 0.5  # a misspelt syllable at least this close to a passage syllable is replaced by it


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    """Lower-case syllables; digit runs without leading zeros ("05" -> "5"). Cached: every claim of an answer is
    checked against the same few passages."""
    return tuple(_figure(w) if w.isdigit() else w for w in words(text))


# Words that say which document or place is meant rather than what is asked about.
_IDENTITY = re.compile(
    "|".join([r"ủy ban nhân dân", r"uỷ ban nhân dân", r"\bubnd\b", r"hội đồng nhân dân", r"\bhđnd\b",
              r"\btỉnh\b", r"thành phố", *(re.escape(name.lower()) for name in DOC_TYPE_NAMES)]),
    re.IGNORECASE,
)


def focus_terms(question: str) -> set[str]:
    """What the question asks about: its content words and numbers minus the words naming the document or place
    (its number, its province, its quoted title): a document's title stands near every fact of that document."""
    text = DOC_NUMBER_RE.sub(" ", canonical_spelling(question))
    for start, end in reversed(quoted_spans(text)):
        text = f"{text[:start]} {text[end:]}"
    for province in find_provinces(text):
        text = re.sub(re.escape(province), " ", text, flags=re.IGNORECASE)
    return {t for t in _tokens(_IDENTITY.sub(" ", text.lower())) if t not in QUESTION_WORDS and (len(t) > 1 or t.isdigit())}


def claim_facts(sentence: str, question: str) -> list[Fact]:
    """Numbers and names a sentence states that the question did not already contain."""
    body = strip_markers(sentence)
    asked = numbers(question)
    facts = [Fact("number", (n,)) for n in sorted(numbers(body) - asked)]
    for phrase in named_phrases(body):
        if not phrase_present(phrase, question):
            facts.append(Fact("name", tuple(p.lower() for p in phrase), phrase[0] in SURNAMES))
    return facts


def _positions(fact: Fact, tokens: list[str]) -> list[int]:
    if fact.kind == "number" or len(fact.syllables) == 1:
        return [i for i, t in enumerate(tokens) if t == fact.syllables[0]]
    pairs = set(zip(fact.syllables, fact.syllables[1:]))
    return [i for i in range(len(tokens) - 1) if (tokens[i], tokens[i + 1]) in pairs]


def fact_supported(fact: Fact, source: SourceText, focus: set[str], rules: SupportRules,
                   stats: LibraryStats | None = None) -> bool:
    """The fact stands where the passage speaks of what the question asks. Near the fact (with what its part of the
    passage is about) must stand a share of the question's focus words (`focus_share`) and a share of the focus words
    that part holds at all (`focus_relative`): a figure the passage attaches to something else does not answer the
    question, while a long question's framing words found nowhere in the passage do not sink a good answer. Words
    weigh by rarity in the library, so generic ones ("thi đua", "khen thưởng") cannot carry the check alone."""
    weight = stats.weight if stats and stats.passages else (lambda word: 1.0)
    wanted = sum(weight(word) for word in focus)
    for tokens, context in source.segments():
        held = sum(weight(word) for word in (set(tokens) | context) & focus)
        for i in _positions(fact, tokens):
            near = sum(weight(word) for word in (set(tokens[max(0, i - rules.window): i + rules.window + 1]) | context)
                       & focus)
            if wanted <= 0 or (near / wanted >= rules.focus_share and
                               (near / held if held else 0.0) >= rules.focus_relative):
                return True
    return False


def term_share(sentence: str, passage: str, question: str = "") -> float:
    """Share of the sentence's new terms (not repeated from the question) that the passage holds."""
    body = strip_markers(sentence)
    new_terms = key_terms(body) - key_terms(question)
    if not new_terms:
        return 1.0 if key_terms(body) & key_terms(passage) else 0.5
    return len(new_terms & key_terms(passage)) / len(new_terms)


@dataclass
class Claim:
    """One sentence of the answer, the passages it is attributed to, and whether they support it."""

    text: str
    cited: list[int] = field(default_factory=list)
    supported: bool = True
    meta: bool = False  # "the passages do not say ..." — not a claim about the documents
    facts: list[Fact] = field(default_factory=list)
    reason: str = ""


def _about_elsewhere(source: SourceText, places: list[str]) -> bool:
    """Whether the passage (its text, headings or its document's record) names provinces, none of them one of
    `places`. A passage naming no province (a national rule) is about no other place."""
    named = find_provinces(source.everything)
    return bool(named) and not any(same_place(place, other) for other in named for place in places)


# "ngày 30/2020": a day and a year with no month, made of a số ký hiệu's figures ("30/2020/NĐ-CP"), is no date.
_NO_DATE = re.compile(r"(?i)\bngày\s+\d{1,2}/\d{4}\b(?!/)")


# What may stand between a số ký hiệu and the date that is its own: "Nghị định số 01/2008/NĐ-CP, ngày 03/01/2008".
_NUMBER_TO_DATE = re.compile(r"(?i)\s*,?\s*(?:ban hành\s+)?(?:ngày\s*)?")


def _places(text: str, date: tuple[int, int, int]) -> list[re.Match]:
    """Where `text` states `date`, in either spelling."""
    return [match for match, value in find_dates(text) if value == date]


def _date_owners(text: str, date: tuple[int, int, int]) -> list[str]:
    """For each place `text` states `date`: the key of the số ký hiệu written right before it (whose date it is), or
    "" when none is."""
    numbers = find_doc_numbers(text)
    owners = []
    for match in _places(text, date):
        before = [n for n in numbers if n.end() <= match.start()
                  and _NUMBER_TO_DATE.fullmatch(text[n.end():match.start()])]
        owners.append(number_key(before[-1].group(0)) if before else "")
    return owners


def _date_of_another_document(body: str, chosen: list[SourceText], question: str) -> str:
    """A date the claim states that the chosen passages give only as the date of another document than the one the
    claim or question names or the passage belongs to ("Căn cứ Nghị định số 01/2008/NĐ-CP ngày 03/01/2008" dates that
    decree, not the circular citing it): "" when none is."""
    named = number_keys(body) | number_keys(question) | {""}
    for _, date in find_dates(body):
        owners = [(owner, source) for source in chosen for owner in _date_owners(source.everything, date)]
        if owners and not any(owner in named | number_keys(source.record) for owner, source in owners):
            return f"date {date[0]:02d}/{date[1]:02d}/{date[2]} is the date of «{owners[0][0]}»"
    return ""


# What a date is the day of, by the words just before it in its clause: a text's coming into force, or its signing,
# issuing or passing ("thông qua ngày 27/11/2025" is no day of coming into force).
_DATE_ROLE = re.compile(r"(?i)(?P<force>hiệu lực)|(?P<made>ban hành|\bký\b|thông qua)")
_ROLE_WORDS = {"force": "comes into force", "made": "is signed or passed"}
_DATE_ROLE_REACH = 30  # characters between the role's words and the date, within one line and sentence


def _date_roles(text: str, date: tuple[int, int, int]) -> list[str]:
    """For each place `text` states `date`: "force", "made", or "" when no role word stands just before it."""
    roles = []
    for match in _places(text, date):
        lead = re.sub(r":\s*\n", ": ", text[max(0, match.start() - _DATE_ROLE_REACH):match.start()])
        lead = re.split(r"[.;\n]", lead)[-1]  # a label's value may stand on the line below it ("Ngày ban hành :\n…")
        found = list(_DATE_ROLE.finditer(lead))
        roles.append(found[-1].lastgroup if found else "")
    return roles


def _date_in_another_role(body: str, chosen: list[SourceText]) -> str:
    """A date the claim gives as the day a text comes into force that the passages give only as the day one was
    signed or passed, or the other way round: "" when none is. A text in force from its signing ("có hiệu lực kể từ
    ngày ký") has both on one day."""
    if any(IN_FORCE_FROM_SIGNING.search(source.text) for source in chosen):
        return ""
    for _, date in find_dates(body):
        claimed = _date_roles(body, date)
        roles = [role for source in chosen for role in _date_roles(source.everything, date)]
        if claimed and claimed[0] and roles and "" not in roles and claimed[0] not in roles:
            return f"date {date[0]:02d}/{date[1]:02d}/{date[2]} is no day a text {_ROLE_WORDS[claimed[0]]} there"
    return ""


_DAY_AND_MONTH = re.compile(r"(?i)(?<![\d/])(\d{1,2})\s*(?:/|-|\s+tháng\s+)\s*(\d{1,2})(?![\d])")


def _date_not_stated(body: str, chosen: list[SourceText]) -> str:
    """A full date the claim states whose day and month the chosen passages never state together: its figures found
    apart ("kỳ họp thứ 10", "tháng 12 năm 2001") date nothing. "" when every date stands there."""
    stated = {(int(day), int(month)) for source in chosen for day, month in _DAY_AND_MONTH.findall(source.everything)}
    for _, (day, month, year) in find_dates(body):
        if (day, month) not in stated:
            return f"date {day:02d}/{month:02d}/{year} not stated there"
    return ""


def _pairs(text: str) -> set[tuple[str, str]]:
    """Adjacent syllable pairs without figures: the wording a sentence and a claim share, in its order."""
    tokens = _tokens(text)
    return {(a, b) for a, b in zip(tokens, tokens[1:]) if not a.isdigit() and not b.isdigit()}


def _figures_stated(text: str) -> set[tuple[str, str]]:
    """(kind, value) of each figure a text states: ("date", "15/8") for a day and month, ("year", "2025"), else the
    syllable after the figure and the figure (("bộ", "2") for "02 bộ"). A heading's or list item's number states
    nothing."""
    dates = {("date", f"{int(day)}/{int(month)}") for day, month in _DAY_AND_MONTH.findall(text)}
    for match, _ in reversed(find_dates(text)):
        text = f"{text[:match.start()]} {text[match.end():]}"
    rest = _HEADING_NUMBER.sub(" ", _DAY_MONTH.sub(" ", text))
    tokens = _tokens(YEAR_RE.sub(" ", rest))
    return (dates | {("year", year) for year in YEAR_RE.findall(rest)}
            | {(after, figure) for figure, after in zip(tokens, tokens[1:])
               if figure.isdigit() and not after.isdigit()})


def _closer_sentence(body: str, question: str, sentences: list[str], margin: int) -> str:
    """A sentence stating another figure of a kind the claim states (a date, a count of "bộ"), not the claim's, that
    reads like the claim far more (`margin` more of its syllable pairs) than every sentence stating the claim's
    figure: the model took the figure of the neighbouring row ("Đơn vị … gửi hồ sơ … về Hội đồng … ngày 30/9" for
    "Cá nhân … gửi hồ sơ về đơn vị … ngày 15/8"). "" when there is none."""
    claimed, wording = _figures_stated(body) - _figures_stated(question), _pairs(body)
    if not claimed:
        return ""
    # each sentence with its figures and how many of the claim's syllable pairs it shares
    read = [(sentence, _figures_stated(sentence), len(wording & _pairs(sentence))) for sentence in sentences]
    for kind, value in claimed:
        own = max((shared for _, figures, shared in read if (kind, value) in figures), default=0)
        rival, most = max(((s, shared) for s, figures, shared in read
                           if any(k == kind for k, _ in figures - claimed) and not figures & claimed),
                          key=lambda pair: pair[1], default=("", 0))
        if own and rival and most >= own + margin:
            return rival
    return ""


def _sentences(sources: list[SourceText]) -> list[str]:
    """The sentences of the passages' own text (not their headings or titles), in order."""
    return [sentence for source in sources for sentence in split_sentences(source.text)]


ANOTHER_SENTENCE = "figure stands in a sentence less like the claim than one stating another"


def _supports(body: str, facts: list[Fact], chosen: list[SourceText], question: str, focus: set[str],
              rules: SupportRules, stats: LibraryStats | None) -> str:
    """"" when the chosen passages support the claim, else why not."""
    if no_date := _NO_DATE.search(body):
        return f"«{no_date.group()}» is no date"
    joined = "\n".join(source.everything for source in chosen)
    if term_share(body, joined, question) < rules.term_share:
        return "words not in the passages"
    places = find_provinces(body)
    if places:  # a fact said of a province does not rest on a passage about another province
        chosen = [source for source in chosen if not _about_elsewhere(source, places)]
        if not chosen:
            return f"the passages are about another province than «{places[0]}»"
    other_unit = measures(body) - measures(joined) - measures(question)
    if other_unit:
        figure, unit = sorted(other_unit)[0]
        return f"figure «{figure} {unit}» not stated in that unit there"
    if misdated := (_date_not_stated(body, chosen) or _date_of_another_document(body, chosen, question)
                    or _date_in_another_role(body, chosen)):
        return misdated
    if _closer_sentence(body, question, _sentences(chosen), rules.sentence_margin):
        return ANOTHER_SENTENCE
    plain = _plain_numbers(body)
    for fact in facts:
        sources = chosen
        if fact.kind == "number" and fact.syllables[0] in plain and int(fact.syllables[0]) <= 31:
            sources = [replace(source, text=_DAY_MONTH.sub(" ", source.text)) for source in chosen]
        if not any(fact_supported(fact, source, focus, rules, stats) for source in sources):
            return f"{fact.kind} «{' '.join(fact.syllables)}» not stated there about what is asked"
        if fact.person and (deputy := _only_deputy(fact, chosen, leading_posts(question))):
            return f"person «{' '.join(fact.syllables)}» is the deputy there (phó {deputy})"
    return ""


def _only_deputy(fact: Fact, sources: list[SourceText], asked: set[str]) -> str:
    """The post the question asks about ("ai là Trưởng phòng") that every passage line naming the person gives them
    only as a deputy ("Ông A - Phó Trưởng phòng"); "" when any line names them otherwise."""
    name = f" {' '.join(fact.syllables)} "
    lines = [line for source in sources for line in source.text.splitlines() if name in f" {' '.join(_tokens(line))} "]
    deputy = set.intersection(*(deputy_posts(line) for line in lines)) & asked if lines and asked else set()
    return min(deputy, default="")


def _plain_numbers(text: str) -> set[str]:
    """Figures a text states outside dates: the day and month of "01 tháng 01 năm 2027" are no count of anything."""
    return numbers(_DAY_MONTH.sub(" ", text))


def attribute(answer: str, sources: list[SourceText], question: str = "",
              rules: SupportRules | None = None, stats: LibraryStats | None = None) -> list[Claim]:
    """Map each sentence to the passages that support it and flag the unsupported ones.

    Cited passages are checked first; if they fail (or nothing is cited) the best-overlapping passage that passes
    is cited instead (or the best two together), so a wrong or missing "[n]" is repaired rather than trusted.
    """
    rules = rules or SupportRules()
    focus = focus_terms(question)
    claims = []
    for sentence in split_sentences(answer, colon_ends=False):
        cited = [n for n in parse_markers(sentence) if 1 <= n <= len(sources)]
        body = tidy(strip_markers(sentence))
        if says_unknown(body):
            claims.append(Claim(body, [], supported=True, meta=True))
            continue
        facts = claim_facts(body, question)
        scores = {n: term_share(body, sources[n - 1].everything, question) for n in range(1, len(sources) + 1)}
        ranked = sorted(scores, key=scores.get, reverse=True)
        candidates = [cited] if cited else []
        candidates += [[n] for n in ranked] + ([sorted(ranked[:2])] if len(ranked) >= 2 else [])
        reasons = ["no passage"]
        for chosen in candidates:
            reasons.append(_supports(body, facts, [sources[n - 1] for n in chosen], question, focus, rules, stats))
            if not reasons[-1]:
                claims.append(Claim(body, chosen, facts=facts))
                break
        else:
            claims.append(Claim(body, cited, supported=False, facts=facts, reason=reasons[-1]))
            if ANOTHER_SENTENCE in reasons and (closer := _closer_claim(
                    body, sources, question, focus, rules, stats, _figures_stated(answer.replace(sentence, " ")))):
                claims.append(closer)
    return claims


def _closer_claim(body: str, sources: list[SourceText], question: str, focus: set[str], rules: SupportRules,
                  stats: LibraryStats | None, answered: set[tuple[str, str]]) -> Claim | None:
    """The passage's own sentence in place of a claim that took the neighbouring row's figure, when that sentence
    reads like the claim far more (`_closer_sentence`) and answers what is asked: the model wrote the right statement
    with the wrong row's figure. Not a sentence naming a body or person that neither the claim nor the question names
    (another unit's quota), nor one stating a figure the rest of the answer (`answered`) states already (it would say
    it twice)."""
    sentence = _closer_sentence(body, question, _sentences(sources), rules.sentence_margin)
    if not sentence or _figures_stated(sentence) & answered or not all(
            phrase_present(phrase, f"{body} {question}") for phrase in named_phrases(sentence)):
        return None
    for n, source in enumerate(sources, start=1):
        if sentence in split_sentences(source.text):
            text = sentence.rstrip(";,: ")
            text_facts = claim_facts(text, question)
            if not _supports(text, text_facts, [source], question, focus, rules, stats):
                return Claim(text, [n], facts=text_facts)
    return None


def evidence_sentences(claim: Claim, source: SourceText, max_chars: int, limit: int) -> list[str]:
    """The sentences of a passage that a supported claim rests on, verbatim, for the reader to check and cite: first
    the one holding most of the claim's facts (its figures and the names it adds), then most of its words; then, while
    some of those facts are in no chosen sentence, the one holding most of the rest (a margin in one sentence, a line
    spacing in the next). A sentence that adds nothing to the claim (the claim already copies it) is not quoted, nor
    a first one sharing no word with it. A long sentence is cut around its first figure."""
    body = strip_markers(claim.text)
    figures, terms = numbers(body), key_terms(body)
    remaining = set(claim.facts)  # not the question's own figures: "Số: 982/KH-UBND" answers nothing asked

    def held(sentence: str) -> set[Fact]:
        stated = numbers(sentence)
        return {fact for fact in remaining if (fact.syllables[0] in stated if fact.kind == "number"
                                               else phrase_present(list(fact.syllables), sentence))}

    chosen: list[str] = []
    sentences = split_sentences(source.text)
    while len(chosen) < limit:
        best, best_facts, best_score = "", set(), (0, 0)
        for sentence in sentences:
            facts = held(sentence)
            score = (len(facts), len(terms & key_terms(sentence)))
            if sentence not in chosen and score > best_score:
                best, best_facts, best_score = sentence, facts, score
        # the first sentence must share words with the claim, a further one must hold a fact still unquoted
        if not best or not key_terms(best) - terms or best_score[0 if chosen else 1] == 0:
            break
        chosen.append(best)
        remaining -= best_facts
        if not remaining:
            break
    return [_cut_around(_with_what_follows(sentence, sentences), figures, max_chars) for sentence in chosen]


def _with_what_follows(sentence: str, sentences: list[str]) -> str:
    """A lead-in ending with ":" ("2.1 Phòng Y tế:") quoted with the sentence under it, which says what it leads to;
    not with another lead-in ("a) Chủ tịch Hội đồng:") or a bare mark ("A.")."""
    at = sentences.index(sentence)
    after = sentences[at + 1] if at + 1 < len(sentences) else ""
    if sentence.endswith(":") and not after.endswith(":") and len(words(after)) >= 3:
        return f"{sentence} {after}"
    return sentence


def _cut_around(sentence: str, figures: set[str], max_chars: int) -> str:
    """At most max_chars of a sentence, around the first of `figures` it holds (its start when none), whole words."""
    if len(sentence) <= max_chars:
        return sentence
    hit = next((m.start() for m in _NUMBER.finditer(sentence) if _figure(m.group()) in figures), 0)
    start = max(0, min(hit - max_chars // 3, len(sentence) - max_chars))
    piece = sentence[start:start + max_chars]
    if start > 0:
        piece = "…" + piece.split(" ", 1)[-1]
    if start + max_chars < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece


# ------------------------------------------------------------------------------------------------ verbatim repair
def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def repair_quotes(sentence: str, passages: list[str], rules: SupportRules) -> str | None:
    """Each quoted title or slogan copied from the passage it comes from; None when a quote matches no passage.

    The closest run of the same number of words (±2) in any passage — the same words count as closest — replaces
    the quote, punctuation and spelling included, when it is close enough.
    """
    def fix(quote: str) -> str:
        flat = " ".join(words(quote[1:-1]))
        size_wanted = len(flat.split())
        best, best_text = 0.0, ""
        for passage in passages:
            passage = nfc(passage)
            found = list(_WORD.finditer(passage))
            lowered = [m.group(0).lower() for m in found]
            for size in range(max(1, size_wanted - 2), size_wanted + 3):
                for start in range(0, max(0, len(found) - size) + 1):
                    score = _similarity(flat, " ".join(lowered[start:start + size]))
                    if score > best:
                        best, best_text = score, passage[found[start].start():found[start + size - 1].end()]
        if best < rules.quote_match:
            raise _Unquotable
        return f"“{best_text}”"

    try:
        for start, end in reversed(quoted_spans(sentence)):
            if end - start >= 4:  # two characters or more between the marks
                sentence = sentence[:start] + fix(sentence[start:end]) + sentence[end:]
    except _Unquotable:
        return None
    return sentence


class _Unquotable(Exception):
    pass


# A word this short outside the language is a code ("QĐ", "HD", "TTr"): one letter apart is another code, so only
# case and "Đ"/"D" may be repaired ("QD" -> "QĐ"), never "QD" -> "HD".
_CODE_CHARS = 3


def repair_names(sentence: str, passages: list[str], question: str, stats: LibraryStats | None,
                 rules: SupportRules) -> str | None:
    """Misspelt names ("Nghiệp quyết" for "Nghị quyết") and invented words ("Phádart") repaired from the passages.

    A name-like pair (capitalised first syllable) found in neither the passages, the question nor the library takes
    the passage pair that shares one syllable and is close in the other (same first letter); a word that is neither in the library nor shaped like a Vietnamese syllable
    is replaced by the closest passage word. None when an invented word has no close passage word (the sentence is
    then dropped).
    """
    haystack = "\n".join([*passages, question])
    # pairs within a line: the last word of a signature and the first of the title below it are no name
    lines = [[m.group(0) for m in _WORD.finditer(line)] for line in nfc(haystack).split("\n")]
    spaced = [word for line in lines for word in line]
    pairs = [(a, b) for line in lines for a, b in zip(line, line[1:])]
    present = {(a.lower(), b.lower()) for a, b in pairs}
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    for a, b in pairs:
        after.setdefault(a.lower(), set()).add(b)
        before.setdefault(b.lower(), set()).add(a)

    def known_pair(first: str, second: str) -> bool:
        pair = (first.lower(), second.lower())
        return pair in present or bool(stats and stats.knows_pair(*pair))

    tokens = [m.group(0) for m in _WORD.finditer(strip_markers(sentence))]
    for index, (a, b) in enumerate(zip(tokens, tokens[1:])):
        pair = (a.lower(), b.lower())
        if not a[:1].isupper() or known_pair(a, b) or a.isdigit() or b.isdigit():
            continue
        # a syllable that forms a known pair with its other neighbour is spelt right ("Bắc Ninh là": "Ninh" stays)
        a_known = index > 0 and known_pair(tokens[index - 1], a)
        b_known = index + 2 < len(tokens) and known_pair(b, tokens[index + 2])
        fixes = [(f"{a} {other}", _similarity(b.lower(), other.lower())) for other in after.get(pair[0], ())
                 if other[:1].lower() == b[:1].lower() and not b_known] + \
                [(f"{other} {b}", _similarity(a.lower(), other.lower())) for other in before.get(pair[1], ())
                 if other[:1].lower() == a[:1].lower() and not a_known]
        fixes = [f for f in fixes if f[1] >= rules.name_match]
        if fixes:
            # ties go to the spelling with fewest capitals ("Nghị định" over a heading's "NGHỊ định"), then
            # alphabetical order: the same output is repaired the same way in every process
            best = max(sorted(fixes), key=lambda f: (f[1], -sum(ch.isupper() for ch in f[0])))[0]
            sentence = sentence.replace(f"{a} {b}", best[:1].upper() + best[1:] if a[:1].isupper() else best, 1)
    known = set(words(haystack))
    passage_words = sorted(set(spaced))
    for match in reversed(list(_WORD.finditer(sentence))):
        word = match.group(0)
        if (word.isdigit() or word.lower() in known or (stats and stats.knows(word.lower()))
                or not any(ch.isalpha() for ch in word)
                or is_vietnamese_syllable(word)):
            continue
        code = len(word) <= _CODE_CHARS
        candidates = [w for w in passage_words if number_key(w) == number_key(word)] if code else passage_words
        close = max(candidates, key=lambda w: _similarity(word, w), default="")
        if not close or (not code and _similarity(word, close) < rules.name_match):
            return None
        sentence = sentence[:match.start()] + close + sentence[match.end():]
    return sentence
