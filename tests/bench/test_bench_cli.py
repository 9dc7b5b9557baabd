"""`obligations bench run/report/prompts` and `obligations run --executor` end to end: a small
synthetic dataset, Tesseract tasks and a tiny random Qwen model, one task that crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from obligations.bench.dataset import load_dataset
from obligations.bench.metrics import read_answers, read_metrics
from obligations.bench.runner import answers_path
from obligations.prompts import PromptCollection
from obligations.synth import generate

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
          "metrics_aggregators;filter_doc_class;filter_question_type;service;precision;mode;remote_url\n")
TESSERACT_ALL = "synth;VQA;Tesseract;tesseract;;;['CER', 'WER'];False;['by_id', 'by_doc_question', 'general'];;;tesseract;;;"
TESSERACT_SNILS = "synth;VQA;Tesseract;tesseract;;b.csv;['CER'];False;['general'];snils;;tesseract;;;"
CRASHING = "synth;VQA;HF;./missing-model;;;['CER'];False;['general'];;;qwen_local;;;"


def obligations(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "obligations", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


def levenshtein(a: str, b: str) -> int:
    """Edit distance, written out here so the test does not check the metrics with themselves."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench")
    for doc_type in ("snils", "inn"):
        generate(doc_type, 2, root / "synth", degrade="none", seed=5)
    (root / "a.csv").write_text("prompt;doc_class_question_type\nНапиши номер СНИЛС.;snils number\n",
                                encoding="utf-8")
    (root / "b.csv").write_text("prompt;doc_class_question_type\nКакой номер СНИЛС? Только цифры.;snils number\n",
                                encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_run(bench_dir, tiny_model):
    tiny = tiny_model("qwen2-vl")
    qwen = f"synth;VQA;HF;{tiny};;a.csv;['CER'];False;['by_doc_question', 'general'];snils;;qwen_local;;fields;"
    config = bench_dir / "config.csv"
    config.write_text(HEADER + "\n".join([TESSERACT_ALL, TESSERACT_SNILS, qwen, CRASHING]) + "\n",
                      encoding="utf-8-sig")
    proc = obligations("bench", "run", str(config), "--out", str(bench_dir / "out"), "--jobs", "2", cwd=bench_dir)
    manifest = json.loads((bench_dir / "out" / "manifest.json").read_text(encoding="utf-8"))
    return proc, manifest


def test_a_crashed_task_fails_alone(first_run, bench_dir):
    proc, manifest = first_run
    assert proc.returncode == 1, proc.stderr
    status = {task["name"]: task["status"] for task in manifest["tasks"]}
    assert list(status.values()) == ["ok", "ok", "ok", "failed"], proc.stdout + proc.stderr
    crashed = manifest["tasks"][3]
    assert "no such model folder" in crashed["error"]
    assert crashed["job"]["returncode"] == 2
    assert f"{crashed['name']}: FAILED" in proc.stdout
    perf = json.loads((bench_dir / "out" / "tasks" / f"{crashed['name']}.json").read_text(encoding="utf-8"))
    assert perf["status"] == "failed"


def test_every_task_has_answers_and_metrics_per_aggregator(first_run, bench_dir):
    _, manifest = first_run
    out = bench_dir / "out"
    expected = [["by_id", "by_doc_question", "general"], ["general"], ["by_doc_question", "general"], []]
    for task, aggregators in zip(manifest["tasks"], expected):
        assert task["metrics"] == [f"{task['name']}_{a}.csv" for a in aggregators]
        for aggregator in aggregators:
            assert (out / "ModelsMetrics" / f"{task['name']}_{aggregator}.csv").is_file()
    dataset = load_dataset(bench_dir / "synth")
    snils = [s for s in dataset.samples if s.doc_type == "snils"]
    assert [a.id for a in read_answers(answers_path(out, manifest["tasks"][0]["name"]))] == [
        s.id for s in dataset.samples]
    assert [a.id for a in read_answers(answers_path(out, manifest["tasks"][1]["name"]))] == [s.id for s in snils]
    assert [a.id for a in read_answers(answers_path(out, manifest["tasks"][2]["name"]))] == [s.id for s in snils]
    general = read_metrics(out / "ModelsMetrics" / f"{manifest['tasks'][1]['name']}_general.csv")[0]
    assert "cer_micro" in general and "wer_micro" not in general  # only the metrics the row asked for
    perf = json.loads((out / "tasks" / f"{manifest['tasks'][2]['name']}.json").read_text(encoding="utf-8"))
    assert perf["service"] == "qwen_local" and perf["load_s"] > 0 and len(perf["per_document_s"]) == 2


def test_cer_per_field_equals_a_recomputation_from_the_answers(first_run, bench_dir):
    _, manifest = first_run
    out = bench_dir / "out"
    dataset = load_dataset(bench_dir / "synth")
    for task in (manifest["tasks"][0], manifest["tasks"][2]):
        answers = {a.id: a.model_answer.strip() for a in read_answers(answers_path(out, task["name"]))}
        rows = read_metrics(out / "ModelsMetrics" / f"{task['name']}_by_doc_question.csv")
        assert rows
        for row in rows:
            samples = [s for s in dataset.samples
                       if s.doc_type == row["doc_type"] and s.field_id == row["field_id"] and s.id in answers]
            edits = sum(levenshtein(answers[s.id], s.answer.strip()) for s in samples)
            length = sum(len(s.answer.strip()) for s in samples)
            assert row["cer_micro"] == pytest.approx(edits / length), (task["name"], row["field_id"])


def test_report_files_list_the_tasks(first_run, bench_dir):
    proc, manifest = first_run
    out = bench_dir / "out"
    html = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    for task in manifest["tasks"]:
        assert task["name"] in html and task["name"] in markdown
    assert "<svg" in html and "<script" not in html
    assert f"report: {out / 'report.html'}" in proc.stdout
    (out / "report.html").unlink()
    rebuilt = obligations("bench", "report", str(out), cwd=bench_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (out / "report.html").read_text(encoding="utf-8") == html


def test_resume_skips_complete_tasks_and_only_evaluate_rescores(first_run, bench_dir):
    out = bench_dir / "out"
    _, first = first_run
    names = [task["name"] for task in first["tasks"]]
    kept = answers_path(out, names[0])
    stamp = kept.stat().st_mtime_ns
    config = bench_dir / "resume.csv"
    config.write_text(HEADER + "\n".join([TESSERACT_ALL, TESSERACT_SNILS]) + "\n", encoding="utf-8-sig")
    answers_path(out, names[1]).unlink()  # as if the second task had been interrupted
    proc = obligations("bench", "run", str(config), "--out", str(out), "--resume", cwd=bench_dir)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(t["name"], t["status"]) for t in manifest["tasks"]] == [(names[0], "skipped"), (names[1], "ok")]
    assert manifest["tasks"][0]["job"] is None and manifest["tasks"][1]["job"]["returncode"] == 0
    assert kept.stat().st_mtime_ns == stamp
    assert answers_path(out, names[1]).is_file()

    # Scores from answers alone: an edited answers file changes them, and no task process runs.
    lines = kept.read_text(encoding="utf-8-sig").splitlines()
    header, first_answer = lines[0], lines[1].split(";")
    first_answer[1], first_answer[2] = "", ""
    kept.write_text("\n".join([header, ";".join(first_answer), *lines[2:]]) + "\n", encoding="utf-8-sig")
    config.write_text(HEADER + TESSERACT_ALL.replace(";False;", ";True;") + "\n", encoding="utf-8-sig")
    proc = obligations("bench", "run", str(config), "--out", str(out), cwd=bench_dir)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(t["status"], t["job"]) for t in manifest["tasks"]] == [("evaluated", None)]
    by_id = read_metrics(out / "ModelsMetrics" / f"{names[0]}_by_id.csv")
    assert by_id[0]["model_answer"] is None and by_id[0]["cer"] == 1.0


