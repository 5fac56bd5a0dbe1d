"""Time to first token and total time of the Q&A chain on the embedded model, with and without reusing the KV cache
of the constant prompt prefix (`llm_cache_prompt`). Run on a quiet machine; the figures belong in eval reports.

    PLAN_ASSISTANT_HOME=... .venv/bin/python scripts/benchmark_qa.py --dataset eval/data/qa_dev_v2.jsonl --n 12
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.services import Services  # noqa: E402
from core.settings import get_settings  # noqa: E402
from eval.datasets import load_qa  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--n", type=int, default=12, help="answerable questions timed per configuration")
    args = parser.parse_args()
    questions = [item.question for item in load_qa(args.dataset) if item.answerable][: args.n]
    base = get_settings()
    for cache in (False, True):
        services = Services(base.model_copy(update={"llm_cache_prompt": cache,
                                                    "qa_min_coverage": 0.0, "qa_min_coverage_one_retriever": 0.0}))
        services.ensure_sample_library()
        services.qa.ask(questions[-1])  # load the model and fill the cache once
        ttft, total = [], []
        for question in questions:
            timings = services.qa.ask(question).timings
            ttft.append(timings.get("ttft_s", 0.0))
            total.append(timings.get("total_s", 0.0))
        print(f"cache_prompt={cache}: TTFT p50 {statistics.median(ttft):.2f} s, max {max(ttft):.2f} s; "
              f"total p50 {statistics.median(total):.2f} s ({len(questions)} questions)", flush=True)


if __name__ == "__main__":
    main()
