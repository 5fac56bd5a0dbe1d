"""What a DOCX paragraph and run look like once every level is applied: the run's own properties, its character style,
the paragraph style and the styles it is based on, the document defaults, then the theme fonts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

_TRUE = {None, "1", "true", "on"}
_THEME = {"minorHAnsi": "minor", "minorAscii": "minor", "majorHAnsi": "major", "majorAscii": "major"}
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
DEFAULT_SIZE_PT = 10.0  # OOXML: no w:sz anywhere means 10 pt


@dataclass(frozen=True)
class RunLook:
    font: str
    size: float
    bold: bool
    italic: bool
    underline: bool
    caps: bool


@dataclass(frozen=True)
class ParagraphLook:
    alignment: str  # left | center | right | justify
    first_line_cm: float  # negative for a hanging indent
    line_multiple: float | None  # line spacing in single lines (auto rule)
    line_pt: float | None  # exact / at-least line spacing in points
    space_before_pt: float
    space_after_pt: float


def text_runs(paragraph: Paragraph) -> list[Run]:
    """Runs that print text, including those inside hyperlinks and tracked insertions."""
    runs = []
    for element in paragraph._p.iter(qn("w:r")):
        if any((t.text or "").strip() for t in element.iter(qn("w:t"))):
            runs.append(Run(element, paragraph))
    return runs


def _chain(style):
    seen = set()
    while style is not None and id(style.element) not in seen:
        seen.add(id(style.element))
        yield style.element
        try:
            style = style.base_style
        except (KeyError, ValueError):
            return


def _styled(style_of, part: str) -> list:
    """`rPr` or `pPr` of a style and of the styles it is based on; none when the style cannot be read."""
    try:
        return [getattr(element, part) for element in _chain(style_of())]
    except (KeyError, ValueError):
        return []


def _flag(rpr, tag: str) -> bool | None:
    element = rpr.find(qn(tag)) if rpr is not None else None
    if element is None:
        return None
    return element.get(qn("w:val")) in _TRUE


class Resolver:
    """Effective properties of paragraphs and runs in one document (styles and theme read once)."""

    def __init__(self, document):
        self.document = document
        styles = document.styles.element
        self._default_rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._default_ppr = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
        self._theme = self._theme_fonts()

    def _theme_fonts(self) -> dict[str, str]:
        fonts = {}
        for part in self.document.part.package.iter_parts():
            if str(part.partname).startswith("/word/theme/"):
                try:
                    root = etree.fromstring(part.blob)
                except etree.XMLSyntaxError:
                    continue
                for kind in ("minor", "major"):
                    latin = root.find(f".//{{{_A}}}{kind}Font/{{{_A}}}latin")
                    if latin is not None:
                        fonts[kind] = latin.get("typeface", "")
                break
        return fonts

    # ---- runs ------------------------------------------------------------------------------------------------
    def _rpr_levels(self, run: Run, paragraph: Paragraph) -> list:
        levels = [run._r.rPr]
        if run._r.rPr is not None and run._r.rPr.find(qn("w:rStyle")) is not None:
            levels += _styled(lambda: run.style, "rPr")
        levels += [*_styled(lambda: paragraph.style, "rPr"), self._default_rpr]
        return [level for level in levels if level is not None]

    def _font(self, levels) -> str:
        for rpr in levels:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                continue
            theme = fonts.get(qn("w:asciiTheme")) or fonts.get(qn("w:hAnsiTheme"))
            if theme:
                return self._theme.get(_THEME.get(theme, "minor"), "") or f"(theme {theme})"
            name = fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))
            if name:
                return name
        return self._theme.get("minor", "") or "(mặc định)"

    @staticmethod
    def _size(levels) -> float:
        for rpr in levels:
            size = rpr.find(qn("w:sz"))
            if size is not None and (size.get(qn("w:val")) or "").isdigit():
                return int(size.get(qn("w:val"))) / 2
        return DEFAULT_SIZE_PT

    @staticmethod
    def _bool(levels, tag: str) -> bool:
        for rpr in levels:
            value = _flag(rpr, tag)
            if value is not None:
                return value
        return False

    @staticmethod
    def _underline(levels) -> bool:
        for rpr in levels:
            element = rpr.find(qn("w:u"))
            if element is not None:
                return element.get(qn("w:val")) not in ("none", "0", "false")
        return False

    def run(self, run: Run, paragraph: Paragraph) -> RunLook:
        levels = self._rpr_levels(run, paragraph)
        return RunLook(self._font(levels), self._size(levels), self._bool(levels, "w:b"), self._bool(levels, "w:i"),
                       self._underline(levels), self._bool(levels, "w:caps"))

    def runs(self, paragraph: Paragraph) -> list[tuple[Run, RunLook]]:
        return [(run, self.run(run, paragraph)) for run in text_runs(paragraph)]

    # ---- paragraphs ------------------------------------------------------------------------------------------
    def _ppr_levels(self, paragraph: Paragraph) -> list:
        levels = [paragraph._p.pPr, *_styled(lambda: paragraph.style, "pPr"), self._default_ppr]
        return [level for level in levels if level is not None]

    @staticmethod
    def _attr(levels, tag: str, attrs: tuple[str, ...]):
        for ppr in levels:
            element = ppr.find(qn(tag))
            if element is None:
                continue
            for attr in attrs:
                value = element.get(qn(attr))
                if value is not None:
                    return attr, value
        return None, None

    def paragraph(self, paragraph: Paragraph) -> ParagraphLook:
        levels = self._ppr_levels(paragraph)
        _, jc = self._attr(levels, "w:jc", ("w:val",))
        alignment = {"both": "justify", "distribute": "justify", "center": "center", "right": "right",
                     "end": "right"}.get(jc or "", "left")
        which, indent = self._attr(levels, "w:ind", ("w:firstLine", "w:hanging"))
        first_line = _twips(indent) / 567 * (-1 if which == "w:hanging" else 1)
        _, line = self._attr(levels, "w:spacing", ("w:line",))
        _, rule = self._attr(levels, "w:spacing", ("w:lineRule",))
        multiple = line_pt = None
        if line is None or (rule or "auto") == "auto":
            multiple = _twips(line) / 240 if line is not None else 1.0
        else:
            line_pt = _twips(line) / 20
        _, before = self._attr(levels, "w:spacing", ("w:before",))
        _, after = self._attr(levels, "w:spacing", ("w:after",))
        return ParagraphLook(alignment, round(first_line, 3), multiple, line_pt, _twips(before) / 20,
                             _twips(after) / 20)


def _twips(value: str | None) -> float:
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*", value or "")
    return float(match.group(1)) if match else 0.0
