"""OCR benchmark: pages per second and character error rate (CER) against the known text, on scanned renderings of
sample-library documents. Prints figures only.

    .venv/bin/python scripts/benchmark_ocr.py [--pages 4] [--json]

Each page of known text is drawn on an A4 image (Liberation Serif 13 pt, `scripts/scan_pages.py`), saved as an
image-only PDF as a scanner would, and read back through the application's own path (`index.ocr.render_page` +
`index.ocr.recognise`, with the settings' dpi and thread count). Conditions:

    clean-300dpi        a clean 300 dpi scan                                        target CER <= 3 %
    noisy-200dpi-skew   200 dpi, grey noise and speckles, slight blur, 1-2° skew    target CER <= 8 %
    red-stamp-300dpi    300 dpi with a red round seal printed over the text         (reported)

CER = Levenshtein distance / reference length, whitespace runs counted as one space, summed over the pages.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from scan_pages import _squash, cer, image_pdf, render_pages, stamp  # noqa: E402

from core.settings import PROJECT_ROOT, Settings  # noqa: E402
from index.ocr import missing_ocr, recognise, render_page  # noqa: E402

DOCUMENTS = [
    "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt",
    "003_nghean-kh-982-kh-ubnd-2025-dot-thi-dua-dai-hoi-xiv.txt",
    "004_cantho-kh-157-kh-ubnd-2025-thi-dua-chi-tra-khong-dung-tien-mat.txt",
    "006_chinhphu-nq-394-nq-cp-2025-phat-dong-phong-trao-bao-ve-moi-truong.txt",
    "011_hatinh-qd-2920-qd-ubnd-2025-chuc-nang-so-noi-vu.txt",
    "013_chinhphu-nd-30-2020-nd-cp-cong-tac-van-thu.txt",
]
TARGETS = {"clean-300dpi": 0.03, "noisy-200dpi-skew": 0.08, "red-stamp-300dpi": None}


def scanned_pages(condition: str, count: int) -> tuple[list, list[str], int]:
    """`count` page images of the condition (one page from each document in turn) and their known text."""
    rng = np.random.default_rng(13)
    images, texts = [], []
    dpi = 200 if condition.startswith("noisy") else 300
    for number in range(count):
        text = (PROJECT_ROOT / "sample_library" / DOCUMENTS[number % len(DOCUMENTS)]).read_text(encoding="utf-8")
        page_index = number // len(DOCUMENTS)
        options = {}
        if condition.startswith("noisy"):
            options = {"noise": 18.0, "blur": 0.6, "skew": float(rng.choice([-1, 1]) * rng.uniform(1.0, 2.0)),
                       "seed": number}
        pages = render_pages(text, dpi=dpi, max_pages=page_index + 1, **options)
        image, known = pages[min(page_index, len(pages) - 1)]
        if condition.startswith("red-stamp"):
            image = stamp(image, centre=(0.35 + 0.3 * (number % 2), 0.25 + 0.1 * (number % 3)))
        images.append(image)
        texts.append(known)
    return images, texts, dpi


def run(condition: str, count: int, settings: Settings, folder: Path) -> dict:
    images, texts, dpi = scanned_pages(condition, count)
    pdf = image_pdf(images, folder / f"{condition}.pdf", dpi=dpi).read_bytes()
    edits = characters = 0.0
    worst, confidences, doubtful = 0.0, [], 0
    started = time.perf_counter()
    for index, known in enumerate(texts):
        page = recognise(render_page(pdf, index, settings.ocr_dpi), settings, page=index + 1)
        rate = cer(known, page.text)
        length = len(_squash(known))
        edits += rate * length
        characters += length
        worst = max(worst, rate)
        confidences.append(page.confidence)
        doubtful += bool(page.doubt(settings))
    seconds = time.perf_counter() - started
    return {"condition": condition, "pages": count, "scan_dpi": dpi, "seconds": round(seconds, 1),
            "pages_per_s": round(count / seconds, 3), "cer": round(edits / characters, 4), "worst_page_cer":
            round(worst, 4), "mean_confidence": round(float(np.mean(confidences)), 1), "pages_warned": doubtful,
            "target": TARGETS[condition]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=4, help="pages per condition (default 4)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(home=Path(folder) / "home")
        missing = missing_ocr(settings)
        if missing:
            print(f"OCR unavailable: {missing}", file=sys.stderr)
            return 2
        results = [run(condition, args.pages, settings, Path(folder)) for condition in TARGETS]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(f"Tesseract ({settings.ocr_language}), read at {settings.ocr_dpi} dpi, {settings.ocr_threads} thread(s)")
    print(f"{'condition':<20} {'pages':>5} {'pages/s':>8} {'CER':>7} {'worst':>7} {'conf':>6} {'warned':>6}  target")
    for row in results:
        target = f"<= {row['target']:.0%}" if row["target"] is not None else "-"
        verdict = "" if row["target"] is None else (" ok" if row["cer"] <= row["target"] else " MISSED")
        print(f"{row['condition']:<20} {row['pages']:>5} {row['pages_per_s']:>8.3f} {row['cer']:>7.2%} "
              f"{row['worst_page_cer']:>7.2%} {row['mean_confidence']:>6.1f} {row['pages_warned']:>6}  {target}{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
