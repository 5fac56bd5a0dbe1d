"""OCR of scanned PDF pages: each page without a usable text layer is rendered (pypdfium2) and read by Tesseract with
its Vietnamese data, page by page, within the per-file page cap and time limit of the settings.

Tesseract runs as a subprocess (`tesseract stdin stdout -l vie tsv`) with `OMP_THREAD_LIMIT` from the settings: on 2
shared cores its OpenMP threads otherwise fight each other (measured 8 s a page instead of 1.9 s). Coloured ink —
red stamps, blue signatures — is lifted off the page and speckle is median-filtered before recognition, so a seal
over the text does not stop it.
A page whose result looks unreliable (low word confidence, few Vietnamese letters) is kept with a warning.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core import vietnamese as vn
from core.errors import CorruptFileError, MissingToolError, OcrLimitError
from core.settings import Settings

TESSERACT_PACKAGES = "tesseract-ocr, tesseract-ocr-vie"
PageProgress = Callable[[int, int, int], None]  # (pages recognised so far, pages to recognise, PDF page number)
_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe
_INK_SATURATION = 60  # max-min of RGB above which a pixel is coloured ink (stamp, signature), not print
_MIN_WORDS_FOR_LANGUAGE_CHECK = 12
_SCAN_COVERAGE = 0.8  # an image covering this share of the page is the scan itself


@dataclass
class OcrPage:
    """The recognised text of one page, the mean word confidence (0-100) and the seconds it took."""

    page: int
    text: str
    confidence: float
    seconds: float
    words: int

    def doubt(self, settings: Settings) -> str:
        """Why this page's text looks unreliable (Vietnamese), or "" when it looks like Vietnamese prose."""
        share, words = vn.vietnamese_word_share(self.text)
        reasons = []
        if self.words and self.confidence < settings.ocr_min_confidence:
            reasons.append(f"độ tin cậy {self.confidence:.0f}%")
        if words >= _MIN_WORDS_FOR_LANGUAGE_CHECK and share < settings.ocr_min_vietnamese_share:
            reasons.append(f"chỉ {share:.0%} số từ có dấu tiếng Việt")
        return ", ".join(reasons)


