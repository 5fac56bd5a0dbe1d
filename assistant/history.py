"""Conversation, draft and feedback history: one SQLite file in the data directory (`settings.history_path`).

Several app processes may share one data directory, so every operation opens its own connection in WAL mode with a
busy timeout and writes in one short `BEGIN IMMEDIATE` transaction; nothing is held open between calls. Every row
belongs to an owner (`user:<login>` or `browser:<id>`): listing, reopening and deleting only ever see the caller's own
rows. Nothing here talks to the network.

A chat turn is stored as the question plus the `Answer.to_dict()` payload (answer, refused, citations with their
passages, retrieved sources, timings). Feedback copies what it rates (question, answer, citations, retrieved), the
settings in force and the app version, so an exported evaluation item never depends on a history row that was deleted.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from types import UnionType
from typing import Union, get_args, get_origin, get_type_hints

from core.errors import HistoryError, HistoryNotFoundError

UP, DOWN = "up", "down"
WRONG_FACTS = "sai thông tin"
WRONG_PASSAGE = "trích dẫn không đúng đoạn"
SHOULD_ANSWER = "lẽ ra phải trả lời được"
SHOULD_REFUSE = "lẽ ra phải từ chối"
REASONS = (WRONG_FACTS, WRONG_PASSAGE, SHOULD_ANSWER, SHOULD_REFUSE)
_SECRET_SETTINGS = {"openai_api_key", "auth_password"}
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # "[1]", "[1, 3]": the chain's citation markers

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    question TEXT NOT NULL, payload TEXT NOT NULL, created TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_id, id);
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, markdown TEXT NOT NULL, data TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS drafts_by_owner ON drafts (owner, updated);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL,
    turn_id INTEGER REFERENCES turns (id) ON DELETE CASCADE, conversation_id TEXT,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), reasons TEXT NOT NULL, correction TEXT NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL, citations TEXT NOT NULL,
    retrieved TEXT NOT NULL, settings TEXT NOT NULL, version TEXT NOT NULL, created TEXT NOT NULL,
    updated TEXT NOT NULL, UNIQUE (owner, turn_id));
CREATE INDEX IF NOT EXISTS feedback_by_created ON feedback (created);
"""


