"""Documents replaced by newer ones (`superseded.toml`, data, user-extendable): a draft cites the successor instead of
a basis replaced before its period, and an answer quoting a replaced document says so."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from core.errors import DataTableError
from core.vietnamese import doc_numbers, number_key

SUPERSEDED_FILE = Path(__file__).with_name("superseded.toml")


@dataclass(frozen=True)
class Successor:
    line: str  # cited as a basis: "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022"
    since: str  # in force from: "01/01/2024" or "2024"

    @property
    def year(self) -> int:
        return int(self.since[-4:])


@functools.cache
def _read_successors(paths: tuple[str, ...]) -> dict[str, Successor]:
    out: dict[str, Successor] = {}
    for path in paths:
        try:
            for entry in tomllib.loads(Path(path).read_text(encoding="utf-8")).get("superseded", []):
                successor = Successor(str(entry["by"]), str(entry["since"]))
                if not successor.since[-4:].isdigit():  # fails here, not in every answer
                    raise ValueError(f"since = {successor.since!r} has no year")
                if not doc_numbers(successor.line):  # the chain and the drafts match successors by number
                    raise ValueError(f"by = {successor.line!r} names no số ký hiệu")
                for old in entry["old"]:
                    out.setdefault(number_key(old), successor)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DataTableError(f"Không đọc được bảng văn bản đã thay thế {path}: {exc}",
                                 f"Cannot read the table of replaced documents {path}: {exc}") from exc
    return out


def successors(home: Path | None = None) -> dict[str, Successor]:
    """The table of replaced documents (`superseded.toml`, data): the user's own `<home>/superseded.toml` first, so
    its entries win."""
    own = home / SUPERSEDED_FILE.name if home else None
    return _read_successors(((str(own),) if own and own.is_file() else ()) + (str(SUPERSEDED_FILE),))


def successor_by(line: str, table: dict[str, Successor], year: int | None) -> Successor | None:
    """What replaced the document `line` cites, in force by `year`, followed down the chain (91/2017 -> 98/2023 ->
    152/2025)."""
    found, numbers = None, doc_numbers(line)
    for _ in range(len(table)):  # a chain is no longer than the table (and a loop in the user's file ends)
        step = table.get(number_key(numbers[0])) if year and numbers else None
        if not step or step.year > year:
            break
        found, numbers = step, doc_numbers(step.line)
    return found
