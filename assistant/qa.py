"""Grounded question answering: condense, retrieve, prompt within a CPU-sized budget, stream, then verify.

The model only writes text; the chain owns what is cited (markers are re-mapped and checked against the passages),
what is dropped (claims no passage supports) and when to refuse (weak retrieval evidence or the model saying the
passages do not answer).
"""

from __future__ import annotations

import datetime
import math
import re
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.messages import HumanMessage, SystemMessage

from assistant import citations as cit
from core.errors import InvalidQuestionError
from assistant.prompts import load_prompt, render_prompt
from assistant.question import (NamingRules, PassageWords, QuestionScope, analyse, asked_parts, dated_part,
                                part_question, time_comparison)
from assistant.superseded import successor_by, successors
from core.settings import Settings
from core.models import Chunk, SearchHit
from index.chunking import OPENING_SECTION, RECORD_LINE_LABEL
from core.vietnamese import (BODY_NAME_RE, COMPARATIVE_RE, COUNT_IN_WORDS_RE, DOC_NUMBER_RE, FROM_ISSUE_DAY,
                             LETTER_CODE_RE, LLM_CHARS_PER_TOKEN, WEEKDAY_RE, date_of, doc_numbers, estimate_tokens,
                             find_dates, letter_codes, nfc, roman_numerals, same_place, short_date)

MIN_PASSAGE_TOKENS = 25  # a passage cut to less room than this for its text is not shown
REFUSAL = "Không tìm thấy thông tin này trong thư viện tài liệu."
_ANAPHORA = {"đó", "này", "ấy", "kia", "trên", "nó", "họ", "vậy", "thế"}


@dataclass
class Citation:
    n: int
    source: str
    title: str
    doc_number: str
    section: str
    page: int | None
    text: str

    @classmethod
    def from_hit(cls, n: int, hit: SearchHit) -> Citation:
        chunk = hit.chunk
        return cls(n, chunk.source, chunk.metadata.title, chunk.metadata.doc_number, chunk.section, chunk.page, chunk.text)

    def to_dict(self) -> dict:
        return {"n": self.n, "source": self.source, "title": self.title, "doc_number": self.doc_number,
                "section": self.section, "page": self.page, "text": self.text}


@dataclass
class Answer:
    """The verified answer; `to_dict()` is exactly the `ask --json` payload."""

    answer: str
    refused: bool
    citations: list[Citation]
    retrieved: list[SearchHit]
    timings: dict
    question: str = ""
    standalone_question: str = ""
    unsupported: list[str] = field(default_factory=list)  # sentences dropped because no passage backs them
    reason: str = ""  # why it was refused, for logs and eval
    model_output: str = ""  # what the model wrote, before verification (evaluation replays it)

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [
                {"source": h.chunk.source, "section": h.chunk.section, "score": round(h.score, 6)} for h in self.retrieved
            ],
            "timings": self.timings,
            "reason": self.reason,
            "model_output": self.model_output,
        }


@dataclass
class QAEvent:
    """kind: "status" (Vietnamese progress text), "token" (answer text delta), "answer" (the final Answer)."""

    kind: str
    text: str = ""
    answer: Answer | None = None


@dataclass
class Evidence:
    strong: bool
    reason: str = ""
    coverage: float = 0.0
    retrievers_agree: bool = True  # dense and lexical retrieval share a top-3 passage

    def needed(self, settings: Settings) -> float:
        """The key-term coverage the gate asks for: more when the two retrievers never agree on a top passage."""
        return settings.qa_min_coverage if self.retrievers_agree else settings.qa_min_coverage_one_retriever

    def clears(self, settings: Settings) -> bool:
        """Whether this evidence passes the gate of `settings` (tuning re-applies other gates to one assessment)."""
        return self.strong and self.coverage >= self.needed(settings)


@dataclass
class Passage:
    """A retrieved chunk as shown to the model: its number and the excerpt that fitted the budget."""

    n: int
    hit: SearchHit
    excerpt: str

    def source_text(self) -> cit.SourceText:
        """What a claim may be checked against: the chunk text (minus planted instructions), its heading path, its
        document's title, and its document's record (number, issue date, issuer) as one line."""
        meta = self.hit.chunk.metadata
        record = " ".join(part for part in (
            f"số {meta.doc_number}" if meta.doc_number else "",
            f"ban hành ngày {short_date(meta.date)}" if meta.date else "",
            f"của {meta.issuer}" if meta.issuer else "", meta.province) if part)
        text = cit.without_instructions(self.hit.chunk.text)
        # an identity card is one statement about one document: every line of it stands near every other
        heading = f"{self.hit.chunk.section}\n{text}" if self.hit.chunk.card else self.hit.chunk.section
        return cit.SourceText(text, heading, meta.title, record)

    def haystack(self) -> str:
        return self.source_text().everything


def validate_question(question: str, settings: Settings) -> str:
    text = nfc(question or "").strip()
    if not text:
        raise InvalidQuestionError("Vui lòng nhập câu hỏi.", "The question is empty.")
    if len(text) > settings.max_question_chars:
        raise InvalidQuestionError(
            f"Câu hỏi quá dài (tối đa {settings.max_question_chars} ký tự), hãy hỏi ngắn gọn hơn.",
            f"The question is longer than {settings.max_question_chars} characters.",
        )
    if not any(ch.isalpha() for ch in text):
        raise InvalidQuestionError("Câu hỏi cần có chữ, không chỉ gồm số hay ký hiệu.", "The question has no words.")
    return text


