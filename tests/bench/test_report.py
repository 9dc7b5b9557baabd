"""The benchmark report: figures, Markdown, self-contained HTML, and the page in a real Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.dataset import Sample
from obligations.bench.metrics import AnswerRow, evaluate, write_metrics
from obligations.bench.report import (
    box_stats, build_report, collect, load_task_performance, percentile, render_html,
)
from obligations.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium (Debian package `chromium`) installed")
DRIVER = shutil.which("chromedriver")

QUESTIONS = [  # (doc_class, question_type, field_id, reference)
    ("passport", "Фамилия", "last_name", "Карбаинов"),
    ("passport", "Дата рождения", "birth_date", "13.09.1985"),
    ("passport", "Серия и номер паспорта", "series_number", "4505 679944"),
    ("snils", "Номер снилса", "number", "353-721-310 54"),
]
TASK_A, TASK_B, TASK_FAILED = "demo_hf_qwen2-vl-2b_default", "demo_cpu_tesseract_default", "demo_hf_got-ocr_default"


def make_bench_dir(root: Path) -> Path:
    """Two tasks that ran and were scored, and one that failed before answering."""
    samples = [Sample(i, Path("images/1.jpg"), q, ref, cls, q, field_id, cls) for i, (cls, q, field_id, ref)
               in enumerate(QUESTIONS)]
    answers = {
        TASK_A: [AnswerRow(0, "Карбаинов"), AnswerRow(1, "13.09.1985"), AnswerRow(2, "4505 679944"),
                 AnswerRow(3, "353-721-310 54")],
        TASK_B: [AnswerRow(0, "Карбаинова"), AnswerRow(1, "1985-09-13"), AnswerRow(3, "353-721-310 5")],  # 2 missing
    }
    for stem, rows in answers.items():
        write_metrics(root / "ModelsMetrics", stem, evaluate(samples, rows))
    performance = {
        TASK_A: {"service": "qwen_local", "model": "qwen2-vl-2b", "precision": "bf16", "mode": "fields",
                 "load_s": 12.5, "latency_s": [1.0, 2.0, 3.0, 4.0, 20.0], "per_document_s": [30.0],
                 "pages_per_s": 0.033, "peak_vram_gb": 5.5, "peak_rss_mb": 3072.0, "status": "ok", "error": None},
        TASK_B: {"service": "tesseract", "model": "tesseract rus+eng", "precision": None, "mode": "fields",
                 "load_s": 0.0, "latency_s": [0.5, 0.7], "pages_per_s": 1.2, "peak_rss_mb": 512, "status": "ok"},
        TASK_FAILED: {"service": "got", "model": "got-ocr2", "precision": "fp16", "status": "failed",
                      "error": "CUDA out of memory | tried 6 GiB"},
    }
    (root / "tasks").mkdir(parents=True)
    for stem, data in performance.items():
        (root / "tasks" / f"{stem}.json").write_text(json.dumps({"task": stem, **data}), encoding="utf-8")
    return root


def test_percentile_and_box_stats_by_hand():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)  # 3 + 0.85 * (4 - 3)
    assert percentile([7.0], 95) == 7.0 and percentile([], 50) is None
    stats = box_stats([1.0, 2.0, 3.0, 4.0, 20.0])
    assert (stats["q1"], stats["median"], stats["q3"]) == (2.0, 3.0, 4.0)
    assert (stats["low"], stats["high"], stats["outliers"]) == (1.0, 4.0, [20.0])  # 20 > 4 + 1.5 * 2


def test_collect_joins_metrics_and_performance_by_task_name(tmp_path):
    tasks = {t.name: t for t in collect(make_bench_dir(tmp_path))}
    assert sorted(tasks) == sorted([TASK_A, TASK_B, TASK_FAILED])
    assert tasks[TASK_A].general["cer_micro"] == 0.0 and tasks[TASK_A].performance.load_s == 12.5
    assert tasks[TASK_B].general["n_missing"] == 1
    assert [r["question_type"] for r in tasks[TASK_B].per_field] == [q for _, q, _, _ in QUESTIONS]
    assert tasks[TASK_FAILED].general is None and tasks[TASK_FAILED].status == "failed"


def test_markdown_summary(tmp_path):
    bench = make_bench_dir(tmp_path / "bench")
    build_report(bench, tmp_path / "report.html", tmp_path / "report.md")
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    row_a = next(line for line in md.splitlines() if line.startswith(f"| {TASK_A} |"))
    cells = [c.strip() for c in row_a.strip("|").split("|")]
    assert cells[:6] == [TASK_A, "qwen_local", "qwen2-vl-2b", "bf16", "fields", "ok"]
    assert cells[6:12] == ["12.5", "3.00", "16.80", "0.03", "5.5", "3072"]  # p95 of 1,2,3,4,20: 4 + 0.8 * 16
    assert cells[12:14] == ["0.000", "0.000"]
    # columns in task-name order: B, the failed task, A
    # Карбаинова for Карбаинов: 1 edit of 9 letters, raw and normalised
    assert "| passport · Фамилия | 0.111 / 0.111 | – / – | 0.000 / 0.000 |" in md
    # a date in another format is wrong raw and right normalised
    assert re.search(r"\| passport · Дата рождения \| 0\.[1-9]\d\d / 0\.000 \| – / – \| 0\.000 / 0\.000 \|", md)
    assert "| passport · Серия и номер паспорта | 1.000 / 1.000 | – / – | 0.000 / 0.000 |" in md  # missing answer
    # one digit short: 1 edit of 14 characters raw; not readable as a SNILS, so empty normalised
    assert "| snils · Номер снилса | 0.071 / 1.000 | – / – | 0.000 / 0.000 |" in md
    assert f"**{TASK_FAILED}** (failed): CUDA out of memory \\| tried 6 GiB" in md


def test_html_is_self_contained_and_escaped(tmp_path):
    tasks = collect(make_bench_dir(tmp_path))
    page = render_html(tasks, "Отчёт <b>")
    assert '<meta charset="utf-8">' in page and "Отчёт &lt;b&gt;" in page
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}  # the SVG namespace only
    assert page.count('<rect class="bar"') == 4 + 4  # both scored tasks have all 4 fields (a missing answer too)


def test_bad_inputs_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="nothing to report"):
        build_report(tmp_path, tmp_path / "r.html", tmp_path / "r.md")
    path = tmp_path / "t.json"
    for text, message in (("[1]", "JSON object"), ('{"latency_s": [1, "x"]}', "latency_s must be a list"),
                          ('{"load_s": "slow"}', "load_s must be a number"), ('{"status": "done"}', "status"),
                          ("{", "not a task performance JSON")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            load_task_performance(path)


# The probe runs after the page loaded and writes what Chromium laid out into the DOM, where
# --dump-dom shows it: elements and their rendered sizes, and any error the page raised.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message)));
window.addEventListener('load', () => {
  const boxes = sel => [...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect());
  const result = {
    cer_bars: boxes('#cer-chart rect.bar').filter(r => r.width > 0 && r.height > 0).length,
    latency_boxes: boxes('#latency-chart g.box').filter(r => r.width > 0).length,
    memory_bars: boxes('#memory-chart rect.bar').filter(r => r.width > 0).length,
    charts_width: ['#cer-chart', '#latency-chart', '#memory-chart'].map(s => boxes(s)[0].width),
    table_rows: document.querySelectorAll('#tasks-table tr').length,
    labels: [...document.querySelectorAll('#cer-chart text')].map(t => t.textContent),
    label_width: Math.max(...[...document.querySelectorAll('#cer-chart text')]
                   .filter(t => t.textContent.includes('Фамилия')).map(t => t.getComputedTextLength())),
    errors: window.__errors,
  };
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>"""


