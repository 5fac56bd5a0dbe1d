"""Text clean-up shared by every loader: Unicode NFC, PDF line joins, page furniture and web-page debris."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from core.vietnamese import POINT_MARK

# Lines that open a new block in Vietnamese administrative documents (and a table row, a news article's dateline,
# "22:19 | 22/11/2021"): never glue them to the previous line.
BLOCK_START = re.compile(
    rf"^\s*(?:\||#{{1,6}}\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|{POINT_MARK}\s|[-–•+*]\s|Chương\s|CHƯƠNG\s|Điều\s+\d|"
    r"Mục\s+\d|MỤC\s+\d|"
    r"Phụ lục|PHỤ LỤC|Nơi nhận|Căn cứ|Số:|KẾ HOẠCH|TM\.|KT\.|Q\.|CHỦ TỊCH|\d{1,2}:\d{2}\W+\d{1,2}/\d{1,2}/\d{4})"
)
# A line whose length plus the next line's first word reaches this share of the document's long lines had no room
# for that word: the page wrapped it. Chosen on the sample library's texts printed to PDF by LibreOffice, left-aligned
# and in Nghị định 30's justified layout (`scripts/pdf_paragraphs.py`): paragraphs read back whole 0.754 -> 0.893 and
# 0.745 -> 0.877, boundaries glued 100 -> 113 and 104 -> 113 of 2,881 (in forms); 0.95 read 0.890 and 0.862 (glued
# 111, 110), 1.0 read 0.873 and 0.830. On the validation documents, not used to choose: 0.881 -> 0.954 and 0.836 ->
# 0.939, glued 2 -> 3 and 2 -> 2 of 879.
FULL_LINE_SHARE = 0.9
_SENTENCE_END = re.compile(r"[.:;!?…”\"')\]]\s*$")
_WEB_DEBRIS = re.compile(
    r"^\s*(?:DetailController|Đường dây nóng:.*|Chia sẻ|In bài viết|Bản in|Share|Tweet|Facebook|Zalo|"
    r"Xem thêm:?.*|Tin liên quan:?|Bình luận|Gửi bình luận|Quay lại|Về đầu trang|Trang chủ|"
    r"Tags?:.*|Từ khóa:.*|\d+\s*lượt xem|Lượt xem:.*|Thứ\s+\w+\s*-\s*\d{2}/\d{2}/\d{4}\s+\d{2}:\d{2}(?:\s+\d+){0,2})\s*$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\s*(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?\s*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")


def normalize_unicode(text: str) -> str:
    """NFC (Vietnamese arrives composed and decomposed), no control characters, Unix newlines, single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", text)


def join_broken_lines(text: str, *, full_width: float = math.inf) -> str:
    """Glue a line to the previous one when PDF layout broke a sentence (see `_continues`), keeping blank-line
    paragraph breaks. `full_width`: for a PDF page's physical lines, the length of a line that runs to the right
    margin (`_full_width`); infinite for text whose lines are the writer's."""
    out: list[str] = []
    last_line = ""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        if out and out[-1] and _continues(out[-1], line, runs_on=_filled(last_line, line, full_width)):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        last_line = line
    return "\n".join(out).strip()


def _continues(previous: str, line: str, *, runs_on: bool) -> bool:
    """Whether `line` carries on the sentence `previous` left open: no end punctuation and the line starts lower
    case or with a digit, or follows a comma or a dash; or `previous` ran to the right margin (`runs_on`), so the
    page, not the writer, broke it: "… của Bộ" / "Nội vụ;", "… gồm:" / "đối tượng …". A line that opens a heading,
    item or bullet, follows a line in capitals or is one (a form's title under a paragraph), starts anew."""
    if BLOCK_START.match(line) or previous.isupper():
        return False
    if not _SENTENCE_END.search(previous):
        return line[0].islower() or line[0].isdigit() or previous[-1] in ",–-(" or runs_on and not line.isupper()
    return runs_on and previous[-1] in ";:" and line[0].islower()


def _filled(line: str, following: str, full: float) -> bool:
    """Whether `line` had no room left for the first word of `following`: the page broke there, not the writer."""
    return len(line) + 1 + len(following.split(" ", 1)[0]) >= full


def _full_width(text: str) -> float:
    """The length from which a line counts as full: FULL_LINE_SHARE of the document's long lines (the 90th
    percentile of its line lengths: a page of a few short lines, such as a last page, says nothing of the width);
    infinite for a text of too few lines to tell."""
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    if len(lengths) < 5:
        return math.inf
    return FULL_LINE_SHARE * lengths[int(0.9 * (len(lengths) - 1))]


def clean_pdf_pages(texts: list[str]) -> list[str]:
    """A PDF's pages (text layer or OCR) cleaned: lines joined within each page, running heads and page numbers
    dropped, then a sentence that a page break cut is carried back whole onto the page where it starts. Across a
    page break only the sentence's own signs count (the next page goes on in lower case, after a comma…): whether
    the page's last line was full is no longer known once the running foot is gone."""
    full_width = _full_width("\n".join(normalize_unicode(text) for text in texts))
    pages = [page.split("\n") for page in
             drop_repeated_lines([normalize_text(text, full_width=full_width) for text in texts])]
    for page, following in zip(pages, pages[1:]):
        if page and page[-1] and following and following[0] and _continues(page[-1], following[0], runs_on=False):
            page[-1] = f"{page[-1]} {following.pop(0)}"
    return ["\n".join(page).strip() for page in pages]


def drop_repeated_lines(pages: list[str], min_pages: int = 3) -> list[str]:
    """Remove page headers/footers: short lines that repeat on most pages, and bare page numbers."""
    if len(pages) < min_pages:
        return [_drop_page_numbers(page) for page in pages]
    counts: Counter[str] = Counter()
    for page in pages:
        for line in {line.strip() for line in page.split("\n") if 0 < len(line.strip()) <= 80}:
            counts[line] += 1
    threshold = max(min_pages, int(len(pages) * 0.6))
    furniture = {line for line, seen in counts.items() if seen >= threshold}
    return [
        _drop_page_numbers("\n".join(line for line in page.split("\n") if line.strip() not in furniture))
        for page in pages
    ]


def _drop_page_numbers(page: str) -> str:
    return "\n".join(line for line in page.split("\n") if not _PAGE_NUMBER.match(line))


def drop_web_debris(text: str) -> str:
    """Lines that belong to a news site's chrome rather than to the article."""
    return "\n".join(line for line in text.split("\n") if not _WEB_DEBRIS.match(line))


def normalize_text(text: str, *, full_width: float = math.inf) -> str:
    """The full clean-up for one page or file of text (`full_width`: see `join_broken_lines`)."""
    return join_broken_lines(drop_web_debris(normalize_unicode(text)), full_width=full_width)
