"""Lexical retrieval over Vietnamese word-segmented text (pyvi) with BM25 (bm25s).

Tokens are the segmented words ("thi_đua") plus their syllables ("thi", "đua"), lowercased: compounds reward exact
phrases, syllables keep recall when the segmenter splits a query differently from a passage. Abbreviations (UBND,
TĐKT, NTM) stay as they are, which is what dense search misses.

A search limited to some documents weighs words by how rare they are among those documents' passages: inside one
plan its own name and province are in every passage and tell nothing, while "tổng thời gian" picks the one passage.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import logging

import numpy as np

from core.vietnamese import FUNCTION_WORDS

_SUBSETS_KEPT = 32  # document filters recur (a plan, a province), so their indexes are worth keeping

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
        self._subsets: dict[tuple[str, ...], tuple[list[str], object]] = {}

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
                self._built = _bm25(self._tokens, list(self._tokens))
                self._subsets = {}
            return self._built

    def _subset(self, ids: list[str]):
        """BM25 over `ids` alone (word rarity among them); the last few subsets are kept until the index changes."""
        key = tuple(ids)
        with self._lock:
            found = self._subsets.get(key)
            if found is None and ids:
                if len(self._subsets) >= _SUBSETS_KEPT:
                    self._subsets.pop(next(iter(self._subsets)))
                found = self._subsets[key] = _bm25(self._tokens, ids)
            return found or ([], None)

    def search(self, query: str, limit: int, allowed=None) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score) best first; `allowed(chunk_id)` limits the search to those passages, and word
        rarity is then counted among them."""
        built = self._index()
        tokens = segment(query)
        if not built or not tokens:
            return []
        ids, retriever = built if allowed is None else self._subset([i for i in built[0] if allowed(i)])
        if not ids:
            return []
        documents, scores = retriever.retrieve([tokens], k=min(limit, len(ids)), show_progress=False)
        return [(ids[int(position)], float(score))
                for position, score in zip(np.asarray(documents)[0], np.asarray(scores)[0]) if score > 0]


def _bm25(tokens_by_id: dict[str, list[str]], ids: list[str]):
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
    retriever = bm25s.BM25()
    retriever.index([tokens_by_id[chunk_id] or ["_"] for chunk_id in ids], show_progress=False)
    return ids, retriever
