"""History and feedback store (assistant/history.py), its export to the eval format, the `feedback` command, the
chat recorder of the web app, and two processes writing feedback into one data directory at the same time."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import docx
import gradio as gr
import pytest

from assistant import history as hs
from assistant.services import Services
from cli.commands import feedback as feedback_command
from core.errors import HistoryError, HistoryNotFoundError
from core.settings import PROJECT_ROOT
from eval.datasets import load_qa
from eval.qa import score
from ui import history_feedback as hf
from ui.startup import Startup

SOURCE = "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"
PASSAGE = "Số: 0125/KH-UBND\nĐắk Lắk, ngày 18 tháng 11 năm 2025"
QUESTION = "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk ban hành ngày nào?"


def payload(answer="Kế hoạch 0125/KH-UBND ban hành ngày 18/11/2025 [1].", refused=False, source=SOURCE,
            text=PASSAGE) -> dict:
    citation = {"n": 1, "source": source, "title": "Kế hoạch thi đua bầu cử", "doc_number": "0125/KH-UBND",
                "section": "I. MỤC ĐÍCH", "page": 2, "text": text}
    return {"answer": answer, "refused": refused, "citations": [citation],
            "retrieved": [{"source": source, "section": "I. MỤC ĐÍCH", "score": 0.032}], "timings": {"total_s": 1.5}}


@pytest.fixture
def store(settings) -> hs.HistoryStore:
    return Services(settings).history


def feedback_cli(*argv: str) -> int:
    """`plan-assistant feedback ...` with only this command registered (the others load the LLM stack)."""
    parser = argparse.ArgumentParser()
    feedback_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["feedback", *argv])
    return args.handler(args)


def rate(store, owner, rating, settings, **kwargs):
    _, turn = store.add_turn(owner, None, kwargs.pop("question", QUESTION), kwargs.pop("payload", payload()))
    return store.rate_turn(owner, turn, rating, settings=hs.settings_snapshot(settings), version="0.1.0", **kwargs)


def test_turns_make_conversations_that_only_their_owner_sees(store):
    first, turn_1 = store.add_turn("browser:a", None, QUESTION, payload())
    same, turn_2 = store.add_turn("browser:a", first, "Kế hoạch đó do ai ký?", payload(answer="Không rõ."))
    assert same == first and turn_2 > turn_1
    other, _ = store.add_turn("browser:b", first, "Câu hỏi khác?", payload())  # not b's: starts b's own
    assert other != first

    conversation = store.conversation("browser:a", first)
    assert conversation.title == QUESTION
    assert [t.question for t in conversation.turns] == [QUESTION, "Kế hoạch đó do ai ký?"]
    assert conversation.turns[0].payload["citations"][0]["text"] == PASSAGE
    assert [c.id for c in store.conversations("browser:a")] == [first]
    with pytest.raises(HistoryNotFoundError):
        store.conversation("browser:b", first)
    with pytest.raises(HistoryNotFoundError):
        store.delete_conversation("browser:b", first)
    store.delete_conversation("browser:a", first)
    assert store.conversations("browser:a") == [] and len(store.conversations("browser:b")) == 1


def test_ratings_keep_what_they_rate_and_one_rating_per_turn(store, settings):
    conversation, turn = store.add_turn("user:lan", None, QUESTION, payload())
    snapshot = hs.settings_snapshot(settings.model_copy(update={"openai_api_key": "secret", "auth_password": "pw"}))
    assert "openai_api_key" not in snapshot and "auth_password" not in snapshot and snapshot["retrieval_k"] == 3
    store.rate_turn("user:lan", turn, hs.UP, settings=snapshot, version="0.1.0")
    rated = store.rate_turn("user:lan", turn, hs.DOWN, reasons=["trích dẫn không đúng đoạn", "không có"],
                            correction="  Ngày 18/11/2025. ", settings=snapshot, version="0.1.0")
    assert [f.id for f in store.feedback()] == [rated.id]  # the second rating replaced the first
    assert rated.reasons == ["trích dẫn không đúng đoạn"] and rated.correction == "Ngày 18/11/2025."
    assert rated.question == QUESTION and rated.citations[0]["text"] == PASSAGE and rated.retrieved[0]["score"]
    assert rated.settings["chunk_tokens"] == settings.chunk_tokens and rated.version == "0.1.0"
    assert rated.conversation_id == conversation
    with pytest.raises(HistoryNotFoundError):
        store.rate_turn("user:other", turn, hs.UP, settings=snapshot, version="0.1.0")
    with pytest.raises(HistoryError):
        store.rate_turn("user:lan", turn, "meh", settings=snapshot, version="0.1.0")
    assert store.remove_rating("user:lan", turn) and store.feedback() == []


def test_deleting_a_conversation_or_everything_removes_its_feedback(store, settings):
    feedback = rate(store, "browser:a", hs.UP, settings)
    rate(store, "browser:b", hs.UP, settings)
    store.save_draft("browser:a", None, "Kế hoạch", "# KẾ HOẠCH", {})
    store.delete_conversation("browser:a", feedback.conversation_id)
    assert [f.owner for f in store.feedback()] == ["browser:b"]
    rate(store, "browser:a", hs.DOWN, settings, correction="x")
    assert store.forget("browser:a") == {"feedback": 1, "drafts": 1, "conversations": 1}
    assert [f.owner for f in store.feedback()] == ["browser:b"] and store.drafts("browser:a") == []


def test_export_rules(store, settings):
    up = hs.qa_item(rate(store, "u", hs.UP, settings))
    assert up["answer"] == "Kế hoạch 0125/KH-UBND ban hành ngày 18/11/2025." and up["type"] == "single"
    assert up["source_file"] == [SOURCE] and up["evidence"] == [{"file": SOURCE, "text": PASSAGE}]
    assert hs.qa_item(rate(store, "u", hs.DOWN, settings, reasons=["sai thông tin"])) is None  # no correction
    refuse = hs.qa_item(rate(store, "u", hs.DOWN, settings, reasons=["lẽ ra phải từ chối"]))
    assert refuse["answer"] is None and refuse["type"] == "unanswerable" and refuse["evidence"] == []
    wrong_passage = hs.qa_item(rate(store, "u", hs.DOWN, settings, reasons=["trích dẫn không đúng đoạn"],
                                    correction="Ngày 18/11/2025."))
    assert wrong_passage["answer"] == "Ngày 18/11/2025." and wrong_passage["evidence"] == []
    refused = payload(answer="Không tìm thấy thông tin này trong thư viện tài liệu.", refused=True)
    should_answer = hs.qa_item(rate(store, "u", hs.DOWN, settings, payload=refused,
                                    reasons=["lẽ ra phải trả lời được"], correction="Ngày 18/11/2025."))
    assert should_answer["type"] == "single" and should_answer["evidence"] == []  # closest passages are no evidence
    assert hs.qa_item(rate(store, "u", hs.UP, settings, payload=refused))["type"] == "unanswerable"


def test_cli_export_loads_and_scores_with_eval_qa(store, settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("cli.commands.feedback.get_settings", lambda: settings)
    rate(store, "u", hs.DOWN, settings, reasons=["sai thông tin"], correction="Ngày 18 tháng 11 năm 2025.")
    rate(store, "u", hs.DOWN, settings, reasons=["sai thông tin"])  # nothing to learn: skipped
    rate(store, "u", hs.UP, settings, question="Phong trào thi đua bầu cử của Đắk Lắk có số hiệu nào?")
    out = tmp_path / "feedback.jsonl"
    assert feedback_cli("export", "--out", str(out), "--since", "2000-01-01", "--json") == 0
    assert json.loads(capsys.readouterr().out)["exported"] == 2
    items = load_qa(out)
    assert [item.type for item in items] == ["single", "single"] and all(i.source_files == [SOURCE] for i in items)
    predictions = {item.id: {"id": item.id, "question": item.question, **payload(answer=f"{item.answer} [1]")}
                   for item in items}
    result = score(items, predictions)
    assert result["summary"]["n"] == 2 and result["summary"]["correctness"] == 1.0
    assert result["summary"]["citation_precision"] == 1.0
    wrong = {item.id: {**predictions[item.id], "answer": "Ngày 5/1/2026 [1]."} for item in items}
    assert score(items, wrong)["summary"]["correctness"] == 0.0  # the export can fail a wrong answer

    assert feedback_cli("export", "--out", str(out), "--since", "01/01/2999") == 0
    assert out.read_text(encoding="utf-8") == ""
    assert feedback_cli("list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["exportable"] for f in listed] == [True, False, True]
    assert feedback_cli("list") == 0 and "đúng: Ngày 18 tháng 11" in capsys.readouterr().out
    with pytest.raises(HistoryError):
        feedback_cli("list", "--since", "hôm qua")


def test_conversation_exports_with_numbered_citations(store, tmp_path):
    conversation_id, _ = store.add_turn("u", None, QUESTION, payload())
    store.add_turn("u", conversation_id, "Ai ký kế hoạch?", payload(answer="Phó Chủ tịch ký [1].", text="KT. CHỦ TỊCH"))
    conversation = store.conversation("u", conversation_id)
    markdown = hs.conversation_markdown(conversation)
    assert "18/11/2025 [^1]." in markdown and "Phó Chủ tịch ký [^2]." in markdown
    assert "[^1]: 0125/KH-UBND — Kế hoạch thi đua bầu cử (mục I. MỤC ĐÍCH, trang 2, tệp 001_" in markdown
    assert "[^2]:" in markdown and "“KT. CHỦ TỊCH”" in markdown
    document = docx.Document(hs.write_conversation_docx(conversation, tmp_path / "c.docx"))
    body = [p.text for p in document.paragraphs]
    assert "Chú thích" in body and any(t.startswith("[2] 0125/KH-UBND") and "KT. CHỦ TỊCH" in t for t in body)
    assert any("Phó Chủ tịch ký [2]." in t for t in body)


@dataclass
class _Record:
    source: str
    metadata: object


class _FakeQA:
    def stream(self, question, history=()):
        from assistant.qa import QAEvent

        answer = type("A", (), {"to_dict": lambda self: payload()})()
        yield QAEvent("status", "Đang tìm…")
        yield QAEvent("answer", answer=answer)


class _FakeLibrary:
    def documents(self, filters=None):
        return [_Record(SOURCE, type("M", (), {"date": "2025-11-18"})())]


def test_chat_turns_are_recorded_rated_and_reopened_after_a_restart(settings):
    services = Services(settings, library=_FakeLibrary(), chat_model=object())
    services.__dict__["qa"] = _FakeQA()
    with gr.Blocks():
        recorder = hf.ChatRecorder(services, Startup(), gr.Chatbot(), gr.State([]))
    recorder.startup.mark_ready()
    request = gr.Request(username=None)
    *_, last = recorder.turn(QUESTION, [], [], recorder.reset(None), None, request)
    messages, history, _, session, browser_id = last
    assert browser_id and session["conversation"] and session["turns"] == {1: session["turns"][1]}
    like = gr.LikeData(None, {"index": 1, "value": messages[1]["content"], "liked": False})
    panel, *_, session = recorder.on_like(session, browser_id, like, request)
    assert panel.visible is True and session["rated"] == session["turns"][1]
    recorder.on_send(["sai thông tin"], "Ngày 18/11/2025.", session, browser_id, request)
    [rated] = services.history.feedback()
    assert rated.owner == f"browser:{browser_id}" and rated.correction == "Ngày 18/11/2025."
    assert "Ngày 18/11/2025" in hf.feedback_markdown(services) and "| 0 | 1 | 1 | 1 |" in hf.feedback_markdown(services)

    restarted = Services(settings, library=_FakeLibrary(), chat_model=object())  # a new process on the same home
    [listed] = restarted.history.conversations(f"browser:{browser_id}")
    shown, plain, reopened, ratings = hf.conversation_view(restarted, restarted.history.conversation(listed.owner,
                                                                                                   listed.id))
    assert shown[1]["content"] == messages[1]["content"] and 'class="trich-dan"' in shown[1]["content"]
    assert plain == history and reopened["turns"] == session["turns"] and ratings == ["Dislike"]
    assert hf.owner_of(gr.Request(username="lan"), browser_id) == "user:lan"


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from assistant.history import HistoryStore, UP
    path, name, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    store = HistoryStore(path)
    while not go.exists():
        time.sleep(0.005)
    for i in range(count):
        conversation, turn = store.add_turn(name, None, f"{name} câu hỏi {i}", {"answer": str(i), "citations": []})
        store.rate_turn(name, turn, UP, settings={"process": name}, version="test")
    print("done")
""")


