"""The format checker (Nghị định 30/2020/NĐ-CP, Phụ lục I): one DOCX pair per rule (breaks it / obeys it), ten planted
defects found and the mechanical ones repaired, the repaired file opened by LibreOffice, bad input refused with a
clear message and exit code 2, the app's own exported drafts passing with no error, and citations from the library.

Documents are built here with python-docx: a plan laid out by hand per the decree (header lines, KẾ HOẠCH, "Căn cứ",
I./II./III., signature, Nơi nhận), then one defect planted at a time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from assistant.docx_writer import write_docx
from assistant.drafting import Draft, DraftHeader, DraftRequest, DraftSection
from assistant.format_check import FormatChecker, load_rulebook
from assistant.format_check.clauses import ClauseCitations
from cli import main as cli
from core.errors import CorruptFileError, EmptyFileError, EncryptedFileError, UnsupportedFileError
from core.settings import get_settings
from ui import format_check_tab as tab

FONT = "Times New Roman"
ISSUER = ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"]
BASES = ["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
         "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
         "một số điều của Luật Thi đua, khen thưởng."]
BODY = {
    "intro": "Ủy ban nhân dân tỉnh ban hành Kế hoạch phát động phong trào thi đua chuyển đổi số năm 2026 như sau:",
    "I": "I. MỤC ĐÍCH, YÊU CẦU",
    "I.1": "1. Mục đích",
    "I.1a": "- Khơi dậy tinh thần thi đua yêu nước trong cán bộ, công chức, viên chức và Nhân dân toàn tỉnh;",
    "I.1b": "- Phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến trong chuyển đổi số.",
    "II": "II. NỘI DUNG THI ĐUA",
    "II.1": "1. Thi đua đẩy mạnh cải cách hành chính, chuyển đổi số trong các cơ quan nhà nước.",
    "III": "III. TỔ CHỨC THỰC HIỆN",
    "III.1": "1. Sở Nội vụ chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch; báo cáo trước ngày 30/11/2026.",
}
SIGNER = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
RECIPIENTS = ["- Bộ Nội vụ;", "- Thường trực Tỉnh ủy;", "- Lưu: VT, SNV."]
MECHANICAL = {"kho-giay", "huong-giay", "le-trang", "phong-chu", "co-chu", "canh-le", "lui-dau-dong", "gian-dong"}


# ------------------------------------------------------------------------------------------------ documents
def _line(document, text, size, *, bold=False, italic=False, underline=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          indent=None, after=0):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(after), 1.15
    fmt.first_line_indent = indent
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return paragraph


def _body(document, text, *, bold=False, italic=False):
    return _line(document, text, 14, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=Cm(1),
                 after=6)


def plan_document(number="Số: 05/KH-UBND", place_date="Lâm Đồng, ngày 05 tháng 01 năm 2026", issuer=ISSUER,
                  bases=BASES, body=BODY, signer=SIGNER, recipients=RECIPIENTS):
    """A Kế hoạch laid out by hand per Phụ lục I; returns the document and its paragraphs by role."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    roles = {"issuer": [_line(document, line, 13, bold=i == len(issuer) - 1) for i, line in enumerate(issuer)]}
    roles["number"] = _line(document, number, 13)
    roles["quoc_hieu"] = _line(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    roles["tieu_ngu"] = _line(document, "Độc lập - Tự do - Hạnh phúc", 13, bold=True, underline=True)
    roles["place_date"] = _line(document, place_date, 14, italic=True, after=12)
    roles["title"] = _line(document, "KẾ HOẠCH", 14, bold=True)
    roles["summary"] = _line(document, "Phát động phong trào thi đua chuyển đổi số năm 2026", 14, bold=True, after=12)
    roles["bases"] = [_body(document, line, italic=True) for line in bases]
    roles["body"] = {key: _body(document, text, bold=key.count(".") == 1 and not text.endswith((".", ";", ":"))
                                or key in ("I", "II", "III")) for key, text in body.items()}
    roles["signer"] = [_line(document, line, 14, bold=True) for line in [*signer, "Nguyễn Văn A"]]
    roles["noi_nhan"] = _line(document, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    roles["recipients"] = [_line(document, item, 11, align=WD_ALIGN_PARAGRAPH.LEFT) for item in recipients]
    return document, roles


def _retext(paragraph, text):
    paragraph.runs[0].text = text


def _section(document):
    return document.sections[0]


# One planted defect per rule code: (code, mutation of the hand-laid plan).
DEFECTS = {
    "kho-giay": lambda d, r: setattr(_section(d), "page_width", Mm(216)) or setattr(_section(d), "page_height",
                                                                                   Mm(279)),
    "huong-giay": lambda d, r: (setattr(_section(d), "orientation", WD_ORIENT.LANDSCAPE),
                                setattr(_section(d), "page_width", Mm(297)), setattr(_section(d), "page_height",
                                                                                     Mm(210))),
    "le-trang": lambda d, r: setattr(_section(d), "left_margin", Mm(20)),
    "phong-chu": lambda d, r: setattr(r["body"]["I.1a"].runs[0].font, "name", "Arial"),
    "co-chu": lambda d, r: setattr(r["body"]["II.1"].runs[0].font, "size", Pt(12)),
    "canh-le": lambda d, r: setattr(r["body"]["III.1"], "alignment", WD_ALIGN_PARAGRAPH.LEFT),
    "lui-dau-dong": lambda d, r: setattr(r["body"]["intro"].paragraph_format, "first_line_indent", Cm(0)),
    "gian-dong": lambda d, r: setattr(r["body"]["I.1b"].paragraph_format, "line_spacing", 2.0),
    "quoc-hieu": lambda d, r: setattr(r["quoc_hieu"].runs[0], "bold", False),
    "tieu-ngu": lambda d, r: setattr(r["tieu_ngu"].runs[0], "underline", False),
    "co-quan": lambda d, r: _retext(r["issuer"][1], "Tỉnh Lâm Đồng"),
    "so-ky-hieu": lambda d, r: _retext(r["number"], "Số: 5/KH-UBND"),
    "dia-danh-thoi-gian": lambda d, r: _retext(r["place_date"], "Lâm Đồng, ngày 5 tháng 1 năm 2026"),
    "ten-loai-trich-yeu": lambda d, r: setattr(r["summary"].runs[0], "bold", False),
    "can-cu": lambda d, r: _retext(r["bases"][-1], r["bases"][-1].text.rstrip(".") + ";"),
    "de-muc": lambda d, r: _retext(r["body"]["II"], "II. Nội dung thi đua"),
    "chu-ky": lambda d, r: _retext(r["signer"][0], "ỦY BAN NHÂN DÂN"),
    "noi-nhan": lambda d, r: r["recipients"][-1]._element.getparent().remove(r["recipients"][-1]._element),
}
# The ten defects planted together, and those --fix cannot repair (wording and structure, not layout).
TEN = ["kho-giay", "le-trang", "phong-chu", "co-chu", "lui-dau-dong", "dia-danh-thoi-gian", "can-cu", "so-ky-hieu",
       "noi-nhan", "chu-ky"]
NOT_MECHANICAL = {"so-ky-hieu", "noi-nhan", "chu-ky"}


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    home = tmp_path_factory.mktemp("check-home")
    from conftest import make_settings

    return FormatChecker(make_settings(home))


@pytest.fixture
def good(tmp_path) -> Path:
    return save(plan_document()[0], tmp_path / "ke-hoach-dung.docx")


def soffice_convert(path: Path, target: str, outdir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) must be installed: scripts/setup.sh --test installs it"
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{outdir / 'lo-profile'}", "--headless",
                             "--convert-to", target, "--outdir", str(outdir), str(path)],
                            capture_output=True, text=True, timeout=180)
    out = outdir / f"{path.stem}.{target.split(':')[0]}"
    assert result.returncode == 0 and out.is_file(), result.stderr
    return out


