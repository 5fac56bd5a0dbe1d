"""The one copy of each Vietnamese text rule: spelling normalisation, số ký hiệu, dates, document types, provinces,
function words and token estimates. Every other module imports these; none keeps its own variant.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# ------------------------------------------------------------------------------------------------ spelling
# Old-style tone placement in open syllables ("Hoà", "Thanh Hoá", "Thuỵ") mapped to the modern style; a closed
# syllable ("hoạch", "khoán") keeps its tone on the main vowel in both styles and is left alone.
_TONE_STYLE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy",
               "uỹ": "ũy", "uỵ": "ụy"}
_OPEN_SYLLABLE_TONE = re.compile("(" + "|".join(_TONE_STYLE) + r")(?![a-zà-ỹđ])", re.IGNORECASE)
_SPELLING_VARIANTS = {"Đăk": "Đắk", "Lăk": "Lắk", "Đắc": "Đắk"}
_WORD = re.compile(r"\w+", re.UNICODE)

VIETNAMESE_LETTERS = frozenset("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _modern_tone(match: re.Match) -> str:
    old = match.group(1)
    new = _TONE_STYLE[old.lower()]
    return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new))


def canonical_spelling(text: str) -> str:
    """NFC with one tone-placement style, so "Khánh Hoà" and "Khánh Hòa" compare equal (lengths are kept)."""
    text = _OPEN_SYLLABLE_TONE.sub(_modern_tone, nfc(text))
    for old, new in _SPELLING_VARIANTS.items():
        text = text.replace(old, new)
    return text


# Vietnamese syllable shape: optional onset, one to three vowels, optional final (tone marks removed first).
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?",
)
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))


def is_vietnamese_syllable(word: str) -> bool:
    """True when `word` has the shape of a Vietnamese syllable ("nghiệp", "quyết"; not "Phádart", "hello")."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS))
    return bool(_SYLLABLE.fullmatch(bare))


def syllables(text: str) -> list[str]:
    """Lower-case syllables in one spelling style (Vietnamese words are written syllable by syllable)."""
    return _WORD.findall(canonical_spelling(text).lower())


def vietnamese_word_share(text: str) -> tuple[float, int]:
    """(share of letter words holding a Vietnamese letter — ă â đ ê ô ơ ư or a tone mark —, number of letter words).
    Running Vietnamese prose has about half its words marked; OCR garbage or another language far fewer."""
    words = [word for word in _WORD.findall(nfc(text).lower()) if not any(ch.isdigit() for ch in word)]
    if not words:
        return 0.0, 0
    return sum(1 for word in words if VIETNAMESE_LETTERS.intersection(word)) / len(words), len(words)


# ------------------------------------------------------------------------------------------------ quotations
_MAX_QUOTE = 300  # characters: a longer "quote" is a stray mark, not a title or slogan


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost quotation, marks included. Inside a quotation a straight quote opens another when
    it follows a space or a bracket and precedes a letter, else it closes: a slogan the model quotes inside a quoted
    sentence ("Tỉnh "Kỷ cương; chủ động" năm 2024") is one quotation, not two with the slogan between them.
    Quotations that span lines or run over `_MAX_QUOTE` characters, and marks left unpaired, protect nothing."""
    spans, depth, start = [], 0, 0
    for index, mark in enumerate(text):
        if mark not in "“”\"":
            continue
        opens = mark == "“" or mark == '"' and (depth == 0 or (text[index - 1] in " \t\n([{") and (
            index + 1 < len(text) and not text[index + 1].isspace()))
        if opens:
            start = index if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0 and index - start <= _MAX_QUOTE + 1 and "\n" not in text[start:index]:
                spans.append((start, index + 1))
    return spans


# Terms written with a comma that is no break: "Luật Thi đua, khen thưởng", "Phòng Thi đua, Khen thưởng".
_COMMA_TERMS = re.compile(r"(?i)\bthi đua,\s*khen thưởng\b")


def comma_term_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each term written with a comma: a question is never cut inside one."""
    return [match.span() for match in _COMMA_TERMS.finditer(text)]


