"""The opening: "Thực hiện ..." for the directive being implemented and "Căn cứ ..." for laws and decrees, each cited
once in full form, only bases in force for the plan's period. Without sources, legal bases come from the library's
own documents and the references its passages cite (the province's own plans and national documents)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.drafting.cleaning import trim, words
from assistant.superseded import Successor, successor_by
from core.vietnamese import (
    DOC_TYPE_BY_SLUG,
    DOC_TYPE_NAMES,
    LAW_NAME,
    YEAR_RE,
    doc_kind_pattern,
    doc_numbers,
    find_doc_numbers,
    find_provinces,
    number_key,
    number_keys,
    same_place,
    short_date,
)

# Document types that can stand as a legal basis of a plan.
_BASIS_TYPES = {"ke-hoach", "chi-thi", "nghi-quyet", "nghi-dinh", "quyet-dinh", "huong-dan", "ket-luan", "thong-tu",
                "luat"}
_KINDS = doc_kind_pattern(DOC_TYPE_BY_SLUG[slug].name for slug in _BASIS_TYPES)
_ANY_KIND = doc_kind_pattern()  # a reference's title ends where any document is named next ("…, Công văn số …")
_REF_RE = re.compile(rf"(?P<kind>{_KINDS})\s+(?:s[oố]\s+)?(?P<num>\d{{1,5}}(?:/\d{{4}})?[/-][A-ZĐ][\wĐđ/-]*)"
                     rf"(?P<rest>(?:(?!(?:{_ANY_KIND})\s+s[oố]\s)[^;\n])*)")  # up to the next reference
_LAW_RE = re.compile(rf"Luật\s+(?P<name>{LAW_NAME})\s+"
                     r"(?P<tail>số\s+\d+/\d{4}/QH\d+|ngày\s+\d{1,2}/\d{1,2}/\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_REST_END = re.compile(rf"\.\s|\.$|\s*\(|:|,\s*(?:{_KINDS})\s|\s+và\s+(?:{_KINDS})\s|\s+(?:{_ANY_KIND})\s+s[oố]\s")
# "Hiến pháp … đã được sửa đổi, bổ sung theo Nghị quyết số 51/2001/QH10": a law's basis, never a plan's.
_AMENDS_CONSTITUTION = re.compile(r"(?i)Hiến pháp\b.*\b(?:theo|bởi|tại)\s*$")
_DANGLING = re.compile(r"\s+(?:của|tại|theo|về)$")  # a title cut where it names another document
LOCAL_CODE = re.compile(r"UBND|HĐND|TU\b|BCĐ|UBBC|MTTQ")
_NATIONAL_ISSUERS = re.compile(r"Chính phủ|Thủ tướng|Quốc hội|Bộ Chính trị|Trung ương|Bộ Nội vụ")
# "Căn cứ" for legal norms (laws, decrees, circulars, Government or National Assembly resolutions); "Thực hiện" for
# directives, plans, decisions and guidance.
_NORM = re.compile(r"^(?:Luật|Bộ luật|Nghị định|Thông tư|Pháp lệnh)\b|^Nghị quyết\s+(?:số\s+)?\S*(?:QH\d*|NQ-CP|NQ-HĐND)\b")


# A title's first word after its issuer, capitalised as the source's heading wrote it ("… của Bộ trưởng Bộ Nội vụ Quy
# định biện pháp …"): running text writes it small. After "ban hành", "theo", "tại", "và" the same word names a
# document ("ban hành Quy định về …") and keeps its capital.
_TITLE_VERB_AFTER_ISSUER = re.compile(r"(?<!\bhành )(?<!\btheo )(?<!\btại )(?<!\bvà )(?<!\bvề )(?<!\bhiện )"
                                      r"\b(Quy định|Hướng dẫn|Thực hiện|Về|Triển khai|Phát động|Sửa đổi|Phê duyệt|"
                                      r"Ban hành)\b(?!\s+số\b)")


def running_title(line: str) -> str:
    """A basis line as running text: the words of its title after "của <issuer>" start small."""
    head, of, rest = line.partition(" của ")
    return head + of + _TITLE_VERB_AFTER_ISSUER.sub(lambda m: m.group(0).lower(), rest) if of else line


def basis_verb(line: str) -> str:
    return "Căn cứ" if _NORM.search(line) else "Thực hiện"


def tier(kind: str, number: str) -> int:
    """Order of legal bases: laws, Party centre, Government, ministries, then local Party/HĐND/UBND."""
    if kind == "Luật":
        return 0
    if re.search(r"TW$", number):
        return 1
    if re.search(r"CP$|TTg$|QH\d*$", number):
        return 2
    return 4 if LOCAL_CODE.search(number) else 3


@dataclass
class Basis:
    key: str
    line: str
    tier: int
    score: float
    source: dict = field(default_factory=dict)
    pref: tuple = ()  # which rendering wins: library metadata, then the province's own wording, then the fuller one
    docs: set = field(default_factory=set)
    own: bool = False  # cited by (or issued in) the target province: wins ties
    year: int | None = None

    def merge(self, other: Basis) -> None:
        """The same document cited again: cited by more documents scores higher; the preferred rendering is kept."""
        new_doc = not other.docs <= self.docs
        self.score = max(self.score, other.score) + new_doc
        self.docs |= other.docs
        self.own |= other.own
        if other.pref > self.pref:
            self.line, self.source, self.pref = other.line, other.source, other.pref


def chunk_source(hit_or_chunk) -> dict:
    chunk = getattr(hit_or_chunk, "chunk", hit_or_chunk)
    return {"source": chunk.source, "title": chunk.metadata.title, "doc_number": chunk.metadata.doc_number,
            "section": chunk.section}


def record_line(record) -> str:
    """"Kế hoạch số 0125/KH-UBND ngày 18/11/2025 của UBND tỉnh Đắk Lắk về ..." from a library record's metadata."""
    meta = record.metadata
    title = meta.title or record.source
    kind = DOC_TYPE_BY_SLUG[meta.doc_type].name if meta.doc_type in DOC_TYPE_BY_SLUG else ""
    if not kind or kind not in title:  # the curator's type may be off ("tin-bai"): the title's first words say
        kind = next((name for name in DOC_TYPE_NAMES if title.startswith(name)), "")
    # the type, then the number when the title gives it there ("Kế hoạch 0125/KH-UBND phát động …"; a title read
    # from the text has it at the end: "Kế hoạch phát động … (0125/KH-UBND)")
    own_number = rf"(?:(?:số\s+)?{re.escape(meta.doc_number)}\s*)?" if meta.doc_number else ""
    rest = re.sub(rf"^(?:{re.escape(kind)}\s+)?{own_number}" if kind else rf"^{own_number}", "", title)
    rest = re.sub(r"\s*\([^)]*\)", "", rest).strip(" –-.;:,")  # the line goes on after it ("…; Thực hiện …")
    if rest and not re.match(r"(?i)(về|ban hành|quy định|hướng dẫn)\b", rest):
        rest = f"về {rest[:1].lower()}{rest[1:]}"
    date = short_date(meta.date)
    if kind == "Luật" and title.startswith("Luật "):  # cited by name: "Luật Thi đua, khen thưởng số … ngày …"
        name = re.split(r"\s+(?:số\s|\d)|\s*\(", title, maxsplit=1)[0].strip(" ,;")
        return " ".join(filter(None, [name, f"số {meta.doc_number}" if meta.doc_number else "",
                                      f"ngày {date}" if date else ""]))
    kind = kind or "văn bản"  # a document of no known type (a staff assignment, a notice) is still named as one
    head = f"{kind} số {meta.doc_number}" if meta.doc_number else kind
    issuer = display_name(meta.issuer)
    return " ".join(filter(None, [head, f"ngày {date}" if date else "", f"của {issuer}" if issuer else "", rest]))


