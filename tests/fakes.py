"""The one fake chat-model base the tests share: a subclass says what to reply, generation and streaming live here."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


class TextReplyChat(BaseChatModel):
    """Replies with `_reply(messages)`, streamed in pieces of `stream_chunk_chars` like a real model's deltas."""

    stream_chunk_chars: int = 5

    def _reply(self, messages) -> str:
        raise NotImplementedError

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._reply(messages)))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        text = self._reply(messages)
        for start in range(0, len(text), self.stream_chunk_chars):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[start:start + self.stream_chunk_chars]))


class PromptRecorder(TextReplyChat):
    """Keeps each conversation it is sent (all messages, joined) and answers with one plan-style item."""

    prompts: list = []

    @property
    def _llm_type(self) -> str:
        return "prompt-recorder"

    def _reply(self, messages) -> str:
        self.prompts.append("\n".join(str(m.content) for m in messages))
        return "- Phát huy tinh thần thi đua của cán bộ, công chức và Nhân dân."
