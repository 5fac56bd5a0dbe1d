"""Text clean-up shared by every loader: Unicode NFC, PDF line joins, page furniture and web-page debris."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Lines that open a new block in Vietnamese administrative documents: never glue them to the previous line.
BLOCK_START = re.compile(
    r"^\s*(?:#{1,6}\s|[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[-–•+*]\s|Chương\s|CHƯƠNG\s|Điều\s+\d|Mục\s+\d|MỤC\s+\d|"
    r"Phụ lục|PHỤ LỤC|Nơi nhận|Căn cứ|Số:|KẾ HOẠCH|TM\.|KT\.|Q\.|CHỦ TỊCH)"
)
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


def join_broken_lines(text: str) -> str:
    """Glue a line to the previous one when PDF layout broke a sentence (no end punctuation, next starts lowercase
    or mid-sentence), keeping blank-line paragraph breaks and lines that open a heading, item or bullet."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        previous = out[-1] if out else ""
        if (
            previous
            and not _SENTENCE_END.search(previous)
            and not BLOCK_START.match(line)
            and not previous.isupper()
            and (line[0].islower() or line[0].isdigit() or previous[-1] in ",–-(")
        ):
            out[-1] = f"{previous} {line}"
        else:
            out.append(line)
    return "\n".join(out).strip()


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


def normalize_text(text: str) -> str:
    """The full clean-up for one page or file of text."""
    return join_broken_lines(drop_web_debris(normalize_unicode(text)))
