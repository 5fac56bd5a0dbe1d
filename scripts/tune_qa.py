"""Choose the Q&A verification thresholds on the `tune` split only, from one recorded run (no LLM).

    PLAN_ASSISTANT_HOME=... .venv/bin/python scripts/tune_qa.py --predictions DIR/qa_table_predictions.jsonl \
        --dataset eval/data/qa_dev_v2.jsonl [--dataset ...]

The recorded run must have been made with the pre-LLM gate open (`--set qa_min_coverage=0,
qa_min_coverage_one_retriever=0`) so every question has a model output to re-verify. Each grid point re-verifies
every tune item; the objective is the share of tune items handled right (a correct answer, or a refusal of an
unanswerable question). The chosen point's figures on every split are printed beside the defaults'; only tune
figures take part in the choice.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.qa import QAChain  # noqa: E402
from assistant.services import Services  # noqa: E402
from core.settings import get_settings  # noqa: E402
from eval import qa_table  # noqa: E402
from eval.qa import score  # noqa: E402

GRID = {
    "qa_min_coverage": (0.0, 0.3, 0.4, 0.5),
    "qa_min_coverage_one_retriever": (0.0, 0.5, 0.65),
    "qa_support_threshold": (0.4, 0.5, 0.6),
    "qa_focus_share": (0.0, 0.1, 0.2, 0.3),
    "qa_focus_relative": (0.0, 0.3, 0.5, 0.7),
    "qa_question_figures_cited": (False, True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--predictions", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    args = parser.parse_args()

    base = get_settings()
    services = Services(base)
    items = qa_table.load_items(args.dataset)
    recorded = qa_table.read_rows(args.predictions)
    cache: dict[str, tuple] = {}

    def evaluate(overrides: dict, chosen: list) -> dict[str, dict]:
        settings = base.model_copy(update=overrides)
        chain = QAChain(services.library, None, settings)
        original = chain.retrieve

        def cached(question: str):
            if question not in cache:
                cache[question] = original(question)
            return cache[question]

        chain.retrieve = cached
        predictions = {}
        for item in chosen:
            row = recorded.get(qa_table.item_key(item))
            if row:
                predictions[item.id] = {**row, **chain.answer_from_output(item.question, row.get("model_output") or "")
                                        .to_dict()}
        return predictions

    def handled(items_: list, predictions: dict) -> float:
        rows = score(items_, predictions)["items"]
        return sum(r["ok"] for r in rows) / max(1, len(rows))

    tune = [item for item in items if item.split == "tune"]
    best, best_value = {}, -1.0
    keys = list(GRID)
    for values in itertools.product(*(GRID[key] for key in keys)):
        overrides = dict(zip(keys, values))
        value = handled(tune, evaluate(overrides, tune))
        if value > best_value + 1e-9:
            best, best_value = overrides, value
            print(f"tune handled {value:.3f} with {overrides}", file=sys.stderr, flush=True)

    report = {}
    for name, overrides in (("defaults", {}), ("chosen on tune", best)):
        predictions = evaluate(overrides, items)
        report[name] = {"overrides": overrides}
        for split in dict.fromkeys(item.split for item in items):
            chosen = [item for item in items if item.split == split]
            summary = score(chosen, {i.id: predictions[i.id] for i in chosen if i.id in predictions})["summary"]
            report[name][split] = {key: summary.get(key) for key in
                                   ("n", "correctness", "refusal_accuracy", "false_refusal_rate", "citation_precision")}
            report[name][split]["multi"] = (summary["by_type"].get("multi") or {}).get("ok")
            report[name][split]["handled"] = handled(chosen, {i.id: predictions[i.id] for i in chosen
                                                               if i.id in predictions})
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