def assess_evidence(question: str, hits: Sequence[SearchHit], settings: Settings, multi: bool = False) -> Evidence:
    """Weak evidence means refusing without asking the model (which would otherwise guess).

    General rules only: a số ký hiệu or a proper name in the question must occur in the retrieved passages or their
    documents' metadata; the best passage (all passages together for a question about several documents) must hold
    enough of the question's key terms, more of them when dense and lexical retrieval never agree on a top passage.
    """
    if not hits:
        return Evidence(False, "no passages")
    if hits[0].score < settings.min_evidence_score:
        return Evidence(False, "low score")
    passages = [Passage(i + 1, hit, "").haystack() for i, hit in enumerate(hits)]
    everything = "\n".join(passages)
    lowered = everything.lower()
    for number in doc_numbers(question):
        if number.lower() not in lowered:
            return Evidence(False, f"document {number} not in the passages")
    for phrase in cit.named_phrases(question):
        if not cit.phrase_present(phrase, everything):
            return Evidence(False, f"name {' '.join(phrase)} not in the passages")
    terms = cit.key_terms(question)
    if not terms:
        return Evidence(True, "no key terms", 1.0)
    texts = [everything] if multi else passages
    coverage = max(len(terms & cit.key_terms(text)) / len(terms) for text in texts)
    evidence = Evidence(True, "", coverage,
                        any(h.dense_rank is not None and h.lexical_rank is not None for h in hits[:3]))
    if not evidence.clears(settings):
        return replace(evidence, strong=False, reason=f"key-term coverage {coverage:.2f} < {evidence.needed(settings)}")
    return evidence


def excerpt(text: str, question: str, max_chars: int) -> str:
    """The contiguous run of sentences around the one sharing most terms with the question, within max_chars."""
    if len(text) <= max_chars:
        return text
    sentences = cit.split_sentences(text)
    terms = cit.key_terms(question)
    scores = [len(terms & cit.key_terms(s)) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: scores[i]) if sentences else 0
    if not sentences or len(sentences[best]) >= max_chars:
        head = (sentences[best] if sentences else text)[: max(0, max_chars - 1)]
        return head.rsplit(" ", 1)[0] + "…"
    lo = hi = best
    size = len(sentences[best])
    while True:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(sentences) and size + len(sentences[candidate]) + 1 <= max_chars:
                size += len(sentences[candidate]) + 1
                lo, hi = min(lo, candidate), max(hi, candidate)
                grown = True
        if not grown:
            break
    return "\n".join(sentences[lo : hi + 1])


def _card_excerpt(text: str, max_chars: float) -> str:
    """An identity card cut from the end of its opening lines: the signature, which it is there for, stays whole
    and says who signed."""
    opening, _, signature = text.partition("\n…\n")
    signature = signer_line(signature)
    if len(opening) + len(signature) + 3 <= max_chars:
        return f"{opening}\n…\n{signature}" if signature else opening
    room = max(0, max_chars - len(signature) - 2)
    return opening[:room].rsplit(" ", 1)[0] + "…" + (f"\n{signature}" if signature else "")


def signer_line(signature: str) -> str:
    """A signature block as the model reads it: "Người ký: Vũ Mạnh Hà (KT. BỘ TRƯỞNG THỨ TRƯỞNG)" — the name (the
    first run of capitalised syllables opening with a surname that ends a line), then the authority and position
    before it; lines after the name are not the signature. Set out as the document does ("KT. BỘ TRƯỞNG THỨ TRƯỞNG
    Vũ Mạnh Hà"), the small model answered with a recipient or a proposer named elsewhere. Unchanged when no name
    is found."""
    before: list[str] = []
    for line in signature.split("\n"):
        words = line.split()
        start = len(words)
        while start > 0 and words[start - 1][:1].isupper() and words[start - 1][1:].islower():
            start -= 1
        if len(words) - start >= 2 and words[start] in cit.SURNAMES:
            position = " ".join(before + words[:start])
            name = " ".join(words[start:])
            return f"Người ký: {name} ({position})" if position else f"Người ký: {name}"
        before += words
    return signature


def _data(text: str) -> str:
    """Passage text cannot close the <tai_lieu> block it sits in: angle brackets become look-alikes."""
    return text.replace("<", "‹").replace(">", "›")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def passage_header(hit: SearchHit, first_of_document: bool) -> str:
    """Số ký hiệu, the title the first time a document appears (titles are long) — a document without a số ký hiệu
    shown by the start of its title each time, not by its file name — and a section that is no line of the text
    (the opening, the identity card); a heading goes above the text instead (`heading_line`)."""
    meta = hit.chunk.metadata
    title = _shorten(meta.title, 70) if first_of_document else ("" if meta.doc_number else _shorten(meta.title, 40))
    source = " — ".join(part for part in (meta.doc_number, title) if part) or hit.chunk.source
    section = _section(hit)
    return f"{source}; mục: {_shorten(section, 50)}" if section and not _is_heading(hit) else source


def _section(hit: SearchHit) -> str:
    return hit.chunk.section.split(" > ")[-1] if hit.chunk.section else ""


