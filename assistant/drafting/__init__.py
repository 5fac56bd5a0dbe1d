"""Drafting a Kế hoạch or a công văn, from the documents being implemented (the task sheet) or from example plans.

Modules: `models` (request, task sheet, draft, coverage matrix), `sources` (task-sheet extraction), `levels` and
`roles.toml` (adaptation one level down), `legal` (the opening's bases), `compose` (sheet items into the sections),
`checks` (figures, repetition, coverage), `cleaning` (model output), `drafter` (PlanDrafter).
"""

from assistant.drafting.cleaning import clean_items
from assistant.drafting.drafter import (
    PlanDrafter,
    org_code,
    parse_revision,
    summary_line,
)
from assistant.drafting.models import (
    NOT_PLACED,
    QUOC_HIEU,
    SECTION_TITLES,
    TIEU_NGU,
    CoverageRow,
    Draft,
    DraftHeader,
    DraftRequest,
    DraftSection,
    SheetItem,
    TaskSheet,
    is_subheading,
)

__all__ = ["NOT_PLACED", "QUOC_HIEU", "SECTION_TITLES", "TIEU_NGU", "CoverageRow", "Draft", "DraftHeader",
           "DraftRequest", "DraftSection", "PlanDrafter", "SheetItem", "TaskSheet", "clean_items", "is_subheading",
           "org_code", "parse_revision", "summary_line"]
