"""`plan-assistant ingest PATH...`: add files and folders to the library, one result line per file."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.main import print_json
from assistant.services import Services

_STATUS_VI = {"added": "đã thêm", "updated": "đã cập nhật", "unchanged": "không đổi", "error": "LỖI"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("ingest", help="Đưa tệp/thư mục vào thư viện (PDF kể cả bản quét, DOCX, DOC, ODT, HTML, TXT, MD).")
    parser.add_argument("paths", nargs="+", type=Path, help="tệp hoặc thư mục")
    parser.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    library = Services().library

    def progress(number: int, total: int, result) -> None:
        if args.json:
            return
        if result.status == "error":
            note = f" — {result.message}"
        else:
            scanned = f", {result.ocr_pages} trang đọc bằng OCR" if result.ocr_pages else ""
            note = f" ({result.chunks} đoạn{scanned})" + (f" — ⚠ {result.message}" if result.message else "")
        end_bar()
        print(f"[{number}/{total}] {result.source}: {_STATUS_VI[result.status]}{note}", file=sys.stderr, flush=True)

    bar = {"shown": False}

    def end_bar() -> None:
        if bar["shown"]:
            print(file=sys.stderr, flush=True)
            bar["shown"] = False

    def page_progress(source: str, done: int, total: int, page: int) -> None:
        """One OCR progress bar per scanned file, redrawn in place on a terminal, one line per page otherwise."""
        if args.json:
            return
        filled = round(20 * done / total) if total else 20
        line = f"  {source}: nhận dạng OCR [{'#' * filled}{'.' * (20 - filled)}] {done}/{total} trang (trang {page})"
        if sys.stderr.isatty():
            print(f"\r{line}", end="", file=sys.stderr, flush=True)
            bar["shown"] = True
        elif done < total:
            print(line, file=sys.stderr, flush=True)

    results = library.ingest_paths(args.paths, progress=progress, page_progress=page_progress)
    errors = sum(result.status == "error" for result in results)
    if args.json:
        print_json({"results": [result.to_dict() for result in results], "errors": errors,
                    "chunks_total": library.chunk_count()})
    else:
        print(f"Xong: {len(results) - errors}/{len(results)} tệp, {library.chunk_count()} đoạn trong thư viện."
              f" / Done: {len(results) - errors} of {len(results)} files.")
    return 1 if errors and errors == len(results) else 0