def run_browser(*args: str, profile: Path) -> subprocess.CompletedProcess:
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@needs_browser
def test_report_renders_in_headless_chromium(tmp_path):
    bench = make_bench_dir(tmp_path / "bench")
    build_report(bench, tmp_path / "report.html", tmp_path / "report.md")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = run_browser("--dump-dom", probed.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert match, done.stdout[-2000:]
    result = json.loads(match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert result["errors"] == []
    assert result["cer_bars"] == 8  # 4 fields of task A and of task B; the failed task has none
    assert result["latency_boxes"] == 2
    assert result["memory_bars"] == 3  # A: VRAM and RSS, B: RSS only
    assert all(width > 300 for width in result["charts_width"])
    assert result["table_rows"] == 1 + 3
    assert "passport · Серия и номер паспорта" in result["labels"]  # read back as UTF-8, not mojibake
    assert result["label_width"] > 50


@needs_browser
def test_screenshot_script_writes_a_small_png_showing_the_charts(tmp_path):
    from PIL import Image

    bench = make_bench_dir(tmp_path / "bench")
    build_report(bench, tmp_path / "report.html", tmp_path / "report.md")
    png = tmp_path / "docs" / "shot.png"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "report_screenshot.py"), str(tmp_path / "report.html"),
                           str(png), "--height", "2400"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 0 < png.stat().st_size < 300 * 1024
    image = Image.open(png).convert("RGB")
    assert image.width == 1200 and 600 < image.height < 2400  # blank bottom cut off
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 16)}

    def near(rgb):
        return any(sum(abs(a - b) for a, b in zip(rgb, c)) < 30 for c in colours)

    assert near((0x4E, 0x79, 0xA7)) and near((0xF2, 0x8E, 0x2B))  # the two tasks' bar colours


