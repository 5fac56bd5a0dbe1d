"""Adaptation one level down: the issuer's level and the role table (`roles.toml`, data, user-extendable)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from core.errors import DataTableError
from core.vietnamese import AGENCY_NAME, CITY_PROVINCES, doc_kind_pattern, province_phrase, resolve_province

ROLES_FILE = Path(__file__).with_name("roles.toml")
LEVEL_RANK = {"trung-uong": 0, "tinh": 1, "so": 2, "khoi": 2, "huyen": 2, "xa": 3}
UBND = r"(?:Ủy ban nhân dân|Uỷ ban nhân dân|UBND)"
# The words that open one body's name ("Sở Y tế", "Ngân hàng Nhà nước …"), and those that open any other addressee
# of a duty ("Các cơ quan, đơn vị", "Thủ trưởng …", "Mặt trận …"). Each is a whole word and, in either case, not the
# start of a verb or a plain noun ("Báo cáo", "Ban hành", "Đoàn kết", "Hội nghị", "Đội ngũ", "Hội thi").
_ONE_BODY_WORDS = ("Sở", "Bộ", "Ban", "Phòng", "Ngân hàng", "Công an", "Cục", "Chi cục", "Kho bạc", "Bảo hiểm",
                   "Thanh tra", "Trung tâm", "Văn phòng", "Báo", "Đài", "Liên đoàn", "Tỉnh đoàn", "Thành đoàn", "Đội",
                   "Hội", "Ủy ban", "Uỷ ban", "UBND")
_OTHER_ADDRESSEE_WORDS = ("Cơ quan", "Mặt trận", "Đoàn", "Tổng cục", "Viện", "Thường trực", "Các", "Thủ trưởng",
                          "Chủ tịch", "Giám đốc", "Đảng ủy")
_NOT_A_BODY = r"(?-i:(?!\s+(?:cáo|hành|kết|nghị|ngũ|thi)\b))"


def _opening(words: tuple[str, ...]) -> str:
    return rf"(?:{'|'.join(words)})\b{_NOT_A_BODY}"


# Where a duty's addressee starts (case as written: "các" inside a sentence opens none).
AGENCY_HEAD = _opening(_ONE_BODY_WORDS + _OTHER_ADDRESSEE_WORDS)
# An agency naming one body, in any case; the province's emulation council speaks for everyone.
ONE_BODY = re.compile(rf"(?i)^(?:đề nghị\s+)?(?!hội đồng thi đua){_opening(_ONE_BODY_WORDS)}")
# A cited document with its issuer ("Quyết định số 2437/QĐ-TTg ngày 04/11/2025 của Thủ tướng Chính phủ"): kept.
_REFERENCE = re.compile(rf"(?:{doc_kind_pattern()})\s+(?:số\s+)?\d[\w/.-]*(?:\s+ngày\s+(?:\d{{1,2}}/\d{{1,2}}/\d{{4}}|"
                        rf"\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?(?:\s+của\s+[^;,.()]+?(?=\s+về\b|[;,.()]|$))?")


def issuer_level(issuer: str) -> str:
    """trung-uong | tinh | so | khoi | huyen | xa (or "" when the name says nothing) from an issuing body's name."""
    name = re.sub(r"\s+", " ", issuer or "").strip()
    if re.match(r"(?i)(chính phủ|thủ tướng|quốc hội|bộ |ban chấp hành trung ương|văn phòng chính phủ|"
                r"hội đồng thi đua - khen thưởng trung ương|ban thi đua - khen thưởng trung ương)", name):
        return "trung-uong"
    if re.match(r"(?i)(cụm|khối) thi đua", name):
        return "khoi"
    if re.match(r"(?i)sở\b", name):
        return "so"
    unit = re.match(rf"(?i){UBND}\s+(?:một\s+)?(tỉnh|thành phố|tp\.?|quận|huyện|thị xã|xã|phường|thị trấn|đặc khu)"
                    rf"\s*(.*)", name)
    if not unit:
        return ""
    kind, rest = unit.group(1).casefold(), unit.group(2)
    if kind == "tỉnh":
        return "tinh"
    if kind in ("thành phố", "tp", "tp."):
        return "tinh" if resolve_province(rest.split(",")[0]) in CITY_PROVINCES else "huyen"
    return "huyen" if kind in ("quận", "huyện", "thị xã") else "xa"


