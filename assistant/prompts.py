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
