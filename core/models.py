"""Plain data passed between the stages: loader -> chunker -> index -> retriever -> chains."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

OCR_NOTE = "bản nhận dạng OCR — đối chiếu bản gốc"
OCR_SECTION_SUFFIX = f" ({OCR_NOTE})"  # added to the section path of every chunk read by OCR, so citations show it


@dataclass
class PageText:
    """Text of one page (PDF) or of the whole file (DOCX/TXT, page=None), already NFC-normalised and cleaned.
    `ocr` marks a scanned page whose text was recognised by OCR. `heading_depths` holds the lines that the file's own
    markup marks as headings (HTML h1-h6, DOCX Heading and Title styles, Markdown #), with their depth (1 = top), so
    that a heading without a number ("Tổ chức thực hiện") still opens a section."""

    text: str
    page: int | None = None
    ocr: bool = False
    heading_depths: dict[str, int] = field(default_factory=dict)


@dataclass
class DocumentMetadata:
    """What staff search and cite by. Empty string means unknown."""

    title: str = ""
    doc_number: str = ""  # số ký hiệu, e.g. "0125/KH-UBND"
    date: str = ""  # ngày ban hành, ISO "YYYY-MM-DD"
    issuer: str = ""  # cơ quan ban hành
    province: str = ""
    doc_type: str = ""  # ke-hoach, chi-thi, cong-van, quyet-dinh, nghi-dinh, nghi-quyet, thong-bao, tin-bai, ...

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LoadedDocument:
    """A file read from disk: its pages and its metadata. `source` is the file name as ingested."""

    source: str
    pages: list[PageText]
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)  # e.g. OCR pages that look unreliable, shown after ingestion

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


@dataclass
class Chunk:
    """One retrievable passage. `section` is the path of headings, e.g. "II. NỘI DUNG THI ĐUA > 2. Thi đua ...".

    `text` is the passage as shown to users; `embed_text()` adds the document title and section path so the
    embedding sees the context the passage lives in. A chunk read by OCR has `ocr=True` and its section ends with
    `OCR_SECTION_SUFFIX` ("(bản nhận dạng OCR — đối chiếu bản gốc)"), which citations show and embeddings skip.
    """

    chunk_id: str
    source: str
    text: str
    section: str = ""
    page: int | None = None
    order: int = 0
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    ocr: bool = False
    card: bool = False  # the document's identity card (opening and signature lines), not running text

    def embed_text(self) -> str:
        section = self.section.removesuffix(OCR_SECTION_SUFFIX) if self.ocr else self.section
        head = " | ".join(part for part in (self.metadata.title, section) if part)
        return f"{head}\n{self.text}" if head else self.text


@dataclass
class SearchHit:
    """A chunk returned by retrieval with its fused score and the ranks it had in each retriever (None = absent)."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None  # cosine similarity from the dense retriever, when it found the chunk

    def to_dict(self) -> dict:
        meta = self.chunk.metadata
        return {
            "source": self.chunk.source,
            "title": meta.title,
            "doc_number": meta.doc_number,
            "date": meta.date,
            "section": self.chunk.section,
            "page": self.chunk.page,
            "text": self.chunk.text,
            "score": round(self.score, 6),
        }


@dataclass
class DocumentRecord:
    """A document as the library lists it."""

    source: str
    content_hash: str
    chunk_count: int
    metadata: DocumentMetadata

    def to_dict(self) -> dict:
        return {"source": self.source, "content_hash": self.content_hash, "chunks": self.chunk_count,
                **self.metadata.to_dict()}


@dataclass
class IngestResult:
    """Outcome of ingesting one file: status is "added", "updated", "unchanged" or "error"."""

    path: str
    source: str
    status: str
    chunks: int = 0
    message: str = ""
    seconds_parse: float = 0.0
    seconds_embed: float = 0.0
    pages: int = 0
    ocr_pages: int = 0  # pages whose text was recognised by OCR

    def to_dict(self) -> dict:
        return asdict(self)
