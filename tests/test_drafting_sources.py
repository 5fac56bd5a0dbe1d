"""Drafting from the documents being implemented: the task sheet of real library documents, level adaptation,
composition (Kế hoạch and công văn), the coverage matrix and the checks on smoothed sentences.

The sample library is real (session fixture); the chat model is a fake, so these stay fast.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader
from fakes import PromptRecorder
from ui_fakes import PassageEchoChat

from assistant.docx_writer import write_docx
from assistant.drafting import DraftRequest, PlanDrafter, summary_line
from assistant.drafting.checks import accept_rewrite, line_facts
from assistant.drafting.cleaning import drop_repeated_phrases, repeats_itself
from assistant.drafting.compose import earlier, pieces, same_body
from assistant.drafting.levels import NO_ADAPTATION, award_forms, issuer_level, make_adapter
from assistant.drafting.models import SheetItem, SourceDoc
from assistant.drafting.sources import extract_sheet, places_named, resolve_sources, states_rules
from assistant.superseded import successors
from core.vietnamese import body_of

BAU_CU = "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"
DAI_HOI = "002_daklak-kh-0124-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt"
NQ_394 = "006_chinhphu-nq-394-nq-cp-2025-phat-dong-phong-trao-bao-ve-moi-truong.txt"
KH_982 = "003_nghean-kh-982-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt"


def _sheet(library, *sources):
    return extract_sheet(library, resolve_sources(library, list(sources)))


def _library_with(settings, upload, text: str):
    """A real library holding one uploaded text file."""
    from index.store import Library

    upload.write_text(text, encoding="utf-8")
    library = Library.open(settings)
    library.ingest_paths([upload])
    return library


def test_sheet_of_the_election_plan_has_its_criterion_submission_deadline_and_office(sample_library):
    sheet = _sheet(sample_library, BAU_CU)
    assert any(item.kind == "reward" and "98%" in item.text and "cử tri" in item.text for item in sheet.items)
    assert any("Idesk" in item.text and "01 bộ" in item.text for item in sheet.items)
    report = [item for item in sheet.of("report") if item.deadline == "31/3/2026"]
    assert report and "Sở Nội vụ (qua Phòng Xây dựng chính quyền)" in report[0].text
    duty = next(item for item in sheet.of("duty") if item.agency == "Sở Nội vụ")
    assert "đề xuất Chủ tịch UBND tỉnh khen thưởng" in duty.text
    assert any(item.kind == "time" and "tháng 10 năm 2025" in item.text for item in sheet.items)
    assert {"46-CT/TW", "28/CT-TTg", "7886/HD-BNV"} <= {n for item in sheet.of("basis") for n in
                                                        ("46-CT/TW", "28/CT-TTg", "7886/HD-BNV") if n in item.text}
    for item in sheet.items:  # every item is cited and every figure occurs in the source text
        assert item.source == BAU_CU and item.doc_number == "0125/KH-UBND" and item.section
    text = " ".join(chunk.text for chunk in sample_library.iter_chunks(BAU_CU))
    assert all(fact in line_facts(text) | {"num:2026"} for item in sheet.items for fact in line_facts(item.text)
               if not fact.startswith("date:"))


def test_sheet_keeps_a_plans_requirements_apart_from_its_purposes(sample_library):
    # Both went into one example text cut at `draft_example_chars`: the purposes filled it, so the model wrote the
    # Yêu cầu from nothing ("… để tạo sự tự hào, tự tin, và tự cường trong người tham gia").
    sheet = _sheet(sample_library, BAU_CU)
    assert any("Nhằm phát huy sức mạnh đại đoàn kết toàn dân" in text for text in sheet.purposes)
    assert any("Chú trọng công tác thông tin, tuyên truyền" in text for text in sheet.requirements)
    assert not any("Chú trọng công tác thông tin" in text for text in sheet.purposes)
    assert len("\n".join(sheet.purposes)) > 900  # the default example budget: the requirements never reached it


def test_a_resolutions_guiding_viewpoints_are_its_purposes_not_contents(sample_library):
    # "I. QUAN ĐIỂM CHỈ ĐẠO" was read as contents: part II carried its lines, and the model copied them into part I.
    sheet = _sheet(sample_library, "006_chinhphu-nq-394-nq-cp-2025-phat-dong-phong-trao-bao-ve-moi-truong.txt")
    viewpoint = "Bảo vệ môi trường phải có sự tham gia tích cực của mọi tầng lớp Nhân dân"
    assert any(viewpoint in text for text in sheet.purposes)
    assert not any(viewpoint in item.text for item in sheet.items)
    assert any("95% rác thải sinh hoạt đô thị" in item.text for item in sheet.of("target"))


def test_an_agency_is_a_whole_word_naming_a_body_not_a_verb(sample_library):
    # "Cách thức xếp hạng" was read as an agency ("Các…"), its ranking rules as duties; "Ban hành …" lines took the
    # verb for their agency instead of the ministry heading them.
    ranking = _sheet(sample_library, "157/KH-UBND")
    assert not any(item.agency.startswith("Cách") for item in ranking.items)
    assert any(item.kind == "content" and item.text.startswith("Căn cứ vào số lượng mở mới tài khoản")
               for item in ranking.items)
    resolution = _sheet(sample_library, NQ_394)
    guide = next(item for item in resolution.items if item.text.startswith("Ban hành hướng dẫn cải tạo"))
    assert guide.agency == "Bộ Nông nghiệp và Môi trường"


def test_a_duty_opening_with_a_body_and_a_verb_is_that_bodys(sample_library):
    # "Bộ Nội vụ rà soát, hoàn thiện Luật …" had kept the agency of the list before it (the provinces')
    resolution = _sheet(sample_library, NQ_394)
    agency = {item.text[:30]: item.agency for item in resolution.of("duty")}
    assert agency["Ngân hàng Nhà nước Việt Nam rà"] == "Ngân hàng Nhà nước Việt Nam"
    assert not any(item.text.startswith("Bộ Nội vụ rà soát") and item.agency.startswith("Ủy ban")
                   for item in resolution.items)


def test_an_agency_holds_only_for_its_own_section(sample_library):
    """"a) Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương" had stayed the agency of every later line of
    Nghị quyết 394/NQ-CP: a commune's plan read "Ủy ban nhân dân các xã, phường: bộ trưởng, Thủ trưởng cơ quan ngang
    bộ …". An agency named by a heading (however long, when it only names agencies: "1. Bộ trưởng, …, Chủ tịch Ủy ban
    nhân dân các tỉnh, …"), a lead-in line ("Ủy ban nhân dân các tỉnh, …:") or a paragraph ("- Bộ Nông nghiệp và Môi
    trường") holds for the lines under it."""
    items = _sheet(sample_library, NQ_394).items

    def item(start: str) -> SheetItem:
        return next(item for item in items if item.text.startswith(start))

    assert item("Trước ngày 15 tháng 12 hàng năm").agency.startswith("Bộ trưởng, Thủ trưởng cơ quan ngang bộ")
    assert item("Hoàn thiện hạ tầng kỹ thuật đồng bộ").kind == "content"
    assert item("Rà soát, tổng hợp danh mục các dự án").agency.startswith("Ủy ban nhân dân các tỉnh")
    assert item("Xây dựng và vận hành nền tảng dữ liệu số").agency == "Bộ Nông nghiệp và Môi trường"


def test_duties_listed_under_a_persons_heading_are_that_persons(settings, tmp_path):
    """A staff assignment lists each person's duties under their name ("2. Bà … - Chuyên viên"); a công văn
    announcing who handles what had carried the duties without the names."""
    library = _library_with(
        settings, tmp_path / "phan-cong.txt",
        "SỞ NỘI VỤ\nPHÒNG THI ĐUA, KHEN THƯỞNG\nQuảng Bình, ngày 04 tháng 5 năm 2021\nPHÂN CÔNG NHIỆM VỤ\n"
        "A. Phân công nhiệm vụ:\n1. Ông Nguyễn Văn An - Trưởng phòng\n"
        "- Phụ trách chung, quản lý thành viên trong Phòng;\n2. Bà Trần Thị Bình - Chuyên viên\n"
        "+ Tham mưu, giúp Trưởng phòng thực hiện một số nhiệm vụ sau:\n"
        "- Thẩm định hồ sơ khen thưởng của Khối thi đua các Ngân hàng;\n"
        "- Xây dựng kế hoạch tuyên truyền gương điển hình tiên tiến trên Báo Quảng Bình.\n")
    sheet = extract_sheet(library, [record for record in library.documents()])
    duties = {item.text[:20]: item.agency for item in sheet.of("duty")}
    assert duties["Phụ trách chung, quả"] == "Ông Nguyễn Văn An - Trưởng phòng"
    assert duties["Thẩm định hồ sơ khen"] == duties["Xây dựng kế hoạch tu"] == "Bà Trần Thị Bình - Chuyên viên"
    lines = [piece.text for piece in pieces(sheet.of("duty"), NO_ADAPTATION, labels=True, agency=True)]
    assert lines[0].startswith("- Ông Nguyễn Văn An - Trưởng phòng: phụ trách chung")
    assert lines[1].startswith("- Bà Trần Thị Bình - Chuyên viên: tham mưu, giúp Trưởng phòng")


def test_a_duty_that_collects_funding_proposals_is_no_report(sample_library):
    # "… chủ trì tổng hợp, trình … bố trí kinh phí … hằng năm": "tổng hợp" with a yearly rhythm is no report to send
    resolution = _sheet(sample_library, NQ_394)
    funding = next(item for item in resolution.items if "bố trí kinh phí" in item.text and "Bộ Tài chính" in item.text)
    assert funding.kind == "duty"
    assert any("15 tháng 12" in item.deadline for item in resolution.of("report"))  # the real report stays one


def test_sheet_of_the_congress_plan_has_its_reward_forms(sample_library):
    sheet = _sheet(sample_library, "0124/KH-UBND")  # by số ký hiệu
    rewards = " ".join(item.text for item in sheet.of("reward"))
    for form in ("Huân chương Lao động", "Bằng khen của Thủ tướng Chính phủ", "Bằng khen của Chủ tịch UBND tỉnh",
                 "Giấy khen"):
        assert form in rewards


def test_a_source_named_by_type_and_number_alone_is_found(sample_library):
    [record] = resolve_sources(sample_library, ["Kế hoạch số 124"])
    assert record.metadata.doc_number == "0124/KH-UBND"


def test_a_source_uploaded_without_a_catalogue_is_cited_in_full(settings, tmp_path):
    """Its metadata comes from the text (a header and a title in capitals, the number only at the title's end): the
    công văn still cites type, number, date, the council with its place and the subject as the text spells it, and
    reports to that council by its name in running text."""
    library = _library_with(
        settings, tmp_path / "kh-lam-dong.txt",
        "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG -------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 15/KH-UBND\n"
        "Lâm Đồng, ngày 02 tháng 12 năm 2025\nKẾ HOẠCH\nPHÁT ĐỘNG ĐỢT THI ĐUA CHÀO MỪNG ĐẠI HỘI LẦN THỨ XIV CỦA ĐẢNG\n"
        "Ủy ban nhân dân tỉnh phát động Đợt thi đua chào mừng Đại hội lần thứ XIV của Đảng.\nI. NỘI DUNG\n"
        "Các sở, ngành gửi hồ sơ đề nghị khen thưởng về Sở Nội vụ trước ngày 15/01/2026.\n")
    draft = PlanDrafter(library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Lâm Đồng", period="năm 2026", theme="hưởng ứng Đợt thi đua", issuer="Sở Nội vụ tỉnh Lâm Đồng",
        sources=["15/KH-UBND"], doc_type="cong-van"))
    text = draft.markdown()
    assert ("Thực hiện Kế hoạch số 15/KH-UBND ngày 02/12/2025 của Ủy ban nhân dân tỉnh Lâm Đồng về phát động Đợt thi "
            "đua chào mừng Đại hội lần thứ XIV của Đảng") in text
    assert "- Ủy ban nhân dân tỉnh Lâm Đồng (để báo cáo);" in text
    plan = PlanDrafter(library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Lâm Đồng", period="năm 2026", theme="hưởng ứng Đợt thi đua", issuer="Sở Nội vụ tỉnh Lâm Đồng",
        sources=["15/KH-UBND"]))
    contents = plan.section("II").text.split("\n")[1:]  # the source gives no contents: the theme's, not none
    assert contents and all(re.match(r"\d+\. \S", line) for line in contents)


