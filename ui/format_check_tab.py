"""The «Kiểm tra thể thức» tab: upload a DOCX, see its findings against Nghị định 30/2020/NĐ-CP (Phụ lục I), each with
the clause it comes from, and download a copy with the mechanical defects repaired. Layout and plain handlers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from core.errors import AssistantError
from ui import handlers as h

SEVERITY = {"error": "Lỗi", "warning": "Cảnh báo"}
EMPTY = "_Chọn tệp DOCX rồi bấm «Kiểm tra»._"


def _citation_block(citation: dict | None) -> str:
    if not citation or not citation.get("text"):
        return f"<i>Căn cứ: {h.esc((citation or {}).get('section', ''))}</i>" if citation else ""
    return h.citation_html(citation)


def findings_markdown(report: dict) -> str:
    """Every finding: severity, code, where, what was found and what the rule asks, then the clause's passage."""
    if not report["findings"]:
        return "✓ Không phát hiện lỗi thể thức nào."
    blocks = []
    for finding in report["findings"]:
        where = finding["where"]
        place = f"đoạn {where['paragraph']}" if where["paragraph"] else "trang"
        excerpt = f" «{h.esc(where['excerpt'])}»" if where["excerpt"] else ""
        fixable = " · <i>sửa tự động được</i>" if finding["fixable"] else ""
        blocks.append(
            f'<div class="the-thuc the-thuc-{finding["severity"]}"><b>{SEVERITY[finding["severity"]]}</b> '
            f'<code>[{h.esc(finding["code"])}]</code> {place}{excerpt}: {h.esc(finding["found"])}<br>'
            f'<b>Yêu cầu:</b> {h.esc(finding["expected"])}<br><b>Theo:</b> {h.esc(finding["rule"])}{fixable}<br>'
            f'{_citation_block(finding["citation"])}</div>')
    return "\n".join(blocks)


def summary_markdown(report: dict, fixed: int | None = None) -> str:
    head = f"**{h.esc(report['file'])}**: {report['errors']} lỗi, {report['warnings']} cảnh báo"
    if fixed is not None:
        head = f"Đã sửa tự động {fixed} lỗi. Còn lại — {head}"
    return head + "."


def check_file(services, path: str | None) -> tuple[str, str]:
    """(summary, findings) of one uploaded DOCX."""
    if not path:
        return EMPTY, ""
    report = services.format_checker.check(Path(path)).to_dict()
    return summary_markdown(report), findings_markdown(report)


def fix_file(services, path: str | None) -> tuple[str, str, str | None]:
    """(summary, findings left, path of the repaired copy)."""
    if not path:
        return EMPTY, "", None
    source = Path(path)
    out = Path(tempfile.mkdtemp(prefix="the-thuc-")) / f"{source.stem}-da-sua.docx"
    before, after = services.format_checker.fix(source, out)
    report = after.to_dict()
    report["file"] = out.name
    return summary_markdown(report, sum(f.fixable for f in before.findings)), findings_markdown(report), str(out)


def build_format_check_tab(services) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Kiểm tra thể thức\nĐối chiếu tệp DOCX với Nghị định 30/2020/NĐ-CP, Phụ lục I: khổ giấy, "
                        "lề, phông chữ, Quốc hiệu, số ký hiệu, ngày tháng, căn cứ, đề mục, chữ ký, nơi nhận.")
            upload = gr.File(label="Tệp DOCX", file_types=[".docx"], elem_id="check-file", height=120)
            check = gr.Button("Kiểm tra", variant="primary", elem_id="check-button")
            fix = gr.Button("Sửa lỗi tự động", elem_id="fix-button")
            fixed = gr.File(label="Tải về bản đã sửa", interactive=False, elem_id="fixed-file", height=110)
        with gr.Column(scale=5, min_width=420):
            summary = gr.Markdown(EMPTY, elem_id="check-summary")
            findings = gr.Markdown(elem_id="check-findings", sanitize_html=True)

    def run_check(path):
        try:
            return (*check_file(services, path), None)
        except AssistantError as error:
            gr.Warning(error.message_vi)
            return f"⚠ {h.esc(error.message_vi)}", "", None

    def run_fix(path):
        try:
            return fix_file(services, path)
        except AssistantError as error:
            gr.Warning(error.message_vi)
            return f"⚠ {h.esc(error.message_vi)}", "", None

    check.click(run_check, inputs=upload, outputs=[summary, findings, fixed], concurrency_id="the-thuc",
                concurrency_limit=2)
    fix.click(run_fix, inputs=upload, outputs=[summary, findings, fixed], concurrency_id="the-thuc",
              concurrency_limit=2)
