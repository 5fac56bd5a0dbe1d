"""First start: the bundled sample library is ingested to completion, even after an interrupted start."""

from __future__ import annotations

from assistant.services import Services
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
