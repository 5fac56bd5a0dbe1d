"""Prompt templates are Vietnamese text files in `prompts/`, versioned with the code and filled with str.format."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.settings import get_settings


@lru_cache(maxsize=64)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_prompt(name: str, prompts_dir: Path | None = None) -> str:
    """The text of `prompts/<name>.txt`."""
    folder = prompts_dir or get_settings().prompts_dir
    return _read(folder / f"{name}.txt")


def render_prompt(name: str, prompts_dir: Path | None = None, **values: str) -> str:
    """The template `name` with `{placeholders}` filled; literal braces in templates are written `{{ }}`."""
    return load_prompt(name, prompts_dir).format(**values)


@lru_cache(maxsize=8)
def load_examples(name: str, prompts_dir: Path) -> tuple[tuple[str, str, str], ...]:
    """The worked examples of `prompts/<name>.txt` as (passages, question, answer): blocks headed "### tài liệu",
    "### câu hỏi", "### trả lời"; the text before the first block describes the file and is not shown."""
    blocks = load_prompt(name, prompts_dir).split("### tài liệu")[1:]
    examples = []
    for block in blocks:
        passages, rest = block.split("### câu hỏi", 1)
        question, answer = rest.split("### trả lời", 1)
        examples.append((passages.strip(), question.strip(), answer.strip()))
    return tuple(examples)
