"""Plan drafting with a scripted chat model: structure, legal bases, number/date/province checks, revision.

A small in-memory library (real chunker, naive lexical search) keeps these fast; one test drafts against the real
sample library, and one (`-m llm`) runs the embedded model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.drafting import Draft, DraftRequest, PlanDrafter, clean_items, parse_revision, summary_line
from core.errors import DraftInputError
from core.settings import Settings
from assistant.verification import KnownFacts, check_references, fix_provinces, unknown_numbers
from index.chunking import chunk_document
from core.vietnamese import find_provinces
from core.models import DocumentMetadata, DocumentRecord, LoadedDocument, PageText, SearchHit

EXAMPLE_PLAN = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
Số: 0124/KH-UBND
Đắk Lắk, ngày 18 tháng 11 năm 2025
KẾ HOẠCH
Phát động Đợt thi đua lập thành tích chào mừng Đại hội lần thứ XIV của Đảng
Thực hiện Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác thi đua, khen thưởng trong tình hình mới; Luật Thi đua, khen thưởng ngày 15/6/2022;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Khơi dậy tinh thần thi đua sôi nổi trong cán bộ, công chức và Nhân dân tỉnh Đắk Lắk, phấn đấu hoàn thành nhiệm vụ năm 2025.
- Biểu dương, khen thưởng kịp thời các tập thể, cá nhân có thành tích xuất sắc.
2. Yêu cầu
- Phong trào thi đua được triển khai thiết thực, hiệu quả, tránh hình thức.
- Việc khen thưởng bảo đảm kịp thời, đúng người, đúng thành tích.
II. NỘI DUNG THI ĐUA
1. Thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm 2025 của tỉnh Đắk Lắk.
2. Thi đua đẩy mạnh cải cách hành chính, xây dựng chính quyền số.
III. HÌNH THỨC KHEN THƯỞNG
- Chủ tịch UBND tỉnh tặng Bằng khen cho các tập thể, cá nhân có thành tích tiêu biểu.
IV. TỔ CHỨC THỰC HIỆN
1. Các sở, ban, ngành, UBND các xã, phường
- Xây dựng kế hoạch triển khai Đợt thi đua, tuyên truyền sâu rộng đến cán bộ, công chức.
- Báo cáo kết quả về Sở Nội vụ (Phòng Xây dựng chính quyền) để tổng hợp.
"""

LAW_TEXT = """QUỐC HỘI
Số: 06/2022/QH15
LUẬT
Thi đua, khen thưởng
Điều 1. Phạm vi điều chỉnh
Luật này quy định về thi đua, khen thưởng; nội dung thi đua, tổ chức phong trào thi đua.
"""

DOCS = {
    "daklak-0124.txt": (EXAMPLE_PLAN, DocumentMetadata(
        title="Kế hoạch 0124/KH-UBND phát động Đợt thi đua lập thành tích chào mừng Đại hội lần thứ XIV của Đảng",
        doc_number="0124/KH-UBND", date="2025-11-18", issuer="UBND tỉnh Đắk Lắk", province="Đắk Lắk",
        doc_type="ke-hoach")),
    "luat-tdkt.txt": (LAW_TEXT, DocumentMetadata(
        title="Luật Thi đua, khen thưởng", doc_number="06/2022/QH15", date="2022-06-15", issuer="Quốc hội",
        doc_type="luat")),
}


class FakeLibrary:
    """Real chunking, naive syllable-overlap search: enough to exercise section-aware retrieval."""

    def __init__(self, docs=DOCS):
        self.records, self.chunks = [], []
        for source, (text, meta) in docs.items():
            chunks = chunk_document(LoadedDocument(source, [PageText(text)], meta), max_tokens=60, overlap_tokens=0)
            self.chunks += chunks
            self.records.append(DocumentRecord(source, "hash", len(chunks), meta))

    def search(self, query, *, k=None, mode="hybrid", filters=None):
        words = set(query.casefold().split())
        ranked = sorted(self.chunks, key=lambda c: -len(words & set(c.embed_text().casefold().split())))
        return [SearchHit(c, 1.0 / (1 + i)) for i, c in enumerate(ranked[: k or 5])]

    def documents(self, filters=None):
        return self.records

    def iter_chunks(self, source=None):
        """Like the library's: reading order, identity cards (which repeat text) left out."""
        return iter([c for c in self.chunks if source in (None, c.source) and not c.card])

    def chunk_count(self):
        return len(self.chunks)

    def ingest_paths(self, paths, *, progress=None):
        return []

    def outdated(self):
        return []


