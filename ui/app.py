"""The Gradio app: four tabs wired to `ui.handlers`. Layout and wiring only; the logic is in the handlers.

Concurrency: chat turns and drafting run in separate queues (`concurrency_id`), so a long draft never holds up the
library tab or searches; the embedded LLM itself takes one generation at a time. Each browser session keeps its own
conversation and draft in `gr.State`.
"""

from __future__ import annotations

import gradio as gr

from core.errors import AssistantError
from core.vietnamese import PROVINCES
from assistant.services import supported_extensions
from ui import handlers as h
from ui import history_feedback as hf
from ui.format_check_tab import build_format_check_tab
from ui.startup import Startup

TITLE = "Trợ lý Kế hoạch Thi đua"
CSS = """
.gradio-container {max-width: 1280px !important; margin: auto;}
#app-header {border-bottom: 3px solid #b91c1c; padding-bottom: 6px; margin-bottom: 4px;}
#app-header h1 {color: #991b1b; margin-bottom: 0;}
#banner {background: #fef3c7; border-left: 4px solid #d97706; padding: 6px 12px; border-radius: 4px;}
#library-table *, #upload-results * {font-family: "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial,
                                      sans-serif !important;}
details.trich-dan {border: 1px solid #e5e7eb; border-radius: 6px; padding: 4px 10px; margin: 4px 0;
                   background: #fafafa;}
details.trich-dan summary {cursor: pointer;}
.trich-dan-meta {font-size: 0.9em; color: #4b5563; margin: 6px 0;}
blockquote.trich-dan-doan {border-left: 3px solid #b91c1c; margin: 4px 0; padding-left: 10px; white-space: normal;}
#draft-text textarea {font-family: "Times New Roman", serif; font-size: 15px; line-height: 1.45;}
"""
CHAT_EXAMPLES = [
    "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk ban hành ngày nào?",
    "Nghị quyết 394/NQ-CP phát động phong trào gì?",
    "Theo Nghị định 30/2020/NĐ-CP, văn bản hành chính dùng phông chữ gì?",
]
# Gradio's own widget texts (upload area, queue) in Vietnamese, whatever the browser's language.
_WIDGET_TEXT = {
    "upload_text.drop_file": "Kéo thả tệp vào đây", "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc", "upload_text.or": "hoặc", "common.clear": "Xóa", "common.submit": "Gửi",
    "common.loading": "Đang tải", "common.error": "Lỗi", "common.warning": "Cảnh báo", "common.info": "Thông tin",
    "chatbot.copy": "Sao chép", "chatbot.copied": "Đã sao chép", "common.no_files": "Chưa có tệp",
    "queue.queue_position": "Đang xếp hàng: {position}/{size}", "login.login": "Đăng nhập",
    "login.username": "Tên đăng nhập", "login.password": "Mật khẩu",
    "chatbot.like": "Câu trả lời tốt", "chatbot.dislike": "Câu trả lời chưa đúng",
}


def _warn(error: AssistantError) -> str:
    gr.Warning(error.message_vi)
    return f"⚠ {h.esc(error.message_vi)}"


def build_app(services, startup: Startup | None = None) -> gr.Blocks:
    """The whole web app for one set of services; `startup` reports first-start progress (ready if omitted)."""
    if startup is None:
        startup = Startup()
        startup.mark_ready()
    with gr.Blocks(title=TITLE) as demo:
        with gr.Column(elem_id="app-header"):
            gr.Markdown(f"# {TITLE}\nHỏi đáp có trích dẫn về văn bản thi đua, khen thưởng · Soạn Kế hoạch phát động "
                        "phong trào thi đua theo Nghị định 30/2020/NĐ-CP")
        banner = gr.Markdown(startup.banner(), elem_id="banner", visible=bool(startup.banner()))
        timer = gr.Timer(1.0, active=bool(startup.banner()) or not startup.ready)
        with gr.Tabs() as tabs:
            with gr.Tab("Hỏi đáp", id="hoi-dap"):
                recorder = _chat_tab(services, startup)
            with gr.Tab("Soạn kế hoạch", id="soan-ke-hoach"):
                draft_parts = _draft_tab(services)
            with gr.Tab("Kiểm tra thể thức", id="kiem-tra-the-thuc"):
                build_format_check_tab(services)
            with gr.Tab("Thư viện tài liệu", id="thu-vien") as library_tab:
                refresh_library = _library_tab(services)
            with gr.Tab("Lịch sử", id="lich-su") as history_tab:
                hf.history_tab(demo, services, recorder, draft_parts, tabs, history_tab)
            with gr.Tab("Trạng thái", id="trang-thai") as status_tab:
                status = gr.Markdown(elem_id="status-table")
                feedback_summary, show_feedback = hf.feedback_section(services)
                with gr.Row():
                    refresh_status = gr.Button("Làm mới", size="sm", scale=0, min_width=120)

        def show_status():
            return h.status_markdown(h.status_info(services, startup))

        def tick():
            text = startup.banner()
            return gr.Markdown(text, visible=bool(text)), gr.Timer(active=bool(text))

        for trigger in (timer.tick, demo.load):
            trigger(tick, outputs=[banner, timer], show_progress="hidden", queue=False)
        for trigger in (status_tab.select, refresh_status.click, demo.load):
            trigger(show_status, outputs=status, show_progress="hidden")
            trigger(show_feedback, outputs=feedback_summary, show_progress="hidden")
        library_tab.select(**refresh_library)
        demo.load(**refresh_library)
    return demo


