"""Citations of the decree's clauses, taken from the library's copy of Phụ lục I (the same objects as Q&A citations);
a library without it still gives a citation naming the clause, with no passage text."""

from __future__ import annotations

import logging

from assistant.format_check.rules import Rule, Rulebook
from assistant.qa import Citation
from core.errors import AssistantError
from core.models import Chunk
from core.vietnamese import nfc

log = logging.getLogger(__name__)


def _plain(text: str) -> str:
    return " ".join(nfc(text).split()).casefold()


class ClauseCitations:
    """Finds, for each rule, the passage of Phụ lục I that holds its anchor phrase; looked up once per rule."""

    def __init__(self, rulebook: Rulebook, library=None):
        self.rulebook = rulebook
        self.library = library
        self._chunks: list[Chunk] | None = None
        self._found: dict[str, Chunk | None] = {}

    def _source_chunks(self) -> list[Chunk]:
        if self._chunks is None:
            self._chunks = []
            if self.library is not None:
                try:
                    self._chunks = list(self.library.iter_chunks(source=self.rulebook.source["file"]))
                except AssistantError as error:
                    log.warning("format check: library unavailable for citations: %s", error.message_en)
        return self._chunks

    def _searched(self, anchor: str) -> list[Chunk]:
        """The library holds Phụ lục I under another name: the lexical search finds the clause by its words."""
        if self.library is None:
            return []
        try:
            return [hit.chunk for hit in self.library.search(anchor, k=5, mode="lexical")]
        except AssistantError as error:
            log.warning("format check: search for a clause failed: %s", error.message_en)
            return []

    def passage(self, rule: Rule) -> Chunk | None:
        if rule.code not in self._found:
            anchor = _plain(rule.anchor)
            chunks = self._source_chunks() or self._searched(rule.anchor)
            self._found[rule.code] = next((chunk for chunk in chunks if anchor in _plain(chunk.text)), None)
        return self._found[rule.code]

    def citation(self, rule: Rule, n: int) -> Citation:
        source = self.rulebook.source
        chunk = self.passage(rule)
        if chunk is None:
            return Citation(n, source["file"], source["title"], source["doc_number"], rule.clause, None, "")
        return Citation(n, chunk.source, chunk.metadata.title or source["title"],
                        chunk.metadata.doc_number or source["doc_number"], chunk.section or rule.clause, chunk.page,
                        chunk.text)
