"""The layers hold: cli -> ui | eval -> assistant -> index -> core, checked by import-linter on the real tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "index", "assistant", "cli", "eval", "ui")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=300)


def _copy_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_layers_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    tree = _copy_tree(tmp_path)
    init = tree / "index" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\nimport assistant  # noqa: F401\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0
    assert "index is not allowed to import assistant" in result.stdout


def test_core_imports_nothing_of_the_project():
    for path in (ROOT / "core").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for package in PACKAGES[1:]:
            assert f"from {package}" not in text and f"import {package}" not in text, (path.name, package)
