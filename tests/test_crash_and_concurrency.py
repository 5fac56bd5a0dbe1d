"""A province cannot lose its library: kill -9 in the middle of an ingest, many questions during an ingest, and the
app killed and restarted. Real processes, real on-disk Chroma, real embeddings; the chat model is a fake."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from assistant.qa import QAChain
from conftest import TEST_EMBEDDING_CACHE, make_settings
from helpers_servers import PROJECT_ROOT, free_port, start_app, stop, wait_for_http
from index.store import Library
from test_bad_input import LAMDONG, SOCTRANG, PromptObeyingChat

SAMPLE_FILES = [  # small documents of the bundled library (their passage vectors are in the shared caches)
    "000_46ebe113dd57082e.txt",
    "003_a4581fec4a6603f3.txt",
    "004_f8203f7b94d5a4b6.txt",
    "002_bf467de301be45ad.txt",
    "015_nd-30-2020-phu-luc-ii-viet-hoa.txt",
]

# The ingesting child. In "pause-mid-write" it stops right after the chunks of its second document reach Chroma and
# before that document's registry record is written: the worst moment to die.
_INGEST_CHILD = """
import sys, time
from pathlib import Path
from core.settings import Settings
from index.store import Library

home, folder, mode, cache = sys.argv[1:5]
library = Library.open(Settings(home=Path(home), embedding_cache=Path(cache)))
if mode == "pause-mid-write":
    real = library._chunks

    class PauseOnSecondDocument:
        def __init__(self):
            self.sources = []

        def __getattr__(self, name):
            return getattr(real, name)

        def add(self, **batch):
            real.add(**batch)
            source = batch["ids"][0].rsplit("::", 1)[0]
            if source not in self.sources:
                self.sources.append(source)
            if len(self.sources) == 2:
                print("MID-WRITE", source, flush=True)
                time.sleep(600)

    library._chunks = PauseOnSecondDocument()
library.ingest_paths([Path(folder)], progress=lambda n, total, r: print("DONE", n, total, r.source, r.status,
                                                                        flush=True))
