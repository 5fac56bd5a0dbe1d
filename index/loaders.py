"""Read PDF, DOCX, DOC/ODT, HTML, TXT and MD files into cleaned pages with metadata; every failure is a typed
DocumentError.

Scanned PDF pages (no usable text layer, an image on the page) are read by OCR (`index.ocr`), page by page; .doc and
.odt are converted to DOCX by LibreOffice (`index.convert`); HTML goes through trafilatura, which keeps the article's
headings and drops menus, footers and share buttons.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import zipfile
import zlib
from pathlib import Path

from core.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    FileTooLargeError,
    NoArticleTextError,
    NoTextLayerError,
    UnsupportedFileError,
)
from core.settings import Settings
from index.convert import convert_to_docx
from index.metadata import extract_metadata
from core.models import LoadedDocument, PageText
from index.ocr import PageProgress, missing_ocr, ocr_pdf_pages
from index.text import clean_pdf_pages, normalize_text

SUPPORTED_EXTENSIONS = {".pdf", ".docx", ".doc", ".odt", ".html", ".htm", ".txt", ".md"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected Office files are OLE containers
_MAX_DOCX_EXPANSION = 100  # uncompressed/compressed ratio above which a DOCX is treated as a zip bomb
_MIN_TEXT_CHARS_PER_PAGE = 20
_CP1258_ONLY = re.compile("[đĐơƠưƯăĂ\u0300\u0301\u0303\u0309\u0323]")
_MAX_JUNK_SHARE = 0.3  # a text layer more than this share of replacement/private-use characters is unusable
_MIN_ARTICLE_CHARS = 200  # an HTML page whose article text is shorter has no article
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_HEADING_STYLE = re.compile(r"^(?:Heading|heading)\s*([1-6])$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")

logging.getLogger("pypdf").setLevel(logging.ERROR)


def load_file(path: Path, settings: Settings, *, source: str | None = None, sidecar: dict | None = None,
              progress: PageProgress | None = None) -> LoadedDocument:
    """Read `path` into a LoadedDocument; `source` is the name the library knows it by (default: the file name).
    `progress(done, total, page)` is called as scanned pages are recognised."""
    path = Path(path)
    source = source or path.name
    extension = path.suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFileError(detail=source)
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(detail=source)
    limit = int(settings.max_file_mb * 1024 * 1024)
    if size > limit:
        raise FileTooLargeError(
            f"Tệp vượt quá dung lượng cho phép ({size / 1048576:.1f} MB > {settings.max_file_mb:g} MB).",
            f"The file exceeds the size limit ({size / 1048576:.1f} MB > {settings.max_file_mb:g} MB).",
            detail=source,
        )
    data = path.read_bytes()
    warnings: list[str] = []
    if extension == ".pdf":
        pages = _read_pdf(data, settings, source, progress=progress, warnings=warnings)
    elif extension in (".doc", ".odt"):
        pages = _read_docx(convert_to_docx(data, extension, settings, source), settings, source)
    elif extension in (".html", ".htm"):
        pages = _read_html(data, settings, source)
    elif extension == ".md":
        pages = [_marked_headings(page.text) for page in _read_text(data, settings, source)]
    else:
        pages = {".docx": _read_docx}.get(extension, _read_text)(data, settings, source)
    pages = [page for page in pages if page.text.strip()]
    if not pages:
        raise EmptyFileError("Tệp không có nội dung văn bản.", "The file has no text.", detail=source)
    text = "\n\n".join(page.text for page in pages)
    return LoadedDocument(
        source=source,
        pages=pages,
        metadata=extract_metadata(text, source, sidecar),
        content_hash=hashlib.sha256(data).hexdigest(),
        warnings=warnings,
    )


def _usable_text_layer(text: str) -> bool:
    """Enough characters, and not mostly replacement or private-use glyphs (a broken font encoding)."""
    stripped = "".join(text.split())
    if len(stripped) < _MIN_TEXT_CHARS_PER_PAGE:
        return False
    junk = sum(1 for ch in stripped if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    return junk / len(stripped) <= _MAX_JUNK_SHARE


def _has_image(owner, depth: int = 0) -> bool:
    """Whether a page (or a form it draws) paints an image: a page with no text and no image is just blank."""
    try:
        resources = owner.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        objects = resources.get("/XObject")
        objects = objects.get_object() if objects is not None else {}
        for reference in objects.values():
            item = reference.get_object()
            subtype = item.get("/Subtype")
            if subtype == "/Image" or (subtype == "/Form" and depth < 3 and _has_image(item, depth + 1)):
                return True
        return False
    except Exception:  # noqa: BLE001 - a damaged resource tree: recognise rather than silently skip the page
        return True


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


def _read_pdf(data: bytes, settings: Settings, source: str, *, progress: PageProgress | None = None,
              warnings: list[str] | None = None) -> list[PageText]:
    """Text-layer pages as they are; pages without a usable text layer that show an image go to OCR."""
    warnings = warnings if warnings is not None else []
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedFileError(detail=source)
        count = len(reader.pages)
        if count > settings.max_pdf_pages:
            raise FileTooLargeError(
                f"PDF có {count} trang, vượt giới hạn {settings.max_pdf_pages} trang.",
                f"The PDF has {count} pages, over the limit of {settings.max_pdf_pages}.",
                detail=source,
            )
        raw_pages = [page.extract_text() or "" for page in reader.pages]
        scanned = [index for index, text in enumerate(raw_pages)
                   if not _usable_text_layer(text) and _has_image(reader.pages[index])]
    except (EncryptedFileError, FileTooLargeError):
        raise
    except FileNotDecryptedError as error:
        raise EncryptedFileError(detail=source) from error
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, NotImplementedError) as error:
        raise CorruptFileError(detail=f"{source}: {error}") from error
    has_text_layer = any(_usable_text_layer(text) for text in raw_pages)
    if not scanned:
        if raw_pages and sum(len(page.strip()) for page in raw_pages) < _MIN_TEXT_CHARS_PER_PAGE * len(raw_pages) / 4:
            raise NoTextLayerError(detail=source)
    elif not settings.ocr_enabled or (has_text_layer and missing_ocr(settings)):
        if not has_text_layer:
            raise NoTextLayerError(detail=source)
        why = "nhận dạng OCR đang tắt" if not settings.ocr_enabled else f"máy {missing_ocr(settings)}"
        warnings.append(f"Bỏ qua {len(scanned)} trang quét không có lớp văn bản (trang "
                        f"{_page_list([index + 1 for index in scanned])}): {why}.")
        scanned = []
    recognised = {page.page - 1: page for page in ocr_pdf_pages(data, scanned, settings, source, progress)} \
        if scanned else {}
    doubts = {index: page.doubt(settings) for index, page in recognised.items()}
    credible = [index for index, page in recognised.items() if page.text.strip() and not doubts[index]]
    if recognised and not has_text_layer and not credible:
        reasons = "; ".join(f"trang {index + 1}: {why}" for index, why in doubts.items() if why)
        raise NoTextLayerError(
            "PDF là bản quét và nhận dạng OCR không ra văn bản tiếng Việt đọc được"
            + (f" ({reasons})" if reasons else "") + "; cần OCR lại từ bản quét rõ hơn (300 dpi) hoặc bản có lớp "
            "văn bản.",
            "The PDF is a scan and OCR produced no readable Vietnamese text.",
            detail=source,
        )
    for index, why in doubts.items():
        if why and recognised[index].text.strip():
            warnings.append(f"Trang {index + 1} (bản nhận dạng OCR) có thể sai nhiều ({why}) — hãy đối chiếu bản gốc.")
    texts = [recognised[index].text if index in recognised else text for index, text in enumerate(raw_pages)]
    cleaned = clean_pdf_pages(texts)
    return [PageText(text=text, page=number, ocr=number - 1 in recognised)
            for number, text in enumerate(cleaned, start=1)]


def _check_docx_container(data: bytes, source: str) -> None:
    if data.startswith(_OLE_MAGIC):
        raise EncryptedFileError(
            "Tệp DOCX được đặt mật khẩu (hoặc là tệp .doc cũ), hãy gỡ mật khẩu/lưu lại dạng DOCX rồi tải lên.",
            "The DOCX is password-protected (or an old .doc file).",
            detail=source,
        )
    budget = max(len(data) * _MAX_DOCX_EXPANSION, 20 << 20)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise CorruptFileError(detail=f"{source}: no word/document.xml")
            if any(info.flag_bits & 0x1 for info in archive.infolist()):  # zip-level encryption
                raise EncryptedFileError(detail=source)
            # Decompress in bounded pieces instead of trusting the declared sizes: a forged header would otherwise
            # let the XML parser inflate gigabytes into memory; a member that lies about its size fails its CRC.
            expanded = 0
            for info in archive.infolist():
                with archive.open(info) as member:
                    while piece := member.read(1 << 20):
                        expanded += len(piece)
                        if expanded > budget:
                            raise CorruptFileError(
                                "Tệp DOCX bất thường (nội dung nén phình quá lớn), đã từ chối để bảo vệ hệ thống.",
                                "The DOCX expands to an abnormal size (zip bomb); refused.",
                                detail=source,
                            )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise CorruptFileError(detail=f"{source}: {error}") from error


def _marked_headings(text: str, page: int | None = None) -> PageText:
    """The page without its Markdown heading marks, each marked line's depth kept in `heading_depths`: the one way
    Markdown, HTML (through trafilatura's Markdown) and DOCX heading styles reach the chunker."""
    lines, depths = [], {}
    for line in text.split("\n"):
        marked = _MARKDOWN_HEADING.match(line.strip())
        if marked:
            line = marked.group(2)
            depths.setdefault(line, len(marked.group(1)))
        lines.append(line)
    return PageText(text="\n".join(lines), page=page, heading_depths=depths)


def _heading_mark(paragraph) -> str:
    """"## " for a paragraph in Word's Heading 2 style, "# " for Title; "" for any other."""
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return "# "
    styled = _HEADING_STYLE.match(name or "")
    return "#" * int(styled.group(1)) + " " if styled else ""


def _read_docx(data: bytes, settings: Settings, source: str) -> list[PageText]:
    """Paragraphs and tables in body order; headings kept as their own lines so chunking sees the structure."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_docx_container(data, source)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraph = Paragraph(element, document)
                text = paragraph.text.strip()
                if text:
                    blocks.append(_heading_mark(paragraph) + text)
            elif tag == "tbl":
                for row in Table(element, document).rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        value = " ".join(cell.text.split())
                        if value and (not cells or cells[-1] != value):
                            cells.append(value)
                    if cells:
                        blocks.append(" | ".join(cells))
    except (KeyError, ValueError, zipfile.BadZipFile, AttributeError) as error:
        raise CorruptFileError(detail=f"{source}: {error}") from error
    except Exception as error:  # lxml raises its own XMLSyntaxError family on a damaged part
        if type(error).__module__.startswith("lxml"):
            raise CorruptFileError(detail=f"{source}: {error}") from error
        raise
    return [_marked_headings(normalize_text("\n\n".join(blocks)))]


def _read_html(data: bytes, settings: Settings, source: str) -> list[PageText]:
    """The article of a saved web page: trafilatura keeps headings (as their own lines, so chunking finds the
    section paths), paragraphs, lists and tables, and drops navigation, footers, related links and share buttons."""
    import trafilatura

    markup = decode_text(data)
    extracted = trafilatura.extract(markup, output_format="markdown", include_tables=True, include_comments=False,
                                    include_links=False, include_images=False, favor_precision=True) or ""
    lines = []
    for line in extracted.split("\n"):
        line = line.strip()
        if _TABLE_RULE.match(line):
            continue
        if line.startswith("|") and line.endswith("|"):
            line = " | ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
        lines.append(line)
    page = _marked_headings(normalize_text("\n".join(lines)))
    if len("".join(page.text.split())) < _MIN_ARTICLE_CHARS:
        raise NoArticleTextError(detail=source)
    return [page]


def decode_text(data: bytes) -> str:
    """UTF-8/UTF-16 by BOM, UTF-16 by its NUL bytes, UTF-8, Windows-1258 when it yields Vietnamese-only letters,
    then the best guess among legacy code pages."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if data.count(b"\x00") > len(data) // 4:  # UTF-16 without BOM (NUL bytes are valid UTF-8, so test first)
        little_endian = data[1::2].count(0) >= data[0::2].count(0)  # ASCII letters put their NUL second in LE
        return data.decode("utf-16-le" if little_endian else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    with contextlib.suppress(UnicodeDecodeError):
        legacy = data.decode("cp1258")
        if _CP1258_ONLY.search(legacy):  # đ ơ ư ă or a combining tone mark: cp1252 would turn these into ð õ ý ã ì
            return legacy
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1258", "cp1252", "utf_16", "latin_1"]).best()
    return str(best) if best is not None else data.decode("cp1258", errors="replace")


def _read_text(data: bytes, settings: Settings, source: str) -> list[PageText]:
    text = decode_text(data)
    if "\x00" in text[:1000]:
        raise CorruptFileError("Tệp văn bản chứa dữ liệu nhị phân, không đọc được.", "The text file is binary.",
                               detail=source)
    return [PageText(text=normalize_text(text), page=None)]