class ScriptedChat(BaseChatModel):
    """Answers each prompt with `respond(prompt)` and records the prompts."""

    respond: Callable[[str], str]
    prompts: list[str] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        prompt = messages[-1].content
        self.prompts.append(prompt)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.respond(prompt)))])


def planted_reply(prompt: str) -> str:
    """Plausible bullets; the "nội dung" reply plants an invented directive, a copied province and a stray date."""
    if "nội dung thi đua chính" in prompt:
        return ("- Thi đua thực hiện Chỉ thị số 99/CT-UBND ngày 02/03/2025 của UBND tỉnh Đắk Lắk về phát triển.\n"
                "- Thi đua quán triệt Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị.\n"
                "- Thi đua xây dựng chính quyền trong sạch, vững mạnh")
    if "lĩnh vực sau" in prompt:
        focus = re.search(r"lĩnh vực sau thành một nội dung thi đua bắt đầu bằng \"Thi đua\": (.+?)\.\n", prompt)
        return "\n".join(f"- Thi đua đẩy mạnh {item.strip()} trên địa bàn." for item in focus.group(1).split(";"))
    return "**Tiêu đề**\n- Ý thứ nhất về nhiệm vụ phong trào thi đua.\n- Ý thứ hai về khen thưởng kịp thời, đúng người."


def request(**overrides) -> DraftRequest:
    values = dict(province="Lâm Đồng", period="năm 2026", theme="phát động phong trào thi đua yêu nước năm 2026",
                  focus=["cải cách hành chính"], report_deadline="30/11/2026")
    values.update(overrides)
    return DraftRequest(**values)


@pytest.fixture
def drafter(tmp_path):
    return PlanDrafter(FakeLibrary(), ScriptedChat(respond=planted_reply), Settings(home=tmp_path))


def test_request_validation_and_defaults():
    ok = DraftRequest(province="TP. Hồ Chí Minh", period="năm 2026", theme="chuyển đổi số",
                      focus=["a; b", "c"]).validated()
    assert ok.province == "Hồ Chí Minh" and ok.issuer == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert ok.focus == ["a", "b", "c"]
    assert request(province="tỉnh Khánh Hoà").validated().issuer == "Ủy ban nhân dân tỉnh Khánh Hòa"
    for bad in (dict(theme=" "), dict(province="Atlantis"), dict(period=""), dict(focus=["x"] * 9)):
        with pytest.raises(DraftInputError):
            request(**bad).validated()


def test_summary_line_strips_doc_kind_and_adds_period():
    assert summary_line(request(theme="Kế hoạch chuyển đổi số của UBND tỉnh Lâm Đồng").validated()) == \
        "Phát động phong trào thi đua chuyển đổi số năm 2026"
    assert summary_line(request(theme="thi đua chuyển đổi số", period="giai đoạn 2026 - 2030")) == \
        "Phát động phong trào thi đua chuyển đổi số giai đoạn 2026 - 2030"
    line = summary_line(request(theme="Tổng kết phong trào thi đua bầu cử", period="tháng 4/2026 (tổng kết)"))
    assert line == "Tổng kết phong trào thi đua bầu cử (tháng 4/2026)"
    notice = request(theme="Công văn của Sở Nội vụ thông báo đầu mối tiếp nhận hồ sơ khen thưởng", doc_type="cong-van")
    assert summary_line(notice) == "Thông báo đầu mối tiếp nhận hồ sơ khen thưởng"  # the V/v says what it does
    notice = request(theme="Công văn của Sở thông báo, hướng dẫn đăng ký xét tặng Giải thưởng", doc_type="cong-van")
    assert summary_line(notice) == "Thông báo, hướng dẫn đăng ký xét tặng Giải thưởng"  # the issuer named as "Sở"


