"""The benchmark report: one self-contained HTML page (inline SVG charts) and a Markdown summary.

`build_report(bench_dir, out_html, out_md)` reads what a benchmark run left in `bench_dir`:

    ModelsMetrics/<stem>_<aggregator>.csv   as written by metrics.write_metrics
    tasks/<stem>.json                       one per task, how it ran (below)

A task is named by its answers stem (config.Task.answers_stem); that name joins its metrics files
and its performance file. The performance file (UTF-8 JSON object; a missing key or null means
"not measured"):

    task            str     the answers stem
    service         str     the reader that answered (qwen_local, deepseek, tesseract, ...)
    model           str     model id or name
    precision       str     bf16, fp16, int8, int4 (null on the CPU)
    mode            str     fields | json
    load_s          number  seconds to load the model
    latency_s       [number] seconds per request, one per question (mode fields) or document (json)
    per_document_s  [number] seconds per document, all its requests together
    pages_per_s     number  pages read per second over the whole run
    peak_vram_gb    number  peak GPU memory, GiB
    peak_rss_mb     number  peak resident memory of the process, MiB
    status          str     ok | failed | skipped
    error           str     one line, why it failed

The page draws its charts itself (no script, no external file), so it opens anywhere offline:
CER per field per task (grouped bars), latency per task (box plots), peak memory per task, and
a table of the tasks (the errors of tasks that failed under it).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import UsageError
from .metrics import AGGREGATORS, read_metrics

METRICS_DIR = "ModelsMetrics"
TASKS_DIR = "tasks"
STATUSES = ("ok", "failed", "skipped")
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
FONT = "'DejaVu Sans', 'Liberation Sans', 'Noto Sans', Arial, sans-serif"  # all carry Cyrillic


@dataclass
class TaskPerformance:
    """How one task ran: the contents of tasks/<task>.json."""

    task: str
    service: str | None = None
    model: str | None = None
    precision: str | None = None
    mode: str | None = None
    load_s: float | None = None
    latency_s: list[float] = field(default_factory=list)
    per_document_s: list[float] = field(default_factory=list)
    pages_per_s: float | None = None
    peak_vram_gb: float | None = None
    peak_rss_mb: float | None = None
    status: str = "ok"
    error: str | None = None


@dataclass
class TaskSummary:
    """One task in the report: how it ran and how well it read."""

    name: str
    performance: TaskPerformance | None
    general: dict | None  # the row of <name>_general.csv
    per_field: list[dict]  # the rows of <name>_by_doc_question.csv

    @property
    def status(self) -> str:
        return self.performance.status if self.performance else "ok"


def load_task_performance(path: Path) -> TaskPerformance:
    """A tasks/<task>.json file (format: module docstring)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not a task performance JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"{path}: {key} must be a string, got {value!r}")
        return value

    def number(key: str) -> float | None:
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise UsageError(f"{path}: {key} must be a number, got {value!r}")
        return None if value is None else float(value)

    def numbers(key: str) -> list[float]:
        value = data.get(key) or []
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
            raise UsageError(f"{path}: {key} must be a list of numbers")
        return [float(v) for v in value]

    status = text("status") or "ok"
    if status not in STATUSES:
        raise UsageError(f"{path}: status {status!r} is not one of {', '.join(STATUSES)}")
    return TaskPerformance(
        task=text("task") or Path(path).stem, service=text("service"), model=text("model"),
        precision=text("precision"), mode=text("mode"), load_s=number("load_s"),
        latency_s=numbers("latency_s"), per_document_s=numbers("per_document_s"),
        pages_per_s=number("pages_per_s"), peak_vram_gb=number("peak_vram_gb"),
        peak_rss_mb=number("peak_rss_mb"), status=status, error=text("error"),
    )


def collect(bench_dir: Path) -> list[TaskSummary]:
    """Every task that left a performance file or metrics files in bench_dir, sorted by name."""
    bench_dir = Path(bench_dir)
    performances = {}
    for path in sorted((bench_dir / TASKS_DIR).glob("*.json")):
        perf = load_task_performance(path)
        performances[perf.task] = perf
    metric_files: dict[str, dict[str, Path]] = {}
    for path in sorted((bench_dir / METRICS_DIR).glob("*.csv")):
        for aggregator in AGGREGATORS:
            suffix = f"_{aggregator}.csv"
            if path.name.endswith(suffix):
                metric_files.setdefault(path.name[: -len(suffix)], {})[aggregator] = path
    names = sorted(set(performances) | set(metric_files))
    if not names:
        raise UsageError(f"{bench_dir}: nothing to report (no {TASKS_DIR}/*.json, no {METRICS_DIR}/*.csv)")
    summaries = []
    for name in names:
        files = metric_files.get(name, {})
        general = read_metrics(files["general"]) if "general" in files else []
        per_field = read_metrics(files["by_doc_question"]) if "by_doc_question" in files else []
        summaries.append(TaskSummary(name, performances.get(name), general[0] if general else None, per_field))
    return summaries


