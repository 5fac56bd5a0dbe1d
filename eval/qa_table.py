"""The Q&A table: every split of every development set (old dev / tune / validation / unseen) side by side, with
reference rows measured in the same run — refuse everything, an extractive baseline (no LLM) and, with `peer`, the
textbook LangChain pipeline on the same LLM.

Model outputs are cached with each prediction, so `replay` re-verifies them under other settings without the LLM:
thresholds are chosen on `tune` from one recording and reported on `validation` and `unseen`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from assistant import citations as cit
from assistant.prompts import render_prompt
from assistant.qa import QAChain
from eval import metrics
from eval.datasets import QAItem, load_qa
from eval.qa import ask_one, score

PREDICTIONS = "qa_table_predictions.jsonl"
PEER_PREDICTIONS = "peer_predictions.jsonl"
REFUSAL_ROW = "từ chối tất cả / refuse everything"
EXTRACTIVE_ROW = "trích câu (không LLM) / extractive"
PEER_ROW = "LangChain 1000/200, dense top-4, stuff"
OURS_ROW = "trợ lý / assistant"


def load_items(paths: list[Path]) -> list[QAItem]:
    """Items of every dataset; an item without a split takes its file's name (e.g. "dev_qa" for the old set)."""
    items = []
    for path in paths:
        for item in load_qa(path):
            item.split = item.split or Path(path).stem
            items.append(item)
    return items


def item_key(item: QAItem) -> str:
    return f"{item.split}/{item.id}"


def read_rows(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    return {row["key"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if row}


@contextmanager
def _row_log(path: Path, cached: dict[str, dict]):
    """Rows file rewritten with every cached row first, then each row as it is made (a later line of a key wins in
    `read_rows`): a run stopped midway loses none of the cached answers it had not reached."""
    with path.open("w", encoding="utf-8") as handle:
        def write(row: dict) -> None:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()

        for row in cached.values():
            write(row)
        yield write


def predict(chain: QAChain, items: list[QAItem], out_dir: Path, *, reuse: bool, replay: bool,
            progress: Callable[[str], None]) -> dict[str, dict]:
    """Answers for every item: cached, or asked anew; `replay` re-verifies the cached model outputs and never calls
    the LLM, so the row then covers the items already recorded (the others count as missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PREDICTIONS
    cached = read_rows(path) if (reuse or replay) else {}
    rows: dict[str, dict] = {}
    with _row_log(path, cached) as write:
        for done, item in enumerate(items, start=1):
            key, row = item_key(item), cached.get(item_key(item))
            if row and row.get("question") == item.question and not row.get("error"):
                if replay:
                    payload = chain.answer_from_output(item.question, row.get("model_output") or "").to_dict()
                    row = {**row, **{k: v for k, v in payload.items() if k not in ("timings", "model_output")}}
            elif replay:
                continue
            else:
                row = {"key": key, "id": item.id, "question": item.question, **ask_one(chain, item.question)}
            rows[key] = row
            write(row)
            progress(f"[{done}/{len(items)}] {key}")
    return rows


def predict_peer(answer: Callable[[QAItem], dict], items: list[QAItem], out_dir: Path, *, reuse: bool,
                 replay: bool, progress: Callable[[str], None]) -> dict[str, dict]:
    """The peer row's answers, cached beside ours; `replay` never calls the LLM, so the row then covers the items
    it already has answers for."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PEER_PREDICTIONS
    cached = read_rows(path) if (reuse or replay) else {}
    rows: dict[str, dict] = {}
    with _row_log(path, cached) as write:
        for item in items:
            key, row = item_key(item), cached.get(item_key(item))
            if not row or row.get("question") != item.question:
                if replay:
                    continue
                row = {"key": key, "question": item.question, **answer(item)}
                progress(f"[peer] {key}")
            rows[key] = row
            write(row)
    return rows


def extractive(library, item: QAItem) -> dict:
    """The best-matching sentence of the top passage, cited, never refusing: what retrieval alone gives."""
    hits = library.search(item.question, k=1)
    if not hits:
        return {"answer": "", "refused": True, "citations": []}
    terms = cit.key_terms(item.question)
    sentences = cit.split_sentences(hits[0].chunk.text) or [hits[0].chunk.text]
    best = max(sentences, key=lambda sentence: len(terms & cit.key_terms(sentence)))
    return {"answer": best, "refused": False, "citations": [{"source": hits[0].chunk.source}]}


def peer(naive_search, chat_model, prompts_dir: Path, item: QAItem, max_tokens: int) -> dict:
    """The textbook pipeline: four 1000-character chunks by dense search, stuffed into one prompt; it refuses only
    when it says it does not know."""
    found = naive_search(item.question, 4)
    context = "\n\n".join(text for _, text in found)
    prompt = render_prompt("eval_peer_stuff", prompts_dir, context=context, question=item.question)
    started = time.perf_counter()
    reply = cit.clean_output(str(chat_model.invoke(prompt, max_tokens=max_tokens).content))
    return {"answer": reply, "refused": cit.says_unknown(reply), "citations": [{"source": s} for s, _ in found],
            "timings": {"total_s": time.perf_counter() - started}}


def table(items: list[QAItem], systems: dict[str, dict[str, dict]]) -> dict:
    """For each system and split: the scores of eval.qa.score restricted to that split."""
    splits = list(dict.fromkeys(item.split for item in items))
    out: dict = {}
    for name, predictions in systems.items():
        out[name] = {}
        for split in splits:
            chosen = [item for item in items if item.split == split]
            by_id = {item.id: predictions[item_key(item)] for item in chosen if item_key(item) in predictions}
            if by_id:
                out[name][split] = score(chosen, by_id)["summary"]
    return out


def refuse_everything(items: list[QAItem]) -> dict[str, dict]:
    return {item_key(item): {"answer": "", "refused": True, "citations": []} for item in items}


COLUMNS = (("n", "n"), ("correctness", "correct"), ("correctness_without_quotes", "w/o quotes"), ("multi", "multi ok"),
           ("refusal_accuracy", "refusal acc"), ("false_refusal_rate", "false ref"), ("citation_precision", "cite prec"),
           ("ttft_p50", "TTFT p50"), ("total_p50", "total p50"))


def rows_for_print(result: dict) -> list[list[str]]:
    rows = [["system", "split", *(label for _, label in COLUMNS)]]
    for system, splits in result.items():
        for split, summary in splits.items():
            values = {**summary, "multi": (summary.get("by_type", {}).get("multi") or {}).get("ok")}
            rows.append([system, split, *(metrics.format_value(values.get(key)) for key, _ in COLUMNS)])
    return rows
