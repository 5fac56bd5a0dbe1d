"""Lexical retrieval over Vietnamese word-segmented text (pyvi) with BM25 (bm25s).

Tokens are the segmented words ("thi_đua") plus their syllables ("thi", "đua"), lowercased: compounds reward exact
phrases, syllables keep recall when the segmenter splits a query differently from a passage. Abbreviations (UBND,
TĐKT, NTM) stay as they are, which is what dense search misses.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import logging

import numpy as np

from core.vietnamese import FUNCTION_WORDS

_WORD = re.compile(r"[\wÀ-ỹ]+(?:_[\wÀ-ỹ]+)*|\d+(?:[/.\-]\d+)*(?:/[\wĐđ\-]+)?")


def segment(text: str) -> list[str]:
    """Lowercased word and syllable tokens of `text` for BM25."""
    from pyvi import ViTokenizer

    text = unicodedata.normalize("NFC", text)
    tokens: list[str] = []
    for word in _WORD.findall(ViTokenizer.tokenize(text)):
        word = word.lower()
        if "_" in word:
            tokens.append(word)
            tokens.extend(part for part in word.split("_") if part not in FUNCTION_WORDS)
        elif word not in FUNCTION_WORDS:
            tokens.append(word)
    return tokens


class LexicalIndex:
    """BM25 over chunk ids; rebuilt lazily after changes, swapped atomically so searches never see half a build."""

    def __init__(self):
        self._tokens: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._built: tuple[list[str], object] | None = None

    def __len__(self) -> int:
        return len(self._tokens)

    def replace_all(self, tokens_by_id: dict[str, list[str]]) -> None:
        with self._lock:
            self._tokens = dict(tokens_by_id)
            self._built = None

    def add(self, tokens_by_id: dict[str, list[str]]) -> None:
        with self._lock:
            self._tokens.update(tokens_by_id)
            self._built = None

    def remove(self, chunk_ids) -> None:
        with self._lock:
            for chunk_id in chunk_ids:
                self._tokens.pop(chunk_id, None)
            self._built = None

    def _index(self):
        with self._lock:
            if self._built is None and self._tokens:
                import bm25s

                logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
                ids = list(self._tokens)
                retriever = bm25s.BM25()
                retriever.index([self._tokens[chunk_id] or ["_"] for chunk_id in ids], show_progress=False)
                self._built = (ids, retriever)
            return self._built

    def search(self, query: str, limit: int, allowed=None) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score) best first; `allowed(chunk_id)` filters before the cut."""
        built = self._index()
        tokens = segment(query)
        if not built or not tokens:
            return []
        ids, retriever = built
        want = len(ids) if allowed else min(limit, len(ids))
        documents, scores = retriever.retrieve([tokens], k=min(max(want, 1), len(ids)), show_progress=False)
        results: list[tuple[str, float]] = []
        for position, score in zip(np.asarray(documents)[0], np.asarray(scores)[0]):
            chunk_id = ids[int(position)]
            if score <= 0 or (allowed and not allowed(chunk_id)):
                continue
            results.append((chunk_id, float(score)))
            if len(results) >= limit:
                break
        return results
