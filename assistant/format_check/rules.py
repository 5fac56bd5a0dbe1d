"""The rulebook of Nghị định 30/2020/NĐ-CP, Phụ lục I, read from `rules_nd30.toml`: the values the checker compares
against (paper, margins, font, sizes, spacing, indents, patterns) and, per rule code, the clause it comes from."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.vietnamese import ADMIN_UNIT_WORD, province_key

RULES_FILE = Path(__file__).with_name("rules_nd30.toml")
SEVERITIES = ("error", "warning")
_UNIT_WORD = re.compile(rf"(?i)^{ADMIN_UNIT_WORD}\s+")


@dataclass(frozen=True)
class Rule:
    """One rule code: what it is called, the clause of Phụ lục I it comes from, and a phrase of that clause."""

    code: str
    title: str
    clause: str
    anchor: str
    severity: str

    @property
    def label(self) -> str:
        return f"{self.title} ({self.clause})"


@dataclass(frozen=True)
class Rulebook:
    """The values of every section of the rules file, and the rules by code."""

    values: dict
    rules: dict[str, Rule]

    def __getitem__(self, section: str) -> dict:
        return self.values[section]

    @property
    def source(self) -> dict:
        return self.values["source"]

    def rule(self, code: str) -> Rule:
        return self.rules[code]

    def full_place(self, place: str) -> str:
        """The place of the place-and-date line as it must be written: the full name of a unit listed in
        `dia_danh_thoi_gian.full_names` whose name `place` gives bare ("Hồ Chí Minh", "TP. Hồ Chí Minh"), else
        `place` unchanged."""
        bare = province_key(_UNIT_WORD.sub("", place.strip(" ,")))
        return next((full for full in self.values.get("dia_danh_thoi_gian", {}).get("full_names", [])
                     if province_key(_UNIT_WORD.sub("", full)) == bare), place)


def parse_rulebook(data: dict) -> Rulebook:
    rules = {}
    for code, entry in data.get("rules", {}).items():
        rule = Rule(code, entry["title"], entry["clause"], entry["anchor"], entry.get("severity", "error"))
        if rule.severity not in SEVERITIES:
            raise ValueError(f"rule {code}: severity must be one of {SEVERITIES}")
        rules[code] = rule
    values = {key: value for key, value in data.items() if key != "rules"}
    return Rulebook(values, rules)


@lru_cache(maxsize=4)
def load_rulebook(path: Path = RULES_FILE) -> Rulebook:
    with Path(path).open("rb") as handle:
        return parse_rulebook(tomllib.load(handle))
