"""The format checker: a DOCX against Nghị định 30/2020/NĐ-CP, Phụ lục I. Each finding names its rule code, the clause,
where it is (paragraph number and excerpt), what was found and what the rule asks, with a citation of the clause; a
finding whose repair is mechanical carries it (`fix`), which `assistant.format_check.fixer` applies."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from assistant.format_check.clauses import ClauseCitations
from assistant.format_check.docx_props import Resolver, text_runs
from assistant.format_check.fixer import apply_fixes, punctuate, set_font, set_text
from assistant.format_check.layout import Layout, Para, analyse, is_line
from assistant.format_check.rules import Rulebook, load_rulebook
from core.errors import CorruptFileError, UnsupportedFileError
from core.settings import Settings
from core.vietnamese import find_dates, long_date, parse_doc_number

EXCERPT_CHARS = 60
ALIGN_WORDS = {"center": "canh giữa", "justify": "canh đều hai lề", "left": "canh trái", "right": "canh phải"}
_ALIGN = {"justify": docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY, "center": docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER}
_SHAPES = (qn("w:drawing"), qn("w:pict"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent")


@dataclass
class Finding:
    code: str
    severity: str  # error | warning
    rule: str  # rule title and clause
    paragraph: int | None  # 1-based paragraph number in reading order; None for page setup
    excerpt: str
    found: str
    expected: str
    citation: dict | None = None
    fix: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "rule": self.rule,
                "where": {"paragraph": self.paragraph, "excerpt": self.excerpt}, "found": self.found,
                "expected": self.expected, "citation": self.citation, "fixable": self.fixable}


@dataclass
class Report:
    file: str
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """Like a linter: 1 when a finding is an error, else 0 (2, unreadable input, is raised as an error)."""
        return 1 if self.errors else 0

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict:
        return {"file": self.file, "findings": [f.to_dict() for f in self.findings], "errors": self.errors,
                "warnings": self.warnings}


def open_docx(path: Path, settings: Settings):
    """The document, once the library's loader has accepted the file (size, container, zip bomb, encryption, empty
    text: the same typed errors as an upload)."""
    from index.loaders import load_file

    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise UnsupportedFileError("Chỉ kiểm tra được tệp Word dạng DOCX.", "Only DOCX files can be checked.",
                                   detail=path.name)
    load_file(path, settings)
    try:
        return docx.Document(str(path))
    except Exception as error:  # python-docx and lxml raise many types on a damaged part
        raise CorruptFileError(detail=f"{path.name}: {type(error).__name__}: {error}") from error


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def _span(values) -> str:
    low, high = values
    return f"{low:g} pt" if low == high else f"{low:g}–{high:g} pt"


def _within(value: float, values, tolerance: float = 0.01) -> bool:
    return values[0] - tolerance <= value <= values[1] + tolerance


def _clamp(value: float, values) -> float:
    return min(max(value, values[0]), values[1])


class _Check:
    """One pass over one document; `findings` in reading order of the rules."""

    def __init__(self, document, rulebook: Rulebook, citations: ClauseCitations | None):
        self.document = document
        self.rulebook = rulebook
        self.citations = citations
        self.looks = Resolver(document)
        self.layout: Layout = analyse(document, rulebook)
        self.findings: list[Finding] = []
        self._cited: dict[str, dict] = {}

    # ---- reporting -------------------------------------------------------------------------------------------
    def _citation(self, code: str) -> dict | None:
        if self.citations is None:
            return None
        if code not in self._cited:
            self._cited[code] = self.citations.citation(self.rulebook.rule(code), len(self._cited) + 1).to_dict()
        return self._cited[code]

    def add(self, code: str, para: Para | None, found: str, expected: str, fix=None, severity: str | None = None,
            others: int = 0) -> None:
        rule = self.rulebook.rule(code)
        excerpt = _excerpt(para.text) if para else ""
        if others:
            found += f" (và {others} đoạn khác)"
        where = para.index if para else None
        if any((f.code, f.paragraph, f.found) == (code, where, found) for f in self.findings):
            return  # one paragraph of several lines: its style is reported once
        self.findings.append(Finding(code, severity or rule.severity, rule.label, where, excerpt, found, expected,
                                     self._citation(code), fix))

    @staticmethod
    def retext(para: Para, text: str):
        """A fix that rewrites the paragraph's text; none for one line of a paragraph that holds several."""
        return None if para.part is not None else (lambda: set_text(para.paragraph, text))

    def add_many(self, code: str, offenders: list[tuple[Para, str]], expected: str, fix_one=None,
                 severity: str | None = None) -> None:
        """One finding for a defect repeated over many paragraphs: the first one located, the rest counted."""
        if not offenders:
            return
        fix = (lambda: [fix_one(para) for para, _ in offenders]) if fix_one else None
        para, found = offenders[0]
        self.add(code, para, found, expected, fix, severity, others=len(offenders) - 1)

    def missing(self, code: str, what: str, expected: str) -> None:
        self.add(code, None, f"Không tìm thấy {what}.", expected)

    # ---- shared element checks -------------------------------------------------------------------------------
    def styled(self, code: str, para: Para, spec: dict, name: str, *, size_key: str = "size_pt") -> None:
        """Size, bold, italic and caps of one element against its `spec` from the rulebook."""
        looks = [look for _, look in self.looks.runs(para.paragraph)]
        if not looks:
            return
        sizes = spec.get(size_key)
        wrong = sorted({look.size for look in looks if not _within(look.size, sizes)}) if sizes else []
        if wrong:
            self.add(code, para, f"{name}: cỡ chữ {', '.join(f'{s:g}' for s in wrong)} pt.",
                     f"{name}: cỡ chữ {_span(sizes)}.", lambda: self._fix_sizes(para, sizes))
        for key, label_on, label_off in (("bold", "đậm", "không đậm"), ("italic", "nghiêng", "đứng")):
            want = spec.get(key)
            if want is None:
                continue
            if any(getattr(look, key) != want for look in looks):
                self.add(code, para, f"{name}: chữ {label_off if want else label_on}.",
                         f"{name}: chữ {label_on if want else label_off}.",
                         lambda key=key, want=want: self._fix_flag(para, key, want))
        if spec.get("caps") and para.text != para.text.upper() and not all(look.caps for look in looks):
            self.add(code, para, f"{name}: có chữ in thường.", f"{name}: chữ in hoa.",
                     self.retext(para, para.text.upper()))

    def aligned(self, code: str, para: Para, alignment: str, name: str) -> None:
        look = self.looks.paragraph(para.paragraph)
        if look.alignment != alignment:
            self.add(code, para, f"{name}: {ALIGN_WORDS[look.alignment]}.", f"{name}: {ALIGN_WORDS[alignment]}.",
                     lambda: setattr(para.paragraph, "alignment", _ALIGN[alignment]))

    def _fix_sizes(self, para: Para, sizes) -> None:
        for run, look in self.looks.runs(para.paragraph):
            run.font.size = Pt(_clamp(look.size, sizes))

    def _fix_flag(self, para: Para, key: str, value: bool) -> None:
        for run in text_runs(para.paragraph):
            setattr(run.font, key, value)

    # ---- page ------------------------------------------------------------------------------------------------
    def page(self) -> None:
        spec = self.rulebook["page"]
        a4 = sorted((spec["width_mm"], spec["height_mm"]))
        for number, section in enumerate(self.document.sections, start=1):
            if section.page_width is None or section.page_height is None:
                continue
            width, height = section.page_width.mm, section.page_height.mm
            where = f"Phần (section) {number}: "
            if any(abs(a - b) > spec["size_tolerance_mm"] for a, b in zip(sorted((width, height)), a4)):
                def fix_size(section=section, landscape=width > height):
                    short, long = Mm(a4[0]), Mm(a4[1])
                    section.page_width, section.page_height = (long, short) if landscape else (short, long)
                self.add("kho-giay", None, f"{where}khổ giấy {width:.0f} × {height:.0f} mm.",
                         f"Khổ A4 ({a4[0]:g} × {a4[1]:g} mm).", fix_size)
            if number == 1 and width > height:
                def fix_orientation(section=section):
                    section.orientation = docx.enum.section.WD_ORIENT.PORTRAIT
                    section.page_width, section.page_height = section.page_height, section.page_width
                self.add("huong-giay", None, f"{where}trang đầu trình bày theo chiều ngang.",
                         "Theo chiều dài của khổ A4 (chiều ngang chỉ cho phụ lục, bảng biểu).", fix_orientation)
            self._margins(section, where)

    def _margins(self, section, where: str) -> None:
        spec = self.rulebook["page"]
        names = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}
        wrong = {}
        for side, values in spec["margins_mm"].items():
            value = getattr(section, f"{side}_margin")
            if value is not None and not _within(value.mm, values, spec["margin_tolerance_mm"]):
                wrong[side] = value.mm
        if not wrong:
            return

        def fix():
            for side, value in wrong.items():
                setattr(section, f"{side}_margin", Mm(_clamp(value, spec["margins_mm"][side])))
        found = ", ".join(f"lề {names[side]} {value:.1f} mm" for side, value in wrong.items())
        expected = ", ".join(f"lề {names[side]} {lo:g}–{hi:g} mm" for side, (lo, hi) in spec["margins_mm"].items())
        self.add("le-trang", None, f"{where}{found}.", expected + ".", fix)

    # ---- whole-document and body typography ----------------------------------------------------------------------
    def fonts(self) -> None:
        family = self.rulebook["font"]["family"]
        offenders = []
        for para in self.layout.paras:
            if para.part:
                continue
            names = {look.font for _, look in self.looks.runs(para.paragraph)} - {family}
            if names:
                offenders.append((para, f"Phông chữ {', '.join(sorted(names))}."))

        def fix_one(para):
            for run in text_runs(para.paragraph):
                set_font(run, family)
        self.add_many("phong-chu", offenders, f"Phông chữ {family}, màu đen.", fix_one)

    def _body_paragraphs(self) -> list[Para]:
        return [p for p in self.layout.body if p.cell is None and not p.part]

    def body(self) -> None:
        spec = self.rulebook["body"]
        heading = re.compile(self.rulebook["de_muc"]["pattern"])
        sizes, indents = spec["size_pt"], spec["first_line_indent_cm"]
        too_big, unaligned, unindented, spacing, gaps = [], [], [], [], []
        for para in self._body_paragraphs():
            runs = self.looks.runs(para.paragraph)
            wrong = sorted({look.size for _, look in runs if not _within(look.size, sizes)})
            if wrong:
                too_big.append((para, f"Cỡ chữ {', '.join(f'{s:g}' for s in wrong)} pt."))
            look = self.looks.paragraph(para.paragraph)
            titled = look.alignment == "center" and runs and all(r.bold for _, r in runs)
            if not heading.match(para.text) and not titled and look.alignment != spec["alignment"]:
                unaligned.append((para, f"Đoạn văn {ALIGN_WORDS[look.alignment]}."))
            if not titled and min(abs(look.first_line_cm - value) for value in indents) > spec["indent_tolerance_cm"]:
                unindented.append((para, f"Lùi đầu dòng {look.first_line_cm:.2f} cm."))
            ratio = look.line_multiple
            if ratio is None and runs:
                ratio = look.line_pt / (spec["single_line_factor"] * max(r.size for _, r in runs))
            if ratio is not None and not _within(ratio, spec["line_spacing"], 0.05):
                spacing.append((para, f"Giãn dòng {ratio:.2f} dòng."))
            if look.space_before_pt + look.space_after_pt < spec["min_paragraph_spacing_pt"] - 0.01:
                gaps.append((para, f"Khoảng cách giữa các đoạn {look.space_before_pt + look.space_after_pt:g} pt."))

        def fix_size(para):
            self._fix_sizes(para, sizes)

        def fix_align(para):
            para.paragraph.alignment = _ALIGN[spec["alignment"]]

        def fix_indent(para):
            para.paragraph.paragraph_format.first_line_indent = Cm(indents[0])

        def fix_spacing(para):
            look = self.looks.paragraph(para.paragraph)
            ratio = look.line_multiple if look.line_multiple is not None else 1.0
            para.paragraph.paragraph_format.line_spacing = _clamp(ratio, spec["line_spacing"])

        def fix_gap(para):
            para.paragraph.paragraph_format.space_after = Pt(spec["min_paragraph_spacing_pt"])

        self.add_many("co-chu", too_big, f"Nội dung văn bản cỡ chữ {_span(sizes)}.", fix_size)
        self.add_many("canh-le", unaligned, "Nội dung văn bản canh đều cả hai lề.", fix_align)
        self.add_many("lui-dau-dong", unindented,
                      f"Chữ đầu dòng lùi vào {' cm hoặc '.join(f'{v:g}'.replace('.', ',') for v in indents)} cm.",
                      fix_indent)
        low, high = spec["line_spacing"]
        self.add_many("gian-dong", spacing, f"Khoảng cách giữa các dòng từ dòng đơn ({low:g}) đến {high:g} lines.",
                      fix_spacing)
        self.add_many("gian-dong", gaps, f"Khoảng cách giữa các đoạn văn tối thiểu {spec['min_paragraph_spacing_pt']}"
                      " pt.", fix_gap, severity="warning")

    # ---- header block ----------------------------------------------------------------------------------------
    def quoc_hieu(self) -> None:
        spec, para = self.rulebook["quoc_hieu"], self.layout.quoc_hieu
        if para is None:
            self.missing("quoc-hieu", f"Quốc hiệu «{spec['text']}»", "Quốc hiệu ở phía trên cùng, bên phải trang đầu.")
            return
        self.styled("quoc-hieu", para, spec, "Quốc hiệu")

    def tieu_ngu(self) -> None:
        spec, para = self.rulebook["tieu_ngu"], self.layout.tieu_ngu
        if para is None:
            self.missing("tieu-ngu", f"Tiêu ngữ «{spec['text']}»", "Tiêu ngữ canh giữa dưới Quốc hiệu.")
            return
        if para.text != spec["text"]:
            self.add("tieu-ngu", para, f"Tiêu ngữ viết «{para.text}».",
                     f"«{spec['text']}»: chữ đầu cụm từ viết hoa, giữa các cụm từ có gạch nối (-), có cách chữ.",
                     self.retext(para, spec["text"]))
        self.styled("tieu-ngu", para, spec, "Tiêu ngữ")
        if spec.get("underline") and not self._ruled(para):
            self.add("tieu-ngu", para, "Tiêu ngữ không có đường kẻ ngang bên dưới.",
                     "Phía dưới Tiêu ngữ có đường kẻ ngang, nét liền, dài bằng dòng chữ.",
                     lambda: self._fix_flag(para, "underline", True))

    def _ruled(self, para: Para) -> bool:
        """Underlined text, a bottom border, a drawn shape, or a paragraph of line characters just below."""
        if all(look.underline for _, look in self.looks.runs(para.paragraph)):
            return True
        ppr = para.paragraph._p.pPr
        if ppr is not None and ppr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}") is not None:
            return True
        below = self.layout.paras[para.pos + 1] if para.pos + 1 < len(self.layout.paras) else None
        for candidate in (para, below):
            if candidate is not None and any(candidate.paragraph._p.iter(*_SHAPES)):
                return True
        return below is not None and is_line(below.text, self.rulebook["tieu_ngu"]["line_chars"])

    def co_quan(self) -> None:
        spec, lines = self.rulebook["co_quan"], self.layout.issuer
        if not lines:
            self.missing("co-quan", "tên cơ quan, tổ chức ban hành phía trên số, ký hiệu",
                         "Tên cơ quan ban hành ở góc trên, bên trái, chữ in hoa, đậm.")
            return
        for para in lines:
            self.styled("co-quan", para, {**spec, "bold": None}, "Tên cơ quan")
        self.styled("co-quan", lines[-1], {"bold": True}, "Tên cơ quan ban hành")

    def so_ky_hieu(self) -> None:
        spec, para, kind = self.rulebook["so_ky_hieu"], self.layout.number, self.layout.kind
        if para is None:
            self.missing("so-ky-hieu", "dòng «Số: …/…» (số, ký hiệu)",
                         "«Số:» rồi số và ký hiệu, canh giữa dưới tên cơ quan ban hành, ví dụ «Số: 05/KH-UBND».")
            return
        match = re.match(r"^Số\b\s*(?P<colon>[:.]?)\s*(?P<value>.*)$", para.text)
        value = match.group("value")
        if match.group("colon") != ":":
            self.add("so-ky-hieu", para, f"«{para.text}»: thiếu dấu hai chấm sau «Số».", "«Số:» rồi số, ký hiệu.",
                     self.retext(para, f"Số: {value}"))
        head, _, code = value.partition("/")
        placeholder = not head.strip().isdigit() and (spec["placeholder"] in head or set(head.strip()) <= {"."})
        parsed = parse_doc_number("01/" + code if placeholder else value)
        if parsed is None:
            self.add("so-ky-hieu", para, f"«{value}» không đúng dạng số, ký hiệu.",
                     "Số (chữ số Ả Rập) / chữ viết tắt tên loại - chữ viết tắt cơ quan, ví dụ «05/KH-UBND».")
        else:
            if not placeholder and parsed.number < 10 and not head.startswith("0"):
                fixed = f"Số: {parsed.number:02d}/{code}"
                self.add("so-ky-hieu", para, f"Số «{head}» nhỏ hơn 10 không có số 0 phía trước.",
                         f"Ghi thêm số 0 phía trước: «{fixed}».", self.retext(para, fixed))
            if kind is not None and kind.code and parsed.type_code != kind.code:
                self.add("so-ky-hieu", para, f"Ký hiệu «{code}» không khớp tên loại {kind.name.upper()}.",
                         f"Ký hiệu bắt đầu bằng chữ viết tắt tên loại «{kind.code}», ví dụ «…/{kind.code}-UBND».")
            if kind is not None and kind.slug == "cong-van" and parsed.type_code:
                self.add("so-ky-hieu", para, f"Công văn có ký hiệu tên loại «{parsed.type_code}».",
                         "Ký hiệu công văn gồm chữ viết tắt cơ quan và đơn vị soạn thảo, ví dụ «12/UBND-VX».")
        self.styled("so-ky-hieu", para, {"size_pt": spec["size_pt"], "italic": False}, "Số, ký hiệu")

    def dia_danh(self) -> None:
        spec, para = self.rulebook["dia_danh_thoi_gian"], self.layout.place_date
        if para is None:
            self.missing("dia-danh-thoi-gian", "dòng địa danh và ngày tháng năm ban hành",
                         "Ví dụ «Lâm Đồng, ngày 05 tháng 01 năm 2026», chữ nghiêng, dưới Tiêu ngữ.")
            return
        text = para.text
        place, _, rest = text.partition("ngày")
        if not place.rstrip().endswith(","):
            fixed = f"{place.rstrip().rstrip(',')}, ngày{rest}"
            self.add("dia-danh-thoi-gian", para, f"«{text}»: thiếu dấu phẩy sau địa danh.",
                     f"«{fixed}».", self.retext(para, fixed))
            text = fixed
        if place.strip() and not place.strip()[0].isupper():
            self.add("dia-danh-thoi-gian", para, f"Địa danh «{place.strip(' ,')}» không viết hoa chữ cái đầu.",
                     "Các chữ cái đầu của địa danh viết hoa.")
        named = place.strip(" ,")
        if named and (full := self.rulebook.full_place(named)) != named:
            fixed = f"{full}, ngày{text.partition('ngày')[2]}"
            self.add("dia-danh-thoi-gian", para, f"Địa danh «{named}» phải ghi tên gọi đầy đủ «{full}».",
                     f"«{fixed}».", self.retext(para, fixed))
            text = fixed
        dates = find_dates(text)
        if dates:
            match, (day, month, year) = dates[0]
            want = long_date(day, month, year)
            if match.group(0).casefold() != want.casefold():
                fixed = text.replace(match.group(0), want)
                self.add("dia-danh-thoi-gian", para, f"Ngày tháng viết «{match.group(0)}».",
                         f"«{want}»: viết đầy đủ; ngày nhỏ hơn 10 và tháng 1, 2 có số 0 phía trước.",
                         self.retext(para, fixed))
        elif "…" not in text and "..." not in text:
            self.add("dia-danh-thoi-gian", para, f"Ngày tháng không đọc được: «{text}».",
                     "Ngày, tháng, năm bằng chữ số Ả Rập, ví dụ «ngày 05 tháng 01 năm 2026».")
        self.styled("dia-danh-thoi-gian", para, spec, "Địa danh, ngày tháng")

    def title(self) -> None:
        layout, code = self.layout, "ten-loai-trich-yeu"
        if layout.is_cong_van:
            spec = self.rulebook["trich_yeu"]
            self.styled(code, layout.summary, {"size_pt": spec["cong_van_size_pt"]}, "Trích yếu công văn")
            return
        if layout.title is None:
            self.missing(code, "tên loại văn bản (ví dụ «KẾ HOẠCH») hoặc trích yếu «V/v …» của công văn",
                         "Tên loại văn bản chữ in hoa, đậm, canh giữa; trích yếu ngay dưới, chữ đậm.")
            return
        self.styled(code, layout.title, self.rulebook["ten_loai"], "Tên loại văn bản")
        self.aligned(code, layout.title, "center", "Tên loại văn bản")
        if layout.summary is None:
            self.add(code, layout.title, "Không có trích yếu nội dung ngay dưới tên loại văn bản.",
                     "Trích yếu nội dung (một câu ngắn gọn) ngay dưới tên loại, chữ in thường, đậm, canh giữa.")
            return
        self.styled(code, layout.summary, self.rulebook["trich_yeu"], "Trích yếu")
        self.aligned(code, layout.summary, "center", "Trích yếu")

    # ---- content ---------------------------------------------------------------------------------------------
    def can_cu(self) -> None:
        spec, bases = self.rulebook["can_cu"], self.layout.bases
        slanted = [(p, "Căn cứ chữ đứng.") for p in bases
                   if not all(look.italic for _, look in self.looks.runs(p.paragraph))]
        self.add_many("can-cu", slanted, "Căn cứ ban hành chữ in thường, kiểu chữ nghiêng.",
                      lambda p: self._fix_flag(p, "italic", True))
        for position, para in enumerate(bases):
            want = spec["last_end"] if position == len(bases) - 1 else spec["line_end"]
            if not para.text.endswith(want):
                fixed = punctuate(para.text, want)
                which = "Căn cứ cuối cùng" if want == spec["last_end"] else "Mỗi căn cứ (trừ căn cứ cuối)"
                self.add("can-cu", para, f"Căn cứ kết thúc bằng «{para.text[-1]}».", f"{which} kết thúc bằng «{want}».",
                         self.retext(para, fixed))

    def headings(self) -> None:
        for para in self.layout.headings:
            self.styled("de-muc", para, self.rulebook["de_muc"], "Tiêu đề mục")

    # ---- closing ---------------------------------------------------------------------------------------------
    def chu_ky(self) -> None:
        spec, lines = self.rulebook["chu_ky"], self.layout.signer
        if not lines:
            self.missing("chu-ky", "quyền hạn, chức vụ và họ tên người ký",
                         "Cuối văn bản, bên phải: quyền hạn (TM./KT./…), chức vụ chữ in hoa, đậm; họ tên chữ đậm.")
            return
        caps = [p for p in lines if p.text == p.text.upper() and any(ch.isalpha() for ch in p.text)]
        names = [p for p in lines if p not in caps]
        issuer = " ".join(p.text for p in self.layout.issuer).upper()
        collective = next((name for name in spec["collective_issuers"] if issuer.startswith(name)), None)
        if collective and not any(p.text.startswith("TM.") for p in caps):
            self.add("chu-ky", caps[0] if caps else lines[0], "Ký thay mặt tập thể nhưng không ghi «TM.».",
                     f"«TM. {collective}» trước chức vụ người ký.")
        deputy = next((p for p in caps if p.text.startswith(spec["deputy_prefix"])), None)
        if deputy and not any(p.text.startswith("KT.") for p in caps):
            self.add("chu-ky", deputy, f"Cấp phó ký («{deputy.text}») nhưng không ghi «KT.».",
                     "«KT.» trước chức vụ của người đứng đầu, ví dụ «KT. CHỦ TỊCH».")
        if not caps:
            self.add("chu-ky", lines[0], "Không có dòng quyền hạn, chức vụ người ký (chữ in hoa).",
                     "Quyền hạn, chức vụ người ký chữ in hoa, đậm.")
        for para in caps:
            self.styled("chu-ky", para, spec, "Quyền hạn, chức vụ")
        if names:
            self.styled("chu-ky", names[-1], spec, "Họ tên người ký")
        else:
            self.add("chu-ky", lines[-1], "Không có họ tên người ký.", "Họ tên người ký chữ in thường, đậm.")

    def noi_nhan(self) -> None:
        spec, label, items = self.rulebook["noi_nhan"], self.layout.noi_nhan, self.layout.recipients
        if label is None:
            self.missing("noi-nhan", f"«{spec['label']}»", f"«{spec['label']}» sát lề trái, cuối văn bản.")
            return
        self.styled("noi-nhan", label, {"size_pt": spec["label_size_pt"], "bold": spec["label_bold"],
                                        "italic": spec["label_italic"]}, "Từ «Nơi nhận»")
        if not items:
            self.add("noi-nhan", label, "Không có danh sách nơi nhận.",
                     f"Mỗi nơi nhận một dòng «- …;», dòng cuối «{spec['last_example']}».")
            return
        prefix = spec["item_prefix"]
        for position, para in enumerate(items):
            text = para.text if not para.bulleted or para.text.startswith(prefix) else f"{prefix} {para.text}"
            last = position == len(items) - 1
            if not text.startswith(prefix):
                text = f"{prefix} {text.lstrip('–•+* ')}"
            if last and not re.match(spec["last_pattern"], text):
                if re.match(spec["last_pattern"], punctuate(text, ".")):
                    text = punctuate(text, ".")
                else:
                    self.add("noi-nhan", para, f"Dòng cuối nơi nhận là «{para.text}».",
                             f"Dòng cuối là «{spec['last_example']}» (Lưu: VT, đơn vị soạn thảo, số bản).")
                    continue
            elif not last and not text.endswith(spec["item_end"]):
                text = punctuate(text, spec["item_end"])
            if text != para.text and not (para.bulleted and text == f"{prefix} {para.text}"):
                self.add("noi-nhan", para, f"Nơi nhận viết «{para.text}».",
                         "Đầu dòng gạch (-), cuối dòng chấm phẩy (;), dòng cuối dấu chấm (.).",
                         self.retext(para, text))
        for para in items:
            self.styled("noi-nhan", para, {"size_pt": spec["item_size_pt"], "bold": False}, "Tên nơi nhận")

    def run(self) -> list[Finding]:
        for step in (self.page, self.fonts, self.quoc_hieu, self.tieu_ngu, self.co_quan, self.so_ky_hieu,
                     self.dia_danh, self.title, self.can_cu, self.body, self.headings, self.chu_ky, self.noi_nhan):
            step()
        return self.findings


class FormatChecker:
    """Checks DOCX files against the rulebook; citations come from `library` when one is given."""

    def __init__(self, settings: Settings, library=None, rulebook: Rulebook | None = None):
        self.settings = settings
        self.rulebook = rulebook or load_rulebook()
        self.citations = ClauseCitations(self.rulebook, library)

    def inspect(self, document) -> list[Finding]:
        """Findings on an open python-docx document (their fixes act on that document)."""
        return _Check(document, self.rulebook, self.citations).run()

    def check(self, path: Path, name: str | None = None) -> Report:
        document = open_docx(Path(path), self.settings)
        return Report(name or Path(path).name, self.inspect(document))

    def fix(self, path: Path, out: Path, name: str | None = None) -> tuple[Report, Report]:
        """Repair every mechanical finding into `out`; returns the findings before and what is left after."""
        path, out = Path(path), Path(out)
        document = open_docx(path, self.settings)
        before = Report(name or path.name, self.inspect(document))
        apply_fixes(before.findings)
        out.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(out))
        return before, Report(out.name, self.inspect(docx.Document(str(out))))
