"""Format checker for administrative documents per Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức, kỹ thuật trình bày):
rules as data (`rules_nd30.toml`), findings with a citation of the clause, mechanical fixes."""

from assistant.format_check.checker import Finding, FormatChecker, Report
from assistant.format_check.rules import Rule, Rulebook, load_rulebook

__all__ = ["Finding", "FormatChecker", "Report", "Rule", "Rulebook", "load_rulebook"]