def test_planted_fake_directive_is_replaced_and_warned():
    known = KnownFacts()
    known.add_text("Chỉ thị số 41-CT/TW ngày 26/12/2024; Nghị định số 30/2020/NĐ-CP")
    text, warnings = check_references(
        "Căn cứ Chỉ thị số 99/CT-UBND ngày 01/02/2025; Chỉ thị số 41-CT/TW ngày 26/12/2024; "
        "Nghị định 30/2020/NĐ-CP; Nghị định 31/2020/NĐ-CP.", known, "Mục II")
    assert "99/CT-UBND" not in text and "Chỉ thị số …/CT-UBND" in text
    assert "41-CT/TW ngày 26/12/2024" in text and "30/2020/NĐ-CP" in text and "31/2020" not in text
    assert "ngày … tháng … năm …" not in text and "…/…/…" in text  # 01/02/2025 is not in the library
    assert any("99/CT-UBND" in w for w in warnings) and any("31/2020/NĐ-CP" in w for w in warnings)
    assert len(warnings) == 3


def test_foreign_province_replaced_with_target_prefix_and_case():
    text, warnings = fix_provinces("Nhân dân tỉnh Đắk Lắk và Tỉnh Bình Thuận; Khánh Hoà phát triển; tư tưởng Hồ Chí "
                                   "Minh; Lâm Đồng.", "Cần Thơ", "Mục I")
    assert text == ("Nhân dân thành phố Cần Thơ và Thành phố Cần Thơ; Cần Thơ phát triển; tư tưởng Hồ Chí Minh; "
                    "Cần Thơ.")
    assert len(warnings) == 4 and all("Cần Thơ" in w for w in warnings)
    same, none = fix_provinces("Thừa Thiên Huế và thành phố Huế", "Huế", "x")
    assert none == [] and same == "Thừa Thiên Huế và thành phố Huế"
    person, _ = fix_provinces("Phó Thủ tướng Nguyễn Hòa Bình ký; các xã của Hòa Bình thi đua.", "Cần Thơ", "x")
    assert person == "Phó Thủ tướng Nguyễn Hòa Bình ký; các xã của Cần Thơ thi đua."  # a person keeps his name
    # another province's document cited by its date keeps its issuer and title; the plan's own lines do not
    cited, _ = fix_provinces("Thực hiện Kế hoạch số 0124/KH-UBND ngày 18/11/2025 của UBND tỉnh Đắk Lắk về thi đua "
                             "tỉnh Đắk Lắk; Nhân dân tỉnh Đắk Lắk thi đua.", "Lào Cai", "x")
    assert cited == ("Thực hiện Kế hoạch số 0124/KH-UBND ngày 18/11/2025 của UBND tỉnh Đắk Lắk về thi đua tỉnh Đắk "
                     "Lắk; Nhân dân tỉnh Lào Cai thi đua.")


def test_a_commune_or_district_named_like_a_province_keeps_its_name():
    # since 2025 "phường Sóc Trăng" is a ward of Cần Thơ; Quảng Bình had a "huyện Quảng Ninh"
    assert find_provinces("Ủy ban nhân dân phường Sóc Trăng, thành phố Cần Thơ") == ["Cần Thơ"]
    assert find_provinces("huyện Bố Trạch, huyện Quảng Ninh, thị xã Quảng Trị, xã Hòa Bình") == []
    assert find_provinces("tỉnh Hòa Bình; các xã của Hòa Bình") == ["Hòa Bình"]
    text, warnings = fix_provinces("Ủy ban nhân dân Phường Sóc Trăng thay tỉnh Sóc Trăng.", "Cần Thơ", "x")
    assert text == "Ủy ban nhân dân Phường Sóc Trăng thay thành phố Cần Thơ." and len(warnings) == 1