def build_report(bench_dir: Path, out_html: Path, out_md: Path) -> list[TaskSummary]:
    """Write the HTML report and the Markdown summary of bench_dir; returns the tasks it found."""
    tasks = collect(bench_dir)
    title = f"Benchmark report: {Path(bench_dir).resolve().name}"
    # Dated by its newest results, not by the clock: a report rebuilt from the same folder
    # is the same file.
    results = [p for d in (TASKS_DIR, METRICS_DIR) for p in (Path(bench_dir) / d).glob("*.*")]
    as_of = _dt.datetime.fromtimestamp(max(p.stat().st_mtime for p in results)) if results else None
    for path, content in ((out_html, render_html(tasks, title, as_of)), (out_md, render_markdown(tasks, title))):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(content, encoding="utf-8")
    return tasks


# --------------------------------------------------------------------------
# Figures shared by the page and the summary
# --------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100), linear between the closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _field_label(row: dict) -> str:
    return f"{row.get('doc_class') or '?'} · {row.get('question_type') or '?'}"


def _fields_in_order(tasks: Sequence[TaskSummary]) -> list[str]:
    labels: list[str] = []
    for task in tasks:
        labels += [label for label in map(_field_label, task.per_field) if label not in labels]
    return labels


def _per_field(task: TaskSummary, column: str) -> dict[str, float]:
    return {_field_label(row): row[column] for row in task.per_field if isinstance(row.get(column), (int, float))}


def _task_row(task: TaskSummary) -> dict[str, str]:
    perf, general = task.performance, task.general or {}
    latencies = perf.latency_s if perf else []
    return {
        "Task": task.name,
        "Service": (perf and perf.service) or "",
        "Model": (perf and perf.model) or "",
        "Precision": (perf and perf.precision) or "",
        "Mode": (perf and perf.mode) or "",
        "Status": task.status,
        "Load s": _num(perf.load_s if perf else None, 1),
        "p50 s": _num(percentile(latencies, 50), 2),
        "p95 s": _num(percentile(latencies, 95), 2),
        "Pages/s": _num(perf.pages_per_s if perf else None, 2),
        "VRAM GB": _num(perf.peak_vram_gb if perf else None, 1),
        "RSS MB": _num(perf.peak_rss_mb if perf else None, 0),
        "CER": _num(general.get("cer_micro"), 3),
        "CER norm": _num(general.get("cer_micro_norm"), 3),
        "Exact norm": _percent(general.get("exact_match_norm")),
        "Valid": _percent(general.get("valid_rate")),
        "Error": (perf and perf.error) or "",
    }


# What the table's short headers stand for (under the table, and as the headers' tooltips).
COLUMN_NOTES = {
    "Load s": "seconds to load the model",
    "p50 s": "median seconds per request",
    "p95 s": "95th percentile of seconds per request",
    "VRAM GB": "peak GPU memory, GiB",
    "RSS MB": "peak resident memory of the task's process, MiB",
    "CER": "character error rate, micro (total edits / total reference characters), raw answers",
    "CER norm": "the same on normalised answers",
    "Exact norm": "normalised answers equal to the reference",
    "Valid": "answers that pass their field's checks (check digits, dates)",
}


def _num(value, digits: int) -> str:
    return "" if not isinstance(value, (int, float)) or isinstance(value, bool) else f"{value:.{digits}f}"


def _percent(value) -> str:
    return "" if not isinstance(value, (int, float)) or isinstance(value, bool) else f"{100 * value:.1f} %"


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def render_markdown(tasks: Sequence[TaskSummary], title: str) -> str:
    rows = [_task_row(t) for t in tasks]
    columns = [c for c in rows[0] if c != "Error"]
    lines = [f"# {title}", "", _md_table(columns, [[r[c] for c in columns] for r in rows]), "",
             "; ".join(f"{column}: {note}" for column, note in COLUMN_NOTES.items()) + ".", ""]
    fields = _fields_in_order(tasks)
    if fields:
        raw = {t.name: _per_field(t, "cer_micro") for t in tasks}
        norm = {t.name: _per_field(t, "cer_micro_norm") for t in tasks}
        lines += ["## CER per field (micro: total edits / total reference characters; raw / normalised)", ""]
        body = [[label] + [f"{_num(raw[t.name].get(label), 3) or '–'} / {_num(norm[t.name].get(label), 3) or '–'}"
                           for t in tasks] for label in fields]
        lines += [_md_table(["Field"] + [t.name for t in tasks], body), ""]
    failed = [r for r in rows if r["Error"] or r["Status"] != "ok"]
    if failed:
        lines += ["## Tasks that did not finish", ""]
        lines += [f"- **{_md_cell(r['Task'])}** ({r['Status']}): {_md_cell(r['Error']) or 'no error given'}"
                  for r in failed]
        lines.append("")
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


