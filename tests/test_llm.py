"""LLM backends: settings pick the backend, failures become typed errors, and the real embedded model streams.

The `llm` tests load the real GGUF once per module and make one short generation each; the OpenAI-compatible
backend is tested against the HTTP server that the same loaded llama.cpp exposes on loopback.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from core.vietnamese import VIETNAMESE_LETTERS as VIETNAMESE
from core.errors import LLMServiceError, ModelUnavailableError
from assistant.llm import LlamaCppChatModel, make_chat_model
from assistant.model_files import llm_model_path
from core.settings import Settings

SAMPLE_LIBRARY = Path(__file__).resolve().parents[1] / "sample_library"
MESSAGES = [SystemMessage("Chỉ trả lời bằng tiếng Việt, thật ngắn."), HumanMessage("Thủ đô của Việt Nam là thành phố nào?")]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_missing_model_file_is_reported(tmp_path):
    settings = Settings(home=tmp_path, llm_model_path=tmp_path / "absent.gguf")
    with pytest.raises(ModelUnavailableError) as error:
        make_chat_model(settings)
    assert "absent.gguf" in error.value.detail


def test_corrupt_model_file_is_reported_on_load(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf file" * 1000)
    model = make_chat_model(Settings(home=tmp_path, llm_model_path=bad))
    with pytest.raises(ModelUnavailableError):
        model.invoke(MESSAGES, max_tokens=4)


def test_openai_backend_is_configured_from_settings(tmp_path):
    settings = Settings(home=tmp_path, llm_backend="openai", openai_base_url="http://10.0.0.9:8000/v1",
                        openai_model="qwen-vi", openai_api_key="secret", llm_timeout_s=42)
    model = make_chat_model(settings)
    assert not isinstance(model, LlamaCppChatModel)
    assert model.openai_api_base == "http://10.0.0.9:8000/v1" and model.model_name == "qwen-vi"
    assert model.request_timeout == 42 and model.streaming and model.seed == settings.llm_request_seed
    assert model.openai_api_key.get_secret_value() == "secret"


def test_openai_backend_unreachable_server_is_a_service_error(tmp_path):
    settings = Settings(home=tmp_path, llm_backend="openai", openai_base_url=f"http://127.0.0.1:{_closed_port()}/v1",
                        llm_timeout_s=5)
    model = make_chat_model(settings)
    with pytest.raises(LLMServiceError):
        list(model.stream(MESSAGES, max_tokens=4))
    with pytest.raises(LLMServiceError):
        model.invoke(MESSAGES, max_tokens=4)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("llm-home"))
    path = llm_model_path(Settings())
    settings = settings.model_copy(update={"llm_model_path": path, "llm_context_tokens": 1024, "llm_temperature": 0.0})
    model = make_chat_model(settings)
    model.load()
    return model


@pytest.mark.llm
def test_embedded_model_streams_token_deltas_one_generation_at_a_time(embedded):
    assert isinstance(embedded, LlamaCppChatModel)
    results: dict[str, list[str]] = {}

    def run(name: str) -> None:
        results[name] = [chunk.content for chunk in embedded.stream(MESSAGES, max_tokens=8)]

    # Two callers at once: the lock serialises them, both complete with their own deltas.
    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for deltas in results.values():
        text = "".join(deltas)
        assert len([d for d in deltas if d]) >= 2  # streamed in pieces, not one block
        assert VIETNAMESE.intersection(text.lower())
    assert set(results) == {"a", "b"}


@pytest.mark.llm
def test_embedded_model_repeats_its_reply_under_the_configured_seed(embedded):
    """Sampling at a high temperature still repeats: the seed goes with every request (reproducible evaluations)."""
    replies = [embedded.invoke(MESSAGES, max_tokens=16, temperature=1.2).content for _ in range(2)]
    assert replies[0] == replies[1] and replies[0]


@pytest.mark.llm
def test_embedded_model_answers_a_prompt_alike_whatever_was_asked_before(embedded):
    """A prompt sharing a long prefix with the one before (the same passages, another question) once reused its KV
    cache, and the prompt asked again was restored from the prompt cache: at a high temperature the replies then
    differed. Only the system prompt is reused, so the first and third replies are the same."""
    text = (SAMPLE_LIBRARY / "011_hatinh-qd-2920-qd-ubnd-2025-chuc-nang-so-noi-vu.txt").read_text(encoding="utf-8")[:900]
    system = SystemMessage("Chỉ trả lời bằng tiếng Việt, thật ngắn.")
    summary = [system, HumanMessage(f"Tài liệu:\n{text}\n\nTóm tắt tài liệu trên trong một câu.")]
    signer = [system, HumanMessage(f"Tài liệu:\n{text}\n\nTài liệu trên do ai ký?")]
    replies = [embedded.invoke(messages, max_tokens=24, temperature=1.2).content
               for messages in (summary, signer, summary)]
    assert replies[0] == replies[2] and replies[0] != replies[1]


@pytest.mark.llm
def test_embedded_model_answers_a_drafts_section_alike_whatever_came_before(embedded):
    """A draft's sections share a message (the plan's text) whose KV cache is kept between them: a section asked
    after another section of the same plan, or after a question, gets the reply it gets when asked first."""
    text = (SAMPLE_LIBRARY / "002_daklak-kh-0124-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt").read_text(encoding="utf-8")
    system = SystemMessage("Bạn là chuyên viên soạn văn bản hành chính, viết bằng tiếng Việt.")
    plan = HumanMessage(f"Đoạn mẫu:\n{text[:900]}")
    purpose = [system, plan, HumanMessage("Viết một ý nêu mục đích của phong trào thi đua.")]
    duties = [system, plan, HumanMessage("Viết một ý về trách nhiệm của Sở Nội vụ.")]
    replies = [embedded.invoke(messages, max_tokens=24, temperature=1.2).content
               for messages in (purpose, duties, MESSAGES, purpose)]
    assert replies[0] == replies[3] and replies[0] != replies[1]


@pytest.mark.llm
def test_openai_backend_against_real_local_server(embedded, tmp_path):
    # The loaded llama.cpp also serves the OpenAI HTTP API on loopback; the openai backend talks to it over HTTP.
    base_url = embedded.load().listening_address + "/v1"
    assert base_url.startswith("http://127.0.0.1:")
    settings = Settings(home=tmp_path, llm_backend="openai", openai_base_url=base_url, llm_timeout_s=60,
                        llm_temperature=0.0)
    model = make_chat_model(settings)
    deltas = [chunk.content for chunk in model.stream(MESSAGES, max_tokens=8)]
    assert len([d for d in deltas if d]) >= 2 and VIETNAMESE.intersection("".join(deltas).lower())


class RecordingServer:
    """Stands in for xllamacpp's server: records each request and replies with one token."""

    def __init__(self):
        self.requests: list[dict] = []

    def handle_chat_completions(self, request: dict, on_chunk=None) -> dict:
        self.requests.append(request)
        if on_chunk:
            on_chunk({"choices": [{"delta": {"content": "Hà Nội"}, "finish_reason": "stop"}]})
            return {}
        return {"choices": [{"message": {"content": "Hà Nội"}, "finish_reason": "stop"}]}


