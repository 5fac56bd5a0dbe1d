"""Write sample_library/embeddings-cache.sqlite: the passage vectors of the bundled sample library.

Run after changing chunking, the embedding model or the sample library, so a fresh clone's first ingestion (and CI)
needs no embedding work: `.venv/bin/python scripts/build_embedding_seed.py`.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from core.settings import Settings
from index.chunking import chunk_document
from index.embeddings import make_embeddings
from index.loaders import SUPPORTED_EXTENSIONS, load_file
from index.metadata import read_sidecar


def main() -> None:
    settings = Settings()
    target = settings.embedding_seed_cache
    embeddings = make_embeddings(settings)
    sidecar = read_sidecar(settings.sample_library)
    texts: list[str] = []
    for path in sorted(settings.sample_library.iterdir()):
        if path.suffix.lower() in SUPPORTED_EXTENSIONS:
            doc = load_file(path, settings, sidecar=sidecar.get(path.name))
            chunks = chunk_document(doc, max_tokens=settings.chunk_tokens,
                                    overlap_tokens=settings.chunk_overlap_tokens,
                                    count_tokens=embeddings.count_tokens)
            texts.extend(chunk.embed_text() for chunk in chunks)
    vectors = embeddings.embed_documents(texts)
    partial = target.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(partial) as db:
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB)")
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                       [(embeddings.cache_key(text), np.asarray(vector, dtype=np.float32).tobytes())
                        for text, vector in zip(texts, vectors)])
    db.close()
    partial.replace(target)
    print(f"{len(texts)} vectors -> {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
