"""Drafting from a chosen source document in the real web app (Chromium, Playwright): the source picker, the draft
and the coverage matrix beside it, and the button that adds an item left out. Fake chat model (tests/ui_fakes.py)."""

from __future__ import annotations

import pytest

from assistant.services import Services
from conftest import make_settings
from test_ui_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, free_port, open_tab, serve, shot, small_library, \
    wait_text
from ui.startup import Startup
from ui_fakes import PassageEchoChat

pytestmark = pytest.mark.browser
SOURCE = "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser-drafting-home")
    settings = make_settings(home, port=free_port())
    startup = Startup()
    startup.mark_ready()
    services = Services(settings, chat_model=PassageEchoChat(), library=small_library(home, settings))
    demo = serve(services, startup)
    yield {"url": f"http://127.0.0.1:{settings.port}/", "services": services}
    demo.close()


@pytest.fixture
def page(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(app["url"])
        yield page
        chromium.close()


def test_draft_with_a_chosen_source_shows_the_coverage_matrix(page):
    open_tab(page, "Soạn kế hoạch")
    page.locator("#province input").fill("Đắk Lắk")
    page.locator("ul[role=listbox] li", has_text="Đắk Lắk").first.click()
    page.fill("#period textarea, #period input", "tháng 4/2026")
    page.fill("#theme textarea", "tổng kết, khen thưởng phong trào thi đua bầu cử")
    page.locator("#draft-sources input").click()
    page.locator("#draft-sources input").fill("0125")
    page.locator("ul[role=listbox] li", has_text="0125/KH-UBND").first.click()
    page.keyboard.press("Escape")
    page.click("#draft-button")
    try:
        wait_text(page, "#draft-progress", "Đã soạn xong")
    finally:
        shot(page, "soan-tu-van-ban-nguon-tien-do")
    preview = page.inner_text("#draft-preview")
    assert "Căn cứ kết quả thực hiện Kế hoạch số 0125/KH-UBND" in preview and "98%" in preview
    wait_text(page, "#draft-coverage", "Đối chiếu văn bản nguồn")
    coverage = page.inner_text("#draft-coverage")
    assert "Đã đưa vào" in coverage and "Mục III, dòng" in coverage and "Idesk" in coverage
    shot(page, "soan-tu-van-ban-nguon")


def test_suggest_picks_sources_for_the_theme(page):
    open_tab(page, "Soạn kế hoạch")
    page.locator("#province input").fill("Cần Thơ")
    page.locator("ul[role=listbox] li", has_text="Cần Thơ").first.click()
    page.fill("#theme textarea", "phong trào thi đua chi trả trợ giúp xã hội không dùng tiền mặt")
    page.click("#suggest-sources")
    wait_text(page, "#draft-progress", "Gợi ý văn bản nguồn")
    assert "157/KH-UBND" in page.inner_text("#draft-sources")