@pytest.mark.parametrize("call", ["invoke", "stream"])
def test_each_request_first_cuts_the_prompt_cache_back_to_the_system_prompt(call):
    model = LlamaCppChatModel(model_path="unused.gguf")
    model._server = server = RecordingServer()
    for _ in range(2):
        list(model.stream(MESSAGES)) if call == "stream" else model.invoke(MESSAGES)
    system_only, asked = server.requests[0], server.requests[1]
    assert len(server.requests) == 4 and server.requests[3] == asked
    assert system_only["messages"] == [{"role": "system", "content": MESSAGES[0].content}]
    assert system_only["max_tokens"] == 1 and asked["cache_prompt"]
    assert not system_only["cache_prompt"] and server.requests[2] == {**system_only, "cache_prompt": True}
    assert [m["role"] for m in asked["messages"]] == ["system", "user"]


def test_a_request_following_the_previous_one_keeps_its_prompt_cache():
    """Another thing asked of the same passages is not preceded by the request that cuts the cache back."""
    model = LlamaCppChatModel(model_path="unused.gguf")
    model._server = server = RecordingServer()
    list(model.stream(MESSAGES))
    list(model.stream(MESSAGES, follows_previous=True))
    assert [r["max_tokens"] == 1 for r in server.requests] == [True, False, False]
    assert server.requests[2] == server.requests[1]


