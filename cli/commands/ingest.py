"""`plan-assistant ingest PATH...`: add files and folders to the library, one result line per file."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.main import print_json
from assistant.services import Services

_STATUS_VI = {"added": "đã thêm", "updated": "đã cập nhật", "unchanged": "không đổi", "error": "LỖI"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("ingest", help="Đưa tệp/thư mục vào thư viện (PDF, DOCX, TXT, MD).")
    parser.add_argument("paths", nargs="+", type=Path, help="tệp hoặc thư mục")
    parser.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    library = Services().library

    def progress(number: int, total: int, result) -> None:
        if args.json:
            return
        note = f" — {result.message}" if result.message else f" ({result.chunks} đoạn)"
        print(f"[{number}/{total}] {result.source}: {_STATUS_VI[result.status]}{note}", file=sys.stderr, flush=True)

    results = library.ingest_paths(args.paths, progress=progress)
    errors = sum(result.status == "error" for result in results)
    if args.json:
        print_json({"results": [result.to_dict() for result in results], "errors": errors,
                    "chunks_total": library.chunk_count()})
    else:
        print(f"Xong: {len(results) - errors}/{len(results)} tệp, {library.chunk_count()} đoạn trong thư viện."
              f" / Done: {len(results) - errors} of {len(results)} files.")
    return 1 if errors and errors == len(results) else 0
