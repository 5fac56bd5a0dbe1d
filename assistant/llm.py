"""Chat-model backends behind one LangChain interface: the embedded llama.cpp (xllamacpp) or any OpenAI-compatible server.

The chains only ever call `chat_model.stream(messages, max_tokens=..., stop=...)` / `.invoke(...)`, so the backend is
purely a settings choice (`settings.llm_backend`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from core.errors import LLMServiceError, ModelUnavailableError
from assistant.model_files import ensure_model
from core.settings import Settings

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_DONE = object()


def _to_openai_messages(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages]


def _raise_for_error(payload: dict) -> None:
    error = payload.get("error") if isinstance(payload, dict) else None
    if error:
        message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
        raise LLMServiceError(
            "Mô hình ngôn ngữ báo lỗi khi sinh câu trả lời.", "The language model returned an error.", detail=message
        )


class LlamaCppChatModel(BaseChatModel):
    """In-process llama.cpp through xllamacpp's native server object (OpenAI-style chat completions, no HTTP hop).

    The GGUF is loaded on first use; a lock keeps one generation at a time, since two on 2 cores would each run at
    half speed and the single slot's prompt cache (the constant system prompt) would be thrashed.
    """

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.1
    seed: int | None = 42  # the same prompt gets the same reply (None: a random draw each time)
    cache_prompt: bool = True  # reuse the KV cache of the leading messages (the system prompt) across requests

    _server: Any = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _generate_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _cached_prefix: Any = PrivateAttr(default=None)  # the messages whose KV cache the slot holds

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def load(self):
        """Load the model (once); the UI calls this at start so the first question does not pay for it."""
        with self._load_lock:
            if self._server is None:
                import xllamacpp

                params = xllamacpp.CommonParams()
                params.model.path = self.model_path
                params.n_ctx = self.n_ctx
                params.n_parallel = 1
                params.cpuparams.n_threads = self.n_threads
                params.cpuparams_batch.n_threads = self.n_threads
                params.warmup = False
                # No host-memory cache of past prompts: restoring one of them makes an answer depend on the questions
                # asked before (see _keep_only_shared_prefix), and it holds up to 8 GiB by default.
                params.cache_ram_mib = 0
                params.verbosity = -1
                try:
                    self._server = xllamacpp.Server(params)
                except Exception as error:  # the native loader reports a bad file as a generic error
                    raise ModelUnavailableError(
                        "Không nạp được tệp mô hình ngôn ngữ (tệp hỏng hoặc không phải GGUF).",
                        "The language model file could not be loaded.",
                        detail=f"{self.model_path}: {error}",
                    ) from error
            return self._server

    def _keep_only_shared_prefix(self, server: Any, messages: list[BaseMessage]) -> None:
        """Cut the prompt cache back to every message but the last before a request (a one-token request with
        those messages alone, itself read from the cache): the system prompt for a question, the system prompt and
        the plan's shared text for a draft's sections. Left as it was, the cache holds the previous prompt, and the
        part shared with it (often a first passage too) is reused: the rest is then computed from another position
        in other batches, which shifts the numerics a little — an answer depended on the question asked before it.
        Other leading messages than the ones cached (Q&A after drafting) are read from scratch, so their cache is
        the same whatever came before."""
        if not (self.cache_prompt and len(messages) >= 2 and messages[0].type == "system"):
            self._cached_prefix = None  # this request fills the cache with another prompt
            return
        prefix = messages[:-1]
        key = [(message.type, message.content) for message in prefix]
        prime = self._request(prefix, None, False, max_tokens=1)
        prime["cache_prompt"] = key == self._cached_prefix
        _raise_for_error(server.handle_chat_completions(prime))
        self._cached_prefix = key

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool, **kwargs: Any) -> dict:
        request = {
            "messages": _to_openai_messages(messages),
            "max_tokens": kwargs.get("max_tokens") or self.max_tokens,
            "temperature": kwargs.get("temperature", self.temperature),
            "stream": stream,
            "cache_prompt": self.cache_prompt,
        }
        if stop:
            request["stop"] = list(stop)
        if self.seed is not None:
            request["seed"] = self.seed
        return request

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        server = self.load()
        with self._generate_lock:
            self._keep_only_shared_prefix(server, messages)
            result = server.handle_chat_completions(self._request(messages, stop, False, **kwargs))
        _raise_for_error(result)
        choice = result["choices"][0]
        message = AIMessage(
            content=choice["message"].get("content") or "",
            response_metadata={"finish_reason": choice.get("finish_reason"), "timings": result.get("timings", {})},
            usage_metadata=_usage(result.get("usage")),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """xllamacpp streams through a callback on the calling thread; a worker thread turns it into an iterator.

        `follows_previous=True`: this request repeats the leading text of the one just before it (another thing asked
        of the same passages), so the cache it left is kept and only the new end is read; the same calls in the same
        order still give the same reply.

        Closing the iterator early (the user stopped reading) makes the callback return True, which stops llama.cpp.
        """
        server = self.load()
        follows_previous = kwargs.pop("follows_previous", False)
        request = self._request(messages, stop, True, **kwargs)
        chunks: queue.Queue = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk: dict) -> bool:
            chunks.put(chunk)
            return cancelled.is_set()

        def worker() -> None:
            try:
                with self._generate_lock:
                    if not follows_previous:
                        self._keep_only_shared_prefix(server, messages)
                    server.handle_chat_completions(request, on_chunk)
            except Exception as error:  # surfaced on the consuming thread
                chunks.put(error)
            finally:
                chunks.put(_DONE)

        thread = threading.Thread(target=worker, name="llamacpp-generate", daemon=True)
        thread.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, Exception):
                    raise LLMServiceError(detail=str(item)) from item
                _raise_for_error(item)
                generation = _chunk_to_generation(item)
                if generation is None:
                    continue
                if run_manager and generation.text:
                    run_manager.on_llm_new_token(generation.text, chunk=generation)
                yield generation
        finally:
            cancelled.set()


def _usage(usage: dict | None) -> dict | None:
    if not usage:
        return None
    return {
        "input_tokens": usage.get("prompt_tokens", 0),
        "output_tokens": usage.get("completion_tokens", 0),
        "total_tokens": usage.get("total_tokens", 0),
    }


def _chunk_to_generation(chunk: dict) -> ChatGenerationChunk | None:
    choices = chunk.get("choices") or []
    if not choices:
        return None
    choice = choices[0]
    text = (choice.get("delta") or {}).get("content") or ""
    finish = choice.get("finish_reason")
    if not text and not finish:
        return None
    metadata = {"finish_reason": finish, "timings": chunk.get("timings", {})} if finish else {}
    return ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=metadata))


def _make_openai(settings: Settings) -> BaseChatModel:
    import openai
    from langchain_openai import ChatOpenAI

    failures = (openai.APIConnectionError, openai.APITimeoutError, openai.InternalServerError, openai.NotFoundError)

    class ServerChatModel(ChatOpenAI):
        """ChatOpenAI whose connection and server failures become LLMServiceError (shown in Vietnamese)."""

        def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
            try:
                return super()._generate(*args, **kwargs)
            except failures as error:
                raise _service_error(settings, error) from error

        def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
            try:
                yield from super()._stream(*args, **kwargs)
            except failures as error:
                raise _service_error(settings, error) from error

        def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
            kwargs.pop("follows_previous", None)  # the server's own prefix cache reuses the shared text
            return super()._get_request_payload(_alternating(self._convert_input(input_).to_messages()), stop=stop,
                                                **kwargs)

    return ServerChatModel(
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        api_key=settings.openai_api_key,
        timeout=settings.llm_timeout_s,
        max_retries=1,
        temperature=settings.llm_temperature,
        seed=settings.llm_request_seed,
        max_tokens=settings.llm_max_answer_tokens,
        streaming=True,
    )


def _alternating(messages: list[BaseMessage]) -> list[BaseMessage]:
    """Consecutive user messages (a draft's shared text, then its section's request) joined into one: some servers'
    chat templates refuse two user turns in a row. The shared text still opens the message, so a server's own prefix
    cache reuses it."""
    merged: list[BaseMessage] = []
    for message in messages:
        if merged and message.type == "human" and merged[-1].type == "human":
            merged[-1] = HumanMessage(content=f"{merged[-1].content}\n\n{message.content}")
        else:
            merged.append(message)
    return merged


def _service_error(settings: Settings, error: Exception) -> LLMServiceError:
    return LLMServiceError(detail=f"{settings.openai_base_url}: {type(error).__name__}: {error}")


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model `settings.llm_backend` names; the embedded one fails early if its GGUF is missing."""
    if settings.llm_backend == "openai":
        return _make_openai(settings)
    path = Path(ensure_model(settings))  # assembled on first use when its packages are installed
    if not path.is_file():
        raise ModelUnavailableError(detail=str(path))
    return LlamaCppChatModel(
        model_path=str(path),
        n_ctx=settings.llm_context_tokens,
        n_threads=settings.llm_threads,
        max_tokens=settings.llm_max_answer_tokens,
        temperature=settings.llm_temperature,
        seed=settings.llm_request_seed,
        cache_prompt=settings.llm_cache_prompt,
    )
