"""Scorers on hand-made cases, including the ones where they must report a failure."""

from __future__ import annotations

import json
import unicodedata

import pytest

from core.vietnamese import number_key
from eval import judge, metrics, qa
from eval.datasets import DatasetError, QAItem, load_draft_tasks, load_qa

GOOD_DRAFT = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
**Độc lập - Tự do - Hạnh phúc**

ỦY BAN NHÂN DÂN TỈNH NGHỆ AN

Số: …/KH-UBND

Nghệ An, ngày … tháng … năm 2026

# KẾ HOẠCH
Phát động phong trào thi đua yêu nước năm 2026

Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;
Căn cứ Kế hoạch số 982/KH-UBND ngày 19/11/2025 của UBND tỉnh Nghệ An.

## I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
## II. NỘI DUNG THI ĐUA
1. Thi đua xây dựng nông thôn mới.
## III. TỔ CHỨC THỰC HIỆN
1. Giao Sở Nội vụ (Phòng Thi đua - Khen thưởng) hướng dẫn, theo dõi, tổng hợp.

Nơi nhận:
- Lưu: VT, NV.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
"""


# ------------------------------------------------------------------------------------------ normalisation
def test_normalize_unifies_nfd_tone_style_case_and_punctuation():
    nfd = unicodedata.normalize("NFD", "Uỷ ban nhân dân tỉnh Khánh Hoà!")
    assert metrics.normalize(nfd) == "ủy ban nhân dân tỉnh khánh hòa"
    # tone before a final consonant is not "old style" and must stay
    assert metrics.normalize("Kế hoạch rà soát") == "kế hoạch rà soát"


def test_token_f1_and_containment():
    assert metrics.token_f1("Sở Nội vụ", "Sở Nội vụ.") == 1.0
    assert metrics.token_f1("Bộ Tài chính", "Sở Nội vụ") == 0.0
    assert 0 < metrics.token_f1("Sở Nội vụ tỉnh", "Sở Nội vụ") < 1
    assert metrics.containment("Sở Nội vụ (Phòng Thi đua - Khen thưởng)",
                               "Phản ánh về Sở Nội vụ, Phòng Thi đua - Khen thưởng.") == 1.0
    assert metrics.containment("Sở Nội vụ", "Văn phòng UBND tỉnh") == 0.0


# ------------------------------------------------------------------------------------------ key facts
def test_key_facts_read_every_spelling_of_dates_and_numbers():
    assert metrics.key_facts("Kế hoạch số 0125/KH-UBND, ngày 18/11/2025.") == {"doc:125/KH-UBND", "date:18/11/2025"}
    assert metrics.key_facts("ban hành ngày 18 tháng 11 năm 2025") == {"date:18/11/2025"}
    assert metrics.key_facts("từ tháng 10 năm 2025") == {"date:10/2025"}
    assert metrics.key_facts("ngày ban hành là 18 tháng 11 năm 2025") == {"date:18/11/2025"}
    assert metrics.key_facts("trong 05 tháng cuối năm 2023") == {"num:5", "num:2023"}
    assert metrics.key_facts("Không quá 05 cá nhân") == {"num:5"}
    assert metrics.key_facts("Chỉ thị số 28/CT-TTg và 46-CT/TW, 86/2025/QĐ-UBND") == {
        "doc:28/CT-TTG", "doc:46-CT/TW", "doc:86/2025/QD-UBND"}
    assert metrics.key_facts("Luật số 06/2022/QH15") == {"doc:6/2022/QH15"}


def test_fact_recall_accepts_other_spellings_and_reports_missing_facts():
    gold = "Kế hoạch số 0125/KH-UBND, ngày 18/11/2025."
    assert metrics.fact_recall(gold, "Kế hoạch 125/KH-UBND ban hành ngày 18 tháng 11 năm 2025 [1].") == 1.0
    assert metrics.fact_recall(gold, "Kế hoạch số 0125/KH-UBND ngày 19/11/2025.") == 0.5
    assert metrics.fact_recall(gold, "Không rõ.") == 0.0
    assert metrics.fact_recall("Sở Nội vụ.", "bất kỳ") is None
    # a full date in the prediction also states its month/year
    assert metrics.fact_recall("tháng 4/2026", "ngày 15/4/2026") == 1.0


def test_answer_correctness_requires_every_key_fact():
    gold = "Có hiệu lực từ 15/12/2025; bãi bỏ Quyết định số 13/2024/QĐ-UBND ngày 31/5/2024."
    right = "Quyết định có hiệu lực từ ngày 15/12/2025 và bãi bỏ Quyết định 13/2024/QĐ-UBND ngày 31/5/2024 [1]."
    wrong_date = "Có hiệu lực từ ngày 01/12/2025; bãi bỏ Quyết định số 13/2024/QĐ-UBND ngày 31/5/2024."
    assert metrics.answer_correctness(right, gold)["correct"] is True
    scored = metrics.answer_correctness(wrong_date, gold)
    assert scored["correct"] is False and scored["fact_recall"] == pytest.approx(2 / 3)
    # a refusal is never a correct answer, even if it quotes the facts
    assert metrics.answer_correctness(right, gold, refused=True)["correct"] is False


def test_answer_correctness_without_facts_uses_syllable_containment():
    gold = "Sở Nội vụ (Phòng Thi đua - Khen thưởng)."
    assert metrics.answer_correctness("Gửi phản ánh về Sở Nội vụ (Phòng Thi đua - Khen thưởng) [1].", gold)["correct"]
    assert not metrics.answer_correctness("Văn phòng Ủy ban nhân dân tỉnh.", gold)["correct"]


# ------------------------------------------------------------------------------------------ citations, retrieval
def test_citation_precision_and_recall():
    gold = ["002_a.txt", "003_b.txt"]
    assert metrics.citation_scores(["002_a.txt", "002_a.txt"], gold) == {"precision": 1.0, "recall": 0.5}
    assert metrics.citation_scores(["002_a.pdf", "009_x.txt"], gold) == {"precision": 0.5, "recall": 0.5}
    assert metrics.citation_scores(["009_x.txt"], gold) == {"precision": 0.0, "recall": 0.0}
    assert metrics.citation_scores([], gold) == {"precision": None, "recall": 0.0}


def test_recall_mrr_and_coverage():
    ranked = ["x.txt", "y.txt", "gold.txt", "other.txt"]
    assert metrics.first_gold_rank(ranked, ["gold.txt"]) == 3
    assert metrics.recall_at_k(ranked, ["gold.txt"], 1) == 0.0
    assert metrics.recall_at_k(ranked, ["gold.txt"], 3) == 1.0
    assert metrics.reciprocal_rank(ranked, ["gold.txt"]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(ranked, ["missing.txt"]) == 0.0
    assert metrics.source_coverage_at_k(ranked, ["gold.txt", "other.txt"], 3) == 0.5


def test_evidence_hit_needs_the_right_file_and_the_text():
    evidence = [{"file": "a.txt", "text": "Hồ sơ nộp 01 bộ (bản pdf) qua hệ thống phần mềm Idesk."}]
    passage = "3. Hồ sơ: Hồ sơ nộp 01 bộ (bản pdf) qua hệ thống phần mềm Idesk của Sở Nội vụ."
    assert metrics.evidence_hit_at_k([("b.txt", "khác"), ("a.txt", passage)], evidence, 2) == 1.0
    assert metrics.evidence_hit_at_k([("b.txt", "khác"), ("a.txt", passage)], evidence, 1) == 0.0
    assert metrics.evidence_hit_at_k([("b.txt", passage)], evidence, 5) == 0.0


def test_percentiles():
    assert metrics.percentile([1, 2, 3, 4], 50) == 2.5
    assert metrics.latency_summary([None, 2.0, 4.0])["n"] == 2
    assert metrics.latency_summary([])["p50"] is None


# ------------------------------------------------------------------------------------------ Q&A aggregate
def _prediction(answer, refused, sources, ttft=1.0):
    return {"answer": answer, "refused": refused, "retrieved": [],
            "citations": [{"n": i + 1, "source": s, "text": "..."} for i, s in enumerate(sources)],
            "timings": {"ttft_s": ttft, "total_s": ttft * 2}}


def test_qa_score_counts_refusals_false_refusals_and_worst_items():
    items = [QAItem("a", "Q1", "Không quá 05 cá nhân.", "single", ["k.txt"]),
             QAItem("b", "Q2", "Ít nhất 85%.", "single", ["c.txt"]),
             QAItem("c", "Q3", None, "unanswerable"),
             QAItem("d", "Q4", None, "unanswerable")]
    predictions = {"a": _prediction("Không quá 05 cá nhân [1].", False, ["k.txt"]),
                   "b": _prediction("Không tìm thấy thông tin này trong thư viện tài liệu.", True, []),
                   "c": _prediction("Không tìm thấy thông tin này trong thư viện tài liệu.", True, []),
                   "d": _prediction("Ông Nguyễn Văn A [1].", False, ["z.txt"], ttft=3.0)}
    result = qa.score(items, predictions)
    s = result["summary"]
    assert s["correctness"] == 0.5
    assert s["false_refusal_rate"] == 0.5
    assert s["refusal_accuracy"] == 0.5
    assert s["citation_precision"] == 1.0 and s["answers_with_citations"] == 1
    assert s["ttft_s"]["max"] == 3.0
    assert {row["id"] for row in result["worst"]} == {"b", "d"}


# ------------------------------------------------------------------------------------------ drafts
def test_structure_compliance_of_a_complete_draft():
    result = metrics.structure_compliance(GOOD_DRAFT)
    assert result["complete"], result["missing"]


def test_structure_compliance_reports_what_is_missing():
    broken = GOOD_DRAFT.replace("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "").replace("Nơi nhận:", "") \
        .replace("III. TỔ CHỨC THỰC HIỆN", "III. KINH PHÍ")
    result = metrics.structure_compliance(broken)
    assert not result["complete"]
    assert set(result["missing"]) == {"quoc_hieu", "noi_nhan", "section_iii"}


def test_other_provinces_and_invented_numbers_are_caught():

    draft = GOOD_DRAFT + "\nHọc tập kinh nghiệm của tỉnh Bình Thuận.\nThực hiện Chỉ thị số 99/CT-UBND của UBND tỉnh."
    assert metrics.other_provinces(draft, "Nghệ An") == ["Bình Thuận"]
    assert metrics.other_provinces(GOOD_DRAFT, "Nghệ An") == []
    # a place the sources name as a fact ("tại Thủ đô Hà Nội") is not another province's name copied in
    assert metrics.other_provinces(draft + "\nTrao giải tại Thủ đô Hà Nội.", "Nghệ An", {"Hà Nội"}) == ["Bình Thuận"]
    known = {number_key("982/KH-UBND")}
    assert metrics.unknown_doc_numbers(draft, known) == ["99/CT-UBND"]
    assert metrics.unknown_doc_numbers(GOOD_DRAFT, known) == []


def test_must_include_coverage_is_fuzzy_but_needs_the_facts():
    must = ["Viện dẫn Luật Thi đua, khen thưởng ngày 15/6/2022",
            "Giao Sở Nội vụ (Phòng Thi đua - Khen thưởng) hướng dẫn, theo dõi, tổng hợp",
            "Viện dẫn Kế hoạch số 319-KH/TU ngày 10/4/2025 của Tỉnh ủy Nghệ An"]
    result = metrics.must_include_coverage(GOOD_DRAFT, must)
    assert [item["covered"] for item in result["items"]] == [True, True, False]
    assert result["coverage"] == pytest.approx(2 / 3)
    wrong_date = GOOD_DRAFT.replace("15/6/2022", "15/6/2023")
    assert not metrics.must_include_coverage(wrong_date, must[:1])["items"][0]["covered"]


# ------------------------------------------------------------------------------------------ datasets, judge parsing
def test_datasets_load_any_file_in_the_format(tmp_path):
    path = tmp_path / "qa.jsonl"
    rows = [{"id": "x1", "question": "Câu hỏi?", "answer": "Đáp án", "type": "multi", "source_file": ["a.txt"],
             "evidence": [{"file": "a.txt", "text": "t"}]},
            {"id": "x2", "question": "Không có?", "answer": None, "source_file": []}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    items = load_qa(path)
    assert [i.answerable for i in items] == [True, False]
    assert items[1].type == "unanswerable"
    tasks_path = tmp_path / "t.jsonl"
    tasks_path.write_text(json.dumps({"id": "d", "province": "Huế", "period": "năm 2026", "theme": "x",
                                      "format_requirements": ["y"]}, ensure_ascii=False), encoding="utf-8")
    task = load_draft_tasks(tasks_path)[0]
    assert task.must_include == [] and task.extra == {"format_requirements": ["y"]}
    path.write_text('{"id": "bad"}\n', encoding="utf-8")
    with pytest.raises(DatasetError):
        load_qa(path)
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(DatasetError):
        load_qa(path)


def test_judge_reply_parsing_and_claims():
    assert judge.parse_supported("CÓ") and judge.parse_supported("Có, được hỗ trợ.")
    assert not judge.parse_supported("KHÔNG") and not judge.parse_supported("")
    assert judge.parse_relevance("Điểm: 5") == 1.0 and judge.parse_relevance("1") == 0.0
    assert judge.parse_relevance("không rõ") is None
    assert judge.claims("Kế hoạch số 0125/KH-UBND [1]. Ban hành ngày 18/11/2025 [1].\nOK") == [
        "Kế hoạch số 0125/KH-UBND", "Ban hành ngày 18/11/2025"]


# ------------------------------------------------------------------------------------------ strict scorer
def test_citation_markers_are_not_facts():
    gold = "Hồ sơ gửi trước ngày 31/3/2026."
    assert not metrics.answer_correctness("Hồ sơ gửi trước ngày [31] [3] [2026].", gold)["correct"]
    assert metrics.answer_correctness("Hồ sơ gửi trước ngày 31 tháng 3 năm 2026 [1].", gold)["correct"]


def test_figures_alone_are_not_enough_substance_is_needed():
    gold = "Sở Nội vụ chủ trì, phối hợp Sở Tài chính hướng dẫn thực hiện từ ngày 01/12/2025."
    assert not metrics.answer_correctness("Từ ngày 01/12/2025 [1].", gold)["correct"]
    assert metrics.answer_correctness("Sở Nội vụ chủ trì hướng dẫn, phối hợp Sở Tài chính, từ 1/12/2025.", gold)[
        "correct"]


def test_negation_counts():
    gold = "Không, Hội đồng không họp thường kỳ hằng tháng."
    assert not metrics.answer_correctness("Hội đồng họp thường kỳ hằng tháng.", gold)["correct"]
    assert metrics.answer_correctness("Không, Hội đồng không họp thường kỳ hằng tháng [2].", gold)["correct"]


def test_a_negation_the_question_states_negates_nothing():
    """"không dùng tiền mặt" in the question names the campaign (cashless payment); an answer or quote repeating it
    is not a negated answer. A negation of the asked fact itself still counts."""
    question = "Trong phong trào chi trả không dùng tiền mặt, mỗi người xác nhận đã được tuyên truyền chấm mấy điểm?"
    gold = "Mỗi trường hợp xác nhận đã được tuyên truyền thì chấm 0,4 điểm."
    answer = "Mỗi trường hợp xác nhận đã được tuyên truyền về chi trả không dùng tiền mặt được chấm 0,4 điểm [1]."
    assert metrics.answer_correctness(answer, gold, question=question)["correct"]
    assert not metrics.answer_correctness(answer, gold)["correct"]  # without the question it reads as a negation
    denied = "Mỗi trường hợp xác nhận đã được tuyên truyền không được chấm 0,4 điểm [1]."
    assert not metrics.answer_correctness(denied, gold, question=question)["correct"]


def test_restating_the_question_is_not_substance():
    question = "Chữ viết tắt tên loại văn bản “Chương trình” và “Công điện” là gì?"
    gold = "Chương trình: CTr; Công điện: CĐ."
    echo = "Chữ viết tắt tên loại văn bản “Chương trình” và “Công điện” là “CP” và “CD” [1]."
    assert metrics.answer_correctness(echo, gold)["correct"]  # without the question, the echo looks like substance
    assert not metrics.answer_correctness(echo, gold, question=question)["correct"]
    assert metrics.answer_correctness("“Chương trình” viết tắt CTr, “Công điện” viết tắt CĐ [1].", gold,
                                      question=question)["correct"]


def test_a_demonstrative_in_the_gold_is_not_substance():
    question = "Sở Nội vụ có bao nhiêu phòng chuyên môn và phòng nào phụ trách thi đua, khen thưởng?"
    gold = "06 phòng chuyên môn, trong đó Phòng Thi đua - Khen thưởng phụ trách thi đua, khen thưởng."
    answer = "Sở Nội vụ có 6 phòng chuyên môn [1]. Phòng Thi đua - Khen thưởng phụ trách thi đua, khen thưởng [1]."
    assert metrics.answer_correctness(answer, gold, question=question)["correct"]
    count_only = "Sở Nội vụ có 6 phòng chuyên môn [1]."  # the other half of the gold is still needed
    count_question = "Sở Nội vụ có bao nhiêu phòng chuyên môn?"
    assert not metrics.answer_correctness(count_only, gold, question=count_question)["correct"]


def test_a_comparison_is_answered_by_naming_the_gold_choice_not_by_holding_both_dates():
    question = "Chỉ thị năm 2023 của tỉnh Tây Ninh và của tỉnh Bình Thuận, văn bản của tỉnh nào ban hành sớm hơn?"
    gold = "Tây Ninh ban hành sớm hơn: Chỉ thị ngày 03/01/2023, còn Bình Thuận là Chỉ thị ngày 12/01/2023."
    right = ("Chỉ thị của Tây Ninh ban hành ngày 03/01/2023 [1]. Chỉ thị của Bình Thuận ban hành ngày 12/01/2023 [2]. "
             "Chỉ thị của Tây Ninh ban hành sớm hơn [1].")
    assert metrics.answer_correctness(right, gold, question=question)["correct"]
    for wrong in ("Tây Ninh ban hành ngày 03/01/2023 [1]. Chỉ thị của Bình Thuận ngày 12/01/2023 ban hành sớm hơn [2].",
                  "Tây Ninh ban hành ngày 03/01/2023 [1]. Bình Thuận ban hành ngày 12/01/2023 [2].",  # no choice
                  "Tây Ninh ngày 03/01/2023 ban hành sớm hơn [1]. Bình Thuận ngày 12/01/2023 ban hành sớm hơn [2]."):
        scores = metrics.answer_correctness(wrong, gold, question=question)
        assert scores["fact_recall"] == 1.0 and scores["comparison_agrees"] is False and not scores["correct"]
    named = "Quy chế “Công dân Thủ đô ưu tú” hay nghị quyết về “Công dân danh dự Thủ đô”, văn bản nào có hiệu lực sớm hơn?"
    assert metrics.comparison_agrees("Quy chế “Công dân Thủ đô ưu tú” có hiệu lực sớm hơn.",
                                     "“Công dân Thủ đô ưu tú” (06/12/2025) sớm hơn “Công dân danh dự Thủ đô”.", named)
    assert metrics.comparison_agrees("Có hiệu lực sớm hơn.", "Sớm hơn.", "Nghị quyết có hiệu lực sớm hơn không?") is None


def test_a_bound_is_not_a_negation():
    gold = "Mỗi đơn vị không quá 02 tập thể và 05 cá nhân."
    assert metrics.answer_correctness("Mỗi đơn vị tối đa 02 tập thể, 05 cá nhân [1].", gold)["correct"]
    assert not metrics.answer_correctness("Mỗi đơn vị không được đề nghị 02 tập thể và 05 cá nhân.", gold)["correct"]
    assert metrics.answer_correctness("Mỗi đơn vị không quá 02 tập thể và 05 cá nhân.", "Tối đa 02 tập thể, "
                                      "05 cá nhân mỗi đơn vị.")["correct"]


def test_a_refusal_is_never_correct():
    assert not metrics.answer_correctness("Sở Nội vụ", "Sở Nội vụ", refused=True)["correct"]


def test_each_part_of_the_gold_needs_its_own_substance():
    """An answer on one of two documents does not pass on the other's words; ";" inside a quote does not cut."""
    gold = ("Sở Nội vụ Hà Tĩnh làm thường trực Hội đồng Thi đua - Khen thưởng tỉnh; Bộ Nội vụ làm thường trực "
            "Hội đồng Thi đua - Khen thưởng Trung ương.")
    question = "Sở Nội vụ Hà Tĩnh và Bộ Nội vụ, mỗi cơ quan làm thường trực Hội đồng Thi đua - Khen thưởng cấp nào?"
    one_side = "Sở Nội vụ Hà Tĩnh và Bộ Nội vụ làm thường trực Hội đồng Thi đua - Khen thưởng Trung ương [1]."
    both = "Sở Nội vụ Hà Tĩnh: Hội đồng cấp tỉnh [1]; Bộ Nội vụ: Hội đồng Trung ương [2]."
    assert not metrics.answer_correctness(one_side, gold, question=question)["correct"]
    assert metrics.answer_correctness(both, gold, question=question)["correct"]
    assert metrics.gold_parts("Chủ đề: “Kỷ cương; sáng tạo”; thời gian: năm 2024.") == [
        "Chủ đề: “Kỷ cương; sáng tạo”", "thời gian: năm 2024."]


