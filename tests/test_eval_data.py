"""Checks of the evaluation data in eval/data/ (standard library and pytest only; no project imports).

The QA files must quote their evidence verbatim from the documents, follow the document-level split in
qa_splits.json and keep the proportions the evaluation relies on. Unseen documents live in ../shared/validation_docs
beside the repository; if that directory is missing the unseen checks fail (they do not skip).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data"
LIBRARY = ROOT / "sample_library"
SHARED = ROOT.parent / "shared"
UNSEEN_DIR = SHARED / "validation_docs"

QA_FIELDS = {"id", "question", "answer", "type", "source_file", "evidence", "split"}
QA_TYPES = {"single", "multi", "unanswerable"}
DRAFT_FIELDS = {"id", "province", "period", "theme", "doc_type", "must_include", "sources", "format_requirements",
                "split"}
DOC_NUMBER = re.compile(r"\d+(?:/\d{4})?/[A-ZĐ]|\d+-[A-ZĐ]+/[A-ZĐ]")


def read_jsonl(name: str) -> list[dict]:
    path = DATA / name
    assert path.is_file(), f"missing {path}"
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            pytest.fail(f"{name}:{number} is not valid JSON: {error}")
    return rows


def splits() -> dict:
    return json.loads((DATA / "qa_splits.json").read_text(encoding="utf-8"))


def library_files() -> set[str]:
    return {p.name for p in LIBRARY.glob("*.txt")}


def require_unseen_dir() -> None:
    assert UNSEEN_DIR.is_dir(), (
        f"{UNSEEN_DIR} is missing: the unseen-document checks need ../shared/validation_docs beside the repository "
        "(it is always present in CI); these checks fail rather than skip")


_TEXT: dict[str, str] = {}


def document_text(name: str) -> str:
    """Text of a library document or, for a name listed as unseen, of a file in ../shared/validation_docs."""
    if name not in _TEXT:
        if name in splits()["unseen_documents"]:
            require_unseen_dir()
            path = UNSEEN_DIR / name
        else:
            path = LIBRARY / name
        assert path.is_file(), f"document {name} not found at {path}"
        _TEXT[name] = path.read_text(encoding="utf-8")
    return _TEXT[name]


def id_number(qid: str) -> int:
    match = re.search(r"(\d+)$", qid)
    assert match, f"id {qid!r} has no trailing number"
    return int(match.group(1))


def expected_dev_split(row: dict, validation_docs: set[str]) -> str:
    if any(f in validation_docs for f in row["source_file"]):
        return "validation"
    if not row["source_file"]:  # far miss: alternate by id
        return "tune" if id_number(row["id"]) % 2 else "validation"
    return "tune"


def check_qa_rows(rows: list[dict], name: str) -> None:
    ids = [r.get("id") for r in rows]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"{name}: duplicate ids {duplicates}"
    for r in rows:
        assert set(r) == QA_FIELDS, f"{name} {r.get('id')}: fields {sorted(r)} != {sorted(QA_FIELDS)}"
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        assert r["type"] in QA_TYPES, f"{r['id']}: bad type {r['type']!r}"
        assert isinstance(r["source_file"], list) and isinstance(r["evidence"], list), r["id"]
        if r["type"] == "unanswerable":
            assert r["answer"] is None, f"{r['id']}: unanswerable must have a null answer"
            assert r["evidence"] == [], f"{r['id']}: unanswerable must have empty evidence"
        else:
            assert isinstance(r["answer"], str) and r["answer"].strip(), f"{r['id']}: missing answer"
            assert r["source_file"], f"{r['id']}: answerable question without source_file"
            assert r["evidence"], f"{r['id']}: answerable question without evidence"
        for ev in r["evidence"]:
            assert set(ev) == {"file", "text"}, f"{r['id']}: evidence fields {sorted(ev)}"
            assert ev["file"] in r["source_file"], f"{r['id']}: evidence file {ev['file']} not in source_file"
            assert ev["text"].strip(), f"{r['id']}: empty evidence text"
        if r["type"] == "multi":
            assert len(r["source_file"]) >= 2, f"{r['id']}: multi needs two source files"
            assert len({ev["file"] for ev in r["evidence"]}) >= 2, f"{r['id']}: multi needs evidence from 2 files"
            assert {ev["file"] for ev in r["evidence"]} == set(r["source_file"]), (
                f"{r['id']}: multi needs evidence from each source file")


def check_evidence_verbatim(rows: list[dict]) -> None:
    for r in rows:
        for ev in r["evidence"]:
            assert ev["text"] in document_text(ev["file"]), (
                f"{r['id']}: evidence is not a verbatim substring of {ev['file']}: {ev['text'][:80]!r}")


# ---------------------------------------------------------------- qa_splits.json

def test_splits_file():
    s = splits()
    assert set(s) == {"validation_documents", "unseen_documents", "note"}
    assert len(s["validation_documents"]) == 7 and len(s["unseen_documents"]) == 5
    assert set(s["validation_documents"]) <= library_files(), "validation documents must be library files"
    assert not set(s["unseen_documents"]) & library_files(), "unseen documents must not be in the library"
    assert isinstance(s["note"], str) and s["note"].strip()


# ---------------------------------------------------------------- qa_dev_v2.jsonl

def test_dev_rows_well_formed():
    rows = read_jsonl("qa_dev_v2.jsonl")
    check_qa_rows(rows, "qa_dev_v2.jsonl")
    lib = library_files()
    for r in rows:
        for f in r["source_file"]:
            assert f in lib, f"{r['id']}: {f} is not a sample-library document"


def test_dev_evidence_verbatim():
    check_evidence_verbatim(read_jsonl("qa_dev_v2.jsonl"))


def test_dev_split_rule():
    validation_docs = set(splits()["validation_documents"])
    for r in read_jsonl("qa_dev_v2.jsonl"):
        assert r["split"] == expected_dev_split(r, validation_docs), f"{r['id']}: split {r['split']!r}"


def test_dev_proportions():
    rows = read_jsonl("qa_dev_v2.jsonl")
    n = len(rows)
    assert n >= 96, f"only {n} questions"
    types = Counter(r["type"] for r in rows)
    assert types["multi"] / n >= 0.20, f"multi share {types['multi']}/{n}"
    assert types["unanswerable"] / n >= 0.20, f"unanswerable share {types['unanswerable']}/{n}"
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    near = sum(1 for r in unanswerable if r["source_file"])
    assert near * 2 >= len(unanswerable), f"only {near}/{len(unanswerable)} unanswerables are near misses"
    without_number = sum(1 for r in rows if not DOC_NUMBER.search(r["question"]))
    assert without_number / n >= 0.40, f"only {without_number}/{n} questions without a document number"


def test_dev_covers_every_library_document():
    rows = read_jsonl("qa_dev_v2.jsonl")
    coverage = Counter(f for r in rows for f in set(r["source_file"]))
    lib = library_files()
    assert len(lib) == 21, f"expected 21 library documents, found {len(lib)}"
    thin = {f: coverage[f] for f in lib if coverage[f] < 2}
    assert not thin, f"documents with fewer than 2 questions: {thin}"


def test_dev_split_sizes():
    rows = read_jsonl("qa_dev_v2.jsonl")
    by_split = {s: Counter(r["type"] for r in rows if r["split"] == s) for s in ("tune", "validation")}
    validation = by_split["validation"]
    assert sum(validation.values()) >= 30, f"validation has {sum(validation.values())} questions"
    assert validation["multi"] >= 7 and validation["unanswerable"] >= 7, f"validation types {dict(validation)}"
    assert set(by_split["tune"]) == QA_TYPES, f"tune types {dict(by_split['tune'])}"


# ---------------------------------------------------------------- qa_unseen.jsonl, qa_unseen_fresh.jsonl
# The unseen sets and their split names: the first written with the unseen split, the second later by a writer who
# never saw the assistant's code or answers, so neither has steered a choice.
UNSEEN_SETS = {"qa_unseen.jsonl": "unseen", "qa_unseen_fresh.jsonl": "unseen-fresh"}


@pytest.mark.parametrize("name", UNSEEN_SETS)
def test_unseen_rows_well_formed(name):
    rows = read_jsonl(name)
    check_qa_rows(rows, name)
    unseen = set(splits()["unseen_documents"])
    lib = library_files()
    for r in rows:
        assert r["split"] == UNSEEN_SETS[name], f"{r['id']}: split {r['split']!r}"
        for f in r["source_file"]:
            assert f in unseen or f in lib, f"{r['id']}: unknown document {f}"
        if r["source_file"]:
            assert any(f in unseen for f in r["source_file"]), f"{r['id']}: no unseen document among sources"


@pytest.mark.parametrize("name", UNSEEN_SETS)
def test_unseen_evidence_verbatim(name):
    require_unseen_dir()
    check_evidence_verbatim(read_jsonl(name))


@pytest.mark.parametrize("name", UNSEEN_SETS)
def test_unseen_proportions_and_coverage(name):
    require_unseen_dir()
    rows = read_jsonl(name)
    assert len(rows) >= 24, f"only {len(rows)} unseen questions"
    assert set(Counter(r["type"] for r in rows)) == QA_TYPES
    unseen = splits()["unseen_documents"]
    assert {p.name for p in UNSEEN_DIR.glob("*.txt")} >= set(unseen), "unseen documents missing from shared/"
    covered = {f for r in rows for f in r["source_file"]}
    assert set(unseen) <= covered, f"uncovered unseen documents: {set(unseen) - covered}"


def test_unseen_sets_ask_apart():
    """Ids never repeat across the sets, so one recording holds both."""
    ids = [r["id"] for name in UNSEEN_SETS for r in read_jsonl(name)]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- drafting_tasks_v2.jsonl

def test_drafting_tasks():
    tasks = read_jsonl("drafting_tasks_v2.jsonl")
    s = splits()
    unseen, validation = set(s["unseen_documents"]), set(s["validation_documents"])
    lib = library_files()
    ids = [t["id"] for t in tasks]
    assert len(ids) == len(set(ids)), "duplicate drafting task ids"
    counts = Counter(t["split"] for t in tasks)
    assert counts["tune"] >= 3 and counts["validation"] >= 2 and counts["unseen"] >= 3, dict(counts)
    for t in tasks:
        assert DRAFT_FIELDS <= set(t) <= DRAFT_FIELDS | {"issuer"}, f"{t['id']}: fields {sorted(t)}"
        assert t["doc_type"] in {"ke-hoach", "cong-van"}, t["id"]
        assert 5 <= len(t["must_include"]) <= 8, f"{t['id']}: {len(t['must_include'])} must_include items"
        assert t["sources"] and t["format_requirements"], t["id"]
        for f in t["sources"]:
            assert f in lib or f in unseen, f"{t['id']}: unknown source {f}"
        if any(f in unseen for f in t["sources"]):
            expected = "unseen"
        elif any(f in validation for f in t["sources"]):
            expected = "validation"
        else:
            expected = "tune"
        assert t["split"] == expected, f"{t['id']}: split {t['split']!r}, expected {expected!r}"
    unseen_tasks = [t for t in tasks if t["split"] == "unseen"]
    assert any(t["doc_type"] == "cong-van" for t in unseen_tasks), "no unseen cong-van task"
    assert any("issuer" in t and not t["issuer"].startswith("Ủy ban nhân dân tỉnh") for t in unseen_tasks)


def test_drafting_figures_come_from_sources():
    tasks = read_jsonl("drafting_tasks_v2.jsonl")
    if any(f in splits()["unseen_documents"] for t in tasks for f in t["sources"]):
        require_unseen_dir()
    for t in tasks:
        runs = set(re.findall(r"\d+", "\n".join(document_text(f) for f in t["sources"])))
        for item in t["must_include"]:
            missing = [d for d in re.findall(r"\d+", item) if d not in runs]
            assert not missing, f"{t['id']}: figures {missing} of {item!r} not in its sources"
