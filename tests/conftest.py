"""Shared fixtures: isolated settings per test and one ingested sample library per session.

Embeddings of passages are cached on disk in `.cache/` (outside the per-test data directory), so the real embedding
model runs once per chunk across test runs; queries are always embedded for real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, Settings

TEST_EMBEDDING_CACHE = PROJECT_ROOT / ".cache" / "test-embeddings.sqlite"
DATA = Path(__file__).parent / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def make_settings(home: Path, **overrides) -> Settings:
    """Settings on a temporary data directory that share the test embedding cache and the real model files."""
    from assistant.model_files import llm_model_path

    values = {"home": home, "embedding_cache": TEST_EMBEDDING_CACHE,
              "llm_model_path": llm_model_path(Settings())}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "home")


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("sample-home"))


@pytest.fixture(scope="session")
def sample_library(sample_settings):
    """The bundled sample library, ingested once into a real on-disk Chroma store."""
    from index.store import Library

    library = Library.open(sample_settings)
    results = library.ingest_paths([sample_settings.sample_library])
    failed = [result for result in results if result.status == "error"]
    assert not failed, failed
    return library


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