def unbroken_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches a question is never cut inside: its quotations and its terms written with a
    comma."""
    return sorted(quoted_spans(text) + comma_term_spans(text))


# ------------------------------------------------------------------------------------------------ function words
# Syllables that carry no fact in any context: BM25 drops them, scorers ignore them.
FUNCTION_WORDS = frozenset(
    "và của các là có được cho trong với những một này theo về để đã từ khi không thì tại do đến như trên"
    " bị nào gì ai sao".split()
)
# Words that point back to what was said ("trong đó", "người ấy"): they carry no content of their own.
DEMONSTRATIVES = frozenset("đó ấy kia".split())
# Beyond those, words of a question or of administrative prose that say nothing about which fact is meant.
QUESTION_WORDS = FUNCTION_WORDS | DEMONSTRATIVES | frozenset(
    """
    bao nhiêu đâu thế ra vào lần hay hoặc bởi ở mấy gồm sẽ đang phải cần nên mà việc người cũng
    rằng vì vậy nếu nhưng còn dưới sau trước đây nêu ghi tên hãy biết nói rõ số ngày tháng năm tất cả
    quy định văn bản tài liệu đoạn thông tin trả lời câu hỏi
    """.split()
)
# Phrases that only a question holds ("bao nhiêu", "khi nào", "là gì"): the question words a statement never uses.
ASKING_PHRASES = r"bao nhiêu|bao giờ|bao lâu|khi nào|là gì|là ai|thế nào"


def content_words(text: str) -> set[str]:
    """Syllables that carry content: not question/function words, not single letters."""
    return {w for w in syllables(text) if w not in QUESTION_WORDS and (len(w) > 1 or w.isdigit())}


# ------------------------------------------------------------------------------------------------ names of bodies
_UPPER = "A-Z" + "".join(sorted(letter.upper() for letter in VIETNAMESE_LETTERS))
_LOWER = "a-z" + "".join(sorted(VIETNAMESE_LETTERS))
# One word of a body's proper name: a capitalised syllable and at most one lowercase one ("Nông nghiệp", "Y tế",
# "Công", "HĐND").
_NAME_WORD = rf"[{_UPPER}]\w*(?: [{_LOWER}]\w*)?"
# Words that may follow a body's name in a sentence and never continue it ("… Môi trường để tổng hợp", "… Y tế
# trước ngày …").
_AFTER_NAME_WORDS = FUNCTION_WORDS | frozenset(
    "trước chậm qua tổng trình xem thẩm hằng hàng định đúng kịp vào sau hoặc cùng phối chủ".split())
# A body's proper name after its kind word ("Sở", "Phòng"), as a regex (case as written): its words joined by spaces,
# commas, "và" or " - " ("Nông nghiệp và Môi trường", "Văn hóa, Thể thao và Du lịch", "Công Thương"), then its place
# and a bracketed unit ("Nội vụ tỉnh Bắc Ninh (qua Phòng Thi đua, khen thưởng)"). It matches only where the sentence
# goes on with a clause mark or a word that cannot continue a name, and not with another name ("…, Ủy ban nhân dân
# tỉnh", "… và Phát triển nông thôn"), so a name it cannot read whole is not matched at all rather than cut.
AGENCY_NAME = (rf"{_NAME_WORD}(?:(?:,? và |, | - | ){_NAME_WORD})*"
               rf"(?: (?:tỉnh|thành phố|quận|huyện|thị xã) [{_UPPER}]\w*(?: [{_UPPER}]\w*)*)?"
               rf"(?: ?\([^()]{{1,80}}\))?"
               rf"(?=\s*(?:[.;:)]|$)|(?:,|\s+(?:{'|'.join(sorted(_AFTER_NAME_WORDS))})\b)(?! [{_UPPER}]))")


# ------------------------------------------------------------------------------------------------ tokens
LLM_CHARS_PER_TOKEN = 3.0  # Qwen2.5 tokenizer on the sample library: 3.0-3.7; the low end keeps prompts in budget
EMBEDDING_CHARS_PER_TOKEN = 3.2  # multilingual-e5 subwords on Vietnamese


def estimate_tokens(text: str, chars_per_token: float = LLM_CHARS_PER_TOKEN) -> int:
    """A tokenizer-free token count (never below 1)."""
    return max(1, round(len(text) / chars_per_token))


# ------------------------------------------------------------------------------------------------ register
# Administrative writing names agencies and people by their titles, never by a pronoun that addresses the reader or
# speaks for a "we" ("các bạn", "chúng ta"): a generated sentence that does is out of register. ("của mình", "tự
# mình" — one's own — are administrative and not listed.)
_PERSONAL_ADDRESS = re.compile(r"\b(?:các bạn|chúng ta|chúng tôi|bạn hãy|bạn sẽ|bạn có thể)\b", re.IGNORECASE)


def addresses_the_reader(text: str) -> bool:
    """Whether `text` speaks to the reader or as "we", which an administrative document never does."""
    return bool(_PERSONAL_ADDRESS.search(nfc(text)))


# ------------------------------------------------------------------------------------------------ document types
@dataclass(frozen=True)
class DocType:
    slug: str  # ke-hoach
    code: str  # KH (Phụ lục III of Nghị định 30/2020); "" for công văn, which has none
    name: str  # Kế hoạch


DOC_TYPES = (
    DocType("ke-hoach", "KH", "Kế hoạch"), DocType("chi-thi", "CT", "Chỉ thị"),
    DocType("quyet-dinh", "QĐ", "Quyết định"), DocType("nghi-dinh", "NĐ", "Nghị định"),
    DocType("nghi-quyet", "NQ", "Nghị quyết"), DocType("thong-bao", "TB", "Thông báo"),
    DocType("huong-dan", "HD", "Hướng dẫn"), DocType("thong-tu", "TT", "Thông tư"),
    DocType("bao-cao", "BC", "Báo cáo"), DocType("to-trinh", "TTr", "Tờ trình"),
    DocType("ket-luan", "KL", "Kết luận"), DocType("quy-dinh", "QyĐ", "Quy định"),
    DocType("cong-van", "", "Công văn"), DocType("luat", "", "Luật"), DocType("chuong-trinh", "CTr", "Chương trình"),
)
DOC_TYPE_BY_SLUG = {t.slug: t for t in DOC_TYPES}
DOC_TYPE_BY_CODE = {t.code: t for t in DOC_TYPES if t.code}
DOC_TYPE_BY_CAPS = {t.name.upper(): t for t in DOC_TYPES}
DOC_TYPE_NAMES = tuple(t.name for t in DOC_TYPES)
DOC_TYPE_BY_NAME = {t.name.lower(): t for t in DOC_TYPES}
# Catalogue kinds that are not a type of Phụ lục III: a decree's appendix, a news article, a text without a header.
_CATALOGUE_LABELS = {"nghi-dinh-phu-luc": "Phụ lục nghị định", "tin-bai": "Tin bài", "van-ban": "Văn bản"}
DOC_TYPE_LABELS = {**{t.slug: t.name for t in DOC_TYPES}, **_CATALOGUE_LABELS}


def doc_kind_pattern(names: Iterable[str] = DOC_TYPE_NAMES) -> str:
    """A regex alternation of document type names ("Kế hoạch|Chỉ thị|…"), longest first so that no name stops at
    a shorter one it begins with."""
    return "|".join(sorted(map(re.escape, names), key=lambda name: (-len(name), name)))


# ------------------------------------------------------------------------------------------------ codes
# A name made of letters and a figure ("khổ A5", "hạng B2", "mẫu F1"): the figure only names, so "A5" is not "5".
LETTER_CODE_RE = re.compile(r"(?<![\w/.-])[A-Za-zĐđ]{1,3}\d{1,3}(?![\w/])")


def letter_codes(text: str) -> set[str]:
    return {code.lower() for code in LETTER_CODE_RE.findall(text)}


# A number written in Roman capitals that names something ("Khối thi đua các Doanh nghiệp III", "khóa XIV"): two
# letters or more, so the pronoun-like single "I" or a list's "V." is never one.
_ROMAN_TOKEN = re.compile(r"(?<![\w/.-])[IVXLC]{2,}(?![\w/-])")
_ROMAN_NUMBER = re.compile(r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def roman_numerals(text: str) -> set[str]:
    """The Roman numerals of a text, as written ("III", "XIV"); "III" is not part of "XIII"."""
    return {token for token in _ROMAN_TOKEN.findall(text) if _ROMAN_NUMBER.fullmatch(token)}


# ------------------------------------------------------------------------------------------------ số ký hiệu
# "0125/KH-UBND", "30/2020/NĐ-CP", "06/2022/QH15", "41-CT/TW", "28/CT-TTg", "85/UBND-NVK", "83/2025/NQ-HĐND".
DOC_NUMBER_RE = re.compile(
    r"(?<![\w/.-])(?P<num>\d{1,5}[a-z]?)(?P<year>/\d{4})?"
    r"(?P<code>[/-][A-ZĐ][A-Za-zĐđ0-9]*(?:[/-][A-ZĐ][A-Za-zĐđ0-9]*)*)(?![\w/])"
)


@dataclass(frozen=True)
class DocNumber:
    """A parsed số ký hiệu: `type_code` is "" when the code has none (công văn, laws)."""

    text: str
    number: int
    year: int | None
    type_code: str
    issuer_code: str

    @property
    def key(self) -> str:
        return number_key(self.text)


def _is_doc_number(match: re.Match) -> bool:
    return sum(ch.isalpha() for ch in match.group("code")) >= 2


def find_doc_numbers(text: str) -> list[re.Match]:
    """Số ký hiệu matches in `text` (codes need at least two letters, so "1-A" is not one)."""
    return [m for m in DOC_NUMBER_RE.finditer(nfc(text)) if _is_doc_number(m)]


def doc_numbers(text: str) -> list[str]:
    return [m.group(0) for m in find_doc_numbers(text)]


def number_keys(text: str) -> set[str]:
    """The comparison keys (`number_key`) of every số ký hiệu in `text`."""
    return {number_key(number) for number in doc_numbers(text)}


def is_doc_number(text: str) -> bool:
    match = DOC_NUMBER_RE.fullmatch(nfc(text).strip())
    return bool(match) and _is_doc_number(match)


def parse_doc_number(text: str) -> DocNumber | None:
    """Number, year, type code and issuer code of a số ký hiệu, or None when `text` is not one."""
    text = nfc(text).strip()
    match = DOC_NUMBER_RE.fullmatch(text)
    if not match or not _is_doc_number(match):
        return None
    parts = [part for part in re.split(r"[/-]", match.group("code")) if part]
    type_code = parts[0] if parts[0] in DOC_TYPE_BY_CODE else ""
    issuer = "-".join(parts[1:] if type_code else parts)
    year = int(match.group("year")[1:]) if match.group("year") else None
    return DocNumber(text, int(re.sub(r"\D", "", match.group("num"))), year, type_code, issuer)


def number_key(number: str) -> str:
    """Comparison key for a số ký hiệu: case, "Đ"/"D", dashes and leading zeros do not matter."""
    key = nfc(number).strip().upper().replace("Đ", "D").replace("–", "-")
    return re.sub(r"^0+(?=\d)", "", key)


# "Kế hoạch 157", "Quyết định số 2920", "Quyết định 86/2025": a document named by its type and number (and year)
# alone, as staff often write it. Not "Kế hoạch 05 năm" (a five-year plan) nor the start of a full số ký hiệu
# ("Nghị định 30/2020/NĐ-CP").
_SHORT_DOC_REF_RE = re.compile(
    r"\b(?P<type>" + doc_kind_pattern() + r")\s+(?:số\s+)?(?P<num>\d{1,5})(?:/(?P<year>\d{4}))?"
    r"(?![\w/.,-]*\w)(?!\s*(?:năm|tháng|ngày|tuần|quý)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ShortDocRef:
    """A document named by type and number alone; `year` when the reference gives one ("86/2025")."""

    doc_type: DocType
    number: int
    year: int | None = None

    def names(self, doc_number: str, doc_type_slug: str) -> bool:
        """Whether a document with this số ký hiệu and type is the one named."""
        parsed = parse_doc_number(doc_number) if doc_number else None
        return (parsed is not None and parsed.number == self.number and self.year in (None, parsed.year)
                and (doc_type_slug == self.doc_type.slug or bool(self.doc_type.code)
                     and parsed.type_code == self.doc_type.code))


def short_doc_refs(text: str) -> list[ShortDocRef]:
    """Each document `text` names by its type and number alone, without the rest of the số ký hiệu."""
    return [ShortDocRef(DOC_TYPE_BY_NAME[match.group("type").lower()], int(match.group("num")),
                        int(match.group("year")) if match.group("year") else None)
            for match in _SHORT_DOC_REF_RE.finditer(nfc(text))]


# ------------------------------------------------------------------------------------------------ dates
YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")  # a year standing alone: "năm 2026", "2025 - 2030", "15/2003/QH11"
FULL_DATE_RE = re.compile(
    r"ngày\s+(?P<d1>\d{1,2})\s+tháng\s+(?P<m1>\d{1,2})\s+năm\s+(?P<y1>\d{4})"
    r"|(?<![\d/])(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})(?![\d/])",
    re.IGNORECASE,
)
# "ngày" may be left out before a full date ("ban hành là 18 tháng 11 năm 2025")
_LONG_DMY = re.compile(r"(?:ngày\s+)?(?<![\d/,.])(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_LONG_MY = re.compile(r"tháng\s+(\d{1,2})\s*(?:năm|/)\s*(\d{4})", re.IGNORECASE)
_LONG_DM = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?!\s*(?:năm|/|\d))", re.IGNORECASE)


def date_of(match: re.Match) -> tuple[int, int, int]:
    """(day, month, year) of a FULL_DATE_RE match."""
    day, month, year = match.group("d1", "m1", "y1") if match.group("d1") else match.group("d2", "m2", "y2")
    return int(day), int(month), int(year)


# A law's name after "Luật": "Thi đua, khen thưởng", "Ban hành văn bản quy phạm pháp luật" (up to nine words, lazily)
LAW_NAME = r"[A-ZĐ][\wÀ-ỹ]*(?:,?\s+[\wÀ-ỹ]+){0,8}?"
# The words before the day a text comes into force: "có hiệu lực thi hành kể từ (ngày …)".
IN_FORCE_FROM = r"có hiệu lực(?: thi hành)?(?: kể)? từ"
# A text in force from the day it is signed, its date not stated: "có hiệu lực kể từ ngày ký (ban hành)".
IN_FORCE_FROM_SIGNING = re.compile(
    rf"(?i)\b{IN_FORCE_FROM} ngày (?:ký(?: ban hành)?|ban hành)\b(?!\s*(?:[,(]\s*)?(?:tức|là)?\s*(?:ngày\s*)?\d)")
# A time counted from the day a text is signed or issued, its date not stated: "(kể) từ ngày ký", "từ ngày ban hành
# Kế hoạch (này) đến …". Its clause ends there: "từ ngày ký hợp đồng", "từ ngày ban hành Quyết định số …" or
# "… Quyết định khen thưởng" count from another paper's day.
FROM_ISSUE_DAY = re.compile(  # atomic: the words after "ngày" are all read before what follows is looked at
    rf"(?i)\btừ ngày (?>ký(?: ban hành)?|ban hành)(?>(?:\s+(?:{doc_kind_pattern()})(?:\s+này)?)?)"
    rf"(?=\s*(?:[.,;:)]|$|(?:đến|tới|cho đến|và)\b))")

# The mark of a point of a clause: a letter in Vietnamese alphabetical order and ")" (Nghị định 30: a, b, c, d, đ, e,
# g, …, o, ô, ơ, p, …, u, ư, v, x, y).
POINT_MARK = r"[a-zđăâêôơư]\)"

# A comparison asked or stated: a word of degree and "hơn" ("ban hành sớm hơn", "nhiều hơn").
COMPARATIVE_RE = re.compile(r"(?i)\b(?P<degree>sớm|muộn|trễ|nhiều|ít|cao|thấp|lớn|nhỏ|dài|ngắn|mới) hơn\b")
TIME_DEGREES = ("sớm", "muộn", "trễ")  # the degrees that compare dates: earlier, later
# A public body named in an answer to "cơ quan nào / đơn vị nào": a capitalised body word ("Sở Nội vụ", "Ủy ban
# nhân dân tỉnh", "UBND", "Hội đồng Thi đua - Khen thưởng"); bodies named only in lower case ("các sở, ban, ngành")
# do not count.
BODY_NAME_RE = re.compile(
    r"\b(?:Sở|Ban|Phòng|Ủy ban|Uỷ ban|UBND|Bộ|Cục|Vụ|Hội đồng|HĐND|Trung tâm|Văn phòng|Chi cục|Tổng cục|Công an"
    r"|Mặt trận|MTTQ|Đài|Báo|Viện|Thanh tra|Chính phủ|Thủ tướng|Chủ tịch|Quốc hội|Hội|Đoàn|Tỉnh ủy|Tỉnh uỷ|Thành ủy"
    r"|Thành uỷ|Kho bạc|Ngân hàng|Tòa án|Toà án|Trường|Liên đoàn|Bảo hiểm|Bộ Chỉ huy)(?![\wÀ-ỹ])")
# Days named rather than numbered ("vào thứ Bảy hoặc Chủ nhật hằng tuần"): an answer to "ngày nào / khi nào".
WEEKDAY_RE = re.compile(r"\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật)\b", re.IGNORECASE)
# A count written in words before what it counts ("hai lần liên tục", "ba năm"): an answer to "mấy / bao nhiêu".
COUNT_IN_WORDS_RE = re.compile(
    r"(?<!thứ )\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:lần|năm|tháng|tuần|ngày|bộ|bản|người|cá nhân|"
    r"tập thể|điểm|đợt|cấp|nhóm|loại)\b", re.IGNORECASE)


def find_dates(text: str) -> list[tuple[re.Match, tuple[int, int, int]]]:
    """Full dates in either spelling ("18/11/2025", "ngày 18 tháng 11 năm 2025") with their (d, m, y)."""
    return [(m, date_of(m)) for m in FULL_DATE_RE.finditer(nfc(text))]


def iso_date(day: int | str, month: int | str, year: int | str) -> str:
    """"YYYY-MM-DD", or "" when the parts are not a plausible date."""
    d, m, y = int(day), int(month), int(year)
    if not (1 <= d <= 31 and 1 <= m <= 12 and 1900 <= y <= 2100):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_iso(iso: str) -> tuple[int, int, int] | None:
    parts = (iso or "").split("-")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        return int(parts[2]), int(parts[1]), int(parts[0])
    return None


def _day_and_month(day: int, month: int) -> tuple[str, str]:
    """Day and month as Nghị định 30/2020 writes them: a leading zero for days below 10 and months 1 and 2."""
    return f"{day:02d}", f"{month:02d}" if month < 3 else str(month)


def short_date(iso: str) -> str:
    """"2025-11-18" -> "18/11/2025", "2025-01-04" -> "04/01/2025", "2020-03-05" -> "05/3/2020" (as documents cite
    other documents); "" when unknown."""
    parsed = parse_iso(iso)
    return "/".join((*_day_and_month(parsed[0], parsed[1]), str(parsed[2]))) if parsed else ""


def long_date(day: int, month: int, year: int) -> str:
    """The place-and-date line form of Nghị định 30/2020."""
    day_text, month_text = _day_and_month(day, month)
    return f"ngày {day_text} tháng {month_text} năm {year}"


def canonical_dates(text: str) -> str:
    """Long Vietnamese dates rewritten as slashes ("ngày 15 tháng 12" -> "15/12", "tháng 3 năm 2026" -> "3/2026"),
    so two spellings of one date compare equal."""
    text = _LONG_DMY.sub(lambda m: f"{m[1]}/{m[2]}/{m[3]}", nfc(text))
    text = _LONG_MY.sub(lambda m: f"tháng {m[1]}/{m[2]}", text)
    return _LONG_DM.sub(lambda m: f"{m[1]}/{m[2]}", text)


_SHORT_DATE = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/])|(?<![\w/])(\d{1,2})/(\d{4})(?![\w/])")
_PLAIN_NUMBER = re.compile(r"(?<![\w/.,])\d+(?:[.,]\d+)*(?![\w/])")


def key_facts(text: str) -> set[str]:
    """The checkable facts of a text: document numbers, dates (any Vietnamese spelling) and other numbers.

    Facts are canonical strings: "doc:125/KH-UBND", "date:18/11/2025", "date:10/2025", "num:5", "num:85".
    """
    text = canonical_dates(text)
    facts: set[str] = set()
    for match in find_doc_numbers(text):
        facts.add("doc:" + number_key(match.group(0)))
    text = DOC_NUMBER_RE.sub(" ", text)
    for m in _SHORT_DATE.finditer(text):
        if m[4]:
            facts.add(f"date:{int(m[4])}/{m[5]}")
        else:
            year = f"/{m[3]}" if m[3] else ""
            facts.add(f"date:{int(m[1])}/{int(m[2])}{year}")
    text = _SHORT_DATE.sub(" ", text)
    for m in _PLAIN_NUMBER.finditer(text):
        digits = m.group(0).replace(",", ".")
        digits = digits.replace(".", "") if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits) else digits
        facts.add("num:" + (digits.lstrip("0") or "0"))
    return facts


def implied_facts(facts: set[str]) -> set[str]:
    """A full date also states its month/year, its day/month and its year."""
    out = set(facts)
    for fact in facts:
        if fact.startswith("date:") and fact.count("/") == 2:
            day, month, year = fact[5:].split("/")
            out |= {f"date:{month}/{year}", f"date:{day}/{month}", f"num:{year}"}
    return out


# ------------------------------------------------------------------------------------------------ provinces
# The 34 province-level units since 07/2025, then the former provinces still named in older documents.
PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Vĩnh Phúc", "Bắc Giang", "Hải Dương", "Thái Bình", "Hà Nam", "Nam Định",
    "Hòa Bình", "Quảng Bình", "Quảng Nam", "Kon Tum", "Bình Định", "Phú Yên", "Ninh Thuận", "Bình Thuận",
    "Đắk Nông", "Bình Phước", "Bình Dương", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Sóc Trăng", "Hậu Giang", "Bạc Liêu", "Kiên Giang", "Thừa Thiên Huế",
)
CITY_PROVINCES = frozenset({"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"})
# Names that are also ordinary words or people: only counted after an administrative prefix.
_NEEDS_PREFIX = {"Hồ Chí Minh", "Huế", "Hòa Bình", "Điện Biên", "Thái Bình"}
_PREFIX = r"(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?|Tp\.?)\s+"
# The word naming any administrative unit before its name, for code that takes the name alone ("quận 3" -> "3").
ADMIN_UNIT_WORD = r"(?:thành phố|tp\.?|tỉnh|quận|huyện|thị xã|thị trấn|phường|xã|đặc khu)"
# The same prefix, captured, for code that rewrites a name together with its prefix.
ADMIN_PREFIX = r"(?:(?P<prefix>tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.|TP)\s+)?"


def name_pattern_body(name: str) -> str:
    """Regex body of a place name tolerant of spacing and of "-" vs "–"."""
    return re.escape(name).replace(r"\ \-\ ", r"\s*[-–]\s*").replace(r"\ ", r"\s+")


def _province_pattern(name: str) -> re.Pattern:
    prefix = _PREFIX if name in _NEEDS_PREFIX else ""
    tail = r"(?!\s+Phủ)" if name == "Điện Biên" else ""
    return re.compile(rf"(?<![\wÀ-ỹ]){prefix}{name_pattern_body(name)}(?![\wÀ-ỹ]){tail}")


_PATTERNS = sorted(((name, _province_pattern(name)) for name in PROVINCES), key=lambda item: -len(item[0]))


# Of those, names that are otherwise a person's given name: written in capitals without a prefix, they are the
# place unless a capitalised word (a surname) or a form of address stands right before them ("của Hòa Bình", not
# "Nguyễn Hòa Bình" or "ông Hòa Bình").
_GIVEN_NAME_PLACES = {"Hòa Bình", "Thái Bình"}
PERSON_TITLES = {"ông", "bà", "anh", "chị", "em", "chí", "đ/c"}  # one word each: "chí" ends "đồng chí"
_BARE_PATTERNS = [(name, re.compile(rf"(?<![\wÀ-ỹ]){name_pattern_body(name)}(?![\wÀ-ỹ])"))
                  for name in sorted(_GIVEN_NAME_PLACES)]


# A province's name right after a lower unit's word names that unit, not the province: "phường Sóc Trăng" is in
# Cần Thơ since 2025, "xã Hòa Bình" in many provinces.
_LOWER_UNIT_BEFORE = re.compile(r"(?i)(?<![\wÀ-ỹ])(?:xã|phường|thị trấn|quận|huyện|đặc khu)\s+$")


def find_provinces(text: str) -> list[str]:
    """Province names mentioned in `text`, most mentioned first ("Thừa Thiên Huế" is not also counted as "Huế")."""
    text = canonical_spelling(text)
    counts: Counter[str] = Counter()

    def names_the_province(match: re.Match) -> bool:
        return not _LOWER_UNIT_BEFORE.search(text, max(0, match.start() - 12), match.start())

    for name, pattern in _PATTERNS:
        hits = [match for match in pattern.finditer(text) if names_the_province(match)]
        if hits:
            counts[name] += len(hits)
        text = pattern.sub(" ", text)
    for name, pattern in _BARE_PATTERNS:
        for match in pattern.finditer(text):
            before = text[: match.start()].split()[-1:]
            if names_the_province(match) and (not before or not (
                    before[0][:1].isupper() and before[0][-1:].isalpha() or before[0].casefold() in PERSON_TITLES)):
                counts[name] += 1
    return [name for name, _ in counts.most_common()]


def province_key(name: str) -> str:
    return canonical_spelling(name).strip().casefold()


# Posts that lead a body. "Phó <post>" is the deputy: another person than the one "<post>" names ("Trưởng phòng" is
# not the "Phó Trưởng phòng" listed under him).
_LEADING_POSTS = re.compile(
    r"(?<![\wÀ-ỹ])(phó\s+)?(chủ tịch|giám đốc|trưởng phòng|trưởng ban|bí thư|chánh văn phòng|bộ trưởng|thủ trưởng"
    r"|cục trưởng|vụ trưởng|hiệu trưởng|viện trưởng|chánh án|chủ nhiệm)(?![\wÀ-ỹ])", re.IGNORECASE)


def leading_posts(text: str) -> set[str]:
    """The leading posts `text` names other than as a deputy's ("Trưởng phòng" in "ai là Trưởng phòng")."""
    return {match.group(2).casefold() for match in _LEADING_POSTS.finditer(nfc(text)) if not match.group(1)}