def _chat_tab(services, startup: Startup) -> hf.ChatRecorder:
    history = gr.State([])
    chatbot = gr.Chatbot(label="Hội thoại", height=520, elem_id="chatbot", buttons=["copy"], sanitize_html=True,
                         placeholder="**Hỏi về kế hoạch, chỉ thị, văn bản trong thư viện.**  \nMỗi câu trả lời "
                                     "có trích dẫn đánh số; bấm vào trích dẫn để xem nguyên văn đoạn văn bản.",
                         feedback_options=hf.FEEDBACK_OPTIONS, layout="bubble")
    with gr.Row():
        question = gr.Textbox(placeholder="Nhập câu hỏi, ví dụ: Kế hoạch 0125/KH-UBND ban hành ngày nào?",
                              show_label=False, scale=5, elem_id="question", max_length=2000, autofocus=True)
        ask = gr.Button("Gửi câu hỏi", variant="primary", scale=1, elem_id="ask")
        new = gr.Button("Cuộc trò chuyện mới", scale=1, elem_id="new-chat")
    gr.Examples(CHAT_EXAMPLES, inputs=question, label="Câu hỏi mẫu")
    recorder = hf.ChatRecorder(services, startup, chatbot, history)  # 👍/👎 panel; stores every answered turn
    for trigger in (question.submit, ask.click):
        trigger(recorder.turn, inputs=[question, chatbot, history, *recorder.inputs],
                outputs=[chatbot, history, question, *recorder.outputs],
                concurrency_id="chat", concurrency_limit=4, show_progress="hidden")
    new.click(lambda: ([], [], ""), outputs=[chatbot, history, question], queue=False)
    chatbot.clear(lambda: [], outputs=history, queue=False)
    recorder.wire_new_conversation(new.click, chatbot.clear)
    return recorder