def display_name(name: str) -> str:
    """An issuing body's name as running text: "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" -> "Ủy ban nhân dân thành phố Cần
    Thơ", "SỞ NỘI VỤ" -> "Sở Nội vụ" (names in capitals come from header blocks)."""
    if not name or not name.isupper():
        return name or ""
    text = name.lower()
    text = re.sub(r"\b(tỉnh|thành phố|quận|huyện|thị xã|xã|phường)\s+([^,;(]+)",
                  lambda m: f"{m.group(1)} {m.group(2).title()}", text)
    text = re.sub(r"^(sở|bộ|ban)\s+(\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", text)
    return text[:1].upper() + text[1:]


RELEVANT_SCORE = 2  # cited_bases' score of a reference about thi đua or the theme, outside the target province
# A basis line longer than this is a citing sentence that goes on after the title ("… năm 2023 và mục đích, ý nghĩa
# của công tác thi đua … đến toàn thể cán bộ …"): its title is cut at the first "và" past its opening characters (the
# date and issuer: "ngày 12/01/2023 của Chủ tịch UBND tỉnh về …") that joins no name ("Sở Dân tộc và Tôn giáo");
# commas stand inside titles ("chức năng, nhiệm vụ").
_LONGEST_BASIS = 260
_TITLE_START = 60
# A reference about thi đua work in general (the law, the Party's directives on it, patriotic emulation) concerns any
# campaign; one about a particular campaign ("Đợt thi đua lập thành tích chào mừng Đại hội …") only the same theme.
_ABOUT_THI_DUA = re.compile(r"(?i)thi đua,? khen thưởng|công tác thi đua|thi đua yêu nước")
_UNNAMED_LOCAL_BODY = re.compile(r"(Tỉnh ủy|Thành ủy|(?:HĐND|UBND|Ủy ban nhân dân) (?:tỉnh|thành phố))"
                                 r"(?=\s+(?i:về|quy định|ban hành|hướng dẫn)\b|$)")