def now() -> str:
    """Local time with its offset, to the second: sorts as text and starts with the date `--since` compares."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def app_version() -> str:
    try:
        return importlib.metadata.version("plan-assistant")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def settings_snapshot(settings) -> dict:
    """The settings in force, without secrets (API key, login password)."""
    return settings.model_dump(mode="json", exclude=_SECRET_SETTINGS)


@dataclass
class Turn:
    id: int
    question: str
    payload: dict  # `Answer.to_dict()`
    created: str = ""


@dataclass
class Conversation:
    id: str
    owner: str
    title: str
    created: str
    updated: str
    turns: list[Turn] = field(default_factory=list)


@dataclass
class DraftRecord:
    id: str
    owner: str
    title: str
    markdown: str
    data: dict  # the Draft's fields (`draft_fields`), to rebuild it for revising and exporting
    created: str
    updated: str


@dataclass
class Feedback:
    id: int
    owner: str
    turn_id: int | None
    conversation_id: str | None
    rating: str
    reasons: list[str]
    correction: str
    question: str
    answer: str
    refused: bool
    citations: list[dict]
    retrieved: list[dict]
    settings: dict
    version: str
    created: str
    updated: str

    @property
    def exportable(self) -> bool:
        return qa_item(self) is not None


class HistoryStore:
    """The history database of one data directory; cheap to construct, safe to share between threads and processes."""

    def __init__(self, path: Path, *, busy_timeout_s: float = 15.0):
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._ready = False

    @classmethod
    def for_settings(cls, settings) -> HistoryStore:
        return cls(settings.history_path, busy_timeout_s=settings.history_busy_timeout_s)

    # ---- connection -----------------------------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(detail=str(error)) from error
        try:
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            connection.execute("PRAGMA foreign_keys = ON")
            if not self._ready:
                try:
                    connection.execute("PRAGMA journal_mode = WAL")  # persistent: the first process sets it
                except sqlite3.OperationalError:
                    pass  # another process holds the file while switching it to WAL
                connection.executescript(_SCHEMA)
                self._ready = True
            if write:
                connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            if connection.in_transaction:
                connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise HistoryError(detail=str(error)) from error
        finally:
            connection.close()

    # ---- conversations --------------------------------------------------------------------------------------------

    def add_turn(self, owner: str, conversation_id: str | None, question: str, payload: dict) -> tuple[str, int]:
        """Appends one answered question; starts a conversation when `conversation_id` is None (or not the owner's).
        Returns (conversation id, turn id)."""
        stamp = now()
        with self._connect(write=True) as db:
            known = conversation_id and db.execute("SELECT 1 FROM conversations WHERE id = ? AND owner = ?",
                                                   (conversation_id, owner)).fetchone()
            if not known:
                conversation_id = uuid.uuid4().hex
                db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                           (conversation_id, owner, _title(question), stamp, stamp))
            else:
                db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (stamp, conversation_id))
            cursor = db.execute("INSERT INTO turns (conversation_id, question, payload, created) VALUES (?, ?, ?, ?)",
                                (conversation_id, question, _dump(payload), stamp))
            return conversation_id, int(cursor.lastrowid)

    def conversations(self, owner: str, limit: int | None = None) -> list[Conversation]:
        """The owner's conversations, most recently continued first (without their turns)."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM conversations WHERE owner = ? ORDER BY updated DESC, rowid DESC LIMIT ?",
                              (owner, -1 if limit is None else limit)).fetchall()
        return [Conversation(r["id"], r["owner"], r["title"], r["created"], r["updated"]) for r in rows]

    def conversation(self, owner: str, conversation_id: str) -> Conversation:
        with self._connect() as db:
            row = db.execute("SELECT * FROM conversations WHERE id = ? AND owner = ?",
                             (conversation_id or "", owner)).fetchone()
            if row is None:
                raise HistoryNotFoundError()
            turns = db.execute("SELECT * FROM turns WHERE conversation_id = ? ORDER BY id",
                               (conversation_id,)).fetchall()
        return Conversation(row["id"], row["owner"], row["title"], row["created"], row["updated"],
                            [Turn(t["id"], t["question"], json.loads(t["payload"]), t["created"]) for t in turns])

    def delete_conversation(self, owner: str, conversation_id: str) -> None:
        """Deletes the conversation, its turns and the feedback given on them."""
        with self._connect(write=True) as db:
            if not db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?",
                              (conversation_id or "", owner)).rowcount:
                raise HistoryNotFoundError()

    # ---- drafts ---------------------------------------------------------------------------------------------------

    def save_draft(self, owner: str, draft_id: str | None, title: str, markdown: str, data: dict) -> str:
        """Creates (draft_id None or not the owner's) or updates a draft; returns its id."""
        stamp = now()
        with self._connect(write=True) as db:
            if draft_id and db.execute("UPDATE drafts SET title = ?, markdown = ?, data = ?, updated = ? "
                                       "WHERE id = ? AND owner = ?",
                                       (title, markdown, _dump(data), stamp, draft_id, owner)).rowcount:
                return draft_id
            draft_id = uuid.uuid4().hex
            db.execute("INSERT INTO drafts VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (draft_id, owner, title, markdown, _dump(data), stamp, stamp))
            return draft_id

    def drafts(self, owner: str, limit: int | None = None) -> list[DraftRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM drafts WHERE owner = ? ORDER BY updated DESC, rowid DESC LIMIT ?",
                              (owner, -1 if limit is None else limit)).fetchall()
        return [_draft(r) for r in rows]

    def draft(self, owner: str, draft_id: str) -> DraftRecord:
        with self._connect() as db:
            row = db.execute("SELECT * FROM drafts WHERE id = ? AND owner = ?", (draft_id or "", owner)).fetchone()
        if row is None:
            raise HistoryNotFoundError()
        return _draft(row)

    def delete_draft(self, owner: str, draft_id: str) -> None:
        with self._connect(write=True) as db:
            if not db.execute("DELETE FROM drafts WHERE id = ? AND owner = ?", (draft_id or "", owner)).rowcount:
                raise HistoryNotFoundError()

    # ---- feedback -------------------------------------------------------------------------------------------------

    def rate_turn(self, owner: str, turn_id: int, rating: str, *, reasons=(), correction: str = "", settings: dict,
                  version: str) -> Feedback:
        """The owner's 👍/👎 on one of their turns (a second rating of the same turn replaces the first)."""
        with self._connect() as db:
            row = db.execute("SELECT t.question, t.payload, t.conversation_id FROM turns t JOIN conversations c "
                             "ON c.id = t.conversation_id WHERE t.id = ? AND c.owner = ?", (turn_id, owner)).fetchone()
        if row is None:
            raise HistoryNotFoundError()
        return self.add_feedback(owner, row["question"], json.loads(row["payload"]), rating, reasons=reasons,
                                 correction=correction, settings=settings, version=version, turn_id=turn_id,
                                 conversation_id=row["conversation_id"])

    def add_feedback(self, owner: str, question: str, payload: dict, rating: str, *, reasons=(), correction: str = "",
                     settings: dict, version: str, turn_id: int | None = None,
                     conversation_id: str | None = None) -> Feedback:
        """Stores one rating with everything it rates; upserts on (owner, turn) when the turn is known."""
        if rating not in (UP, DOWN):
            raise HistoryError(f"Đánh giá không hợp lệ: {rating!r}.", f"Invalid rating {rating!r}.")
        reasons = [r for r in REASONS if r in set(reasons or ())] if rating == DOWN else []
        correction = (correction or "").strip() if rating == DOWN else ""
        stamp = now()
        values = {"owner": owner, "turn_id": turn_id, "conversation_id": conversation_id, "rating": rating,
                  "reasons": _dump(reasons), "correction": correction, "question": question,
                  "answer": payload.get("answer") or "", "refused": int(bool(payload.get("refused"))),
                  "citations": _dump(payload.get("citations") or []), "retrieved": _dump(payload.get("retrieved") or []),
                  "settings": _dump(settings), "version": version, "created": stamp, "updated": stamp}
        columns = ", ".join(values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name not in ("owner", "turn_id", "created"))
        with self._connect(write=True) as db:
            row = db.execute(f"INSERT INTO feedback ({columns}) VALUES ({', '.join('?' * len(values))}) "
                             f"ON CONFLICT (owner, turn_id) DO UPDATE SET {updates} RETURNING *",
                             tuple(values.values())).fetchall()[0]
            return _feedback(row)

    def remove_rating(self, owner: str, turn_id: int) -> bool:
        """Takes back the owner's rating of a turn (the 👍/👎 was clicked again)."""
        with self._connect(write=True) as db:
            return bool(db.execute("DELETE FROM feedback WHERE owner = ? AND turn_id = ?", (owner, turn_id)).rowcount)

    def rating_of(self, owner: str, turn_id: int) -> Feedback | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM feedback WHERE owner = ? AND turn_id = ?", (owner, turn_id)).fetchone()
        return _feedback(row) if row else None

    def feedback(self, *, since: str | date | None = None, owner: str | None = None,
                 limit: int | None = None, newest_first: bool = True) -> list[Feedback]:
        """Ratings (everyone's unless `owner`), created on or after `since` (a date or "YYYY-MM-DD")."""
        where, args = ["created >= ?"], [str(since or "")]
        if owner is not None:
            where.append("owner = ?")
            args.append(owner)
        order = "DESC" if newest_first else "ASC"
        with self._connect() as db:
            rows = db.execute(f"SELECT * FROM feedback WHERE {' AND '.join(where)} ORDER BY created {order}, id {order} "
                              "LIMIT ?", (*args, -1 if limit is None else limit)).fetchall()
        return [_feedback(r) for r in rows]

    def feedback_counts(self) -> dict:
        items = self.feedback()
        return {"total": len(items), "up": sum(f.rating == UP for f in items),
                "down": sum(f.rating == DOWN for f in items),
                "with_correction": sum(bool(f.correction) for f in items),
                "exportable": sum(f.exportable for f in items)}

    def delete_feedback(self, owner: str, feedback_id: int) -> None:
        with self._connect(write=True) as db:
            if not db.execute("DELETE FROM feedback WHERE id = ? AND owner = ?", (feedback_id, owner)).rowcount:
                raise HistoryNotFoundError()

    def forget(self, owner: str) -> dict:
        """Deletes everything the owner made: conversations (with their turns), drafts and feedback."""
        with self._connect(write=True) as db:
            counts = {"feedback": db.execute("DELETE FROM feedback WHERE owner = ?", (owner,)).rowcount,
                      "drafts": db.execute("DELETE FROM drafts WHERE owner = ?", (owner,)).rowcount,
                      "conversations": db.execute("DELETE FROM conversations WHERE owner = ?", (owner,)).rowcount}
        return counts


# ---- evaluation export ----------------------------------------------------------------------------------------------

def qa_item(feedback: Feedback) -> dict | None:
    """One line of the development-set format (`eval qa`), or None when the rating says nothing about the gold answer.

    👍 keeps the answer given (a 👍 on a refusal makes an unanswerable item); 👎 with «lẽ ra phải từ chối» makes an
    unanswerable item; any other 👎 needs a correction, which becomes the gold answer. Evidence is the cited passages,
    verbatim — unless the answer was a refusal (those are only the closest passages) or «trích dẫn không đúng đoạn»
    was ticked.
    """
    down = feedback.rating == DOWN
    if (down and SHOULD_REFUSE in feedback.reasons) or (not down and feedback.refused):
        answer, kind = None, "unanswerable"
    elif down and feedback.correction:
        answer, kind = feedback.correction, "single"
    elif not down:
        answer, kind = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(_MARKER.sub("", feedback.answer).split())), "single"
    else:
        return None
    trusted = answer is not None and not feedback.refused and WRONG_PASSAGE not in feedback.reasons
    evidence = []
    for citation in feedback.citations if trusted else []:
        item = {"file": citation.get("source", ""), "text": citation.get("text", "")}
        if item["file"] and item["text"] and item not in evidence:
            evidence.append(item)
    return {"id": f"fb-{feedback.id:05d}", "question": feedback.question, "answer": answer, "type": kind,
            "source_file": list(dict.fromkeys(e["file"] for e in evidence)), "evidence": evidence,
            "origin": {"feedback_id": feedback.id, "rating": feedback.rating, "reasons": feedback.reasons,
                       "created": feedback.created, "version": feedback.version}}