def test_a_plan_implementing_a_law_cites_it_and_does_not_copy_its_articles(tmp_path):
    law = LAW_TEXT + ("Chương II\nTỔ CHỨC THI ĐUA, DANH HIỆU THI ĐUA\nĐiều 9. Nội dung tổ chức phong trào thi đua\n"
                      "Xác định mục tiêu, phạm vi, đối tượng thi đua.\nChương VIII\nĐIỀU KHOẢN THI HÀNH\n"
                      "Điều 95. Hiệu lực thi hành\nLuật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2024.\n")
    library = FakeLibrary({**DOCS, "luat-tdkt.txt": (law, DOCS["luat-tdkt.txt"][1])})
    drafter = PlanDrafter(library, ScriptedChat(respond=planted_reply), Settings(home=tmp_path))
    draft = drafter.draft(request(theme="triển khai thi hành Luật Thi đua, khen thưởng", sources=["luat-tdkt.txt"]))
    opening = draft.section("opening").text
    assert opening.startswith("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;")
    assert opening.count("06/2022/QH15") == 1
    markdown = draft.markdown()
    assert "Luật này quy định" not in markdown and "Xác định mục tiêu" not in markdown  # articles are no content
    assert ("1. Quán triệt, phổ biến, tuyên truyền nội dung Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022, "
            "có hiệu lực thi hành từ ngày 01 tháng 01 năm 2024 đến cán bộ, công chức, viên chức và Nhân dân; trọng "
            "tâm là các quy định về tổ chức thi đua, danh hiệu thi đua;") in draft.section("II").text
    # what implementing a law takes: training, a review of the issuer's own texts, guidance, inspection
    assert ("2. Tổ chức tập huấn, bồi dưỡng nội dung Luật Thi đua, khen thưởng và các văn bản quy định chi tiết, hướng "
            "dẫn thi hành cho đội ngũ cán bộ, công chức làm công tác thi đua, khen thưởng") in draft.section("II").text
    assert ("3. Rà soát các văn bản đã ban hành liên quan đến thi đua, khen thưởng để kịp thời sửa đổi, bổ sung, thay "
            "thế hoặc bãi bỏ cho phù hợp với quy định của Luật Thi đua, khen thưởng;") in draft.section("II").text
    assert any("Văn bản nguồn là luật" in warning for warning in draft.warnings)
    # the model's line citing a directive of the example plans is not the law's: dropped, like any figure a source
    # does not hold (the directive is in the library, so the number check alone lets it through)
    assert "41-CT/TW" not in draft.section("II").text and "99/CT-UBND" not in markdown  # 41-CT/TW opens the plan
    assert any("đã bỏ 2 câu có số liệu không có trong văn bản nguồn" in warning for warning in draft.warnings)
    assert not any("2024" in warning for warning in draft.warnings)  # the law's own year is no stray one
    assert not any("thay thế bởi" in warning for warning in draft.warnings)


def test_a_law_chosen_as_the_source_after_it_was_replaced_is_flagged(tmp_path):
    old = DocumentMetadata(title="Luật Thi đua, khen thưởng", doc_number="15/2003/QH11", date="2003-11-26",
                           issuer="Quốc hội", doc_type="luat")
    library = FakeLibrary({**DOCS, "luat-tdkt.txt": (LAW_TEXT.replace("06/2022/QH15", "15/2003/QH11"), old)})
    drafter = PlanDrafter(library, ScriptedChat(respond=planted_reply), Settings(home=tmp_path))
    draft = drafter.draft(request(theme="triển khai thi hành Luật Thi đua, khen thưởng", sources=["luat-tdkt.txt"]))
    assert draft.section("opening").text.startswith("Căn cứ Luật Thi đua, khen thưởng số 15/2003/QH11")  # as chosen
    replaced = [warning for warning in draft.warnings if "thay thế bởi" in warning]
    assert len(replaced) == 1 and replaced[0].startswith("Văn bản nguồn «Luật Thi đua, khen thưởng số 15/2003/QH11")
    assert "thay thế bởi «Luật Thi đua, khen thưởng số 06/2022/QH15" in replaced[0]