print("FINISHED", flush=True)
"""


def assert_consistent(library: Library) -> dict[str, int]:
    """Chroma and the lexical index agree, every chunk belongs to a registered document with the right count,
    no document is half-indexed or duplicated, and the kept file copies are exactly the registered documents.
    Returns {source: chunks}."""
    records = library.documents()
    sources = [record.source for record in records]
    assert len(sources) == len(set(sources)), "a document is registered twice"
    chunks = list(library.iter_chunks(cards=True))
    ids = [chunk.chunk_id for chunk in chunks]
    assert len(ids) == len(set(ids)) == library.chunk_count()
    per_source = Counter(chunk.source for chunk in chunks)
    assert per_source == Counter({r.source: r.chunk_count for r in records if r.chunk_count}), "half-indexed"
    for record in records:
        orders = sorted(chunk.order for chunk in chunks if chunk.source == record.source)
        assert orders == list(range(len(orders))), f"{record.source}: chunks missing or repeated"
    library._refresh()
    assert set(library._lexical._tokens) == set(ids), "lexical index disagrees with Chroma"
    for query in ("thi đua khen thưởng", "kế hoạch", "Hội đồng"):
        assert {cid for cid, _ in library._lexical.search(query, 10_000)} <= set(ids)
        assert all(hit.chunk.source in per_source for hit in library.search(query, k=10, mode="lexical"))
    copies = sorted(p.name for p in library.settings.files_dir.iterdir() if not p.name.startswith("."))
    assert copies == sorted(library.file_path(source).name for source in sources), "file copies disagree"
    return dict(per_source)


@pytest.fixture
def folder(tmp_path, sample_settings) -> Path:
    target = tmp_path / "tai-lieu"
    target.mkdir()
    for name in SAMPLE_FILES:
        shutil.copy(sample_settings.sample_library / name, target / name)
    return target


@pytest.fixture
def reference(folder, tmp_path_factory) -> dict[str, int]:
    """What a clean, uninterrupted ingest of the folder gives: {source: chunks}."""
    library = Library.open(make_settings(tmp_path_factory.mktemp("reference")))
    assert {r.status for r in library.ingest_paths([folder])} == {"added"}
    return assert_consistent(library)


def _start_ingest(home: Path, folder: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _INGEST_CHILD, str(home), str(folder), mode, str(TEST_EMBEDDING_CACHE)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"},
    )


def _read_until(process: subprocess.Popen, prefix: str, timeout: float = 120) -> list[str]:
    """Lines the child printed up to and including the first starting with `prefix`."""
    lines: list[str] = []
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            lines.append(line.strip())
            if line.startswith(prefix):
                return lines
    finally:
        timer.cancel()
    raise AssertionError(f"child ended before {prefix!r}: {lines} {process.stderr.read()[-2000:]}")


def _kill9(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _finish_and_compare(home: Path, folder: Path, reference: dict[str, int]) -> None:
    """Reopen (reconcile), check, re-run the ingest, and expect exactly the clean result."""
    library = Library.open(make_settings(home))
    survived = assert_consistent(library)
    assert set(survived) <= set(reference)
    assert all(survived[source] == reference[source] for source in survived)
    results = library.ingest_paths([folder])
    assert all(r.status in ("added", "unchanged") for r in results), results
    assert {r.source for r in results if r.status == "unchanged"} == set(survived)
    assert assert_consistent(library) == reference
    again = Library.open(make_settings(home))
    assert assert_consistent(again) == reference
    assert again.search("thể thức viết hoa trong văn bản hành chính", k=3)


def test_kill_9_between_chunks_and_registry_record(folder, reference, tmp_path):
    home = tmp_path / "home"
    child = _start_ingest(home, folder, "pause-mid-write")
    lines = _read_until(child, "MID-WRITE")
    _kill9(child)
    assert [line for line in lines if line.startswith("DONE")] == [f"DONE 1 {len(SAMPLE_FILES)} {SAMPLE_FILES[0]} added"]
    half_written = lines[-1].split(" ", 1)[1]

    library = Library.open(make_settings(home))
    assert [r.source for r in library.documents()] == [SAMPLE_FILES[0]]
    assert not list(library.iter_chunks(half_written))
    assert not library.file_path(half_written).exists()
    _finish_and_compare(home, folder, reference)


@pytest.mark.parametrize("delay", [0.0, 0.2, 0.5])
def test_kill_9_at_a_random_moment_of_a_folder_ingest(delay, folder, reference, tmp_path):
    home = tmp_path / "home"
    child = _start_ingest(home, folder, "run")
    _read_until(child, "DONE 1 ")  # one document registered, the next one in progress
    time.sleep(delay + random.uniform(0, 0.1))
    _kill9(child)
    _finish_and_compare(home, folder, reference)


# ---- concurrency ------------------------------------------------------------------------------------------------------


QUESTIONS = [
    "Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng họp định kỳ bao lâu một lần?",
    "Cơ quan thường trực của Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng là cơ quan nào?",
    "Kế hoạch 12/KH-UBND của tỉnh Lâm Đồng nhằm mục đích gì?",
    "Phong trào thi đua chuyển đổi số của tỉnh Sóc Trăng đặt chỉ tiêu hồ sơ công việc thế nào?",
    "Kế hoạch số 34/KH-UBND do tỉnh nào ban hành?",
    "Quy tắc viết hoa tên cơ quan, tổ chức trong văn bản hành chính như thế nào?",
    "Tỉnh Cà Mau có bao nhiêu huyện đảo?",
    "Giá vàng hôm nay là bao nhiêu?",
    "Ai là Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh Lâm Đồng?",
    "Phát động phong trào thi đua yêu nước năm 2026 của tỉnh Lâm Đồng gồm những nội dung gì?",
]


def test_ten_questions_while_a_folder_is_ingested(folder, reference, tmp_path):
    settings = make_settings(tmp_path / "home")
    library = Library.open(settings)
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "lamdong.txt").write_text(LAMDONG, encoding="utf-8")
    (seed / "soctrang.txt").write_text(SOCTRANG, encoding="utf-8")
    assert {r.status for r in library.ingest_paths([seed])} == {"added"}
    seeded = assert_consistent(library)
    chain = QAChain(library, PromptObeyingChat(prompts=[]), settings)

    asking = threading.Event()
    ingest: dict = {"left_when_asked": None}

    def progress(number, total, result):
        if number == 1:  # keep the ingest going until the questions are in flight
            asking.wait(timeout=60)
            ingest["left_when_asked"] = total - number

    def run_ingest():
        ingest["results"] = library.ingest_paths([folder], progress=progress)
        ingest["finished"] = time.monotonic()

    answers: dict[int, object] = {}
    errors: dict[int, BaseException] = {}
    barrier = threading.Barrier(len(QUESTIONS))

    def ask(index: int):
        barrier.wait(timeout=60)
        asking.set()
        try:
            answers[index] = chain.ask(QUESTIONS[index])
        except BaseException as error:  # noqa: BLE001 - any failure is the test's finding
            errors[index] = error

    writer = threading.Thread(target=run_ingest)
    writer.start()
    askers = [threading.Thread(target=ask, args=(i,)) for i in range(len(QUESTIONS))]
    for thread in askers:
        thread.start()
    for thread in [*askers, writer]:
        thread.join(timeout=300)
    answered_at = time.monotonic()

    assert not errors, {QUESTIONS[i]: repr(e) for i, e in errors.items()}
    assert len(answers) == len(QUESTIONS)
    assert ingest["left_when_asked"] == len(SAMPLE_FILES) - 1  # the questions really ran during the ingest
    assert [r.status for r in ingest["results"]] == ["added"] * len(SAMPLE_FILES)
    assert ingest["finished"] <= answered_at
    for index, answer in answers.items():
        assert isinstance(answer.refused, bool) and answer.answer.strip(), QUESTIONS[index]
    assert not answers[0].refused and "06 tháng một lần" in answers[0].answer
    assert answers[7].refused  # nothing about gold prices in the library
    assert assert_consistent(library) == {**reference, **seeded}


# ---- the app killed and restarted -------------------------------------------------------------------------------------


def _copies(home: Path) -> int:
    files = home / "files"
    return len([p for p in files.iterdir() if not p.name.startswith(".")]) if files.is_dir() else 0


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_app_killed_during_first_start_and_restarted(tmp_path, sample_settings):
    """The first start ingests the sample library; kill -9 the app in the middle, start it again: every document
    indexed before the kill is still there, the library is consistent, and the settings file is untouched."""
    home = tmp_path / "home"
    home.mkdir()
    settings_file = home / "settings.toml"
    settings_file.write_text(f'retrieval_k = 4\nembedding_cache = "{TEST_EMBEDDING_CACHE}"\n', encoding="utf-8")
    settings_text = settings_file.read_text(encoding="utf-8")
    expected = len(list(sample_settings.sample_library.glob("*.txt")))
    env = {"PLAN_ASSISTANT_LLM_BACKEND": "openai",  # the LLM is not what this test is about: do not load it
           "PLAN_ASSISTANT_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}

    port = free_port()
    app = start_app(home, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", app, timeout=180)
        _wait(lambda: _copies(home) >= 2, 300, "the first start to ingest two documents")
    finally:
        stop(app, signal.SIGKILL)
    assert app.returncode == -signal.SIGKILL
    assert _copies(home) < expected, "the sample library was finished before the kill"
    before = assert_consistent(Library.open(make_settings(home)))
    assert before

    port = free_port()
    app = start_app(home, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", app, timeout=180)
        time.sleep(5)  # the background start-up opens (and reconciles) the library
    finally:
        stop(app, signal.SIGTERM)

    assert settings_file.read_text(encoding="utf-8") == settings_text
    after = assert_consistent(Library.open(make_settings(home)))
    assert {source: after[source] for source in before} == before
    cli_env = {key: value for key, value in os.environ.items() if not key.startswith("PLAN_ASSISTANT_")}
    done = subprocess.run([str(Path(sys.executable).parent / "plan-assistant"), "search", "thi đua khen thưởng",
                           "--json"], capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT,
                          env={**cli_env, "PLAN_ASSISTANT_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["results"]) == 4  # retrieval_k from the settings file


def test_opening_is_not_blocked_by_a_dead_writers_lock(folder, tmp_path):
    """A writer killed while holding the write lock leaves the lock file behind; the OS lock dies with it."""
    home = tmp_path / "home"
    child = _start_ingest(home, folder, "pause-mid-write")
    _read_until(child, "MID-WRITE")
    _kill9(child)
    started = time.monotonic()
    library = Library.open(make_settings(home))
    assert time.monotonic() - started < 60
    assert library.ingest_file(folder / SAMPLE_FILES[1]).status == "added"
    assert_consistent(library)