def _is_heading(hit: SearchHit) -> bool:
    """Whether the passage's section is a heading line of its document, not a name the chunker gave."""
    chunk = hit.chunk
    return bool(chunk.section) and not (chunk.card or chunk.ocr or _section(hit) == OPENING_SECTION)


def heading_line(hit: SearchHit, shown: str) -> str:
    """The heading of the passage's section as the line above the `shown` text ("2. Ông Phạm Trung Kiên - Phó
    Trưởng phòng", "1. Sở Nội vụ"), unless that text holds it: the small model ties a duty or a date to the
    heading it reads above it, and overlooked the same words in the passage's bracketed label."""
    if not _is_heading(hit):
        return ""
    heading = " ".join(_section(hit).split())
    return "" if heading.rstrip("…") in " ".join(shown.split()) else _shorten(heading, 100)


def build_passages(hits: Sequence[SearchHit], question: str, budget_tokens: int, first: int = 1) -> list[Passage]:
    """Number the hits [first]..[first + n - 1] and trim each to its share of the budget. The shares are filled like
    water: a passage shorter than an equal share keeps its length and the rest goes to the longer ones, wherever they
    stand (handing the rest only to the passages after it left a quarter of the budget unused while the best passage,
    first and long, was cut). A section heading the text does not hold stands above it (`heading_line`)."""
    headers, bodies = [], []
    seen: set[str] = set()
    above = [heading_line(hit, hit.chunk.text) for hit in hits]  # headings the texts do not hold
    for index, (hit, heading) in enumerate(zip(hits, above)):
        headers.append(f"[{first + index}] ({_data(passage_header(hit, hit.chunk.source not in seen))})\n"
                       + (f"{_data(heading)}\n" if heading else ""))
        bodies.append(_data(_card_excerpt(hit.chunk.text, math.inf) if hit.chunk.card else hit.chunk.text))
        seen.add(hit.chunk.source)
    needs = [estimate_tokens(header) + math.ceil(len(body) / LLM_CHARS_PER_TOKEN)
             for header, body in zip(headers, bodies)]
    for count in range(len(hits), 0, -1):  # too many passages for the budget: the last (least relevant) go
        shares = _water_fill(needs[:count], budget_tokens)
        rooms = [share - estimate_tokens(header) for share, header in zip(shares, headers)]
        if all(room >= MIN_PASSAGE_TOKENS or share >= need for room, share, need in zip(rooms, shares, needs)):
            break
    else:
        return []
    passages = []
    for index, (hit, header, room, heading) in enumerate(zip(hits, headers, rooms, above)):
        shown = _shown(hit, question, int(room * LLM_CHARS_PER_TOKEN), heading_above=bool(heading))
        passages.append(Passage(first + index, hit, header + _data(shown)))
    return passages


def _shown(hit: SearchHit, question: str, limit: int, heading_above: bool) -> str:
    """The passage's text cut to `limit` characters; a text that held its heading and was cut without it gets the
    heading back above the excerpt (`heading_above`: the header already carries it)."""
    if hit.chunk.card:
        return _card_excerpt(hit.chunk.text, limit)
    body = excerpt(hit.chunk.text, question, limit)
    if heading_above or not (heading := heading_line(hit, body)):
        return body
    body = excerpt(hit.chunk.text, question, max(0, limit - len(heading) - 1))
    return body if not heading_line(hit, body) else f"{heading}\n{body}"


def _water_fill(needs: list[int], budget: int) -> list[int]:
    """Shares of `budget` for items needing `needs`: the smallest needs are met in full while they fit an equal
    share of what is left; the others split the rest equally."""
    shares = [0] * len(needs)
    left, open_items = budget, sorted(range(len(needs)), key=needs.__getitem__)
    while open_items:
        equal = left // len(open_items)
        smallest = open_items[0]
        if needs[smallest] > equal:
            for item in open_items:
                shares[item] = equal
            break
        shares[smallest] = needs[smallest]
        left -= needs[smallest]
        open_items.pop(0)
    return shares