def unit_phrase(issuer: str, level: str) -> str:
    """How the issuer's own area or body is named in adapted lines: "phường Ninh Kiều", "quận", "Sở"."""
    if level in ("xa", "huyen"):
        match = re.match(rf"(?i){UBND}\s+(?:một\s+)?((?:quận|huyện|thị xã|thành phố|xã|phường|thị trấn|đặc khu)"
                         r"(?:\s+[^,(;]+)?)", issuer)
        return match.group(1).strip() if match else "xã"
    if level == "so":
        return "Sở"
    if level == "khoi":
        return re.split(r"[,(]", issuer)[0].strip()
    return ""


def without_province(name: str) -> str:
    """A body's name as it calls itself inside its province: "Sở Nội vụ tỉnh Nghệ An" -> "Sở Nội vụ"."""
    return re.split(r"\s+(?:tỉnh|thành phố)\s", name)[0]


def receiver(issuer: str, level: str) -> str:
    """Who collects the reports of the issuer's own units below province level: "Ủy ban nhân dân phường Ninh Kiều",
    "Sở Nội vụ" (a Sở's name without its province), the issuer itself otherwise."""
    if level in ("xa", "huyen") and re.match(rf"(?i){UBND}\b", issuer):
        return f"Ủy ban nhân dân {unit_phrase(issuer, level)}"
    return without_province(issuer) if level == "so" else issuer


@dataclass(frozen=True)
class Adapter:
    """Replaces the superior level's roles by the issuer's (rules of `roles.toml` for this pair of levels)."""

    rules: tuple[tuple[re.Pattern, str], ...]
    keep: tuple[re.Pattern, ...]

    def adapt(self, text: str) -> tuple[str, bool]:
        """(adapted text, whether anything changed); cited documents and reward names are never touched."""
        if not self.rules:
            return text, False
        kept: list[str] = []

        def hold(match: re.Match) -> str:
            kept.append(match.group(0))
            return f"\x00{len(kept) - 1}\x00"

        masked = _REFERENCE.sub(hold, text)
        for pattern in self.keep:
            masked = pattern.sub(hold, masked)
        for pattern, replacement in self.rules:
            masked = pattern.sub(lambda m, new=replacement: _styled(m.expand(new), m.group(0)), masked)
        out = masked
        while "\x00" in out:  # a kept span may hold another one
            out = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], out)
        return out, out != text


NO_ADAPTATION = Adapter((), ())  # the source's words as written


def _styled(new: str, old: str) -> str:
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


class RoleTables(NamedTuple):
    """The role tables of `roles.toml` and the user's own files."""
    rules: list[dict]  # wording rules from one level to a lower one
    keep: list[str]  # patterns kept as written
    awards: dict[str, str]  # award forms by level
    internal: dict[str, list[str]]  # a level's own units by level
    interior_unit: str  # the Sở Nội vụ's unit for thi đua work, when the province's documents name none


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> RoleTables:
    """The role tables of `paths`, the first file's award form of a level and interior unit winning; the internal
    units of all files together."""
    rules, keep, awards, internal, interior_unit = [], [], {}, {}, ""
    for path in paths:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise DataTableError(f"Không đọc được bảng vai trò {path}: {exc}",
                                 f"Cannot read the role table {path}: {exc}") from exc
        rules += data.get("rule", [])
        keep += data.get("keep", {}).get("patterns", [])
        awards = {**data.get("awards", {}), **awards}
        for level, units in data.get("internal", {}).items():
            internal[level] = internal.get(level, []) + list(units)
        interior_unit = interior_unit or data.get("noi_vu", {}).get("unit", "")
    return RoleTables(rules, keep, awards, internal, interior_unit)


def _tables(extra_files: tuple[Path, ...]) -> RoleTables:
    return _load(tuple(str(p) for p in extra_files if Path(p).is_file()) + (str(ROLES_FILE),))