def test_a_laws_name_with_its_year_is_no_stray_year(drafter):
    from assistant.verification import check_years

    draft = drafter.draft(request())  # the fixed award line cites "Luật Thi đua, khen thưởng năm 2022"
    assert "Luật Thi đua, khen thưởng năm 2022" in draft.section("III").text
    assert not any("năm 2022" in warning for warning in draft.warnings)
    assert check_years("Theo Luật Thi đua, khen thưởng năm 2022; tổng kết năm 2021.", "năm 2026", "Mục III") == [
        "Mục III: có nhắc «năm 2021» — kiểm tra lại thời gian cho đúng kỳ kế hoạch."]


def test_full_draft_structure_and_verification(drafter):
    calls = []
    draft = drafter.draft(request(), progress=lambda *args: calls.append(args))
    assert [c[1:] for c in calls] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    md = draft.markdown()
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                   "TỈNH LÂM ĐỒNG", "Số: …/KH-UBND", "Lâm Đồng, ngày … tháng … năm …", "# KẾ HOẠCH",
                   "## I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu cầu", "## II. NỘI DUNG THI ĐUA",
                   "## III. TỔ CHỨC THỰC HIỆN", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "30/11/2026"):
        assert needle in md, needle
    assert md.index("## I.") < md.index("## II.") < md.index("## III.") < md.index("Nơi nhận")
    # legal bases come only from the library: the law's metadata and the directive the example plan cites
    opening = draft.section("opening").text
    assert "Căn cứ Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị về tăng cường" in opening
    assert "Căn cứ Luật Thi đua, khen thưởng" in opening
    assert "0124/KH-UBND" not in opening  # another province's plan is an example, not a legal basis
    # nothing invented, nothing copied from Đắk Lắk
    assert "99/CT-UBND" not in md and "02/03/2025" not in md
    assert unknown_numbers([md], KnownFacts.from_library(drafter.library)) == []
    assert set(find_provinces(md)) == {"Lâm Đồng"}
    assert any("99/CT-UBND" in w for w in draft.warnings) and any("Đắk Lắk" in w for w in draft.warnings)
    section_ii = draft.section("II").text
    assert "1. Thi đua" in section_ii and "Thi đua đẩy mạnh cải cách hành chính" in section_ii
    assert "Chỉ thị số 41-CT/TW ngày 26/12/2024" in section_ii
    # each generated section names the library passages it drew on
    assert all(s.sources for s in draft.sections)
    assert {"source", "section", "doc_number"} <= set(draft.section("I").sources[0])
    assert any("MỤC ĐÍCH" in src["section"] for src in draft.section("I").sources)
    assert "Sở Nội vụ (Ban Thi đua - Khen thưởng)" in draft.section("III").text
    payload = draft.to_dict()
    assert {"markdown", "sections", "warnings", "timings", "coverage", "doc_type"} <= set(payload)
    assert set(payload["sections"][1]) == {"key", "title", "text", "sources"}
    assert payload["timings"]["llm_calls"] == 5  # I: 2, II: theme + focus areas, III: responsibilities
    # no source names the awards: the issuer's, by law, not the model's words
    rewards = draft.section("III").text
    assert "- Hình thức khen thưởng: Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh; Giấy khen" in rewards


