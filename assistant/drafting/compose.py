"""Composition: the task sheet's items carried into the draft, per document type (Kế hoạch sections II/III, the body
of a công văn), adapted one level down, each item once, lists kept with their lead-in line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.drafting.cleaning import strip_bullet
from assistant.drafting.levels import ONE_BODY, UBND, Adapter, below
from assistant.drafting.models import SheetItem, TaskSheet
from core.vietnamese import find_dates, key_facts, syllables


@dataclass
class Piece:
    """One paragraph of the draft made from sheet items; `adapted` when level adaptation changed its wording."""

    text: str
    items: list[SheetItem] = field(default_factory=list)
    adapted: bool = False


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1:2].islower() else text


def _end(text: str, mark: str = ";") -> str:
    text = text.rstrip()
    return text if re.search(r"[.;:!?]$", text) else text + mark


def _own_labels(item: SheetItem) -> list[str]:
    """Heading labels above an item, without the item's own heading line."""
    labels = [strip_bullet(p).rstrip(" :") for p in item.section.split(" > ")[1:]]
    return [label for label in labels if not item.text.startswith(label.rstrip("…").strip())
            and not label.endswith("…") and ":" not in label]


def pieces(items: list[SheetItem], adapter: Adapter, *, labels: bool = False, agency: bool = False,
           title: str = "") -> list[Piece]:
    """Items as paragraphs: a list under a lead-in line becomes one paragraph "lead: a; b; c."; with `labels`, the
    sub-heading a run of items sits under is written before it ("Đối với cá nhân:"), unless it only repeats the part's
    `title` ("Nội dung:" under "Nội dung thi đua"); with `agency`, duties start with their agency."""
    out: list[Piece] = []
    last_labels: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if labels:
            own = _own_labels(item)
            new = [label for n, label in enumerate(own) if n >= len(last_labels) or last_labels[n] != label]
            label = new[-1] if new else ""
            said_already = label == item.agency or set(syllables(label)) <= set(syllables(title))
            if label and not said_already and not label.endswith("."):  # a sentence is no label
                out.append(_lead_in(label, adapter))
            last_labels = own
        short = _short_run(items, i)
        if item.lead or len(short) > 1:
            group = [item]
            while i + 1 < len(items) and items[i + 1].lead == item.lead and items[i + 1].agency == item.agency \
                    and (item.lead or len(group) < len(short)):
                i += 1
                group.append(items[i])
            lead = item.lead or (_own_labels(item) or [""])[-1] or KIND_TITLES.get(item.kind, "")
            if agency and item.lead:  # "Ông A - Chuyên viên: tham mưu … các nhiệm vụ sau: …"
                lead = _with_agency(lead, item.agency)
            if labels and not item.lead and out and out[-1].text == _lead_in(lead, adapter).text:
                out.pop()  # the label now leads the paragraph itself
            body = "; ".join(g.text.rstrip(" .;,") for g in group)
            if len(lead) + len(body) > _PARAGRAPH_CHARS:  # a long list: its lead-in once, then one line per item
                out.append(_lead_in(lead, adapter))
                for member in group:
                    adapted, changed = adapter.adapt(_end(member.text))
                    _append(out, Piece(f"- {adapted}", [member], changed))
                i += 1
                continue
            text = f"{lead.rstrip(' :')}: {body}."
            members = group
        else:
            text = _with_agency(_end(item.text), item.agency) if agency else _end(item.text)
            members = [item]
        adapted, changed = adapter.adapt(text)
        _append(out, Piece(f"- {adapted}", members, changed))
        i += 1
    return out


def _with_agency(text: str, agency: str) -> str:
    """A duty led by the agency (or person) it belongs to, unless it already names them first."""
    if not agency or re.match(rf"(?i)(?:đề nghị\s+|giao\s+)?{re.escape(agency)}", text):
        return text
    return f"{agency}: {_lower_first(text)}"


