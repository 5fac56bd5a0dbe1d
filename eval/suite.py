"""`eval all`: retrieval, Q&A and drafting evaluation for one or more configurations, into one report dict."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from core.settings import Settings
from eval import compare, drafts, judge, qa, retrieval
from eval.datasets import DraftTask, QAItem


@dataclass
class SuiteOptions:
    ks: list[int] = field(default_factory=lambda: [1, 3, 5, 10])
    systems: tuple[str, ...] = retrieval.ALL_SYSTEMS
    answer: bool = True  # run the Q&A chain (False: retrieval only)
    judge: bool = False
    reuse: bool = False
    library_paths: list[Path] = field(default_factory=list)  # what a re-indexing configuration ingests


def default_services(settings: Settings, chat_model=None):
    from assistant.services import Services

    return Services(settings, chat_model=chat_model)


def _embeddings_factory(settings: Settings):
    def build():
        from assistant.services import make_embeddings

        return make_embeddings(settings)

    return build


def run_config(name: str, services, qa_items: list[QAItem], tasks: list[DraftTask], out_dir: Path,
               options: SuiteOptions, log: Callable[[str], None]) -> dict:
    """Every evaluation for one configuration; predictions and drafts are cached under `out_dir`."""
    settings = services.settings
    if options.library_paths and services.library.chunk_count() == 0:
        log(f"[{name}] ingesting {len(options.library_paths)} path(s)")
        services.library.ingest_paths(options.library_paths)
    else:
        services.ensure_sample_library()
    result: dict = {"name": name, "settings": compare.settings_snapshot(settings),
                    "model_files": compare.model_files(settings), "chunks": services.library.chunk_count()}
    if qa_items and options.systems:
        log(f"[{name}] retrieval: {', '.join(options.systems)}")
        result["retrieval"] = retrieval.run(services.library, _embeddings_factory(settings), qa_items, options.ks,
                                            options.systems)
    if qa_items and options.answer:
        started = time.perf_counter()
        log(f"[{name}] Q&A on {len(qa_items)} questions")
        result["qa"] = qa.run(lambda: services.qa, qa_items, out_dir, reuse=options.reuse,
                              progress=lambda done, total, item: log(f"[{name}] Q&A {done}/{total} {item}"))
        for row in result["qa"]["worst"]:  # the passages themselves, so a reader can tell a retrieval miss
            row["passages"] = [hit.to_dict() for hit in services.library.search(row["question"],
                                                                               k=settings.retrieval_k)]
        if options.judge:
            log(f"[{name}] LLM judge")
            result["judge"] = judge.run(lambda: services.chat_model, result["qa"]["items"], out_dir,
                                        prompts_dir=settings.prompts_dir, reuse=options.reuse)
        result["qa_seconds"] = time.perf_counter() - started
    if tasks:
        log(f"[{name}] drafting {len(tasks)} plan(s)")
        result["drafts"] = drafts.run(lambda: services.drafter, services.library, tasks, out_dir,
                                      reuse=options.reuse,
                                      progress=lambda done, total, item: log(f"[{name}] draft {done}/{total} {item}"))
    return result


def run_all(base: Settings, configs: list[compare.Config], qa_items: list[QAItem], tasks: list[DraftTask],
            out_dir: Path, options: SuiteOptions, *, services_factory=default_services,
            log: Callable[[str], None] = lambda message: None) -> list[dict]:
    """Runs each configuration in turn (the first is the baseline). Configurations whose LLM settings are equal share
    one loaded chat model, and only one is kept in memory at a time (2-core, few-GB machines)."""
    results, shared_key, shared_model = [], None, None
    for config in configs or [compare.Config("default")]:
        config_dir = out_dir / "configs" / config.name if configs else out_dir
        settings = compare.make_settings(base, config, config_dir)
        if compare.llm_key(settings) != shared_key:
            shared_key, shared_model = compare.llm_key(settings), None
            gc.collect()
        services = services_factory(settings, shared_model)
        result = run_config(config.name, services, qa_items, tasks, config_dir, options, log)
        result["overrides"] = config.overrides
        if "chat_model" in services.__dict__:  # loaded during this configuration: hand it to the next one
            shared_model = services.chat_model
        results.append(result)
    return results


def assemble(results: list[dict], datasets: dict[str, dict]) -> dict:
    """The report: when, on what data (hashes), in which environment, and each configuration's results."""
    return {"created": time.strftime("%Y-%m-%d %H:%M:%S %z"), "datasets": datasets,
            "environment": compare.environment(), "configs": results}
