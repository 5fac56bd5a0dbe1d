"""The document library: a Chroma store (source of truth) plus a BM25 index derived from it, fused by RRF.

Write protocol, so a crash never leaves a half-indexed document: a document's registry record is deleted first,
its chunks replaced, and the registry record written last. On open, chunks without a registry record (or a record
whose chunk count disagrees) are removed; re-running the ingest finishes the job. Writers hold a file lock, so
several processes on one data directory (or one Chroma server) take turns; a process that sees another's
revision reopens its on-disk client, whose vector index is cached in memory. The lexical index lives in memory,
rebuilt from the chunks' stored tokens whenever the library's revision (kept in Chroma) changes, so every app
process sharing a Chroma server sees the same lexical index.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from core.errors import (
    AssistantError,
    CorruptFileError,
    DocumentError,
    DocumentNotFoundError,
    IndexUnavailableError,
)
from core.settings import Settings
from index.chunking import CHUNKING_VERSION, chunk_document
from index.embeddings import make_embeddings
from index.lexical import LexicalIndex, segment
from index.loaders import SUPPORTED_EXTENSIONS, load_file
from index.metadata import read_sidecar
from core.vietnamese import number_key, number_keys, province_key
from core.models import Chunk, DocumentMetadata, DocumentRecord, IngestResult, SearchHit

log = logging.getLogger(__name__)
Progress = Callable[[int, int, IngestResult], None]
PageProgress = Callable[[str, int, int, int], None]  # (source, OCR pages done, OCR pages in the file, page number)
_META_FIELDS = ("title", "doc_number", "date", "issuer", "province", "doc_type")
_MAX_NAME = 150
_MAX_NAME_BYTES = 200  # NAME_MAX is 255 bytes; the temporary copy adds a dot, the pid and ".tmp"
_BATCH = 256
_STALE_TEMPORARY_S = 3600
_REGISTRY_VECTOR = [1.0]  # registry records are looked up by id only; Chroma still wants a vector per record


def safe_source_name(name: str) -> str:
    """A file name safe to store and show: no folders, no control characters, NFC, bounded length."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[<>:\"|?*]", "_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10].lower()
    stem = stem[: _MAX_NAME - len(extension) - 1]
    while len(stem.encode()) > _MAX_NAME_BYTES - len(extension) - 1:  # file systems count bytes, not letters
        stem = stem[:-1]
    stem = stem.strip(" .") or "tai-lieu"
    return f"{stem}.{extension}" if extension else stem


def _when_unlocked(change: Callable[[], object], attempts: int = 8, pause_s: float = 0.25) -> None:
    """Run a change to the store, waiting while another client of the same files holds SQLite's write lock (another
    process's ingestion, or the store's own background flush just after a write): "database is locked" is a wait,
    not a broken store."""
    for attempt in range(attempts):
        try:
            change()
            return
        except Exception as error:  # chromadb wraps SQLite's SQLITE_BUSY in its own InternalError
            if "database is locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(pause_s * (attempt + 1))


def _catalogue_key(sidecar: dict | None) -> str:
    """A document's catalogue row as the registry keeps it ("" without one): canonical JSON, so a changed row is
    seen and the document can be read again with its row when no catalogue file is at hand."""
    return json.dumps(sidecar, ensure_ascii=False, sort_keys=True) if sidecar else ""


def _catalogue_row(kept: str) -> dict | None:
    """The catalogue row a registry entry keeps: {} for none, None for a row of which an older version kept only a
    fingerprint."""
    if not kept:
        return {}
    try:
        row = json.loads(kept)
    except ValueError:
        return None
    return row if isinstance(row, dict) else None


def _chunk_metadata(chunk: Chunk, content_hash: str) -> dict:
    return {
        "source": chunk.source, "section": chunk.section, "page": chunk.page or 0, "order": chunk.order,
        "content_hash": content_hash, "lex": " ".join(segment(chunk.embed_text())), "ocr": chunk.ocr,
        "card": chunk.card,
        **{name: getattr(chunk.metadata, name) for name in _META_FIELDS},
        "province_key": province_key(chunk.metadata.province),
    }


