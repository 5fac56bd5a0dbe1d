"""Feedback and history in the real web app (Debian's Chromium via Playwright, the fake chat model of ui_fakes):
ask, give 👎 with reasons and a correction, export it as an `eval qa` item that loads and scores; then restart the app
on the same data directory and reopen the conversation, with its citations, from the «Lịch sử» tab."""

from __future__ import annotations

import argparse
import time

import docx
import pytest

from assistant.services import Services
from cli.commands import feedback as feedback_command
from conftest import make_settings
from eval.datasets import load_qa
from eval.qa import score
from test_ui_browser import (CHROMIUM, CHROMIUM_ARGS, QUESTION, TIMEOUT_MS, ask, free_port, open_tab, serve, shot,
                             small_library, wait_text)
from ui.startup import Startup
from ui_fakes import PassageEchoChat

pytestmark = pytest.mark.browser

CORRECTION = "Ngày 18 tháng 11 năm 2025."


class App:
    """One app process's worth of services on a data directory; `restart()` is a new Services and app on it."""

    def __init__(self, home, settings, library):
        self.home, self.settings, self.library = home, settings, library
        self.demo = None
        self.services = None

    def start(self):
        startup = Startup()
        startup.mark_ready()
        self.services = Services(self.settings, chat_model=PassageEchoChat(), library=self.library)
        self.demo = serve(self.services, startup)

    def restart(self):
        self.demo.close()
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.port}/"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("history-home")
    settings = make_settings(home, port=free_port())
    running = App(home, settings, small_library(home, settings))
    running.start()
    yield running
    running.demo.close()