def test_two_processes_writing_feedback_at_once_lose_nothing(settings, tmp_path):
    count = 150
    go = tmp_path / "go"
    store = hs.HistoryStore.for_settings(settings)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), name, str(count), str(go)],
                                cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name in ("app-1", "app-2")]
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0 and out.strip() == "done", err
    feedback = store.feedback()
    assert len(feedback) == 2 * count and len({f.id for f in feedback}) == 2 * count
    for name in ("app-1", "app-2"):
        questions = {f.question for f in feedback if f.owner == name}
        assert questions == {f"{name} câu hỏi {i}" for i in range(count)}
        assert len(store.conversations(name)) == count
    with store._connect() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_stored_draft_comes_back_as_the_same_draft(store):
    from dataclasses import fields

    from assistant.drafting import Draft, DraftHeader, DraftRequest, DraftSection

    draft = Draft(request=DraftRequest(province="Lâm Đồng", period="năm 2026", theme="thi đua chuyển đổi số",
                                       focus=["cải cách hành chính"]),
                  header=DraftHeader(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "Số: …/KH-UBND", "Lâm Đồng, ngày … tháng …",
                                     "KẾ HOẠCH", "Phát động phong trào thi đua"),
                  sections=[DraftSection("I", "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", sources=[{"source": SOURCE}])],
                  recipients=["Như trên;"], signer_lines=["TM. ỦY BAN NHÂN DÂN"], signer_name="Nguyễn Văn An")
    draft_id = store.save_draft("u", None, hf.draft_title(draft), draft.markdown(), hs.draft_fields(draft))
    assert store.save_draft("u", draft_id, "Sửa", "# sửa", hs.draft_fields(draft)) == draft_id
    assert store.save_draft("other", draft_id, "x", "x", {}) != draft_id  # not theirs: a new draft of their own
    [record] = store.drafts("u")
    assert record.title == "Sửa" and record.markdown == "# sửa"
    rebuilt = hs.rebuild_draft(json.loads(json.dumps(record.data)))
    assert rebuilt == draft and all(type(getattr(rebuilt, f.name)) is type(getattr(draft, f.name)) for f in fields(draft))
    assert hs.rebuild_draft({"request": {}}) is None
    store.delete_draft("u", draft_id)
    with pytest.raises(HistoryNotFoundError):
        store.draft("u", draft_id)