# ------------------------------------------------------------------------------------------------ the rulebook
def test_every_rule_is_data_with_a_clause_and_a_test_pair():
    rulebook = load_rulebook()
    assert set(rulebook.rules) == set(DEFECTS)  # each rule code has its breaking/obeying pair below
    assert rulebook["page"]["margins_mm"]["left"] == [30, 35] and rulebook["font"]["family"] == FONT
    for rule in rulebook.rules.values():
        assert rule.clause.startswith("Phụ lục I, Phần I") and rule.anchor and rule.severity == "error"


def test_every_anchor_is_in_the_decree_text():
    """The anchors cite the decree as printed in the sample library (a typo would silently lose the citation)."""
    rulebook = load_rulebook()
    text = " ".join((get_settings().sample_library / rulebook.source["file"]).read_text(encoding="utf-8").split())
    for rule in rulebook.rules.values():
        assert rule.anchor in text, rule.code


# ------------------------------------------------------------------------------------------------ one pair per rule
def test_hand_laid_plan_obeys_every_rule(checker, good):
    report = checker.check(good)
    assert report.findings == [] and report.exit_code == 0


@pytest.mark.parametrize("code", sorted(DEFECTS))
def test_each_rule_breaks_on_its_defect_only(checker, tmp_path, code):
    document, roles = plan_document()
    DEFECTS[code](document, roles)
    report = checker.check(save(document, tmp_path / f"{code}.docx"))
    assert report.codes == {code}, [f.to_dict() for f in report.findings]
    assert report.exit_code == 1
    finding = report.findings[0]
    assert finding.found and finding.expected and finding.rule.startswith(load_rulebook().rule(code).title)
    if code not in {"kho-giay", "huong-giay", "le-trang"}:
        assert finding.paragraph and finding.excerpt  # located: paragraph number and a short excerpt