def parse_since(text: str | None) -> str | None:
    """"YYYY-MM-DD" or "dd/mm/yyyy" to "YYYY-MM-DD"; raises HistoryError on anything else."""
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    raise HistoryError(f"Ngày «{text}» không hợp lệ, hãy viết YYYY-MM-DD hoặc dd/mm/yyyy.",
                       f"Invalid date {text!r}: use YYYY-MM-DD or dd/mm/yyyy.")


# ---- conversation export --------------------------------------------------------------------------------------------

@dataclass
class Note:
    """One numbered note of an exported conversation: a citation of one turn, renumbered across the conversation."""

    n: int
    citation: dict

    def text(self) -> str:
        c = self.citation
        label = " — ".join(p for p in (c.get("doc_number"), c.get("title")) if p) or c.get("source", "")
        where = ", ".join(p for p in (f"mục {c['section']}" if c.get("section") else "",
                                      f"trang {c['page']}" if c.get("page") else "",
                                      f"tệp {c['source']}" if c.get("source") else "") if p)
        passage = " ".join(str(c.get("text", "")).split())
        return f"{label}" + (f" ({where})" if where else "") + (f": “{passage}”" if passage else "")


def numbered_turns(conversation: Conversation) -> list[tuple[Turn, str, list[Note]]]:
    """Each turn with its answer's markers renumbered across the conversation ("[1]" of turn 2 may become "[3]")."""
    out, next_n = [], 1
    for turn in conversation.turns:
        mapping, notes = {}, []
        for citation in turn.payload.get("citations") or []:
            mapping[int(citation.get("n", 0))] = next_n
            notes.append(Note(next_n, citation))
            next_n += 1

        def renumber(match: re.Match, mapping: dict[int, int] = mapping) -> str:
            numbers = [mapping.get(int(n)) for n in match.group(1).split(",")]
            return "".join(f"[{n}]" for n in numbers if n) or match.group(0)

        out.append((turn, _MARKER.sub(renumber, turn.payload.get("answer") or ""), notes))
    return out


