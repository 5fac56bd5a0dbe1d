"""Builds the library, chat model and chains once and shares them between the CLI, the web app and eval."""

from __future__ import annotations

import threading
from collections import defaultdict
from functools import cached_property
from pathlib import Path

from core.settings import Settings, get_settings


class Services:
    """Lazily constructed application parts; each is built on first use, so `documents` never loads the LLM."""

    def __init__(self, settings: Settings | None = None, *, chat_model=None, library=None):
        self.settings = settings or get_settings()
        self._lock = threading.Lock()
        if chat_model is not None:
            self.__dict__["chat_model"] = chat_model
        if library is not None:
            self.__dict__["library"] = library

    @cached_property
    def library(self):
        from index.store import Library

        with self._lock:
            self.settings.ensure_dirs()
            return Library.open(self.settings)

    @cached_property
    def chat_model(self):
        from assistant.llm import make_chat_model

        with self._lock:
            return make_chat_model(self.settings)

    @cached_property
    def qa(self):
        from assistant.qa import QAChain

        return QAChain(self.library, self.chat_model, self.settings)

    @cached_property
    def drafter(self):
        from assistant.drafting import PlanDrafter

        return PlanDrafter(self.library, self.chat_model, self.settings)

    @cached_property
    def history(self):
        """Conversations, drafts and feedback in the data directory (`assistant.history.HistoryStore`)."""
        from assistant.history import HistoryStore

        return HistoryStore.for_settings(self.settings)

    @cached_property
    def format_checker(self):
        """The thể thức checker (Nghị định 30/2020/NĐ-CP, Phụ lục I); cites the clauses from the library when it opens."""
        from assistant.format_check import FormatChecker
        from core.errors import AssistantError

        try:
            library = self.library
        except AssistantError:
            library = None  # the check itself needs no index: findings come without the clause's passage
        return FormatChecker(self.settings, library)

    @property
    def sample_marker(self):
        return self.settings.home / "sample_library.done"

    def ensure_sample_library(self, progress=None) -> list:
        """Ingest the bundled sample library until one run has completed, then keep the library read by this version
        of the chunker (`refresh_outdated`); returns the ingest results.

        A marker file, written only after a complete run, makes a first start that was interrupted resume (the ingest
        is idempotent), while documents staff later delete on purpose are not brought back.
        """
        if self.sample_marker.exists():
            return self.refresh_outdated(progress)
        results = self.library.ingest_paths([self.settings.sample_library], progress=progress)
        self.sample_marker.write_text("ok\n", encoding="utf-8")
        return results

    def refresh_outdated(self, progress=None) -> list:
        """After an upgrade that reads documents better (another chunking version), the documents read before are
        read again: a sample document from the sample folder (whose catalogue may have been corrected too), any other
        from the library's own copy with the catalogue row it came with. A row of which an older version kept only a
        fingerprint cannot be applied again: such a document keeps what it has until its folder is ingested again."""
        from index.metadata import read_sidecar

        outdated = self.library.outdated()
        sample_rows = read_sidecar(self.settings.sample_library) if outdated else {}
        files = []  # each named as its source: the sample file and the library's copy both are
        for source, row in outdated:
            sample, kept = self.settings.sample_library / source, self.library.file_path(source)
            if sample.is_file():
                files.append((sample, sample_rows.get(source)))
            elif row is not None and kept.is_file():
                files.append((kept, row or None))
        return self.library.ingest_files(files, progress=progress) if files else []


def make_embeddings(settings: Settings):
    """The configured embedding model (for evaluation configurations that re-index)."""
    from index.embeddings import make_embeddings as build

    return build(settings)


def catalogued(paths: list[Path]) -> list[Path]:
    """Folders replaced by the files their SOURCES.tsv lists, so an evaluation library holds the catalogued
    documents and not the folder's README or notes; a folder without a catalogue, and a file, stay as given."""
    from index.metadata import read_sidecar

    out: list[Path] = []
    for path in map(Path, paths):
        listed = read_sidecar(path) if path.is_dir() else {}
        out += sorted(path / name for name in listed if (path / name).is_file()) if listed else [path]
    return out


def file_tools(settings: Settings) -> dict[str, str]:
    """What reading scans (`ocr`: Tesseract + Vietnamese data) and .doc/.odt (`doc`: LibreOffice) lacks on this
    machine, in Vietnamese; "" means available."""
    from index.convert import missing_converter
    from index.ocr import missing_ocr

    return {"ocr": missing_ocr(settings), "doc": missing_converter(settings)}


def supported_extensions() -> list[str]:
    """File extensions the library ingests, for upload widgets."""
    from index.loaders import SUPPORTED_EXTENSIONS

    return sorted(SUPPORTED_EXTENSIONS)


def safe_source_name(name: str) -> str:
    """The library's name for an uploaded file (what staff see and cite)."""
    from index.store import safe_source_name as safe

    return safe(name)


def document_texts(library) -> dict[str, str]:
    """Each document's full text, re-read from the library's copy of its file by the same loader; a document whose
    copy is gone, or that was read by OCR (minutes to redo), is rebuilt from its chunks in reading order."""
    from index.loaders import load_file

    parts: dict[str, list] = defaultdict(list)
    scanned: set[str] = set()
    for chunk in library.iter_chunks():
        parts[chunk.source].append((chunk.order, chunk.text))
        if chunk.ocr:
            scanned.add(chunk.source)
    texts = {}
    for source, chunks in parts.items():
        path = library.file_path(source)
        reread = path.is_file() and source not in scanned
        texts[source] = (load_file(path, library.settings, source=source).text if reread
                         else "\n\n".join(text for _, text in sorted(chunks)))
    return texts