def test_a_plan_on_a_directive_of_its_own_level_reports_upwards_not_to_that_directives_issuer(settings, tmp_path):
    """A district's plan on the district's own chỉ thị (unseen task 07) had "Ủy ban nhân dân quận … (để báo cáo)" in
    Nơi nhận: it reported to itself. It reports to the city. (A plan on a directive from above still reports to that
    directive's issuer by name: `test_a_source_uploaded_without_a_catalogue_is_cited_in_full`.)"""
    library = _library_with(
        settings, tmp_path / "ct-quan-binh-thanh.txt",
        "ỦY BAN NHÂN DÂN\nQUẬN BÌNH THẠNH -------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 05/CT-UBND\n"
        "Bình Thạnh, ngày 02 tháng 12 năm 2025\nCHỈ THỊ\nVỀ TĂNG CƯỜNG PHÒNG, CHỐNG TÁC HẠI THUỐC LÁ\n"
        "1. Phòng Y tế chủ trì tổ chức mít tinh hưởng ứng Ngày Thế giới không thuốc lá 31 tháng 5.\n")
    request = DraftRequest(province="TP. Hồ Chí Minh", period="năm 2026", theme="phòng, chống tác hại thuốc lá",
                           issuer="Ủy ban nhân dân quận Bình Thạnh, Thành phố Hồ Chí Minh", sources=["05/CT-UBND"])
    recipients = PlanDrafter(library, PassageEchoChat(), settings).draft(request).recipients
    assert recipients[0] == "UBND thành phố Hồ Chí Minh (để báo cáo);", recipients
    # a Sở's công văn on its own Phòng's paper (unseen task 08) reports upwards too: the Phòng is part of the Sở,
    # whatever remark the issuer's name carries in brackets
    assert same_body("Phòng Thi đua, Khen thưởng – Sở Nội vụ tỉnh Quảng Bình",
                     "Sở Nội vụ tỉnh Quảng Bình (Phòng Thi đua, Khen thưởng tham mưu)")
    assert not same_body("Ủy ban nhân dân tỉnh Quảng Bình", "Sở Nội vụ tỉnh Quảng Bình")


def test_a_directives_closing_request_is_not_carried_as_a_duty(settings, tmp_path):
    """A directive ends by asking everyone to carry it out ("… nghiêm túc thực hiện Chỉ thị này"); that is its own
    closing, not a duty of the plan implementing it (which ends with its own), whatever the spelling of "Ủy"."""
    library = _library_with(
        settings, tmp_path / "chi-thi-quan.txt",
        "ỦY BAN NHÂN DÂN\nQUẬN 5\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 07/CT-UBND\n"
        "Quận 5, ngày 10 tháng 3 năm 2025\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG PHÒNG, CHỐNG TÁC HẠI CỦA THUỐC LÁ\n"
        "Để tăng cường phòng, chống tác hại của thuốc lá, Chủ tịch Ủy ban nhân dân quận chỉ thị:\n"
        "1. Phòng Y tế chủ trì xây dựng kế hoạch truyền thông phòng, chống tác hại của thuốc lá.\n"
        "2. Ủy ban nhân dân các phường xây dựng khu phố không khói thuốc.\n"
        "Uỷ ban nhân dân quận đề nghị Thủ trưởng các đơn vị và các đoàn thể quận triển khai thực hiện nghiêm túc "
        "Chỉ thị này.\n")
    sheet = _sheet(library, "07/CT-UBND")
    texts = [item.text for item in sheet.items]
    assert any("Phòng Y tế chủ trì xây dựng kế hoạch truyền thông" in text for text in texts)
    assert not any("Chỉ thị này" in text for text in texts)


def test_a_regulation_is_named_where_it_spoke_of_itself_and_its_chapter_titles_are_no_items(settings, tmp_path):
    """A circular's "Thông tư này có hiệu lực …" carried into a Sở's công văn said that the công văn took effect; it
    is passed on naming the circular. "Quy định chung", the title under "Chương I", was carried as a content line."""
    library = _library_with(
        settings, tmp_path / "thong-tu.txt",
        "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/2009/TT-BNN\n"
        "Hà Nội, ngày 06 tháng 3 năm 2009\nTHÔNG TƯ\nVỀ XÉT TẶNG GIẢI THƯỞNG BÔNG LÚA VÀNG VIỆT NAM\n"
        "Chương I\nQuy định chung\nĐiều 1. Phạm vi điều chỉnh\n"
        "Thông tư này quy định về trình tự, thủ tục xét tặng Giải thưởng Bông lúa vàng Việt Nam.\n"
        "Điều 2. Hồ sơ\nHồ sơ gồm 03 bộ, gửi Hội đồng cấp cơ sở chậm nhất ngày 31/01.\n"
        "Chương II\nĐiều khoản thi hành\nĐiều 3. Hiệu lực thi hành\n"
        "Thông tư này có hiệu lực sau 45 ngày, kể từ ngày ký ban hành.\n")
    texts = [item.text for item in _sheet(library, "12/2009/TT-BNN").items]
    assert "Thông tư số 12/2009/TT-BNN có hiệu lực sau 45 ngày, kể từ ngày ký ban hành." in texts
    assert any(text.startswith("Thông tư số 12/2009/TT-BNN quy định về trình tự") for text in texts)
    assert any("Hồ sơ gồm 03 bộ" in text for text in texts)
    assert not any("này" in text or text in ("Quy định chung", "Điều khoản thi hành") for text in texts)


def _drafted_from_regulation(library, settings, province: str, issuer: str):
    """A 2026 plan on the regulation 86/2025/QĐ-UBND (fake model), and the text of its sections."""
    draft = PlanDrafter(library, PassageEchoChat(), settings).draft(DraftRequest(
        province=province, period="năm 2026", issuer=issuer, theme="triển khai công tác thi đua, khen thưởng",
        sources=["86/2025/QĐ-UBND"]))
    return draft, "\n".join(section.text for section in draft.sections)


def test_a_sources_enacting_clauses_are_no_lines_of_the_plan(settings, tmp_path):
    """A Quyết định's "Điều 1. Ban hành kèm theo Quyết định này Quy định … tỉnh Bắc Ninh", "Điều 2. Quyết định này
    có hiệu lực …" and "Điều 3. Chánh Văn phòng … chịu trách nhiệm thi hành Quyết định này" were carried as contents
    of another province's plan: with the province replaced, the first said that the plan issued Lào Cai's
    regulation. The enacting clauses (issue, effect, replacement — also a list a "… này thay thế …, gồm:" line leads —
    and who carries the source out) are listed as not placed; the rules and the duties are carried."""
    library = _library_with(
        settings, tmp_path / "quyet-dinh.txt",
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 86/2025/QĐ-UBND\n"
        "Bắc Ninh, ngày 05 tháng 12 năm 2025\nQUYẾT ĐỊNH\nBan hành Quy định về công tác thi đua, khen thưởng\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy định về công tác thi đua, khen thưởng tỉnh Bắc Ninh.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày 15 tháng 12 năm 2025.\n"
        "Điều 3. Quy định này thay thế các quy chế đã ban hành trước đây, gồm:\n"
        "a) Quy chế thi đua theo Quyết định số 13/2024/QĐ-UBND ngày 31/5/2024;\n"
        "Điều 4. Chánh Văn phòng Ủy ban nhân dân tỉnh; Giám đốc các sở; Chủ tịch Ủy ban nhân dân các xã, phường "
        "chịu trách nhiệm thi hành Quyết định này./.\n"
        "Điều 5. Nội dung thi đua\n1. Tổ chức phong trào thi đua gắn với nhiệm vụ chính trị của từng cơ quan.\n"
        "Điều 6. Tổ chức thực hiện\n"
        "Sở Nội vụ hướng dẫn, kiểm tra việc thực hiện phong trào thi đua trên địa bàn tỉnh.\n")
    enacting = [item.text for item in _sheet(library, "86/2025/QĐ-UBND").of("enactment")]
    assert [text[:20] for text in enacting] == ["Điều 1. Ban hành kèm", "Điều 2. Quyết định n",
                                                "Quy chế thi đua theo", "Điều 4. Chánh Văn ph"]
    draft, text = _drafted_from_regulation(library, settings, "Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai")
    assert "gắn với nhiệm vụ chính trị của từng cơ quan" in text and "hướng dẫn, kiểm tra việc thực hiện" in text
    assert not any(words in text for words in ("Ban hành kèm theo", "có hiệu lực kể từ", "13/2024/QĐ-UBND",
                                               "thi hành Quyết định"))
    assert [row.placed for row in draft.coverage if row.item.kind == "enactment"] == [False] * 4


def test_the_members_of_the_sources_own_council_are_no_lines_of_a_lower_plan(settings, tmp_path):
    """A province's regulation lists who sits on the provincial council ("Chủ tịch Hội đồng là Chủ tịch Ủy ban nhân
    dân tỉnh") and what it does in an article of its own; a ministry's circular, who sits on its council ("Lãnh đạo
    Cục Thú y: Uỷ viên Hội đồng"). Both were carried into lower bodies' plans as reward lines. A Sở does not sit on
    that council: its article and its members are listed as not placed. The council every body forms ("… cấp cơ sở
    gồm:", "Điều 9. Hội đồng Thi đua - Khen thưởng các cơ quan, đơn vị") is the lower body's to form: carried."""
    library = _library_with(
        settings, tmp_path / "quy-dinh.txt",
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 86/2025/QĐ-UBND\n"
        "Bắc Ninh, ngày 05 tháng 12 năm 2025\nQUYẾT ĐỊNH\nBan hành Quy định về công tác thi đua, khen thưởng\n"
        "Điều 8. Hội đồng Thi đua - Khen thưởng tỉnh\n1. Hội đồng tham mưu cho Ủy ban nhân dân tỉnh về thi đua.\n"
        "2. Thành phần Hội đồng Thi đua - Khen thưởng tỉnh gồm:\n"
        "a) Chủ tịch Hội đồng là Chủ tịch Ủy ban nhân dân tỉnh;\n"
        "b) Trưởng phòng Thi đua, khen thưởng, Sở Nội vụ là Ủy viên kiêm thư ký Hội đồng.\n"
        "Điều 9. Hội đồng Thi đua - Khen thưởng các cơ quan, đơn vị\n"
        "1. Thành phần Hội đồng Thi đua - Khen thưởng cấp cơ sở gồm:\n"
        "a) Chủ tịch Hội đồng là Thủ trưởng cơ quan, đơn vị;\nb) Các Ủy viên là đại diện tổ chức công đoàn.\n")
    sheet = _sheet(library, "86/2025/QĐ-UBND")
    assert [item.text[:22] for item in sheet.of("council")] == ["Hội đồng tham mưu cho ", "Chủ tịch Hội đồng là C",
                                                               "Trưởng phòng Thi đua, "]
    draft, text = _drafted_from_regulation(library, settings, "Bắc Ninh", "Sở Y tế tỉnh Bắc Ninh")
    assert "Thủ trưởng cơ quan, đơn vị" in text and "đại diện tổ chức công đoàn" in text
    assert not any(words in text for words in ("Chủ tịch Ủy ban nhân dân tỉnh;", "kiêm thư ký", "Hội đồng tham mưu"))
    assert [row.placed for row in draft.coverage if row.item.kind == "council"] == [False] * 3


