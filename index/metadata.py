"""Document metadata staff search and cite by: số ký hiệu, date, issuer, province, type, title.

Read from the text's header block (per Nghị định 30/2020 layout), overridden by a `SOURCES.tsv` sidecar row when the
folder has one (the sidecar is the curator's word; the text is a best guess).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path

from index.models import DocumentMetadata

# The 34 province-level units since 07/2025, then the former provinces still named in older documents.
PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An",
    "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng",
    "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Vĩnh Phúc", "Bắc Giang", "Hải Dương", "Thái Bình", "Hà Nam", "Nam Định",
    "Hòa Bình", "Quảng Bình", "Quảng Nam", "Kon Tum", "Bình Định", "Phú Yên", "Ninh Thuận", "Bình Thuận",
    "Đắk Nông", "Bình Phước", "Bình Dương", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
    "Sóc Trăng", "Hậu Giang", "Bạc Liêu", "Kiên Giang", "Thừa Thiên Huế",
]
CITY_PROVINCES = {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
# Names that are also ordinary words or people: only counted after an administrative prefix.
_NEEDS_PREFIX = {"Hồ Chí Minh", "Huế", "Hòa Bình", "Điện Biên", "Thái Bình"}
_PREFIX = r"(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?|Tp\.?)\s+"

# Old-style tone placement in open syllables ("Hoà", "Thanh Hoá", "Thuỵ") mapped to the style used in PROVINCES;
# a closed syllable ("hoạch", "khoán") keeps its tone on the main vowel in both styles and is left alone.
_TONE_STYLE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy",
               "uỹ": "ũy", "uỵ": "ụy"}
_OPEN_SYLLABLE_TONE = re.compile("(" + "|".join(_TONE_STYLE) + r")(?![a-zà-ỹđ])", re.IGNORECASE)
_SPELLING_VARIANTS = {"Đăk": "Đắk", "Lăk": "Lắk", "Đắc": "Đắk"}


def canonical_spelling(text: str) -> str:
    """NFC with one tone-placement style, so "Khánh Hoà" and "Khánh Hòa" compare equal."""
    text = _OPEN_SYLLABLE_TONE.sub(lambda match: _TONE_STYLE.get(match.group(1), match.group(1)),
                                   unicodedata.normalize("NFC", text))
    for old, new in _SPELLING_VARIANTS.items():
        text = text.replace(old, new)
    return text


def _province_pattern(name: str) -> re.Pattern:
    body = re.escape(name).replace(r"\ \-\ ", r"\s*[-–]\s*").replace(r"\ ", r"\s+")
    prefix = _PREFIX if name in _NEEDS_PREFIX else ""
    tail = r"(?!\s+Phủ)" if name == "Điện Biên" else ""
    return re.compile(rf"(?<![\wÀ-ỹ]){prefix}{body}(?![\wÀ-ỹ]){tail}")


_PATTERNS = sorted(((name, _province_pattern(name)) for name in PROVINCES), key=lambda item: -len(item[0]))


def find_provinces(text: str) -> list[str]:
    """Province names mentioned in `text`, most mentioned first ("Thừa Thiên Huế" is not also counted as "Huế")."""
    text = canonical_spelling(text)
    counts: Counter[str] = Counter()
    for name, pattern in _PATTERNS:
        hits = pattern.findall(text)
        if hits:
            counts[name] += len(hits)
            text = pattern.sub(" ", text)
    return [name for name, _ in counts.most_common()]


def province_key(name: str) -> str:
    return canonical_spelling(name).strip().casefold()


DOC_NUMBER = re.compile(r"\b\d{1,5}(?:/\d{4})?/[A-ZĐ]{1,6}(?:-[A-ZĐ]{1,8}){0,3}\b|\b\d{1,5}-[A-ZĐ]{1,4}/[A-ZĐ]{1,4}\b")
_NUMBER_LINE = re.compile(r"Số\s*:\s*(\S+)")
_DATE_LINE = re.compile(
    r"(?:^|\n)\s*([^\n,]{2,40}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE
)
_ANY_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4})")
_TYPE_WORDS = {
    "KẾ HOẠCH": "ke-hoach", "CHỈ THỊ": "chi-thi", "QUYẾT ĐỊNH": "quyet-dinh", "NGHỊ ĐỊNH": "nghi-dinh",
    "NGHỊ QUYẾT": "nghi-quyet", "THÔNG BÁO": "thong-bao", "HƯỚNG DẪN": "huong-dan", "THÔNG TƯ": "thong-tu",
    "CÔNG VĂN": "cong-van", "LUẬT": "luat", "BÁO CÁO": "bao-cao", "TỜ TRÌNH": "to-trinh", "QUY ĐỊNH": "quy-dinh",
}
_TYPE_CODES = {"KH": "ke-hoach", "CT": "chi-thi", "QĐ": "quyet-dinh", "NĐ": "nghi-dinh", "NQ": "nghi-quyet",
               "TB": "thong-bao", "HD": "huong-dan", "TT": "thong-tu", "BC": "bao-cao", "TTr": "to-trinh"}
_ISSUER_LINE = re.compile(
    r"^(ỦY BAN NHÂN DÂN[^\n]*?|UBND[^\n]*?|HỘI ĐỒNG NHÂN DÂN[^\n]*?|CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|BỘ [A-ZÀ-Ỹ ]+?|"
    r"VĂN PHÒNG CHÍNH PHỦ|SỞ [A-ZÀ-Ỹ ]+?|BAN [A-ZÀ-Ỹ ]+?)\s*(?:-{3,}|CỘNG HÒA|$)",
    re.MULTILINE,
)
SIDECAR_NAME = "SOURCES.tsv"


def read_sidecar(folder: Path) -> dict[str, dict]:
    """Rows of `folder/SOURCES.tsv` keyed by file name (empty when there is none or it cannot be read)."""
    path = Path(folder) / SIDECAR_NAME
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row.get("file")}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return {}


def _iso(day: str, month: str, year: str) -> str:
    day_i, month_i, year_i = int(day), int(month), int(year)
    if not (1 <= day_i <= 31 and 1 <= month_i <= 12 and 1900 <= year_i <= 2100):
        return ""
    return f"{year_i:04d}-{month_i:02d}-{day_i:02d}"


def _title_after_type_word(lines: list[str]) -> tuple[str, str]:
    """(doc_type, title) from the block "KẾ HOẠCH" + trích yếu line(s), as laid out by Nghị định 30/2020."""
    for index, line in enumerate(lines[:40]):
        word = line.strip().rstrip(":").upper() if line.strip().isupper() else ""
        if word in _TYPE_WORDS:
            body = next((candidate.strip() for candidate in lines[index + 1:index + 4] if candidate.strip()), "")
            if body.isupper():
                body = body.lower()
                for name in PROVINCES:
                    body = body.replace(name.lower(), name)
            title = f"{word.capitalize()} {body[:1].lower()}{body[1:]}"
            return _TYPE_WORDS[word], title.strip()
    return "", ""


def extract_metadata(text: str, source: str, sidecar: dict | None = None) -> DocumentMetadata:
    """Best-effort metadata from the header block; sidecar values win where given."""
    head = text[:4000]
    lines = [line for line in head.split("\n") if line.strip()]
    meta = DocumentMetadata()

    number = _NUMBER_LINE.search(head)
    if number and DOC_NUMBER.fullmatch(number.group(1).rstrip(".,;")):
        meta.doc_number = number.group(1).rstrip(".,;")
    date_line = _DATE_LINE.search(head)
    if date_line:
        meta.date = _iso(*date_line.group(2, 3, 4))
    elif (any_date := _ANY_DATE.search(head[:600])):
        parts = any_date.group(1, 2, 3) if any_date.group(1) else any_date.group(4, 5, 6)
        meta.date = _iso(*parts)

    issuer = _ISSUER_LINE.search(head[:800])
    if issuer:
        meta.issuer = re.sub(r"\s+", " ", issuer.group(1)).strip(" -")

    meta.doc_type, meta.title = _title_after_type_word(lines)
    if not meta.doc_type and meta.doc_number:
        code = meta.doc_number.split("/")[-1].split("-")[0]
        meta.doc_type = _TYPE_CODES.get(code, "cong-van" if "UBND" in meta.doc_number else "")
    if not meta.doc_type:
        meta.doc_type = "tin-bai" if not meta.doc_number else "van-ban"
    if not meta.title and lines:
        meta.title = next((line.strip() for line in lines[:8] if len(line.split()) >= 5), lines[0].strip())[:200]
    if meta.doc_number and meta.doc_number not in meta.title and meta.doc_type != "tin-bai":
        meta.title = f"{meta.title} ({meta.doc_number})" if meta.title else meta.doc_number

    places = find_provinces(" ".join(filter(None, [meta.issuer.title(), date_line.group(1) if date_line else ""])))
    mentioned = find_provinces(text[:20000])
    meta.province = (places or mentioned or [""])[0]

    if sidecar:
        meta.title = sidecar.get("title") or meta.title
        meta.issuer = sidecar.get("issuing_body") or meta.issuer
        meta.date = sidecar.get("date") or meta.date
        meta.province = sidecar.get("province", meta.province) if "province" in sidecar else meta.province
        meta.doc_type = sidecar.get("doc_type") or meta.doc_type
        meta.doc_number = sidecar.get("doc_number") or meta.doc_number or _number_in_title(meta.title)
    return meta


def _number_in_title(title: str) -> str:
    found = DOC_NUMBER.search(title)
    return found.group(0) if found else ""
