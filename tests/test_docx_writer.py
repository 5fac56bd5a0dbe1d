"""DOCX format per Nghị định 30/2020 read back with python-docx, and the file opened by LibreOffice headless."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from pypdf import PdfReader

from assistant.docx_writer import write_docx
from assistant.drafting import Draft, DraftHeader, DraftRequest, DraftSection

SECTION_TEXT = {
    "opening": "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;\nỦy ban nhân dân tỉnh Lâm Đồng ban hành Kế hoạch:",
    "I": "1. Mục đích\n- Khơi dậy tinh thần thi đua;\n2. Yêu cầu\n- Thiết thực, hiệu quả.",
    "II": "Các cơ quan tập trung thi đua:\n1. Thi đua phát triển kinh tế - xã hội;\n2. Thi đua chuyển đổi số.",
    "III": "1. Các sở, ban, ngành\n- Triển khai Kế hoạch.\n5. Chế độ báo cáo\nBáo cáo trước ngày 30/11/2026.",
}
TITLES = {"opening": "Căn cứ ban hành", "I": "I. MỤC ĐÍCH, YÊU CẦU", "II": "II. NỘI DUNG THI ĐUA",
          "III": "III. TỔ CHỨC THỰC HIỆN"}


@pytest.fixture(scope="module")
def draft() -> Draft:
    request = DraftRequest(province="Lâm Đồng", period="năm 2026", theme="chuyển đổi số").validated()
    header = DraftHeader(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "Số: …/KH-UBND", "Lâm Đồng, ngày … tháng … năm …",
                         "KẾ HOẠCH", "Phát động phong trào thi đua chuyển đổi số năm 2026")
    sections = [DraftSection(key, TITLES[key], text, [{"source": "x.txt", "section": "", "doc_number": ""}])
                for key, text in SECTION_TEXT.items()]
    return Draft(request, header, sections, ["Bộ Nội vụ;", "Lưu: VT, SNV."], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
                 "Nguyễn Văn A")


@pytest.fixture(scope="module")
def docx_path(draft, tmp_path_factory):
    return write_docx(draft, tmp_path_factory.mktemp("docx") / "ke-hoach.docx")


def _paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def test_page_margins_and_font(docx_path):
    document = Document(str(docx_path))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    margins = {side: round(getattr(section, f"{side}_margin").mm, 1) for side in ("top", "bottom", "left", "right")}
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25, margins  # stored in twips: round to 0.1
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20, margins
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    body = [run for p in document.paragraphs for run in p.runs if run.text]
    assert body and all(run.font.name == "Times New Roman" for run in body)
    assert all(13 <= run.font.size.pt <= 14 for run in body)


def test_header_table_and_title(docx_path):
    document = Document(str(docx_path))
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "ỦY BAN NHÂN DÂN" in left and "TỈNH LÂM ĐỒNG" in left and "Số: …/KH-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Lâm Đồng, ngày … tháng … năm …" in right
    assert "w:tblBorders" in header._tbl.xml and 'w:val="nil"' in header._tbl.xml
    quoc_hieu = next(p for p in header.rows[0].cells[1].paragraphs if p.text.startswith("CỘNG HÒA"))
    assert quoc_hieu.alignment == WD_ALIGN_PARAGRAPH.CENTER and quoc_hieu.runs[0].bold
    title = _paragraph(document, "KẾ HOẠCH")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    summary = _paragraph(document, "Phát động phong trào thi đua chuyển đổi số năm 2026")
    assert summary.alignment == WD_ALIGN_PARAGRAPH.CENTER and summary.runs[0].bold


def test_sections_in_order_bold_headings_justified_body(docx_path):
    document = Document(str(docx_path))
    texts = [p.text for p in document.paragraphs]
    positions = [texts.index(TITLES[key]) for key in ("I", "II", "III")]
    assert positions == sorted(positions)
    assert texts.index("Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022.") < positions[0]  # the last basis ends "."
    for key in ("I", "II", "III"):
        assert _paragraph(document, TITLES[key]).runs[0].bold
    assert _paragraph(document, "1. Mục đích").runs[0].bold
    item = _paragraph(document, "1. Thi đua phát triển kinh tế - xã hội;")
    assert not item.runs[0].bold and item.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_recipients_and_signer(docx_path):
    document = Document(str(docx_path))
    closing = document.tables[-1]
    left, right = closing.rows[0].cells
    label = left.paragraphs[0]
    assert label.text == "Nơi nhận:" and label.runs[0].bold and label.runs[0].italic
    assert label.runs[0].font.size.pt == 12
    assert "- Bộ Nội vụ;" in left.text
    lines = [p.text for p in right.paragraphs if p.text]
    assert lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn A"]
    assert all(p.runs[0].bold for p in right.paragraphs if p.text)


def test_libreoffice_opens_the_docx(docx_path, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) must be installed: scripts/setup.sh --test installs it"
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(docx_path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "ke-hoach.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    for needle in ("KẾ HOẠCH", "II. NỘI DUNG THI ĐUA", "Nơi nhận"):
        assert needle in text
