"""Q&A evaluation: run the chain on every question (cached in predictions.jsonl) and score the answers offline."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from core.errors import AssistantError
from eval import metrics
from eval.datasets import QAItem

PREDICTIONS = "predictions.jsonl"


def read_predictions(path: Path) -> dict[str, dict]:
    path = Path(path)
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["id"]: row for row in rows}


def ask_one(chain, question: str) -> dict:
    """One `ask --json` payload; a failure becomes a row with `error` so one bad item does not stop the run."""
    started = time.perf_counter()
    try:
        payload = chain.ask(question).to_dict()
    except AssistantError as error:
        payload = {"answer": "", "refused": False, "citations": [], "retrieved": [], "timings": {},
                   "error": error.message_en}
    timings = payload.setdefault("timings", {})
    timings.setdefault("total_s", time.perf_counter() - started)
    return payload


def predict(get_chain: Callable[[], object], items: list[QAItem], out_dir: Path, *, reuse: bool = False,
            progress: Callable[[int, int, str], None] | None = None) -> dict[str, dict]:
    """Writes `out_dir/predictions.jsonl` (id, question + the `ask --json` fields) line by line as answers arrive.

    With `reuse`, answers already in the file for the same question are kept and the chain is not called for them
    (`get_chain` builds the chain only when an answer is missing, so re-rendering a report never loads the LLM).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PREDICTIONS
    cached = read_predictions(path) if reuse else {}
    predictions = {}
    with path.open("w", encoding="utf-8") as handle:
        for done, item in enumerate(items, start=1):
            row = cached.get(item.id)
            if not row or row.get("question") != item.question or row.get("error"):
                row = {"id": item.id, "question": item.question, **ask_one(get_chain(), item.question)}
            predictions[item.id] = row
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            if progress:
                progress(done, len(items), item.id)
    return predictions


def _item_row(item: QAItem, pred: dict) -> dict:
    refused = bool(pred.get("refused"))
    answer = pred.get("answer") or ""
    cited = [c.get("source", "") for c in pred.get("citations") or []]
    row = {"id": item.id, "type": item.type, "question": item.question, "gold_answer": item.answer,
           "gold_sources": item.source_files, "answer": answer, "refused": refused, "answerable": item.answerable,
           "cited_sources": list(dict.fromkeys(cited)), "citations": pred.get("citations") or [],
           "retrieved": pred.get("retrieved") or [], "error": pred.get("error"),
           "ttft_s": (pred.get("timings") or {}).get("ttft_s"), "total_s": (pred.get("timings") or {}).get("total_s")}
    if item.answerable:
        row.update(metrics.answer_correctness(answer, item.answer, refused=refused, question=item.question))
        row["correct_without_quotes"] = metrics.answer_correctness(
            metrics.without_evidence_quotes(answer), item.answer, refused=refused, question=item.question)["correct"]
        if not refused:
            row.update({f"citation_{k}": v for k, v in metrics.citation_scores(cited, item.source_files).items()})
        row["ok"] = row["correct"]
    else:
        row["ok"] = refused
    return row


def score(items: list[QAItem], predictions: dict[str, dict], *, worst: int = 8) -> dict:
    """Aggregates (see eval/README.md) plus per-item rows and the worst items for the report."""
    rows = [_item_row(item, predictions[item.id]) for item in items if item.id in predictions]
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    summary = {
        "n": len(rows), "missing": len(items) - len(rows), "answerable": len(answerable),
        "unanswerable": len(unanswerable), "errors": sum(1 for r in rows if r["error"]),
        "correctness": metrics.mean(r["correct"] for r in answerable),
        "correctness_without_quotes": metrics.mean(r["correct_without_quotes"] for r in answerable),
        "token_f1": metrics.mean(r["token_f1"] for r in answerable),
        "containment": metrics.mean(r["containment"] for r in answerable),
        "fact_recall": metrics.mean(r["fact_recall"] for r in answerable),
        "citation_precision": metrics.mean(r.get("citation_precision") for r in answerable),
        "citation_recall": metrics.mean(r.get("citation_recall") for r in answerable),
        "answers_with_citations": sum(1 for r in answerable if r.get("citation_precision") is not None),
        "refusal_accuracy": metrics.mean(r["refused"] for r in unanswerable),
        "false_refusal_rate": metrics.mean(r["refused"] for r in answerable),
        "ttft_s": metrics.latency_summary([r["ttft_s"] for r in rows]),
        "total_s": metrics.latency_summary([r["total_s"] for r in rows]),
    }
    for key in ("ttft_s", "total_s"):
        summary.update({f"{key[:-2]}_{q}": summary[key][q] for q in ("p50", "p95")})
    by_type = {}
    for kind in sorted({r["type"] for r in rows}):
        of_kind = [r for r in rows if r["type"] == kind]
        by_type[kind] = {"n": len(of_kind), "ok": metrics.mean(r["ok"] for r in of_kind)}
    summary["by_type"] = by_type
    ranked = sorted(rows, key=lambda r: (r["ok"], r.get("containment", 1.0), r.get("token_f1", 1.0)))
    return {"summary": summary, "items": rows, "worst": [r for r in ranked if not r["ok"]][:worst]}


def run(get_chain, items: list[QAItem], out_dir: Path, *, reuse: bool = False, progress=None) -> dict:
    return score(items, predict(get_chain, items, out_dir, reuse=reuse, progress=progress))
