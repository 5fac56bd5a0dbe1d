"""Feedback under each answer (👍 / 👎 with reasons and a correction), the «Lịch sử» tab (conversations and drafts
per login or per browser, reopen, export, delete) and the «Phản hồi» section of the Trạng thái tab.

Who "you" are: the login name when the app has a login (`request.username`), otherwise a random id kept in the
browser's localStorage (`gr.BrowserState`, encrypted with a key kept in the data directory so it survives restarts).
Everything is stored in the data directory (`assistant.history`); nothing is sent anywhere.
"""

from __future__ import annotations

import secrets
import tempfile
import uuid
from functools import partial
from pathlib import Path

import gradio as gr

from assistant import history as hs
from core.errors import AssistantError
from ui import handlers as h

BROWSER_KEY = "plan-assistant-nguoi-dung"
FEEDBACK_OPTIONS = ("Like", "Dislike")  # shown as 👍 / 👎 under every answer
PRIVACY_NOTE = ("Lịch sử và phản hồi chỉ được lưu trong thư mục dữ liệu của máy chủ này, riêng cho tài khoản đăng nhập "
                "(hoặc trình duyệt) của anh/chị, không gửi đi đâu; anh/chị có thể xóa bất cứ lúc nào.")
RATING_LABELS = {hs.UP: "👍", hs.DOWN: "👎"}


# ---- who is asking --------------------------------------------------------------------------------------------------

def owner_of(request: gr.Request | None, browser_id: str | None) -> str:
    """`user:<login>` when the app has a login, else `browser:<id>`; "" when neither is known yet."""
    user = getattr(request, "username", None) if request is not None else None
    if user:
        return f"user:{user}"
    return f"browser:{browser_id}" if browser_id else ""


def browser_secret(settings) -> str:
    """The key that encrypts the browser id in localStorage; kept in the data directory so a restart keeps it."""
    path = Path(settings.home) / "browser-state.key"
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return secrets.token_hex(16)


def _new_browser_id() -> str:
    return uuid.uuid4().hex


# ---- chat: recording turns and feedback ------------------------------------------------------------------------------

class ChatRecorder:
    """Records every answered question in the history and takes 👍/👎 on it. Built inside the chat tab, under the
    chatbot; `turn` replaces `ui.handlers.chat` as the chat event (it wraps it)."""

    def __init__(self, services, startup, chatbot: gr.Chatbot, history: gr.State):
        self.services = services
        self.startup = startup
        self.chatbot = chatbot
        self.history = history
        self.browser = gr.BrowserState(None, storage_key=BROWSER_KEY, secret=browser_secret(services.settings))
        # conversation id, chatbot message index -> turn id, the turn whose 👎 panel is open
        self.session = gr.State({"conversation": None, "turns": {}, "rated": None})
        with gr.Group(visible=False, elem_id="feedback-panel") as self.panel:
            gr.Markdown("**Câu trả lời chưa đúng ở đâu?** Góp ý giúp đánh giá và cải thiện trợ lý.")
            self.reasons = gr.CheckboxGroup(list(hs.REASONS), label="Lý do", elem_id="feedback-reasons")
            self.correction = gr.Textbox(label="Câu trả lời đúng (nếu anh/chị biết)", lines=2, max_length=2000,
                                         elem_id="feedback-correction")
            self.send = gr.Button("Gửi góp ý", variant="primary", size="sm", elem_id="feedback-send")
        self.status = gr.Markdown(elem_id="feedback-status")
        chatbot.like(self.on_like, inputs=[self.session, self.browser],
                     outputs=[self.panel, self.reasons, self.correction, self.status, self.session],
                     show_progress="hidden")
        self.send.click(self.on_send, inputs=[self.reasons, self.correction, self.session, self.browser],
                        outputs=[self.panel, self.status], show_progress="hidden")

    @property
    def inputs(self) -> list:
        return [self.session, self.browser]

    @property
    def outputs(self) -> list:
        return [self.session, self.browser]

    def turn(self, question, messages, history, session, browser_id, request: gr.Request):
        """`ui.handlers.chat`, plus: the final answer is stored as a turn of this session's conversation."""
        browser_id = browser_id or _new_browser_id()
        owner = owner_of(request, browser_id)
        session = {**(session or {}), "turns": dict((session or {}).get("turns") or {})}
        answered: list[tuple[str, dict]] = []
        for shown, new_history, left in h.chat(self.services, self.startup, question, messages, history,
                                               on_answer=lambda asked, payload: answered.append((asked, payload))):
            if answered:
                asked, payload = answered.pop()
                try:
                    session["conversation"], turn_id = self.services.history.add_turn(
                        owner, session.get("conversation"), asked, payload)
                    session["turns"][len(shown) - 1] = turn_id
                except AssistantError as error:
                    gr.Warning(error.message_vi)
            yield shown, new_history, left, session, browser_id

    @staticmethod
    def reset(session):
        """A new conversation (the «Cuộc trò chuyện mới» button or clearing the chat)."""
        return {"conversation": None, "turns": {}, "rated": None}

    def on_like(self, session, browser_id, data: gr.LikeData, request: gr.Request):
        hidden = gr.Group(visible=False)
        turn_id = ((session or {}).get("turns") or {}).get(data.index)
        owner = owner_of(request, browser_id)
        if turn_id is None or not owner:
            return hidden, gr.skip(), gr.skip(), "⚠ Câu trả lời này không có trong lịch sử nên chưa đánh giá được.", \
                gr.skip()
        store = self.services.history
        try:
            if data.liked is True or data.liked is False:
                store.rate_turn(owner, turn_id, hs.UP if data.liked else hs.DOWN,
                                settings=hs.settings_snapshot(self.services.settings), version=h._version())
            else:
                store.remove_rating(owner, turn_id)
        except AssistantError as error:
            return hidden, gr.skip(), gr.skip(), f"⚠ {h.esc(error.message_vi)}", gr.skip()
        if data.liked is False:
            return (gr.Group(visible=True), [], "", "Đã ghi nhận 👎. Hãy chọn lý do và, nếu biết, ghi câu trả lời đúng.",
                    {**session, "rated": turn_id})
        note = "✓ Đã ghi nhận 👍, cảm ơn anh/chị." if data.liked is True else "Đã bỏ đánh giá."
        return hidden, [], "", note, {**session, "rated": None}

    def on_send(self, reasons, correction, session, browser_id, request: gr.Request):
        turn_id = (session or {}).get("rated")
        owner = owner_of(request, browser_id)
        if turn_id is None or not owner:
            return gr.Group(visible=False), "⚠ Hãy bấm 👎 dưới câu trả lời cần góp ý trước."
        try:
            self.services.history.rate_turn(owner, turn_id, hs.DOWN, reasons=reasons or [], correction=correction or "",
                                            settings=hs.settings_snapshot(self.services.settings),
                                            version=h._version())
        except AssistantError as error:
            return gr.skip(), f"⚠ {h.esc(error.message_vi)}"
        return gr.Group(visible=False), "✓ Đã lưu góp ý, cảm ơn anh/chị."

    def wire_new_conversation(self, *triggers) -> None:
        for trigger in triggers:
            trigger(self.reset, inputs=self.session, outputs=self.session, queue=False)


