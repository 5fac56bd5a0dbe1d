"""`plan-assistant search "câu hỏi" -k 5`: the passages retrieval finds, without the LLM."""

from __future__ import annotations

from cli.main import print_json, read_again
from core.errors import InvalidQuestionError
from assistant.services import Services


def register(subparsers) -> None:
    parser = subparsers.add_parser("search", help="Tìm đoạn văn bản liên quan (không dùng LLM).")
    parser.add_argument("query")
    parser.add_argument("-k", type=int, default=None, help="số kết quả")
    parser.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    parser.add_argument("--province")
    parser.add_argument("--type", dest="doc_type")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if not args.query.strip():
        raise InvalidQuestionError("Câu tìm kiếm trống.", "The search query is empty.")
    hits = read_again(Services()).library.search(args.query, k=args.k, mode=args.mode,
                                                 filters={"province": args.province, "doc_type": args.doc_type})
    if args.json:
        print_json({"results": [hit.to_dict() for hit in hits]})
        return 0
    for number, hit in enumerate(hits, start=1):
        meta = hit.chunk.metadata
        where = " · ".join(filter(None, [meta.doc_number, hit.chunk.section,
                                         f"trang {hit.chunk.page}" if hit.chunk.page else ""]))
        print(f"[{number}] {hit.chunk.source} ({hit.score:.4f})\n    {where}\n    {hit.chunk.text[:300]}\n")
    return 0
