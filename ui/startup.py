"""First start in the background: the web server answers at once and shows what is being prepared.

Preparing means assembling the embedded LLM file if it is missing, ingesting the bundled sample library when the
index is empty (a few minutes on 2 cores) and loading the LLM, so the first question does not pay for it.
"""

from __future__ import annotations

import logging
import threading

from core.errors import AssistantError

log = logging.getLogger(__name__)


class Startup:
    """Shared, thread-safe progress of the first start; read by every browser session's banner."""

    def __init__(self):
        self._lock = threading.Lock()
        self.phase = "Đang khởi động…"
        self.done = 0
        self.total = 0
        self.ready = False
        self.error = ""

    def _set(self, **values) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

    def mark_ready(self) -> None:
        """Nothing to prepare (tests, or a library already filled by another process)."""
        self._set(ready=True, phase="")

    def run(self, services) -> None:
        """Prepare everything; errors become a Vietnamese banner instead of a dead thread."""
        try:
            self._prepare_model_file(services.settings)
            self._set(phase="Đang mở thư viện tài liệu…")
            services.library  # noqa: B018 - opens Chroma and loads the embedding model
            self._set(phase="Đang chuẩn bị thư viện mẫu…")
            services.ensure_sample_library(progress=self._ingest_progress)
            self._set(ready=True, phase="Đang nạp mô hình ngôn ngữ…")
            load = getattr(services.chat_model, "load", None)
            if load:
                load()
            self._set(phase="")
        except AssistantError as error:
            log.warning("first start: %s (%s)", error.message_en, error.detail)
            self._set(error=error.message_vi, phase="")
        except Exception as error:  # a banner must still say something went wrong
            log.exception("first start failed")
            self._set(error=f"Khởi động không thành công: {type(error).__name__}.", phase="")

    def start(self, services) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(services,), name="first-start", daemon=True)
        thread.start()
        return thread

    def _prepare_model_file(self, settings) -> None:
        if settings.llm_backend != "llamacpp" or settings.llm_model_path:
            return
        from assistant.model_files import ensure_model

        ensure_model(settings, progress=lambda message: self._set(phase=message.split(" / ")[0]))

    def _ingest_progress(self, number: int, total: int, result) -> None:
        self._set(done=number, total=total)

    def banner(self) -> str:
        """One line of Markdown for the top of the page; empty when everything is ready."""
        with self._lock:
            if self.error:
                return f"⚠ {self.error}"
            if not self.ready and self.total:
                return f"Đang chuẩn bị thư viện mẫu ({self.done}/{self.total} tệp)… Trợ lý sẽ trả lời khi xong."
            return self.phase if self.phase else ""

    def not_ready_message(self) -> str:
        """What the chat says when asked too early."""
        with self._lock:
            if self.error:
                return f"Trợ lý chưa sẵn sàng: {self.error}"
            progress = f" ({self.done}/{self.total} tệp)" if self.total else ""
            return f"Thư viện tài liệu đang được chuẩn bị{progress}, vui lòng hỏi lại sau ít phút."
