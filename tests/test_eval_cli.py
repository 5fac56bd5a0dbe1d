"""`eval retrieval` on a tiny dataset against the real sample library; the suite and report with a fake chat model."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from cli import main as cli
from assistant.services import Services
from core.settings import get_settings
from eval import compare, metrics, report, retrieval, suite


class FixedChat(BaseChatModel):
    """Always gives the same reply; `calls` counts how often the model was asked."""

    reply: str = "Không tìm thấy thông tin này trong thư viện tài liệu."
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "fixed"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        self.calls += 1
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.reply))])


class FailingChat(FixedChat):
    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        raise AssertionError("the chat model must not be called when predictions are reused")


class BagOfSyllables(Embeddings):
    """Hashed syllable counts: cosine similarity = word overlap, enough to test the baseline's plumbing."""

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(256)
        for syllable in metrics.syllables(text):
            vector[int(hashlib.md5(syllable.encode()).hexdigest(), 16) % 256] += 1
        return (vector / (np.linalg.norm(vector) or 1)).tolist()

    def embed_documents(self, texts):
        return [self._vector(t) for t in texts]

    def embed_query(self, text):
        return self._vector(text)


def _first_passage(library, source: str) -> str:
    """A long passage of one library document, to ask about in its own words (no dataset answers needed)."""
    chunks = sorted((c for c in library.iter_chunks(source) if len(c.text) > 200), key=lambda c: c.order)
    return chunks[len(chunks) // 2].text


def _dataset(tmp_path, library) -> tuple:
    docs = sorted(record.source for record in library.documents())
    source = docs[0]
    question = " ".join(_first_passage(library, source).split()[:25])
    rows = [
        {"id": "found", "question": question, "answer": "x", "type": "single", "source_file": [source],
         "evidence": [{"file": source, "text": question}]},
        {"id": "wrong-gold", "question": question, "answer": "x", "type": "single",
         "source_file": ["khong-co-tep-nay.txt"], "evidence": []},
        {"id": "none", "question": "Câu hỏi không có trong thư viện?", "answer": None, "type": "unanswerable",
         "source_file": [], "evidence": []},
    ]
    path = tmp_path / "tiny_qa.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path, source


@pytest.fixture
def cli_on_sample_library(sample_library, monkeypatch):
    """Points the command line's settings at the sample library's data directory and embedding cache."""
    monkeypatch.setenv("PLAN_ASSISTANT_HOME", str(sample_library.settings.home))
    monkeypatch.setenv("PLAN_ASSISTANT_EMBEDDING_CACHE", str(sample_library.settings.embedding_cache_path))
    get_settings.cache_clear()
    yield sample_library
    get_settings.cache_clear()


def test_eval_retrieval_cli_reports_each_system(cli_on_sample_library, tmp_path, capsys):
    path, _ = _dataset(tmp_path, cli_on_sample_library)
    assert cli.main(["eval", "retrieval", "--dataset", str(path), "--k", "1,5", "--systems",
                     "dense,lexical,hybrid", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 2  # the unanswerable question has no gold source to retrieve
    assert set(result["systems"]) == {"dense", "lexical", "hybrid"}
    ranks = {item["id"]: item["rank"] for item in result["items"]}
    assert ranks["found"]["hybrid"] is not None and ranks["found"]["hybrid"] <= 5
    assert ranks["wrong-gold"] == {"dense": None, "lexical": None, "hybrid": None}
    for summary in result["systems"].values():
        assert summary["recall@5"] <= 0.5 and summary["mrr"] <= 0.5  # the wrong gold must count as a miss
    assert result["systems"]["hybrid"]["recall@5"] == 0.5
    assert result["datasets"]["qa"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # plain-text output has a row per system
    assert cli.main(["eval", "retrieval", "--dataset", str(path), "--k", "1,5", "--systems", "lexical"]) == 0
    assert "lexical" in capsys.readouterr().out


def test_eval_rejects_unknown_settings_and_systems(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["eval", "retrieval", "--dataset", str(tmp_path / "x.jsonl"), "--systems", "bm99"])
    with pytest.raises(compare.ConfigError):
        compare.parse_config("x=no_such_setting=1")
    config = compare.parse_config("small=PLAN_ASSISTANT_CHUNK_TOKENS=96,retrieval_k=3")
    assert config.overrides == {"chunk_tokens": "96", "retrieval_k": "3"} and config.reindexes


def test_naive_baseline_finds_the_document_with_real_chroma():
    texts = {"a.txt": "Hội đồng thi đua họp định kỳ sáu tháng một lần. " * 40,
             "b.txt": "Hồ sơ nộp qua phần mềm quản lý văn bản điện tử. " * 40}
    baseline = retrieval.NaiveBaseline(texts, BagOfSyllables())
    try:
        assert all(len(text) <= 1000 for _, text in baseline.passages)
        assert len(baseline.passages) > 2
        assert baseline.search("phần mềm quản lý văn bản", 3)[0][0] == "b.txt"
    finally:
        baseline.close()


def test_suite_report_and_reuse_with_fake_chat_model(sample_library, tmp_path):
    path, source = _dataset(tmp_path, sample_library)
    from eval.datasets import load_qa

    items = load_qa(path)
    out = tmp_path / "out"
    chat = FixedChat()
    options = suite.SuiteOptions(ks=[1, 5], systems=("hybrid",))
    results = suite.run_all(sample_library.settings, [], items, [], out, options,
                            services_factory=lambda s, _: Services(s, chat_model=chat, library=sample_library))
    full = suite.assemble(results, {})
    json_path, html_path = report.write(full, out)
    qa_summary = results[0]["qa"]["summary"]
    assert qa_summary["n"] == 3 and qa_summary["answerable"] == 2
    assert qa_summary["correctness"] == 0.0  # gold answer "x" is never produced
    worst = results[0]["qa"]["worst"]
    assert {row["id"] for row in worst} >= {"found", "wrong-gold"} and all(row["passages"] for row in worst)
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in predictions] == ["found", "wrong-gold", "none"]
    assert {"answer", "refused", "citations", "retrieved", "timings"} <= predictions[0].keys()
    page = html_path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "Worst Q&amp;A items" in page and source in page
    assert json.loads(json_path.read_text(encoding="utf-8"))["configs"][0]["settings"]["openai_api_key"] == "***"
    # re-rendering with --reuse never calls the model
    reused = suite.run_all(sample_library.settings, [], items, [], out, suite.SuiteOptions(ks=[1], systems=(),
                           reuse=True), services_factory=lambda s, _: Services(s, chat_model=FailingChat(),
                                                                                 library=sample_library))
    assert reused[0]["qa"]["summary"]["n"] == 3


def test_draft_evaluation_writes_files_and_scores_with_fake_chat_model(sample_library, tmp_path):
    from eval.datasets import load_draft_tasks

    path = tmp_path / "tasks.jsonl"
    path.write_text(json.dumps({"id": "t1", "province": "Lâm Đồng", "period": "năm 2026", "theme": "chuyển đổi số",
                                "must_include": ["Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022"]},
                               ensure_ascii=False), encoding="utf-8")
    chat = FixedChat(reply="Đẩy mạnh chuyển đổi số trong công tác thi đua, khen thưởng.")
    out = tmp_path / "drafts"
    results = suite.run_all(sample_library.settings, [], [], load_draft_tasks(path), out, suite.SuiteOptions(),
                            services_factory=lambda s, _: Services(s, chat_model=chat, library=sample_library))
    item = results[0]["drafts"]["items"][0]
    assert item["error"] is None
    assert (out / "t1.md").read_text(encoding="utf-8").strip() and (out / "t1.docx").stat().st_size > 0
    assert set(item["structure"]["checks"]) >= {"quoc_hieu", "section_ii", "noi_nhan"}
    assert results[0]["drafts"]["summary"]["invented_numbers"] == len(item["invented_numbers"])
    assert item["must_include"]["coverage"] in (0.0, 1.0)
    page = report.render_html(suite.assemble(results, {}))
    assert "Drafts" in page and "t1" in page


def test_an_evaluation_library_takes_only_the_files_a_catalogued_folder_lists(settings, tmp_path):
    """`eval draft --library` and `eval qa-table --library` ingest a folder with a SOURCES.tsv as its catalogue says:
    the README beside the documents had been ingested as a news page when the folder was given to `ingest`."""
    from cli.commands.eval import _with_documents

    sample = tmp_path / "mau"
    sample.mkdir()
    (sample / "01_ke-hoach.txt").write_text("KẾ HOẠCH\nPhát động phong trào thi đua năm 2026.\n", encoding="utf-8")
    folder = tmp_path / "ngoai"
    folder.mkdir()
    (folder / "SOURCES.tsv").write_text("file\ttitle\n02_chi-thi.txt\tChỉ thị về phòng, chống tác hại thuốc lá\n",
                                        encoding="utf-8")
    (folder / "02_chi-thi.txt").write_text("CHỈ THỊ\nTăng cường phòng, chống tác hại thuốc lá.\n", encoding="utf-8")
    (folder / "README.md").write_text("# Ghi chú\nNăm văn bản thật không có trong thư viện mẫu.\n", encoding="utf-8")
    services = _with_documents(settings.model_copy(update={"sample_library": sample}), [folder])
    assert {record.source for record in services.library.documents()} == {"01_ke-hoach.txt", "02_chi-thi.txt"}
