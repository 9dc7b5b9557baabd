"""The README's benchmark example, run as written: its shell blocks build the data folder, its
config CSV is the config (Qwen2-VL-2B swapped for a tiny random model of the same family, which
needs no download), and every task of it ends ok with scores and a report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from obligations.bench.metrics import read_metrics

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Benchmarking models and prompts"
CLI = ".venv/bin/obligations"


def example_blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block of the README's benchmark section, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return re.findall(r"^```(\w*)\n(.*?)^```$", section, re.S | re.M)


def shell(script: str, cwd: Path) -> subprocess.CompletedProcess:
    # The README's `.venv/bin/obligations` is this interpreter's package, wherever the test runs.
    script = script.replace(CLI, f"{sys.executable} -m obligations")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


def test_the_readme_example_runs_as_written(tmp_path, tiny_model):
    blocks = example_blocks()
    layout = next(text for language, text in blocks if language == "text")
    setup = next(text for language, text in blocks if language == "sh" and "obligations synth" in text)
    config = next(text for language, text in blocks if language == "csv")
    run = next(text for language, text in blocks if language == "sh" and "bench-data/config.csv" in text)

    built = shell(setup, tmp_path)
    assert built.returncode == 0, built.stderr
    data = tmp_path / "bench-data"
    for line in layout.splitlines()[2:]:  # every path the layout shows, but config.csv, the next block
        path = line.split()[1]
        assert (data / path).exists(), path
    assert "Qwen/Qwen2-VL-2B-Instruct" in config
    (data / "config.csv").write_text(config.replace("Qwen/Qwen2-VL-2B-Instruct", str(tiny_model("qwen2-vl"))),
                                     encoding="utf-8")

    proc = shell(run, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = tmp_path / "bench-out"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [task["status"] for task in manifest["tasks"]] == ["ok", "ok", "ok"], manifest
    tesseract, text, qwen = (task["name"] for task in manifest["tasks"])
    assert tesseract == "snils_Tesseract_tesseract_default" and text == "invoice_Text_text_default"
    assert qwen.startswith("snils_HF_") and qwen.endswith("_terse")
    assert [len(task["metrics"]) for task in manifest["tasks"]] == [2, 4, 2]
    # The text layer of a digital PDF holds the invoice exactly; the tiny model's answers are noise.
    assert read_metrics(out / "ModelsMetrics" / f"{text}_general.csv")[0]["cer_micro_norm"] < 0.05
    by_id = read_metrics(out / "ModelsMetrics" / f"{qwen}_by_id.csv")
    assert len(by_id) == 3 and {row["question_type"] for row in by_id} == {"number"}  # the filters held
    assert (out / "report.html").is_file() and (out / "report.md").is_file()