# --------------------------------------------------------------------------
# HTML with inline SVG
# --------------------------------------------------------------------------

_CSS = f"""
body {{ font-family: {FONT}; margin: 24px; color: #222; max-width: 1200px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 17px; margin-top: 28px; }}
.table-box {{ max-width: 100%; overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: 12px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 5px; text-align: right; white-space: nowrap; }}
th {{ background: #f2f2f2; white-space: normal; vertical-align: bottom; }}
th.text, td.text {{ text-align: left; }} td.text {{ white-space: normal; overflow-wrap: break-word; }}
td.long {{ overflow-wrap: anywhere; }} td.task {{ min-width: 9em; max-width: 20em; }}
td.status-failed {{ background: #fde2e2; }} td.status-skipped {{ background: #eee; }}
ul.failures li {{ font-size: 13px; overflow-wrap: anywhere; }}
.note {{ color: #666; font-size: 12px; }}
svg text {{ font-family: {FONT}; font-size: 12px; fill: #222; }}
svg .axis {{ stroke: #888; stroke-width: 1; }} svg .grid {{ stroke: #e4e4e4; stroke-width: 1; }}
"""


def render_html(tasks: Sequence[TaskSummary], title: str, as_of: _dt.datetime | None = None) -> str:
    colours = {t.name: PALETTE[i % len(PALETTE)] for i, t in enumerate(tasks)}
    generated = (as_of or _dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{_e(title)}</h1>", f'<p class="note">Results of {generated}. {len(tasks)} task(s).</p>',
        "<h2>Tasks</h2>", _html_table(tasks),
        "<h2>CER per field (normalised answers, micro: total edits / total reference characters)</h2>",
        cer_chart(tasks, colours),
        "<h2>Latency per request</h2>", latency_chart(tasks, colours),
        "<h2>Peak memory</h2>", memory_chart(tasks),
        "</body>", "</html>", "",
    ]
    return "\n".join(parts)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _html_table(tasks: Sequence[TaskSummary]) -> str:
    """The tasks, one row each, narrow enough for a 1200-px window: short headers (explained in
    their tooltips and a note), long names wrap, and the errors go to a list under the table."""
    rows = [_task_row(t) for t in tasks]
    columns = [c for c in rows[0] if c != "Error"]
    text_columns = {"Task", "Service", "Model", "Precision", "Mode", "Status"}
    header = "".join(f'<th title="{_e(COLUMN_NOTES[c])}">{_e(c)}</th>' if c in COLUMN_NOTES
                     else f'<th class="text">{_e(c)}</th>' for c in columns)
    out = ['<div class="table-box">', '<table id="tasks-table">', f"<tr>{header}</tr>"]
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            classes = ["text"] if column in text_columns else []
            if column in ("Task", "Model"):  # names without spaces: break anywhere rather than widen the table
                classes.append("long task" if column == "Task" else "long")
            if column == "Status":
                classes.append(f"status-{value}")
            title = f' title="{_e(row["Error"])}"' if column == "Status" and row["Error"] else ""
            cells.append(f'<td class="{" ".join(classes)}"{title}>{_e(value)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</div>",
            '<p class="note">' + "; ".join(f"{_e(c)}: {_e(n)}" for c, n in COLUMN_NOTES.items()) + ".</p>"]
    failed = [r for r in rows if r["Error"] or r["Status"] != "ok"]
    if failed:
        out.append('<h2>Tasks that did not finish</h2>')
        out.append('<ul class="failures" id="failures">')
        out += [f"<li><b>{_e(r['Task'])}</b> ({_e(r['Status'])}): {_e(r['Error'] or 'no error given')}</li>"
                for r in failed]
        out.append("</ul>")
    return "\n".join(out)


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    out = []
    for i, (label, colour) in enumerate(items):
        yy = y + 18 * i
        out.append(f'<rect class="legend" x="{x}" y="{yy}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{yy + 10}">{_e(label)}</text>')
    return out


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def _tick_text(value: float) -> str:
    return f"{value:g}"


