"""First start: the bundled sample library is ingested to completion, even after an interrupted start."""

from __future__ import annotations

from assistant.services import Services
from index.metadata import read_sidecar
from index.store import Library


def test_interrupted_first_start_is_completed_and_deletions_stick(settings):
    library = Library.open(settings)
    first_two = sorted(settings.sample_library.glob("*.txt"))[:2]
    library.ingest_paths(first_two)  # what a first start killed after two files leaves behind
    services = Services(settings, library=library)

    results = services.ensure_sample_library()
    statuses = [result.status for result in results]
    assert statuses.count("unchanged") == 2 and statuses.count("added") == len(results) - 2
    assert len(library.documents()) == len(results)

    library.remove(first_two[0].name)
    assert services.ensure_sample_library() == []
    assert first_two[0].name not in {record.source for record in library.documents()}


def test_documents_read_by_an_older_chunker_are_read_again_at_start(settings, tmp_path):
    """After an upgrade, a sample document is read again from the sample folder (its catalogue row still applies),
    an uploaded file and a file catalogued in another folder from the library's copies, the latter with the row it
    came with; a row of which an older version kept only a fingerprint waits for its folder."""
    library = Library.open(settings)
    sample = settings.sample_library / "001_daklak-kh-0125-kh-ubnd-2025-thi-dua-bau-cu.txt"
    uploaded = tmp_path / "tai-len.txt"
    elsewhere, legacy = tmp_path / "kho" / "danh-muc.txt", tmp_path / "kho" / "danh-muc-cu.txt"
    elsewhere.parent.mkdir()
    for path in (uploaded, elsewhere, legacy):
        path.write_text("KẾ HOẠCH\nThi đua chuyển đổi số năm 2026 trong cơ quan hành chính tỉnh Lâm Đồng.\n",
                        encoding="utf-8")
    (elsewhere.parent / "SOURCES.tsv").write_text(
        "file\tprovince\ttitle\ndanh-muc.txt\tGia Lai\tKế hoạch chuyển đổi số\ndanh-muc-cu.txt\tGia Lai\t\n",
        encoding="utf-8")
    library.ingest_paths([sample, uploaded, elsewhere.parent])
    services = Services(settings, library=library)
    services.sample_marker.write_text("ok\n", encoding="utf-8")
    assert services.ensure_sample_library() == [] and library.outdated() == []
    for source in (sample.name, uploaded.name, elsewhere.name, legacy.name):
        record = library._registry.get(ids=[source], include=["metadatas", "embeddings"])
        older = {**record["metadatas"][0], "chunking": "1"}
        if source == legacy.name:
            older["catalogue"] = "3f2a9c0d1e4b5a67"  # what versions before this one kept of a row
        library._registry.upsert(ids=[source], embeddings=record["embeddings"], metadatas=[older])
    uploaded.unlink()
    elsewhere.unlink()  # the library's copies are what is read again
    results = services.ensure_sample_library()
    assert sorted((result.source, result.status) for result in results) == [
        (sample.name, "updated"), (elsewhere.name, "updated"), (uploaded.name, "updated")]
    assert library.outdated() == [(legacy.name, None)]
    by_source = {record.source: record.metadata for record in library.documents()}
    catalogue_title = read_sidecar(settings.sample_library)[sample.name]["title"]
    assert by_source[sample.name].title == catalogue_title
    assert by_source[elsewhere.name].province == "Gia Lai" and by_source[elsewhere.name].title == "Kế hoạch chuyển đổi số"
    assert by_source[uploaded.name].province == "Lâm Đồng" and by_source[legacy.name].province == "Gia Lai"


def test_an_evaluation_library_folder_holds_only_its_catalogued_documents(tmp_path):
    from assistant.services import catalogued

    listed = tmp_path / "docs"
    listed.mkdir()
    (listed / "SOURCES.tsv").write_text("file\ttitle\n01_luat.txt\tLuật\n", encoding="utf-8")
    for name in ("01_luat.txt", "README.md"):
        (listed / name).write_text("Nội dung", encoding="utf-8")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert catalogued([listed, plain, listed / "README.md"]) == [listed / "01_luat.txt", plain, listed / "README.md"]
