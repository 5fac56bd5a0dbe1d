"""`plan-assistant eval retrieval|qa|draft|all`: evaluation on any dataset in the formats of shared/eval/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.main import print_json
from core.errors import AssistantError
from core.settings import get_settings
from eval.metrics import format_value


def _ks(text: str) -> list[int]:
    try:
        ks = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        ks = []
    if not ks or ks[0] < 1:
        raise argparse.ArgumentTypeError("cần các số nguyên dương, ví dụ 1,5,10 / positive integers, e.g. 1,5,10")
    return ks


def _systems(text: str) -> tuple[str, ...]:
    from eval.retrieval import ALL_SYSTEMS

    systems = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [s for s in systems if s not in ALL_SYSTEMS]
    if unknown or not systems:
        raise argparse.ArgumentTypeError(f"hệ truy xuất không hợp lệ / unknown system(s) {', '.join(unknown)}; "
                                         f"dùng / use {', '.join(ALL_SYSTEMS)}")
    return systems


def register(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="Đánh giá truy xuất, hỏi đáp, soạn thảo / evaluation")
    commands = parser.add_subparsers(dest="eval_command", required=True, metavar="WHAT")

    retrieval = commands.add_parser("retrieval", help="recall@k và MRR cho dense, lexical, hybrid, naive")
    retrieval.add_argument("--dataset", type=Path, required=True, help="JSONL theo định dạng dev_qa.jsonl")
    retrieval.set_defaults(handler=run_retrieval)

    qa = commands.add_parser("qa", help="hỏi đáp: độ đúng, trích dẫn, từ chối, thời gian")
    qa.add_argument("--dataset", type=Path, required=True, help="JSONL theo định dạng dev_qa.jsonl")
    qa.set_defaults(handler=run_qa)

    table = commands.add_parser(
        "qa-table", help="bảng hỏi đáp theo tập (old dev / tune / validation / unseen) với các dòng đối chứng")
    table.add_argument("--dataset", type=Path, action="append", required=True,
                       help="JSONL câu hỏi (lặp lại); trường split của từng câu, nếu có, chia bảng")
    table.add_argument("--library", type=Path, action="append", default=[],
                       help="tài liệu nạp thêm bên cạnh thư viện mẫu (ví dụ ../shared/validation_docs; thư mục có "
                            "SOURCES.tsv chỉ nạp các tệp được liệt kê)")
    table.add_argument("--set", default="", metavar="KEY=VALUE,...", help="thay đổi thiết lập cho lần chạy này")
    table.add_argument("--replay", action="store_true",
                       help="kiểm lại câu trả lời đã ghi trong --out theo thiết lập hiện tại, không gọi LLM")
    table.add_argument("--peer", action="store_true",
                       help="thêm dòng đối chứng LangChain (1000/200, dense top-4, stuff) trên cùng LLM")
    table.set_defaults(handler=run_qa_table)

    draft = commands.add_parser("draft", help="soạn kế hoạch: thể thức, tỉnh, số hiệu, must_include, thời gian")
    draft.add_argument("--dataset", type=Path, required=True, help="JSONL theo định dạng dev_drafting_tasks.jsonl")
    draft.add_argument("--library", type=Path, action="append", default=[],
                       help="tài liệu nạp thêm bên cạnh thư viện mẫu (thư mục có SOURCES.tsv chỉ nạp các tệp được "
                            "liệt kê)")
    draft.set_defaults(handler=run_draft)

    everything = commands.add_parser("all", help="truy xuất + hỏi đáp + soạn thảo, một báo cáo HTML/JSON")
    everything.add_argument("--qa", type=Path, help="JSONL câu hỏi (định dạng dev_qa.jsonl)")
    everything.add_argument("--drafts", type=Path, help="JSONL nhiệm vụ soạn thảo (định dạng dev_drafting_tasks.jsonl)")
    everything.add_argument("--compare", action="append", default=[], metavar="NAME=KEY=VALUE,...",
                            help="một cấu hình để so sánh (lặp lại); ví dụ dense=retrieval_mode=dense; "
                                 "chỉ NAME = cấu hình hiện tại")
    everything.add_argument("--judge", action="store_true", help="thêm chấm điểm bằng LLM (faithfulness, relevance)")
    everything.add_argument("--library", type=Path, action="append", default=[],
                            help="tài liệu để lập chỉ mục cho cấu hình đổi cách chia đoạn/nhúng "
                                 "(mặc định: thư viện mẫu)")
    everything.set_defaults(handler=run_all)

    for sub in (retrieval, qa, table, draft, everything):
        sub.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    for sub in (retrieval, everything):
        sub.add_argument("--k", type=_ks, default=[1, 3, 5, 10], help="các giá trị k, ví dụ 1,5,10")
        sub.add_argument("--systems", type=_systems, default=None,
                         help="dense,lexical,hybrid,naive (mặc định: tất cả)")
    for sub in (qa, table, draft, everything):
        sub.add_argument("--out", type=Path, required=True, help="thư mục kết quả")
        sub.add_argument("--reuse", action="store_true",
                         help="dùng lại câu trả lời/bản thảo đã có trong --out (không gọi lại LLM)")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _evaluate(args, *, qa_path: Path | None, drafts_path: Path | None, options) -> tuple[dict, Path | None]:
    """Loads the datasets, runs the suite for every configuration, writes the report when `--out` is given."""
    from eval import compare, report, suite
    from eval.datasets import describe, load_draft_tasks, load_qa

    qa_items = load_qa(qa_path) if qa_path else []
    tasks = load_draft_tasks(drafts_path) if drafts_path else []
    datasets = {}
    if qa_path:
        datasets["qa"] = describe(qa_path, len(qa_items))
    if drafts_path:
        datasets["drafts"] = describe(drafts_path, len(tasks))
    out_dir = getattr(args, "out", None)
    configs = [compare.parse_config(spec) for spec in getattr(args, "compare", [])]
    results = suite.run_all(get_settings(), configs, qa_items, tasks, out_dir or Path("."), options, log=_log)
    full = suite.assemble(results, datasets)
    if out_dir:
        report.write(full, out_dir)
    return full, out_dir


def _options(args, **values):
    from eval.retrieval import ALL_SYSTEMS
    from eval.suite import SuiteOptions

    chosen = {"ks": getattr(args, "k", [1, 3, 5, 10]), "reuse": getattr(args, "reuse", False),
              "systems": getattr(args, "systems", None) or ALL_SYSTEMS}
    return SuiteOptions(**{**chosen, **values})


def _print_retrieval(config: dict) -> None:
    result = config["retrieval"]
    keys = [f"recall@{k}" for k in result["ks"]] + ["mrr"]
    print(f"Retrieval — {config['name']} — {result['n']} câu hỏi có nguồn / questions with gold sources")
    print(f"{'system':<10}" + "".join(f"{k:>11}" for k in keys) + f"{'p50 ms':>9}")
    for system, summary in result["systems"].items():
        print(f"{system:<10}" + "".join(f"{summary[k]:>11.3f}" for k in keys) + f"{summary['latency_ms_p50']:>9.0f}")


def _print_summary(config: dict) -> None:
    if "retrieval" in config:
        _print_retrieval(config)
    if "qa" in config:
        s = config["qa"]["summary"]
        print(f"Q&A — {config['name']}: correctness {format_value(s['correctness'])}, token F1 {format_value(s['token_f1'])}, "
              f"citation precision {format_value(s['citation_precision'])}, recall {format_value(s['citation_recall'])}, "
              f"refusal accuracy {format_value(s['refusal_accuracy'])}, false refusals {format_value(s['false_refusal_rate'])}, "
              f"TTFT p50 {format_value(s['ttft_p50'])} s, total p50 {format_value(s['total_p50'])} s, errors {s['errors']}")
    if "judge" in config:
        s = config["judge"]["summary"]
        print(f"Judge — {config['name']}: faithfulness {format_value(s['faithfulness'])}, relevance {format_value(s['relevance'])}")
    if "drafts" in config:
        s = config["drafts"]["summary"]
        print(f"Drafts — {config['name']}: structure {format_value(s['structure_compliance'])} "
              f"(complete {format_value(s['structure_complete'])}), province {format_value(s['province_consistency'])}, "
              f"numbers not in library {s['invented_numbers']}, must-include {format_value(s['must_include_coverage'])}, "
              f"time p50 {format_value(s['total_s']['p50'])} s")


def _finish(args, full: dict, out_dir: Path | None) -> int:
    if args.json:
        print_json(full)
        return 0
    for config in full["configs"]:
        _print_summary(config)
    if out_dir:
        print(f"Báo cáo / report: {out_dir / 'report.html'} , {out_dir / 'report.json'}")
    return 0


def run_retrieval(args) -> int:
    full, _ = _evaluate(args, qa_path=args.dataset, drafts_path=None, options=_options(args, answer=False))
    if args.json:
        print_json({"datasets": full["datasets"], **full["configs"][0]["retrieval"]})
        return 0
    _print_retrieval(full["configs"][0])
    return 0


def run_qa(args) -> int:
    return _finish(args, *_evaluate(args, qa_path=args.dataset, drafts_path=None, options=_options(args, systems=())))


def _with_documents(settings, paths: list[Path]):
    """The services of this run, their library holding the sample library and `paths` (a catalogued folder: only
    the files its SOURCES.tsv lists, not its README)."""
    from assistant.services import Services, catalogued

    services = Services(settings)
    services.ensure_sample_library()
    if paths:
        services.library.ingest_paths(catalogued(paths))
    return services


def run_draft(args) -> int:
    if args.library:
        _with_documents(get_settings(), args.library)
    return _finish(args, *_evaluate(args, qa_path=None, drafts_path=args.dataset, options=_options(args)))


def run_all(args) -> int:
    if not args.qa and not args.drafts:
        raise AssistantError("Cần ít nhất --qa hoặc --drafts.", "Give --qa and/or --drafts.")
    options = _options(args, judge=args.judge, library_paths=args.library)
    return _finish(args, *_evaluate(args, qa_path=args.qa, drafts_path=args.drafts, options=options))


def run_qa_table(args) -> int:
    import functools
    import json

    from assistant.services import document_texts, make_embeddings
    from eval import compare, qa_table
    from eval.retrieval import NaiveBaseline

    settings = get_settings()
    if args.set:
        settings = compare.make_settings(settings, compare.parse_config(f"run={args.set}"), args.out)
    services = _with_documents(settings, args.library)
    items = qa_table.load_items(args.dataset)
    ours = qa_table.predict(services.qa, items, args.out, reuse=args.reuse, replay=args.replay, progress=_log)
    systems = {qa_table.OURS_ROW: ours, qa_table.REFUSAL_ROW: qa_table.refuse_everything(items),
               qa_table.EXTRACTIVE_ROW: {qa_table.item_key(i): qa_table.extractive(services.library, i) for i in items}}
    if args.peer:
        @functools.cache
        def naive_search():
            return NaiveBaseline(document_texts(services.library), make_embeddings(settings)).search

        def answer(item):
            return qa_table.peer(naive_search(), services.chat_model, settings.prompts_dir, item,
                                 settings.llm_max_answer_tokens)

        systems[qa_table.PEER_ROW] = qa_table.predict_peer(answer, items, args.out, reuse=args.reuse,
                                                           replay=args.replay, progress=_log)
    result = qa_table.table(items, systems)
    (args.out / "qa_table.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print_json(result)
        return 0
    rows = qa_table.rows_for_print(result)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)))
    return 0