def _label_width(labels: Sequence[str]) -> int:
    return min(360, max((len(label) for label in labels), default=4) * 7 + 16)


def _x_axis(left: float, width: float, y0: float, y1: float, ticks: list[float], unit: str) -> list[str]:
    out = []
    top = ticks[-1]
    for tick in ticks:
        x = left + width * tick / top
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}"/>')
        out.append(f'<text x="{x:.1f}" y="{y1 + 15}" text-anchor="middle">{_tick_text(tick)}</text>')
    out.append(f'<line class="axis" x1="{left}" y1="{y1}" x2="{left + width}" y2="{y1}"/>')
    out.append(f'<text x="{left + width / 2:.1f}" y="{y1 + 32}" text-anchor="middle">{_e(unit)}</text>')
    return out


def _svg(chart_id: str, width: float, height: float, body: list[str], label: str) -> str:
    return (f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(label)}" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">\n'
            + "\n".join(body) + "\n</svg>")


def _empty(chart_id: str, message: str) -> str:
    return f'<p id="{chart_id}" class="note">{_e(message)}</p>'


def cer_chart(tasks: Sequence[TaskSummary], colours: dict[str, str], column: str = "cer_micro_norm") -> str:
    """Horizontal grouped bars: one group per field, one bar per task that has a value for it."""
    fields = _fields_in_order(tasks)
    values = {t.name: _per_field(t, column) for t in tasks}
    shown = [t for t in tasks if values[t.name]]
    if not fields or not shown:
        return _empty("cer-chart", "No per-field metrics (ModelsMetrics/*_by_doc_question.csv) found.")
    bar, gap = 14, 10
    left, plot_width = _label_width(fields) + 10, 520
    legend_height = 18 * len(shown) + 8
    group_height = bar * len(shown) + gap
    top = legend_height + 10
    height = top + group_height * len(fields) + 45
    ticks = _ticks(max(1.0, max(max(v.values()) for v in values.values() if v)))
    scale = plot_width / ticks[-1]
    body = _legend([(t.name, colours[t.name]) for t in shown], left, 4)
    body += _x_axis(left, plot_width, top, top + group_height * len(fields), ticks, "CER")
    groups = [(label, [Bar(values[t.name].get(label), colours[t.name], "bar",
                           f'data-task="{_e(t.name)}" data-field="{_e(label)}"', f"{t.name} — {label}")
                       for t in shown]) for label in fields]
    body += _bar_groups(groups, left, top, bar, gap, scale, digits=3)
    return _svg("cer-chart", left + plot_width + 60, height, body, "CER per field per task")


def box_stats(values: Sequence[float]) -> dict[str, float | list[float]]:
    """Quartiles, whiskers (the furthest values within 1.5 IQR of the box) and outliers."""
    q1, median, q3 = (percentile(values, q) for q in (25, 50, 75))
    iqr = q3 - q1
    inside = [v for v in values if q1 - 1.5 * iqr <= v <= q3 + 1.5 * iqr]
    return {"q1": q1, "median": median, "q3": q3, "low": min(inside), "high": max(inside),
            "outliers": sorted(v for v in values if v not in inside)}


def latency_chart(tasks: Sequence[TaskSummary], colours: dict[str, str]) -> str:
    """One horizontal box plot per task of its per-request latencies."""
    shown = [t for t in tasks if t.performance and t.performance.latency_s]
    if not shown:
        return _empty("latency-chart", "No latencies recorded (tasks/*.json latency_s).")
    left, plot_width, row = _label_width([t.name for t in shown]) + 10, 520, 34
    top = 10
    height = top + row * len(shown) + 45
    ticks = _ticks(max(max(t.performance.latency_s) for t in shown))
    scale = plot_width / ticks[-1]
    body = _x_axis(left, plot_width, top, top + row * len(shown), ticks, "seconds per request")
    for i, task in enumerate(shown):
        latencies = task.performance.latency_s
        stats = box_stats(latencies)
        cy = top + i * row + row / 2
        colour = colours[task.name]

        def x(v: float) -> str:
            return f"{left + v * scale:.1f}"

        body.append(f'<text x="{left - 8}" y="{cy:.1f}" text-anchor="end" '
                    f'dominant-baseline="middle">{_e(task.name)}</text>')
        body.append(f'<g class="box" data-task="{_e(task.name)}" data-n="{len(latencies)}" '
                    f'data-median="{stats["median"]:.4f}">')
        body.append(f'<title>{_e(task.name)}: n={len(latencies)}, median {stats["median"]:.2f} s, '
                    f'p95 {percentile(latencies, 95):.2f} s</title>')
        for start, end in (("low", "q1"), ("q3", "high")):
            body.append(f'<line class="whisker" x1="{x(stats[start])}" y1="{cy}" x2="{x(stats[end])}" y2="{cy}" '
                        f'stroke="#555"/>')
        for end in ("low", "high"):
            body.append(f'<line class="whisker-end" x1="{x(stats[end])}" y1="{cy - 6}" x2="{x(stats[end])}" '
                        f'y2="{cy + 6}" stroke="#555"/>')
        box_width = max((stats["q3"] - stats["q1"]) * scale, 1)
        body.append(f'<rect class="box-iqr" x="{x(stats["q1"])}" y="{cy - 10}" width="{box_width:.1f}" height="20" '
                    f'fill="{colour}" fill-opacity="0.55" stroke="{colour}"/>')
        body.append(f'<line class="median" x1="{x(stats["median"])}" y1="{cy - 10}" x2="{x(stats["median"])}" '
                    f'y2="{cy + 10}" stroke="#111" stroke-width="2"/>')
        for value in stats["outliers"]:
            body.append(f'<circle class="outlier" cx="{x(value)}" cy="{cy}" r="3" fill="none" stroke="{colour}"/>')
        body.append("</g>")
    return _svg("latency-chart", left + plot_width + 60, height, body, "Latency per request per task")