_SAME_POINT = 0.9  # share of syllables two neighbouring paragraphs share (of all either has) to say the same thing


def _append(out: list[Piece], piece: Piece) -> None:
    """Add a paragraph, unless it says what the one before it says, figures and all ("… phù hợp với tình hình thực
    tế" then "… thực tiễn của địa phương" from two parts of the source): its items join that paragraph's."""
    if out and out[-1].items and key_facts(out[-1].text) == key_facts(piece.text):
        before, now = set(syllables(out[-1].text)), set(syllables(piece.text))
        if now and len(before & now) >= _SAME_POINT * len(before | now):
            out[-1].items.extend(piece.items)
            return
    out.append(piece)


def _lead_in(text: str, adapter: Adapter) -> Piece:
    """A heading or lead-in line over items, adapted like them ("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành
    phố …" in a ward's plan names the ward's)."""
    return Piece(_end(adapter.adapt(text.rstrip(" :"))[0], ":"))


_PARAGRAPH_CHARS = 700  # a lead-in and its list in one paragraph up to this length
KIND_TITLES = {"reward": "Hình thức khen thưởng", "content": "Nội dung", "subject": "Đối tượng"}


def _short_run(items: list[SheetItem], start: int, limit: int = 70) -> list[SheetItem]:
    """A list of names (award forms, participants): consecutive short items under one heading, no lead-in."""
    run = []
    for item in items[start:]:
        if item.lead or len(item.text) > limit or (run and item.section != run[0].section):
            break
        run.append(item)
    return run


def earlier(deadline: str, days: int) -> str:
    """A reporting deadline `days` before the superior's: "31/3/2026" or "31 tháng 3 năm 2026" -> "26/3/2026",
    "15 tháng 12 hàng năm" -> "10 tháng 12 hằng năm"; "" when the deadline cannot be read."""
    found = find_dates(f"ngày {deadline}")  # "31 tháng 12 năm 2025" is a full date only after "ngày"
    if found:
        d, m, y = found[0][1]
        new = date(y, m, d) - timedelta(days=days)
        return f"{new.day}/{new.month}/{new.year}"
    match = re.match(r"(\d{1,2})(?:/|\s+tháng\s+)(\d{1,2})(\s+(?:hằng|hàng) năm)?", deadline)
    if match:
        new = date(2001, int(match.group(2)), int(match.group(1))) - timedelta(days=days)
        return f"{new.day} tháng {new.month}{' hằng năm' if match.group(3) else ''}"
    return ""


def superior(sheet: TaskSheet, target_level: str, issuer: str) -> bool:
    """The sources come from a body above the issuer (not the issuer continuing its own plan)."""
    for doc in sheet.sources:
        if doc.role != "directive":
            continue
        if not same_body(doc.issuer, issuer) and not below(doc.level, target_level):
            return True
    return False


_OWN_KIND = {"xa": r"(?:xã|phường|thị trấn|đặc khu|cấp xã)", "huyen": r"(?:quận|huyện|thị xã|cấp huyện)"}
# The superior's departments as a group, with no local body among them ("Các Sở, ngành, đơn vị liên quan", "Các
# phòng, ban, ngành quận", "Các bộ, ngành"; not "Các sở, ban, ngành, Ủy ban nhân dân các xã, phường"): a Sở is one
# of the province's, a district or a commune is not.
_DEPARTMENTS = re.compile(rf"(?i)^(?:đề nghị\s+)?(?:(?:thủ trưởng|giám đốc|trưởng)\s+)?các\s+(?:sở|phòng|bộ)\b"
                          rf"(?!.*(?:{UBND}|\b(?:các|,)\s*(?:xã|phường|thị trấn|quận|huyện|thị xã)\b|địa phương|"
                          rf"cơ sở|cấp xã|cấp huyện))")