def test_findings_say_what_was_found_and_what_the_rule_asks(checker, tmp_path):
    document, _ = plan_document(place_date="Lâm Đồng, ngày 5 tháng 2 năm 2026", number="Số: 7/QĐ-UBND")
    report = checker.check(save(document, tmp_path / "x.docx"))
    by_code = {f.code: f for f in report.findings}
    date = by_code["dia-danh-thoi-gian"]
    assert "ngày 5 tháng 2 năm 2026" in date.found and "ngày 05 tháng 02 năm 2026" in date.expected
    assert date.paragraph == 6 and date.excerpt.startswith("Lâm Đồng")
    number = [f for f in report.findings if f.code == "so-ky-hieu"]
    assert {f.fixable for f in number} == {True, False}  # the zero is mechanical, the wrong type code is not
    assert any("KH" in f.expected for f in number)


def test_a_city_named_after_a_person_is_written_in_full_and_fixed(checker, tmp_path):
    """Phụ lục I: a unit named after a person is written with its full name ("Thành phố Hồ Chí Minh, ngày …"), the
    decree's own example; the list of such names is data (`full_names`). Other places keep their bare name."""
    document, _ = plan_document(place_date="Hồ Chí Minh, ngày 29 tháng 6 năm 2019")
    report, fixed = checker.fix(save(document, tmp_path / "hcm.docx"), tmp_path / "hcm-fixed.docx")
    assert report.codes == {"dia-danh-thoi-gian"} and report.findings[0].fixable
    assert report.findings[0].expected == "«Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019»."
    assert fixed.findings == []
    for place_date in ("Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019", "Hà Nội, ngày 05 tháng 01 năm 2020"):
        document, _ = plan_document(place_date=place_date)
        assert checker.check(save(document, tmp_path / "ok.docx")).findings == []


