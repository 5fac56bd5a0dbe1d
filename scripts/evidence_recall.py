"""How often the gold evidence reaches the model, per split, for one or more retrieval configurations (no LLM).

    PLAN_ASSISTANT_HOME=... .venv/bin/python scripts/evidence_recall.py --dataset eval/data/qa_dev_v2.jsonl \
        --dataset eval/data/qa_unseen.jsonl --config base= --config k5=retrieval_k=5

For every answerable item with evidence: is each evidence text inside the passages retrieved for the question
("retrieved"), and inside the excerpts the prompt actually shows ("in prompt")? Found means
`eval.metrics.evidence_found`, the rule `eval retrieval` uses too. "In prompt" bounds what any answer can get right;
it is a screen, not the verdict: a retrieval change that raised it on tune (0.724 -> 0.759, counted word for word
before `evidence_found`) lowered answer correctness there (0.431 -> 0.362), so a change is kept only on the recorded
answers of the tune split.
The data directory must hold the documents of every dataset (the unseen ones as `plan-assistant eval qa-table
--library ../shared/validation_docs` ingests them: the files its SOURCES.tsv lists).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.qa import QAChain  # noqa: E402
from assistant.services import Services  # noqa: E402
from core.settings import get_settings  # noqa: E402
from eval import compare, metrics, qa_table  # noqa: E402


def recall(chain: QAChain, items) -> dict[str, tuple[int, float, float]]:
    """split -> (items, share with all evidence retrieved, share with all evidence in the prompt)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item in items:
        if not item.answerable or not item.evidence:
            continue
        scope, hits = chain.retrieve(item.question)
        passages = chain.passages(item.question, scope, hits)
        retrieved = [(hit.chunk.source, hit.chunk.text) for hit in hits]
        shown = [(passage.hit.chunk.source, passage.excerpt) for passage in passages]
        row = counts[item.split]
        row[0] += 1
        row[1] += all(metrics.evidence_found(retrieved, evidence) for evidence in item.evidence)
        row[2] += all(metrics.evidence_found(shown, evidence) for evidence in item.evidence)
    return {split: (n, retrieved / n, shown / n) for split, (n, retrieved, shown) in counts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", action="append", type=Path, required=True)
    parser.add_argument("--config", action="append", default=[], metavar="NAME=KEY=VALUE,...",
                        help="a configuration to measure (NAME= alone: the current settings); repeatable")
    args = parser.parse_args()
    base = get_settings()
    services = Services(base)
    services.ensure_sample_library()
    items = qa_table.load_items(args.dataset)
    print(f"{'config':24} {'split':12} {'n':>4} {'retrieved':>10} {'in prompt':>10}")
    for spec in args.config or ["current="]:
        config = compare.parse_config(spec)
        if config.reindexes:
            parser.error(f"{spec}: changes the index; measure it with its own PLAN_ASSISTANT_HOME")
        settings = compare.make_settings(base, config, base.home)
        services.library.settings = settings  # retrieval settings only: the index itself is shared
        for split, (n, retrieved, shown) in sorted(recall(QAChain(services.library, None, settings), items).items()):
            print(f"{config.name:24} {split:12} {n:4} {retrieved:10.3f} {shown:10.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
