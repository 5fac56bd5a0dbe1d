"""The evaluation report: DIR/report.json (everything) and DIR/report.html (tables, charts as inline PNG, worst items).

The HTML is self-contained (one file, charts base64-embedded) so it can be mailed or archived with the run.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

QA_METRICS = [("correctness", "Correctness"), ("token_f1", "Token F1"), ("fact_recall", "Key facts"),
              ("citation_precision", "Citation precision"), ("citation_recall", "Citation recall"),
              ("refusal_accuracy", "Refusal accuracy"), ("false_refusal_rate", "False refusals (lower is better)")]
DRAFT_METRICS = [("structure_compliance", "Structure"), ("structure_complete", "Structure 100%"),
                 ("province_consistency", "Province"), ("must_include_coverage", "Must-include")]


# --------------------------------------------------------------------------------------------- formatting
def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return html.escape(str(value))


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell if isinstance(cell, str) else _fmt(cell)}</td>" for cell in row)
                   + "</tr>" for row in rows)
    return f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


# --------------------------------------------------------------------------------------------- charts
def recall_curves(config: dict) -> str:
    """Recall@k for k = 1..max k, one line per retrieval system, from the per-item first-gold ranks."""
    result = config["retrieval"]
    depth = max(result["ks"])
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for system in result["systems"]:
        ranks = [item["rank"].get(system) for item in result["items"]]
        curve = [sum(1 for r in ranks if r is not None and r <= k) / max(1, len(ranks)) for k in range(1, depth + 1)]
        ax.plot(range(1, depth + 1), curve, marker="o", label=system)
    ax.set(xlabel="k", ylabel="recall@k", ylim=(0, 1.05), title=f"Retrieval recall@k — {config['name']}")
    ax.grid(alpha=0.3)
    ax.legend()
    return _png(fig)


def grouped_bars(configs: list[dict], section: str, names: list[tuple[str, str]], title: str) -> str:
    fig, ax = plt.subplots(figsize=(max(5.5, 1.1 * len(names) + 1), 3.4))
    width = 0.8 / max(1, len(configs))
    for offset, config in enumerate(configs):
        summary = config.get(section, {}).get("summary", {})
        values = [summary.get(key) or 0.0 for key, _ in names]
        ax.bar([i + offset * width for i in range(len(names))], values, width, label=config["name"])
    ax.set_xticks([i + width * (len(configs) - 1) / 2 for i in range(len(names))],
                  [label for _, label in names], rotation=20, ha="right")
    ax.set(ylim=(0, 1.05), title=title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    return _png(fig)


def latency_histograms(configs: list[dict]) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for axis, key, label in ((axes[0], "ttft_s", "time to first token (s)"), (axes[1], "total_s", "total (s)")):
        for config in configs:
            values = [r[key] for r in config["qa"]["items"] if r.get(key) is not None]
            if values:
                axis.hist(values, bins=min(15, max(3, len(values))), alpha=0.6, label=config["name"])
        axis.set(xlabel=label, ylabel="questions")
        axis.legend()
    fig.suptitle("Q&A latency")
    return _png(fig)


# --------------------------------------------------------------------------------------------- sections
def _retrieval_section(config: dict) -> str:
    result = config["retrieval"]
    present = next(iter(result["systems"].values()), {})
    keys = [f"{name}@{k}" for name in ("recall", "coverage", "evidence") for k in result["ks"]
            if f"{name}@{k}" in present] + ["mrr", "latency_ms_p50"]
    rows = [[system, *[summary.get(k) for k in keys]] for system, summary in result["systems"].items()]
    return (f"<h3>Retrieval — {html.escape(config['name'])} ({result['n']} questions with gold sources)</h3>"
            + _table(["system", *keys], rows) + recall_curves(config))


def _passages(row: dict) -> str:
    retrieved = "".join(f"<li>{html.escape(str(r.get('source')))} — {html.escape(str(r.get('section') or ''))} "
                        f"({_fmt(r.get('score'))})<br><small>{html.escape((r.get('text') or '')[:600])}</small></li>"
                        for r in row.get("passages") or row["retrieved"])
    cited = "".join(f"<li>[{html.escape(str(c.get('n')))}] <b>{html.escape(str(c.get('source')))}</b> "
                    f"{html.escape(str(c.get('section') or ''))}<br><small>{html.escape((c.get('text') or '')[:600])}"
                    f"</small></li>" for c in row["citations"])
    return (f"<details><summary>passages: {len(row['citations'])} cited, {len(row['retrieved'])} retrieved"
            f"</summary><p>Cited:</p><ol>{cited}</ol><p>Retrieved:</p><ul>{retrieved}</ul></details>")


def _worst_section(config: dict) -> str:
    blocks = []
    for row in config["qa"]["worst"]:
        verdict = ("should have refused" if not row["answerable"] else
                   "refused an answerable question" if row["refused"] else "incorrect")
        blocks.append(
            f"<div class='item'><b>{html.escape(row['id'])}</b> ({html.escape(row['type'])}, {verdict})"
            f"<p><b>Q:</b> {html.escape(row['question'])}</p>"
            f"<p><b>Gold:</b> {html.escape(str(row['gold_answer']))} "
            f"<small>[{html.escape(', '.join(row['gold_sources']))}]</small></p>"
            f"<p><b>Produced:</b> {html.escape(row['answer'])} "
            f"<small>[{'closest passages' if row['refused'] else 'cited'}: "
            f"{html.escape(', '.join(row['cited_sources']))}]</small></p>"
            f"<p><small>F1 {_fmt(row.get('token_f1'))} · containment {_fmt(row.get('containment'))} · "
            f"key facts {_fmt(row.get('fact_recall'))}{' · error: ' + html.escape(row['error']) if row['error'] else ''}"
            f"</small></p>{_passages(row)}</div>")
    return (f"<h3>Worst Q&amp;A items — {html.escape(config['name'])}</h3>"
            + ("".join(blocks) or "<p>No failed item.</p>"))


def _drafts_section(config: dict) -> str:
    rows = []
    for item in config["drafts"]["items"]:
        rows.append([item["id"], item["province"], item["structure"]["score"],
                     html.escape(", ".join(item["structure"]["missing"])) or "–",
                     html.escape(", ".join(item["other_provinces"])) or "–", item["province_consistent"],
                     html.escape(", ".join(item["invented_numbers"])) or "0",
                     item["must_include"]["coverage"], item["total_s"], item["error"]])
    details = "".join(
        f"<details><summary>{html.escape(item['id'])}: must-include items and opening</summary><ul>"
        + "".join(f"<li>{_fmt(m['covered'])} {html.escape(m['item'])} <small>(paragraph "
                  f"{_fmt(m['best_paragraph_containment'], 2)}, facts {_fmt(m['fact_recall'], 2)})</small></li>"
                  for m in item["must_include"]["items"])
        + f"</ul><pre>{html.escape(item['opening'])}</pre></details>" for item in config["drafts"]["items"])
    return (f"<h3>Drafts — {html.escape(config['name'])}</h3>"
            + _table(["task", "province", "structure", "missing", "other provinces", "province ok",
                      "numbers not in library", "must-include", "seconds", "error"], rows) + details)


def _summary_table(configs: list[dict], section: str, names: list[tuple[str, str]]) -> str:
    rows = [[label, *[c.get(section, {}).get("summary", {}).get(key) for c in configs]] for key, label in names]
    return _table(["metric", *[c["name"] for c in configs]], rows)


def headline(config: dict) -> dict:
    """The few figures a maintainer compares first (None where a part was not run)."""
    hybrid = config.get("retrieval", {}).get("systems", {}).get("hybrid", {})
    qa = config.get("qa", {}).get("summary", {})
    drafts = config.get("drafts", {}).get("summary", {})
    return {"hybrid recall@5": hybrid.get("recall@5"), "hybrid MRR": hybrid.get("mrr"),
            "correctness": qa.get("correctness"), "citation precision": qa.get("citation_precision"),
            "refusal accuracy": qa.get("refusal_accuracy"), "false refusals": qa.get("false_refusal_rate"),
            "TTFT p50 (s)": qa.get("ttft_p50"), "draft structure": drafts.get("structure_compliance"),
            "numbers not in library": drafts.get("invented_numbers"),
            "must-include": drafts.get("must_include_coverage"),
            "draft time p50 (s)": (drafts.get("total_s") or {}).get("p50")}


def render_html(report: dict) -> str:
    configs = report["configs"]
    heads = [headline(c) for c in configs]
    parts = [f"<h1>Evaluation report</h1><p>{html.escape(report['created'])} · "
             f"{html.escape(', '.join(c['name'] for c in configs))}</p><h2>Headline</h2>"
             + _table(["metric", *[c["name"] for c in configs]],
                      [[key, *[h[key] for h in heads]] for key in heads[0]])]
    with_retrieval = [c for c in configs if "retrieval" in c]
    if with_retrieval:
        parts.append("<h2>Retrieval</h2>" + "".join(_retrieval_section(c) for c in with_retrieval))
    with_qa = [c for c in configs if "qa" in c]
    if with_qa:
        latency = [("ttft_p50", "TTFT p50 (s)"), ("ttft_p95", "TTFT p95 (s)"), ("total_p50", "total p50 (s)"),
                   ("total_p95", "total p95 (s)")]
        counts = [("n", "questions"), ("answerable", "answerable"), ("unanswerable", "unanswerable"),
                  ("answers_with_citations", "answers with citations"), ("errors", "errors")]
        parts.append("<h2>Questions and answers</h2>" + _summary_table(with_qa, "qa", QA_METRICS + latency + counts)
                     + grouped_bars(with_qa, "qa", QA_METRICS, "Q&A quality") + latency_histograms(with_qa))
        judged = [c for c in with_qa if "judge" in c]
        if judged:
            parts.append("<h3>LLM judge</h3>" + _summary_table(
                judged, "judge", [("faithfulness", "faithfulness"), ("relevance", "answer relevance"), ("n", "judged")]))
        parts.extend(_worst_section(c) for c in with_qa)
    with_drafts = [c for c in configs if "drafts" in c]
    if with_drafts:
        parts.append("<h2>Drafts</h2>" + _summary_table(
            with_drafts, "drafts", DRAFT_METRICS + [("invented_numbers", "numbers not in library"), ("n", "tasks")])
            + grouped_bars(with_drafts, "drafts", DRAFT_METRICS, "Draft checks"))
        parts.extend(_drafts_section(c) for c in with_drafts)
    parts.append("<h2>Reproducibility</h2>" + _table(
        ["dataset", "path", "items", "sha256"],
        [[name, d["path"], d["items"], d["sha256"]] for name, d in report["datasets"].items()]))
    parts.append("<pre>" + html.escape(json.dumps(
        {"environment": report["environment"],
         "configs": [{k: c[k] for k in ("name", "overrides", "model_files", "chunks", "settings")} for c in configs]},
        ensure_ascii=False, indent=1)) + "</pre>")
    style = ("body{font-family:sans-serif;max-width:1150px;margin:auto;padding:1em;color:#222}"
             "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;padding:3px 7px;"
             "font-size:13px;text-align:left}th{background:#f0f0f0}.item{border-top:1px solid #ddd;padding:.3em 0}"
             ".wide{overflow-x:auto}pre{white-space:pre-wrap;background:#f7f7f7;padding:.6em;font-size:12px}img{margin:.4em}")
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Evaluation report</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def write(report: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    html_path.write_text(render_html(report), encoding="utf-8")
    return json_path, html_path