def conversation_markdown(conversation: Conversation) -> str:
    """Questions and answers, citations as Markdown footnotes (`[^n]`, rendered by GitHub, Pandoc, Obsidian...)."""
    lines = [f"# {conversation.title}", "", f"*Cuộc trò chuyện ngày {display_time(conversation.created)} — "
             f"Trợ lý Kế hoạch Thi đua*", ""]
    notes: list[Note] = []
    for number, (turn, answer, turn_notes) in enumerate(numbered_turns(conversation), start=1):
        answer = re.sub(r"\[(\d+)\]", r"[^\1]", answer)
        lines += [f"## Câu hỏi {number}", "", f"**Hỏi:** {turn.question}", "", f"**Trả lời:** {answer}", ""]
        if turn.payload.get("refused") and turn_notes:
            lines += ["Các đoạn gần nhất trong thư viện: " + ", ".join(f"[^{n.n}]" for n in turn_notes), ""]
        notes += turn_notes
    lines += [f"[^{note.n}]: {note.text()}" for note in notes]
    return "\n".join(lines).rstrip() + "\n"


def write_conversation_docx(conversation: Conversation, path: Path) -> Path:
    """The conversation as DOCX. python-docx 1.2.0 cannot write real Word footnotes, so the markers stay "[n]" in the
    text (superscript) and a numbered «Chú thích» list at the end gives each cited passage (endnote style)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    document.add_heading(conversation.title, level=1)
    document.add_paragraph().add_run(f"Cuộc trò chuyện ngày {display_time(conversation.created)} — "
                                     "Trợ lý Kế hoạch Thi đua").italic = True
    notes: list[Note] = []
    for number, (turn, answer, turn_notes) in enumerate(numbered_turns(conversation), start=1):
        document.add_heading(f"Câu hỏi {number}", level=2)
        asked = document.add_paragraph()
        asked.add_run("Hỏi: ").bold = True
        asked.add_run(turn.question)
        reply = document.add_paragraph()
        reply.add_run("Trả lời: ").bold = True
        for piece in re.split(r"(\[\d+\])", answer):
            run = reply.add_run(piece)
            run.font.superscript = bool(re.fullmatch(r"\[\d+\]", piece))
        if turn.payload.get("refused") and turn_notes:
            document.add_paragraph("Các đoạn gần nhất trong thư viện: " + ", ".join(f"[{n.n}]" for n in turn_notes))
        notes += turn_notes
    if notes:
        document.add_heading("Chú thích", level=2)
        for note in notes:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"[{note.n}] ").bold = True
            paragraph.add_run(note.text())
            paragraph.paragraph_format.space_after = Pt(4)
    path = Path(path)
    document.save(path)
    return path


# ---- drafts ---------------------------------------------------------------------------------------------------------

def draft_fields(draft) -> dict:
    """A Draft's dataclass fields as JSON-ready data (what `rebuild_draft` reads back)."""
    from dataclasses import asdict

    return asdict(draft)


