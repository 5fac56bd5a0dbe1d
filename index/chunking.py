"""Structure-aware chunking: passages follow the document's own headings (Phần/Chương, I., Điều, 1., 1.1., a)).

Each chunk keeps the path of headings above it (`section`), which is shown in citations and embedded with the text.
Sections are split only where they exceed the token budget, at paragraph and then sentence boundaries, with overlap;
a table split across chunks repeats its header row at the head of each (a row such as "| | Công điện | CĐ |" means
nothing without its column names).
Each document also gets one identity card (`Chunk.card`): its opening lines (issuer, số ký hiệu, place and date, type
and title) and its closing lines (position and name of the signer), which the running text scatters far apart and
which "who signed / when / which number" questions need together. The card repeats document text, so whoever
rebuilds a document from its chunks leaves it out.
A chunk holding text of an OCR-read page is marked (`Chunk.ocr`) and its section path ends with `OCR_SECTION_SUFFIX`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import vietnamese as vn
from core.models import OCR_SECTION_SUFFIX, Chunk, DocumentMetadata, LoadedDocument, PageText
from index.metadata import states_header

OPENING_SECTION = "Phần mở đầu"
IDENTITY_SECTION = "Thông tin văn bản: số, ngày ban hành, cơ quan ban hành, người ký"
# Opens the line a card states the library's record with (`_known_identity`): the library's words, not the text's.
RECORD_LINE_LABEL = "Thông tin văn bản:"
# bumped when chunks or their metadata change: a library re-reads unchanged files of an older version
CHUNKING_VERSION = "15"
_CARD_HEAD_CHARS = 400
_CARD_TAIL_CHARS = 250
_CARD_TAIL_LINE_CHARS = 160  # a longer closing line is body text, not a signature
_CARD_NAME_LINE_CHARS = 60  # position and name lines under an authority marker are short
_LABEL_CHARS = 90

# (level, pattern) — lower level is higher in the tree. Order matters: the first match wins.
_HEADINGS: list[tuple[int, re.Pattern]] = [
    (0, re.compile(r"^(?:PHẦN|Phần)\s+(?:THỨ\s+|thứ\s+)?[\wÀ-ỹ]+\b|^(?:CHƯƠNG|Chương)\s+[IVXLC\d]+\b|^PHỤ LỤC\b|^Phụ lục\s+[IVXLC\d]+\b")),
    (1, re.compile(r"^(?:MỤC|Mục)\s+\d+\b")),
    # "Điều 5. Tiêu chuẩn…", "Điều 5:" and, in laws whose articles carry no title, "Điều 72" alone on its line
    (2, re.compile(r"^[IVX]{1,5}\.\s+\S|^Điều\s+\d+[a-z]?(?:[.:]|\s*$)")),
    (3, re.compile(r"^\d{1,2}\.\s+\S")),
    (4, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S")),
    (5, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+\S")),
    (6, re.compile(rf"^{vn.POINT_MARK}\s+\S")),
]
# A heading the file's markup marks but that carries no number of its own: h2 ranks with "I.", h3 with "1.", and so on
# down. h1 (Word's Title) is the document's or the web page's title, not a section.
_MARKUP_LEVELS = {2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
_SIGNATURE_BLOCK = re.compile(r"^Nơi nhận\s*:?", re.IGNORECASE)
_RECIPIENT_LINE = re.compile(r"^(?:[-+•]|Nơi nhận|Lưu\s*:)", re.IGNORECASE)
_AUTHORITY = re.compile(r"(?:^|(?<=[\s.;,)|]))(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")  # the "| --- | --- |" line under a header row
_TABLE_HEADER_SHARE = 4  # a header longer than 1/4 of the budget (a layout table of a form) is not repeated
_SENTENCE_SPLIT = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÀ-Ỹ0-9\-–•(“\"])")


def estimate_tokens(text: str) -> int:
    """Embedding-model tokens of `text` (multilingual subwords on Vietnamese)."""
    return vn.estimate_tokens(text, vn.EMBEDDING_CHARS_PER_TOKEN)


def heading_level(line: str) -> int | None:
    """Level of a heading line, or None for body text."""
    if _SIGNATURE_BLOCK.match(line):
        return 2
    for level, pattern in _HEADINGS:
        if pattern.match(line):
            return level
    return None


def _label(line: str) -> str:
    line = line.rstrip(" :")
    if len(line) <= _LABEL_CHARS:
        return line
    cut = line[:_LABEL_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


@dataclass
class _Paragraph:
    text: str
    section: str
    page: int | None
    is_heading: bool
    ocr: bool = False


def _paragraphs(doc: LoadedDocument) -> list[_Paragraph]:
    """Lines of the document with the heading path each one sits under."""
    stack: list[tuple[int, str]] = []
    out: list[_Paragraph] = []
    for page in doc.pages:
        for line in page.text.split("\n"):
            line = line.strip()
            if not line:
                continue
            level = heading_level(line)
            if level is None:
                level = _MARKUP_LEVELS.get(page.heading_depths.get(line, 0))
            if level is not None:
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, _label(line)))
            section = " > ".join(label for _, label in stack) or OPENING_SECTION
            out.append(_Paragraph(line, section, page.page, level is not None, page.ocr))
    return out


def section_outline(text: str) -> list[str]:
    """Heading paths of a text in reading order (for tests, drafting and display)."""
    seen: list[str] = []
    for paragraph in _paragraphs(LoadedDocument(source="", pages=[PageText(text=text)])):
        if paragraph.is_heading and paragraph.section not in seen:
            seen.append(paragraph.section)
    return seen


def _split_long(text: str, max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Sentences grouped under the budget; a single over-long sentence is cut by words."""
    pieces: list[str] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        if count(sentence) <= max_tokens:
            pieces.append(sentence)
            continue
        words, current = sentence.split(), []
        for word in words:
            if current and count(" ".join(current + [word])) > max_tokens:
                pieces.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            pieces.append(" ".join(current))
    return pieces


