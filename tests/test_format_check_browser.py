"""The «Kiểm tra thể thức» tab in Debian's Chromium (Playwright): upload a DOCX with planted defects, see its findings
with the clause cited from the library, repair it and download the fixed copy."""

from __future__ import annotations

import shutil

import docx
import pytest

from assistant.services import Services
from conftest import make_settings
from index.store import Library
from test_format_check import DEFECTS, plan_document, save
from test_ui_browser import TIMEOUT_MS, browser, free_port, open_tab, serve, shot, wait_text  # noqa: F401 (fixture)
from ui.startup import Startup
from ui_fakes import PassageEchoChat

pytestmark = pytest.mark.browser
DECREE = "014_nd-30-2020-phu-luc-i-the-thuc-ky-thuat-trinh-bay.txt"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("check-browser-home")
    settings = make_settings(home, port=free_port())
    folder = home / "decree"
    folder.mkdir()
    for name in (DECREE, "SOURCES.tsv"):
        shutil.copy(settings.sample_library / name, folder / name)
    library = Library.open(settings)
    assert all(result.status == "added" for result in library.ingest_paths([folder]))
    startup = Startup()
    startup.mark_ready()
    demo = serve(Services(settings, chat_model=PassageEchoChat(), library=library), startup)
    yield f"http://127.0.0.1:{settings.port}/"
    demo.close()


@pytest.fixture
def page(browser, app):  # noqa: F811 (the browser fixture comes from test_ui_browser)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(app)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def test_upload_shows_findings_with_citations_and_gives_the_fixed_file(page, tmp_path):
    document, roles = plan_document()
    for code in ("le-trang", "dia-danh-thoi-gian", "noi-nhan"):
        DEFECTS[code](document, roles)
    upload = save(document, tmp_path / "Kế hoạch có lỗi thể thức.docx")

    open_tab(page, "Kiểm tra thể thức")
    page.set_input_files("#check-file input[type=file]", str(upload))
    wait_text(page, "#check-file", "thể thức.docx")
    page.click("#check-button")
    wait_text(page, "#check-findings", "[le-trang]")
    findings = page.inner_text("#check-findings")
    assert "[dia-danh-thoi-gian]" in findings and "[noi-nhan]" in findings
    assert "ngày 05 tháng 01 năm 2026" in findings and "Yêu cầu:" in findings
    assert "3 lỗi" in page.inner_text("#check-summary")
    citation = page.locator("#check-findings details.trich-dan").first
    citation.locator("summary").click()
    citation.locator("blockquote").wait_for(state="visible")
    assert "cách mép trái 30 - 35 mm" in citation.inner_text()
    shot(page, "kiem-tra-the-thuc")

    page.click("#fix-button")
    wait_text(page, "#check-summary", "Đã sửa tự động 2 lỗi")
    assert "[le-trang]" not in page.inner_text("#check-findings")
    with page.expect_download() as download:
        page.locator("#fixed-file a").first.click()
    target = tmp_path / "da-sua.docx"
    download.value.save_as(target)
    fixed = docx.Document(str(target))
    assert round(fixed.sections[0].left_margin.mm) == 30
    assert any(p.text == "Lâm Đồng, ngày 05 tháng 01 năm 2026" for p in fixed.paragraphs)


def test_a_file_that_is_not_a_docx_gets_a_clear_message(page, tmp_path):
    bad = tmp_path / "hong.docx"
    bad.write_text("không phải tệp Word", encoding="utf-8")
    open_tab(page, "Kiểm tra thể thức")
    page.set_input_files("#check-file input[type=file]", str(bad))
    wait_text(page, "#check-file", "hong.docx")
    page.click("#check-button")
    wait_text(page, "#check-summary", "⚠")
    assert "không đọc được" in page.inner_text("#check-summary")
