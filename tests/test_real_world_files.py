"""Real-world files: scanned PDFs read by the real Tesseract (Vietnamese data), legacy .doc/.odt converted by the real
LibreOffice, saved web pages, and the embedded model found from any data directory. No mocks: missing tools are
simulated only by pointing the settings at a program name that does not exist.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from core.errors import (
    ConversionError,
    CorruptFileError,
    MissingToolError,
    NoArticleTextError,
    NoTextLayerError,
    OcrLimitError,
)
from core.models import OCR_SECTION_SUFFIX
from core.settings import PROJECT_ROOT, Settings
from index.chunking import heading_level
from index.loaders import load_file
from index.store import Library

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from scan_pages import image_pdf, render_pages, stamp  # noqa: E402

SAMPLE = PROJECT_ROOT / "sample_library"
BAU_CU = SAMPLE / "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"
DAI_HOI = SAMPLE / "002_daklak-kh-0124-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt"
NGHE_AN = SAMPLE / "003_nghean-kh-982-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt"
DPI = 200  # small page images keep the tests fast; the benchmark measures 300 dpi too


def snapshot(library: Library) -> tuple:
    return ([(r.source, r.content_hash, r.chunk_count) for r in library.documents()],
            [(c.chunk_id, c.text, c.section) for c in library.iter_chunks()])


@pytest.fixture
def library(settings) -> Library:
    library = Library.open(settings)
    seeded = settings.home.parent / "lamdong.txt"
    seeded.write_text("Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng họp định kỳ 06 tháng một lần.\n", encoding="utf-8")
    assert library.ingest_file(seeded).status == "added"
    return library


def _docx_of(text_file: Path, path: Path) -> Path:
    document = docx.Document()
    for line in text_file.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    document.save(path)
    return path


def _soffice(source: Path, target_format: str, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target_format,
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180)
    converted = folder / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.is_file(), f"LibreOffice did not write {converted}"
    return converted


# ---- scanned PDFs ---------------------------------------------------------------------------------------------------

def test_scanned_pdf_is_read_by_ocr_page_by_page_and_found_by_search(library, tmp_path):
    pages = render_pages(BAU_CU.read_text(encoding="utf-8"), dpi=DPI, max_pages=2, noise=8, skew=1.0)
    images = [pages[0][0], stamp(pages[1][0])]  # a red seal over the text of page 2
    scan = image_pdf(images, tmp_path / "ke-hoach-0125-ban-quet.pdf", dpi=DPI)
    assert not "".join(page.extract_text() or "" for page in PdfReader(scan).pages).strip()  # really image-only
    seen: list[tuple] = []

    result = library.ingest_file(scan, page_progress=lambda *step: seen.append(step))

    assert result.status == "added", result.message
    assert result.ocr_pages == 2 and result.pages == 2
    assert [step[1:3] for step in seen] == [(0, 2), (1, 2), (2, 2)]  # per-page progress, then done
    chunks = list(library.iter_chunks(scan.name))
    assert chunks and all(chunk.ocr and chunk.section.endswith(OCR_SECTION_SUFFIX) for chunk in chunks)
    assert {chunk.page for chunk in chunks} == {1, 2}
    assert all(OCR_SECTION_SUFFIX not in chunk.embed_text() for chunk in chunks)  # the note is shown, not embedded

    sentence = next(line for line in pages[1][1].split("\n")[8:] if len(line.split()) >= 10)
    for mode in ("lexical", "hybrid"):
        best = library.search(sentence, k=1, mode=mode)[0]
        assert best.chunk.source == scan.name and best.chunk.page == 2, (mode, sentence, best.chunk.text)
        assert "bản nhận dạng OCR — đối chiếu bản gốc" in best.to_dict()["section"]
    assert library.search("Hội đồng Thi đua - Khen thưởng họp định kỳ", k=1)[0].chunk.source == "lamdong.txt"
    from assistant.services import document_texts

    assert document_texts(library)[scan.name] == "\n\n".join(chunk.text for chunk in chunks)  # no second OCR


def test_mixed_pdf_recognises_only_its_scanned_pages_and_warns_on_implausible_text(settings, tmp_path):
    text_page = _soffice(_docx_of(NGHE_AN, tmp_path / "van-ban.docx"), "pdf", tmp_path)
    vietnamese = render_pages("UBND tỉnh phát động đợt thi đua lập thành tích chào mừng Đại hội lần thứ XIV của Đảng "
                              "trên địa bàn tỉnh Nghệ An, các sở, ban, ngành triển khai thực hiện.", dpi=DPI)[0][0]
    english = render_pages("The quick brown fox jumps over the lazy dog while the committee reviews the annual "
                           "report on public procurement and transport safety in the northern districts.",
                           dpi=DPI)[0][0]
    writer = PdfWriter()
    writer.append(str(text_page), pages=(0, 1))
    for image in (vietnamese, english):
        writer.append(str(image_pdf([image], tmp_path / "page.pdf", dpi=DPI)))
    mixed = tmp_path / "hon-hop.pdf"
    writer.write(mixed)

    doc = load_file(mixed, settings)

    assert [(page.page, page.ocr) for page in doc.pages] == [(1, False), (2, True), (3, True)]
    assert "Nghệ An" in doc.pages[0].text and "chào mừng Đại hội" in doc.pages[1].text
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("Trang 3 (bản nhận dạng OCR)")
    assert "đối chiếu bản gốc" in doc.warnings[0]


def test_pdf_paragraphs_read_back_whole_across_wrapped_lines_and_page_breaks(settings, tmp_path):
    """A plan printed to PDF by the real LibreOffice reads back paragraph by paragraph: lines the page wrapped before
    a capitalised name and sentences a page break cut are joined again; no two paragraphs are glued together."""
    pdf = _soffice(_docx_of(BAU_CU, tmp_path / "ke-hoach-0125.docx"), "pdf", tmp_path)

    doc = load_file(pdf, settings)

    text = "\n".join(page.text for page in doc.pages)
    paragraphs = [" ".join(line.split()) for line in BAU_CU.read_text(encoding="utf-8").split("\n") if line.strip()]
    # titles in capitals and the recipients' list (one "- " item a line in a real plan) are laid out apart
    body = [p for p in paragraphs if len(p) >= 40 and not p.isupper() and not p.startswith("Nơi nhận")]
    lines = set(text.split("\n"))
    split = [p for p in body if p not in lines]
    assert len(doc.pages) > 3 and len(split) <= len(body) // 20, split
    assert not [(a, b) for a, b in zip(paragraphs, paragraphs[1:]) if f"{a[-20:]} {b[:20]}" in text]


def test_scan_with_no_readable_vietnamese_is_refused(library, tmp_path):
    english = render_pages("Quarterly maintenance schedule for the municipal water treatment plant and its pumping "
                           "stations, prepared by the operations department for internal review only.", dpi=DPI)
    scan = image_pdf([english[0][0]], tmp_path / "english.pdf", dpi=DPI)
    before = snapshot(library)
    with pytest.raises(NoTextLayerError) as raised:
        load_file(scan, library.settings)
    assert "nhận dạng OCR không ra văn bản tiếng Việt" in raised.value.message_vi
    assert library.ingest_file(scan).status == "error" and snapshot(library) == before


def test_ocr_page_cap_time_limit_and_missing_tesseract_are_clear_and_change_nothing(library, tmp_path):
    pages = render_pages(DAI_HOI.read_text(encoding="utf-8"), dpi=DPI, max_pages=2)
    scan = image_pdf([image for image, _ in pages], tmp_path / "hai-trang.pdf", dpi=DPI)
    before = snapshot(library)
    cases = [
        ({"ocr_max_pages": 1}, OcrLimitError, "vượt giới hạn 1 trang"),
        ({"ocr_max_seconds": 0.05}, OcrLimitError, "vượt thời gian cho phép"),
        ({"ocr_command": "tesseract-khong-co"}, MissingToolError, "tesseract-ocr"),
        ({"ocr_language": "vie+xyz"}, MissingToolError, "tesseract-ocr-xyz"),
    ]
    for overrides, error, words in cases:
        limited = Library(library.settings.model_copy(update=overrides), library._connect, library.embeddings)
        with pytest.raises(error) as raised:
            load_file(scan, limited.settings)
        assert words in raised.value.message_vi, raised.value.message_vi
        result = limited.ingest_file(scan)
        assert result.status == "error" and result.message == raised.value.message_vi
        assert snapshot(library) == before


# ---- legacy .doc / .odt and web pages --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["doc:MS Word 97", "odt"])
def test_legacy_word_file_ingests_with_its_headings_as_section_paths(library, tmp_path, target):
    legacy = _soffice(_docx_of(DAI_HOI, tmp_path / "ke-hoach-0124.docx"), target, tmp_path)
    (tmp_path / "ke-hoach-0124.docx").unlink()

    result = library.ingest_file(legacy)

    assert result.status == "added", result.message
    sections = {chunk.section for chunk in library.iter_chunks(legacy.name)}
    assert any(section.startswith("I. MỤC ĐÍCH, YÊU CẦU > 1. Mục đích") for section in sections)
    assert any(section.startswith("II. NỘI DUNG THI ĐUA") for section in sections)
    assert not any(chunk.ocr for chunk in library.iter_chunks(legacy.name))
    hit = library.search("Quyết định số 2437/QĐ-TTg ngày 04/11/2025 của Thủ tướng Chính phủ", k=1)[0]
    assert hit.chunk.source == legacy.name and hit.chunk.metadata.doc_number == "0124/KH-UBND"


def test_broken_or_fake_doc_gets_a_clear_message_and_the_indexed_version_stays(library, tmp_path):
    good = _soffice(_docx_of(DAI_HOI, tmp_path / "ke-hoach.docx"), "doc:MS Word 97", tmp_path)
    assert library.ingest_file(good).status == "added"
    before = snapshot(library)
    data = good.read_bytes()
    cases = [
        (data[: len(data) // 3], ConversionError, "LibreOffice không chuyển được"),  # a truncated Word file
        (b"day khong phai tep Word " * 50, CorruptFileError, "không phải tệp Word"),
    ]
    for content, error, words in cases:
        broken = tmp_path / "hong" / good.name
        broken.parent.mkdir(exist_ok=True)
        broken.write_bytes(content)
        with pytest.raises(error) as raised:
            load_file(broken, library.settings)
        result = library.ingest_file(broken)
        assert result.status == "error" and words in result.message == raised.value.message_vi
        assert snapshot(library) == before

    no_office = Library(library.settings.model_copy(update={"soffice_command": "soffice-khong-co"}),
                        library._connect, library.embeddings)
    other = tmp_path / "khac.doc"
    other.write_bytes(data)
    result = no_office.ingest_file(other)
    assert result.status == "error" and "LibreOffice" in result.message and "libreoffice-writer-nogui" in result.message
    assert snapshot(library) == before


def _web_page(text_file: Path, *, article: bool = True) -> str:
    body = []
    for line in text_file.read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if not line:
            continue
        level = heading_level(line)
        tag = f"h{level + 1}" if level is not None and level <= 3 and len(line) < 120 else "p"
        body.append(f"<{tag}>{html.escape(line)}</{tag}>")
    menu = ("<header><nav><ul><li><a href='/'>Trang chủ</a></li><li><a href='/gioi-thieu'>Giới thiệu chung</a></li>"
            "<li><a href='/tin-tuc'>Tin tức - Sự kiện</a></li><li><a href='/van-ban'>Văn bản chỉ đạo điều hành</a>"
            "</li></ul></nav></header>")
    share = "<div class='share'><a href='#'>Chia sẻ</a> <a href='#'>Facebook</a> <a href='#'>Zalo</a></div>"
    aside = ("<aside><h3>Tin liên quan</h3><ul><li><a href='/a'>Hội nghị tổng kết công tác thi đua ngành giáo dục"
             "</a></li><li><a href='/b'>Trao tặng danh hiệu chiến sĩ thi đua cấp tỉnh</a></li></ul></aside>")
    footer = ("<footer><p>Bản quyền thuộc Cổng thông tin điện tử tỉnh Đắk Lắk. Địa chỉ: 09 Lê Duẩn, Buôn Ma Thuột."
              "</p></footer>")
    main = f"<main><article><h1>Kế hoạch phát động đợt thi đua</h1>{''.join(body)}{share}</article></main>"
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Kế hoạch 0124</title></head><body>"
            f"{menu}{main if article else ''}{aside}{footer}</body></html>")


def test_saved_web_page_keeps_article_and_headings_and_drops_the_site_chrome(library, tmp_path):
    page = tmp_path / "ke-hoach-0124.html"
    page.write_text(_web_page(DAI_HOI), encoding="utf-8")

    result = library.ingest_file(page)

    assert result.status == "added", result.message
    chunks = list(library.iter_chunks(page.name))
    sections = {chunk.section for chunk in chunks}
    assert any(section.startswith("I. MỤC ĐÍCH, YÊU CẦU > 1. Mục đích") for section in sections)
    text = "\n".join(chunk.text for chunk in chunks)
    for chrome in ("Trang chủ", "Tin tức - Sự kiện", "Bản quyền thuộc", "Tin liên quan", "Zalo", "#"):
        assert chrome not in text, chrome
    assert chunks[0].metadata.doc_number == "0124/KH-UBND"


def test_web_page_without_article_text_is_refused_and_changes_nothing(library, tmp_path):
    page = tmp_path / "trang-chu.htm"
    page.write_text(_web_page(DAI_HOI, article=False), encoding="utf-8")
    before = snapshot(library)
    with pytest.raises(NoArticleTextError):
        load_file(page, library.settings)
    result = library.ingest_file(page)
    assert result.status == "error" and "không có nội dung bài viết" in result.message
    assert snapshot(library) == before


def test_status_reports_which_file_tools_are_available(settings):
    from assistant.services import file_tools, supported_extensions

    assert file_tools(settings) == {"ocr": "", "doc": ""}
    missing = file_tools(settings.model_copy(update={"ocr_command": "khong-co", "soffice_command": "khong-co"}))
    assert "tesseract-ocr" in missing["ocr"] and "libreoffice-writer-nogui" in missing["doc"]
    assert {".doc", ".odt", ".html", ".htm", ".pdf"} <= set(supported_extensions())


# ---- the embedded model, once per machine ----------------------------------------------------------------------------

def _fake_parted_model(folder: Path):
    """A two-part model published as importable modules, like the real PyPI parts but a few bytes long."""
    import hashlib

    from assistant.model_files import PartedModel

    content = [b"GGUF-part-one-" * 50, b"part-two-" * 70]
    for number, data in enumerate(content, start=1):
        (folder / f"fake_part_{number}.bin").write_bytes(data)
        (folder / f"fakemodel_part{number}.py").write_text(textwrap.dedent(f"""
            def get_part_path():
                return {str(folder / f'fake_part_{number}.bin')!r}
        """), encoding="utf-8")
    whole = b"".join(content)
    return PartedModel(file_name="fake.gguf", module_pattern="fakemodel_part{}", parts=2, size=len(whole),
                       sha256=hashlib.sha256(whole).hexdigest())


def test_model_is_assembled_once_into_the_shared_folder_and_found_from_any_data_directory(tmp_path, monkeypatch):
    from assistant.model_files import ensure_model, llm_model_path

    modules = tmp_path / "site"
    modules.mkdir()
    monkeypatch.syspath_prepend(str(modules))
    model = _fake_parted_model(modules)
    shared = tmp_path / "models"
    first = Settings(home=tmp_path / "home-a", models_dir=shared)
    second = Settings(home=tmp_path / "home-b", models_dir=shared)
    messages: list[str] = []

    path = ensure_model(first, model=model, progress=messages.append)

    assert path == shared / "fake.gguf" and path.stat().st_size == model.size
    assert len(messages) == 1 and "Đang ghép tệp mô hình" in messages[0]
    stamp_before = path.stat().st_mtime_ns
    assert ensure_model(second, model=model, progress=messages.append) == path  # another data directory
    assert llm_model_path(second, model) == path and len(messages) == 1 and path.stat().st_mtime_ns == stamp_before
    assert not list(shared.glob("*.part"))


def test_ask_with_an_empty_data_directory_finds_the_model_without_setup(tmp_path):
    from assistant.model_files import EMBEDDED_LLM

    assert (Settings().models_dir / EMBEDDED_LLM.file_name).is_file(), "scripts/setup.sh assembles the shared model"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAN_ASSISTANT_")}
    env.update(PLAN_ASSISTANT_HOME=str(tmp_path / "empty-home"), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    done = subprocess.run([sys.executable, "-m", "cli.main", "ask",
                           "Kế hoạch 0125/KH-UBND ban hành ngày nào?", "--json"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Chưa có mô hình" not in done.stdout + done.stderr
    assert "Đang ghép tệp mô hình" not in done.stderr  # found in the shared folder, not assembled again
    payload = json.loads(done.stdout)
    assert payload["answer"]
    assert not (tmp_path / "empty-home" / "models").exists()  # nothing copied into the data directory


def test_upload_shows_ocr_progress_per_page_and_names_a_missing_tool(library, tmp_path):
    from assistant.services import Services
    from ui import handlers as h

    page = render_pages(DAI_HOI.read_text(encoding="utf-8"), dpi=DPI, max_pages=1)[0][0]
    scan = image_pdf([page], tmp_path / "ban-quet.pdf", dpi=DPI)
    legacy = tmp_path / "cu.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    no_office = library.settings.model_copy(update={"soffice_command": "soffice-khong-co"})
    services = Services(no_office, library=Library(no_office, library._connect, library.embeddings))

    steps = list(h.upload(services, [str(scan), str(legacy)]))

    lines = [line for _, line in steps]
    assert any("ban-quet.pdf — nhận dạng OCR trang 1 (1/1 trang quét)" in line for line in lines), lines
    rows = steps[-1][0]
    assert rows[0][:2] == ["ban-quet.pdf", h.STATUS_LABELS["added"]] and rows[0][2] > 0
    assert rows[1][1] == h.STATUS_LABELS["error"] and "LibreOffice" in rows[1][3]
    assert "libreoffice-writer-nogui" in rows[1][3] and lines[-1] == "Đã xử lý 2 tệp, 1 tệp lỗi."