def test_prompts_keeps_the_best_prompt_per_field(bench_dir, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("prompt;doc_class_question_type\nНомер?;snils number\nИмя?;snils first_name\n", encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("prompt;doc_class_question_type\nФамилия?;snils last_name\n", encoding="utf-8")
    data = tmp_path / "snils"
    generate("snils", 1, data, degrade="none", seed=8)
    best = tmp_path / "best.csv"
    proc = obligations("bench", "prompts", "--data", str(data), "--collection", str(good), "--collection",
                       str(other), "--service", "tesseract", "--out", str(best), "--jobs", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    entries = {(e.doc_class, e.question_type): e for e in PromptCollection.load(best).entries}
    # Tesseract ignores prompts, so each field's winner is the only collection that has a prompt for it.
    assert set(entries) == {("snils", "number"), ("snils", "first_name"), ("snils", "last_name")}
    assert entries["snils", "number"].prompt == "Номер?" and entries["snils", "last_name"].prompt == "Фамилия?"
    metrics = {row["field_id"]: row["cer_micro"] for row in read_metrics(
        next((tmp_path / "best.bench" / "ModelsMetrics").glob("*_good_by_doc_question.csv")))}
    assert entries["snils", "number"].cer == pytest.approx(metrics["number"])


def test_sharded_run_gives_what_one_run_gives(bench_dir, tmp_path):
    files = sorted((bench_dir / "synth").glob("*.png"))
    plain = obligations("run", *map(str, files), "-o", str(tmp_path / "plain"), "-q", "--ocr-service", "tesseract",
                        "--jobs", "1", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    sharded = obligations("run", str(bench_dir / "synth"), "-o", str(tmp_path / "sharded"), "--ocr-service",
                          "tesseract", "--jobs", "1", "--executor", "local", "--shards", "2", cwd=tmp_path)
    assert sharded.returncode == 0, sharded.stderr
    manifest = json.loads((tmp_path / "sharded" / "manifest.json").read_text(encoding="utf-8"))
    assert [len(shard["files"]) for shard in manifest["shards"]] == [2, 2]
    assert all(shard["returncode"] == 0 for shard in manifest["shards"])
    for file in files:
        ours = json.loads((tmp_path / "sharded" / f"{file.stem}.json").read_text(encoding="utf-8"))
        theirs = json.loads((tmp_path / "plain" / f"{file.stem}.json").read_text(encoding="utf-8"))
        assert ours["documents"] == theirs["documents"]


def test_sharding_to_standard_output_is_a_usage_error(bench_dir, tmp_path):
    proc = obligations("run", str(bench_dir / "synth"), "-o", "-", "--shards", "2", cwd=tmp_path)
    assert proc.returncode == 2 and "standard output" in proc.stderr