def test_the_interior_unit_is_the_provinces_own_else_the_role_tables(tmp_path):
    """The unit of the Sở Nội vụ named after it ("Sở Nội vụ (…)") is the one the province's documents or their issuers
    name, in either word order ("Phòng Thi đua, Khen thưởng – Sở Nội vụ tỉnh Lâm Đồng", unseen task 08's issuer);
    without one, the `noi_vu` unit of the role tables, which a user's own roles.toml overrides."""
    plan = request(doc_type="ke-hoach")
    default = PlanDrafter(FakeLibrary(), ScriptedChat(respond=planted_reply), Settings(home=tmp_path)).draft(plan)
    assert "Sở Nội vụ (Ban Thi đua - Khen thưởng)" in default.section("III").text
    own = tmp_path / "own"
    own.mkdir()
    (own / "roles.toml").write_text('[noi_vu]\nunit = "Phòng Thi đua - Khen thưởng"\n', encoding="utf-8")
    drafter = PlanDrafter(FakeLibrary(), ScriptedChat(respond=planted_reply), Settings(home=own))
    assert "Sở Nội vụ (Phòng Thi đua - Khen thưởng)" in drafter.draft(plan).section("III").text
    assignment = ("Phân công nhiệm vụ các thành viên Phòng\n1. Ông Nguyễn Văn A - Trưởng phòng\n- Phụ trách chung.",
                  DocumentMetadata(title="Phân công nhiệm vụ", province="Lâm Đồng",
                                   issuer="Phòng Thi đua, Khen thưởng – Sở Nội vụ tỉnh Lâm Đồng"))
    library = FakeLibrary({**DOCS, "phan-cong.txt": assignment})
    drafter = PlanDrafter(library, ScriptedChat(respond=planted_reply), Settings(home=tmp_path))
    assert "Sở Nội vụ (Phòng Thi đua, Khen thưởng)" in drafter.draft(plan).section("III").text


def test_own_province_plan_becomes_a_legal_basis(tmp_path):
    drafter = PlanDrafter(FakeLibrary(), ScriptedChat(respond=planted_reply), Settings(home=tmp_path))
    draft = drafter.draft(request(province="Đắk Lắk", theme="Tiếp nối Đợt thi đua chào mừng Đại hội lần thứ XIV "
                                                            "của Đảng, lập thành tích"))
    opening = draft.section("opening").text
    assert "Kế hoạch số 0124/KH-UBND ngày 18/11/2025 của UBND tỉnh Đắk Lắk" in opening
    assert "Sở Nội vụ (Phòng Xây dựng chính quyền)" in draft.section("III").text
    assert not any("Đắk Lắk" in w for w in draft.warnings)


def test_revision_regenerates_only_the_named_section(drafter):
    draft = drafter.draft(request())
    revised = drafter.revise(draft, "Viết lại mục II, thêm nội dung về chuyển đổi số")
    assert revised.section("II").text != draft.section("II").text
    assert "Thi đua đẩy mạnh chuyển đổi số" in revised.section("II").text
    for key in ("opening", "I", "III"):
        assert revised.section(key).text.encode() == draft.section(key).text.encode()
        assert revised.section(key).sources == draft.section(key).sources
    assert revised.timings["revised"] == "II" and revised.timings["llm_calls"] == 2
    assert draft.section("II").text.encode() not in revised.markdown().encode()


@pytest.mark.parametrize("instruction, expected", [
    ("viết lại mục II, thêm nội dung về chuyển đổi số", ("II", "chuyển đổi số")),
    ("Sửa mục I cho ngắn gọn hơn", ("I", "")),
    ("phần 3: thêm ý về khen thưởng đột xuất", ("III", "khen thưởng đột xuất")),
    ("viết lại phần nội dung thi đua", ("II", "")),
])
def test_parse_revision(instruction, expected):
    assert parse_revision(instruction) == expected


def test_parse_revision_rejects_unknown_section():
    with pytest.raises(DraftInputError):
        parse_revision("viết hay hơn")


