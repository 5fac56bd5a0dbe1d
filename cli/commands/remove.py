"""`plan-assistant remove DOC`: delete a document (by its file name as ingested) from the library."""

from __future__ import annotations

from cli.main import print_json
from assistant.services import Services


def register(subparsers) -> None:
    parser = subparsers.add_parser("remove", help="Xóa một tài liệu khỏi thư viện.")
    parser.add_argument("source", help="tên tệp như khi đưa vào thư viện")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args) -> int:
    removed = Services().library.remove(args.source)
    if args.json:
        print_json({"source": args.source, "chunks_removed": removed})
    else:
        print(f"Đã xóa {args.source} ({removed} đoạn). / Removed.")
    return 0