class QAChain:
    """Answers a question from the library with verified citations, or refuses."""

    def __init__(self, library, chat_model, settings: Settings):
        self.library = library
        self.chat_model = chat_model
        self.settings = settings
        self._stats = cit.LibraryStats()
        self._words = PassageWords()
        self._stats_size = -1

    def ask(self, question: str, history: Sequence[dict] = ()) -> Answer:
        for event in self.stream(question, history):
            if event.kind == "answer":
                return event.answer
        raise RuntimeError("the Q&A stream ended without an answer")  # pragma: no cover - stream always answers

    def stream(self, question: str, history: Sequence[dict] = ()) -> Iterator[QAEvent]:
        start = time.perf_counter()
        timings: dict = {}
        question = validate_question(question, self.settings)
        standalone = question
        if history:
            yield QAEvent("status", "Đang hiểu câu hỏi trong ngữ cảnh hội thoại…")
            standalone = self.condense(question, history)
            timings["condense_s"] = _since(start)

        yield QAEvent("status", "Đang tìm tài liệu…")
        t0 = time.perf_counter()
        scope, hits = self.retrieve(standalone)
        timings["retrieval_s"] = _since(t0)
        evidence = assess_evidence(standalone, hits, self.settings, scope.multi)
        base = {"question": question, "standalone_question": standalone}
        if not evidence.strong:
            yield QAEvent("token", REFUSAL)
            timings["ttft_s"] = _since(start)
            timings["total_s"] = timings["ttft_s"]
            yield QAEvent("answer", answer=_refusal(hits, timings, self.settings, reason=evidence.reason, **base))
            return

        parts = self.prompt_parts(standalone, scope, hits)
        yield QAEvent("status", "Đang soạn câu trả lời…")
        t1 = time.perf_counter()
        outputs = []
        for new_passages, messages in parts:
            if outputs:
                yield QAEvent("token", "\n")
            follows = bool(outputs) and not new_passages  # another thing asked of the passages just read
            outputs.append((yield from self._generate(messages, timings, start, follows)))
        timings["generation_s"] = _since(t1)
        passages = [passage for part, _ in parts for passage in part]
        answer = finalize("\n".join(outputs), passages, hits, timings, self.settings, scope=scope, stats=self.stats(),
                          **base)
        timings["total_s"] = _since(start)
        yield QAEvent("answer", answer=answer)

    def _generate(self, messages: list, timings: dict, start: float,
                  follows_previous: bool = False) -> Generator[QAEvent, None, str]:
        """Streams one model reply as token events and returns its text; a reply that is not Vietnamese is asked
        for once more with the strict instruction. `follows_previous`: the call before read the same passages, whose
        prompt cache the embedded model keeps."""
        raw = ""
        for chunk in self.chat_model.stream(messages, max_tokens=self.settings.llm_max_answer_tokens,
                                             stop=["</tai_lieu>", "\nCâu hỏi:"], follows_previous=follows_previous):
            delta = chunk.content if isinstance(chunk.content, str) else ""
            if not delta:
                continue
            if "ttft_s" not in timings:
                timings["ttft_s"] = _since(start)
            raw += delta
            shown = cit.strip_foreign(delta)[0]
            if shown:
                yield QAEvent("token", shown)
            if cit.is_looping(raw):
                break
        timings.setdefault("ttft_s", _since(start))
        if cit.foreign_share(raw) > self.settings.qa_foreign_retry_share or not cit.is_vietnamese(cit.clean_output(raw)):
            yield QAEvent("status", "Đang viết lại câu trả lời bằng tiếng Việt…")
            strict = [SystemMessage(messages[0].content + "\n" + load_prompt("qa_strict", self.settings.prompts_dir)),
                      messages[1]]
            retry = self.chat_model.invoke(strict, max_tokens=self.settings.llm_max_answer_tokens)
            if cit.is_vietnamese(cit.clean_output(str(retry.content))):
                raw = str(retry.content)
        return raw

    def retrieve(self, question: str) -> tuple[QuestionScope, list[SearchHit]]:
        """Passages for the question. Each document or province the question names contributes passages in turn
        (so a question about two plans reads both); a comparison naming fewer than two draws from at least two
        documents; a question naming one document keeps one passage from the whole library in case the name is
        incidental."""
        words = self.passage_words() if self.settings.qa_described_targets else None
        scope = analyse(question, self.library.documents(), words,
                        NamingRules(self.settings.qa_naming_share, self.settings.qa_naming_passages))
        each = self._answers_each(scope)  # each target's own passages, as many as a question about it alone gets
        k = self.settings.qa_multi_passages if scope.multi and not each else self.settings.retrieval_k
        if not scope.targets and not scope.comparison:
            hits = self._search(question, scope, k)
        else:
            pools = [self._search(question, scope, k, filters={"source": target.sources})
                     for target in scope.targets]
            if len(scope.targets) < 2:
                overall = self._search(question, scope, max(k, self.settings.retrieval_candidates))
                pools.append(_one_per_document(overall) if scope.comparison else overall)
            hits = _round_robin(pools, k * len(pools) if each else k)
        return scope, self._cover_names(question, scope, self._with_cards(scope, hits))

    def _search(self, question: str, scope: QuestionScope, k: int, filters: dict | None = None) -> list[SearchHit]:
        """Hybrid search. Identity cards only answer who signed, when and which number: for any other question
        their issue date and title read like an answer (an effective date answered with the issue date). A "Nơi
        nhận" list only answers whom the document goes to."""
        hits = self.library.search(question, k=k if scope.identity else 2 * k, mode="hybrid", filters=filters)
        if scope.identity:
            return hits
        recipients = _ASKS_RECIPIENTS.search(question)
        return [hit for hit in hits if not hit.chunk.card and (recipients or not _recipients_list(hit.chunk))][:k]

    def _with_cards(self, scope: QuestionScope, hits: list[SearchHit]) -> list[SearchHit]:
        """For a question on who signed a document, when or under which number: the identity cards of the first
        documents retrieved come first (the signature is far from the text that matches the question's words)."""
        if not scope.identity or not hits:
            return hits
        sources = list(dict.fromkeys(hit.chunk.source for hit in hits))[: self.settings.qa_card_documents]
        chosen = {hit.chunk.chunk_id for hit in hits}
        cards = [card for card in map(self.library.card, sources) if card is not None and card.chunk_id not in chosen]
        return [SearchHit(card, hits[0].score) for card in cards] + hits

    def _cover_names(self, question: str, scope: QuestionScope, hits: list[SearchHit]) -> list[SearchHit]:
        """A name the question states ("Luật Thi đua, khen thưởng", "Sở Nội vụ") that no passage holds is looked
        for among the wider search's candidates: the best one holding it joins the passages, so each part of a
        question that asks about two things is read. A name the library lacks stays missing (and the question is
        refused)."""
        haystack = "\n".join(Passage(0, hit, "").haystack() for hit in hits)
        missing = [phrase for phrase in cit.named_phrases(question) if not cit.phrase_present(phrase, haystack)]
        if not missing:
            return hits
        chosen = {hit.chunk.chunk_id for hit in hits}
        wider = self._search(question, scope, self.settings.retrieval_candidates)
        extra: list[SearchHit] = []
        for phrase in missing:
            if len(extra) == self.settings.qa_name_passages or cit.phrase_present(phrase, haystack):
                continue
            found = next((hit for hit in wider if hit.chunk.chunk_id not in chosen
                          and cit.phrase_present(phrase, Passage(0, hit, "").haystack())), None)
            if found is not None:
                extra.append(found)
                chosen.add(found.chunk.chunk_id)
                haystack += "\n" + Passage(0, found, "").haystack()
        return hits + extra

    def answer_from_output(self, question: str, raw: str) -> Answer:
        """The verified answer for a model output already written (evaluation replays settings without the LLM)."""
        scope, hits = self.retrieve(question)
        evidence = assess_evidence(question, hits, self.settings, scope.multi)
        if not evidence.strong:
            return _refusal(hits, {}, self.settings, reason=evidence.reason, question=question,
                            standalone_question=question)
        passages = self.passages(question, scope, hits)
        return finalize(raw, passages, hits, {}, self.settings, scope=scope, stats=self.stats(),
                        question=question, standalone_question=question)

    def stats(self) -> cit.LibraryStats:
        """Syllable frequencies over the library's passages (recomputed when the library changes size)."""
        self._read_library()
        return self._stats

    def passage_words(self) -> PassageWords:
        """Each passage's words with its document (recomputed when the library changes size)."""
        self._read_library()
        return self._words

    def _read_library(self) -> None:
        count = self.library.chunk_count()
        if self._stats_size != count:
            chunks = list(self.library.iter_chunks())
            self._stats = cit.LibraryStats.of(chunk.text for chunk in chunks)
            self._words = PassageWords.of(chunks)
            self._stats_size = count

    def condense(self, question: str, history: Sequence[dict]) -> str:
        """A follow-up rewritten as a standalone question; skipped when it already names what it is about."""
        user_turns = [turn["content"] for turn in history if turn.get("role") == "user"]
        if _self_contained(question) or not user_turns:
            return question
        lines = [f"{'Cán bộ' if turn.get('role') == 'user' else 'Trợ lý'}: {_shorten(turn['content'], 300)}"
                 for turn in list(history)[-self.settings.qa_history_turns:]]
        prompt = render_prompt("qa_condense", self.settings.prompts_dir, history="\n".join(lines), question=question)
        reply = self.chat_model.invoke([HumanMessage(prompt)], max_tokens=self.settings.qa_condense_max_tokens)
        rewritten = cit.clean_output(str(reply.content)).split("\n")[0].strip(" \"'“”")
        if 8 <= len(rewritten) <= self.settings.max_question_chars and cit.is_vietnamese(rewritten):
            return rewritten
        return f"{user_turns[-1]} {question}"

    def passages(self, question: str, scope: QuestionScope, hits: Sequence[SearchHit]) -> list[Passage]:
        """The numbered excerpts the model reads, over all its calls."""
        return [passage for part, _ in self.prompt_parts(question, scope, hits) for passage in part]

    def _answers_each(self, scope: QuestionScope) -> bool:
        return self.settings.qa_answer_each_target and len(scope.targets) >= 2

    def prompt_parts(self, question: str, scope: QuestionScope,
                     hits: Sequence[SearchHit]) -> list[tuple[list[Passage], list]]:
        """(passages new to the call, messages) of each model call: one for the question; or, for a question naming
        two or more documents or provinces (`qa_answer_each_target`), one per target in the order the question names
        them, reading only that target's passages (numbered on from the previous part's) and asked the question as it
        concerns that target alone (`part_question`); and for a question asking two or more things (of one document,
        or of each target), one per thing, each reading the same passages (`qa_answer_each_thing`, `asked_parts`)."""
        groups = [(target.label, [hit for hit in hits if hit.chunk.source in target.sources])
                  for target in _in_question_order(scope.targets, question)] if self._answers_each(scope) else []
        groups = [(label, group) for label, group in groups if group]
        if len(groups) < 2:
            passages = build_passages(hits, question, self._passage_budget(question, scope))
            return self._calls(passages, question, scope, each_thing=not scope.multi)
        parts, first, labels = [], 1, [label for label, _ in groups]
        for label, group in groups:
            asked, alone = dated_part(part_question(question, labels, label)), QuestionScope()
            passages = build_passages(group, asked, self._passage_budget(asked, alone), first)
            parts += self._calls(passages, asked, alone, each_thing=True)
            first += len(passages)
        return parts

    def _calls(self, passages: list[Passage], question: str, scope: QuestionScope,
               each_thing: bool) -> list[tuple[list[Passage], list]]:
        """One call over `passages` for `question`; or, when it asks two or more things (`qa_answer_each_thing`), one
        per thing, the passages counted as new to the first call only (the later ones read them from the cache)."""
        things = asked_parts(question) if each_thing and self.settings.qa_answer_each_thing else []
        if not things:
            return [(passages, self._messages(passages, question, scope))]
        return [(passages if n == 0 else [], self._messages(passages, thing, QuestionScope()))
                for n, thing in enumerate(things)]

    def _passage_budget(self, question: str, scope: QuestionScope) -> int:
        """What the prompt budget leaves after the fixed text."""
        fixed = load_prompt("qa_answer", self.settings.prompts_dir) + render_prompt(
            _passages_prompt(scope), self.settings.prompts_dir, passages="", question=question)
        return self.settings.prompt_token_budget - estimate_tokens(fixed)

    def _messages(self, passages: list[Passage], question: str, scope: QuestionScope) -> list:
        # The constant system prompt first (its KV cache is reused across questions); best passage last, right
        # before the question: the small model leans on what it read most recently.
        body = "\n\n".join(p.excerpt for p in reversed(passages))
        return [
            SystemMessage(load_prompt("qa_answer", self.settings.prompts_dir)),
            HumanMessage(render_prompt(_passages_prompt(scope), self.settings.prompts_dir, passages=body,
                                       question=question)),
        ]