def test_figures_swapped_between_the_parts_subjects_are_wrong():
    """Both provinces, both places and both dates, but each date beside the other province: not correct."""
    gold = ("Đắk Lắk: gửi Sở Nội vụ qua Phòng Xây dựng chính quyền trước ngày 31/3/2026; "
            "Bắc Ninh: gửi Sở Nội vụ qua Phòng Thi đua, khen thưởng trước ngày 10/12 hằng năm.")
    question = "Hồ sơ khen thưởng ở Đắk Lắk và ở Bắc Ninh gửi qua phòng nào, hạn chót khác nhau ra sao?"
    right = ("Đắk Lắk gửi qua Phòng Xây dựng chính quyền trước ngày 31 tháng 3 năm 2026 [1].\n"
             "Bắc Ninh gửi qua Phòng Thi đua, khen thưởng trước ngày 10/12 hằng năm [2].")
    swapped = ("Đắk Lắk gửi qua Phòng Thi đua, khen thưởng trước ngày 10/12 hằng năm [1].\n"
               "Bắc Ninh gửi qua Phòng Xây dựng chính quyền trước ngày 31/3/2026 [2].")
    assert metrics.answer_correctness(right, gold, question=question)["correct"]
    scored = metrics.answer_correctness(swapped, gold, question=question)
    assert not scored["correct"] and scored["misattributed"]
    # in one sentence, each clause is a statement about its own subject
    one_sentence = ("Đắk Lắk gửi qua Phòng Xây dựng chính quyền trước ngày 31/3/2026, còn Bắc Ninh gửi qua Phòng Thi "
                    "đua, khen thưởng trước ngày 10/12 hằng năm [1].")
    assert metrics.answer_correctness(one_sentence, gold, question=question)["correct"]
    swapped_in_one = ("Đắk Lắk gửi qua Phòng Xây dựng chính quyền trước ngày 10/12 hằng năm, còn Bắc Ninh gửi qua "
                      "Phòng Thi đua, khen thưởng trước ngày 31/3/2026 [1].")
    assert metrics.answer_correctness(swapped_in_one, gold, question=question)["misattributed"]
    # a province's part is about the province, whatever words of the question it shares with the other clause
    gold = ("Bắc Ninh: ít nhất 80% tổng số Ủy viên Hội đồng tham dự; Hà Nội: từ 90% phiếu đồng ý trở lên trên tổng số "
            "thành viên Hội đồng Thi đua - Khen thưởng thành phố.")
    question = ("Bắc Ninh yêu cầu tối thiểu bao nhiêu phần trăm ủy viên Hội đồng Thi đua - Khen thưởng tỉnh dự phiên "
                "họp, còn Hà Nội yêu cầu tỷ lệ phiếu đồng ý bao nhiêu?")
    mixed = ("Bắc Ninh yêu cầu 80% tổng số ủy viên tham dự, còn Hà Nội yêu cầu tỷ lệ phiếu đồng ý 80% [1]. Bắc Ninh "
             "yêu cầu 90% ủy viên Hội đồng Thi đua - Khen thưởng tỉnh dự phiên họp, còn Hà Nội chưa rõ [2].")
    assert metrics.answer_correctness(mixed, gold, question=question)["misattributed"]
    # a province is named by its name, not by a syllable of it: the "nội" of "nội dung" is no Hà Nội
    gold = "Hà Nội: không quá 10 cá nhân trong 01 năm; Hòa Bình: 9 nội dung thi đua."
    question = "Hà Nội xét tặng tối đa bao nhiêu cá nhân, còn Hòa Bình đề ra bao nhiêu nội dung thi đua năm 2024?"
    answer = "Hà Nội xét tặng không quá 10 cá nhân trong 01 năm [1]. UBND tỉnh đề ra 9 nội dung thi đua năm 2024 [2]."
    assert metrics.answer_correctness(answer, gold, question=question)["correct"]
    swapped = "Hà Nội đề ra 9 nội dung thi đua [1]. Hòa Bình xét tặng không quá 10 cá nhân trong 01 năm [2]."
    assert metrics.answer_correctness(swapped, gold, question=question)["misattributed"]


def test_the_evidence_quotes_under_an_answer_are_scored_apart():
    """The passage sentences quoted under an answer are the documents' words: the second score leaves them out, so an
    answer right only through its quotes shows."""
    answer = ("Hồ sơ nộp lưu trong thời hạn 02 năm [1].\n\n[1] «Hồ sơ, tài liệu nộp lưu vào Lưu trữ cơ quan trong "
              "thời hạn 01 năm kể từ ngày công việc kết thúc.»")
    gold = "Trong thời hạn 01 năm kể từ ngày công việc kết thúc."
    assert metrics.without_evidence_quotes(answer).strip() == "Hồ sơ nộp lưu trong thời hạn 02 năm [1]."
    assert metrics.answer_correctness(answer, gold)["correct"]
    assert not metrics.answer_correctness(metrics.without_evidence_quotes(answer), gold)["correct"]