def rebuild_draft(data: dict):
    """The Draft stored by `draft_fields` (nested dataclasses rebuilt from their type hints), or None when its shape
    no longer matches the drafting code."""
    from assistant.drafting import Draft

    try:
        return _rebuild(Draft, data)
    except (KeyError, TypeError, ValueError, NameError):
        return None


def _rebuild(hint, value):
    """`value` (plain JSON data) as an instance of the type `hint`, for dataclasses, lists and optionals of them."""
    if value is None:
        return None
    if is_dataclass(hint) and isinstance(hint, type):
        hints = get_type_hints(hint)
        return hint(**{f.name: _rebuild(hints[f.name], value[f.name]) for f in fields(hint)
                       if f.init and f.name in value})
    origin, args = get_origin(hint), get_args(hint)
    if origin in (list, tuple) and args:
        return origin(_rebuild(args[0], item) for item in value)
    if origin in (Union, UnionType):
        built = [a for a in args if a is not type(None) and (is_dataclass(a) or get_origin(a) in (list, tuple))]
        return _rebuild(built[0], value) if built else value
    return value


# ---- helpers --------------------------------------------------------------------------------------------------------

def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _title(question: str) -> str:
    text = " ".join((question or "").split())
    return text if len(text) <= 80 else text[:79] + "…"


def display_time(stamp: str) -> str:
    """"2026-01-05T10:02:00+07:00" -> "05/01/2026 10:02"."""
    try:
        return datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return stamp or ""


def _draft(row) -> DraftRecord:
    return DraftRecord(row["id"], row["owner"], row["title"], row["markdown"], json.loads(row["data"]), row["created"],
                       row["updated"])


def _feedback(row) -> Feedback:
    return Feedback(row["id"], row["owner"], row["turn_id"], row["conversation_id"], row["rating"],
                    json.loads(row["reasons"]), row["correction"], row["question"], row["answer"],
                    bool(row["refused"]), json.loads(row["citations"]), json.loads(row["retrieved"]),
                    json.loads(row["settings"]), row["version"], row["created"], row["updated"])
