"""`plan-assistant feedback list|export`: staff ratings of answers (👍/👎, reasons, corrections) from the web app.

`export` writes the ratings that say what the right answer is — a 👍, a 👎 with a correction, a 👎 "lẽ ra phải từ
chối" — as lines of the development-set format that `eval qa` reads (`id`, `question`, `answer`, `type`,
`source_file`, `evidence` from the cited passages, verbatim; plus `origin`, which the loader ignores).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant import history as hs
from assistant.services import Services
from cli.main import print_json
from core.settings import get_settings


def register(subparsers) -> None:
    parser = subparsers.add_parser("feedback", help="Phản hồi của cán bộ về câu trả lời / staff feedback on answers")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, help_text in (("list", "liệt kê phản hồi / list ratings"),
                            ("export", "xuất thành tập đánh giá cho `eval qa` / export as an eval qa dataset")):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("--since", default=None, help="chỉ lấy từ ngày này (YYYY-MM-DD hoặc dd/mm/yyyy)")
        action.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")
        if name == "export":
            action.add_argument("--out", type=Path, default=None,
                                help="tệp JSONL để ghi (mặc định in ra màn hình) / JSONL file to write (default stdout)")
        action.set_defaults(handler=run)


def run(args) -> int:
    since = hs.parse_since(args.since)
    store = Services(get_settings()).history
    if args.action == "list":
        return _list(store.feedback(since=since), args.json)
    items = store.feedback(since=since, newest_first=False)
    rows = [row for row in map(hs.qa_item, items) if row is not None]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(lines, encoding="utf-8")
    summary = {"exported": len(rows), "skipped": len(items) - len(rows), "path": str(args.out) if args.out else None}
    if args.json:
        print_json({**summary, "items": rows})
    else:
        if not args.out:
            sys.stdout.write(lines)
        print(f"Đã xuất {len(rows)} mục, bỏ qua {len(items) - len(rows)} đánh giá không có câu trả lời đúng"
              f"{f' → {args.out}' if args.out else ''} / exported {len(rows)}, skipped {len(items) - len(rows)}.",
              file=sys.stderr)
    return 0


def _list(items: list[hs.Feedback], as_json: bool) -> int:
    if as_json:
        print_json([{"id": f.id, "created": f.created, "rating": f.rating, "reasons": f.reasons,
                     "correction": f.correction, "question": f.question, "answer": f.answer, "refused": f.refused,
                     "citations": [c.get("source") for c in f.citations], "version": f.version,
                     "exportable": f.exportable} for f in items])
        return 0
    if not items:
        print("Chưa có phản hồi nào / no feedback yet.")
        return 0
    for f in items:
        mark = "👍" if f.rating == hs.UP else "👎"
        extra = " · ".join(p for p in ("; ".join(f.reasons), f"đúng: {f.correction}" if f.correction else "") if p)
        print(f"#{f.id} {hs.display_time(f.created)} {mark} {f.question}" + (f"\n    {extra}" if extra else ""))
    return 0