def test_a_recipients_list_that_lost_its_heading_is_no_duty(settings, tmp_path):
    """A Nghị định converted without its "Nơi nhận:" heading: the recipients ("- Văn phòng Quốc hội;") and the
    signature after "- Lưu: VT, …" were read as duties of its last article. The list that ends with the archive mark
    is no task; the article's own duty is kept."""
    library = _library_with(
        settings, tmp_path / "nghi-dinh.txt",
        "CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 25/2025/NĐ-CP\nHà Nội, ngày 21 tháng 02 năm 2025\n"
        "NGHỊ ĐỊNH\nQuy định chức năng, nhiệm vụ của Bộ Nội vụ\nĐiều 1. Nhiệm vụ\n"
        "1. Hướng dẫn, kiểm tra công tác thi đua, khen thưởng trong cả nước.\nĐiều 2. Trách nhiệm thi hành\n"
        "Bộ trưởng Bộ Nội vụ, Chủ tịch Ủy ban nhân dân tỉnh tổ chức thực hiện các nhiệm vụ thi đua, khen thưởng.\n"
        "- Thủ tướng, các Phó Thủ tướng Chính phủ;\n- Văn phòng Quốc hội;\n- VPCP:\n"
        "BTCN, các PCN, Trợ lý TTg, Công báo;\n- Lưu:\nVT, TCCV (02b).\nKT.\nTHỦ TƯỚNG PHÓ THỦ TƯỚNG Nguyễn Văn A\n")
    texts = [item.text for item in _sheet(library, "25/2025/NĐ-CP").items]
    assert any("tổ chức thực hiện các nhiệm vụ thi đua" in text for text in texts)
    assert any("Hướng dẫn, kiểm tra công tác thi đua" in text for text in texts)
    assert not any(name in text for text in texts for name in ("Phó Thủ tướng Chính", "Văn phòng Quốc hội", "BTCN",
                                                                "TCCV", "Nguyễn Văn A"))


def test_duties_of_a_ministrys_own_units_are_not_passed_on_by_a_province_body(settings, tmp_path):
    """A circular gives the ministry and its own departments their part ("Vụ Tổ chức cán bộ là cơ quan thường
    trực"): a Sở's công văn carried it to the province's bodies, which have no such unit. It is left out and listed as
    not placed; the Sở's own duty is carried."""
    library = _library_with(
        settings, tmp_path / "thong-tu.txt",
        "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/2009/TT-BNN\n"
        "Hà Nội, ngày 06 tháng 3 năm 2009\nTHÔNG TƯ\nVỀ XÉT TẶNG GIẢI THƯỞNG BÔNG LÚA VÀNG VIỆT NAM\n"
        "Điều 1. Hồ sơ\nHồ sơ gồm 03 bộ, gửi Hội đồng cấp cơ sở chậm nhất ngày 31/01.\n"
        "Điều 2. Tổ chức thực hiện\n1. Vụ Tổ chức cán bộ là cơ quan thường trực tổ chức Giải thưởng.\n"
        "2. Bộ Nông nghiệp và Phát triển nông thôn đăng ký Giải thưởng với Ban Thi đua - Khen thưởng Trung ương.\n"
        "3. Các cơ quan, đơn vị: Văn phòng Bộ, Vụ Tài chính phối hợp với Vụ Tổ chức cán bộ tổ chức Giải thưởng.\n"
        "4. Giám đốc Sở Nông nghiệp và Phát triển nông thôn các tỉnh phổ biến Thông tư đến các tập thể, cá nhân.\n")
    drafter = PlanDrafter(library, PassageEchoChat(), settings)
    draft = drafter.draft(DraftRequest(province="Long An", period="năm 2026", doc_type="cong-van",
                                       issuer="Sở Nông nghiệp và Phát triển nông thôn tỉnh Long An",
                                       theme="hướng dẫn đăng ký xét tặng Giải thưởng Bông lúa vàng Việt Nam",
                                       sources=["12/2009/TT-BNN"]))
    body = draft.section("body").text
    assert "phổ biến Thông tư" in body and "Hồ sơ gồm 03 bộ" in body
    assert not any(name in body for name in ("Vụ Tổ chức cán bộ", "Vụ Tài chính", "đăng ký Giải thưởng"))
    left_out = [row.item.text for row in draft.coverage if row.item.kind == "duty" and not row.placed]
    assert [text[:12] for text in left_out] == ["Vụ Tổ chức c", "Bộ Nông nghi", "Các cơ quan,"]


def test_an_issuer_named_by_its_heads_post_names_its_body():
    """A catalogue names a circular's issuer by its minister ("Bộ trưởng Bộ …"); the duties name the ministry."""
    assert body_of("Bộ trưởng Bộ Nông nghiệp và Phát triển nông thôn") == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert body_of("Chủ tịch Ủy ban nhân dân tỉnh Long An") == "Ủy ban nhân dân tỉnh Long An"
    assert body_of("Phó Chủ tịch Ủy ban nhân dân tỉnh") == "Phó Chủ tịch Ủy ban nhân dân tỉnh"  # a person, no body
    assert body_of("Chính phủ") == "Chính phủ"


def test_a_source_title_read_with_its_full_stop_is_cited_without_it():
    from types import SimpleNamespace

    from assistant.drafting.legal import record_line
    from core.models import DocumentMetadata

    directive = SimpleNamespace(source="chi-thi.txt", metadata=DocumentMetadata(
        doc_type="chi-thi", title="Chỉ thị về việc tăng cường hoạt động phòng, chống tác hại thuốc lá."))
    assert record_line(directive) == "Chỉ thị về việc tăng cường hoạt động phòng, chống tác hại thuốc lá"
    # a document of no known type and no number is still named as one: "Thực hiện ngày 04/5/2021 của …" was cited
    assignment = SimpleNamespace(source="phan-cong.txt", metadata=DocumentMetadata(
        title="Phân công nhiệm vụ các thành viên Phòng Thi đua, Khen thưởng", date="2021-05-04",
        issuer="Sở Nội vụ tỉnh Quảng Bình"))
    assert record_line(assignment) == ("văn bản ngày 04/5/2021 của Sở Nội vụ tỉnh Quảng Bình về phân công nhiệm vụ "
                                       "các thành viên Phòng Thi đua, Khen thưởng")


def test_a_basis_names_the_document_it_amends_and_drops_the_bracket_it_was_cited_in():
    from assistant.drafting.legal import cited_bases

    text = ("Căn cứ Thông tư số 01/2025/TT-BTTTT ngày 18 tháng 02 năm 2025 của Bộ trưởng Bộ Thông tin và Truyền "
            "thông sửa đổi, bổ sung một số điều của Thông tư số 06/2022/TT-BTTTT ngày 30 tháng 6 năm 2022 hướng dẫn "
            "thực hiện Dự án Truyền thông và giảm nghèo về thông tin;")
    lines = {basis.key: basis.line for basis in cited_bases(text, "Cần Thơ", True, set())}
    assert lines["1/2025/TT-BTTTT"].endswith("sửa đổi, bổ sung một số điều của Thông tư số 06/2022/TT-BTTTT")
    assert lines["6/2022/TT-BTTTT"].endswith("hướng dẫn thực hiện Dự án Truyền thông và giảm nghèo về thông tin")
    bracketed = ("Căn cứ Quyết định số 650/QĐ-LĐTBXH ngày 21 tháng 7 năm 2022 (được điều chỉnh bởi Quyết định số "
                 "128/QĐ-LĐTBXH ngày 17 tháng 3 năm 2023 phê duyệt Kế hoạch truyền thông giai đoạn 2021 - 2025);")
    [amending] = [basis.line for basis in cited_bases(bracketed, "Cần Thơ", True, set()) if "128/QĐ" in basis.line]
    assert amending.endswith("phê duyệt Kế hoạch truyền thông giai đoạn 2021 - 2025")


def test_a_constitutions_amendment_is_no_basis_and_a_lone_conjunction_is_dropped():
    from assistant.drafting.legal import cited_bases

    text = ("Căn cứ vào Hiến pháp nước Cộng hoà xã hội chủ nghĩa Việt Nam năm 1992 đã được sửa đổi, bổ sung theo Nghị "
            "quyết số 51/2001/QH10 ngày 25 tháng 12 năm 2001 của Quốc hội khoá X, kỳ họp thứ 10;\nCăn cứ Nghị quyết số "
            "01/NQ-CP và Nghị quyết số 02/NQ-CP ngày 05/01/2024 của Chính phủ về nhiệm vụ, giải pháp chủ yếu;")
    lines = [basis.line for basis in cited_bases(text, "Cần Thơ", True, set())]
    assert lines == ["Nghị quyết số 01/NQ-CP",
                     "Nghị quyết số 02/NQ-CP ngày 05/01/2024 của Chính phủ về nhiệm vụ, giải pháp chủ yếu"]


def test_a_titles_first_word_after_its_issuer_starts_small_but_a_named_document_keeps_its_capital():
    from assistant.drafting.legal import Basis, opening_lines

    bases = [Basis("15/2025/tt-bnv", "Thông tư số 15/2025/TT-BNV của Bộ trưởng Bộ Nội vụ Quy định biện pháp thi hành "
                   "Luật Thi đua, khen thưởng", 3, 1),
             Basis("86/2025/qđ-ubnd", "Quyết định số 86/2025/QĐ-UBND ngày 03/12/2025 của UBND tỉnh Bắc Ninh ban hành "
                   "Quy định về công tác thi đua, khen thưởng", 4, 1),
             Basis("87/2025/qh15", "Luật Ban hành văn bản quy phạm pháp luật số 87/2025/QH15", 0, 1)]
    lines = opening_lines(bases, ["Thực hiện Kế hoạch số 12/KH-UBND ngày 02/02/2025 của Ủy ban nhân dân thành phố Cần "
                                  "Thơ Thực hiện Chương trình số 5-CTr/TU"])
    assert lines == [
        "Căn cứ Thông tư số 15/2025/TT-BNV của Bộ trưởng Bộ Nội vụ quy định biện pháp thi hành Luật Thi đua, khen "
        "thưởng;",
        "Căn cứ Luật Ban hành văn bản quy phạm pháp luật số 87/2025/QH15;",
        "Thực hiện Quyết định số 86/2025/QĐ-UBND ngày 03/12/2025 của UBND tỉnh Bắc Ninh ban hành Quy định về công tác "
        "thi đua, khen thưởng;",
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 02/02/2025 của Ủy ban nhân dân thành phố Cần Thơ thực hiện Chương trình "
        "số 5-CTr/TU;"]