# ---- reopening and exporting ----------------------------------------------------------------------------------------

def conversation_view(services, conversation: hs.Conversation) -> tuple[list, list, dict, list]:
    """What the chat tab shows for a stored conversation: (chatbot messages, plain history, session, 👍/👎 values)."""
    dates = _dates(services)
    messages, history, turns, ratings = [], [], {}, []
    for turn in conversation.turns:
        messages.append({"role": "user", "content": h.esc(turn.question)})
        messages.append({"role": "assistant", "content": h.answer_markdown(turn.payload, dates)})
        history += [{"role": "user", "content": turn.question},
                    {"role": "assistant", "content": turn.payload.get("answer", "")}]
        turns[len(messages) - 1] = turn.id
        rating = services.history.rating_of(conversation.owner, turn.id)
        ratings.append({hs.UP: "Like", hs.DOWN: "Dislike"}.get(rating.rating) if rating else None)
    return messages, history, {"conversation": conversation.id, "turns": turns, "rated": None}, ratings


def _dates(services) -> dict[str, str]:
    try:
        return {record.source: record.metadata.date for record in services.library.documents()}
    except AssistantError:
        return {}


def export_conversation(conversation: hs.Conversation) -> tuple[Path, Path]:
    """The conversation as DOCX and Markdown in a fresh folder (citations numbered across the conversation)."""
    folder = Path(tempfile.mkdtemp(prefix="hoi-dap-"))
    stem = f"hoi-dap-{conversation.created[:10] or 'lich-su'}"
    docx_path = hs.write_conversation_docx(conversation, folder / f"{stem}.docx")
    md_path = folder / f"{stem}.md"
    md_path.write_text(hs.conversation_markdown(conversation), encoding="utf-8")
    return docx_path, md_path


def _choices(items) -> list[tuple[str, str]]:
    return [(f"{hs.display_time(item.updated)} — {item.title}", item.id) for item in items]


def draft_title(draft) -> str:
    request = draft.request
    theme = " ".join(request.theme.split())
    return f"Kế hoạch {request.province} {request.period} — {theme[:70]}"