def _chunk_from(chunk_id: str, text: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=chunk_id, source=meta["source"], text=text, section=meta.get("section", ""),
        page=meta.get("page") or None, order=int(meta.get("order", 0)),
        metadata=DocumentMetadata(**{name: meta.get(name, "") for name in _META_FIELDS}),
        ocr=bool(meta.get("ocr", False)), card=bool(meta.get("card", False)),
    )


def _where(filters: dict | None) -> dict | None:
    """Chroma `where` clause from {"province": ..., "doc_type": ..., "source": ...} (empty values ignored)."""
    clauses = []
    for key, value in (filters or {}).items():
        if value in (None, "", []):
            continue
        field = "province_key" if key == "province" else key
        value = province_key(value) if key == "province" else value
        clauses.append({field: {"$in": list(value)}} if isinstance(value, (list, tuple, set)) else {field: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Library:
    """Documents, their chunks and the hybrid search over them."""

    def __init__(self, settings: Settings, connect: Callable[[], object], embeddings):
        self.settings = settings
        self.embeddings = embeddings
        self._connect = connect
        self._attach(connect())
        self._lexical = LexicalIndex()
        self._lexical_revision: str | None = None
        self._thread_lock = threading.RLock()
        settings.ensure_dirs()
        self._lock_path = settings.index_dir / "write.lock"

    def _attach(self, client) -> None:
        prefix = self.settings.collection_prefix
        self._client = client
        ef_search = self.settings.dense_search_ef
        self._chunks = client.get_or_create_collection(
            f"{prefix}_chunks", configuration={"hnsw": {"space": "cosine", "ef_search": ef_search}},
            embedding_function=None)
        if (self._chunks.configuration.get("hnsw") or {}).get("ef_search") != ef_search:  # a library made before
            _when_unlocked(lambda: self._chunks.modify(configuration={"hnsw": {"ef_search": ef_search}}))
        self._registry = client.get_or_create_collection(f"{prefix}_documents", embedding_function=None)
        self._client_revision = self._revision()

    # ---- opening ---------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, embeddings=None) -> "Library":
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings.ensure_dirs()
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)

            def connect():
                return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                           ssl=url.scheme == "https", settings=chroma_settings)
        else:
            def connect():
                return chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)
        try:
            library = cls(settings, connect, embeddings or make_embeddings(settings))
        except AssistantError:
            raise
        except Exception as error:  # chromadb raises many unrelated types for an unreachable or broken store
            raise IndexUnavailableError(detail=f"{type(error).__name__}: {error}") from error
        library.reconcile()
        return library

    @contextlib.contextmanager
    def _writing(self):
        """In-process and cross-process exclusion for every change to the store."""
        with self._thread_lock, open(self._lock_path, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def reconcile(self) -> int:
        """Remove what an interrupted write left behind; returns the number of chunks removed."""
        with self._writing():
            registered = {record.source: record.chunk_count for record in self.documents()}
            counts: dict[str, int] = {}
            for meta in self._all_metadatas(self._chunks):
                counts[meta["source"]] = counts.get(meta["source"], 0) + 1
            removed = 0
            broken = {source for source, count in counts.items() if registered.get(source) != count}
            broken |= {source for source, count in registered.items() if count and source not in counts}
            for source in broken:
                removed += self._delete_source(source)
                if source in registered:  # a record whose chunks are gone would make re-ingest say "unchanged"
                    self._registry.delete(ids=[source])
            if broken:
                log.warning("reconcile: removed %d chunks of interrupted writes", removed)
                self._bump_revision()
            self._remove_orphan_copies({self.file_path(source).name for source in set(registered) - broken})
            return removed

    def _remove_orphan_copies(self, kept: set[str]) -> None:
        """File copies left by a write interrupted after the copy (no registry record), and stale temporaries."""
        for file in self.settings.files_dir.iterdir():
            if file.name.startswith(".") and file.name.endswith(".tmp"):
                if time.time() - file.stat().st_mtime > _STALE_TEMPORARY_S:  # younger ones may be a live upload
                    file.unlink(missing_ok=True)
            elif file.is_file() and file.name not in kept:
                log.warning("reconcile: removing orphan copy %s", file.name)
                file.unlink(missing_ok=True)

    # ---- reading ---------------------------------------------------------------------------------------------

    def _all_metadatas(self, collection, where=None, include_documents=False) -> Iterator[dict]:
        offset = 0
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        while True:
            page = collection.get(where=where, include=include, limit=2000, offset=offset)
            if not page["ids"]:
                return
            for position, chunk_id in enumerate(page["ids"]):
                meta = dict(page["metadatas"][position] or {})
                meta["_id"] = chunk_id
                if include_documents:
                    meta["_text"] = page["documents"][position]
                yield meta
            offset += len(page["ids"])

    def documents(self, filters: dict | None = None) -> list[DocumentRecord]:
        records = []
        for meta in self._all_metadatas(self._registry, where=_where(filters)):
            if meta["_id"] == "__revision__":
                continue
            records.append(DocumentRecord(
                source=meta["_id"], content_hash=meta.get("content_hash", ""),
                chunk_count=int(meta.get("chunk_count", 0)),
                metadata=DocumentMetadata(**{name: meta.get(name, "") for name in _META_FIELDS}),
            ))
        return sorted(records, key=lambda record: record.source)

    def outdated(self) -> list[tuple[str, dict | None]]:
        """Documents read by an older version of the chunker, each with the catalogue row that gave its metadata ({}
        for none; None when an older version kept only the row's fingerprint)."""
        return [(meta["_id"], _catalogue_row(meta.get("catalogue", ""))) for meta in self._all_metadatas(self._registry)
                if meta["_id"] != "__revision__" and meta.get("chunking") != CHUNKING_VERSION]

    def chunk_count(self) -> int:
        return self._chunks.count()

    def iter_chunks(self, source: str | None = None, cards: bool = False) -> Iterator[Chunk]:
        """Chunks in reading order; identity cards (which repeat text) only when asked for."""
        where = {"source": source} if source else None
        metas = sorted(self._all_metadatas(self._chunks, where=where, include_documents=True),
                       key=lambda meta: (meta["source"], int(meta.get("order", 0))))
        for meta in metas:
            if cards or not meta.get("card", False):
                yield _chunk_from(meta["_id"], meta["_text"], meta)

    def card(self, source: str) -> Chunk | None:
        """The document's identity card (opening and signature lines), if it has one."""
        found = self._chunks.get(where={"$and": [{"source": source}, {"card": True}]},
                                 include=["documents", "metadatas"])
        return _chunk_from(found["ids"][0], found["documents"][0], found["metadatas"][0]) if found["ids"] else None

    def file_path(self, source: str) -> Path:
        """Where the library keeps its copy of a document's file."""
        return self.settings.files_dir / safe_source_name(source)

    # ---- writing ---------------------------------------------------------------------------------------------

    def _revision(self) -> str:
        found = self._registry.get(ids=["__revision__"], include=["metadatas"])
        return str(found["metadatas"][0].get("value")) if found["ids"] else "0"

    def _bump_revision(self) -> None:
        value = f"{time.time_ns()}-{os.getpid()}"
        self._client_revision = value
        self._registry.upsert(ids=["__revision__"], metadatas=[{"value": value, "chunk_count": -1}],
                              embeddings=[_REGISTRY_VECTOR])

    def _delete_source(self, source: str) -> int:
        ids = self._chunks.get(where={"source": source}, include=[])["ids"]
        for start in range(0, len(ids), _BATCH * 8):
            self._chunks.delete(ids=ids[start:start + _BATCH * 8])
        return len(ids)

    def _existing(self, source: str) -> dict | None:
        found = self._registry.get(ids=[source], include=["metadatas"])
        return found["metadatas"][0] if found["ids"] else None

    def ingest_file(self, path: Path, *, source: str | None = None, sidecar: dict | None = None,
                    page_progress: PageProgress | None = None) -> IngestResult:
        """Add or update one file; a bad file becomes an `error` result and the library is untouched. Warnings of a
        file that was added (e.g. OCR pages to check) are in `result.message`."""
        path = Path(path)
        source = safe_source_name(source or path.name)
        result = IngestResult(path=str(path), source=source, status="error")
        started = time.perf_counter()
        progress = (lambda done, total, page: page_progress(source, done, total, page)) if page_progress else None
        existing = self._existing(source)
        # unchanged bytes need no second OCR or conversion
        catalogue = _catalogue_key(sidecar)
        if existing and self._current(existing, catalogue) and self._same_bytes(path, existing.get("content_hash")):
            result.status, result.chunks = "unchanged", int(existing.get("chunk_count", 0))
            return result
        try:
            doc = load_file(path, self.settings, source=source, sidecar=sidecar, progress=progress)
        except DocumentError as error:
            result.message = error.message_vi
            result.seconds_parse = time.perf_counter() - started
            return result
        except OSError as error:
            result.message = f"Không đọc được tệp: {error.strerror or error}"
            return result
        except Exception as error:  # a parser bug on a hostile file must not stop the batch or the app
            log.exception("unexpected error loading %s", source)
            result.message = f"{CorruptFileError.message_vi} ({type(error).__name__})"
            return result
        result.pages = len(doc.pages)
        result.ocr_pages = sum(page.ocr for page in doc.pages)
        if existing and self._current(existing, catalogue) and existing.get("content_hash") == doc.content_hash:
            result.status, result.chunks = "unchanged", int(existing.get("chunk_count", 0))
            result.seconds_parse = time.perf_counter() - started
            return result
        chunks = chunk_document(doc, max_tokens=self.settings.chunk_tokens,
                                overlap_tokens=self.settings.chunk_overlap_tokens,
                                count_tokens=getattr(self.embeddings, "count_tokens", None))
        result.seconds_parse = time.perf_counter() - started
        started = time.perf_counter()
        vectors = self.embeddings.embed_documents([chunk.embed_text() for chunk in chunks])
        result.seconds_embed = time.perf_counter() - started
        try:
            self._store(doc, chunks, vectors, path, catalogue)
        except OSError as error:
            result.message = f"Không lưu được bản sao tệp vào thư viện: {error.strerror or error}"
            return result
        result.status, result.chunks = ("updated" if existing else "added"), len(chunks)
        result.message = " ".join(doc.warnings)
        return result

    def _store(self, doc, chunks: list[Chunk], vectors: list[list[float]], path: Path, catalogue: str) -> None:
        """The file is copied before the store is touched, so a failed copy (disk full) leaves the library as it was."""
        kept_copy = self.file_path(doc.source)
        temporary = None
        if path.resolve() != kept_copy.resolve():
            temporary = kept_copy.with_name(f".{kept_copy.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            if temporary is not None:
                shutil.copyfile(path, temporary)
            with self._writing():
                self._registry.delete(ids=[doc.source])
                self._delete_source(doc.source)
                for start in range(0, len(chunks), _BATCH):
                    batch = chunks[start:start + _BATCH]
                    self._chunks.add(
                        ids=[chunk.chunk_id for chunk in batch],
                        documents=[chunk.text for chunk in batch],
                        embeddings=vectors[start:start + _BATCH],
                        metadatas=[_chunk_metadata(chunk, doc.content_hash) for chunk in batch],
                    )
                if temporary is not None:
                    os.replace(temporary, kept_copy)
                self._registry.upsert(
                    ids=[doc.source], embeddings=[_REGISTRY_VECTOR],
                    metadatas=[{"content_hash": doc.content_hash, "chunk_count": len(chunks),
                                "chunking": CHUNKING_VERSION, "catalogue": catalogue,
                                "province_key": province_key(doc.metadata.province),
                                **doc.metadata.to_dict()}],
                )
                self._bump_revision()
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    @staticmethod
    def _current(existing: dict, catalogue: str) -> bool:
        """Whether a registered document was chunked by this version of the chunker, with the same catalogue row (a
        row corrected in SOURCES.tsv re-reads the document's metadata)."""
        return existing.get("chunking") == CHUNKING_VERSION and existing.get("catalogue", "") == catalogue

    def _same_bytes(self, path: Path, content_hash: str | None) -> bool:
        """Whether the file still has the content hash the library recorded (files over the size limit unread)."""
        try:
            if not content_hash or path.stat().st_size > self.settings.max_file_mb * 1024 * 1024:
                return False
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
            return digest.hexdigest() == content_hash
        except OSError:
            return False

    def ingest_paths(self, paths: Iterable[Path], *, progress: Progress | None = None,
                     page_progress: PageProgress | None = None) -> list[IngestResult]:
        """Ingest files and folders (recursively; a folder's SOURCES.tsv supplies metadata). One bad file never
        stops the batch."""
        files: list[tuple[Path, dict | None]] = []
        for path in map(Path, paths):
            if path.is_dir():
                sidecars: dict[Path, dict] = {}
                for file in sorted(p for p in path.rglob("*") if p.is_file()):
                    if file.suffix.lower() in SUPPORTED_EXTENSIONS:
                        rows = sidecars.setdefault(file.parent, read_sidecar(file.parent))
                        files.append((file, rows.get(file.name)))
            else:
                files.append((path, read_sidecar(path.parent).get(path.name)))
        return self.ingest_files(files, progress=progress, page_progress=page_progress)

    def ingest_files(self, files: list[tuple[Path, dict | None]], *, progress: Progress | None = None,
                     page_progress: PageProgress | None = None) -> list[IngestResult]:
        """Ingest files, each with the catalogue row that gives its metadata (None without one). One bad file never
        stops the batch."""
        results = []
        for number, (file, sidecar) in enumerate(files, start=1):
            if not file.exists():
                result = IngestResult(path=str(file), source=safe_source_name(file.name), status="error",
                                      message="Không tìm thấy tệp.")
            else:
                result = self.ingest_file(file, sidecar=sidecar, page_progress=page_progress)
            results.append(result)
            if progress:
                progress(number, len(files), result)
        return results

    def remove(self, source: str) -> int:
        """Delete a document, its chunks and the library's copy of its file; returns the chunks removed."""
        source = safe_source_name(source)
        with self._writing():
            if self._existing(source) is None:
                raise DocumentNotFoundError(detail=source)
            self._registry.delete(ids=[source])
            removed = self._delete_source(source)
            self.file_path(source).unlink(missing_ok=True)
            self._bump_revision()
        return removed

    # ---- search ----------------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Catch up with changes made since the last search, by this or another process.

        An on-disk Chroma client keeps its vector index in memory, so after another process wrote (e.g.
        `plan-assistant ingest` while `serve` runs) it is reopened to read the index from disk again.
        """
        revision = self._revision()
        if revision == self._lexical_revision:
            return
        with self._thread_lock:
            revision = self._revision()
            if revision != self._lexical_revision:
                writer = revision.rpartition("-")[2]
                if revision != self._client_revision and not self.settings.chroma_url and writer != str(os.getpid()):
                    self._client.close()
                    self._attach(self._connect())
                    revision = self._client_revision
                tokens = {meta["_id"]: meta.get("lex", "").split() for meta in self._all_metadatas(self._chunks)}
                self._lexical.replace_all(tokens)
                self._lexical_revision = revision

    def _dense(self, query: str, limit: int, where: dict | None) -> list[tuple[str, float, str, dict]]:
        total = self._chunks.count()
        if not total:
            return []
        found = self._chunks.query(
            query_embeddings=[self.embeddings.embed_query(query)], n_results=min(limit, total), where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (chunk_id, 1.0 - distance, text, meta)
            for chunk_id, distance, text, meta in zip(
                found["ids"][0], found["distances"][0], found["documents"][0], found["metadatas"][0])
        ]

    def search(self, query: str, *, k: int | None = None, mode: str = "hybrid",
               filters: dict | None = None) -> list[SearchHit]:
        """Top `k` passages; hybrid = reciprocal-rank fusion of dense (e5) and lexical (BM25) candidates."""
        k = k or self.settings.retrieval_k
        candidates = max(self.settings.retrieval_candidates, k)
        where = _where(filters)
        try:
            self._refresh()
            dense = self._dense(query, candidates, where) if mode in ("hybrid", "dense") else []
            lexical: list[tuple[str, float]] = []
            if mode in ("hybrid", "lexical"):
                allowed = self._allowed(where) if where else None
                lexical = self._lexical.search(query, candidates, allowed)
        except AssistantError:
            raise
        except Exception as error:
            raise IndexUnavailableError(detail=f"{type(error).__name__}: {error}") from error

        fused: dict[str, dict] = {}
        for rank, (chunk_id, similarity, text, meta) in enumerate(dense, start=1):
            fused[chunk_id] = {"dense_rank": rank, "dense_score": similarity, "text": text, "meta": meta,
                               "score": 1.0 / (self.settings.rrf_k + rank)}
        if mode == "hybrid" and where is None:  # in a filtered search it would count the dense list twice
            for rank, (chunk_id, similarity, text, meta) in enumerate(self._named_documents(query), start=1):
                entry = fused.setdefault(chunk_id, {"dense_score": similarity, "text": text, "meta": meta,
                                                    "score": 0.0})
                entry["score"] += 1.0 / (self.settings.rrf_k + rank)
        for rank, (chunk_id, _) in enumerate(lexical, start=1):
            entry = fused.setdefault(chunk_id, {"score": 0.0})
            entry["lexical_rank"] = rank
            entry["score"] += 1.0 / (self.settings.rrf_k + rank)
        best = sorted(fused.items(), key=lambda item: -item[1]["score"])[:k]
        missing = [chunk_id for chunk_id, entry in best if "meta" not in entry]
        if missing:
            found = self._chunks.get(ids=missing, include=["documents", "metadatas"])
            for chunk_id, text, meta in zip(found["ids"], found["documents"], found["metadatas"]):
                fused[chunk_id].update(text=text, meta=meta)
        return [
            SearchHit(chunk=_chunk_from(chunk_id, entry["text"], entry["meta"]), score=entry["score"],
                      dense_rank=entry.get("dense_rank"), lexical_rank=entry.get("lexical_rank"),
                      dense_score=entry.get("dense_score"))
            for chunk_id, entry in best if "meta" in entry
        ]

    def _named_documents(self, query: str) -> list[tuple[str, float, str, dict]]:
        """Dense candidates from the documents whose số ký hiệu the question names ("Nghị quyết 394/NQ-CP ..."), a
        third list in the fusion of an unfiltered search."""
        numbers = number_keys(query)
        if not numbers:
            return []
        named = [record.metadata.doc_number for record in self.documents()
                 if record.metadata.doc_number and number_key(record.metadata.doc_number) in numbers]
        if not named:
            return []
        return self._dense(query, self.settings.retrieval_candidates, {"doc_number": {"$in": named}})

    def _allowed(self, where: dict) -> Callable[[str], bool]:
        ids = {meta["_id"] for meta in self._all_metadatas(self._chunks, where=where)}
        return ids.__contains__
