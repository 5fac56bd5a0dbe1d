"""Scanned renderings of known text, for the OCR benchmark and tests: text drawn on A4 page images with a
Vietnamese-capable font (Liberation Serif, Times-compatible, else DejaVu), optionally with noise, skew and a red stamp.

    pages = render_pages(text, dpi=300)                           # list[(PIL.Image, page text)]
    pages = render_pages(text, dpi=200, noise=18, skew=1.5)
    stamp(image)                                                  # a red round seal over the text
    image_pdf([image, ...], path)                                 # an image-only PDF (no text layer), as a scanner makes
    cer(reference, recognised)                                    # character error rate (edit distance / length)
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

A4_INCHES = (8.27, 11.69)
FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def font_path() -> str:
    for path in FONTS:
        if Path(path).is_file():
            return path
    raise FileNotFoundError("no Vietnamese-capable TrueType font (install fonts-liberation2 or fonts-dejavu-core)")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            continue
        current = words[0]
        for word in words[1:]:
            if font.getlength(f"{current} {word}") <= width:
                current = f"{current} {word}"
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def render_pages(text: str, *, dpi: int = 300, font_pt: float = 13.0, max_pages: int | None = None,
                 noise: float = 0.0, skew: float = 0.0, blur: float = 0.0, seed: int = 0) -> list[tuple[Image.Image, str]]:
    """`text` laid out on A4 pages (2 cm margins, 1.4 line spacing); returns (RGB image, the text on that page)."""
    width, height = (round(side * dpi) for side in A4_INCHES)
    margin = round(dpi * 0.79)
    font = ImageFont.truetype(font_path(), round(font_pt / 72 * dpi))
    step = round(font_pt / 72 * dpi * 1.4)
    per_page = (height - 2 * margin) // step
    lines = _wrap(unicodedata.normalize("NFC", text), font, width - 2 * margin)
    rng = np.random.default_rng(seed)
    pages = []
    for start in range(0, len(lines), per_page):
        if max_pages is not None and len(pages) >= max_pages:
            break
        chunk = lines[start:start + per_page]
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(chunk):
            draw.text((margin, margin + row * step), line, font=font, fill=(20, 20, 20))
        pages.append((degrade(image, noise=noise, skew=skew, blur=blur, rng=rng), "\n".join(chunk)))
    return pages


def degrade(image: Image.Image, *, noise: float = 0.0, skew: float = 0.0, blur: float = 0.0,
            rng: np.random.Generator | None = None) -> Image.Image:
    """A scanner's faults: a small rotation, blur, grey noise and speckles."""
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = rng or np.random.default_rng(0)
        pixels = np.asarray(image, dtype=np.float32)
        pixels += rng.normal(0.0, noise, pixels.shape[:2])[..., None]
        speckles = rng.random(pixels.shape[:2]) < 0.002
        pixels[speckles] = 0.0
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def stamp(image: Image.Image, *, centre: tuple[float, float] = (0.62, 0.3), label: str = "ỦY BAN NHÂN DÂN TỈNH",
          colour: tuple[int, int, int] = (215, 35, 45)) -> Image.Image:
    """A round red seal (two rings, a star, a curved label) printed over the page, ink multiplied onto the paper."""
    width, height = image.size
    radius = round(min(width, height) * 0.14)
    cx, cy = round(width * centre[0]), round(height * centre[1])
    ink = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(ink)
    for r, thickness in ((radius, max(3, radius // 18)), (round(radius * 0.72), max(2, radius // 30))):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=thickness)
    star = [(cx + radius * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - radius * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(font_path(), max(10, radius // 6))
    for position, letter in enumerate(label):
        angle = math.pi * (0.85 - 0.7 * position / max(1, len(label) - 1))
        x, y = cx + radius * 0.86 * math.cos(angle), cy - radius * 0.86 * math.sin(angle)
        draw.text((x, y), letter, font=font, fill=255, anchor="mm")
    alpha = np.asarray(ink, dtype=np.float32)[..., None] / 255.0 * 0.85
    paper = np.asarray(image.convert("RGB"), dtype=np.float32)
    tinted = paper * (1 - alpha) + paper * (np.array(colour, dtype=np.float32) / 255.0) * alpha
    return Image.fromarray(np.clip(tinted, 0, 255).astype(np.uint8))


def image_pdf(images: list[Image.Image], path: Path, dpi: int = 300) -> Path:
    """An image-only PDF, one page per image: what a scanner without OCR produces."""
    first, *rest = [image.convert("RGB") for image in images]
    first.save(path, format="PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return Path(path)


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(reference: str, recognised: str) -> float:
    """Character error rate: Levenshtein distance / reference length, whitespace runs counted as one space."""
    ref = np.array([ord(c) for c in _squash(reference)], dtype=np.int64)
    hyp = np.array([ord(c) for c in _squash(recognised)], dtype=np.int64)
    if not len(ref):
        return float(len(hyp) > 0)
    previous = np.arange(len(hyp) + 1, dtype=np.int64)
    positions = np.arange(len(hyp) + 1, dtype=np.int64)
    for i, char in enumerate(ref, start=1):
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (hyp != char))
        # insertions: current[j] = min_k (current[k] + j - k)
        current = np.minimum.accumulate(current - positions) + positions
        previous = current
    return float(previous[-1]) / len(ref)