def memory_chart(tasks: Sequence[TaskSummary]) -> str:
    """Two bars per task: peak GPU memory and peak process memory, both in GiB (a series no task
    measured, such as GPU memory of CPU-only runs, is left out)."""
    series = (("GPU (peak VRAM)", "#4e79a7", lambda p: p.peak_vram_gb),
              ("process (peak RSS)", "#f28e2b", lambda p: None if p.peak_rss_mb is None else p.peak_rss_mb / 1024))
    series = tuple(s for s in series if any(t.performance and s[2](t.performance) is not None for t in tasks))
    shown = [t for t in tasks if t.performance and any(get(t.performance) is not None for _, _, get in series)]
    if not shown:
        return _empty("memory-chart", "No memory figures recorded (tasks/*.json peak_vram_gb, peak_rss_mb).")
    bar, gap = 14, 10
    left, plot_width = _label_width([t.name for t in shown]) + 10, 520
    top = 18 * len(series) + 14
    group_height = bar * len(series) + gap
    height = top + group_height * len(shown) + 45
    peak = max(get(t.performance) or 0 for t in shown for _, _, get in series)
    ticks = _ticks(max(peak, 0.1))
    scale = plot_width / ticks[-1]
    body = _legend([(name, colour) for name, colour, _ in series], left, 4)
    body += _x_axis(left, plot_width, top, top + group_height * len(shown), ticks, "GiB")
    groups = [(t.name, [Bar(get(t.performance), colour, "bar mem", f'data-task="{_e(t.name)}" data-series="{_e(name)}"',
                            f"{t.name} — {name}", " GiB")
                        for name, colour, get in series]) for t in shown]
    body += _bar_groups(groups, left, top, bar, gap, scale, digits=2)
    return _svg("memory-chart", left + plot_width + 60, height, body, "Peak memory per task")


@dataclass(frozen=True)
class Bar:
    value: float | None  # None: no bar (its slot in the group stays empty)
    colour: str
    css_class: str
    attributes: str  # data-* attributes, already escaped
    title: str
    unit: str = ""


def _bar_groups(groups: Sequence[tuple[str, Sequence[Bar]]], left: float, top: float, bar: float, gap: float,
                scale: float, digits: int) -> list[str]:
    """Horizontal bars in labelled groups, one slot per bar, each with its value beside it."""
    group_height = bar * max((len(bars) for _, bars in groups), default=0) + gap
    body = []
    for i, (label, bars) in enumerate(groups):
        y = top + i * group_height
        body.append(f'<text x="{left - 8}" y="{y + group_height / 2:.1f}" text-anchor="end" '
                    f'dominant-baseline="middle">{_e(label)}</text>')
        for j, item in enumerate(bars):
            if item.value is None:
                continue
            value, by = item.value, y + gap / 2 + j * bar
            body.append(
                f'<rect class="{item.css_class}" {item.attributes} data-value="{value:.4f}" '
                f'x="{left}" y="{by:.1f}" width="{max(value * scale, 1):.1f}" height="{bar - 2}" '
                f'fill="{item.colour}"><title>{_e(item.title)}: {value:.{digits}f}{item.unit}</title></rect>')
            body.append(f'<text x="{left + value * scale + 4:.1f}" y="{by + bar / 2:.1f}" '
                        f'dominant-baseline="middle">{value:.{digits}f}</text>')
    return body
