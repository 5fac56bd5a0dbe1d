"""Nothing invented: document numbers and dates in generated text must exist in the library; other provinces' names
copied from example plans are replaced by the target province.

Each check returns the corrected text and Vietnamese warnings, so the drafter can show staff exactly what it changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.vietnamese import (
    ADMIN_PREFIX,
    DOC_NUMBER_RE,
    FULL_DATE_RE,
    LAW_NAME,
    canonical_spelling,
    date_of,
    find_dates,
    find_doc_numbers,
    find_provinces,
    name_pattern_body,
    number_key,
    number_keys,
    parse_iso,
    province_phrase,
    same_place,
)

PLACEHOLDER = "…"

_YEAR_RE = re.compile(r"\bnăm\s+(\d{4})\b")
_LAW_WITH_YEAR_RE = re.compile(rf"\bLuật\s+{LAW_NAME}\s+năm\s+\d{{4}}\b")
# A document cited by its date, issuer and title ("… ngày 18/11/2025 của UBND tỉnh Đắk Lắk về …", to the end of the
# citation): its names are facts.
_CITED_ISSUER = re.compile(rf"(?:{FULL_DATE_RE.pattern})\s+của\s+[^;\n(]{{0,200}}", re.IGNORECASE)


@dataclass
class KnownFacts:
    """Document numbers and full dates that appear anywhere in the library (metadata and passage texts)."""

    numbers: set[str] = field(default_factory=set)
    dates: set[tuple[int, int, int]] = field(default_factory=set)

    def add_text(self, text: str) -> None:
        self.numbers.update(number_keys(text))
        self.dates.update(date for _, date in find_dates(text))

    def add_iso_date(self, iso: str) -> None:
        if parsed := parse_iso(iso):
            self.dates.add(parsed)

    @classmethod
    def from_library(cls, library) -> KnownFacts:
        facts = cls()
        for record in library.documents():
            meta = record.metadata
            facts.add_text(" ".join((meta.doc_number, meta.title)))
            facts.add_iso_date(meta.date)
        for chunk in library.iter_chunks():
            facts.add_text(chunk.text)
        return facts

    def with_text(self, *texts: str) -> KnownFacts:
        """A copy that also accepts what the user typed (their deadline, period, instructions)."""
        extra = KnownFacts(set(self.numbers), set(self.dates))
        for text in texts:
            extra.add_text(text)
        return extra


def check_references(text: str, known: KnownFacts, label: str) -> tuple[str, list[str]]:
    """Numbers and dates not in `known` become visible placeholders, each with a warning."""
    warnings: list[str] = []

    def number(match: re.Match) -> str:
        if sum(ch.isalpha() for ch in match.group("code")) < 2 or number_key(match.group(0)) in known.numbers:
            return match.group(0)
        warnings.append(f"{label}: số hiệu «{match.group(0)}» không có trong thư viện, đã thay bằng «{PLACEHOLDER}».")
        return PLACEHOLDER + match.group("code")

    def date(match: re.Match) -> str:
        if date_of(match) in known.dates:
            return match.group(0)
        warnings.append(f"{label}: ngày «{match.group(0)}» không có trong thư viện, đã thay bằng «{PLACEHOLDER}».")
        return "ngày … tháng … năm …" if match.group("d1") else "…/…/…"

    text = DOC_NUMBER_RE.sub(number, text)
    text = FULL_DATE_RE.sub(date, text)
    return text, warnings


def _styled(replacement: str, original: str) -> str:
    if original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def fix_provinces(text: str, province: str, label: str, kept: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """Replace other provinces' names (with their "tỉnh"/"thành phố" prefix) by the target province, except the
    `kept` ones, which the sources name as facts, and those of a document cited by its date ("Kế hoạch số
    0124/KH-UBND ngày 18/11/2025 của UBND tỉnh Đắk Lắk về …"): another province's plan keeps its name."""
    text = unicodedata.normalize("NFC", text)
    foreign = [name for name in find_provinces(text) if not same_place(name, province) and name not in kept]
    if not foreign:
        return text, []
    # canonical_spelling keeps lengths, so spans found in the canonical copy are valid in `text`.
    canonical = canonical_spelling(text)
    warnings: list[str] = []
    for name in foreign:
        cited = [match.span() for match in _CITED_ISSUER.finditer(canonical)]  # after the names replaced so far
        pattern = re.compile(rf"(?<![\wÀ-ỹ]){ADMIN_PREFIX}{name_pattern_body(name)}(?![\wÀ-ỹ])")
        # the word before a match decides whether a bare "Hòa Bình" is the place or a person ("Nguyễn Hòa Bình")
        found = [m for m in pattern.finditer(canonical)
                 if name in find_provinces(f"{' '.join(canonical[:m.start()].split()[-1:])} {m.group(0)}")]
        spans = [m for m in found if not any(start <= m.start() < end for start, end in cited)]
        if not spans:  # named only as a cited document's issuer, or where no name can be told apart
            warnings += [] if found else [f"{label}: có nhắc tên tỉnh khác «{name}», cần kiểm tra lại."]
            continue
        for match in reversed(spans):
            original = text[match.start():match.end()]
            new = province_phrase(province) if match.group("prefix") else province
            text = text[:match.start()] + _styled(new, original) + text[match.end():]
            canonical = canonical[:match.start()] + _styled(new, original) + canonical[match.end():]
        warnings.append(f"{label}: đã thay tên tỉnh khác «{name}» (chép từ văn bản mẫu) bằng «{province}».")
    return text, warnings


def check_years(text: str, allowed_text: str, label: str) -> list[str]:
    """Flag years ("năm 2025") that the request never mentions: usually copied from an older example plan."""
    allowed = set(re.findall(r"\d{4}", allowed_text))
    text = _LAW_WITH_YEAR_RE.sub("", text)  # "Luật Thi đua, khen thưởng năm 2022" names a law, not a period
    stray = sorted({year for year in _YEAR_RE.findall(text) if year not in allowed})
    return [f"{label}: có nhắc «năm {year}» — kiểm tra lại thời gian cho đúng kỳ kế hoạch." for year in stray]


def verify_text(text: str, known: KnownFacts, province: str, label: str, years_from: str | None = "",
                kept_places: frozenset[str] = frozenset()) -> tuple[str, list[str]]:
    """All checks on one section: numbers, dates, provinces (but the sources' `kept_places`), and years unless
    `years_from` is None."""
    text, warnings = check_references(text, known, label)
    text, province_warnings = fix_provinces(text, province, label, kept_places)
    years = [] if years_from is None else check_years(text, years_from, label)
    return text, warnings + province_warnings + years


def unknown_numbers(texts: Iterable[str], known: KnownFacts) -> list[str]:
    """Document numbers in `texts` that the library does not contain (what an evaluation counts)."""
    return [m.group(0) for text in texts for m in find_doc_numbers(text) if number_key(m.group(0)) not in known.numbers]