def history_tab(demo: gr.Blocks, services, recorder: ChatRecorder, draft_parts: dict, tabs: gr.Tabs,
                tab: gr.Tab) -> None:
    """The «Lịch sử» tab: the owner's last conversations and drafts; reopen, export, delete. `draft_parts` holds the
    drafting tab's `outputs` (progress, text, preview, warnings, docx, md, draft) and its `start` button."""
    limit = services.settings.history_list_limit
    store = services.history
    browser = recorder.browser
    gr.Markdown(PRIVACY_NOTE)
    with gr.Row(equal_height=False):
        with gr.Column():
            gr.Markdown("### Cuộc trò chuyện gần đây")
            conversations = gr.Dropdown([], label="Cuộc trò chuyện", elem_id="history-conversations")
            with gr.Row():
                reopen = gr.Button("Mở lại trong «Hỏi đáp»", variant="primary", size="sm", elem_id="history-open")
                delete = gr.Button("Xóa cuộc trò chuyện", variant="stop", size="sm", elem_id="history-delete")
            with gr.Row():
                docx_file = gr.File(label="Tải về DOCX", interactive=False, elem_id="history-docx", height=90)
                md_file = gr.File(label="Tải về Markdown", interactive=False, elem_id="history-md", height=90)
            preview = gr.Markdown(elem_id="history-preview", max_height=420)
        with gr.Column():
            gr.Markdown("### Bản thảo kế hoạch gần đây")
            drafts = gr.Dropdown([], label="Bản thảo", elem_id="history-drafts")
            with gr.Row():
                reopen_draft = gr.Button("Mở lại trong «Soạn kế hoạch»", variant="primary", size="sm",
                                         elem_id="history-open-draft")
                delete_draft = gr.Button("Xóa bản thảo", variant="stop", size="sm", elem_id="history-delete-draft")
    with gr.Row():
        refresh = gr.Button("Làm mới", size="sm", scale=0, min_width=120, elem_id="history-refresh")
        forget = gr.Button("Xóa toàn bộ lịch sử và phản hồi của tôi", variant="stop", size="sm", scale=0,
                           min_width=320, elem_id="history-forget")
    status = gr.Markdown(elem_id="history-status")
    draft_session = gr.State(None)  # id of the stored draft the drafting tab is showing

    def listing(browser_id, request: gr.Request):
        owner = owner_of(request, browser_id)
        if not owner:
            return gr.Dropdown(choices=[], value=None), gr.Dropdown(choices=[], value=None), gr.skip()
        try:
            return (gr.Dropdown(choices=_choices(store.conversations(owner, limit)), value=None),
                    gr.Dropdown(choices=_choices(store.drafts(owner, limit)), value=None), gr.skip())
        except AssistantError as error:
            return gr.skip(), gr.skip(), f"⚠ {h.esc(error.message_vi)}"

    def show(conversation_id, browser_id, request: gr.Request):
        if not conversation_id:
            return None, None, ""
        try:
            conversation = store.conversation(owner_of(request, browser_id), conversation_id)
        except AssistantError as error:
            return None, None, f"⚠ {h.esc(error.message_vi)}"
        docx_path, md_path = export_conversation(conversation)
        return str(docx_path), str(md_path), h.esc(hs.conversation_markdown(conversation))

    def open_conversation(conversation_id, browser_id, request: gr.Request):
        try:
            conversation = store.conversation(owner_of(request, browser_id), conversation_id)
        except AssistantError as error:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), _warn(error)
        messages, plain, session, ratings = conversation_view(services, conversation)
        return (gr.Chatbot(value=messages, feedback_value=ratings), plain, session, gr.Tabs(selected="hoi-dap"),
                f"Đã mở lại «{h.esc(conversation.title)}».")

    def remover(delete, done: str):
        def remove(item_id, browser_id, request: gr.Request):
            if not item_id:  # nothing chosen, or the confirmation was cancelled
                return gr.skip()
            try:
                delete(owner_of(request, browser_id), item_id)
            except AssistantError as error:
                return _warn(error)
            return done
        return remove

    def open_draft(draft_id, browser_id, request: gr.Request):
        try:
            record = store.draft(owner_of(request, browser_id), draft_id)
        except AssistantError as error:
            return (*[gr.skip()] * 7, gr.skip(), gr.skip(), _warn(error))
        draft = hs.rebuild_draft(record.data)
        if draft is None:
            view = {"progress": "Bản thảo cũ chỉ mở lại được dạng Markdown.", "markdown": record.markdown,
                    "warnings": "", "docx": None, "md": None, "draft": None}
        else:
            try:
                view = {**h.draft_view(draft, record.markdown),
                        "progress": f"Đã mở lại bản thảo «{h.esc(record.title)}»."}
            except AssistantError as error:  # the stored edits no longer parse: the generated text instead
                view = {**h.draft_view(draft), "progress": f"⚠ {h.esc(error.message_vi)}"}
        keys = ["progress", "markdown", "preview", "warnings", "docx", "md", "draft"]
        view["preview"] = h.esc(view["markdown"])
        return (*[view[key] for key in keys], record.id, gr.Tabs(selected="soan-ke-hoach"), "")

    def remove_everything(browser_id, request: gr.Request):
        owner = owner_of(request, browser_id)
        if not browser_id or not owner:  # the confirmation was cancelled
            return gr.skip()
        try:
            counts = store.forget(owner)
        except AssistantError as error:
            return _warn(error)
        return (f"Đã xóa {counts['conversations']} cuộc trò chuyện, {counts['drafts']} bản thảo và "
                f"{counts['feedback']} đánh giá của anh/chị.")

    def save_draft(draft, markdown, draft_id, browser_id, request: gr.Request):
        owner = owner_of(request, browser_id)
        if draft is None or not owner:
            return gr.skip()
        try:
            return store.save_draft(owner, draft_id, draft_title(draft), markdown or draft.markdown(),
                                    hs.draft_fields(draft))
        except AssistantError as error:
            gr.Warning(error.message_vi)
            return gr.skip()

    def identify(browser_id):
        return browser_id or _new_browser_id()

    listed = {"fn": listing, "inputs": browser, "outputs": [conversations, drafts, status], "show_progress": "hidden"}
    outputs = draft_parts["outputs"]
    reopen.click(open_conversation, inputs=[conversations, browser],
                 outputs=[recorder.chatbot, recorder.history, recorder.session, tabs, status])
    conversations.change(show, inputs=[conversations, browser], outputs=[docx_file, md_file, preview],
                         show_progress="hidden")
    delete.click(remover(store.delete_conversation, "Đã xóa cuộc trò chuyện và các đánh giá trên đó."),
                 inputs=[conversations, browser], outputs=status,
                 js="(id, b) => (id && confirm('Xóa cuộc trò chuyện này khỏi lịch sử?')) ? [id, b] : [null, b]"
                 ).then(**listed)
    reopen_draft.click(open_draft, inputs=[drafts, browser], outputs=[*outputs, draft_session, tabs, status])
    delete_draft.click(remover(store.delete_draft, "Đã xóa bản thảo."), inputs=[drafts, browser], outputs=status,
                       js="(id, b) => (id && confirm('Xóa bản thảo này khỏi lịch sử?')) ? [id, b] : [null, b]"
                       ).then(**listed)
    forget.click(remove_everything, inputs=browser, outputs=status,
                 js="(b) => confirm('Xóa toàn bộ lịch sử và phản hồi của anh/chị?') ? b : null").then(**listed)
    refresh.click(**listed)
    tab.select(**listed)
    # A finished draft, revision or saved edit writes new downloads: keep that version in the history.
    draft_parts["start"].click(lambda: None, outputs=draft_session, queue=False)
    outputs[4].change(save_draft, inputs=[outputs[6], outputs[1], draft_session, browser], outputs=draft_session,
                      show_progress="hidden")
    demo.load(identify, inputs=browser, outputs=browser, queue=False).then(**listed)


