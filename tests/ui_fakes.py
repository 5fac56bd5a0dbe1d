"""A fake chat model for the web-app tests: answers from the passages it is given, so citations verify for real.

Q&A prompts get the line of passage [1] sharing most words with the question (one with a figure when a date or
number is asked) with the marker [1]; follow-up rewrites get the question back;
drafting prompts get three plan-style items. It streams in small pieces, like the embedded model; drafting calls can
be slowed down to show that a long draft does not block other sessions.
"""

from __future__ import annotations

import re
import time

from fakes import TextReplyChat

DRAFT_ITEMS = ("- Tổ chức phát động phong trào thi đua sâu rộng trong cán bộ, công chức, viên chức và Nhân dân;\n"
               "- Biểu dương, khen thưởng kịp thời các tập thể, cá nhân có thành tích xuất sắc trong phong trào;\n"
               "- Phong trào thi đua được triển khai thiết thực, hiệu quả, tránh hình thức, lãng phí.")


def reply_for(prompt: str) -> str:
    if "<tai_lieu>" in prompt:
        body = re.search(r"^\[1\] \(.*?\)\n(.+?)(?:\n\[2\] \(|\n</tai_lieu>)", prompt, re.S | re.M)
        question = set(re.search(r"Câu hỏi: (.+)", prompt).group(1).lower().split())
        lines = [" ".join(line.split()) for line in (body.group(1).split("\n") if body else []) if line.strip()]
        wants_figure = bool(question & {"nào?", "nhiêu?", "ngày", "khi", "hạn"})

        def fit(line: str) -> int:  # words shared with the question; a figure when one is asked for
            return len(question & set(line.lower().split())) + 3 * (wants_figure and bool(re.search(r"\d", line)))

        best = max(lines, key=fit, default="")
        sentence = best.rstrip(".;: ")
        return f"{sentence} [1]." if sentence else "Các đoạn tài liệu không trả lời câu hỏi này."
    if "Câu hỏi đầy đủ:" in prompt:
        return re.search(r"Câu hỏi tiếp theo: (.+)", prompt).group(1).strip()
    return DRAFT_ITEMS


class PassageEchoChat(TextReplyChat):
    draft_delay_s: float = 0.0
    stream_chunk_chars: int = 6
    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "passage-echo"

    def _reply(self, messages) -> str:
        self.calls += 1
        reply = reply_for("\n".join(str(m.content) for m in messages))
        if reply == DRAFT_ITEMS:
            time.sleep(self.draft_delay_s)
        return reply