def chunk_document(
    doc: LoadedDocument,
    *,
    max_tokens: int,
    overlap_tokens: int,
    count_tokens: Callable[[str], int] | None = None,
) -> list[Chunk]:
    """Passages that never cross a section boundary and fit `max_tokens` (section path included)."""
    count = count_tokens or estimate_tokens
    chunks: list[Chunk] = []
    buffer: list[str] = []
    buffer_section, buffer_page = "", None
    buffer_ocr = False

    def flush(carry: list[str] | None = None) -> None:
        nonlocal buffer, buffer_ocr
        body = [part for part in buffer if part]
        if body and any(not part.endswith(":") or len(part) > _LABEL_CHARS for part in body):
            chunks.append(Chunk(
                chunk_id=f"{doc.source}::{len(chunks)}",
                source=doc.source,
                text="\n".join(body),
                section=buffer_section + (OCR_SECTION_SUFFIX if buffer_ocr else ""),
                page=buffer_page,
                order=len(chunks),
                metadata=doc.metadata,
                ocr=buffer_ocr,
            ))
        buffer = list(carry or [])
        buffer_ocr = bool(carry) and buffer_ocr

    for paragraph in _paragraphs(doc):
        budget = max(32, max_tokens - count(paragraph.section) - 4)
        if paragraph.section != buffer_section:
            if buffer and not _only_headings(buffer, paragraph.section, buffer_section):
                flush()
            buffer_section, buffer_page = paragraph.section, paragraph.page
        pieces = [paragraph.text] if count(paragraph.text) <= budget else _split_long(paragraph.text, budget, count)
        for piece in pieces:
            if buffer and count("\n".join(buffer + [piece])) > budget:
                continues_table = _TABLE_ROW.match(piece) and not _TABLE_RULE.match(piece)
                header = table_header(reversed(buffer)) if continues_table else []
                flush(header if header and count(header[0]) <= budget // _TABLE_HEADER_SHARE
                      else _overlap(buffer, overlap_tokens, count))
                buffer_page = paragraph.page
            buffer.append(piece)
            buffer_ocr = buffer_ocr or paragraph.ocr
    flush()
    card = identity_card(doc)
    if card:
        chunks.append(Chunk(chunk_id=f"{doc.source}::{len(chunks)}", source=doc.source, text=card,
                            section=IDENTITY_SECTION, page=doc.pages[0].page, order=len(chunks),
                            metadata=doc.metadata, card=True))
    return chunks


def table_header(lines_backwards: Iterable[str]) -> list[str]:
    """The header row and rule ("| --- |") of the table the last line belongs to, reading the lines from the last
    one back (only the table's own rows are read); [] when the last line is not in a table with a header. The chunker
    repeats them at the head of a chunk that continues the table; whoever rebuilds the document from its chunks drops
    them there."""
    below = ""
    for line in map(str.strip, lines_backwards):
        if not _TABLE_ROW.match(line):
            return []
        if _TABLE_RULE.match(below) and not _TABLE_RULE.match(line):
            return [line, below]
        below = line
    return []


