"""Loaders for the evaluation files (`dev_qa.jsonl`, `dev_drafting_tasks.jsonl` formats) and their fingerprints."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import AssistantError


class DatasetError(AssistantError):
    message_vi = "Tệp dữ liệu đánh giá không hợp lệ."
    message_en = "Invalid evaluation dataset."


@dataclass
class QAItem:
    """One question. `answer` None (or type "unanswerable") means the library does not hold the answer."""

    id: str
    question: str
    answer: str | None = None
    type: str = "single"
    source_files: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    split: str = ""  # tune / validation / unseen (a development set split by document); "" when not split

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable" and bool((self.answer or "").strip())


@dataclass
class DraftTask:
    """One drafting task; `extra` keeps fields this code does not use (e.g. format_requirements) for the report."""

    id: str
    province: str
    period: str
    theme: str
    doc_type: str = "ke-hoach"
    must_include: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Không tìm thấy tệp {path}.", f"No such file: {path}.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"Dòng {number} của {path.name} không phải JSON.",
                               f"Line {number} of {path.name} is not JSON.", detail=str(error)) from error
        if not isinstance(row, dict):
            raise DatasetError(f"Dòng {number} của {path.name} không phải đối tượng JSON.",
                               f"Line {number} of {path.name} is not a JSON object.")
        rows.append(row)
    return rows


def _require(row: dict, keys: tuple[str, ...], path: Path, index: int) -> None:
    missing = [key for key in keys if not row.get(key)]
    if missing:
        raise DatasetError(f"Mục {index} của {Path(path).name} thiếu trường {', '.join(missing)}.",
                           f"Item {index} of {Path(path).name} lacks {', '.join(missing)}.")


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def load_qa(path: Path) -> list[QAItem]:
    items = []
    for index, row in enumerate(_read_jsonl(path), start=1):
        _require(row, ("question",), path, index)
        items.append(QAItem(
            id=str(row.get("id") or f"q{index:03d}"),
            question=row["question"],
            answer=row.get("answer"),
            type=row.get("type") or ("unanswerable" if row.get("answer") is None else "single"),
            source_files=[str(s) for s in _as_list(row.get("source_file") or row.get("source_files"))],
            evidence=[e for e in _as_list(row.get("evidence")) if isinstance(e, dict)],
            split=str(row.get("split") or ""),
        ))
    return items


_TASK_FIELDS = {"id", "province", "period", "theme", "doc_type", "must_include", "sources", "focus"}


def load_draft_tasks(path: Path) -> list[DraftTask]:
    tasks = []
    for index, row in enumerate(_read_jsonl(path), start=1):
        _require(row, ("province", "period", "theme"), path, index)
        tasks.append(DraftTask(
            id=str(row.get("id") or f"draft-{index:02d}"),
            province=row["province"],
            period=row["period"],
            theme=row["theme"],
            doc_type=row.get("doc_type") or "ke-hoach",
            must_include=[str(s) for s in _as_list(row.get("must_include"))],
            sources=[str(s) for s in _as_list(row.get("sources"))],
            focus=[str(s) for s in _as_list(row.get("focus"))],
            extra={k: v for k, v in row.items() if k not in _TASK_FIELDS},
        ))
    return tasks


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe(path: Path, count: int) -> dict:
    """What the report records about a dataset: where, how many items, and its hash (reproducibility)."""
    return {"path": str(Path(path).resolve()), "items": count, "sha256": file_sha256(path)}