def test_a_reference_ends_where_the_next_document_is_named_and_another_provinces_body_is_not_ours():
    from assistant.drafting.legal import cited_bases

    text = ("Triển khai Kế hoạch số 123-KH/TU của Ban Thường vụ Tỉnh ủy về sơ kết 03 năm thực hiện Kết luận số 01-KL/TW "
            "của Bộ Chính trị, Công văn số 4241/UBND-NC ngày 09/12/2022 của UBND tỉnh về chỉ đạo các ngành tham mưu kế "
            "hoạch sơ kết phong trào thi đua yêu nước.\nThực hiện Quyết định số 17/2023/QĐ-CT ngày 02/3/2023 của Chủ "
            "tịch UBND tỉnh về tổ chức phong trào thi đua yêu nước.")
    # read by another province: the conclusion alone; the decision of "UBND tỉnh" is the citing province's own
    assert [b.line for b in cited_bases(text, "Quảng Bình", False, set())] == ["Kết luận số 01-KL/TW của Bộ Chính trị"]
    own = [b.line for b in cited_bases(text, "Quảng Bình", True, set())]
    assert "Quyết định số 17/2023/QĐ-CT ngày 02/3/2023 của Chủ tịch UBND tỉnh Quảng Bình về tổ chức phong trào thi " \
           "đua yêu nước" in own


def test_a_reference_in_a_sentence_that_runs_on_keeps_its_title_alone():
    from assistant.drafting.legal import cited_bases

    text = ("Quán triệt Chỉ thị số 01/CT-UBND ngày 12/01/2023 của Chủ tịch UBND tỉnh về việc phát động phong trào thi "
            "đua yêu nước năm 2023 và mục đích, ý nghĩa của công tác thi đua, khen thưởng đến toàn thể cán bộ, công "
            "chức, viên chức, đảng viên, đoàn viên, hội viên và nhân dân trong tỉnh, để chủ trương của Đảng đi vào "
            "thực tiễn cuộc sống.\nCăn cứ Thông tư số 02/2025/TT-BDTTG ngày 24/6/2025 của Bộ trưởng Bộ Dân tộc và "
            "Tôn giáo hướng dẫn chức năng, nhiệm vụ, quyền hạn của Sở Dân tộc và Tôn giáo thuộc Ủy ban nhân dân tỉnh, "
            "thành phố trực thuộc trung ương và công tác dân tộc, tín ngưỡng, tôn giáo của phòng chuyên môn thuộc Ủy "
            "ban nhân dân cấp xã;")
    assert [b.line for b in cited_bases(text, "Bình Thuận", True, set())] == [
        "Chỉ thị số 01/CT-UBND ngày 12/01/2023 của Chủ tịch UBND tỉnh Bình Thuận về việc phát động phong trào thi đua "
        "yêu nước năm 2023",
        "Thông tư số 02/2025/TT-BDTTG ngày 24/6/2025 của Bộ trưởng Bộ Dân tộc và Tôn giáo hướng dẫn chức năng, nhiệm "
        "vụ, quyền hạn của Sở Dân tộc và Tôn giáo thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương"]


def test_a_reference_shares_a_plans_theme_by_its_subject_not_by_its_years():
    from assistant.drafting.legal import RELEVANT_SCORE, cited_bases, theme_words

    text = ("Căn cứ Luật Thủ đô số 39/2024/QH15; Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15;\n"
            "Căn cứ Thông tư số 55/2023/TT-BTC ngày 15/8/2023 của Bộ Tài chính quy định quản lý kinh phí thực hiện các "
            "chương trình mục tiêu quốc gia giai đoạn 2021 - 2025;\nThực hiện Quyết định số 2437/QĐ-TTg ngày "
            "04/11/2025 của Thủ tướng Chính phủ ban hành Kế hoạch triển khai Đợt thi đua lập thành tích chào mừng Đại "
            "hội lần thứ XIV của Đảng;\nThực hiện Chỉ thị số 41-CT/TW ngày 26/12/2024 của Bộ Chính trị về tăng cường sự "
            "lãnh đạo của Đảng đối với công tác thi đua, khen thưởng;")

    def relevant(theme: str, period: str) -> set[str]:
        about = theme_words(DraftRequest(province="Hà Nội", period=period, theme=theme))
        return {b.line.split(" ngày")[0] for b in cited_bases(text, "Nghệ An", False, about)
                if b.tier == 0 or b.score >= RELEVANT_SCORE}

    # a plan of the same years shares "giai đoạn 2021 - 2025" with a circular on funding; a particular campaign
    # ("Đợt thi đua … Đại hội XIV") is no basis of another; the Party's directive on thi đua work is
    assert relevant("phong trào thi đua yêu nước giai đoạn 2021 - 2025", "giai đoạn 2021 - 2025") == {
        "Chỉ thị số 41-CT/TW"}
    assert "Quyết định số 2437/QĐ-TTg" in relevant("thi đua lập thành tích chào mừng Đại hội XIV của Đảng", "năm 2026")
    # a law by the words of its name: "văn" alone does not make the law on legal documents one of "văn hiến"
    assert relevant("thi đua xây dựng Thủ đô văn hiến, văn minh", "năm 2026") == {
        "Luật Thủ đô số 39/2024/QH15", "Chỉ thị số 41-CT/TW"}


def test_a_law_cited_without_its_number_gets_it_when_known_and_is_flagged_when_not(sample_library, settings):
    from assistant.drafting.legal import Basis, in_force

    request = DraftRequest(province="Nghệ An", period="năm 2026", theme="thi đua").validated()
    kept, warnings = in_force([
        Basis("luật thi đua, khen thưởng", "Luật Thi đua, khen thưởng ngày 15/6/2022", 0, 3, year=2022),
        Basis("luật bảo vệ môi trường", "Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020", 0, 3, year=2020)],
        request, {}, successors())
    assert [b.line for b in kept] == ["Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
                                      "Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020"]
    assert warnings == ["Phần mở đầu: «Luật Bảo vệ môi trường ngày 17 tháng 11 năm 2020» chưa có số hiệu văn bản — "
                        "cần bổ sung."]
    # in a draft, the number from the table stands: the check of invented numbers knows the table's lines
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Nghệ An", period="năm 2026", theme="thi đua lập thành tích", sources=["982/KH-UBND"]))
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;" in draft.section("opening").text


def test_the_sources_duties_of_the_so_noi_vu_stand_under_its_own_item_once(sample_library, settings):
    """Validation task 05: a province plan on Đắk Lắk's plan listed "- Sở Nội vụ: chủ trì, …" three times among the
    other bodies' duties, then "2. Sở Nội vụ (…)" again with its standing duties. They now stand under that item."""
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Lâm Đồng", period="năm 2026", theme="thi đua lập thành tích chào mừng Đại hội XIV",
        sources=[DAI_HOI]))
    lines = draft.section("III").text.split("\n")
    assert not any(line.startswith("- Sở Nội vụ:") for line in lines)
    item = next(i for i, line in enumerate(lines) if re.match(r"\d+\. Sở Nội vụ \(", line))
    assert lines[item + 1].startswith("- Chủ trì, phối hợp với các cơ quan, đơn vị, địa phương")
    assert sum(line.startswith("- Là cơ quan thường trực Hội đồng Thi đua - Khen thưởng") for line in lines) == 1


def test_a_news_article_among_the_sources_informs_the_plan_but_is_not_cited_in_its_opening(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Bình Thuận", period="05 tháng cuối năm 2023", theme="thi đua nước rút 05 tháng cuối năm 2023",
        issuer="Ủy ban nhân dân thành phố Phan Thiết",
        sources=["001_177314a337b754a2.txt", "000_46ebe113dd57082e.txt"]))
    opening = draft.section("opening").text
    assert "Thực hiện Kế hoạch về phát động phong trào thi đua nước rút 05 tháng cuối năm 2023;" in opening
    assert "20/7/2023" not in opening and "chúng ta" not in opening  # the article's date and first words
    assert any("là tin bài, không dẫn làm căn cứ" in warning for warning in draft.warnings)


def test_a_sentence_the_source_breaks_across_lines_is_one_item(sample_library):
    """A web page's copy breaks "… Chỉ thị số 16/CT-UBND" + "ngày 13/9/2021 của UBND tỉnh …" inside a chunk: the
    line that opens in lower case without a list marker goes on from the one before."""
    sheet = _sheet(sample_library, "001_177314a337b754a2.txt")
    [item] = [item for item in sheet.items if "16/CT-UBND" in item.text]
    assert "Chỉ thị số 16/CT-UBND ngày 13/9/2021 của UBND tỉnh" in " ".join(item.text.split())
    assert not any(item.text.startswith("ngày 13/9/2021") for item in sheet.items)


