"""The benchmark runner's parts: task names, options, one task in this process, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obligations.bench.config import Task, load_config
from obligations.bench.dataset import load_dataset
from obligations.bench.metrics import AnswerRow, read_answers, write_answers
from obligations.bench.runner import (answers_complete, answers_path, nothing_read_message, run_task, task_files,
                                      task_names, task_run_options)
from obligations.errors import InputError, UsageError
from obligations.synth import generate

HEADER = ("dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
          "metrics_aggregators;filter_doc_class;filter_question_type;service;precision;mode;remote_url\n")


@pytest.fixture(scope="module")
def snils_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("data")
    generate("snils", 1, root / "snils", degrade="none", seed=3)
    return root / "snils"


def write_config(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8-sig")
    return path


def test_task_names_are_unique_and_say_which_collection(tmp_path):
    tasks = [Task("d", model_name="m", prompt_collection="a.csv"), Task("d", model_name="m", prompt_collection="b.csv"),
             Task("d", model_name="m"), Task("d", model_name="m"), Task("e", model_name="m")]
    names = task_names(tasks)
    assert names == ["d_auto_m_default_a", "d_auto_m_default_b", "d_auto_m_default", "d_auto_m_default_2",
                     "e_auto_m_default"]


def test_run_options_follow_the_task(tmp_path, snils_data):
    weights = tmp_path / "weights"
    weights.mkdir()
    (tmp_path / "p.csv").write_text("prompt;doc_class_question_type\nНомер?;snils number\n", encoding="utf-8")
    config = write_config(tmp_path / "c.csv", [
        f"{snils_data};VQA;HF;weights;;p.csv;;;;;;qwen_local;bf16;fields;",
        f"{snils_data};VQA;Tesseract;tesseract;;;;;;;;tesseract;;;",
        f"{snils_data};VQA;HF;Qwen/Qwen2-VL-2B-Instruct;;;;;;;;qwen_local;;json;",
        f"{snils_data};VQA;HF;./missing-model;;;;;;;;qwen_local;;;",
    ])
    local, tesseract, hub, missing = load_config(config)
    options = task_run_options(local, task_files(local))
    assert options.model_path == weights and options.model is None
    assert (options.service, options.precision, options.mode, options.jobs) == ("qwen_local", "bf16", "per-field", 1)
    assert options.prompts == tmp_path / "p.csv"
    options = task_run_options(tesseract, task_files(tesseract))
    assert (options.service, options.model, options.model_path) == ("tesseract", None, None)
    options = task_run_options(hub, task_files(hub))
    assert (options.model, options.mode) == ("Qwen/Qwen2-VL-2B-Instruct", "json")
    with pytest.raises(UsageError, match="missing-model: no such model folder"):
        task_run_options(missing, task_files(missing))


def test_data_folder_is_searched_before_the_config_folder(tmp_path, snils_data):
    data = tmp_path / "bench"
    (data / "Datasets" / "VQA").mkdir(parents=True)
    (data / "Datasets" / "VQA" / "snils").symlink_to(snils_data, target_is_directory=True)
    config = write_config(tmp_path / "c.csv", ["snils;VQA;Tesseract;tesseract;;;;;;;;tesseract;;;"])
    task = load_config(config)[0]
    assert task_files(task, data).dataset == data / "Datasets" / "VQA" / "snils"
    with pytest.raises(UsageError, match="dataset"):
        task_files(task)


def test_answers_complete_needs_every_sample(tmp_path, snils_data):
    dataset = load_dataset(snils_data)
    path = tmp_path / "answers.csv"
    assert not answers_complete(path, dataset)
    write_answers(path, [AnswerRow(s.id, "x") for s in dataset.samples[:-1]])
    assert not answers_complete(path, dataset)
    write_answers(path, [AnswerRow(s.id, "x") for s in dataset.samples])
    assert answers_complete(path, dataset)


def test_one_task_writes_answers_and_how_it_ran(tmp_path, snils_data):
    config = write_config(tmp_path / "c.csv", [f"{snils_data};VQA;Tesseract;tesseract;;;;;;;;tesseract;;;"])
    out = tmp_path / "out"
    record = run_task(config, 0, out)
    name = record["task"]
    dataset = load_dataset(snils_data)
    answers = read_answers(answers_path(out, name))
    assert [a.id for a in answers] == [s.id for s in dataset.samples]
    by_field = {s.field_id: a for s, a in zip(dataset.samples, answers)}
    truth = json.loads((snils_data / "snils_0000.json").read_text(encoding="utf-8"))
    # A clean synthetic SNILS: Tesseract reads the number exactly.
    assert by_field["number"].normalized == truth["fields"]["number"]
    assert by_field["number"].valid is True and by_field["number"].bbox is not None
    on_disk = json.loads((out / "tasks" / f"{name}.json").read_text(encoding="utf-8"))
    assert on_disk == record
    assert record["status"] == "ok" and record["documents"] == 1 and record["pages"] == 1
    assert len(record["latency_s"]) == 1 and len(record["per_document_s"]) == 1
    assert record["pages_per_s"] == pytest.approx(1 / record["per_document_s"][0], rel=1e-3)
    assert record["peak_rss_mb"] > 10
    assert not list((out / "ModelsAnswers").glob("*.partial.csv"))


def test_resume_goes_on_from_the_partial_answers(tmp_path, snils_data):
    config = write_config(tmp_path / "c.csv", [f"{snils_data};VQA;Tesseract;tesseract;;;;;;;;tesseract;;;"])
    out = tmp_path / "out"
    name = task_names(load_config(config))[0]
    dataset = load_dataset(snils_data)
    given = [AnswerRow(s.id, f"earlier {s.id}") for s in dataset.samples]
    write_answers(out / "ModelsAnswers" / f"{name}.partial.csv", given)
    record = run_task(config, 0, out, resume=True)
    assert record["documents"] == 0  # the only image was answered already
    assert [a.model_answer for a in read_answers(answers_path(out, name))] == [a.model_answer for a in given]


def test_a_failing_task_records_its_error(tmp_path, snils_data):
    config = write_config(tmp_path / "c.csv", [f"{snils_data};VQA;HF;/nonexistent/model;;;;;;;;qwen_local;;;"])
    out = tmp_path / "out"
    with pytest.raises(UsageError):
        run_task(config, 0, out)
    name = task_names(load_config(config))[0]
    record = json.loads((out / "tasks" / f"{name}.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and "no such model folder" in record["error"]
    assert not answers_path(out, name).exists()


def test_row_out_of_range_is_a_usage_error(tmp_path, snils_data):
    config = write_config(tmp_path / "c.csv", [f"{snils_data};VQA;Tesseract;tesseract;;;;;;;;tesseract;;;"])
    with pytest.raises(UsageError, match="no task 3"):
        run_task(config, 3, tmp_path / "out")


def test_a_service_that_reads_nothing_fails_the_task(tmp_path):
    """The text service on scans (an image, a PDF without a text layer) reads no document: the
    task fails with the reason, instead of scoring empty answers as CER 1.0 under status ok."""
    data = tmp_path / "scans"
    generate("snils", 1, data, degrade="none", fmt="png", seed=3)
    generate("snils", 1, data, degrade="none", fmt="pdf", seed=3)
    config = write_config(tmp_path / "c.csv", [f"{data};VQA;Text;text;;;;;;;;text;;;"])
    out = tmp_path / "out"
    with pytest.raises(InputError, match="the text service read nothing: no text layer in 2 of 2 documents"):
        run_task(config, 0, out)
    name = task_names(load_config(config))[0]
    record = json.loads((out / "tasks" / f"{name}.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed"
    assert record["error"] == "the text service read nothing: no text layer in 2 of 2 documents"
    assert not answers_path(out, name).exists()  # nothing to score, and --resume does not skip it
    assert not list((out / "ModelsAnswers").glob("*.partial.csv"))


def test_a_service_that_reads_some_documents_is_ok(tmp_path):
    data = tmp_path / "mixed"
    generate("snils", 1, data, degrade="none", fmt="png", seed=3)
    generate("snils", 1, data, degrade="none", fmt="digital-pdf", seed=3)
    config = write_config(tmp_path / "c.csv", [f"{data};VQA;Text;text;;;;;;;;text;;;"])
    record = run_task(config, 0, tmp_path / "out")
    assert record["status"] == "ok" and record["error"] is None
    assert record["documents"] == 1 and record["unread_documents"] == 1


def test_why_nothing_was_read_counts_each_cause():
    reasons = ["no text layer", "tesseract is not installed", "no text layer"]
    assert nothing_read_message("auto", reasons, 3) == (
        "the auto service read nothing: no text layer in 2 of 3 documents; tesseract is not installed in 1 of 3 documents")
    assert nothing_read_message("text", ["no text layer"], 1) == "the text service read nothing: no text layer in 1 of 1 document"