def test_clean_items_drops_markdown_headings_chinese_and_cut_off_tail():
    raw = "```\n**I. MỤC ĐÍCH**\n1. Phát huy tinh thần thi đua yêu nước;\n* phát huy tinh thần thi đua yêu nước;\n" \
          "- 加强 nội dung\n- Tổ chức, tổ chức, tổ chức các hoạt động văn hóa;\n- - - - - - - - - - - - - - - - -.\n" \
          "- Ý cuối bị cắt giữa chừng vì"
    assert clean_items(raw) == ["Phát huy tinh thần thi đua yêu nước;", "Tổ chức các hoạt động văn hóa;"]
    assert clean_items("- Thi đua phấn đấu hoàn thành nhiệm vụ, góp…") == []
    quoted = ('- "- Phong trào thi đua giúp nâng cao nhận thức của người dân.".\n'
              '- Hưởng ứng phong trào “Ngày Chủ nhật xanh”.')
    assert clean_items(quoted) == ["Phong trào thi đua giúp nâng cao nhận thức của người dân.",
                                   "Hưởng ứng phong trào “Ngày Chủ nhật xanh”."]
    spoken = ("- Tạo điều kiện thuận lợi cho các bạn tham gia;\n- Chúng ta cùng thi đua lập thành tích;\n"
              "- Các cơ quan thực hiện trong phạm vi nhiệm vụ của mình;\n- Khen thưởng kịp thời, đúng người.")
    assert clean_items(spoken) == ["Các cơ quan thực hiện trong phạm vi nhiệm vụ của mình;",
                                   "Khen thưởng kịp thời, đúng người."]


def test_empty_model_reply_falls_back_to_examples_with_warning(tmp_path):
    drafter = PlanDrafter(FakeLibrary(), ScriptedChat(respond=lambda prompt: ""), Settings(home=tmp_path))
    draft = drafter.draft(request())
    assert "- " in draft.section("I").text
    assert any("mô hình không trả lời" in w for w in draft.warnings)
    assert set(find_provinces(draft.markdown())) == {"Lâm Đồng"}


def test_a_models_stub_lines_are_dropped_and_its_full_sentences_kept(tmp_path):
    """The small model sometimes writes purposes as stubs ("Hoàn thành nhiệm vụ;"), which no plan writes."""
    full = "Phát huy tinh thần yêu nước, ý chí tự lực, tự cường của cán bộ, công chức và Nhân dân trong tỉnh;"
    stubs = ScriptedChat(respond=lambda prompt: f"- Khơi dậy tinh thần thi đua;\n- Hoàn thành nhiệm vụ;\n- {full}")
    draft = PlanDrafter(FakeLibrary(), stubs, Settings(home=tmp_path)).draft(request())
    lines = draft.markdown().split("\n")
    assert any(full.rstrip(";") in line for line in lines)
    assert not any(line.rstrip(";.") in ("- Hoàn thành nhiệm vụ", "- Khơi dậy tinh thần thi đua") for line in lines)
    assert any("ý quá ngắn" in warning for warning in draft.warnings)


def test_draft_against_sample_library(sample_library, settings):
    drafter = PlanDrafter(sample_library, ScriptedChat(respond=planted_reply), settings)
    draft = drafter.draft(DraftRequest(province="Đắk Lắk", period="tháng 4/2026 (tổng kết)",
                                       theme="Kế hoạch tổng kết, khen thưởng phong trào thi đua thực hiện thành công "
                                             "cuộc bầu cử ĐBQH khóa XVI và HĐND các cấp nhiệm kỳ 2026 - 2031"))
    opening = draft.section("opening").text
    assert "Kế hoạch số 0125/KH-UBND ngày 18/11/2025" in opening
    assert "46-CT/TW" in opening and "28/CT-TTg" in opening
    md = draft.markdown()
    assert unknown_numbers([md], KnownFacts.from_library(sample_library)) == []
    assert set(find_provinces(md)) == {"Đắk Lắk"}
    assert all(s.sources for s in draft.sections)