def test_another_system_prompt_than_the_cached_one_is_read_from_scratch():
    """After drafting (another system prompt) or a prompt without one, the Q&A system prompt is computed anew, not
    from the few template tokens the prompts share: its cache is then the same whatever was asked before."""
    model = LlamaCppChatModel(model_path="unused.gguf")
    model._server = server = RecordingServer()
    drafting = [SystemMessage("Bạn là chuyên viên soạn thảo."), MESSAGES[1]]
    for messages in (MESSAGES, MESSAGES, drafting, MESSAGES, MESSAGES[1:], MESSAGES):
        model.invoke(messages)
    primes = [r["cache_prompt"] for r in server.requests if r["max_tokens"] == 1]
    assert primes == [False, True, False, False, False]


def test_the_text_a_drafts_sections_share_stays_cached_between_them():
    """A draft's sections send the plan's shared text as a message before each section's own request: the prefix
    request carries it, and is read from the cache while the shared text stays the same."""
    model = LlamaCppChatModel(model_path="unused.gguf")
    model._server = server = RecordingServer()
    system = SystemMessage("Bạn là chuyên viên soạn thảo.")
    plan, other_plan = HumanMessage("Kế hoạch của UBND tỉnh Lâm Đồng …"), HumanMessage("Kế hoạch của UBND tỉnh Gia Lai …")
    for shared, task in ((plan, "Viết mục đích."), (plan, "Viết yêu cầu."), (other_plan, "Viết mục đích.")):
        model.invoke([system, shared, HumanMessage(task)])
    primes = [r for r in server.requests if r["max_tokens"] == 1]
    assert [p["messages"][-1]["content"] for p in primes] == [plan.content, plan.content, other_plan.content]
    assert [p["cache_prompt"] for p in primes] == [False, True, False]
    assert all(len(r["messages"]) == 3 for r in server.requests if r["max_tokens"] != 1)


def test_the_server_backend_sends_a_drafts_shared_text_and_request_as_one_user_turn(tmp_path):
    """Some servers' chat templates refuse two user turns in a row: the OpenAI-compatible backend joins them, the
    shared text first (a server's own prefix cache still reuses it)."""
    model = make_chat_model(Settings(home=tmp_path, llm_backend="openai", openai_base_url="http://127.0.0.1:9/v1"))
    messages = [SystemMessage("Bạn là chuyên viên."), HumanMessage("Kế hoạch của UBND tỉnh Lâm Đồng …"),
                HumanMessage("Viết mục đích."), AIMessage("- Ý một."), HumanMessage("Viết yêu cầu.")]
    payload = model._get_request_payload(messages, follows_previous=True)
    assert "follows_previous" not in payload  # a hint to the embedded backend, no field of the API
    sent = payload["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "Kế hoạch của UBND tỉnh Lâm Đồng …\n\nViết mục đích."


def test_without_a_system_prompt_or_prompt_cache_a_request_goes_alone():
    for model, messages in ((LlamaCppChatModel(model_path="unused.gguf"), MESSAGES[1:]),
                            (LlamaCppChatModel(model_path="unused.gguf", cache_prompt=False), MESSAGES)):
        model._server = server = RecordingServer()
        model.invoke(messages)
        assert len(server.requests) == 1 and len(server.requests[0]["messages"]) == len(messages)


def test_seed_minus_one_leaves_every_draw_random_on_both_backends(tmp_path):
    """`llm_seed=-1` sends no seed at all (one rule, `Settings.llm_request_seed`); a fixed seed is sent as is."""
    random = Settings(home=tmp_path, llm_seed=-1)
    assert make_chat_model(random.model_copy(update={"llm_backend": "openai"})).seed is None
    embedded = LlamaCppChatModel(model_path="unused.gguf", seed=random.llm_request_seed)
    assert "seed" not in embedded._request([HumanMessage(content="Chào")], None, False)
    fixed = LlamaCppChatModel(model_path="unused.gguf", seed=Settings(home=tmp_path, llm_seed=7).llm_request_seed)
    assert fixed._request([HumanMessage(content="Chào")], None, False)["seed"] == 7