def test_a_plan_without_sources_cites_only_bases_about_thi_dua_or_its_theme(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Bắc Ninh", period="năm 2026", theme="Kế hoạch tổ chức phong trào thi đua yêu nước năm 2026"))
    opening = draft.section("opening").text
    assert "Căn cứ Luật Thi đua, khen thưởng" in opening and "152/2025/NĐ-CP" in opening
    # cited by the library's plans, but about an election and the Government's economic tasks
    assert "46-CT/TW" not in opening and "02/NQ-CP" not in opening


def test_format_references_give_no_items(sample_library):
    sheet = _sheet(sample_library, "013_chinhphu-nd-30-2020-nd-cp-cong-tac-van-thu.txt")
    assert sheet.sources[0].role == "format" and not sheet.items


def test_level_adaptation_one_level_down():
    adapter = make_adapter("trung-uong", "tinh", province="Đắk Lắk", source_province="", issuer="UBND tỉnh Đắk Lắk")
    text, changed = adapter.adapt("Bộ Nội vụ chủ trì, báo cáo Thủ tướng Chính phủ; các bộ, ngành, địa phương phối hợp.")
    assert changed and text == ("Sở Nội vụ chủ trì, báo cáo Chủ tịch Ủy ban nhân dân tỉnh; các sở, ban, ngành, "
                                "Ủy ban nhân dân các xã, phường phối hợp.")
    kept = "Tặng Bằng khen của Thủ tướng Chính phủ theo Quyết định số 2437/QĐ-TTg ngày 04/11/2025 của Thủ tướng Chính phủ."
    assert adapter.adapt(kept) == (kept, False)  # reward names and cited documents are never adapted
    programme = "Thực hiện Chương trình số 05/CTr-BNV ngày 04/11/2025 của Bộ Nội vụ."  # any type Phụ lục III lists
    assert adapter.adapt(programme) == (programme, False)
    assert adapter.adapt("Bộ Chính trị lãnh đạo.")[0] == "Bộ Chính trị lãnh đạo."
    for front in ("Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Trung ương Mặt trận Tổ quốc Việt Nam"):
        assert adapter.adapt(f"Đề nghị {front}:")[0] == "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh:"
    city = make_adapter("trung-uong", "tinh", province="Cần Thơ", source_province="", issuer="UBND thành phố Cần Thơ")
    assert city.adapt("Thủ tướng Chính phủ")[0] == "Chủ tịch Ủy ban nhân dân thành phố"
    same = make_adapter("tinh", "tinh", province="Đắk Lắk", source_province="Đắk Lắk", issuer="UBND tỉnh Đắk Lắk")
    assert same.adapt("Bộ Nội vụ")[0] == "Bộ Nội vụ"


def test_a_wards_plan_from_its_districts_directive_names_the_ward():
    adapter = make_adapter("huyen", "xa", province="Hồ Chí Minh", source_province="Hồ Chí Minh",
                           issuer="Ủy ban nhân dân phường 5, quận 3, thành phố Hồ Chí Minh",
                           source_issuer="Ủy ban nhân dân một quận thuộc TP. Hồ Chí Minh")
    assert adapter.adapt("Uỷ ban nhân dân 11 phường tuyên truyền trên địa bàn quận.")[0] == \
        "Ủy ban nhân dân phường 5 tuyên truyền trên địa bàn phường 5."
    assert adapter.adapt("Đề nghị Uỷ ban Mặt trận Tổ quốc Việt Nam và các đoàn thể quận phối hợp với ngành y tế quận.")[0] \
        == "Đề nghị Uỷ ban Mặt trận Tổ quốc Việt Nam và các đoàn thể phường 5 phối hợp với ngành y tế quận."
    county = make_adapter("huyen", "xa", province="Đồng Nai", source_province="Đồng Nai", issuer="UBND xã Phú Lập",
                          source_issuer="Ủy ban nhân dân huyện Tân Phú")
    assert county.adapt("Ủy ban Mặt trận Tổ quốc Việt Nam huyện; toàn huyện")[0] == \
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã Phú Lập; toàn xã Phú Lập"


def test_units_below_the_source_report_to_the_issuer_not_to_the_sources_department():
    # Cần Thơ 159/KH-UBND: the communes "tổng hợp, báo cáo … gửi về Sở Nông nghiệp và Môi trường"; in a ward's plan
    # those duties go to the ward's own units, who report to the ward. Where the ward itself stays the addressee (a
    # công văn relaying the city's tasks), it still reports to the Sở.
    sent = "Tổng hợp, báo cáo tình hình thực hiện Kế hoạch và gửi về Sở Nông nghiệp và Môi trường."
    roles = {"province": "Cần Thơ", "source_province": "Cần Thơ",
             "issuer": "Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ",
             "source_issuer": "Ủy ban nhân dân thành phố Cần Thơ"}
    assert make_adapter("tinh", "xa", **roles).adapt(sent)[0] == sent
    ward = make_adapter("tinh", "xa", own=True, **roles)
    assert ward.adapt(sent)[0] == \
        "Tổng hợp, báo cáo tình hình thực hiện Kế hoạch và gửi về Ủy ban nhân dân phường Ninh Kiều."
    assert ward.adapt("Gửi hồ sơ đến Sở Nội vụ (qua Phòng Thi đua, khen thưởng) để thẩm định.")[0] == \
        "Gửi hồ sơ đến Ủy ban nhân dân phường Ninh Kiều để thẩm định."
    department = make_adapter("tinh", "so", province="Cần Thơ", source_province="Cần Thơ", own=True,
                              issuer="Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ")
    assert department.adapt("gửi về Sở Nông nghiệp và Môi trường để tổng hợp")[0] == \
        "gửi về Sở Văn hóa, Thể thao và Du lịch để tổng hợp"
    unchanged = ["gửi về Sở Nông nghiệp và Phát triển nông thôn để tổng hợp",  # a name not read whole is not cut
                 "gửi về Sở Y tế, Ủy ban nhân dân tỉnh",  # nor one of several receivers
                 "trình Ủy ban nhân dân tỉnh để gửi Bộ Nội vụ theo quy định",  # the ministry is above the province
                 "Sở Tài chính chủ trì, phối hợp với Sở Y tế"]  # no report sent
    assert [ward.adapt(text)[0] for text in unchanged] == unchanged
    district = make_adapter("huyen", "xa", province="Hồ Chí Minh", source_province="Hồ Chí Minh", own=True,
                            issuer="Ủy ban nhân dân phường 5, quận 3, thành phố Hồ Chí Minh",
                            source_issuer="Ủy ban nhân dân quận 3")
    assert district.adapt("báo cáo về Phòng Y tế trước ngày 15/5")[0] == \
        "báo cáo về Ủy ban nhân dân phường 5 trước ngày 15/5"


def test_a_wards_plan_names_itself_where_the_citys_plan_wrote_each_commune():
    # Cần Thơ 157/KH-UBND: "Ủy ban nhân dân xã, phường cung cấp danh sách …" is each commune's task, the ward's own in
    # its plan; under a district the communes are still below the issuer and stay.
    ward = make_adapter("tinh", "xa", province="Cần Thơ", source_province="Cần Thơ",
                        issuer="Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ")
    assert ward.adapt("Ủy ban nhân dân xã, phường trên địa bàn thành phố; Ủy ban nhân dân xã, phường cung cấp danh "
                      "sách.")[0] == ("Ủy ban nhân dân phường Ninh Kiều; Ủy ban nhân dân phường Ninh Kiều cung cấp "
                                      "danh sách.")
    county = make_adapter("tinh", "huyen", province="Đồng Nai", source_province="Đồng Nai",
                          issuer="Ủy ban nhân dân huyện Tân Phú, tỉnh Đồng Nai")
    kept = "Ủy ban nhân dân xã, phường cung cấp danh sách; Ủy ban nhân dân các xã, phường, Chủ tịch UBND cấp xã khen."
    assert county.adapt(kept)[0] == kept


def test_issuer_levels():
    assert issuer_level("Ủy ban nhân dân tỉnh Đắk Lắk") == "tinh"
    assert issuer_level("UBND thành phố Cần Thơ") == "tinh"
    assert issuer_level("Ủy ban nhân dân thành phố Phan Thiết") == "huyen"
    assert issuer_level("Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ") == "xa"
    assert issuer_level("Sở Nội vụ tỉnh Nghệ An") == "so"
    assert issuer_level("Cụm thi đua các tỉnh Tây Nguyên") == "khoi"
    assert issuer_level("Chính phủ") == "trung-uong"


def test_user_roles_file_extends_the_table(tmp_path):
    extra = tmp_path / "roles.toml"
    extra.write_text('[[rule]]\nfrom = ["trung-uong"]\nto = ["tinh"]\npairs = [["Ban Thi đua - Khen thưởng Trung ương", '
                     '"Sở Nội vụ"]]\n', encoding="utf-8")
    adapter = make_adapter("trung-uong", "tinh", province="Huế", source_province="", issuer="UBND thành phố Huế",
                           extra_files=(extra,))
    assert adapter.adapt("gửi Ban Thi đua - Khen thưởng Trung ương")[0] == "gửi Sở Nội vụ"


def test_award_forms_follow_the_issuers_authority_and_the_users_table(tmp_path):
    # Who may award what is the law's (a Sở gives Giấy khen and proposes Bằng khen; a ward's chairman gives Giấy
    # khen), stated from the table when the sources name no award.
    assert award_forms("tinh", province="Lâm Đồng", issuer="Ủy ban nhân dân tỉnh Lâm Đồng").startswith(
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh;")
    assert award_forms("tinh", province="Cần Thơ", issuer="UBND thành phố Cần Thơ").startswith(
        "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố;")
    department = award_forms("so", province="Nghệ An", issuer="Sở Y tế tỉnh Nghệ An")
    assert department.startswith("Giấy khen của Giám đốc Sở;")
    assert "đề nghị Chủ tịch Ủy ban nhân dân tỉnh tặng Bằng khen" in department
    assert award_forms("xa", province="Cần Thơ", issuer="Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ") \
        .startswith("Giấy khen của Chủ tịch Ủy ban nhân dân phường Ninh Kiều;")
    extra = tmp_path / "roles.toml"
    extra.write_text('[awards]\nso = "Giấy khen của Giám đốc Sở"\n', encoding="utf-8")
    assert award_forms("so", province="Nghệ An", issuer="Sở Y tế tỉnh Nghệ An", extra_files=(extra,)) == \
        "Giấy khen của Giám đốc Sở"
    assert award_forms("tinh", province="Huế", issuer="UBND thành phố Huế", extra_files=(extra,)).startswith(
        "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố;")


def test_a_lower_plan_assigns_only_its_own_share_of_the_superiors_duties():
    from assistant.drafting.compose import own_share
    from assistant.drafting.models import SheetItem, SourceDoc, TaskSheet

    def duty(agency):
        return SheetItem(agency or "x", "duty", f"nhiệm vụ của {agency or 'mọi đơn vị'}", "kh.txt", agency=agency)

    city_plan = [duty(a) for a in ("Sở Y tế", "Ủy ban nhân dân xã, phường", "", "Các Sở, ngành, đơn vị liên quan",
                                   "Ngân hàng Nhà nước chi nhánh khu vực 14", "Sở Văn hóa, Thể thao và Du lịch",
                                   "Ủy ban nhân dân cấp xã", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
                                   "Hội đồng Thi đua - Khen thưởng các cấp",
                                   "Các sở, ban, ngành, Ủy ban nhân dân các xã, phường", "Các phòng, ban, ngành quận")]
    # items naming no one body belong to the body their heading names
    city_plan += [SheetItem("bank", "duty", "phối hợp tuyên truyền", "kh.txt", agency="Các ngân hàng thương mại",
                            section="III. TỔ CHỨC THỰC HIỆN > 3. Ngân hàng Nhà nước chi nhánh khu vực 14"),
                  SheetItem("ward", "duty", "lập danh sách chi trả", "kh.txt",
                            section="III. TỔ CHỨC THỰC HIỆN > 4. Ủy ban nhân dân xã, phường")]
    city = SourceDoc("kh.txt", "157/KH-UBND", "Kế hoạch", "UBND thành phố Cần Thơ", "18/11/2025", "ke-hoach",
                     "Cần Thơ", "directive", level="tinh")
    sheet = TaskSheet(sources=[city], items=city_plan)
    own, shared = own_share(sheet, "Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ", "xa")
    assert [d.id for d in own] == ["Ủy ban nhân dân xã, phường", "Ủy ban nhân dân cấp xã", "ward"]
    assert [d.agency for d in shared] == ["", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
                                          "Hội đồng Thi đua - Khen thưởng các cấp",
                                          "Các sở, ban, ngành, Ủy ban nhân dân các xã, phường"]
    own, shared = own_share(sheet, "Sở Văn hóa, Thể thao và Du lịch thành phố Cần Thơ", "so")
    # the city's departments as a group include the Sở, not the ward
    assert [d.agency for d in own] == ["Các Sở, ngành, đơn vị liên quan", "Sở Văn hóa, Thể thao và Du lịch",
                                       "Các phòng, ban, ngành quận"]
    assert [d.agency for d in shared] == ["", "Hội đồng Thi đua - Khen thưởng các cấp",
                                          "Các sở, ban, ngành, Ủy ban nhân dân các xã, phường"]


def test_a_commune_implementing_a_government_resolution_takes_the_local_governments_share():
    from assistant.drafting.compose import own_share
    from assistant.drafting.models import SheetItem, SourceDoc, TaskSheet

    agencies = ("Bộ Công Thương", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "Các bộ, ngành",
                "Các bộ, ngành, địa phương", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam", "Ủy ban nhân dân các cấp",
                "", "Chủ tịch Ủy ban nhân dân các tỉnh")
    duties = [SheetItem(a or "x", "duty", f"nhiệm vụ của {a or 'mọi đơn vị'}", "nq.txt", agency=a) for a in agencies]
    government = SourceDoc("nq.txt", "394/NQ-CP", "Nghị quyết", "Chính phủ", "03/12/2025", "nghi-quyet", "",
                           "directive", level="trung-uong")
    sheet = TaskSheet(sources=[government], items=duties)
    own, shared = own_share(sheet, "Ủy ban nhân dân xã Bảo Hà, tỉnh Lào Cai", "xa")
    assert [d.agency for d in own] == ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương",
                                       "Ủy ban nhân dân các cấp", "Chủ tịch Ủy ban nhân dân các tỉnh"]
    assert [d.agency for d in shared] == ["Các bộ, ngành, địa phương", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
                                          ""]
    for issuer, level in (("Ủy ban nhân dân tỉnh Lào Cai", "tinh"), ("Sở Công Thương tỉnh Lào Cai", "so")):
        assert own_share(sheet, issuer, level) == ([], duties)  # the role adapter makes a ministry's duties theirs
    # the same lines as reports: what the Government asks the provinces to send the ministry is not the commune's
    reports = TaskSheet(sources=[government], items=[replace(item, kind="report") for item in duties])
    own, shared = own_share(reports, "Ủy ban nhân dân xã Bảo Hà, tỉnh Lào Cai", "xa", kind="report")
    assert [d.agency for d in own] == ["Ủy ban nhân dân các cấp"]
    assert [d.agency for d in shared] == ["Các bộ, ngành, địa phương", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
                                          ""]


def test_a_commune_plan_from_the_government_resolution_gives_no_orders_to_departments(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Lào Cai", period="giai đoạn 2026 - 2030", theme="hưởng ứng phong trào bảo vệ môi trường",
        issuer="Ủy ban nhân dân xã Bảo Hà, tỉnh Lào Cai", sources=["394/NQ-CP"]))
    duties = draft.section("III").text.split("\n2. ")[0]  # 1. Phân công thực hiện
    assert "\nCác ban, ngành, đoàn thể, đơn vị thuộc xã Bảo Hà:\n- Triển khai đồng bộ các đợt ra quân" in duties
    assert not re.search(r"(?m)^- (?:Sở|Bộ) ", duties)
    assert any(row.item.agency == "Bộ Công Thương" for row in draft.missing())
    # the resolution's reports from the provinces to the ministry are the province's channel, not the commune's
    reports = draft.section("III").text.split("Chế độ báo cáo")[1]
    assert "Bộ Nông nghiệp và Môi trường" not in reports and "Ủy ban nhân dân xã Bảo Hà" in reports
    assert any(row.item.kind == "report" and "gửi Bộ Nông nghiệp" in row.item.text for row in draft.missing())
    assert "… tháng … năm …" in reports  # no deadline set before theirs