@pytest.mark.llm
def test_real_model_drafts_a_plan(sample_library, settings):
    """The full path on the embedded model (its speed is measured by `eval draft`, not asserted here)."""
    from assistant.llm import make_chat_model

    drafter = PlanDrafter(sample_library, make_chat_model(settings), settings)
    # a province implementing the Government's resolution: the sheet carried down a level, the model writes part I
    draft: Draft = drafter.draft(request(province="Thái Nguyên", period="giai đoạn 2025 - 2030", focus=[],
                                         theme="triển khai phong trào toàn dân tham gia bảo vệ môi trường",
                                         report_deadline="",
                                         sources=["006_chinhphu-nq-394-nq-cp-2025-phat-dong-phong-trao-bao-ve-moi-truong.txt"]))
    md = draft.markdown()
    assert all(f"## {title}" in md for title in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THI ĐUA",
                                                  "III. TỔ CHỨC THỰC HIỆN"))
    assert re.search(r"\n- .{20,}", draft.section("I").text)  # the model wrote the purposes
    assert "95% rác thải sinh hoạt đô thị" in draft.section("II").text
    assert all(row.placed for row in draft.coverage if row.item.kind in ("target", "time"))
    assert unknown_numbers([md], KnownFacts.from_library(sample_library)) == []
    assert set(find_provinces(md)) == {"Thái Nguyên"}


def test_draft_command_writes_docx_markdown_and_json(tmp_path, monkeypatch, capsys):
    import json

    from cli import main as cli
    from cli.commands import draft as draft_command
    from assistant.services import Services

    services = Services(Settings(home=tmp_path), chat_model=ScriptedChat(respond=planted_reply), library=FakeLibrary())
    monkeypatch.setattr(draft_command, "Services", lambda: services)
    out, md = tmp_path / "kh.docx", tmp_path / "kh.md"
    code = cli.main(["draft", "--province", "Lâm Đồng", "--period", "năm 2026", "--theme", "chuyển đổi số",
                     "--focus", "cải cách hành chính; chuyển đổi số", "--signer-title", "Phó Chủ tịch",
                     "--out", str(out), "--markdown-out", str(md), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and out.stat().st_size > 5000
    payload = json.loads(captured.out)
    assert {"markdown", "sections", "warnings", "timings", "coverage", "doc_type"} <= set(payload)
    assert md.read_text(encoding="utf-8") == payload["markdown"]
    assert "KT. CHỦ TỊCH" in payload["markdown"] and "PHÓ CHỦ TỊCH" in payload["markdown"]
    assert [line.split("]")[0] for line in captured.err.splitlines()] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert cli.main(["draft", "--province", "Atlantis", "--period", "x", "--theme", "y", "--out", str(out)]) == 2


def test_thin_model_output_is_padded_from_examples_with_a_warning(sample_library, settings):
    terse = ScriptedChat(respond=lambda prompt: "- Khơi dậy tinh thần thi đua.")
    draft = PlanDrafter(sample_library, terse, settings).draft(request())
    purpose = draft.section("I").text.split("2. Yêu cầu")[0]
    assert purpose.count("\n- ") >= 2
    assert any("quá ngắn" in warning for warning in draft.warnings)
    assert set(find_provinces(draft.markdown())) <= {"Lâm Đồng"}


def test_source_lines_drop_the_table_header_the_chunker_repeats():
    """A long table is chunked with its header row at the head of every chunk; the rebuilt document has it once and
    every row once, in order."""
    from assistant.drafting.sources import source_lines

    header = ["| STT | Hình thức khen thưởng | Số lượng |", "| --- | --- | --- |"]
    rows = [f"| {n} | Bằng khen của Chủ tịch UBND tỉnh cho tập thể thứ {n} | 0{n % 10} |" for n in range(1, 30)]
    text = "\n".join(["I. KHEN THƯỞNG", *header, *rows, "II. TỔ CHỨC THỰC HIỆN", "Sở Nội vụ hướng dẫn thực hiện."])
    library = FakeLibrary({"bang.txt": (text, DocumentMetadata(title="Kế hoạch khen thưởng"))})
    assert sum(header[0] in chunk.text for chunk in library.chunks) >= 3  # the chunker repeats it
    rebuilt = [line.text for line in source_lines(library, "bang.txt")]
    assert rebuilt.count(header[0]) == 1 and rebuilt.count(header[1]) == 1
    assert [line for line in rebuilt if line in rows] == rows
