"""Mechanical repairs: the edits a finding's `fix` makes (text, font, punctuation), and applying them to a file."""

from __future__ import annotations

import re

from docx.oxml.ns import qn

from assistant.format_check.docx_props import text_runs
from assistant.format_check.rules import load_rulebook


def set_text(paragraph, text: str) -> None:
    """Replace a paragraph's text, keeping the formatting of its first text run."""
    runs = text_runs(paragraph) or list(paragraph.runs)
    if not runs:
        paragraph.add_run(text)
        return
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def set_font(run, family: str) -> None:
    """One font for every script of a run; theme fonts, which would win over it, are dropped."""
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def punctuate(text: str, end: str) -> str:
    """`text` ending in `end` instead of whatever punctuation it ended with."""
    return re.sub(r"[\s;:,.]*$", "", text) + end


def is_basis(line: str) -> bool:
    """A "Căn cứ" line of the opening (printed italic)."""
    return line.startswith(load_rulebook()["can_cu"]["prefix"])


def basis_lines(lines: list[str]) -> list[str]:
    """"Căn cứ" lines punctuated as Phụ lục I asks: each ends with ";", the last one with "."."""
    spec = load_rulebook()["can_cu"]
    bases = [i for i, line in enumerate(lines) if is_basis(line)]
    return [punctuate(line, spec["last_end"] if i == bases[-1] else spec["line_end"]) if i in bases else line
            for i, line in enumerate(lines)]


def apply_fixes(findings) -> int:
    """Run every mechanical repair among `findings` on the document they were found in; returns how many ran."""
    fixes = [finding.fix for finding in findings if finding.fix]
    for fix in fixes:
        fix()
    return len(fixes)
