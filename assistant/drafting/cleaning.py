"""Cleaning model output and composed lines: bullets, Markdown, repeated words and phrases, cut-off tails."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core import vietnamese as vn

# A whole line the model put in quotation marks (often with its list mark inside): '"- Phát huy …".'
_WRAPPED = re.compile(r'^["“](?P<line>[^"“”]+)["”][.;,]?$')
_BULLET = re.compile(rf"^(?:\s*(?:[-*•+–]|\d{{1,2}}[.)]|{vn.POINT_MARK})\s*)+")
_REPEAT = re.compile(r"(?i)\b(\w+(?: \w+){0,3})(?:,? \1\b)+")  # "tổ chức, tổ chức, tổ chức" -> "tổ chức"
_STOP = frozenset(["thi", "đua", "phong", "trào", "kế", "hoạch", "của", "và", "các", "năm", "tỉnh", "thành", "phố", "về", "trên", "địa", "bàn", "ubnd", "ủy", "ban", "nhân", "dân", "phát", "động", "lần", "thứ", "đảng", "với", "cho", "trong", "theo", "thực", "hiện", "tổ", "chức", "triển", "khai", "khen", "thưởng", "công", "tác", "nhiệm", "vụ", "quy", "định", "cấp", "có", "một", "những"])


def words(text: str) -> set[str]:
    """Distinctive lower-case words (drafting's own stop list removed), to compare two lines by topic."""
    return {w for w in re.findall(r"[\wÀ-ỹ]+", text.casefold()) if len(w) > 1 and w not in _STOP}


def content_words(text: str) -> set[str]:
    return vn.content_words(text)


def restates(text: str, said: Iterable[set[str]], *, in_part: bool = False) -> bool:
    """Whether `text` has the content words of a line already said (`said`: their `content_words`), no fewer and no
    more: the same line again. The model's clause drawn from a longer line ("nâng cao nhận thức …" from duties that
    end "nhằm nâng cao nhận thức …") is a purpose of its own; but a source line copied in part (`in_part`: an example
    line cut short) says nothing new."""
    own = content_words(text)
    return bool(own) and any(own <= other if in_part else own == other for other in said)


def repeats_itself(text: str) -> bool:
    """A phrase of one to four words said three times in a row, or any 4-word phrase said three times: the small
    model's loop ("người sáng tạo, người sáng tạo, người sáng tạo")."""
    tokens = re.findall(r"[\wÀ-ỹ]+", text.casefold())
    for n in (1, 2, 3, 4):
        for i in range(len(tokens) - 3 * n + 1):
            if tokens[i:i + n] == tokens[i + n:i + 2 * n] == tokens[i + 2 * n:i + 3 * n]:
                return True
    grams = [" ".join(tokens[i:i + 4]) for i in range(len(tokens) - 3)]
    return any(grams.count(g) >= 3 for g in set(grams))


def drop_repeated_phrases(text: str, n: int = 3) -> str:
    """Remove a phrase of `n` or more words that repeats an earlier one ("Phát động phong trào thi đua tiếp tục phát
    động phong trào thi đua ..." -> "Phát động phong trào thi đua tiếp tục ...")."""
    tokens = text.split(" ")
    key = [re.sub(r"[^\wÀ-ỹ]", "", t.casefold()) for t in tokens]
    i = n
    while i <= len(tokens) - n:
        seen = {tuple(key[j:j + n]) for j in range(i - n + 1)}
        if tuple(key[i:i + n]) in seen and all(key[i:i + n]):
            end = i + n
            while end < len(tokens) and any(tuple(key[j:j + end - i + 1]) == tuple(key[i:end + 1])
                                            for j in range(i)):
                end += 1
            del tokens[i:end], key[i:end]
            continue
        i += 1
    return " ".join(tokens)


def clean_items(text: str) -> list[str]:
    """One item per line from model output: bullets, numbering, Markdown, headings, quotation marks around the whole
    line, repeats and cut-off tails dropped."""
    items: list[str] = []
    for raw in text.replace("\r", "").split("\n"):
        line = re.sub(r"[*#`_]+", "", raw).strip()
        if not line or line.startswith('"""') or re.match(r"^[IVX]+\.\s", line):
            continue
        if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", line) or vn.addresses_the_reader(line):
            continue  # the model sometimes drifts into Chinese, or into speaking to the reader
        line = _BULLET.sub("", line).strip()
        line = _BULLET.sub("", _WRAPPED.sub(r"\g<line>", line)).strip()  # the mark inside the quotes too
        line = _REPEAT.sub(r"\1", line)
        line = line[:1].upper() + line[1:]
        letters = sum(ch.isalpha() for ch in line)
        if (letters >= 12 and letters >= len(line) / 2 and not line.endswith(":") and line not in items
                and not repeats_itself(line)):
            items.append(line)
    if items and (items[-1].endswith("…") or len(items) > 1 and not re.search(r"[.;!?]$", items[-1])):
        items.pop()  # cut off by the output-token limit
    return items


def punctuate(items: list[str]) -> list[str]:
    """Administrative style: items end with ";" and the last with "."."""
    body = [item.rstrip(" .;,") for item in items]
    return [item + ("." if index == len(body) - 1 else ";") for index, item in enumerate(body)]


def trim(text: str, limit: int) -> str:
    """Cut at a sentence (or word) boundary under `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("; "), cut.rfind(".\n"))
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0]  # no "…": the model would copy it


def strip_bullet(line: str) -> str:
    """A source line without its list marker ("a)", "-", "+", "2.1.")."""
    mark = rf"^(?:[-+•*–]\s*|\d{{1,2}}(?:\.\d{{1,2}}){{0,2}}\.?\)?\s+|{vn.POINT_MARK}\s*)"
    return re.sub(mark, "", line.strip()).strip()
