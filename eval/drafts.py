"""Drafting evaluation: one draft per task (DIR/<id>.md, DIR/<id>.docx, cached in DIR/<id>.json) and offline checks."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from core.errors import AssistantError
from core.vietnamese import number_key
from eval import metrics
from eval.datasets import DraftTask


def known_doc_numbers(library) -> set[str]:
    """Every document number the library holds: documents' số ký hiệu, titles and numbers cited in chunk texts."""
    known = {number_key(record.metadata.doc_number) for record in library.documents()
             if record.metadata.doc_number}
    for chunk in library.iter_chunks():
        known.update(metrics.doc_numbers(chunk.text))
        known.update(metrics.doc_numbers(chunk.metadata.title))
    return known


def _request(task: DraftTask):
    from assistant.drafting import DraftRequest

    return DraftRequest(province=task.province, period=task.period, theme=task.theme, focus=list(task.focus),
                        sources=list(task.sources), doc_type=task.doc_type, issuer=str(task.extra.get("issuer") or ""))


def _draft_one(drafter, task: DraftTask, out_dir: Path) -> dict:
    from assistant.docx_writer import write_docx

    started = time.perf_counter()
    try:
        draft = drafter.draft(_request(task))
    except AssistantError as error:
        return {"markdown": "", "sections": [], "warnings": [], "timings": {"total_s": time.perf_counter() - started},
                "error": error.message_en}
    payload = draft.to_dict()
    payload.setdefault("timings", {}).setdefault("total_s", time.perf_counter() - started)
    (out_dir / f"{task.id}.md").write_text(payload["markdown"], encoding="utf-8")
    write_docx(draft, out_dir / f"{task.id}.docx")
    return payload


def generate(get_drafter: Callable[[], object], tasks: list[DraftTask], out_dir: Path, *, reuse: bool = False,
             progress: Callable[[int, int, str], None] | None = None) -> dict[str, dict]:
    """Drafts every task; with `reuse`, a task whose cached JSON was made from the same task fields is not redone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    drafts = {}
    for done, task in enumerate(tasks, start=1):
        cache = out_dir / f"{task.id}.json"
        cached = json.loads(cache.read_text(encoding="utf-8")) if reuse and cache.is_file() else None
        if cached and cached.get("task") == asdict(task) and not cached["draft"].get("error"):
            drafts[task.id] = cached["draft"]
        else:
            drafts[task.id] = _draft_one(get_drafter(), task, out_dir)
            cache.write_text(json.dumps({"task": asdict(task), "draft": drafts[task.id]}, ensure_ascii=False,
                                        indent=1), encoding="utf-8")
        if progress:
            progress(done, len(tasks), task.id)
    return drafts


def allowed_texts(library, task: DraftTask, markdown: str) -> list[str]:
    """Where a draft's numbers and dates may come from: the task's sources, what the user typed (the task fields)
    and the library documents its opening cites."""
    cited = set(metrics.doc_numbers(metrics.opening(markdown)))
    texts = [" ".join([task.province, task.period, task.theme, *task.focus, str(task.extra.get("issuer") or "")])]
    for record in library.documents():
        number = number_key(record.metadata.doc_number) if record.metadata.doc_number else ""
        if record.source in task.sources or (number and number in cited):
            texts.append(f"{record.metadata.doc_number} {record.metadata.title} {record.metadata.date}")
            texts += [chunk.text for chunk in library.iter_chunks(record.source)]
    return texts


def source_places(library, task: DraftTask) -> set[str]:
    """Provinces the task's sources (not the format models) name as facts, other than their own province."""
    from assistant.drafting.sources import places_named, source_doc

    return places_named(library, [source_doc(r) for r in library.documents() if r.source in task.sources])


def score_one(task: DraftTask, draft: dict, known_numbers: set[str], allowed: list[str] | None = None,
              places: set[str] | frozenset[str] = frozenset()) -> dict:
    markdown = draft.get("markdown") or ""
    structure = metrics.structure_compliance(markdown, task.doc_type)
    foreign = metrics.other_provinces(markdown, task.province, places)
    invented = metrics.unknown_doc_numbers(markdown, known_numbers)
    coverage = metrics.must_include_coverage(markdown, task.must_include)
    outside = metrics.numbers_outside(markdown, allowed) if allowed is not None else None
    matrix = draft.get("coverage")
    return {
        "doc_type": task.doc_type, "sources": list(task.sources), "split": task.extra.get("split"),
        "numbers_outside_sources": outside,
        "coverage_matrix": None if matrix is None else {
            "items": len(matrix), "placed": sum(1 for row in matrix if row.get("placed")),
            "complete": all(row.get("placed") or row.get("where") for row in matrix)},
        "id": task.id, "province": task.province, "period": task.period, "theme": task.theme,
        "error": draft.get("error"), "structure": structure, "other_provinces": foreign,
        "province_consistent": not foreign and metrics.normalize(task.province) in metrics.normalize(markdown),
        "invented_numbers": invented, "must_include": coverage,
        "warnings": draft.get("warnings") or [], "total_s": (draft.get("timings") or {}).get("total_s"),
        "characters": len(markdown), "opening": markdown[:1500],
    }


def score(tasks: list[DraftTask], drafts: dict[str, dict], known_numbers: set[str], library=None) -> dict:
    """Aggregates over tasks: structure compliance, province consistency, invented numbers, must-include coverage
    (strict), numbers outside the allowed sources (when the library is given)."""
    rows = [score_one(task, drafts[task.id], known_numbers,
                      allowed_texts(library, task, drafts[task.id].get("markdown") or "") if library else None,
                      source_places(library, task) if library else frozenset())
            for task in tasks if task.id in drafts]
    summary = {
        "n": len(rows), "errors": sum(1 for r in rows if r["error"]),
        "structure_compliance": metrics.mean(r["structure"]["score"] for r in rows),
        "structure_complete": metrics.mean(r["structure"]["complete"] for r in rows),
        "province_consistency": metrics.mean(r["province_consistent"] for r in rows),
        "invented_numbers": sum(len(r["invented_numbers"]) for r in rows),
        "must_include_coverage": metrics.mean(r["must_include"]["coverage"] for r in rows),
        "numbers_outside_sources": sum(len(r["numbers_outside_sources"] or []) for r in rows),
        "coverage_matrix_complete": metrics.mean(r["coverage_matrix"]["complete"] for r in rows
                                                 if r["coverage_matrix"] is not None),
        "total_s": metrics.latency_summary([r["total_s"] for r in rows]),
    }
    return {"summary": summary, "items": rows}


def run(get_drafter, library, tasks: list[DraftTask], out_dir: Path, *, reuse: bool = False, progress=None) -> dict:
    return score(tasks, generate(get_drafter, tasks, out_dir, reuse=reuse, progress=progress), known_doc_numbers(library),
                 library)