def test_a_ward_plan_from_the_city_plan_gives_no_orders_to_the_citys_departments(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Cần Thơ", period="năm 2025", theme="chi trả trợ cấp không dùng tiền mặt",
        issuer="Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ", sources=["157/KH-UBND"]))
    duties = draft.section("III").text
    assert "\nCác ban, ngành, đoàn thể, đơn vị thuộc phường Ninh Kiều:\n- Xây dựng và ban hành Kế hoạch" in duties
    assert draft.header.place_date.startswith("Ninh Kiều, ngày")
    assert not re.search(r"(?m)^- (?:Sở Y tế|Ngân hàng Nhà nước chi nhánh khu vực 14|Sở Khoa học và Công nghệ):",
                         duties)
    assert "Ngân hàng Nhà nước chi nhánh khu vực 14:" not in duties  # nor to the banks under its heading
    assert any(row.item.agency == "Sở Y tế" for row in draft.missing())  # listed as not placed


def test_a_heading_over_duties_is_adapted_like_the_duties():
    from assistant.drafting.compose import pieces
    from assistant.drafting.models import SheetItem

    heading = "III. TỔ CHỨC THỰC HIỆN > 4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các Đoàn thể"
    items = [SheetItem(str(n), "duty", text, "kh.txt", section=heading) for n, text in enumerate((
        "Đẩy mạnh công tác tuyên truyền, vận động các tầng lớp Nhân dân tích cực tham gia thực hiện Chương trình.",
        "Tiếp tục tổ chức hiệu quả các cuộc vận động xã hội, phong trào thi đua yêu nước trên địa bàn thành phố."))]
    adapter = make_adapter("tinh", "xa", province="Cần Thơ", source_province="Cần Thơ",
                           issuer="Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ")
    lines = [piece.text for piece in pieces(items, adapter, labels=True, agency=True)]
    assert lines[0] == "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường Ninh Kiều và các Đoàn thể:"
    assert lines[2].endswith("trên địa bàn phường Ninh Kiều.") and len(lines) == 3


def test_a_ward_named_like_a_former_province_keeps_its_name_in_the_draft(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Cần Thơ", period="năm 2025", theme="chi trả trợ cấp không dùng tiền mặt",
        issuer="Ủy ban nhân dân phường Sóc Trăng, thành phố Cần Thơ", sources=["157/KH-UBND"]))
    markdown = draft.markdown()
    assert "**PHƯỜNG SÓC TRĂNG**" in markdown and "Các ban, ngành, đoàn thể, đơn vị thuộc phường Sóc Trăng" in markdown
    assert "phường Cần Thơ" not in markdown and not any("Sóc Trăng" in w for w in draft.warnings)


def test_a_unit_named_by_a_number_or_after_a_person_is_written_in_full_before_the_date(sample_library, settings):
    draft = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Hồ Chí Minh", period="năm 2026", theme="phòng, chống tác hại của thuốc lá",
        issuer="Ủy ban nhân dân phường 5, quận 3, thành phố Hồ Chí Minh"))
    assert draft.header.place_date == "Phường 5, ngày … tháng … năm …"  # Nghị định 30: not "5, ngày …"
    city = PlanDrafter(sample_library, PassageEchoChat(), settings).draft(DraftRequest(
        province="TP. Hồ Chí Minh", period="năm 2026", theme="phòng, chống tác hại của thuốc lá",
        issuer="Ủy ban nhân dân Thành phố Hồ Chí Minh"))
    assert city.header.place_date == "Thành phố Hồ Chí Minh, ngày … tháng … năm …"  # named after a person: in full


def test_a_paragraph_repeating_the_one_before_it_is_not_carried_twice():
    # Cần Thơ 157/KH-UBND states the place of account opening in two parts, "thực tế" in one, "thực tiễn" in the other
    said = "Thời gian, địa điểm do thỏa thuận của Ủy ban nhân dân xã, phường và ngân hàng phù hợp với tình hình {} của " \
           "địa phương."
    items = [SheetItem("a", "time", said.format("thực tế"), "kh.txt"),
             SheetItem("b", "time", said.format("thực tiễn"), "kh.txt"),
             SheetItem("c", "time", "Đợt 02 dự kiến: Thực hiện vét trong 03 ngày làm việc (từ ngày 08 đến ngày 10 "
                                    "tháng 12 năm 2025).", "kh.txt")]
    made = pieces(items, NO_ADAPTATION)
    assert [p.text for p in made] == [f"- {said.format('thực tế')}", f"- {items[2].text}"]
    assert [item.id for item in made[0].items] == ["a", "b"]  # both placed, for the coverage table


def test_deadline_before_the_superior():
    assert earlier("31/3/2026", 5) == earlier("31 tháng 3 năm 2026", 5) == "26/3/2026"  # the year is kept
    assert earlier("15 tháng 12 hàng năm", 5) == "10 tháng 12 hằng năm"
    assert earlier("sớm", 5) == ""


def test_title_and_sentence_checks():
    request = DraftRequest(province="Bình Thuận", period="năm 2024", theme="Phát động phong trào thi đua tiếp tục "
                           "phát động phong trào thi đua nước rút").validated()
    assert summary_line(request) == "Phát động phong trào thi đua tiếp tục nước rút năm 2024"
    assert drop_repeated_phrases("a b c d a b c e") == "a b c d e"
    assert repeats_itself("người sáng tạo, người sáng tạo, người sáng tạo")
    assert not repeats_itself("thi đua thực hiện tốt công tác thi đua, khen thưởng")
    original = "Sở Nội vụ hướng dẫn; 100% xã, phường ra quân trước ngày 31/12/2025."
    assert accept_rewrite("Sở Nội vụ hướng dẫn để 100% xã, phường ra quân trước ngày 31/12/2025.", original)
    assert not accept_rewrite("Sở Nội vụ hướng dẫn để 90% xã, phường ra quân trước ngày 31/12/2025.", original)
    assert not accept_rewrite("Sở Nội vụ hướng dẫn, hướng dẫn, hướng dẫn 100% xã ngày 31/12/2025.", original)


@pytest.fixture
def drafter(sample_library, settings):
    return PlanDrafter(sample_library, PassageEchoChat(), settings)


def test_plan_from_a_ministerial_level_source_carries_targets_adapted(drafter):
    draft = drafter.draft(DraftRequest(province="Thái Nguyên", period="giai đoạn 2025 - 2030",
                                       theme="triển khai phong trào toàn dân tham gia bảo vệ môi trường",
                                       sources=[NQ_394]))
    text = draft.markdown()
    assert "Thực hiện Nghị quyết số 394/NQ-CP ngày 03/12/2025 của Chính phủ" in text
    assert "95% rác thải sinh hoạt đô thị, 90% rác thải sinh hoạt nông thôn" in draft.section("II").text
    assert all(row.placed or row.where() == "chưa đưa vào" for row in draft.coverage)
    assert sum(row.placed for row in draft.coverage) >= 0.95 * len(draft.coverage)
    assert "Sở Nông nghiệp và Môi trường" in draft.section("III").text  # Bộ X -> Sở X
    # the deadline set before the ministry's is stated, not blanked as a date the library lacks
    assert "trước ngày 26/12/2025 (cần xác nhận)" in draft.section("III").text
    # for a plan of 2026 that deadline is gone: the yearly one is set before the ministry's yearly report instead
    later = drafter.draft(DraftRequest(province="Thái Nguyên", period="năm 2026", theme="bảo vệ môi trường",
                                       sources=[NQ_394]))
    assert "trước ngày 10 tháng 12 hằng năm (cần xác nhận)" in later.section("III").text
    assert "Phụ lục: đối chiếu" in draft.markdown(appendix=True)
    payload = draft.to_dict()
    assert payload["coverage"] and payload["coverage_complete"]
    assert {"kind", "text", "citation", "where", "placed"} <= set(payload["coverage"][0])


def test_a_source_time_frame_that_ended_before_the_plan_gives_way_to_the_plans_period(drafter):
    """Cần Thơ's campaign runs "từ ngày 20 tháng 11 năm 2025 đến ngày 03 tháng 12 năm 2025", then "từ ngày 08 đến
    ngày 10 tháng 12 năm 2025", judged "trước ngày 31 tháng 12 năm 2025": a plan for năm 2026 built on it leaves
    those dates out (they would lie in the past) and states its own period, with a word for the editor; a plan for
    the source's own weeks keeps them."""
    source = ["157/KH-UBND"]
    later = drafter.draft(DraftRequest(province="Cần Thơ", period="năm 2026", sources=source,
                                       theme="phong trào thi đua chi trả trợ giúp xã hội không dùng tiền mặt"))
    time_frame = later.section("II").text.split("Thời gian thực hiện\n", 1)[1]
    assert time_frame.startswith("- Trong năm 2026.") and "2025" not in time_frame
    assert any("bỏ 3 mốc thời gian" in warning and "trước năm 2026" in warning for warning in later.warnings)
    same = drafter.draft(DraftRequest(province="Cần Thơ", period="từ 20/11/2025 đến 31/12/2025", sources=source,
                                      theme="phong trào thi đua chi trả trợ giúp xã hội không dùng tiền mặt"))
    assert "đến ngày 03 tháng 12 năm 2025" in same.section("II").text
    assert not any("kết thúc trước" in warning for warning in same.warnings)