def _values(province: str, issuer: str, level: str, source_province: str = "", source_issuer: str = "",
            source_level: str = "") -> dict[str, str]:
    return {"tinh": "tỉnh" if province not in CITY_PROVINCES else "thành phố",
            "src": _district_word(source_issuer) if source_level == "huyen"
            else "thành phố" if source_province in CITY_PROVINCES else "tỉnh",
            "unit": unit_phrase(issuer, level), "receiver": receiver(issuer, level), "name": AGENCY_NAME}


def _district_word(issuer: str) -> str:
    """How a district-level body calls its area: "quận", "huyện", "thị xã" or "thành phố" (a city of a province)."""
    match = re.match(rf"(?i){UBND}\s+(?:một\s+)?(quận|huyện|thị xã|thành phố)\b", issuer or "")
    return match.group(1).casefold() if match else "huyện"


def below(level: str, other: str) -> bool:
    """Whether `level` is lower than `other` (both known): a plan one level down or more."""
    return bool(level and other) and LEVEL_RANK[level] > LEVEL_RANK[other]


def make_adapter(source_level: str, target_level: str, *, province: str, source_province: str, issuer: str,
                 source_issuer: str = "", extra_files: tuple[Path, ...] = (), own: bool = False) -> Adapter:
    """The adapter from a source at `source_level` to an issuer at `target_level` (no rules unless one level down
    or more). Files in `extra_files` (the user's own table) come first, so their rules win. Rules marked `own` (the
    units' reports go to the issuer) apply only with `own`: to the issuer's share of the duties, which its units
    carry out, and not where the issuer itself stays the addressee ("Ủy ban nhân dân phường …: … gửi về Sở …")."""
    if not below(target_level, source_level):
        return NO_ADAPTATION
    tables = _tables(extra_files)
    rules, keep = tables.rules, tables.keep
    values = _values(province, issuer, target_level, source_province, source_issuer, source_level)
    compiled = []
    for rule in rules:
        if source_level in rule.get("from", []) and target_level in rule.get("to", []) \
                and (own or not rule.get("own", False)):
            for find, replace in rule.get("pairs", []):
                compiled.append((re.compile(_fill(find, values)), _fill(replace, values).replace("\\", "\\\\")))
    return Adapter(tuple(compiled), tuple(re.compile(p) for p in keep))


def internal_units(source_level: str, target_level: str, extra_files: tuple[Path, ...] = (),
                   itself: str = "") -> re.Pattern | None:
    """What names the source level's own units (the `internal` table of `roles.toml`: a ministry's "Vụ", "Tổng cục",
    "Văn phòng Bộ") or the source's body `itself`, at the start of a line or after its lead-in label ("Các cơ quan, đơn
    vị: Vụ Tài chính, …"). A duty given to them is the superior's own business: a lower level has no such unit to
    assign it to. None when the issuer is not below the source or nothing is named."""
    if not below(target_level, source_level):
        return None
    units = _tables(extra_files).internal.get(source_level, []) + ([f"(?i:{re.escape(itself)})"] if itself else [])
    return re.compile(rf"^(?:[^:\n]{{0,40}}:\s*)?(?:{'|'.join(units)})(?![\wÀ-ỹ])") if units else None


def award_forms(level: str, *, province: str, issuer: str, extra_files: tuple[Path, ...] = ()) -> str:
    """The award forms an issuer at `level` gives or proposes (the `awards` table of `roles.toml`): a plan whose
    sources name none still states who rewards, by law, instead of the model inventing it."""
    awards = _tables(extra_files).awards
    return _fill(awards.get(level) or awards["tinh"], _values(province, issuer, level))


def interior_unit(extra_files: tuple[Path, ...] = ()) -> str:
    """The Sở Nội vụ's unit for thi đua work (the `noi_vu` table of `roles.toml`), for a province whose documents in
    the library name none."""
    return _tables(extra_files).interior_unit


def _fill(template: str, values: dict) -> str:
    return re.sub(r"\{(tinh|src|unit|receiver|name)\}", lambda m: values[m.group(1)], template)


def place_of(province: str) -> str:
    return province_phrase(province)