def _in_question_order(targets: list, question: str) -> list:
    """The targets in the order the question names them."""
    lowered = question.casefold()
    return sorted(targets, key=lambda t: lowered.find(t.label.casefold()) % (len(lowered) + 1))


def _self_contained(question: str) -> bool:
    words = cit.words(question)
    names = doc_numbers(question) or cit.named_phrases(question)
    return bool(names) and len(words) >= 6 and not _ANAPHORA.intersection(words)


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def _passages_prompt(scope: QuestionScope) -> str:
    """A question about several documents asks for each one's facts; any other keeps the one-sentence answer."""
    return "qa_passages_multi" if scope.multi else "qa_passages"


# A question on whom a document goes to ("nơi nhận", "được gửi tới …", "gửi cho những cơ quan nào").
_ASKS_RECIPIENTS = re.compile(
    r"(?i)nơi nhận|được gửi (?:đến|tới|cho)|gửi (?:đến|tới|cho) (?:những )?(?:ai|cơ quan nào|đơn vị nào)")


def _recipients_list(chunk: Chunk) -> bool:
    """A passage of a document's "Nơi nhận" block (the chunker files it under that heading): it names bodies, the
    province and "Thủ tướng" in every line, so it matches the words naming a document, and answers only who gets it."""
    return chunk.section.split(" > ")[-1].casefold().startswith("nơi nhận")


