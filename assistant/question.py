"""What a question is about: the library documents it names (by số ký hiệu or by province), whether it compares
documents, and what kind of fact its answer must state. Plain text and document records in, plain data out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.citations import named_phrases
from core.models import Chunk, DocumentRecord
from core.vietnamese import (ASKING_PHRASES, COMPARATIVE_RE, FUNCTION_WORDS, TIME_DEGREES, canonical_spelling,
                             comma_term_spans, doc_numbers, find_doc_numbers, find_provinces, nfc, number_key,
                             parse_doc_number, quoted_spans, same_place, short_doc_refs, syllables, unbroken_spans)

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
    r"|năm nào|tháng nào|tỷ lệ|bao lâu|số hiệu|số ký hiệu|(?<!chỉ )số nào|cỡ chữ|khoảng cách)\b",
    re.IGNORECASE,
)
# Questions about a document's identity — who signed it, when, under which number — which its opening and signature
# lines (the identity card) answer.
_ASKS_IDENTITY = re.compile(
    r"\b(?:ai ký|người ký|do ai|ký thay|ký ban hành|ban hành ngày|ngày ban hành|ban hành khi nào|ký ngày|ký khi nào"
    r"|số hiệu|số ký hiệu|cơ quan nào ban hành|ai ban hành|đăng ngày|ngày đăng|tác giả"
    rf"|ban hành (?:{'|'.join(TIME_DEGREES)}) hơn)\b",  # which was issued earlier: each one's issue date
    re.IGNORECASE,
)
# Questions whose answer is a person: the answer must name one.
_ASKS_PERSON = re.compile(r"\b(?:họ tên|họ và tên|là ai|do ai|ai ký|ai là|người nào ký|người ký)\b", re.IGNORECASE)
# Questions whose answer is a public body: the answer must name one (`core.vietnamese.BODY_NAME_RE`).
_ASKS_BODY = re.compile(r"\b(?:cơ quan|đơn vị|bộ phận) nào\b", re.IGNORECASE)


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


@dataclass
class PassageWords:
    """Each passage's syllables with its document: which documents a phrase of a question comes from."""

    passages: list[tuple[str, str]] = field(default_factory=list)  # (source, " syllable syllable … ")

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> PassageWords:
        return cls([(chunk.source, f" {' '.join(syllables(chunk.text))} ") for chunk in chunks])

    def holders(self, words: Sequence[str]) -> Counter:
        """Passages holding the phrase `words`, counted per document."""
        phrase = f" {' '.join(words)} "
        return Counter(source for source, text in self.passages if phrase in text)


@dataclass(frozen=True)
class NamingRules:
    """When a phrase of a question names one library document: at least `share` of the passages holding it are that
    document's, and at least `passages` of them (a name mentioned once is incidental)."""

    share: float
    passages: int


def expected_facts(question: str) -> frozenset[str]:
    """Kinds of fact the question asks for ("person", "number", "body"); empty when any substantive answer will do.
    A question asking two things at once is answered when either kind is stated."""
    text = nfc(question)
    return frozenset(kind for kind, pattern in (("person", _ASKS_PERSON), ("number", _ASKS_NUMBER),
                                                ("body", _ASKS_BODY)) if pattern.search(text))


def analyse(question: str, documents: list[DocumentRecord], words: PassageWords | None = None,
            naming: NamingRules | None = None) -> QuestionScope:
    """Targets: each số ký hiệu the question names that the library holds (in full, or by type and number alone:
    "Kế hoạch 157"), then each named province with documents of its own (a province already covered by a named
    number of the same province adds nothing); then, given the library's passage words and the naming rules, the
    documents it names without a number (`described_targets`) when that makes two or more targets."""
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
    if words is not None and naming is not None:
        described = described_targets(text, documents, words, naming,
                                      {source for target in targets for source in target.sources})
        if len(targets) + len(described) >= 2:
            targets += described
    return QuestionScope(targets, bool(_COMPARISON.search(text)), expected_facts(text),
                         bool(_ASKS_IDENTITY.search(text)))