@functools.lru_cache(maxsize=8)
def _tesseract_languages(command: str) -> frozenset[str] | None:
    binary = shutil.which(command)
    if not binary:
        return None
    try:
        listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (listed.stdout + listed.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def missing_ocr(settings: Settings) -> str:
    """What OCR lacks on this machine, in Vietnamese ("" when Tesseract and its language data are installed)."""
    languages = _tesseract_languages(settings.ocr_command)
    if languages is None:
        return f"chưa cài Tesseract OCR (gói {TESSERACT_PACKAGES})"
    absent = [code for code in settings.ocr_language.split("+") if code not in languages]
    if absent:
        return f"Tesseract thiếu dữ liệu ngôn ngữ {', '.join(absent)} (gói tesseract-ocr-{absent[0]})"
    return ""


def require_ocr(settings: Settings, source: str) -> None:
    missing = missing_ocr(settings)
    if missing:
        raise MissingToolError(
            f"PDF là bản quét, cần nhận dạng OCR nhưng máy {missing}; hãy chạy scripts/setup.sh rồi tải lại.",
            f"The PDF is a scan and needs OCR, but this machine lacks Tesseract or its Vietnamese data "
            f"({TESSERACT_PACKAGES}).",
            detail=source,
        )


def lift_coloured_ink(image):
    """Grey page for recognition in which strongly coloured pixels (red seal, blue signature) become as light as
    their brightest channel: black print under a red stamp stays black, the stamp itself turns near white."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(image.convert("RGB"), dtype=np.int32)
    brightest, darkest = rgb.max(axis=2), rgb.min(axis=2)
    grey = (rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) // 1000
    return Image.fromarray(np.where(brightest - darkest > _INK_SATURATION, brightest, grey).astype(np.uint8))


def clean_page(image):
    """What Tesseract reads: coloured ink lifted, then a 3x3 median filter against scanner speckle and grain (on
    200 dpi noisy, skewed scans CER 14 % -> 0.9 %; clean pages unchanged, `scripts/benchmark_ocr.py`)."""
    from PIL import ImageFilter

    return lift_coloured_ink(image).filter(ImageFilter.MedianFilter(3))


def _lines_from_tsv(tsv: str) -> tuple[str, float, int]:
    """Text (lines kept, blank line between Tesseract's paragraphs), mean word confidence and word count."""
    paragraphs: dict[tuple, dict[tuple, list[str]]] = {}
    confidences: list[tuple[float, int]] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        word = cells[11].strip()
        if not word:
            continue
        paragraph = paragraphs.setdefault((int(cells[1]), int(cells[2]), int(cells[3])), {})
        paragraph.setdefault((int(cells[4]),), []).append(word)
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        if confidence >= 0:
            confidences.append((confidence, len(word)))
    text = "\n\n".join("\n".join(" ".join(words) for words in lines.values()) for lines in paragraphs.values())
    letters = sum(weight for _, weight in confidences)
    mean = sum(value * weight for value, weight in confidences) / letters if letters else 0.0
    return text, mean, len(confidences)


def recognise(image, settings: Settings, *, page: int = 1, timeout: float | None = None) -> OcrPage:
    """Tesseract on one page image; raises subprocess.TimeoutExpired past `timeout` seconds."""
    started = time.perf_counter()
    buffer = io.BytesIO()
    clean_page(image).save(buffer, format="PNG")
    environment = {**os.environ, "OMP_THREAD_LIMIT": str(max(1, settings.ocr_threads))}
    done = subprocess.run(
        [settings.ocr_command, "stdin", "stdout", "-l", settings.ocr_language, "--dpi", str(settings.ocr_dpi), "tsv"],
        input=buffer.getvalue(), capture_output=True, timeout=timeout, env=environment, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {done.returncode}")
    text, confidence, words = _lines_from_tsv(done.stdout.decode("utf-8", "replace"))
    return OcrPage(page=page, text=text, confidence=confidence, seconds=time.perf_counter() - started, words=words)


def render_page(data: bytes, index: int, dpi: int):
    """Page `index` (0-based) of a PDF as an RGB image at `dpi`. A page that is one scanned image is taken at the
    image's own resolution and resized with Lanczos: better than pdfium's page rendering (CER 1.5 % vs 3.3 % on a
    200 dpi JPEG scan read at 300 dpi)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image

    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            page = document[index]
            width, height = page.get_size()
            images = [] if page.get_rotation() else list(
                page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
            if len(images) == 1:
                left, bottom, right, top = images[0].get_bounds()
                if right > left and (right - left) * (top - bottom) >= _SCAN_COVERAGE * width * height:
                    picture = images[0].get_bitmap(render=True).to_pil()
                    paper = Image.new("RGB", picture.size, "white")
                    paper.paste(picture, mask=picture.getchannel("A") if picture.mode == "RGBA" else None)
                    scale = dpi / (picture.width / ((right - left) / 72))
                    if abs(scale - 1) > 0.1:
                        size = (max(1, round(paper.width * scale)), max(1, round(paper.height * scale)))
                        paper = paper.resize(size, Image.Resampling.LANCZOS)
                    return paper
            return page.render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            document.close()


def ocr_pdf_pages(data: bytes, indexes: list[int], settings: Settings, source: str,
                  progress: PageProgress | None = None) -> list[OcrPage]:
    """Recognise the given pages (0-based) of a PDF in order, within the settings' page cap and time limit."""
    require_ocr(settings, source)
    if len(indexes) > settings.ocr_max_pages:
        raise OcrLimitError(
            f"PDF có {len(indexes)} trang quét cần nhận dạng OCR, vượt giới hạn {settings.ocr_max_pages} trang mỗi "
            "tệp (PLAN_ASSISTANT_OCR_MAX_PAGES); hãy tách tệp hoặc nâng giới hạn.",
            f"{len(indexes)} scanned pages need OCR, over the limit of {settings.ocr_max_pages} per file.",
            detail=source,
        )
    deadline = time.monotonic() + settings.ocr_max_seconds
    pages: list[OcrPage] = []
    for done, index in enumerate(indexes):
        if progress:
            progress(done, len(indexes), index + 1)
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise subprocess.TimeoutExpired(settings.ocr_command, settings.ocr_max_seconds)
            image = render_page(data, index, settings.ocr_dpi)
            pages.append(recognise(image, settings, page=index + 1, timeout=remaining))
        except subprocess.TimeoutExpired as error:
            raise OcrLimitError(
                f"Nhận dạng OCR vượt thời gian cho phép ({settings.ocr_max_seconds:.0f} giây mỗi tệp, "
                f"PLAN_ASSISTANT_OCR_MAX_SECONDS) sau {done}/{len(indexes)} trang; chưa đưa vào thư viện.",
                f"OCR exceeded {settings.ocr_max_seconds:.0f} s for this file after {done} of {len(indexes)} pages.",
                detail=source,
            ) from error
        except (RuntimeError, OSError, ValueError) as error:  # pdfium's PdfiumError is a RuntimeError
            raise CorruptFileError(detail=f"{source}: page {index + 1}: {error}") from error
    if progress:
        progress(len(indexes), len(indexes), indexes[-1] + 1 if indexes else 0)
    return pages