def _round_robin(pools: list[list[SearchHit]], k: int) -> list[SearchHit]:
    """Hits taken from each pool in turn, best first, without repeats, up to k."""
    chosen: list[SearchHit] = []
    seen: set[str] = set()
    for rank in range(max((len(pool) for pool in pools), default=0)):
        for pool in pools:
            if rank < len(pool) and pool[rank].chunk.chunk_id not in seen and len(chosen) < k:
                chosen.append(pool[rank])
                seen.add(pool[rank].chunk.chunk_id)
    return chosen


def _one_per_document(hits: list[SearchHit]) -> list[SearchHit]:
    """The best hit of each document in rank order, then the rest: a comparison reads several documents."""
    firsts, rest, seen = [], [], set()
    for hit in hits:
        (rest if hit.chunk.source in seen else firsts).append(hit)
        seen.add(hit.chunk.source)
    return firsts + rest


def support_rules(settings: Settings) -> cit.SupportRules:
    return cit.SupportRules(term_share=settings.qa_support_threshold, focus_share=settings.qa_focus_share,
                            focus_relative=settings.qa_focus_relative,
                            window=settings.qa_focus_window, quote_match=settings.qa_quote_match,
                            name_match=settings.qa_name_match, sentence_margin=settings.qa_closer_sentence_margin)


def _refusal(hits: Sequence[SearchHit], timings: dict, settings: Settings, *, reason: str, question: str,
             standalone_question: str, unsupported: list[str] | None = None) -> Answer:
    closest = [Citation.from_hit(i + 1, hit) for i, hit in enumerate(hits[:settings.qa_closest_on_refusal])]
    return Answer(REFUSAL, True, closest, list(hits), timings, question, standalone_question,
                  unsupported or [], reason)


@dataclass
class Repaired:
    """The model's sentences after quote and name repair: kept ones, and dropped ones (restated questions,
    quotes or names that match no passage). Independent of the verification thresholds, so tuning computes it once."""

    sentences: list[str]
    dropped: list[str]


def repair(raw: str, passages: list[Passage], question: str, settings: Settings,
           stats: cit.LibraryStats | None = None) -> Repaired:
    rules = support_rules(settings)
    texts = [p.haystack() for p in passages]
    out = Repaired([], [])
    for sentence in cit.split_sentences(cit.clean_output(raw), colon_ends=False):
        if cit.restates_question(sentence):  # no claim
            out.dropped.append(cit.tidy(cit.strip_markers(sentence)))
            continue
        fixed = cit.repair_quotes(sentence, texts, rules)
        fixed = fixed and cit.repair_names(fixed, texts, question, stats, rules)
        if fixed:
            out.sentences.append(fixed)
        else:
            out.dropped.append(cit.tidy(cit.strip_markers(sentence)))
    return out