def add_wide_task(root: Path) -> str:
    """A failed task with the widest cells a table can get: a long name without spaces, a long
    model id, every figure in the thousands, and a long error."""
    name = "passport_photos_degraded_HF_Qwen-Qwen2.5-VL-72B-Instruct-AWQ_my_system_prompt_v2"
    (root / "tasks" / f"{name}.json").write_text(json.dumps({
        "task": name, "service": "qwen_local", "model": "Qwen/Qwen2.5-VL-72B-Instruct-AWQ", "precision": "int4",
        "mode": "per-field", "load_s": 1234.5, "latency_s": [100.25, 2000.5], "pages_per_s": 1234.56,
        "peak_vram_gb": 139.9, "peak_rss_mb": 123456, "status": "failed",
        "error": "CUDA out of memory: " + "tried to allocate 20.00 MiB; " * 12}), encoding="utf-8")
    return name


def test_task_table_is_narrow_and_errors_are_listed_under_it(tmp_path):
    bench = make_bench_dir(tmp_path / "bench")
    wide = add_wide_task(bench)
    page = render_html(collect(bench), "r")
    table = page[page.index('<table id="tasks-table">'):page.index("</table>")]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers[-1] == "Valid" and "Error" not in headers and len(headers) == 16
    assert max(len(h) for h in headers) <= 10  # short headers; the note under the table says what they mean
    assert '<td class="text long task">' in table  # names without spaces may break anywhere
    cells = re.findall(r">([^<]*)</td>", table)
    assert len(cells) == 16 * 4 and not any("CUDA" in cell for cell in cells)  # errors: under the table, in full
    failures = page[page.index('<ul class="failures"'):]
    assert f"<b>{wide}</b> (failed): CUDA out of memory" in failures
    assert f"<b>{TASK_FAILED}</b> (failed): CUDA out of memory | tried 6 GiB" in failures


# Selenium drives Chromium through chromedriver, so the window has a real size (--dump-dom has none).
WIDTH_PROBE = """
const table = document.querySelector('#tasks-table');
const header = [...table.rows[0].cells];
return {client: document.documentElement.clientWidth, page: document.documentElement.scrollWidth,
        box: [table.parentElement.scrollWidth, table.parentElement.clientWidth],
        last: header[header.length - 1].textContent,
        rights: [...table.rows].map(row => row.cells[row.cells.length - 1].getBoundingClientRect().right)};
"""


@pytest.mark.skipif(BROWSER is None or DRIVER is None, reason="no Chromium and chromedriver (Debian packages "
                    "`chromium`, `chromium-driver`) installed")
def test_task_table_fits_a_1200_px_window_in_chromium(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    bench = make_bench_dir(tmp_path / "bench")
    add_wide_task(bench)
    build_report(bench, tmp_path / "report.html", tmp_path / "report.md")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900",
                     f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    options.binary_location = BROWSER
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    try:
        assert driver.execute_script("return window.innerWidth") == 1200
        driver.get((tmp_path / "report.html").as_uri())
        result = driver.execute_script(WIDTH_PROBE)
    finally:
        driver.quit()
    assert result["last"] == "Valid"
    assert len(result["rights"]) == 1 + 4
    assert all(0 < right <= result["client"] for right in result["rights"]), result
    assert result["page"] <= result["client"], result  # no horizontal scrolling of the page
    assert result["box"][0] <= result["box"][1], result  # nor of the table's own box


def test_a_report_is_dated_by_its_newest_results_so_a_rebuild_is_the_same_file(tmp_path):
    import os
    from datetime import datetime

    bench = make_bench_dir(tmp_path / "bench")
    stamp = datetime(2026, 1, 2, 3, 4).timestamp()
    for path in [*(bench / "tasks").glob("*"), *(bench / "ModelsMetrics").glob("*")]:
        os.utime(path, (stamp, stamp))
    build_report(bench, tmp_path / "a.html", tmp_path / "a.md")
    build_report(bench, tmp_path / "b.html", tmp_path / "b.md")
    first = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "Results of 2026-01-02 03:04." in first and first == (tmp_path / "b.html").read_text(encoding="utf-8")
