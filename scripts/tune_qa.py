"""Choose the Q&A verification thresholds on the `tune` split only, from one recorded run (no LLM).

    PLAN_ASSISTANT_HOME=... .venv/bin/python scripts/tune_qa.py --predictions DIR/qa_table_predictions.jsonl \
        --dataset eval/data/qa_dev_v2.jsonl [--dataset ...]

The recorded run must have been made with the pre-LLM gate open (`--set qa_min_coverage=0,
qa_min_coverage_one_retriever=0`) so every question has a model output to re-verify. The gate thresholds and the
verification thresholds are searched together (verification is computed once per verification point, the gate is
applied on top); the objective is the share of tune items handled right (a correct answer, or a refusal of an
unanswerable question), and the defaults stay unless a point is strictly better. The chosen point's figures on every
split are printed beside the defaults'; only tune figures take part in the choice.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.qa import Evidence, QAChain, Repaired, assess_evidence, finalize, repair  # noqa: E402
from assistant.question import QuestionScope  # noqa: E402
from assistant.services import Services  # noqa: E402
from core.settings import get_settings  # noqa: E402
from eval import qa_table  # noqa: E402
from eval.qa import score  # noqa: E402

GATE = {
    "qa_min_coverage": (0.0, 0.3, 0.4, 0.5, 0.6),
    "qa_min_coverage_one_retriever": (0.0, 0.5, 0.65, 0.75),
}
VERIFY = {
    "qa_support_threshold": (0.4, 0.5, 0.6, 0.7),
    "qa_focus_share": (0.0, 0.1, 0.2, 0.3),
    "qa_focus_relative": (0.0, 0.3, 0.5, 0.7),
    "qa_question_figures_cited": (False, True),
}


REFUSED = {"answer": "", "refused": True, "citations": []}


class Prepared(NamedTuple):
    """What does not depend on the searched thresholds, computed once per item."""

    scope: QuestionScope
    hits: list
    evidence: Evidence
    passages: list
    repaired: Repaired


def grid(space: dict) -> list[dict]:
    return [dict(zip(space, values)) for values in itertools.product(*space.values())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--predictions", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    args = parser.parse_args()

    base = get_settings()
    chain = QAChain(Services(base).library, None, base)
    stats = chain.stats()
    recorded = qa_table.read_rows(args.predictions)
    items = [item for item in qa_table.load_items(args.dataset) if qa_table.item_key(item) in recorded]
    prepared = {}
    for item in items:
        scope, hits = chain.retrieve(item.question)
        evidence = assess_evidence(item.question, hits, base.model_copy(
            update={"qa_min_coverage": 0.0, "qa_min_coverage_one_retriever": 0.0}), scope.multi)
        passages = chain.passages(item.question, scope, hits)
        raw = recorded[qa_table.item_key(item)].get("model_output") or ""
        repaired = repair(raw, passages, item.question, base, stats)
        prepared[item.id] = Prepared(scope, hits, evidence, passages, repaired)

    def answers(gate: dict, verify: dict, chosen: list) -> dict[str, dict]:
        settings = base.model_copy(update={**gate, **verify})
        out = {}
        for item in chosen:
            scope, hits, evidence, passages, repaired = prepared[item.id]
            if not evidence.clears(settings):
                out[item.id] = REFUSED
                continue
            raw = recorded[qa_table.item_key(item)].get("model_output") or ""
            out[item.id] = finalize(raw, passages, hits, {}, settings, question=item.question,
                                    standalone_question=item.question, scope=scope, stats=stats,
                                    repaired=repaired).to_dict()
        return out

    def handled(chosen: list, predictions: dict) -> float:
        rows = score(chosen, predictions)["items"]
        return sum(r["ok"] for r in rows) / max(1, len(rows))

    tune = [item for item in items if item.split == "tune"]
    open_gate = {key: 0.0 for key in GATE}
    verified = {tuple(v.items()): answers(open_gate, v, tune) for v in grid(VERIFY)}
    defaults = ({key: getattr(base, key) for key in GATE}, {key: getattr(base, key) for key in VERIFY})
    # the defaults stand unless a point does strictly better on tune (a tie is no evidence for a change)
    best, best_value = defaults, handled(tune, answers(*defaults, tune))
    print(f"tune handled {best_value:.3f} with the defaults", file=sys.stderr, flush=True)
    for gate in grid(GATE):
        gate_settings = base.model_copy(update=gate)
        refused = {item.id for item in tune if not prepared[item.id].evidence.clears(gate_settings)}
        for verify in grid(VERIFY):
            predictions = {item.id: REFUSED if item.id in refused else verified[tuple(verify.items())][item.id]
                           for item in tune}
            value = handled(tune, predictions)
            if value > best_value + 1e-9:
                best, best_value = (gate, verify), value
                print(f"tune handled {value:.3f} with {gate} {verify}", file=sys.stderr, flush=True)

    report = {"tune_items": len(tune)}
    for name, (gate, verify) in (("defaults", defaults), ("chosen on tune", best)):
        predictions = answers(gate, verify, items)
        report[name] = {"overrides": {**gate, **verify}}
        for split in dict.fromkeys(item.split for item in items):
            chosen = [item for item in items if item.split == split]
            summary = score(chosen, {i.id: predictions[i.id] for i in chosen})["summary"]
            report[name][split] = {key: summary.get(key) for key in
                                   ("n", "correctness", "refusal_accuracy", "false_refusal_rate", "citation_precision")}
            report[name][split]["multi"] = (summary["by_type"].get("multi") or {}).get("ok")
            report[name][split]["handled"] = handled(chosen, {i.id: predictions[i.id] for i in chosen})
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
