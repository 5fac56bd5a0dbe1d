"""Scale-out on existing engines: a real `chroma run` server shared by two app servers, and a real llama.cpp
OpenAI-compatible server (xllamacpp's, serving the same GGUF) shared by several app-side chat models and processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from core.vietnamese import VIETNAMESE_LETTERS
from core.errors import IndexUnavailableError
from assistant.llm import LlamaCppChatModel, make_chat_model
from assistant.qa import QAChain
from conftest import TEST_EMBEDDING_CACHE, make_settings
from helpers_servers import PROJECT_ROOT, chroma_server, free_port, llama_server
from index.store import Library
from test_bad_input import LAMDONG, SOCTRANG
from test_crash_and_concurrency import assert_consistent

# ---- Chroma client/server mode ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    with chroma_server(tmp_path_factory.mktemp("chroma-server") / "data") as url:
        yield url


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_two_app_servers_share_one_chroma_server(chroma_url, tmp_path):
    # Two app servers: separate data directories (file copies, locks), one Chroma server, own collection prefix.
    first = Library.open(make_settings(tmp_path / "app1", chroma_url=chroma_url, collection_prefix="shared_a"))
    second = Library.open(make_settings(tmp_path / "app2", chroma_url=chroma_url, collection_prefix="shared_a"),
                          embeddings=first.embeddings)
    assert not (tmp_path / "app1" / "index" / "chroma").exists()  # nothing stored in the app's own directory

    assert first.ingest_file(_write(tmp_path / "in1", "lamdong.txt", LAMDONG)).status == "added"
    # The other app server sees the document at once, in dense, lexical and hybrid search.
    assert [r.source for r in second.documents()] == ["lamdong.txt"]
    question = "Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng họp định kỳ bao lâu?"
    for mode in ("dense", "lexical", "hybrid"):
        hits = second.search(question, k=1, mode=mode)
        assert hits and hits[0].chunk.source == "lamdong.txt" and "06 tháng" in hits[0].chunk.text, mode

    assert second.ingest_file(_write(tmp_path / "in2", "soctrang.txt", SOCTRANG)).status == "added"
    lexical = first.search("chuyển đổi số hồ sơ công việc môi trường mạng", k=1, mode="lexical")
    assert lexical and lexical[0].chunk.source == "soctrang.txt"  # first's lexical index followed the revision
    assert first.ingest_file(tmp_path / "in2" / "soctrang.txt").status == "unchanged"

    assert first.remove("soctrang.txt") > 0
    assert [r.source for r in second.documents()] == ["lamdong.txt"]
    assert all(h.chunk.source == "lamdong.txt"
               for h in second.search("chuyển đổi số hồ sơ công việc", k=5, mode="lexical"))
    assert all(h.chunk.source == "lamdong.txt" for h in second.search("Sóc Trăng chuyển đổi số", k=5, mode="dense"))

    reopened = Library.open(make_settings(tmp_path / "app3", chroma_url=chroma_url, collection_prefix="shared_a"),
                            embeddings=first.embeddings)
    assert [r.source for r in reopened.documents()] == ["lamdong.txt"]
    reopened.search("kế hoạch thi đua", k=1)
    assert set(reopened._lexical._tokens) == {c.chunk_id for c in reopened.iter_chunks(cards=True)}


def test_interrupted_write_on_the_server_is_reconciled(chroma_url, tmp_path):
    settings = make_settings(tmp_path / "app", chroma_url=chroma_url, collection_prefix="shared_b")
    library = Library.open(settings)
    for name, text in (("lamdong.txt", LAMDONG), ("soctrang.txt", SOCTRANG)):
        assert library.ingest_file(_write(tmp_path / "in", name, text)).status == "added"
    library._registry.delete(ids=["soctrang.txt"])  # a writer died after its chunks, before its registry record

    reopened = Library.open(settings, embeddings=library.embeddings)
    assert {source for source in assert_consistent(reopened)} == {"lamdong.txt"}
    assert reopened.ingest_file(tmp_path / "in" / "soctrang.txt").status == "added"
    assert set(assert_consistent(reopened)) == {"lamdong.txt", "soctrang.txt"}


def test_unreachable_chroma_server_is_a_clear_error(tmp_path):
    with pytest.raises(IndexUnavailableError) as raised:
        Library.open(make_settings(tmp_path / "app", chroma_url=f"http://127.0.0.1:{free_port()}"))
    assert "Không kết nối được" in raised.value.message_vi


def test_chroma_url_comes_from_the_environment(chroma_url, tmp_path):
    """Deployment sets PLAN_ASSISTANT_CHROMA_URL; the CLI of an app server then stores in the Chroma server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAN_ASSISTANT_")}
    env.update({"PLAN_ASSISTANT_HOME": str(tmp_path / "app"), "PLAN_ASSISTANT_CHROMA_URL": chroma_url,
                "PLAN_ASSISTANT_COLLECTION_PREFIX": "shared_env", "PLAN_ASSISTANT_EMBEDDING_CACHE":
                str(TEST_EMBEDDING_CACHE), "HF_HUB_OFFLINE": "1"})
    path = _write(tmp_path / "in", "lamdong.txt", LAMDONG)
    cli = str(Path(sys.executable).parent / "plan-assistant")
    done = subprocess.run([cli, "ingest", str(path), "--json"], capture_output=True, text=True, timeout=180,
                          cwd=PROJECT_ROOT, env=env)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "app" / "index" / "chroma").exists()
    library = Library.open(make_settings(tmp_path / "other", chroma_url=chroma_url, collection_prefix="shared_env"))
    assert [r.source for r in library.documents()] == ["lamdong.txt"]


