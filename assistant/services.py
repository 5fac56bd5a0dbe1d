"""Builds the library, chat model and chains once and shares them between the CLI, the web app and eval."""

from __future__ import annotations

import threading
from functools import cached_property

from assistant.settings import Settings, get_settings


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

    def ensure_sample_library(self, progress=None) -> list:
        """On first start (empty library) ingest the bundled sample library; returns the ingest results."""
        if self.library.chunk_count() > 0:
            return []
        return self.library.ingest_paths([self.settings.sample_library], progress=progress)
