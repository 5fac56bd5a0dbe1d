"""Text checks the Q&A chain runs on the model's output: citation markers, claim support, script and refusal cues.

The small embedded model copies context well but invents names, echoes "[n]" and leaks Chinese characters, so the
application decides what is cited and what is supported; these functions are plain text in, plain data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.vietnamese import DOC_NUMBER_RE, QUESTION_WORDS, VIETNAMESE_LETTERS, nfc

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
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_MARKER = re.compile(
    r"\[\s*((?:(?:tài liệu|đoạn|nguồn|văn bản)\s*)?\d+(?:\s*[,;–-]\s*(?:(?:tài liệu|đoạn|nguồn)\s*)?\d+)*)\s*\]",
    re.IGNORECASE,
)
_ECHO = re.compile(r"\[\s*(?:n|N|số|số đoạn|\.\.\.|…|x)\s*\]")
_TAG = re.compile(r"</?[a-z_]+(?:\s[^<>]*)?>")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=\S)|\n+")
_PERSON_QUESTION = re.compile(r"\b(?:họ tên|họ và tên|là ai|do ai|ai ký|ai là|ai làm|người nào)\b", re.IGNORECASE)
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


def numbers(text: str) -> set[str]:
    """Digit runs without leading zeros, so "05" matches "5" and "18/11/2025" matches "ngày 18 tháng 11 năm 2025"."""
    return {n.lstrip("0") or "0" for n in _NUMBER.findall(strip_markers(text))}


def years(text: str) -> set[str]:
    """Years (19xx, 20xx) mentioned outside số ký hiệu: "năm 2025", "2024-2025"."""
    return set(_YEAR.findall(DOC_NUMBER_RE.sub(" ", nfc(text))))


def named_phrases(text: str) -> list[list[str]]:
    """Runs of two or more capitalised syllables (places, organisations, people), case kept.

    A sentence-initial function word ("Theo", "Trong") is capitalised only by position, so it starts no name.
    """
    text = nfc(text)
    runs, current = [], []
    for match in _WORD.finditer(text):
        token = match.group()
        before = text[: match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?:\n\"“(-"
        capital = token[0].isupper() and not token.isdigit()
        if capital and not (sentence_start and token.lower() in QUESTION_WORDS):
            current.append(token)
            continue
        if len(current) >= 2:
            runs.append(current)
        current = []
    if len(current) >= 2:
        runs.append(current)
    return runs


def phrase_present(phrase: list[str], haystack: str) -> bool:
    """A capitalised run is present if any two adjacent syllables of it occur, case-sensitively, in the haystack.

    Two-syllable windows tolerate "TP Cần Thơ" vs "thành phố Cần Thơ" while a missing place or person still fails.
    """
    spaced = " " + " ".join(_WORD.findall(nfc(haystack))) + " "
    return any(f" {a} {b} " in spaced for a, b in zip(phrase, phrase[1:]))


def strip_markers(text: str) -> str:
    return _ECHO.sub("", _MARKER.sub("", text))


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


def clean_output(text: str) -> str:
    """What the model wrote minus foreign scripts, markup echoed from the prompt and literal "[n]" placeholders."""
    text = strip_foreign(text)[0]
    return tidy(_ECHO.sub("", _TAG.sub("", text)))


def is_vietnamese(text: str) -> bool:
    """Short answers (codes, dates) pass; longer ones need Vietnamese letters in a fair share of their words."""
    letter_words = [w for w in words(strip_markers(text)) if not w.isdigit()]
    if len(letter_words) < 4:
        return True
    marked = sum(1 for w in letter_words if VIETNAMESE_LETTERS.intersection(w))
    return marked / len(letter_words) >= 0.2


def foreign_share(text: str) -> float:
    """Share of the letters that belong to scripts Vietnamese never uses."""
    letters = sum(1 for ch in text if ch.isalpha())
    return strip_foreign(text)[1] / letters if letters else 0.0


def asks_for_person(question: str) -> bool:
    """"Who" questions: the answer must then name someone, which a 1.5B model otherwise fills with a title."""
    return bool(_PERSON_QUESTION.search(nfc(question)))


def new_person_names(text: str, question: str) -> list[list[str]]:
    """Person names (a capitalised run starting with a Vietnamese surname) that the question did not contain."""
    return [p for p in named_phrases(strip_markers(text))
            if p[0] in SURNAMES and len(p) >= 2 and not phrase_present(p, question)]


def says_unknown(text: str) -> bool:
    """The model's own "the passages do not say" (our prompt asks for KHÔNG CÓ THÔNG TIN)."""
    return bool(_UNKNOWN.search(nfc(text)))


def without_instructions(text: str) -> str:
    """The passage minus sentences that instruct an assistant, so an injected "say X" never counts as support."""
    return "\n".join(s for s in split_sentences(text) if not _INSTRUCTION.search(nfc(s)))


def split_sentences(text: str) -> list[str]:
    """Sentences or list items; a piece holding only citation markers joins the sentence before it."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if pieces and not strip_markers(piece).strip(" .,;:-–*"):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return pieces


@dataclass
class Claim:
    """One sentence of the answer, the passages it is attributed to, and whether a passage supports it."""

    text: str
    cited: list[int] = field(default_factory=list)
    supported: bool = True
    meta: bool = False  # "the passages do not say ..." — not a claim about the documents


def support_score(sentence: str, passage: str, question: str = "") -> float:
    """How well a passage backs a sentence, 0..1; 0 if a number or a name in it is in neither passage nor question.

    Terms the sentence repeats from the question are not claims, so only its new terms are counted.
    """
    body = strip_markers(sentence)
    allowed_numbers = numbers(passage) | numbers(question)
    if not numbers(body) <= allowed_numbers:
        return 0.0
    for phrase in named_phrases(body):
        if not (phrase_present(phrase, passage) or phrase_present(phrase, question)):
            return 0.0
    new_terms = key_terms(body) - key_terms(question)
    if not new_terms:
        return 1.0 if key_terms(body) & key_terms(passage) else 0.5
    return len(new_terms & key_terms(passage)) / len(new_terms)


def attribute(answer: str, passages: list[str], question: str = "", threshold: float = 0.6) -> list[Claim]:
    """Map each sentence to the passages that support it and flag the unsupported ones.

    Cited passages are checked first; if they fail (or nothing is cited) the best-overlapping passage that passes
    is cited instead (or the best two together), so a wrong or missing "[n]" is repaired rather than trusted.
    """
    claims = []
    for sentence in split_sentences(answer):
        cited = [n for n in parse_markers(sentence) if 1 <= n <= len(passages)]
        body = tidy(strip_markers(sentence))
        if says_unknown(body):
            claims.append(Claim(body, [], supported=True, meta=True))
            continue
        scores = {n: support_score(body, passages[n - 1], question) for n in range(1, len(passages) + 1)}
        good_cited = [n for n in cited if scores[n] >= threshold]
        if good_cited:
            claims.append(Claim(body, good_cited))
            continue
        ranked = sorted(scores, key=scores.get, reverse=True)
        if ranked and scores[ranked[0]] >= threshold:
            claims.append(Claim(body, [ranked[0]]))
            continue
        # A sentence joining two facts ("meets every 6 months; the secretariat is X") may need two passages.
        pair = sorted(ranked[:2])
        joined = "\n".join(passages[n - 1] for n in pair)
        if len(pair) == 2 and support_score(body, joined, question) >= threshold:
            claims.append(Claim(body, pair))
        else:
            claims.append(Claim(body, cited, supported=False))
    return claims
