"""Checks on composed and generated lines: figures must match the sheet, no repetition; the coverage matrix."""

from __future__ import annotations

import re

from assistant.drafting.cleaning import repeats_itself
from assistant.drafting.models import NOT_PLACED, CoverageRow, Draft, SheetItem
from core.vietnamese import POINT_MARK, content_words, implied_facts, key_facts, syllables

_ENUMERATOR = re.compile(rf"^\s*(?:[IVX]+\.|\d{{1,2}}(?:\.\d{{1,2}}){{0,2}}\.?|{POINT_MARK}|[-+•])\s+")


def line_facts(line: str) -> set[str]:
    """Figures, dates and document numbers a line states (its list numbering excluded)."""
    return key_facts(_ENUMERATOR.sub("", line))


def figures_match(new: str, original: str) -> bool:
    """A rewritten sentence states exactly the figures and dates of the original."""
    return line_facts(new) == line_facts(original)


def accept_rewrite(new: str, original: str, *, min_overlap: float = 0.6) -> bool:
    """The model's smoothing of `original` is kept only if it keeps the figures, does not loop and says the same."""
    if not new or repeats_itself(new) or not figures_match(new, original):
        return False
    want = content_words(original)
    if want and len(want & content_words(new)) / len(want) < min_overlap:
        return False
    return _containment(original, new) >= min_overlap  # still traceable to its sheet item (the coverage matrix)


def stray_figures(text: str, allowed: set[str]) -> list[str]:
    """Facts of `text` (numbers, dates, document numbers) that `allowed` (key facts of the sources and the user's
    input, with implied parts of full dates) does not hold."""
    return sorted(fact for fact in line_facts(text) if fact not in allowed)


def allowed_facts(*texts: str) -> set[str]:
    out: set[str] = set()
    for text in texts:
        out |= key_facts(text)
    return implied_facts(out)


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = syllables(text)
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def _containment(item: str, line: str) -> float:
    """Share of the item's three-syllable sequences found in the line: the item's wording, not just its words
    scattered through a long paragraph."""
    n = max(1, min(3, len(syllables(item))))
    want = _grams(item, n)
    return len(want & _grams(line, n)) / len(want) if want else 1.0


def coverage(draft: Draft, items: list[SheetItem], *, threshold: float = 0.6) -> list[CoverageRow]:
    """Where each sheet item landed: the draft line holding all its figures and most of its words, or NOT_PLACED."""
    lines = [(section.key, n, line) for section in draft.sections
             for n, line in enumerate((l for l in section.text.split("\n") if l.strip()), start=1)]
    facts = [(key, n, implied_facts(line_facts(line)), line) for key, n, line in lines]
    rows = []
    for item in items:
        need = line_facts(item.text)
        best, where = 0.0, None
        for key, n, have, line in facts:
            if need - have:
                continue
            score = _containment(item.text, line)
            if score > best:
                best, where = score, (key, n)
        rows.append(CoverageRow(item, where[0], where[1]) if where and best >= threshold
                    else CoverageRow(item, NOT_PLACED, None))
    return rows
