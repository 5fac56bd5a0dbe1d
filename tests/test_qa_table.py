"""The split table: answers recorded once, re-verified under other settings without the model, scored per split."""

from __future__ import annotations

import json

from assistant.qa import QAChain
from eval import qa_table
from test_eval_cli import FailingChat, FixedChat

ROWS = [
    {"id": "a1", "split": "tune", "type": "single", "question": "Phong trào thi đua cao điểm về bầu cử của tỉnh Đắk Lắk "
     "được triển khai từ tháng nào?", "answer": "Từ tháng 10 năm 2025 đến hết tháng 3 năm 2026.",
     "source_file": ["001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"]},
    {"id": "a2", "split": "validation", "type": "unanswerable", "question": "Phong trào thi đua cao điểm về bầu cử "
     "năm 2030 của tỉnh Đắk Lắk được triển khai từ tháng nào?", "answer": None, "source_file": []},
]
REPLY = "Phong trào được triển khai từ tháng 10 năm 2025 đến hết tháng 3 năm 2026 [1]."


def test_recorded_answers_replay_under_other_settings_without_the_model(sample_library, tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    items = qa_table.load_items([path])
    chat = FixedChat(reply=REPLY)
    rows = qa_table.predict(QAChain(sample_library, chat, sample_library.settings), items, tmp_path / "out",
                            reuse=False, replay=False, progress=lambda _: None)
    assert chat.calls == 2 and all(row["model_output"] == REPLY for row in rows.values())
    result = qa_table.table(items, {"ours": rows, "none": qa_table.refuse_everything(items)})
    assert result["ours"]["tune"]["correctness"] == 1.0          # the date answer is right for 2025-2026
    assert result["ours"]["validation"]["refusal_accuracy"] == 1.0  # and refused for 2030, which no passage holds
    assert result["none"]["tune"]["false_refusal_rate"] == 1.0

    loose = sample_library.settings.model_copy(update={"qa_question_figures_cited": False})
    replayed = qa_table.predict(QAChain(sample_library, FailingChat(), loose), items, tmp_path / "out",
                                reuse=False, replay=True, progress=lambda _: None)
    assert not replayed["validation/a2"]["refused"]  # the same output, verified without the figures rule
    assert replayed["validation/a2"]["model_output"] == REPLY
    unrecorded = qa_table.load_items([path])
    unrecorded[0].question += " (hỏi lại)"  # a question the recording does not hold: missing, never asked
    replayed = qa_table.predict(QAChain(sample_library, FailingChat(), loose), unrecorded, tmp_path / "out",
                                reuse=False, replay=True, progress=lambda _: None)
    assert list(replayed) == ["validation/a2"]


def test_peer_answers_are_cached_and_replay_never_asks(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS), encoding="utf-8")
    items = qa_table.load_items([path])
    asked = []

    def answer(item):
        asked.append(item.id)
        return {"answer": f"trả lời {item.id}", "refused": False, "citations": []}

    first = qa_table.predict_peer(answer, items[:1], tmp_path, reuse=False, replay=False, progress=lambda _: None)
    assert asked == ["a1"] and first["tune/a1"]["answer"] == "trả lời a1"
    replayed = qa_table.predict_peer(answer, items, tmp_path, reuse=False, replay=True, progress=lambda _: None)
    assert asked == ["a1"] and list(replayed) == ["tune/a1"]  # replay covers only what was answered
    reused = qa_table.predict_peer(answer, items, tmp_path, reuse=True, replay=False, progress=lambda _: None)
    assert asked == ["a1", "a2"] and set(reused) == {"tune/a1", "validation/a2"}


def test_evidence_recall_counts_evidence_retrieved_and_shown(sample_library, tmp_path):
    """scripts/evidence_recall.py: an item counts only when all its evidence is found, per split."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from evidence_recall import recall

    source = "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"
    evidence = "Hồ sơ nộp nộp 01 bộ (bản pdf) qua hệ thống phần mềm quản lý văn bản điện tử Idesk của Sở Nội vụ."
    rows = [
        {"id": "e1", "split": "tune", "question": "Hồ sơ đề nghị Bằng khen của Đắk Lắk nộp mấy bộ, qua phần mềm nào?",
         "answer": "01 bộ, qua phần mềm Idesk.", "evidence": [{"file": source, "text": evidence}]},
        {"id": "e2", "split": "tune", "question": "Hồ sơ đề nghị Bằng khen của Đắk Lắk nộp mấy bộ, qua phần mềm nào?",
         "answer": "01 bộ, qua phần mềm Idesk.", "evidence": [{"file": source, "text": evidence},
                                                         {"file": source, "text": "Câu này không có đâu."}]},
        {"id": "e3", "split": "validation", "question": "Ai ký?", "answer": None, "type": "unanswerable",
         "evidence": []},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    figures = recall(QAChain(sample_library, None, sample_library.settings), qa_table.load_items([path]))
    assert figures == {"tune": (2, 0.5, 0.5)}


def test_a_stopped_peer_run_keeps_the_cached_answers_it_had_not_reached(tmp_path):
    """`--reuse` asks anew only what has no cached answer; stopping it on the first new item must not erase the
    cached answers of the items after it."""
    import pytest

    rows = [{"id": f"p{n}", "split": "tune", "question": f"Câu hỏi số {n}?", "answer": "Có."} for n in range(3)]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    items = qa_table.load_items([path])
    out = tmp_path / "out"
    first = qa_table.predict_peer(lambda item: {"answer": f"Trả lời {item.id}", "refused": False}, items[1:], out,
                                  reuse=False, replay=False, progress=lambda _: None)
    assert set(first) == {"tune/p1", "tune/p2"}

    def stopped(item):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        qa_table.predict_peer(stopped, items, out, reuse=True, replay=False, progress=lambda _: None)
    kept = qa_table.read_rows(out / qa_table.PEER_PREDICTIONS)
    assert {key: row["answer"] for key, row in kept.items()} == {"tune/p1": "Trả lời p1", "tune/p2": "Trả lời p2"}
    again = qa_table.predict_peer(lambda item: {"answer": "mới", "refused": False}, items, out, reuse=True,
                                  replay=False, progress=lambda _: None)
    assert again["tune/p0"]["answer"] == "mới" and again["tune/p2"]["answer"] == "Trả lời p2"
    assert qa_table.read_rows(out / qa_table.PEER_PREDICTIONS) == again