def theme_words(request) -> set[str]:
    """What the plan is about: its theme's and focus's words without the period ("giai đoạn 2021 - 2025"), which
    every document of the same years shares whatever it is about."""
    text = " ".join([request.theme, *request.focus])
    return words(YEAR_RE.sub(" ", re.sub(r"(?i)\bgiai đoạn\b", " ", text)))


def theme_share(text: str, about: set[str]) -> int:
    """How many of the theme's words (`theme_words`) `text` shares, 0 under two: one shared word is chance."""
    shared = len(words(text) & about)
    return shared if shared >= 2 else 0


def cited_bases(text: str, province: str, own_province: bool, about: set[str]) -> list[Basis]:
    """References a passage cites, rendered as "Chỉ thị số … ngày … của … về …", scored by how often and by whom
    they are cited and whether they concern thi đua or the theme; other provinces' local documents are dropped."""
    out, base = [], 2 if own_province else 1
    for match in _LAW_RE.finditer(text):
        name = f"Luật {match.group('name')}"
        about_thi_dua = "thi đua" in name.casefold()
        name_words = words(name) - {"luật"}
        about_theme = bool(name_words) and len(name_words & about) >= min(2, len(name_words))
        if about_thi_dua or about_theme:  # "Luật Ban hành văn bản …" shares "văn" with "… văn hiến": not enough
            year = re.search(r"\d{4}", match.group("tail"))
            out.append(Basis(name.casefold(), f"{name} {match.group('tail')}", 0,
                             base + 2 * about_thi_dua + about_theme, year=int(year.group(0)) if year else None))
    for match in _REF_RE.finditer(text):
        number, kind = match.group("num").rstrip("-/"), match.group("kind")
        if kind == "Luật" or (LOCAL_CODE.search(number) and not own_province) or _AMENDS_CONSTITUTION.search(
                text[max(0, match.start() - 200):match.start()].rsplit(";", 1)[-1].rsplit("\n", 1)[-1]):
            continue
        whole = match.group("rest")
        rest = _REST_END.split(whole, maxsplit=1)[0]
        following = _REF_RE.match(text, match.end()) if rest == whole else None
        rest = re.sub(r"(?:^|\s+)(?:và|cùng)$", "", rest.strip(" ,"))
        if _DANGLING.search(rest):  # "… sửa đổi, bổ sung một số điều của" + the document it amends
            rest = f"{rest} {following.group('kind')} số {following.group('num')}" if following \
                else _DANGLING.sub("", rest)
        if rest.count(")") > rest.count("("):  # cited inside a bracket: "(được điều chỉnh bởi Quyết định số …)"
            rest = rest.rstrip(" )")
        if _UNNAMED_LOCAL_BODY.search(rest):  # "… của UBND tỉnh về …": the province whose document cites it
            if not own_province:
                continue
            rest = _UNNAMED_LOCAL_BODY.sub(rf"\1 {province}", rest)
        line = f"{kind} số {number} {rest}".strip()
        if len(line) > _LONGEST_BASIS:  # a title does not run this long: the citing sentence went on after it
            tail = rest[_TITLE_START:]
            joint = next((m for m in re.finditer(r"\s+và\s+(\w)", tail) if m.group(1).islower()), None)
            head = rest[:_TITLE_START] + (tail[:joint.start()] if joint else tail)
            line = trim(f"{kind} số {number} {head}".strip(), _LONGEST_BASIS)
        if any(not same_place(p, province) for p in find_provinces(line)) or not find_doc_numbers(line):
            continue
        score = base + bool(_ABOUT_THI_DUA.search(rest)) + bool(theme_share(rest, about))
        year = YEAR_RE.search(re.sub(r"^\S+\s+số\s+\S+", "", line)) or re.search(r"/(\d{4})/", number)
        out.append(Basis(number_key(number), line, tier(kind, number), score,
                         year=int(year.group(1) if year.lastindex else year.group(0)) if year else None))
    return out