def test_placeholders_of_an_unsigned_draft_are_accepted(checker, tmp_path):
    document, _ = plan_document(number="Số: …/KH-UBND", place_date="Lâm Đồng, ngày … tháng … năm …")
    assert checker.check(save(document, tmp_path / "draft.docx")).findings == []


def test_a_deputy_signs_with_kt(checker, tmp_path):
    document, _ = plan_document(signer=["TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"])
    report = checker.check(save(document, tmp_path / "pct.docx"))
    assert report.codes == {"chu-ky"} and "KT." in report.findings[0].expected
    document, _ = plan_document(signer=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    assert checker.check(save(document, tmp_path / "kt.docx")).findings == []


def test_cong_van_needs_v_v_and_no_type_code(checker, tmp_path):
    document, roles = plan_document(number="Số: 12/UBND-VX")
    for paragraph in (roles["title"], roles["summary"]):
        paragraph._element.getparent().remove(paragraph._element)
    _line(document, "V/v triển khai phong trào thi đua", 12)  # appended at the end: outside the header
    report = checker.check(save(document, tmp_path / "cv.docx"))
    assert "ten-loai-trich-yeu" in report.codes
    document, roles = plan_document(number="Số: 12/UBND-VX")
    for paragraph in (roles["title"], roles["summary"]):
        paragraph._element.getparent().remove(paragraph._element)
    v_v = _line(document, "V/v triển khai phong trào thi đua", 12)
    roles["number"]._p.addnext(v_v._p)  # under the number, as Phụ lục I places it (ô số 5b)
    assert checker.check(save(document, tmp_path / "cv2.docx")).findings == []
    _retext(roles["number"], "Số: 12/KH-UBND")
    v_v.runs[0].font.size = Pt(14)
    report = checker.check(save(document, tmp_path / "cv3.docx"))
    assert report.codes == {"ten-loai-trich-yeu", "so-ky-hieu"}, [f.to_dict() for f in report.findings]


# ------------------------------------------------------------------------------------------------ ten defects, --fix
@pytest.fixture
def ten_defects(tmp_path) -> Path:
    document, roles = plan_document()
    for code in TEN:
        DEFECTS[code](document, roles)
    _retext(roles["number"], "Số: 05/QĐ-UBND")  # a type code that does not match KẾ HOẠCH: not mechanical
    return save(document, tmp_path / "muoi-loi.docx")


def test_ten_planted_defects_are_all_found(checker, ten_defects):
    report = checker.check(ten_defects)
    assert report.codes == set(TEN)
    assert {f.code for f in report.findings if not f.fixable} == NOT_MECHANICAL


def test_cli_fix_leaves_only_the_non_mechanical_and_libreoffice_opens_it(ten_defects, tmp_path, capsys, home_env):
    fixed = tmp_path / "da-sua.docx"
    assert cli.main(["check", str(ten_defects), "--fix", str(fixed), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert {f["code"] for f in payload["fixed"]["before"]["findings"]} == set(TEN)
    assert {f["code"] for f in payload["findings"]} == NOT_MECHANICAL
    assert payload["errors"] == len(payload["findings"]) and payload["warnings"] == 0
    document = docx.Document(str(fixed))
    assert "ngày 05 tháng 01 năm 2026" in "\n".join(p.text for p in document.paragraphs)
    assert round(document.sections[0].left_margin.mm) == 30
    pdf = soffice_convert(fixed, "pdf", tmp_path / "pdf")
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "KẾ HOẠCH" in text and "Căn cứ" in text


def test_libreoffice_rendering_of_the_hand_laid_plan_passes(checker, good, tmp_path):
    """The plan saved again by LibreOffice (its own styles, fonts and spacing XML) still has no finding."""
    rendered = soffice_convert(good, "docx:MS Word 2007 XML", tmp_path / "lo")
    report = checker.check(rendered)
    assert report.errors == 0, [f.to_dict() for f in report.findings]


# ------------------------------------------------------------------------------------------------ command line
@pytest.fixture
def home_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_ASSISTANT_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_json_shape_and_exit_codes(good, tmp_path, capsys, home_env):
    assert cli.main(["check", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"file": good.name, "findings": [], "errors": 0, "warnings": 0}
    document, roles = plan_document()
    DEFECTS["le-trang"](document, roles)
    bad = save(document, tmp_path / "le.docx")
    assert cli.main(["check", str(bad), "--json"]) == 1
    finding = json.loads(capsys.readouterr().out)["findings"][0]
    assert set(finding) >= {"code", "severity", "rule", "where", "found", "expected", "citation"}
    assert finding["code"] == "le-trang" and finding["severity"] == "error"
    assert set(finding["citation"]) == {"n", "source", "title", "doc_number", "section", "page", "text"}
    assert cli.main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "LỖI [le-trang]" in out and "lề trái 20.0 mm" in out and "1 lỗi, 0 cảnh báo" in out


def _not_docx(folder: Path) -> Path:
    path = folder / "khong-phai-docx.docx"
    path.write_text("Đây là văn bản thường, không phải tệp Word.", encoding="utf-8")
    return path


def _encrypted(folder: Path) -> Path:
    """Word saves a password-protected DOCX as an OLE compound file holding EncryptionInfo/EncryptedPackage."""
    path = folder / "co-mat-khau.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    return path


def _zip_bomb(folder: Path) -> Path:
    path = folder / "bom-nen.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (200 << 20) + b"</w:document>")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "rong.docx"
    docx.Document().save(str(path))
    return path


def _pdf(folder: Path) -> Path:
    path = folder / "ke-hoach.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    return path


BAD = {"not-docx": (_not_docx, CorruptFileError), "encrypted": (_encrypted, EncryptedFileError),
       "zip-bomb": (_zip_bomb, CorruptFileError), "empty": (_empty, EmptyFileError),
       "pdf": (_pdf, UnsupportedFileError)}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_clear_message_and_exit_2(case, checker, tmp_path, capsys, home_env):
    make, error = BAD[case]
    path = make(tmp_path)
    with pytest.raises(error):
        checker.check(path)
    assert cli.main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("Lỗi / Error: ") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert cli.main(["check", str(path), "--fix", str(tmp_path / "out.docx")]) == 2
    assert not (tmp_path / "out.docx").exists()


# ------------------------------------------------------------------------------------------------ the app's drafts
TITLES = {"opening": "Căn cứ ban hành", "I": "I. MỤC ĐÍCH, YÊU CẦU", "II": "II. NỘI DUNG THI ĐUA",
          "III": "III. TỔ CHỨC THỰC HIỆN"}
SECTION_TEXT = {
    "opening": "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;\nCăn cứ Chỉ thị số 41-CT/TW ngày 15/12/2024 của Ban "
               "Bí thư;\nỦy ban nhân dân tỉnh Lâm Đồng ban hành Kế hoạch:",
    "I": "1. Mục đích\n- Khơi dậy tinh thần thi đua;\n2. Yêu cầu\n- Thiết thực, hiệu quả.",
    "II": "Các cơ quan tập trung thi đua:\n1. Thi đua phát triển kinh tế - xã hội;\n2. Thi đua chuyển đổi số.",
    "III": "1. Các sở, ban, ngành\n- Triển khai Kế hoạch.\n5. Chế độ báo cáo\nBáo cáo trước ngày 30/11/2026.",
}


@pytest.mark.parametrize("signer", [["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                                    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]])
def test_every_exported_draft_passes_with_no_error(checker, tmp_path, signer):
    request = DraftRequest(province="Lâm Đồng", period="năm 2026", theme="chuyển đổi số").validated()
    header = DraftHeader(list(ISSUER), "Số: …/KH-UBND", "Lâm Đồng, ngày … tháng … năm …", "KẾ HOẠCH",
                         "Phát động phong trào thi đua chuyển đổi số năm 2026")
    sections = [DraftSection(key, TITLES[key], text, []) for key, text in SECTION_TEXT.items()]
    draft = Draft(request, header, sections, ["Bộ Nội vụ;", "Thường trực Tỉnh ủy;", "Lưu: VT, SNV."], signer,
                  "Nguyễn Văn A")
    report = checker.check(write_docx(draft, tmp_path / "ban-thao.docx"))
    assert report.errors == 0, [f.to_dict() for f in report.findings]
    assert report.findings == []


@pytest.mark.parametrize("addressees", [["Sở Nội vụ"], ["Sở Nội vụ", "Sở Tài chính", "UBND các xã, phường"]])
def test_an_exported_cong_van_passes_with_no_error(checker, tmp_path, addressees):
    request = DraftRequest(province="Lâm Đồng", period="năm 2026", theme="chuyển đổi số",
                           doc_type="cong-van").validated()
    header = DraftHeader(list(ISSUER), "Số: …/UBND-NV", "Lâm Đồng, ngày … tháng … năm …", "",
                         "V/v triển khai phong trào thi đua chuyển đổi số năm 2026")
    body = DraftSection("body", "Nội dung công văn", "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh, đề nghị các cơ "
                        "quan triển khai phong trào thi đua.\nBáo cáo kết quả trước ngày 30/11/2026.", [])
    draft = Draft(request, header, [body], ["Như trên;", "Lưu: VT, SNV."],
                  ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                  "Nguyễn Văn A", doc_type="cong-van", addressees=addressees)
    report = checker.check(write_docx(draft, tmp_path / "cong-van.docx"))
    assert report.findings == [], [f.to_dict() for f in report.findings]


# ------------------------------------------------------------------------------------------------ citations
def test_findings_cite_the_clause_passage_from_the_library(sample_library, tmp_path):
    checker = FormatChecker(sample_library.settings, sample_library)
    document, roles = plan_document()
    for code in ("le-trang", "quoc-hieu", "noi-nhan"):
        DEFECTS[code](document, roles)
    report = checker.check(save(document, tmp_path / "x.docx"))
    cited = {f.code: f.citation for f in report.findings}
    assert set(cited) == {"le-trang", "quoc-hieu", "noi-nhan"}
    assert "cách mép trái 30 - 35 mm" in cited["le-trang"]["text"]
    assert "chữ in hoa, cỡ chữ từ 12 đến 13" in cited["quoc-hieu"]["text"]
    assert "Lưu" in cited["noi-nhan"]["text"] or "ô số 9b" in cited["noi-nhan"]["text"]
    assert all(c["source"] == load_rulebook().source["file"] and c["section"] for c in cited.values())
    assert sorted(c["n"] for c in cited.values()) == [1, 2, 3]


def test_without_the_decree_in_the_library_a_citation_still_names_the_clause():
    rule = load_rulebook().rule("le-trang")
    citation = ClauseCitations(load_rulebook(), library=None).citation(rule, 1).to_dict()
    assert citation["text"] == "" and citation["section"] == rule.clause and citation["doc_number"] == "30/2020/NĐ-CP"


# ------------------------------------------------------------------------------------------------ web tab handlers
class _Services:
    def __init__(self, checker):
        self.format_checker = checker


def test_tab_handlers_show_findings_and_give_the_fixed_file(checker, ten_defects):
    summary, findings = tab.check_file(_Services(checker), str(ten_defects))
    assert "10 lỗi" in summary or f"{len(checker.check(ten_defects).findings)} lỗi" in summary
    assert "[le-trang]" in findings and "Yêu cầu:" in findings and "<script" not in findings
    summary, findings, fixed = tab.fix_file(_Services(checker), str(ten_defects))
    assert fixed and Path(fixed).is_file() and "Đã sửa tự động" in summary
    assert "[so-ky-hieu]" in findings and "[le-trang]" not in findings
    assert tab.check_file(_Services(checker), None) == (tab.EMPTY, "")