def finalize(raw: str, passages: list[Passage], hits: Sequence[SearchHit], timings: dict, settings: Settings, *,
             question: str, standalone_question: str, scope: QuestionScope | None = None,
             stats: cit.LibraryStats | None = None, repaired: Repaired | None = None) -> Answer:
    """Turn the model's text into the answer shown: repaired quotes and names (`repaired`, when already computed),
    verified sentences, renumbered citations — or a refusal when nothing supported is left, the answer lacks the kind
    of fact asked for, or the passages it cites do not hold the figures the question states (its year, number or
    count)."""
    rules = support_rules(settings)
    repaired = repaired or repair(raw, passages, standalone_question, settings, stats)
    claims = cit.attribute("\n".join(repaired.sentences), [p.source_text() for p in passages], standalone_question,
                           rules, stats)
    unsupported = repaired.dropped + [c.text for c in claims if not c.supported]
    kept = [_signing_dated(c, passages, standalone_question) for c in claims if c.supported]
    kept = _compared_in_time(kept, passages, scope, standalone_question)
    facts = [c for c in kept if not c.meta]
    stated = [fact for claim in facts for fact in claim.facts]
    expects = scope.expects if scope else frozenset()
    reason = ""
    # a day or a count written in words ("thứ Bảy", "hai lần") answers "ngày nào / mấy" without a digit
    states_in_words = "number" in expects and any(WEEKDAY_RE.search(claim.text) or COUNT_IN_WORDS_RE.search(claim.text)
                                                  for claim in facts)
    names_body = "body" in expects and any(BODY_NAME_RE.search(claim.text) for claim in facts)
    if facts and expects and not states_in_words and not names_body and not any(
            ("person" in expects and fact.person) or ("number" in expects and fact.kind == "number")
            for fact in stated):
        facts, reason = [], f"asked for a {' or '.join(sorted(expects))}, the answer states none"
    elif facts and scope and _about_other_places(facts, passages, scope):
        facts, reason = [], "the answer rests only on documents of other provinces than the question names"
    elif facts and settings.qa_question_figures_cited:
        cited_text = "\n".join(passages[n - 1].haystack() for claim in facts for n in claim.cited)
        asked = DOC_NUMBER_RE.sub(" ", standalone_question)  # a số ký hiệu names, it is no figure
        missing = sorted(_figures(asked) - _figures(cited_text))
        if missing:
            facts, reason = [], f"the question's figures {', '.join(missing)} are not in the cited passages"
    if not facts and not reason:
        reason = ("model says the passages do not answer" if any(c.meta for c in claims)
                  else "; ".join(c.reason for c in claims if c.reason) or "no supported claim")
    if not facts:
        answer = _refusal(hits, timings, settings, reason=reason, question=question,
                          standalone_question=standalone_question, unsupported=unsupported)
        answer.model_output = raw
        return answer

    order: list[int] = []
    for claim in facts:
        order += [n for n in claim.cited if n not in order]
    renumber = {old: new for new, old in enumerate(order, start=1)}
    sentences = [_with_markers(c.text, [renumber[n] for n in c.cited]) for c in kept]
    joiner = "\n" if any(s.lstrip().startswith(("-", "*", "+", "•")) for s in sentences) else " "
    cited = [Citation.from_hit(renumber[n], passages[n - 1].hit) for n in order]
    quotes = evidence_quotes(facts, passages, renumber, settings)
    notes = replaced_notes(cited, settings)
    text = joiner.join(sentences) + "".join(f"\n\n{part}" for part in (notes, quotes) if part)
    return Answer(text, False, cited, list(hits), timings, question, standalone_question, unsupported, "", raw)


def _figures(text: str) -> set[str]:
    """The numbers of a text, its letter codes, a code whole ("a5": the figure of "khổ A5" is no "5"), and its Roman
    numerals ("Doanh nghiệp III" is not "Doanh nghiệp IV")."""
    return cit.numbers(LETTER_CODE_RE.sub(" ", text)) | letter_codes(text) | roman_numerals(text)


def replaced_notes(cited: list[Citation], settings: Settings) -> str:
    """A word that a cited document has since been replaced (Luật Thi đua, khen thưởng 2003 by the 2022 law), so that
    nobody applies an answer quoting it as the rule in force today."""
    table, year = successors(settings.home), datetime.date.today().year
    notes, seen = [], set()
    for citation in cited:
        number = citation.doc_number
        if not number or number in seen:
            continue
        if successor := successor_by(number, table, year):
            seen.add(number)
            notes.append(f"Lưu ý: văn bản số {number} (nguồn [{citation.n}]) đã được thay thế bởi {successor.line} "
                         f"(hiệu lực từ {successor.since}).")
    return "\n".join(notes)


RECORD_NOTE = "(theo hồ sơ của thư viện):"
# A line of `evidence_quotes`: "[1] «sentence»", or "[1] (theo hồ sơ của thư viện): số …" for the library's record.
EVIDENCE_LINE = re.compile(rf"(?m)^\[\d+\]\s*(?:«|{re.escape(RECORD_NOTE)}).*$\n?")