@pytest.fixture(scope="module")
def context():
    """One browser profile for the module: its localStorage (the browser id) survives page reloads and app restarts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        chromium.close()


@pytest.fixture
def page(context, app):
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(app.url)
    page.wait_for_selector("#question textarea")
    yield page
    page.close()


def export(settings, tmp_path, monkeypatch):
    """`plan-assistant feedback export --out FILE` on the app's data directory."""
    monkeypatch.setattr("cli.commands.feedback.get_settings", lambda: settings)
    parser = argparse.ArgumentParser()
    feedback_command.register(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "phan-hoi.jsonl"
    args = parser.parse_args(["feedback", "export", "--out", str(out)])
    assert args.handler(args) == 0
    return out


def test_thumbs_down_with_a_correction_exports_an_item_that_eval_qa_scores(page, app, tmp_path, monkeypatch):
    ask(page, QUESTION)
    page.locator("#chatbot details.trich-dan").first.wait_for()
    # The fake model's answer may be verified or refused (then the closest passages are shown): tick what fits.
    refused = "Không tìm thấy" in page.inner_text("#chatbot")
    reason = "lẽ ra phải trả lời được" if refused else "sai thông tin"
    page.locator("#chatbot button[aria-label='Câu trả lời chưa đúng']").last.click()
    page.locator("#feedback-panel").first.wait_for(state="visible")
    wait_text(page, "#feedback-status", "Đã ghi nhận 👎")
    page.get_by_label(reason).check()
    page.fill("#feedback-correction textarea", CORRECTION)
    shot(page, "phan-hoi-cau-tra-loi")
    page.click("#feedback-send")
    wait_text(page, "#feedback-status", "Đã lưu góp ý")
    page.locator("#feedback-panel").first.wait_for(state="hidden")

    [stored] = app.services.history.feedback()
    assert stored.rating == "down" and stored.reasons == [reason] and stored.correction == CORRECTION
    assert stored.refused == refused
    assert stored.question == QUESTION and stored.citations and stored.settings["retrieval_k"] == app.settings.retrieval_k

    open_tab(page, "Trạng thái")
    wait_text(page, "#feedback-summary", "Phản hồi")
    wait_text(page, "#feedback-summary", CORRECTION)
    summary = page.inner_text("#feedback-summary")
    assert QUESTION in summary and reason in summary
    shot(page, "trang-thai-phan-hoi")

    items = load_qa(export(app.settings, tmp_path, monkeypatch))
    assert [(item.question, item.answer, item.type) for item in items] == [(QUESTION, CORRECTION, "single")]
    if refused:  # the closest passages shown with a refusal are not evidence
        assert items[0].source_files == [] and items[0].evidence == []
    else:
        assert set(items[0].source_files) == {c["source"] for c in stored.citations}
        assert [e["text"] for e in items[0].evidence] == list(dict.fromkeys(c["text"] for c in stored.citations))
    right = {"answer": f"{CORRECTION} [1]", "refused": False, "citations": stored.citations}
    wrong = {"answer": "Ngày 5 tháng 1 năm 2026 [1].", "refused": False, "citations": stored.citations}
    assert score(items, {items[0].id: right})["summary"]["correctness"] == 1.0
    assert score(items, {items[0].id: wrong})["summary"]["correctness"] == 0.0


def test_a_conversation_reopens_with_its_citations_after_a_restart(page, app, tmp_path):
    ask(page, QUESTION)
    page.locator("#chatbot details.trich-dan").first.wait_for()
    ask(page, "Kế hoạch đó do cơ quan nào ban hành?")
    wait_for_turns(app, 2)
    before = page.inner_text("#chatbot")

    app.restart()  # a new Services and app process state on the same data directory and port
    page.reload()
    page.wait_for_selector("#question textarea")
    assert QUESTION not in page.inner_text("#chatbot")
    open_tab(page, "Lịch sử")
    page.locator("#history-conversations input").click()
    option = page.locator("ul[role=listbox] li", has_text="0125/KH-UBND").first
    option.click()
    wait_text(page, "#history-preview", "Câu hỏi 2")
    with page.expect_download() as download:
        page.locator("#history-docx a").first.click()
    target = tmp_path / "hoi-dap.docx"
    download.value.save_as(target)
    body = "\n".join(p.text for p in docx.Document(target).paragraphs)
    assert QUESTION in body and "Chú thích" in body and "0125/KH-UBND" in body
    shot(page, "lich-su")

    page.click("#history-open")
    wait_text(page, "#chatbot", QUESTION)
    citation = page.locator("#chatbot details.trich-dan").first
    citation.locator("summary").click()
    citation.locator("blockquote").wait_for(state="visible")
    assert "0125/KH-UBND" in citation.inner_text() and "Ngày ban hành: 18/11/2025" in citation.inner_text()
    assert page.inner_text("#chatbot").count("cơ quan nào") == before.count("cơ quan nào") == 1

    ask(page, "Kế hoạch đó có hiệu lực đến khi nào?")  # the reopened conversation goes on
    wait_for_turns(app, 3)
    store, owner = app.services.history, _owner(app)
    conversations = store.conversations(owner)
    assert [t.question for t in store.conversation(owner, conversations[0].id).turns][::2] == [
        QUESTION, "Kế hoạch đó có hiệu lực đến khi nào?"]

    open_tab(page, "Lịch sử")
    page.click("#history-forget")
    wait_text(page, "#history-status", f"Đã xóa {len(conversations)} cuộc trò chuyện")
    assert store.conversations(owner) == [] and store.feedback(owner=owner) == []


def wait_for_turns(app, count: int, timeout_s: float = 60.0) -> None:
    """Until the browser's latest conversation has `count` stored turns (the last answer is complete)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with app.services.history._connect() as db:
            row = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = (SELECT id FROM conversations "
                             "ORDER BY updated DESC, rowid DESC LIMIT 1)").fetchone()
        if row[0] >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"the conversation never reached {count} stored turns")


def _owner(app) -> str:
    """The browser's owner key, read back from the store (there is one browser in this module)."""
    with app.services.history._connect() as db:
        return db.execute("SELECT owner FROM conversations ORDER BY rowid LIMIT 1").fetchone()[0]
