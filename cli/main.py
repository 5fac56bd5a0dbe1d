"""`plan-assistant` command line: each subcommand lives in `cli/commands/<name>.py` with `register()`."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys

from cli import commands
from core.errors import AssistantError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plan-assistant",
        description="Trợ lý Kế hoạch Thi đua — hỏi đáp có trích dẫn và soạn kế hoạch thi đua.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def print_json(payload: object) -> None:
    """Every `--json` output goes through here: UTF-8, no ASCII escaping."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def read_again(services):
    """The library as this version reads it: documents an older version read are read again first (the first use
    after an upgrade), one line each on stderr. Returns `services`."""
    services.refresh_outdated(progress=lambda number, total, result: print(
        f"Đọc lại theo phiên bản mới / re-reading [{number}/{total}]: {result.source}", file=sys.stderr, flush=True))
    return services


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except AssistantError as error:
        if getattr(args, "json", False):
            print_json({"error": error.message_en, "error_vi": error.message_vi, "detail": error.detail})
        else:
            detail = f": {error.detail}" if error.detail else ""
            print(f"Lỗi / Error: {error.for_cli()}{detail}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng / Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
