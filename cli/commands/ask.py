"""`plan-assistant ask "câu hỏi"`: a cited answer from the library, streamed as it is written."""

from __future__ import annotations

import sys

from cli.main import print_json, read_again
from assistant.services import Services
from core.settings import get_settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("ask", help="Hỏi đáp có trích dẫn / ask a question about the library")
    parser.add_argument("question", help="câu hỏi bằng tiếng Việt")
    parser.add_argument("-k", type=int, default=None, help="số đoạn tài liệu dùng để trả lời / passages to use")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    settings = get_settings()
    if args.k:
        settings = settings.model_copy(update={"retrieval_k": args.k})
    chain = read_again(Services(settings)).qa
    if args.json:
        print_json(chain.ask(args.question).to_dict())
        return 0
    streamed = ""
    answer = None
    for event in chain.stream(args.question):
        if event.kind == "status":
            print(event.text, file=sys.stderr, flush=True)
        elif event.kind == "token":
            streamed += event.text
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif event.kind == "answer":
            answer = event.answer
    print()
    if answer.answer.strip() != streamed.strip():
        # The streamed draft was corrected (unsupported sentences dropped, citations renumbered): show the result.
        print("\nCâu trả lời đã kiểm tra / verified answer:")
        print(answer.answer)
    if answer.citations:
        heading = "Các đoạn gần nhất / closest passages:" if answer.refused else "Nguồn / sources:"
        print(f"\n{heading}")
        for citation in answer.citations:
            print(_citation_line(citation))
    return 0


def _citation_line(citation) -> str:
    parts = [citation.doc_number, citation.title or citation.source]
    where = [f"mục {citation.section}" if citation.section else "", f"trang {citation.page}" if citation.page else ""]
    text = " ".join(citation.text.split())
    snippet = text if len(text) <= 200 else text[:199] + "…"
    label = " — ".join(p for p in parts if p)
    location = ", ".join(w for w in where if w)
    return f"[{citation.n}] {label}" + (f" ({location})" if location else "") + f" [{citation.source}]\n    “{snippet}”"
