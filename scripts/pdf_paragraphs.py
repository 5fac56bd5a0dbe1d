"""How whole a PDF's paragraphs read back: each text file of a folder is printed to PDF by LibreOffice (one paragraph
per line of the text, left-aligned or in Nghị định 30's justified body layout), read by the loader, and compared with
the text it was printed from.

    .venv/bin/python scripts/pdf_paragraphs.py sample_library ../shared/validation_docs

Prints, per folder and layout, the share of the text's paragraphs (40 characters or more) that come back as one line,
and how many boundaries between two paragraphs were glued together. `index/text.FULL_LINE_SHARE` was chosen on the
sample library and checked on the validation documents this way.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.settings import get_settings  # noqa: E402
from index.loaders import load_file  # noqa: E402


def paragraphs(text: str) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", line).split()) for line in text.split("\n") if line.strip()]


def write_docx(lines: list[str], path: Path, *, justified: bool) -> None:
    """The text one paragraph a line; `justified`: A4, margins 20/20/30/15 mm, Times New Roman 14, justified with a
    1 cm first-line indent (Nghị định 30's body text), else the default style."""
    document = docx.Document()
    if justified:
        section = document.sections[0]
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
            Mm(20), Mm(20), Mm(30), Mm(15))
        style = document.styles["Normal"]
        style.font.name, style.font.size = "Times New Roman", Pt(14)
    for line in lines:
        paragraph = document.add_paragraph(line)
        if justified:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
            paragraph.paragraph_format.space_after = Pt(6)
    document.save(path)


def measure(folder: Path, *, justified: bool, work: Path) -> tuple[int, int, int, int]:
    """(paragraphs read back whole, paragraphs, boundaries glued, boundaries) over the folder's .txt files."""
    settings = get_settings()
    whole = total = glued = bounds = 0
    for source in sorted(folder.glob("*.txt")):
        lines = paragraphs(source.read_text(encoding="utf-8"))
        document = work / f"{source.stem}.docx"
        write_docx(lines, document, justified=justified)
        subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(work), str(document)],
                       check=True, capture_output=True, timeout=300)
        loaded = load_file(work / f"{source.stem}.pdf", settings)
        read = [" ".join(line.split()) for page in loaded.pages for line in page.text.split("\n")]
        text, read_lines = "\n".join(read), set(read)
        long = [line for line in lines if len(line) >= 40]
        whole += sum(line in read_lines for line in long)
        total += len(long)
        glued += sum(f"{a[-15:]} {b[:15]}" in text for a, b in zip(lines, lines[1:]))
        bounds += max(0, len(lines) - 1)
    return whole, total, glued, bounds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    print(f"{'folder':32} {'layout':12} {'whole':>14} {'glued':>12}")
    for folder in args.folders:
        for justified in (False, True):
            with tempfile.TemporaryDirectory() as work:
                whole, total, glued, bounds = measure(folder, justified=justified, work=Path(work))
            layout = "justified" if justified else "left"
            print(f"{folder.name[:32]:32} {layout:12} {whole:5}/{total:<5} {whole / max(total, 1):.3f} "
                  f"{glued:4}/{bounds:<5}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