# ---- OpenAI-compatible LLM server ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def llm_url(tmp_path_factory):
    """One llama.cpp server for the module: two slots of 2048 tokens, like a small shared GPU host would offer."""
    model = make_settings(tmp_path_factory.mktemp("llm")).llm_model_path
    with llama_server(model, tmp_path_factory.mktemp("llm-log"), n_ctx=4096, parallel=2) as url:
        yield url


def _openai_settings(home: Path, url: str, **overrides):
    return make_settings(home, llm_backend="openai", openai_base_url=url, llm_timeout_s=600, llm_temperature=0.0,
                         llm_max_answer_tokens=64, **overrides)


@pytest.mark.llm
def test_qa_chain_answers_through_the_llm_server(llm_url, tmp_path):
    settings = _openai_settings(tmp_path / "app", llm_url)
    library = Library.open(settings)
    assert library.ingest_file(_write(tmp_path / "in", "lamdong.txt", LAMDONG)).status == "added"
    model = make_chat_model(settings)
    assert not isinstance(model, LlamaCppChatModel)

    answer = QAChain(library, model, settings).ask(
        "Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng họp định kỳ bao lâu một lần?")

    assert not answer.refused, answer.reason
    assert "06 tháng" in answer.answer and answer.citations[0].source == "lamdong.txt"


@pytest.mark.llm
def test_several_app_processes_share_one_llm_server(llm_url, tmp_path):
    """Two chat models in this process and one `plan-assistant` process in another, all on the same server."""
    messages = [SystemMessage("Chỉ trả lời bằng tiếng Việt, thật ngắn."),
                HumanMessage("Thủ đô của Việt Nam là thành phố nào?")]
    replies: dict[str, str] = {}
    errors: list[BaseException] = []

    def chat(name: str) -> None:
        try:
            model = make_chat_model(_openai_settings(tmp_path / name, llm_url))
            replies[name] = "".join(chunk.content for chunk in model.stream(messages, max_tokens=12))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    library_home = tmp_path / "cli-app"
    library = Library.open(_openai_settings(library_home, llm_url))
    assert library.ingest_file(_write(tmp_path / "in", "lamdong.txt", LAMDONG)).status == "added"
    del library
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLAN_ASSISTANT_")}
    env.update({"PLAN_ASSISTANT_HOME": str(library_home), "PLAN_ASSISTANT_LLM_BACKEND": "openai",
                "PLAN_ASSISTANT_OPENAI_BASE_URL": llm_url, "PLAN_ASSISTANT_LLM_MAX_ANSWER_TOKENS": "64",
                "PLAN_ASSISTANT_LLM_TEMPERATURE": "0", "PLAN_ASSISTANT_EMBEDDING_CACHE": str(TEST_EMBEDDING_CACHE),
                "HF_HUB_OFFLINE": "1"})
    other_process = subprocess.Popen(
        [str(Path(sys.executable).parent / "plan-assistant"), "ask", "--json",
         "Cơ quan thường trực của Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng là cơ quan nào?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT, env=env)
    threads = [threading.Thread(target=chat, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    out, err = other_process.communicate(timeout=600)

    assert not errors, errors
    assert set(replies) == {"a", "b"}
    assert all(VIETNAMESE_LETTERS.intersection(reply.lower()) for reply in replies.values()), replies
    assert other_process.returncode == 0, err
    payload = json.loads(out)
    assert not payload["refused"] and "nội vụ" in payload["answer"].lower(), payload
    assert payload["citations"][0]["source"] == "lamdong.txt"