_YEAR_AFTER = re.compile(r"\s*,?\s*(?:(?:năm|số)\s+)?(?:\d+/)?(\d{4})\b")


def _year(record: DocumentRecord) -> str:
    """The year a document was issued: from its số ký hiệu ("15/2003/QH11"), else its date."""
    number = parse_doc_number(record.metadata.doc_number) if record.metadata.doc_number else None
    return str(number.year) if number and number.year else record.metadata.date[:4]


def _title_words(title: str) -> list[str]:
    """A title's syllables, its bracketed notes left out."""
    return syllables(re.sub(r"\([^)]*\)", " ", title))


def _runs_with(question_words: list[re.Match], title: list[str]) -> Iterable[tuple[int, int, int]]:
    """(question word, title word, length) of each longest run of words the question shares with a title, trimmed
    of function words at both ends."""
    said = [match.group() for match in question_words]
    for i in range(len(said)):
        for j in range(len(title)):
            if (i and j and said[i - 1] == title[j - 1]) or said[i] != title[j]:
                continue
            n = 0
            while i + n < len(said) and j + n < len(title) and said[i + n] == title[j + n]:
                n += 1
            start, end = 0, n
            while start < end and said[i + start] in FUNCTION_WORDS:
                start += 1
            while end > start and said[i + end - 1] in FUNCTION_WORDS:
                end -= 1
            yield i + start, j + start, end - start


def _names_document(holders: Counter, source: str, naming: NamingRules) -> bool:
    """Whether the passages holding a phrase (`PassageWords.holders`) make it a name of `source`."""
    total = sum(holders.values())
    return bool(total) and holders[source] >= naming.passages and holders[source] >= naming.share * total


def described_targets(question: str, documents: list[DocumentRecord], words: PassageWords, naming: NamingRules,
                      covered: set[str]) -> list[Target]:
    """Documents a question names without their number, each a target labelled with the question's words for it:
    - by words of its title that no other title holds ("Giải thưởng Bông lúa vàng Việt Nam", "Công dân Thủ đô ưu
      tú"), two or more content words with no figure, when the passages holding them are that document's
      (`NamingRules`) or the question gives the year the document was issued ("Luật Thi đua, khen thưởng năm
      2003"); a year of its own ("… năm 2022") points elsewhere;
    - by a capitalised name its passages hold and others do not ("Hải Thượng Lãn Ông").
    Documents already `covered` by a number or province are left out, and so are those of another province than the
    question names (Đắk Lắk's election plan is not what "kế hoạch thi đua bầu cử của tỉnh Nghệ An" names)."""
    text = nfc(question)
    places = find_provinces(text)
    candidates = {record.source for record in documents if record.source not in covered and not (
        places and record.metadata.province and not any(same_place(record.metadata.province, p) for p in places))}
    # syllables of the question with their places in it (one spelling style changes no length)
    said = list(re.finditer(r"\w+", canonical_spelling(text).lower()))
    titles = {record.source: _title_words(record.metadata.title) for record in documents}
    found: dict[str, str] = {}
    for record in documents:
        if record.source not in candidates:
            continue
        for at, start, n in _runs_with(said, titles[record.source]):
            run = titles[record.source][start:start + n]
            if n < 2 or any(word.isdigit() for word in run) or any(
                    _holds(other, run) for source, other in titles.items() if source != record.source):
                continue
            end = said[at + n - 1].end()
            year = _YEAR_AFTER.match(text, end)
            if year and year.group(1) != _year(record):
                continue
            if year or _names_document(words.holders(run), record.source, naming):
                found.setdefault(record.source, text[said[at].start():year.end() if year else end])
    for name in named_phrases(text):
        holders = words.holders(syllables(" ".join(name)))
        source = holders.most_common(1)[0][0] if holders else None
        if source in candidates and source not in found and _names_document(holders, source, naming):
            found[source] = " ".join(name)
    return [Target(label, [source]) for source, label in found.items()]


