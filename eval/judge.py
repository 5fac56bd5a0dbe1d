"""Optional LLM-as-judge (the RAGAS ideas): faithfulness of each claim to the cited passages, answer relevance.

Uses whichever chat model the settings name (embedded or OpenAI-compatible). Prompts: prompts/eval_judge_*.txt.
Verdicts are cached in judge.jsonl beside the predictions, keyed by item id and answer text.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Callable

from assistant.prompts import render_prompt
from eval import metrics

JUDGE_FILE = "judge.jsonl"
PASSAGE_CHARS = 700  # per cited passage; the CPU reads ~60 prompt tokens/s
_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def claims(answer: str) -> list[str]:
    """The answer split into sentences (one claim each), citation markers removed, very short fragments dropped."""
    parts = (_MARKER.sub("", part).strip(" -•*.;") for part in _SENTENCE.split(answer or ""))
    return [part for part in parts if len(metrics.syllables(part)) >= 3]


def parse_supported(reply: str) -> bool:
    """True only for an explicit "CÓ" (yes) at the start of the reply."""
    words = metrics.syllables(reply)
    return bool(words) and words[0] in {"có", "yes"}


def parse_relevance(reply: str) -> float | None:
    """A 1-5 rating mapped to 0..1; None when the reply holds no digit 1-5."""
    match = re.search(r"[1-5]", reply or "")
    return (int(match.group(0)) - 1) / 4 if match else None


def _ask(chat_model, prompt: str) -> str:
    from langchain_core.messages import HumanMessage

    return str(chat_model.invoke([HumanMessage(content=prompt)]).content)


def judge_item(chat_model, row: dict, prompts_dir: Path | None = None) -> dict:
    passages = "\n\n".join(f"[{c.get('n', i + 1)}] {(c.get('text') or '')[:PASSAGE_CHARS]}"
                           for i, c in enumerate(row.get("citations") or [])) or "(không có đoạn trích nào)"
    verdicts = [{"claim": claim, "supported": parse_supported(
        _ask(chat_model, render_prompt("eval_judge_faithfulness", prompts_dir, passages=passages, claim=claim)))}
        for claim in claims(row["answer"])]
    relevance = parse_relevance(_ask(chat_model, render_prompt(
        "eval_judge_relevance", prompts_dir, question=row["question"], answer=row["answer"])))
    return {"faithfulness": metrics.mean(v["supported"] for v in verdicts) if verdicts else None,
            "relevance": relevance, "claims": verdicts}


def _key(row: dict) -> str:
    return hashlib.sha256(f"{row['id']}\n{row['answer']}".encode()).hexdigest()[:16]


def run(get_chat_model: Callable[[], object], rows: list[dict], out_dir: Path, *, prompts_dir: Path | None = None,
        reuse: bool = False) -> dict:
    """Judges every non-refused, non-empty answer; returns mean faithfulness and relevance and per-item verdicts."""
    path = Path(out_dir) / JUDGE_FILE
    cached = {}
    if reuse and path.is_file():
        cached = {r["key"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}
    judged = []
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            if row["refused"] or not row["answer"].strip():
                continue
            key = _key(row)
            verdict = cached.get(key) or {"key": key, "id": row["id"], **judge_item(get_chat_model(), row, prompts_dir)}
            judged.append(verdict)
            handle.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    summary = {"n": len(judged), "faithfulness": metrics.mean(v["faithfulness"] for v in judged),
               "relevance": metrics.mean(v["relevance"] for v in judged)}
    return {"summary": summary, "items": judged}
