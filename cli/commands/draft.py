"""`plan-assistant draft`: draft a Kế hoạch or a công văn, from source documents, to DOCX (and Markdown / JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.main import print_json, read_again
from assistant.docx_writer import write_docx
from assistant.drafting import DraftRequest
from assistant.services import Services


def register(subparsers) -> None:
    parser = subparsers.add_parser("draft", help="Soạn kế hoạch phát động phong trào thi đua / draft a campaign plan")
    parser.add_argument("--province", required=True, help="tỉnh/thành phố, ví dụ \"Lâm Đồng\"")
    parser.add_argument("--period", required=True, help="thời gian, ví dụ \"năm 2026\"")
    parser.add_argument("--theme", required=True, help="chủ đề hoặc dịp phát động")
    parser.add_argument("--focus", action="append", default=[], help="lĩnh vực trọng tâm (lặp lại hoặc cách bằng ;)")
    parser.add_argument("--slogan", default="", help="khẩu hiệu / chủ đề năm")
    parser.add_argument("--issuer", default="", help="cơ quan ban hành (mặc định: Ủy ban nhân dân tỉnh/thành phố)")
    parser.add_argument("--signer-title", default="", help="chức vụ người ký, ví dụ \"Phó Chủ tịch\"")
    parser.add_argument("--signer-name", default="", help="họ tên người ký")
    parser.add_argument("--deadline", default="", help="hạn báo cáo, ví dụ \"30/11/2026\"")
    parser.add_argument("--extra", default="", help="yêu cầu thêm cho bản thảo")
    parser.add_argument("--source", action="append", default=[],
                        help="văn bản nguồn cần triển khai (tên tệp, số ký hiệu như 0125/KH-UBND, hoặc tên loại và số "
                             "như \"Kế hoạch 125\"); lặp lại được")
    parser.add_argument("--doc-type", default="ke-hoach", choices=["ke-hoach", "cong-van"],
                        help="loại văn bản: ke-hoach (mặc định) hoặc cong-van")
    parser.add_argument("--recipients", default="", help="công văn: danh sách «Kính gửi», cách nhau bằng ;")
    parser.add_argument("--appendix", action="store_true",
                        help="thêm bảng đối chiếu nội dung văn bản nguồn vào cuối tệp Markdown")
    parser.add_argument("--out", required=True, type=Path, help="tệp DOCX đầu ra")
    parser.add_argument("--markdown-out", type=Path, help="tệp Markdown đầu ra")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    parser.set_defaults(handler=run)


def _progress(title: str, index: int, total: int) -> None:
    print(f"[{index}/{total}] {title} …", file=sys.stderr, flush=True)


def run(args) -> int:
    request = DraftRequest(
        province=args.province, period=args.period, theme=args.theme, focus=args.focus, slogan=args.slogan,
        issuer=args.issuer, signer_title=args.signer_title, signer_name=args.signer_name,
        report_deadline=args.deadline, extra_instructions=args.extra, sources=args.source,
        doc_type=args.doc_type, recipients=args.recipients,
    ).validated()
    services = Services()
    if services.library.chunk_count() == 0 and services.ensure_sample_library():
        print("Đã nạp thư viện mẫu / sample library ingested.", file=sys.stderr)
    read_again(services)
    draft = services.drafter.draft(request, progress=_progress)
    write_docx(draft, args.out)
    if args.markdown_out:
        args.markdown_out.parent.mkdir(parents=True, exist_ok=True)
        args.markdown_out.write_text(draft.markdown(appendix=args.appendix), encoding="utf-8")
    if args.json:
        print_json(draft.to_dict())
        return 0
    print(f"Đã ghi / written: {args.out}" + (f", {args.markdown_out}" if args.markdown_out else ""))
    print(f"Thời gian / time: {draft.timings.get('total_s')} s")
    for warning in draft.warnings:
        print(f"Cảnh báo / warning: {warning}")
    if draft.coverage:
        placed = sum(row.placed for row in draft.coverage)
        print(f"Đối chiếu văn bản nguồn / coverage: {placed}/{len(draft.coverage)} mục đã đưa vào")
        for row in draft.missing():
            print(f"  chưa đưa vào / not placed: [{row.item.kind}] {row.item.text[:100]}")
    return 0