def evidence_quotes(claims: list[cit.Claim], passages: list[Passage], renumber: dict[int, int],
                    settings: Settings) -> str:
    """Under the answer, the passage sentences its claims rest on, verbatim, one line each ("[1] «…»"): staff cite
    the document's own words, and the model's short paraphrase often leaves out a condition or a second figure that
    the sentence states. A card's record line is the library's words, so it is marked as such, not quoted. At most
    `qa_evidence_quotes` lines; none that repeat a claim."""
    lines: list[str] = []
    limit = settings.qa_evidence_quotes
    for claim, n in ((claim, n) for claim in claims for n in claim.cited):
        for quote in cit.evidence_sentences(claim, passages[n - 1].source_text(), settings.qa_evidence_quote_chars,
                                            limit - len(lines)):
            if quote.startswith(RECORD_LINE_LABEL):  # a card's record line: the library's words, no quote
                line = f"[{renumber[n]}] {RECORD_NOTE} {quote[len(RECORD_LINE_LABEL):].strip()}"
            else:
                line = f"[{renumber[n]}] «{quote}»"
            if line not in lines:
                lines.append(line)
        if len(lines) >= limit:
            break
    return "\n".join(lines)


def _about_other_places(claims: list[cit.Claim], passages: list[Passage], scope: QuestionScope) -> bool:
    """Whether every passage the claims cite comes from a local document of a province the question does not name
    (or whose documents it does not name): a question on Nghệ An's plan is not answered from Đắk Lắk's alone.
    National documents (no province) are never another place."""
    targeted = {source for target in scope.targets for source in target.sources}
    asked = {target.label for target in scope.targets} | {
        p.hit.chunk.metadata.province for p in passages if p.hit.chunk.source in targeted}
    cited = [passages[n - 1].hit.chunk.metadata.province for claim in claims for n in claim.cited]
    return bool(scope.targets and cited) and all(
        province and not any(same_place(province, place) for place in asked if place) for province in cited)


def _signing_dated(claim: cit.Claim, passages: list[Passage], question: str) -> cit.Claim:
    """"… có hiệu lực kể từ ngày ký", "… triển khai từ ngày ban hành Kế hoạch" with the day the cited document was
    signed: "… kể từ ngày ký (05/3/2020)" — the day asked for, which the sentence names only by reference. Unchanged
    when the cited passages come from documents of different dates or of none."""
    dates = {passages[n - 1].hit.chunk.metadata.date for n in claim.cited}
    found = FROM_ISSUE_DAY.search(claim.text)
    if not found or len(dates) != 1 or not (day := short_date(dates.pop())):
        return claim
    text = f"{claim.text[:found.end()]} ({day}){claim.text[found.end():]}"
    return replace(claim, text=text, facts=cit.claim_facts(text, question))


def _compared_in_time(claims: list[cit.Claim], passages: list[Passage], scope: QuestionScope | None,
                      question: str) -> list[cit.Claim]:
    """For a question asking which of the documents or provinces it names is earlier (or later), each answered
    apart with its date (`dated_part`): one sentence comparing their dates, in place of the model's own comparisons.
    The small model reads two dates right and then calls the later one earlier. Each target's date is the first one
    its claims state after the words compared ("ban hành … ngày 18/11/2025", not the date of the decision the plan
    implements). Unchanged unless every target has one and no two are the same day."""
    found = time_comparison(question)
    if not found or not scope or len(scope.targets) < 2:
        return claims
    degree = found.group("degree").casefold()
    # what is compared: the two words before "sớm hơn" ("ban hành", "hiệu lực"); a date said after them answers it
    verb = " ".join(nfc(question)[:found.start()].split()[-2:]).casefold()
    dated = []
    for target in _in_question_order(scope.targets, question):
        stated = next(((claim, n, match) for claim in claims if not claim.meta and verb in claim.text.casefold()
                       for n in claim.cited if passages[n - 1].hit.chunk.source in target.sources
                       for match, _ in find_dates(claim.text[claim.text.casefold().find(verb):])[:1]), None)
        if stated is None:
            return claims
        claim, n, match = stated
        dated.append((date_of(match)[::-1], target.label, match.group(), claim, n))
    if len({day for day, *_ in dated}) < len(dated):
        return claims
    dated.sort(key=lambda entry: entry[0], reverse=degree != "sớm")
    (_, label, day, claim, n), rest = dated[0], dated[1:]
    others = ", ".join(f"{other} ({other_day})" for _, other, other_day, *_ in rest)
    text = f"{label} ({day}) {degree} hơn {others}."
    compared = replace(claim, text=text, cited=[n, *(m for *_, m in rest if m != n)],
                       facts=cit.claim_facts(text, question))
    return [c for c in claims if not COMPARATIVE_RE.search(c.text)] + [compared]


def _with_markers(sentence: str, numbers: list[int]) -> str:
    if not numbers:
        return sentence
    marks = "".join(f"[{n}]" for n in numbers)
    body = sentence.rstrip()
    core = body.rstrip(".!?;:…, ")
    end = body[-1] if body and body[-1] in ".!?" else "."
    return f"{core} {marks}{end}"