def own_share(sheet: TaskSheet, issuer: str, level: str,
              kind: str = "duty") -> tuple[list[SheetItem], list[SheetItem]]:
    """(own, shared): the sheet's duties a Sở's, a district's or a commune's plan can assign when its sources are
    above it: the province's or the district's plan, or, for a district or a commune, the Government's documents (a
    ministry's document speaks to "Sở Y tế các tỉnh", which the role adapter, not this, makes a Sở's own; any other
    plan assigns all of them, as shared). Its own are those to the issuer by name or to its kind ("Ủy ban nhân dân
    xã, phường"; in a Government document, "Ủy ban nhân dân các tỉnh", the local government), in the item or in the
    heading it sits under; shared, those to no one body ("Các cơ quan, đơn vị") and the commune's Mặt trận. Another
    body's ("Sở Y tế", "Bộ Công Thương", "Ngân hàng Nhà nước") are not the issuer's to assign: left out, and the
    coverage table lists them. Those to the superior's departments as a group are a Sở's own and not a district's
    or a commune's. The same reading sorts the sheet's report lines (`kind` "report"), except that a report the
    Government asks of the provinces ("gửi Bộ … để tổng hợp, báo cáo Thủ tướng") is the province's channel: a district
    or a commune reports to the level above it, so there it is left out."""
    items = sheet.of(kind)
    above = {doc.level for doc in sheet.sources if doc.role == "directive"}
    reaches = ("tinh", "huyen", "trung-uong") if level in ("huyen", "xa") else ("tinh", "huyen")
    if level not in ("so", "huyen", "xa") or not above or not all(
            source in reaches and below(level, source) for source in above):
        return [], items
    kinds = [_OWN_KIND[level]] if level in _OWN_KIND else []
    own_kind = _local_government(kinds) if kinds else None
    # the Government speaks to the provinces' local government
    provinces = _local_government([r"(?:tỉnh|cấp tỉnh)"]) if "trung-uong" in above else None
    own, shared = [], []
    for item in items:  # an item not naming one body belongs to the body its heading names, if any
        heading = next((label for label in reversed(_own_labels(item)) if ONE_BODY.match(label)), "")
        agency = item.agency if ONE_BODY.match(item.agency) or not heading else heading
        departments = bool(_DEPARTMENTS.match(agency))
        to_provinces = bool(provinces and provinces.match(agency))
        if own_kind and own_kind.match(agency) or to_provinces and kind != "report" \
                or level == "so" and (departments or same_body(agency, issuer)):
            own.append(item)
        elif not (departments or to_provinces or ONE_BODY.match(agency)) \
                or kinds and re.search(r"(?i)mặt trận", agency):
            shared.append(item)
    return own, shared


def _local_government(kinds: list[str]) -> re.Pattern:
    """An agency that is the local government of one of `kinds` ("Ủy ban nhân dân các xã, phường", "Chủ tịch Ủy ban
    nhân dân cấp tỉnh") or of every level ("Ủy ban nhân dân các cấp")."""
    return re.compile(rf"(?i)^(?:đề nghị\s+)?(?:chủ tịch\s+)?{UBND}\s+(?:(?:các\s+|\d+\s+)?(?:{'|'.join(kinds)})|"
                      rf"các cấp)\b")


def same_body(a: str, b: str) -> bool:
    """Whether two names are one body or one holds the other ("UBND tỉnh X" / "Ủy ban nhân dân tỉnh X"; "Phòng …
    – Sở Nội vụ tỉnh X" / "Sở Nội vụ tỉnh X (Phòng … tham mưu)"): a remark in brackets is no part of the name."""
    norm = [re.sub(rf"(?i)^{UBND}\s+", "ubnd ", re.sub(r"\s+", " ", re.sub(r"\([^()]*\)", " ", x)).strip()).casefold()
            for x in (a, b)]
    return bool(norm[0]) and (norm[0] == norm[1] or norm[0] in norm[1] or norm[1] in norm[0])