def deputy_posts(text: str) -> set[str]:
    """The posts `text` names only as a deputy's ("Ông A - Phó Trưởng phòng": {"trưởng phòng"})."""
    deputies = {match.group(2).casefold() for match in _LEADING_POSTS.finditer(nfc(text)) if match.group(1)}
    return deputies - leading_posts(text)


def body_of(issuer: str) -> str:
    """The body an issuer's name names, without its head's post: "Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn"
    -> "Bộ Nông nghiệp và Phát triển nông thôn"."""
    issuer = nfc(issuer).strip()
    match = _LEADING_POSTS.match(issuer)
    return issuer[match.end():].strip() if match and not match.group(1) else issuer


def same_place(a: str, b: str) -> bool:
    """"Huế" and "Thừa Thiên Huế" name the same place; otherwise names must match."""
    a, b = province_key(a), province_key(b)
    return a == b or a.endswith(" " + b) or b.endswith(" " + a)


def province_phrase(province: str) -> str:
    """"tỉnh Lâm Đồng" or "thành phố Cần Thơ"."""
    return f"{'thành phố' if province in CITY_PROVINCES else 'tỉnh'} {province}"


def resolve_province(name: str) -> str:
    """The PROVINCES spelling of `name` ("tỉnh Khánh Hoà", "TP. Hồ Chí Minh" accepted), or "" if unknown."""
    bare = re.sub(r"^(?:tỉnh|thành phố|tp\.?)\s+", "", canonical_spelling(re.sub(r"\s+", " ", name or "").strip()),
                  flags=re.IGNORECASE)
    return next((p for p in PROVINCES if province_key(p) == province_key(bare)), "")