def test_a_place_the_source_names_as_a_fact_is_kept_and_a_model_plans_own_province_replaced(drafter):
    """The Prime Minister's conclusions for Thanh Hóa name the expressway "CT.03 tỉnh Phú Thọ": a fact of the source,
    not another province's name copied from a model plan. Cần Thơ's own plan taken as a model for Lào Cai is, except
    where the plan is cited: that is Cần Thơ's plan."""
    conclusions = drafter.draft(DraftRequest(province="Thanh Hóa", period="năm 2026", theme="thực hiện kết luận",
                                             sources=["634/TB-VPCP"]))
    assert "đường cao tốc CT.03 tỉnh Phú Thọ" in conclusions.markdown()
    assert not any("«Phú Thọ»" in warning for warning in conclusions.warnings)
    model = drafter.draft(DraftRequest(province="Lào Cai", period="năm 2026", sources=["157/KH-UBND"],
                                       theme="phong trào thi đua chi trả trợ giúp xã hội không dùng tiền mặt"))
    assert "Cần Thơ" not in model.section("II").text + model.section("III").text
    assert "Kế hoạch số 157/KH-UBND ngày 18/11/2025 của UBND thành phố Cần Thơ" in model.section("opening").text


def test_places_named_by_sources_leave_out_the_signing_place_their_own_province_and_format_models():
    texts = {"circular.txt": "Hà Nội, ngày 05 tháng 3 năm 2012\nLễ trao giải tổ chức tại Thủ đô Hà Nội.",
             "signed.txt": "Đà Nẵng, ngày 03 tháng 12 năm 2025\nCác tỉnh triển khai.",
             "plan.txt": "Ủy ban nhân dân thành phố Cần Thơ phối hợp với tỉnh Vĩnh Long.",
             "form.txt": "ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH … tỉnh Sơn La"}

    class Library:
        @staticmethod
        def iter_chunks(source):
            return [type("Chunk", (), {"text": texts[source]})]

    def doc(source, province="", role="directive"):
        return SourceDoc(source, "", source, "", "", "", province, role, "")

    assert places_named(Library(), [doc("circular.txt"), doc("signed.txt"), doc("plan.txt", "Cần Thơ"),
                                    doc("form.txt", role="format")]) == {"Hà Nội", "Vĩnh Long"}


def test_a_regulations_rules_are_carried_as_written_and_a_plans_tasks_one_level_down(drafter):
    """Hà Nội's Quy chế "Công dân Thủ đô ưu tú" is for people "cư trú trên địa bàn thành phố Hà Nội": a ward's plan
    that implements it states the rule as written (it had become "trên địa bàn phường Phúc Xá Hà Nội")."""
    def doc(doc_type, number="", title=""):
        return SourceDoc("x.txt", number, title, "", "", doc_type, "", "directive", "")

    assert states_rules(doc("thong-tu")) and states_rules(doc("nghi-dinh", "25/2025/NĐ-CP"))
    assert states_rules(doc("quyet-dinh", "71/2025/QĐ-UBND", "Quyết định ban hành Quy chế xét tặng danh hiệu"))
    assert states_rules(doc("quyet-dinh", "3621/QĐ-BYT", "Quyết định ban hành quy trình giải quyết thủ tục"))
    assert states_rules(doc("nghi-quyet", "83/2025/NQ-HĐND", "Nghị quyết về xét tặng danh hiệu"))
    assert not states_rules(doc("nghi-quyet", "394/NQ-CP", "Nghị quyết về phát động phong trào"))
    assert not states_rules(doc("chi-thi", "23/2009/CT-UBND", "Chỉ thị về tăng cường phòng, chống tác hại thuốc lá"))
    assert not states_rules(doc("ke-hoach", "157/KH-UBND", "Kế hoạch phát động phong trào thi đua"))
    ward = drafter.draft(DraftRequest(province="Hà Nội", period="năm 2026", sources=["71/2025/QĐ-UBND"],
                                      issuer="Ủy ban nhân dân phường Phúc Xá, thành phố Hà Nội",
                                      theme="xét tặng danh hiệu Công dân Thủ đô ưu tú"))
    text = ward.markdown()
    assert "cư trú trên địa bàn thành phố Hà Nội" in text and "địa bàn phường Phúc Xá Hà Nội" not in text


def test_missing_item_is_added_to_its_section(drafter):
    draft = drafter.draft(DraftRequest(province="Đắk Lắk", period="năm 2026", theme="tổng kết phong trào thi đua bầu cử",
                                       sources=[BAU_CU]))
    at, row = next((n, r) for n, r in enumerate(draft.coverage) if r.item.kind == "content")
    lines = draft.section("II").text.split("\n")
    draft.sections[2].text = "\n".join(line for line in lines if row.item.text[:40] not in line)
    from assistant.drafting import checks
    draft.coverage = checks.coverage(draft, draft.sheet.items)
    assert draft.coverage[at].where() == "chưa đưa vào"
    assert row.item.id in [r.item.id for r in draft.missing()]
    fixed = drafter.add_item(draft, row.item.id)
    assert fixed.coverage[at].placed and fixed.coverage[at].section == "II"