def plan_years(request) -> tuple[int | None, int | None]:
    """The first and last year the plan's period names ("giai đoạn 2026 - 2030" -> 2026, 2030)."""
    years = [int(y) for y in YEAR_RE.findall(request.period)]
    return (min(years), max(years)) if years else (None, None)


def in_force(bases: list[Basis], request, library_laws: dict[str, tuple[str, int]],
             replaced: dict[str, Successor]) -> tuple[list[Basis], list[str]]:
    """Bases dated after the plan's period are dropped; a basis replaced before the period starts gives way to its
    successor (one replaced during the period is flagged); a law cited without its number gets it when the library or
    the table knows it, and is flagged when not; a law the library holds in a newer version is flagged."""
    first, last = plan_years(request)
    kept, warnings = [], []
    for basis in bases:
        if last and basis.year and basis.year > last:
            warnings.append(f"Phần mở đầu: bỏ căn cứ «{trim(basis.line, 90)}» (ban hành sau thời gian của kế hoạch).")
            continue
        if successor := successor_by(basis.line, replaced, first):
            warnings.append(f"Phần mở đầu: «{trim(basis.line, 90)}» đã được thay thế bởi «{trim(successor.line, 90)}» "
                            f"(hiệu lực từ {successor.since}) — bản thảo căn cứ văn bản mới, cần kiểm tra.")
            if any(number_key(doc_numbers(successor.line)[0]) in number_keys(other.line)
                   for other in [*bases, *kept] if other is not basis):
                continue  # the successor is cited already
            basis.line, basis.year = successor.line, successor.year
        elif successor := successor_by(basis.line, replaced, last):
            warnings.append(f"Phần mở đầu: «{trim(basis.line, 90)}» được thay thế bởi «{trim(successor.line, 90)}» "
                            f"từ {successor.since}, trong thời gian của kế hoạch — cần kiểm tra hiệu lực.")
        if basis.tier == 0 and not doc_numbers(basis.line):
            if number := _law_number(basis, library_laws, replaced):
                basis.line = re.sub(r"\s+ngày\b", f" số {number} ngày", basis.line, count=1)
            else:
                warnings.append(f"Phần mở đầu: «{trim(basis.line, 90)}» chưa có số hiệu văn bản — cần bổ sung.")
        newer = library_laws.get(basis.key)
        if basis.tier == 0 and newer and basis.year and newer[1] > basis.year:
            warnings.append(f"Phần mở đầu: «{trim(basis.line, 90)}» đã có văn bản mới hơn trong thư viện "
                            f"({newer[0]}) — cần kiểm tra hiệu lực.")
        kept.append(basis)
    return kept, warnings