def _draft_tab(services) -> dict:
    draft = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320):
            gr.Markdown("### Thông tin kế hoạch")
            province = gr.Dropdown(PROVINCES[:34], label="Tỉnh/thành phố *", allow_custom_value=True,
                                   value=None, elem_id="province")
            issuer = gr.Textbox(label="Cơ quan ban hành", placeholder="Mặc định: Ủy ban nhân dân tỉnh/thành phố",
                                elem_id="issuer")
            period = gr.Textbox(label="Thời gian / giai đoạn *", placeholder="năm 2026", elem_id="period")
            theme = gr.Textbox(label="Chủ đề / dịp phát động *", lines=2, elem_id="theme",
                               placeholder="Thi đua lập thành tích chào mừng Đại hội Đảng bộ tỉnh lần thứ I")
            doc_type = gr.Radio([("Kế hoạch", "ke-hoach"), ("Công văn", "cong-van")], value="ke-hoach",
                                label="Loại văn bản", elem_id="doc-type")
            sources = gr.Dropdown(h.source_choices(services), multiselect=True, filterable=True, value=[],
                                  label="Văn bản nguồn cần triển khai (kế hoạch, chỉ thị... của cấp trên)",
                                  elem_id="draft-sources")
            with gr.Row():
                suggest = gr.Button("Gợi ý 3 văn bản phù hợp", size="sm", elem_id="suggest-sources")
                source_file = gr.UploadButton("Tải lên văn bản nguồn", size="sm", elem_id="draft-source-upload",
                                              file_types=supported_extensions())
            focus = gr.Textbox(label="Lĩnh vực trọng tâm (mỗi dòng một lĩnh vực)", lines=3, elem_id="focus",
                               placeholder="cải cách hành chính, chuyển đổi số\nxây dựng nông thôn mới")
            with gr.Row():
                signer_title = gr.Textbox(label="Chức vụ người ký", placeholder="Phó Chủ tịch", elem_id="signer-title")
                signer_name = gr.Textbox(label="Họ tên người ký", elem_id="signer-name")
            deadline = gr.Textbox(label="Hạn báo cáo kết quả", placeholder="30/11/2026", elem_id="deadline")
            with gr.Accordion("Tùy chọn thêm", open=False):
                slogan = gr.Textbox(label="Khẩu hiệu / chủ đề năm")
                extra = gr.Textbox(label="Yêu cầu thêm cho bản thảo", lines=2)
            start = gr.Button("Soạn kế hoạch", variant="primary", elem_id="draft-button")
            progress = gr.Markdown(elem_id="draft-progress")
        with gr.Column(scale=4, min_width=420):
            with gr.Tabs():
                with gr.Tab("Xem trước", id="draft-preview-tab"):
                    preview = gr.Markdown("_Bản thảo sẽ hiện ở đây sau khi bấm «Soạn kế hoạch»._",
                                          elem_id="draft-preview", height=640, container=True, padding=True)
                with gr.Tab("Sửa văn bản", id="draft-edit-tab"):
                    text = gr.Textbox(label="Bản thảo Markdown (giữ nguyên các dòng tiêu đề bắt đầu bằng «#»)",
                                      lines=26, max_lines=40, elem_id="draft-text", interactive=True, buttons=["copy"])
            with gr.Row():
                instruction = gr.Textbox(label="Sửa một mục theo yêu cầu", scale=4, elem_id="revise-instruction",
                                         placeholder="Viết lại mục II, thêm nội dung về chuyển đổi số")
                revise = gr.Button("Sửa mục", scale=1, elem_id="revise-button")
            save = gr.Button("Lưu chỉnh sửa và cập nhật tệp tải về", size="sm", elem_id="save-edits")
        with gr.Column(scale=2, min_width=260):
            docx_file = gr.File(label="Tải về DOCX", interactive=False, elem_id="docx-file", height=110)
            md_file = gr.File(label="Tải về Markdown", interactive=False, elem_id="md-file", height=110)
            warnings = gr.Markdown("#### Cần kiểm tra trước khi trình ký\nChưa có bản thảo.", elem_id="draft-warnings")
            coverage = gr.Markdown("#### Đối chiếu văn bản nguồn\nChọn văn bản nguồn để xem nội dung nào đã đưa vào.",
                                   elem_id="draft-coverage", height=420, container=True)
            missing = gr.Dropdown([], label="Mục chưa đưa vào", elem_id="missing-items")
            add_item = gr.Button("Thêm mục vào bản thảo", size="sm", elem_id="add-item")

    form = [province, issuer, period, theme, focus, signer_title, signer_name, deadline, slogan, extra, sources,
            doc_type]
    names = ["province", "issuer", "period", "theme", "focus", "signer_title", "signer_name", "deadline", "slogan",
             "extra", "sources", "doc_type"]
    outputs = [progress, text, preview, warnings, docx_file, md_file, draft]
    views = [*outputs, coverage, missing]  # what a drafting event shows; `outputs` is what the history tab restores

    def show(view: dict) -> tuple:
        if "markdown" in view:
            view = {**view, "preview": h.esc(view["markdown"])}
        keys = ["progress", "markdown", "preview", "warnings", "docx", "md", "draft", "coverage", "missing"]
        return tuple(view[key] if key in view else gr.skip() for key in keys)

    def run_draft(*values):
        try:
            for view in h.draft_plan(services, dict(zip(names, values))):
                yield show(view)
        except AssistantError as error:
            yield show({"progress": _warn(error)})

    def run_revise(current, edited, request):
        try:
            for view in h.revise_plan(services, current, edited, request):
                yield show(view)
        except AssistantError as error:
            yield show({"progress": _warn(error)})

    def run_save(current, edited):
        try:
            return show(h.save_edits(current, edited))
        except AssistantError as error:
            return show({"progress": _warn(error)})

    start.click(run_draft, inputs=form, outputs=views, concurrency_id="draft", concurrency_limit=1,
                show_progress="minimal", show_progress_on=progress)
    revise.click(run_revise, inputs=[draft, text, instruction], outputs=views, concurrency_id="draft",
                 concurrency_limit=1, show_progress="minimal", show_progress_on=progress)
    save.click(run_save, inputs=[draft, text], outputs=views, show_progress="hidden")
    text.input(h.esc, inputs=text, outputs=preview, show_progress="hidden", queue=False)

    def run_add(current, edited, item):
        try:
            return show(h.add_missing(services, current, edited, item))
        except AssistantError as error:
            return show({"progress": _warn(error)})

    def pick(*values):
        choices, value, note = h.suggest_sources(services, dict(zip(names, values)))
        return gr.update(choices=choices, value=value), note

    def uploaded(file, chosen):
        choices, value, note = h.upload_source(services, file, chosen)
        return gr.update(choices=choices, value=value), note

    add_item.click(run_add, inputs=[draft, text, missing], outputs=views, show_progress="hidden")
    suggest.click(pick, inputs=form, outputs=[sources, progress], show_progress="hidden")
    source_file.upload(uploaded, inputs=[source_file, sources], outputs=[sources, progress], concurrency_id="draft")
    sources.focus(lambda chosen: gr.update(choices=h.source_choices(services, chosen)), inputs=sources,
                  outputs=sources, show_progress="hidden", queue=False)
    return {"outputs": outputs, "start": start}


