"""What a question is about: the library documents it names (by số ký hiệu or by province), whether it compares
documents, and what kind of fact its answer must state. Plain text and document records in, plain data out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.models import DocumentRecord
from core.vietnamese import doc_numbers, find_provinces, nfc, number_key, same_place, short_doc_refs

# Wording that asks about two or more documents, provinces or periods at once.
_COMPARISON = re.compile(
    r"\b(?:cả hai|hai (?:kế hoạch|văn bản|tỉnh|địa phương|quyết định|nghị quyết|nghị định|đợt|phong trào|thành phố)"
    r"|khác nhau|giống nhau|so sánh|so với|cùng (?:căn cứ|thực hiện|triển khai|ban hành|ký|do|là|được)"
    r"|(?:sớm|muộn|nhiều|ít|dài|ngắn|cao|thấp) hơn|đều (?:có|được|do|là|căn cứ|thực hiện)|văn bản nào .* và)\b",
    re.IGNORECASE,
)
# Questions whose answer is a number, a date or a period: the answer must state one.
_ASKS_NUMBER = re.compile(
    r"\b(?:bao nhiêu|mấy|ngày nào|ngày bao nhiêu|khi nào|bao giờ|thời hạn|hạn chót|trước ngày|thời gian nào"
    r"|năm nào|tháng nào|tỷ lệ|bao lâu|số hiệu|số ký hiệu|cỡ chữ|khoảng cách)\b",
    re.IGNORECASE,
)
# Questions about a document's identity — who signed it, when, under which number — which its opening and signature
# lines (the identity card) answer.
_ASKS_IDENTITY = re.compile(
    r"\b(?:ai ký|người ký|do ai|ký thay|ký ban hành|ban hành ngày|ngày ban hành|ban hành khi nào|ký ngày|ký khi nào"
    r"|số hiệu|số ký hiệu|cơ quan nào ban hành|ai ban hành|đăng ngày|ngày đăng|tác giả)\b",
    re.IGNORECASE,
)
# Questions whose answer is a person: the answer must name one.
_ASKS_PERSON = re.compile(r"\b(?:họ tên|họ và tên|là ai|do ai|ai ký|ai là|người nào ký|người ký)\b", re.IGNORECASE)


@dataclass
class Target:
    """One thing the question names: a số ký hiệu or a province, with the library documents it points to."""

    label: str
    sources: list[str]


@dataclass
class QuestionScope:
    targets: list[Target] = field(default_factory=list)
    comparison: bool = False
    expects: frozenset[str] = frozenset()  # kinds of fact the answer must state one of: "number", "person"
    identity: bool = False  # asks who signed, when or under which number: the documents' identity cards help

    @property
    def multi(self) -> bool:
        return len(self.targets) >= 2 or self.comparison


def expected_facts(question: str) -> frozenset[str]:
    """Kinds of fact the question asks for ("person", "number"); empty when any substantive answer will do. A
    question asking two things at once is answered when either kind is stated."""
    text = nfc(question)
    return frozenset(kind for kind, pattern in (("person", _ASKS_PERSON), ("number", _ASKS_NUMBER))
                     if pattern.search(text))


def analyse(question: str, documents: list[DocumentRecord]) -> QuestionScope:
    """Targets: each số ký hiệu the question names that the library holds (in full, or by type and number alone:
    "Kế hoạch 157"), then each named province with documents of its own (a province already covered by a named
    number of the same province adds nothing)."""
    text = nfc(question)
    named = [(number, [r.source for r in documents if r.metadata.doc_number and
                       number_key(r.metadata.doc_number) == number_key(number)]) for number in doc_numbers(text)]
    named += [(f"{ref.doc_type.name} {ref.number}",
               [r.source for r in documents if ref.names(r.metadata.doc_number, r.metadata.doc_type)])
              for ref in short_doc_refs(text)]
    targets: list[Target] = []
    for label, sources in named:
        if sources and not any(t.sources == sources for t in targets):
            targets.append(Target(label, sources))
    covered = {source for target in targets for source in target.sources}
    for province in find_provinces(text):
        sources = [r.source for r in documents if r.metadata.province and same_place(r.metadata.province, province)]
        if sources and not covered.intersection(sources):
            targets.append(Target(province, sources))
    return QuestionScope(targets, bool(_COMPARISON.search(text)), expected_facts(text),
                         bool(_ASKS_IDENTITY.search(text)))
