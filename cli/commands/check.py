"""`plan-assistant check FILE.docx [--json] [--fix OUT.docx]`: thể thức per Nghị định 30/2020/NĐ-CP, Phụ lục I.

Exit codes like a linter: 0 no error (warnings allowed), 1 at least one error, 2 the file cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from cli.main import print_json
from assistant.services import Services

SEVERITY = {"error": "LỖI", "warning": "CẢNH BÁO"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="Kiểm tra thể thức văn bản theo Nghị định 30/2020/NĐ-CP / check a DOCX's format")
    parser.add_argument("file", type=Path, help="tệp DOCX cần kiểm tra")
    parser.add_argument("--fix", type=Path, metavar="OUT.docx",
                        help="ghi bản đã sửa các lỗi sửa được tự động / write a fixed copy")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON / print JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    checker = Services().format_checker
    if args.fix:
        before, report = checker.fix(args.file, args.fix)
    else:
        before, report = None, checker.check(args.file)
    if args.json:
        payload = report.to_dict()
        if before is not None:
            payload["fixed"] = {"out": str(args.fix), "before": before.to_dict()}
        print_json(payload)
        return report.exit_code
    if before is not None:
        repaired = sum(f.fixable for f in before.findings)
        print(f"Đã sửa {repaired} lỗi, ghi vào / fixed {repaired}, written to: {args.fix}")
    for finding in report.findings:
        print(finding_line(finding))
    print(f"{report.errors} lỗi, {report.warnings} cảnh báo / {report.errors} errors, {report.warnings} warnings")
    return report.exit_code


def finding_line(finding) -> str:
    where = f"đoạn {finding.paragraph}" if finding.paragraph else "trang"
    excerpt = f" «{finding.excerpt}»" if finding.excerpt else ""
    head = f"{SEVERITY[finding.severity]} [{finding.code}] {where}{excerpt}: {finding.found}"
    return f"{head}\n    Yêu cầu: {finding.expected}\n    Theo: {finding.rule}" + (" (sửa tự động được)"
                                                                              if finding.fixable else "")