def identity_card(doc: LoadedDocument) -> str:
    """Opening lines up to the first heading after them, and the signature (authority, position, name), verbatim
    and joined by "…"; empty for a document without text."""
    lines = [line.strip() for page in doc.pages for line in page.text.split("\n") if line.strip()]
    head: list[str] = []
    size = 0
    for line in lines:
        if head and heading_level(line) is not None and not _SIGNATURE_BLOCK.match(line):
            break
        if size + len(line) > _CARD_HEAD_CHARS:
            head.append(line[: max(0, _CARD_HEAD_CHARS - size)].rsplit(" ", 1)[0] + "…")
            break
        head.append(line)
        size += len(line)
    signature = _signature(lines[len(head):])
    opening = "\n".join(head)
    dated = any(vn.iso_date(*day) == doc.metadata.date for _, day in vn.find_dates(opening))
    known = [] if dated or states_header(opening) else _known_identity(doc.metadata)
    return "\n".join(known + head + (["…"] + signature if signature else []))


def _known_identity(meta: DocumentMetadata) -> list[str]:
    """The number, date and issuer the library holds for a text that lost its header (a copy opening at its title,
    its date read from an appendix's "Kèm theo Nghị quyết số … ngày …" line), as one line: without it, a question
    on the day the text was issued read only the deadlines in it. Empty when neither number nor date is known."""
    day = vn.short_date(meta.date)
    parts = [part for part in (f"số {meta.doc_number}" if meta.doc_number else "", f"ngày {day}" if day else "")
             if part]
    if not parts:
        return []
    issuer = f" của {meta.issuer}" if meta.issuer else ""
    return [f"{RECORD_LINE_LABEL} {', '.join(parts)}{issuer}."]


def _signature(lines: list[str]) -> list[str]:
    """The signature block: from the authority marker (TM./KT./TL./TUQ./Q.) beside the first recipients list — or
    the last marker when there is no list (appendices and forms after it are not signatures) — with the short lines
    after it (position, name). Without a marker, the short closing lines of the document, recipients skipped."""
    anchor = next((i for i, line in enumerate(lines) if _SIGNATURE_BLOCK.match(line)), None)
    window = range(max(0, anchor - 10), min(len(lines), anchor + 40)) if anchor is not None else range(len(lines))
    marked = [i for i in window if _AUTHORITY.search(lines[i])]
    if marked:
        at = marked[0] if anchor is not None else marked[-1]
        first = lines[at][_AUTHORITY.search(lines[at]).start():]
        block = [re.sub(r"\s*[|\[\]]\s*", " ", first).strip()[:_CARD_TAIL_CHARS]]
        for line in lines[at + 1: at + 5]:
            if len(line) > _CARD_NAME_LINE_CHARS or _RECIPIENT_LINE.match(line) or line.startswith("|") \
                    or heading_level(line) is not None:  # "PHỤ LỤC" after the name opens the appendix
                break
            block.append(line)
        return block
    tail: list[str] = []
    size = 0
    for line in reversed(lines):
        if _RECIPIENT_LINE.match(line):
            continue
        if len(line) > _CARD_TAIL_LINE_CHARS or size + len(line) > _CARD_TAIL_CHARS:
            break
        tail.insert(0, line)
        size += len(line)
    return tail


def _only_headings(buffer: list[str], new_section: str, old_section: str) -> bool:
    """A buffer holding only the headings of a parent section travels down into its first child section."""
    return new_section.startswith(old_section) and all(heading_level(part) is not None and len(part) <= _LABEL_CHARS
                                                       for part in buffer)


def _overlap(buffer: list[str], overlap_tokens: int, count: Callable[[str], int]) -> list[str]:
    """The tail of the previous chunk (whole sentences) repeated at the head of the next one."""
    if overlap_tokens <= 0:
        return []
    sentences = _SENTENCE_SPLIT.split(buffer[-1])
    tail: list[str] = []
    for sentence in reversed(sentences):
        if count(" ".join([sentence] + tail)) > overlap_tokens:
            break
        tail.insert(0, sentence)
    return [" ".join(tail)] if tail else []
