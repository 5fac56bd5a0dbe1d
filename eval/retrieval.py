"""Retrieval evaluation: recall@k, source coverage@k, evidence hit@k and MRR per retrieval system, side by side.

Systems are the library's own modes (dense, lexical, hybrid) and a naive baseline: LangChain's
RecursiveCharacterTextSplitter (1000 characters, 200 overlap) over the same document texts, dense search only with
the same embedding model, in a throw-away in-memory Chroma collection.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from typing import Callable, Iterable

from assistant.services import document_texts
from eval import metrics
from eval.datasets import QAItem

LIBRARY_MODES = ("dense", "lexical", "hybrid")
NAIVE = "naive"
ALL_SYSTEMS = (*LIBRARY_MODES, NAIVE)

# A searcher maps (question, k) to ranked (source, passage text) pairs.
Searcher = Callable[[str, int], list[tuple[str, str]]]


def library_searcher(library, mode: str) -> Searcher:
    def search(question: str, k: int) -> list[tuple[str, str]]:
        return [(hit.chunk.source, hit.chunk.text) for hit in library.search(question, k=k, mode=mode)]

    return search


class NaiveBaseline:
    """Fixed-size character chunks + dense search: what a default LangChain tutorial pipeline would retrieve."""

    def __init__(self, texts: dict[str, str], embeddings, *, chunk_size: int = 1000, chunk_overlap: int = 200,
                 batch_size: int = 64, progress: Callable[[int, int], None] | None = None):
        import chromadb
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        self.passages = [(source, piece) for source, text in sorted(texts.items())
                         for piece in splitter.split_text(text)]
        self.embeddings = embeddings
        self._client = chromadb.EphemeralClient(settings=chromadb.Settings(anonymized_telemetry=False))
        self._name = f"eval_naive_{uuid.uuid4().hex[:12]}"
        self._collection = self._client.create_collection(self._name, embedding_function=None,
                                                          metadata={"hnsw:space": "cosine"})
        for start in range(0, len(self.passages), batch_size):
            batch = self.passages[start:start + batch_size]
            self._collection.add(
                ids=[str(start + i) for i in range(len(batch))],
                embeddings=embeddings.embed_documents([text for _, text in batch]),
                documents=[text for _, text in batch],
                metadatas=[{"source": source} for source, _ in batch],
            )
            if progress:
                progress(min(start + batch_size, len(self.passages)), len(self.passages))

    def search(self, question: str, k: int) -> list[tuple[str, str]]:
        found = self._collection.query(query_embeddings=[self.embeddings.embed_query(question)],
                                       n_results=min(k, len(self.passages)), include=["documents", "metadatas"])
        return [(meta["source"], text) for meta, text in zip(found["metadatas"][0], found["documents"][0])]

    def close(self) -> None:
        self._client.delete_collection(self._name)


def scorable(items: Iterable[QAItem]) -> list[QAItem]:
    """Items retrieval can be scored on: answerable, with at least one gold source file."""
    return [item for item in items if item.answerable and item.source_files]


def evaluate(items: list[QAItem], searchers: dict[str, Searcher], ks: list[int]) -> dict:
    """Runs every searcher on every scorable question; returns aggregates per system and the per-item ranks."""
    items = scorable(items)
    depth = max(ks)
    systems, rows = {}, {item.id: {"id": item.id, "question": item.question, "gold": item.source_files,
                                   "rank": {}, "top": {}} for item in items}
    for name, search in searchers.items():
        per_k = defaultdict(list)
        rr, seconds = [], []
        for item in items:
            started = time.perf_counter()
            ranked = search(item.question, depth)
            seconds.append(time.perf_counter() - started)
            sources = [source for source, _ in ranked]
            for k in ks:
                per_k[f"recall@{k}"].append(metrics.recall_at_k(sources, item.source_files, k))
                per_k[f"coverage@{k}"].append(metrics.source_coverage_at_k(sources, item.source_files, k))
                if item.evidence:
                    per_k[f"evidence@{k}"].append(metrics.evidence_hit_at_k(ranked, item.evidence, k))
            rr.append(metrics.reciprocal_rank(sources, item.source_files))
            rows[item.id]["rank"][name] = metrics.first_gold_rank(sources, item.source_files)
            rows[item.id]["top"][name] = list(dict.fromkeys(sources))[:3]
        summary = {key: metrics.mean(values) for key, values in per_k.items()}
        summary["mrr"] = metrics.mean(rr)
        summary["latency_ms_p50"] = 1000 * (metrics.percentile(seconds, 50) or 0.0)
        systems[name] = summary
    return {"ks": ks, "n": len(items), "systems": systems, "items": list(rows.values())}


def build_searchers(library, embeddings_factory: Callable[[], object], systems: Iterable[str],
                    progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, Searcher], list]:
    """Searchers for the named systems, plus the objects to close afterwards (the baseline's temporary collection)."""
    searchers, to_close = {}, []
    for name in systems:
        if name in LIBRARY_MODES:
            searchers[name] = library_searcher(library, name)
        elif name == NAIVE:
            baseline = NaiveBaseline(document_texts(library), embeddings_factory(), progress=progress)
            searchers[name], to_close = baseline.search, [*to_close, baseline]
    return searchers, to_close


def run(library, embeddings_factory, items: list[QAItem], ks: list[int], systems: Iterable[str] = ALL_SYSTEMS,
        progress=None) -> dict:
    searchers, to_close = build_searchers(library, embeddings_factory, systems, progress)
    try:
        return evaluate(items, searchers, ks)
    finally:
        for closable in to_close:
            closable.close()
