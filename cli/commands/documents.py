"""`plan-assistant documents`: the library's documents with their metadata."""

from __future__ import annotations

from cli.main import print_json
from assistant.services import Services


def register(subparsers) -> None:
    parser = subparsers.add_parser("documents", help="Liệt kê tài liệu trong thư viện.")
    parser.add_argument("--province", help="lọc theo tỉnh/thành phố")
    parser.add_argument("--type", dest="doc_type", help="lọc theo loại văn bản (ke-hoach, chi-thi, ...)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args) -> int:
    records = Services().library.documents({"province": args.province, "doc_type": args.doc_type})
    if args.json:
        print_json({"documents": [record.to_dict() for record in records]})
        return 0
    for record in records:
        meta = record.metadata
        facts = " · ".join(filter(None, [meta.doc_number, meta.date, meta.province, meta.doc_type]))
        print(f"{record.source}\n    {meta.title}\n    {facts} · {record.chunk_count} đoạn")
    print(f"{len(records)} tài liệu / documents")
    return 0