def _warn(error: AssistantError) -> str:
    gr.Warning(error.message_vi)
    return f"⚠ {h.esc(error.message_vi)}"


# ---- Trạng thái: Phản hồi -------------------------------------------------------------------------------------------

def feedback_markdown(services, latest: int = 8) -> str:
    """Counts of 👍/👎 and the latest ratings (everyone's: the team uses them to evaluate the assistant)."""
    try:
        counts = services.history.feedback_counts()
        items = services.history.feedback(limit=latest)
    except AssistantError as error:
        return f"### Phản hồi\n⚠ {h.esc(error.message_vi)}"
    lines = ["### Phản hồi", "",
             "| 👍 | 👎 | 👎 có câu trả lời đúng | Dùng được cho đánh giá (`feedback export`) |", "|---|---|---|---|",
             f"| {counts['up']} | {counts['down']} | {counts['with_correction']} | {counts['exportable']} |", ""]
    if not items:
        return "\n".join([*lines, "Chưa có phản hồi nào."])
    lines += ["**Mới nhất**", "", "| Thời gian | Đánh giá | Câu hỏi | Lý do · câu trả lời đúng |", "|---|---|---|---|"]
    for item in items:
        note = " · ".join(p for p in ("; ".join(item.reasons), item.correction) if p)
        lines.append(f"| {hs.display_time(item.created)} | {RATING_LABELS[item.rating]} | {_cell(item.question)} | "
                     f"{_cell(note)} |")
    return "\n".join(lines)


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return h.esc(text).replace("|", "&#124;")


def feedback_section(services) -> tuple[gr.Markdown, partial]:
    """The «Phản hồi» block of the Trạng thái tab and the function that fills it."""
    return gr.Markdown(elem_id="feedback-summary"), partial(feedback_markdown, services)