def _holds(title: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(title[i:i + n] == run for i in range(len(title) - n + 1))


# What a question asks for, one match per thing asked: "gửi về đâu và trước ngày nào?" asks two.
_ASKED_THING = re.compile(
    rf"\b(?:{ASKING_PHRASES}|ngày nào|năm nào|tháng nào|ai ký|do ai|ở đâu|về đâu|nào|gì|ai|mấy|đâu)\b", re.IGNORECASE)
# Where a question turns to its next thing: "…, còn …", "… và …", "…; …" before a plain comma, which also lists
# ("các bộ, ngành, địa phương").
_STRONG_BREAK = re.compile(r",\s*(?:còn|và|nhưng)\s+|\s+(?:và|còn)\s+|;\s*")
_COMMA = re.compile(r",\s+")
# An opening adverbial that frames every thing asked: "Theo quy định … của tỉnh Bắc Ninh, …".
_OPENING = re.compile(r"(?i)^(?:theo|trong|ở|tại|đối với|về|căn cứ|với)\s")
# A clause of its own after a comma, not part of the opening: "Theo Nghị định 30, khi đóng dấu …, …".
_SUBORDINATE = re.compile(r"(?i)^(?:khi|nếu|sau khi|trước khi|để|trường hợp)\s")
_PREPOSITIONS = r"trước|sau|về|ở|tại|trong|vào|bằng|từ|đến|cho|với|chậm nhất"
# A part that goes on the first part's subject and verb: "… yêu cầu báo cáo kết quả về đâu và trước ngày nào?".
_GOES_ON = re.compile(rf"(?i)^(?:{_PREPOSITIONS}|qua)\s")
# What the first part's words before its question word end with and a borrowing part brings its own of ("… báo cáo
# kết quả trước | ngày nào"); not "qua", which ends the verb "thông qua".
_TRAILING_PREPOSITION = re.compile(rf"(?i)(?:\s+(?:{_PREPOSITIONS}|theo|là|chậm nhất là))+$")
# "ai", "do ai", "ai ký": a part asking who has a subject of its own.
_ASKS_WHO = re.compile(r"(?i)(?:do )?ai\b")


def _outside_quotes(matches, quoted: list[tuple[int, int]]) -> list[re.Match]:
    """The matches that do not start inside a quotation or a term written with a comma (`unbroken_spans`: a slogan's
    commas and words ask nothing)."""
    return [m for m in matches if not any(a <= m.start() < b for a, b in quoted)]


def _opening(text: str, first_ask: int, quoted: list[tuple[int, int]]) -> str:
    """The opening adverbial before the first thing asked, up to its last comma that ends neither a list item (a piece
    of one or two words: "các bộ, ngành, …") nor comes before a subordinate clause; "" without one."""
    if not _OPENING.search(text):
        return ""
    commas = _outside_quotes(_COMMA.finditer(text, 0, first_ask), quoted)
    end, previous = 0, 0
    for n, comma in enumerate(commas):
        piece = text[previous:comma.start()]
        if _SUBORDINATE.search(text[comma.end():]):
            break
        if n == 0 or len(piece.split()) > 2:
            end = comma.start()
        previous = comma.end()
    return text[:end]


def _topic(lead: str) -> str:
    """The first part's words up to its last name (a quotation, a số ký hiệu, a province): what a later part that has
    a subject and verb of its own is about ("Bài báo “Thi đua nước rút” ở Bình Thuận, ai là tác giả?")."""
    lead = lead.split(";")[0]
    ends = [b for _, b in quoted_spans(lead)] + [m.end() for m in find_doc_numbers(lead)]
    folded = lead.casefold()
    ends += [folded.rfind(p.casefold()) + len(p) for p in find_provinces(lead) if p.casefold() in folded]
    return lead[:max(ends)].strip() if ends else lead.strip()


def _names(text: str) -> bool:
    """Whether `text` names what it is about: a quotation, a số ký hiệu or a province."""
    return bool(quoted_spans(text) or find_doc_numbers(text) or find_provinces(text))


def asked_parts(question: str) -> list[str]:
    """The question as one question per thing it asks, to answer each in a model call of its own; [] when it asks one.

    A part runs from the break after one question word ("…, còn", "và", ";", else the last comma) to the next. The
    first part is the question's own words. A later part is framed by the question's opening adverbial ("Theo quy định
    … của tỉnh Bắc Ninh, ai là Chủ tịch Hội đồng, Hội đồng họp bao lâu một lần?"); a part that only completes the
    first one's verb ("trước ngày nào") borrows the first part's words before its question word; any other names what
    the first part is about (`_topic`)."""
    text = nfc(question).strip().rstrip("?").strip()
    quoted = unbroken_spans(text)
    asks = _outside_quotes(_ASKED_THING.finditer(text), quoted)
    cuts = []
    for before, after in zip(asks, asks[1:]):
        breaks = _outside_quotes(_STRONG_BREAK.finditer(text, before.end(), after.start()), quoted)
        commas = _outside_quotes(_COMMA.finditer(text, before.end(), after.start()), quoted)
        if breaks or commas:
            cuts.append(breaks[0] if breaks else commas[-1])
    if not cuts:
        return []
    bounds = [0] + [cut.end() for cut in cuts]
    segments = [text[a:cut.start()] for a, cut in zip(bounds, cuts)] + [text[bounds[-1]:]]
    opening = _opening(text, asks[0].start(), quoted)
    lead = text[len(opening):asks[0].start()].strip(" ,")
    lead = _TRAILING_PREPOSITION.sub("", lead)
    parts = [segments[0]]
    for segment in segments[1:]:
        segment = segment.strip()
        asked = _ASKED_THING.search(segment)
        before, after = segment[:asked.start()].split(), segment[asked.end():].split()
        completes = _GOES_ON.search(segment) or (len(before) <= 2 and len(after) <= 2 and segment[:1].islower()
                                                  and not _ASKS_WHO.match(asked.group()) and not _ends_in_verb(lead))
        if completes and len(lead.split()) >= 3:
            body = f"{lead} {segment}"
        elif not opening and len(lead.split()) >= 3 and not _names(segment):
            body = f"{_topic(lead)}, {segment}"
        else:
            body = segment
        if opening:
            body = f"{opening}, {body}"
        parts.append(body)
    return [f"{part[:1].upper()}{part[1:]}?" for part in parts]


# Where a question turns from one thing it asks about to the next: "…, còn …", "… và …", "…; …".
_PART_BREAK = re.compile(r"(\s*,\s*(?:và|còn|trong khi|nhưng)\s+|\s*[,;]\s+|\s+(?:và|còn|hay|với)\s+)")
# How a target is brought in: "của tỉnh Đắk Lắk", "ở Bắc Ninh", "tại thành phố Hà Nội".
_PLACE_WORD = r"(?:(?:tỉnh|thành phố|TP\.)\s+)?"
_BEFORE_TARGET = re.compile(rf"(?:\b(của|ở|tại|cho)\s+)?{_PLACE_WORD}$", re.IGNORECASE)
_PREPOSITION = re.compile(r"(?i)^(?:của|ở|tại|cho)\s")
# A question word — a thing asked (`_ASKED_THING`), "vì sao", "có … không": a part that has none asks what the words
# after the last target ask ("… là gì?").
_ASKS = re.compile(rf"{_ASKED_THING.pattern}|\b(?:sao|không)\b", re.IGNORECASE)


def _named_at(piece: str, label: str) -> re.Match | None:
    return re.search(re.escape(label), piece, re.IGNORECASE)


def _whole_pieces(pieces: list[str], breaks: list[str], labels: list[str]) -> tuple[list[str], list[str]]:
    """Pieces cut where no part ends put back together: a piece naming no target joined by "và/với/hay" to the next
    ("ngành Giáo dục" + "và" + "Đào tạo ở Bắc Ninh …"), and one after a plain comma that is not the last, which goes on
    about the target before it ("… ở Đắk Lắk" + ", " + "tỷ lệ cử tri đi bầu phải đạt bao nhiêu")."""
    def names_none(piece: str) -> bool:
        return not any(_named_at(piece, label) for label in labels)

    i = 0
    while i < len(pieces) - 1:
        if names_none(pieces[i]) and re.fullmatch(r"\s+(?:và|với|hay)\s+", breaks[i + 1]):
            pieces[i:i + 2] = [pieces[i] + breaks[i + 1] + pieces[i + 1]]
            del breaks[i + 1]
        elif i and names_none(pieces[i]) and re.fullmatch(r"\s*,\s+", breaks[i]):
            pieces[i - 1:i + 1] = [pieces[i - 1] + breaks[i] + pieces[i]]
            del breaks[i]
            i -= 1
        else:
            i += 1
    return pieces, breaks


def _cut_between(text: str, labels: list[str]) -> tuple[list[str], list[str]]:
    """Pieces of `text` and the break before each ("" before the first), cut at `_PART_BREAK`s outside the targets'
    names ("Luật Thi đua, khen thưởng năm 2003" is one name) and terms written with a comma."""
    named = [(m.start(), m.end()) for label in labels for m in re.finditer(re.escape(label), text, re.IGNORECASE)]
    named += comma_term_spans(text)
    pieces, breaks, at = [], [""], 0
    for cut in _PART_BREAK.finditer(text):
        if not any(start < cut.end() and cut.start() < end for start, end in named):
            pieces.append(text[at:cut.start()])
            breaks.append(cut.group())
            at = cut.end()
    return pieces + [text[at:]], breaks


def _tagged(text: str) -> list[tuple[str, str]]:
    """Words and their parts of speech (pyvi: "V" a verb, "N" a noun, "P" a pronoun …)."""
    from pyvi import ViPosTagger, ViTokenizer

    return list(zip(*ViPosTagger.postagging(ViTokenizer.tokenize(text)))) if text.strip() else []


def _ends_in_verb(text: str) -> bool:
    """"… của tỉnh Đắk Lắk bắt đầu": a part with a verb of its own ("kết thúc khi nào") does not go on from it."""
    words = _tagged(text)
    return bool(words) and words[-1][1] == "V"


def _predicate_start(text: str) -> int:
    """Where what is said of a target starts after its name: its first verb or question word ("của Nghệ An | do ai
    ký", "về chức năng của Bộ Nội vụ | ban hành ngày nào"), a bracket's words left out; 0 without one."""
    at, depth, previous = 0, 0, None
    for word, tag in _tagged(text):
        found = text.find(word.replace("_", " "), at)
        if found < 0:
            return 0
        depth += word.count("(") - word.count(")")
        if depth == 0 and word[:1].isalpha() and (tag == "V" or _ASKED_THING.fullmatch(word.replace("_", " "))):
            return previous if previous is not None and text[previous:found].strip().casefold() == "do" else found
        previous, at = found, found + len(word)
    return 0


def time_comparison(question: str) -> re.Match | None:
    """Where the question (in NFC) asks which of the things it names is earlier or later ("văn bản của tỉnh nào ban
    hành sớm hơn?"): its "sớm hơn" / "muộn hơn", the degree in group "degree"; None when it compares no dates."""
    found = COMPARATIVE_RE.search(nfc(question))
    return found if found and found.group("degree").casefold() in TIME_DEGREES else None


def dated_part(part: str) -> str:
    """A part of a time comparison, asked of one target, as the date it compares: "… Tây Ninh, văn bản của tỉnh nào
    ban hành sớm hơn?" -> "… Tây Ninh, văn bản của tỉnh ban hành vào ngày nào?" (one target has no "sớm hơn"; the
    dates are compared in code)."""
    found = time_comparison(part)
    if not found:
        return part
    text = nfc(part)
    head = re.sub(r"\s+nào\b(?=[^,;:]*$)", "", text[:found.start()]).rstrip()  # "tỉnh nào": the chooser of its clause
    rest = re.sub(r"^[^,;?]*", "", text[found.end():])  # "… sớm hơn kế hoạch của Nghệ An không?": the other side
    return f"{head} vào ngày nào{rest}"


def part_question(question: str, labels: list[str], label: str) -> str:
    """The question as it asks about `label` alone, to answer a question about several targets one at a time: the
    pieces naming another target are left out ("Chủ đề năm 2023 của Tây Ninh và chủ đề năm 2024 của Hòa Bình là gì?"
    -> "Chủ đề năm 2023 của Tây Ninh là gì?"); a part that lost the words before the first target borrows them
    ("… của Chủ tịch UBND tỉnh Tây Ninh và của Chủ tịch UBND tỉnh Bình Thuận" -> "Chỉ thị … của Chủ tịch UBND tỉnh
    Bình Thuận"); a part without a question word of its own ends as the question does after its last target ("… của
    Đắk Lắk và … của Nghệ An do ai ký và ban hành ngày nào?" -> "… của Đắk Lắk do ai ký và ban hành ngày nào?"). Two
    targets of one predicate ("Đắk Lắk và Nghệ An đều …") leave the other out. The whole question when `label` is not
    found in it."""
    text = nfc(question).strip()
    others = [other for other in labels if other.casefold() != label.casefold()]
    for other in others:  # "Đắk Lắk và Nghệ An đều …": the two subjects of one predicate, the other one left out
        this, that = re.escape(label), re.escape(other)
        text = re.sub(rf"(?i)({_PLACE_WORD}{this})\s+(?:và|với|hay)\s+{_PLACE_WORD}{that}\b", r"\1", text)
        text = re.sub(rf"(?i){_PLACE_WORD}{that}\s+(?:và|với|hay)\s+(?={_PLACE_WORD}{this}\b)", "", text)
    if text != nfc(question).strip():
        return text[:1].upper() + text[1:]
    pieces, breaks = _whole_pieces(*_cut_between(text, labels), labels)
    keep = [i for i, piece in enumerate(pieces)
            if _named_at(piece, label) or not any(_named_at(piece, other) for other in others)]
    if not any(_named_at(pieces[i], label) for i in keep):
        return question
    text = "".join((breaks[i] if n else "") + pieces[i] for n, i in enumerate(keep))
    own = _named_at(text, label)
    if keep[0] != 0 and (first := next((m for o in others if (m := _named_at(pieces[0], o))), None)):
        # a part that opens without its subject ("của Chủ tịch UBND tỉnh Bình Thuận", "tỉnh Nghệ An khác nhau …")
        # takes the words the first piece has before its own target
        opening = _PREPOSITION.match(text)
        if opening:
            at = pieces[0].find(f" {opening.group(0).strip()} ")
            head = pieces[0][:at].strip() if at > 0 else ""
            text = f"{head} {text}" if head else text
        elif text[:own.start()].strip() and _BEFORE_TARGET.fullmatch(text[:own.start()]):
            before = _BEFORE_TARGET.search(pieces[0][:first.start()])
            head, preposition = pieces[0][:before.start()].strip(), before.group(1)
            text = f"{head} {preposition + ' ' if preposition else ''}{text}" if head else text
    last = max(i for i, piece in enumerate(pieces) if any(_named_at(piece, name) for name in labels))
    own = [i for i in keep if i < last]
    if last not in keep and not any(_ASKS.search(pieces[i]) for i in own) and (
            closing := next((m for o in others if (m := _named_at(pieces[last], o))), None)):
        # what follows the last target is asked of every part: " là gì?", " do ai ký và ban hành ngày nào?"
        later = "".join(breaks[i] + pieces[i] for i in range(last + 1, len(pieces)))
        text = (text[:len(text) - len(later)] if later and text.endswith(later) else text).rstrip(" ?")
        tail = pieces[last][closing.end():]
        said = tail[_predicate_start(tail):] if own else tail
        text += (said if not own or said[:1] in ",;" else f" {said}") + later
    if question.rstrip().endswith("?") and not text.endswith("?"):
        text += "?"
    return text[:1].upper() + text[1:]