def _library_tab(services) -> dict:
    with gr.Row(equal_height=False):
        with gr.Column(scale=2):
            gr.Markdown("### Thêm tài liệu\nPDF (kể cả bản quét, đọc bằng OCR), DOCX, DOC, ODT, HTML, TXT, MD — chọn "
                        "được nhiều tệp một lúc.")
            files = gr.File(label="Tệp tài liệu", file_count="multiple", file_types=supported_extensions(),
                            elem_id="upload-files")
            add = gr.Button("Đưa vào thư viện", variant="primary", elem_id="upload-button")
            upload_status = gr.Markdown(elem_id="upload-status")
        with gr.Column(scale=3):
            gr.Markdown("### Xóa tài liệu")
            with gr.Row():
                to_delete = gr.Dropdown([], label="Tài liệu", scale=4, elem_id="delete-source")
                delete = gr.Button("Xóa tài liệu", variant="stop", scale=1, elem_id="delete-button")
            delete_status = gr.Markdown()
    results = gr.Dataframe(headers=h.UPLOAD_HEADERS, label="Kết quả từng tệp", interactive=False, wrap=True,
                           elem_id="upload-results", value=[], column_widths=["35%", "15%", "10%", "40%"])
    gr.Markdown("### Tài liệu trong thư viện")
    with gr.Row():
        province = gr.Dropdown([h.ALL], value=h.ALL, label="Lọc theo tỉnh/thành phố", elem_id="filter-province")
        doc_type = gr.Dropdown([h.ALL], value=h.ALL, label="Lọc theo loại văn bản", elem_id="filter-type")
        count = gr.Markdown()
    table = gr.Dataframe(headers=h.LIBRARY_HEADERS, interactive=False, wrap=True, elem_id="library-table",
                         column_widths=["16%", "30%", "10%", "9%", "12%", "9%", "8%", "6%"], max_height=600)

    def refresh(selected_province, selected_type):
        try:
            rows = h.library_rows(services, selected_province, selected_type)
            provinces, types, sources = h.filter_choices(services)
        except AssistantError as error:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), _warn(error)
        return (rows, gr.Dropdown(choices=provinces), gr.Dropdown(choices=types), gr.Dropdown(choices=sources),
                f"{len(rows)} tài liệu")

    listing = {"fn": refresh, "inputs": [province, doc_type], "outputs": [table, province, doc_type, to_delete, count],
               "show_progress": "hidden"}

    def run_upload(paths):
        try:
            for rows, line in h.upload(services, paths):
                yield rows, line
        except AssistantError as error:
            yield gr.skip(), _warn(error)

    def run_delete(source):
        try:
            return h.delete(services, source), None
        except AssistantError as error:
            return _warn(error), gr.skip()

    add.click(run_upload, inputs=files, outputs=[results, upload_status], concurrency_id="library",
              concurrency_limit=1).then(**listing).then(lambda: None, outputs=files)
    delete.click(run_delete, inputs=to_delete, outputs=[delete_status, to_delete],
                 js="(source) => (source && confirm('Xóa tài liệu «' + source + '» khỏi thư viện?')) ? source : null",
                 concurrency_id="library").then(**listing)
    province.change(**listing)
    doc_type.change(**listing)
    return listing


def launch_options(settings) -> dict:
    """Keyword arguments of `Blocks.launch` for the settings: address, login, theme and Vietnamese widget texts."""
    auth = (settings.auth_user, settings.auth_password) if settings.auth_user and settings.auth_password else None
    theme = gr.themes.Soft(primary_hue="red", secondary_hue="amber", neutral_hue="slate",
                           font=["Segoe UI", "Roboto", "Noto Sans", "Arial", "sans-serif"],
                           font_mono=["Consolas", "DejaVu Sans Mono", "monospace"])
    return {"server_name": settings.host, "server_port": settings.port, "auth": auth,
            "auth_message": "Trợ lý Kế hoạch Thi đua — đăng nhập bằng tài khoản được cấp.", "theme": theme,
            "css": CSS, "footer_links": [], "i18n": gr.I18n(en=_WIDGET_TEXT, vi=_WIDGET_TEXT), "show_error": False}