def _law_number(basis: Basis, library_laws: dict[str, tuple[str, int]], replaced: dict[str, Successor]) -> str:
    """The number of a law cited by name and date alone, when the library or the table of replaced documents knows
    the law of that name passed that year ("Luật Thi đua, khen thưởng ngày 15/6/2022" -> "06/2022/QH15")."""
    known = [library_laws.get(basis.key, ("", 0))[0]]
    known += [doc_numbers(s.line)[0] for s in replaced.values() if s.line.casefold().startswith(f"{basis.key} ")]
    return next((number for number in known if basis.year and f"/{basis.year}/" in number), "")


def library_laws(library) -> dict[str, tuple[str, int]]:
    """The newest version of each law the library holds: {"luật thi đua, khen thưởng": ("06/2022/QH15", 2022)}."""
    out: dict[str, tuple[str, int]] = {}
    for record in library.documents():
        meta = record.metadata
        if meta.doc_type != "luat" or not meta.title:
            continue
        name = re.sub(r"\s+(?:số\s+)?\d.*$", "", re.sub(r"\s*\([^)]*\)", "", meta.title)).strip().casefold()
        year = int(meta.date[:4]) if meta.date[:4].isdigit() else 0
        if name and year >= out.get(name, ("", 0))[1]:
            out[name] = (meta.doc_number, year)
    return out


def library_bases(library, request, settings, chunks) -> list[Basis]:
    """Bases from the library's own documents (metadata) and the references `chunks` cite."""
    about = theme_words(request)
    found: dict[str, Basis] = {}
    for record in library.documents():
        meta = record.metadata
        kind = DOC_TYPE_BY_SLUG[meta.doc_type].name if meta.doc_type in _BASIS_TYPES else ""
        own = same_place(meta.province or "-", request.province)
        national = not meta.province and _NATIONAL_ISSUERS.search(meta.issuer or "")
        overlap = len(about & words(meta.title))
        if not (kind and meta.doc_number and (own or national) and overlap >= 3):
            continue
        source = {"source": record.source, "title": meta.title, "doc_number": meta.doc_number, "section": ""}
        year = int(meta.date[:4]) if (meta.date or "")[:4].isdigit() else None
        found[number_key(meta.doc_number)] = Basis(number_key(meta.doc_number), record_line(record),
                                                   tier(kind, meta.doc_number), 10 + overlap, source, (1,),
                                                   {record.source}, own, year)
    for chunk in chunks:
        own = same_place(chunk.metadata.province or "-", request.province)
        for basis in cited_bases(chunk.text, request.province, own, about):
            if basis.tier and basis.score < RELEVANT_SCORE + own:
                continue  # only references about thi đua or the theme (a law is cited only when it is)
            basis.source, basis.docs, basis.own = chunk_source(chunk), {chunk.source}, own
            basis.pref = (0, bool(doc_numbers(basis.line)), own, len(basis.line))  # a law with its number wins
            if basis.key in found:
                found[basis.key].merge(basis)
            else:
                found[basis.key] = basis
    chosen = sorted(found.values(), key=lambda b: (-b.score, not b.own))[:settings.draft_max_bases]
    chosen.sort(key=lambda b: (b.tier, -b.score))
    return chosen


def opening_lines(bases: list[Basis], implemented: list[str]) -> list[str]:
    """Căn cứ lines first (norms), then "Thực hiện" lines, the documents being implemented last; one per line ending
    ";"."""
    norms = [running_title(b.line) for b in bases if basis_verb(b.line) == "Căn cứ"]
    others = [running_title(b.line) for b in bases if basis_verb(b.line) != "Căn cứ"]
    return [f"Căn cứ {line};" for line in norms] + [f"Thực hiện {line};" for line in others] + \
        [f"{running_title(line)};" for line in implemented]