def test_cong_van_has_vv_kinh_gui_no_roman_sections_and_opens_in_libreoffice(drafter, tmp_path):
    draft = drafter.draft(DraftRequest(province="Nghệ An", period="từ tháng 11/2025", issuer="Sở Nội vụ tỉnh Nghệ An",
                                       theme="Công văn đề nghị hưởng ứng Đợt thi đua chào mừng Đại hội XIV",
                                       sources=[KH_982], doc_type="cong-van"))
    text = draft.markdown()
    assert draft.header.number == "Số: …/SNV-…" and draft.header.summary.startswith("V/v ")
    assert "Kính gửi:" in text and "## " not in text and "KẾ HOẠCH\n" not in text
    assert draft.recipients[0] == "Như trên;" and draft.recipients[-1].startswith("Lưu: VT")
    assert "Thực hiện Kế hoạch số 982/KH-UBND ngày 19/11/2025" in text
    # beside its source, the basis most about the theme (the Prime Minister's plan for this Đợt thi đua), not the
    # first the plan cites (a Party directive on congresses)
    assert "(triển khai Quyết định số 2437/QĐ-TTg ngày 04 tháng 11 năm 2025" in text
    assert draft.signer_lines == ["GIÁM ĐỐC"]
    path = write_docx(draft, tmp_path / "cong-van.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) must be installed: scripts/setup.sh --test installs it"
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                             "pdf", "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "cong-van.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    body = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    for needle in ("V/v", "Kính gửi", "Nơi nhận", "Như trên"):
        assert needle in body
    assert "II. NỘI DUNG" not in body


def test_only_bases_in_force_for_the_period():
    from assistant.drafting.legal import Basis, in_force

    request = DraftRequest(province="Bình Thuận", period="năm 2019", theme="thi đua").validated()
    bases = [Basis("luật thi đua, khen thưởng", "Luật Thi đua, khen thưởng ngày 26/11/2003", 0, 3, year=2003),
             Basis("25/2025/ND-CP", "Nghị định số 25/2025/NĐ-CP ngày 21/02/2025 của Chính phủ", 2, 3, year=2025)]
    kept, warnings = in_force(bases, request, {"luật thi đua, khen thưởng": ("06/2022/QH15", 2022)}, successors())
    assert [b.year for b in kept] == [2003]  # a plan for 2019 cannot rest on a 2025 decree
    assert any("25/2025/NĐ-CP" in w and "sau thời gian" in w for w in warnings)
    assert any("06/2022/QH15" in w for w in warnings)  # the law was replaced by a newer one in the library


def test_a_basis_replaced_before_the_period_gives_way_to_its_successor(tmp_path):
    from assistant.drafting.legal import Basis, in_force

    def bases():
        return [Basis("luật thi đua, khen thưởng", "Luật Thi đua, khen thưởng số 15/2003/QH11 ngày 26/11/2003", 0, 3,
                      year=2003),
                Basis("91/2017/ND-CP", "Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ", 2, 3, year=2017)]

    request = DraftRequest(province="Bình Thuận", period="năm 2026", theme="thi đua").validated()
    kept, warnings = in_force(bases(), request, {}, successors())
    assert [b.line for b in kept] == [  # the decree followed down its chain: 91/2017 -> 98/2023 -> 152/2025
        "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
        "Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực thi "
        "đua, khen thưởng"]
    assert len(warnings) == 2 and all("đã được thay thế" in w for w in warnings)
    # a period that the replacement falls in keeps the old basis, flagged
    kept, warnings = in_force(bases(), replace(request, period="giai đoạn 2021 - 2025"), {}, successors())
    assert [b.year for b in kept] == [2003, 2017] and len(warnings) == 2
    assert "trong thời gian của kế hoạch" in warnings[0]
    # the successor cited already: the old basis goes; the user's own table comes first
    kept, _ = in_force([*bases(), Basis("06/2022/QH15", "Luật Thi đua, khen thưởng số 06/2022/QH15", 0, 3)],
                       request, {}, successors())
    assert [b.line[:30] for b in kept] == ["Nghị định số 152/2025/NĐ-CP ng", "Luật Thi đua, khen thưởng số 0"]
    own = tmp_path / "superseded.toml"
    own.write_text('[[superseded]]\nold = ["91/2017/NĐ-CP"]\nby = "Nghị định số 1/2024/NĐ-CP"\nsince = "2024"\n',
                   encoding="utf-8")
    kept, _ = in_force(bases(), request, {}, successors(tmp_path))
    assert kept[1].line == "Nghị định số 1/2024/NĐ-CP"


def test_a_communes_purposes_are_written_for_the_commune_not_the_province(sample_library, settings):
    chat = PromptRecorder()
    PlanDrafter(sample_library, chat, settings).draft(DraftRequest(
        province="Cần Thơ", period="năm 2025", theme="chi trả trợ cấp không dùng tiền mặt",
        issuer="Ủy ban nhân dân phường Ninh Kiều, thành phố Cần Thơ", sources=["157/KH-UBND"]))
    written = [prompt for prompt in chat.prompts if "thay tên địa phương thành" in prompt]
    assert written and all("thay tên địa phương thành phường Ninh Kiều " in prompt for prompt in written)


def test_the_model_reads_the_superiors_text_with_the_issuers_roles(settings, tmp_path):
    """Mục đích and Yêu cầu are written from the source's text; a ward's model call reads it adapted like sections II
    and III, so what it copies names the ward, not the district's 10 wards."""
    library = _library_with(
        settings, tmp_path / "chi-thi-quan.txt",
        "ỦY BAN NHÂN DÂN\nQUẬN 5\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 07/CT-UBND\n"
        "Quận 5, ngày 10 tháng 3 năm 2025\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG PHÒNG, CHỐNG TÁC HẠI CỦA THUỐC LÁ\n"
        "Để nâng cao nhận thức của Nhân dân trên địa bàn quận, Chủ tịch Ủy ban nhân dân quận chỉ thị:\n"
        "1. Phòng Y tế chủ trì xây dựng kế hoạch truyền thông phòng, chống tác hại của thuốc lá.\n"
        "2. Ủy ban nhân dân 10 phường xây dựng khu phố không khói thuốc trên địa bàn quận.\n")
    chat = PromptRecorder()
    PlanDrafter(library, chat, settings).draft(DraftRequest(
        province="Hồ Chí Minh", period="năm 2026", theme="phòng, chống tác hại của thuốc lá",
        issuer="Ủy ban nhân dân phường 5, quận 5, thành phố Hồ Chí Minh", sources=["07/CT-UBND"]))
    [purposes] = [prompt for prompt in chat.prompts if "nêu mục đích" in prompt]
    assert "Ủy ban nhân dân phường 5 xây dựng khu phố không khói thuốc trên địa bàn phường 5" in purposes
    assert "10 phường" not in purposes


def test_smoothing_keeps_figures_or_is_rejected(sample_library, settings):
    """The model smooths adapted sentences: a rewrite that changes a figure or loops is dropped, a faithful one kept."""
    import re

    from fakes import TextReplyChat

    class Smoother(TextReplyChat):
        @property
        def _llm_type(self) -> str:
            return "smoother"

        def _reply(self, messages) -> str:
            prompt = str(messages[-1].content)
            if "Các câu sau được chuyển" not in prompt:
                return "- Phát huy tinh thần thi đua của cán bộ, công chức và Nhân dân.\n- Khen thưởng kịp thời."
            sentences = re.findall(r"^(\d)\. (.+)$", prompt, re.MULTILINE)
            assert not any(text.startswith("- ") for _, text in sentences)  # the sentence, not our list mark
            out = []
            for n, text in sentences:
                if n == "1":
                    out.append(f"{n}. {text} thêm, đạt 37%")  # a figure the sheet does not hold
                elif n == "2":
                    out.append(f"{n}. {text.replace('Sở ', 'Sở  ', 1).replace('  ', ' ')} nữa")
                else:
                    out.append(f"{n}. vệ sinh, vệ sinh, vệ sinh")
            return "\n".join(out)

    drafter = PlanDrafter(sample_library, Smoother(), settings)
    draft = drafter.draft(DraftRequest(province="Thái Nguyên", period="giai đoạn 2025 - 2030", theme="bảo vệ môi trường",
                                       sources=[NQ_394]))
    text = "\n".join(section.text for section in draft.sections)
    assert draft.timings["smoothed"] == 1
    assert " nữa" in text and " thêm" not in text and "vệ sinh, vệ sinh, vệ sinh" not in text
    assert all(line.startswith("- ") for line in text.split("\n") if " nữa" in line)  # still a list item


def test_draft_command_with_a_source_returns_the_coverage_matrix(sample_library, settings, tmp_path, monkeypatch,
                                                                capsys):
    import json

    from assistant.services import Services
    from cli import main as cli
    from cli.commands import draft as draft_command

    services = Services(settings, chat_model=PassageEchoChat(), library=sample_library)
    monkeypatch.setattr(draft_command, "Services", lambda: services)
    out, md = tmp_path / "cv.docx", tmp_path / "cv.md"
    code = cli.main(["draft", "--province", "Đắk Lắk", "--period", "năm 2026", "--theme", "hưởng ứng Đợt thi đua",
                     "--source", "0124/KH-UBND", "--doc-type", "cong-van", "--issuer", "Sở Nội vụ tỉnh Đắk Lắk",
                     "--out", str(out), "--markdown-out", str(md), "--appendix", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["doc_type"] == "cong-van" and payload["coverage_complete"]
    assert payload["sources"][0]["doc_number"] == "0124/KH-UBND"
    assert all(row["where"] for row in payload["coverage"])
    assert "Phụ lục: đối chiếu" in md.read_text(encoding="utf-8") and "Phụ lục" not in payload["markdown"]
    assert cli.main(["draft", "--province", "Đắk Lắk", "--period", "x", "--theme", "y", "--source", "9999/KH-XYZ",
                     "--out", str(out)]) == 2


def test_cong_van_markdown_edits_are_read_back(drafter):
    from ui import handlers as h

    draft = drafter.draft(DraftRequest(province="Đắk Lắk", period="năm 2026", theme="hưởng ứng Đợt thi đua",
                                       sources=[DAI_HOI], doc_type="cong-van"))
    edited = draft.markdown().replace("Kính gửi:  \n", "Kính gửi:  \n- Ban Thi đua - Khen thưởng  \n", 1)
    back = h.apply_edits(draft, edited)
    assert back.section("body").text == draft.section("body").text
    assert back.addressees[0] == "Ban Thi đua - Khen thưởng" and back.recipients == draft.recipients
    assert h.file_stem(draft).startswith("cong-van-dak-lak")


def test_a_replaced_law_chosen_as_the_source_is_flagged_once(settings, tmp_path):
    """The library's own record of the law is a basis too: its "replaced" note would repeat the source's."""
    library = _library_with(
        settings, tmp_path / "luat-tdkt-2003.txt",
        "QUỐC HỘI\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nLuật số: 15/2003/QH11\nLUẬT\nTHI ĐUA, KHEN THƯỞNG\n"
        "Chương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\nLuật này quy định về thi đua, khen thưởng.\n"
        "Chương II\nTỔ CHỨC THI ĐUA\nĐiều 9. Nội dung tổ chức phong trào thi đua\nXác định mục tiêu, phạm vi thi đua.\n"
        "Chương III\nĐIỀU KHOẢN THI HÀNH\nĐiều 99. Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2004.\n")
    plan = tmp_path / "kh-lam-dong-2019.txt"  # a plan of the province that cites the law too
    plan.write_text("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 20/KH-UBND\nLâm Đồng, ngày 02 tháng 01 năm 2019\nKẾ HOẠCH\n"
                    "PHÁT ĐỘNG PHONG TRÀO THI ĐUA NĂM 2019\nCăn cứ Luật Thi đua, khen thưởng số 15/2003/QH11 ngày "
                    "26/11/2003;\nI. MỤC ĐÍCH\nĐẩy mạnh phong trào thi đua yêu nước.\n", encoding="utf-8")
    library.ingest_paths([plan])
    draft = PlanDrafter(library, PassageEchoChat(), settings).draft(DraftRequest(
        province="Lâm Đồng", period="năm 2026", theme="triển khai thi hành Luật Thi đua, khen thưởng",
        sources=["15/2003/QH11"]))
    replaced = [warning for warning in draft.warnings if "thay thế bởi" in warning]
    assert len(replaced) == 1 and replaced[0].startswith("Văn bản nguồn «Luật") and "15/2003/QH11" in replaced[0]


def test_a_broken_table_in_the_data_directory_is_a_clear_error(tmp_path):
    from core.errors import DataTableError

    broken = tmp_path / "superseded.toml"
    broken.write_text('[[superseded]]\nold = ["91/2017/NĐ-CP"]\nby = "Nghị định số 1/2024/NĐ-CP"\nsince = "sau này"\n',
                      encoding="utf-8")
    with pytest.raises(DataTableError) as raised:
        successors(tmp_path)
    assert "superseded.toml" in raised.value.message_vi
    broken.write_text('[[superseded]]\nold = ["91/2017/NĐ-CP"]\nby = "Nghị định mới"\nsince = "2024"\n', encoding="utf-8")
    with pytest.raises(DataTableError):  # a successor without its số ký hiệu could not be matched nor chained
        successors(tmp_path)
    roles = tmp_path / "roles.toml"
    roles.write_text("[[rule]\nfrom = [", encoding="utf-8")
    with pytest.raises(DataTableError):
        make_adapter("tinh", "xa", province="Cần Thơ", source_province="Cần Thơ", issuer="Ủy ban nhân dân phường X",
                     extra_files=(roles,))


class _CopyingChat(PromptRecorder):
    """Writes the purposes as the small model often does: one of the source's content lines, one of its own and a
    clause of another content line."""

    def _reply(self, messages) -> str:
        prompt = "\n".join(str(m.content) for m in messages)
        if "nêu mục đích" in prompt:
            return ("- Tăng cường tuyên truyền tác hại của thuốc lá trong cơ quan, trường học và khu dân cư;\n"
                    "- Nâng cao nhận thức, ý thức tự giác của cán bộ, công chức và Nhân dân về phòng, chống thuốc lá;\n"
                    "- Xây dựng môi trường làm việc không khói thuốc.")
        return super()._reply(messages)


def test_a_purpose_that_restates_a_content_line_is_not_said_twice(settings, tmp_path):
    """A source without purposes gives its contents as the purposes' examples: the model copies one, and a thin
    section used to be padded with more. Each says in part I what part II already carries."""
    library = _library_with(
        settings, tmp_path / "chi-thi-thuoc-la.txt",
        "ỦY BAN NHÂN DÂN\nQUẬN 5\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 08/CT-UBND\n"
        "Quận 5, ngày 10 tháng 3 năm 2025\nCHỈ THỊ\nVỀ VIỆC TĂNG CƯỜNG PHÒNG, CHỐNG TÁC HẠI CỦA THUỐC LÁ\n"
        "Chủ tịch Ủy ban nhân dân quận chỉ thị:\n"
        "1. Tăng cường tuyên truyền tác hại của thuốc lá trong cơ quan, trường học và khu dân cư.\n"
        "2. Xây dựng môi trường làm việc không khói thuốc tại các cơ quan, đơn vị trên địa bàn quận.\n")
    draft = PlanDrafter(library, _CopyingChat(), settings).draft(DraftRequest(
        province="Hồ Chí Minh", period="năm 2026", theme="phòng, chống tác hại của thuốc lá",
        issuer="Ủy ban nhân dân quận 5, thành phố Hồ Chí Minh", sources=["08/CT-UBND"]))
    body = draft.markdown().split("\n")
    for line in ("Tăng cường tuyên truyền tác hại của thuốc lá trong cơ quan, trường học",
                 "Xây dựng môi trường làm việc không khói thuốc tại các cơ quan"):
        assert sum(line in text for text in body if text.startswith("- ")) == 1, line
    purposes = draft.section("I").text
    assert "Nâng cao nhận thức, ý thức tự giác của cán bộ" in purposes
    assert "- Xây dựng môi trường làm việc không khói thuốc." in purposes  # a clause of a line, not the line again
    assert any("nhắc lại" in warning for warning in draft.warnings)


def test_the_sources_groups_keep_their_labels_in_part_ii_and_a_cong_van(settings, tmp_path):
    """Criteria grouped by whom they concern ("a) Đối với tỉnh …", "b) Đối với các cơ quan …") lost their labels, so
    the groups read as one list saying things twice. A label that only repeats the part's title is not written."""
    library = _library_with(
        settings, tmp_path / "ke-hoach-thi-dua.txt",
        "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 77/KH-UBND\n"
        "Nghệ An, ngày 10 tháng 3 năm 2025\nKẾ HOẠCH\nPhát động thi đua năm 2025\n"
        "I. NỘI DUNG THI ĐUA\n1. Nội dung thi đua\n"
        "- Thi đua hoàn thành vượt mức các nhiệm vụ phát triển kinh tế - xã hội của năm 2025.\n"
        "II. TIÊU CHÍ THI ĐUA\na) Đối với các cơ quan nhà nước\n"
        "- Tổ chức tốt công tác tuyên truyền về phong trào thi đua của tỉnh.\n"
        "b) Đối với các doanh nghiệp\n"
        "- Tổ chức tốt công tác tuyên truyền về phong trào thi đua của tỉnh.\n"
        "- Sản xuất kinh doanh hiệu quả, bền vững, đóng góp vào ngân sách của tỉnh.\n")
    for doc_type in ("ke-hoach", "cong-van"):
        draft = PlanDrafter(library, PromptRecorder(), settings).draft(DraftRequest(
            province="Nghệ An", period="năm 2025", theme="thi đua năm 2025", doc_type=doc_type,
            issuer="Sở Nội vụ tỉnh Nghệ An", sources=["77/KH-UBND"]))
        lines = draft.markdown().split("\n")
        assert "Đối với các cơ quan nhà nước:" in lines and "Đối với các doanh nghiệp:" in lines, doc_type
        assert lines.index("Đối với các cơ quan nhà nước:") < lines.index("Đối với các doanh nghiệp:")
        assert "Nội dung thi đua:" not in lines
