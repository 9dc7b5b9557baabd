"""The benchmark user config: VLMHyperBench's user_config.csv and our extra columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from obligations.bench.config import AGGREGATORS, Task, load_config, parse_bool, parse_list
from obligations.errors import UsageError

# Exactly as VLMHyperBench writes it: `;`, a Python list in `metrics`, a quoted JSON-ish list in
# `metrics_aggregators` (its inner quotes doubled), empty system_prompt.
VLMHYPERBENCH_CONFIG = (
    "dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
    "metrics_aggregators;filter_doc_class;filter_question_type\n"
    "snils;VQA;Hugging Face;Qwen2.5-VL-3B;;AntonShiryaev.csv;['WER', 'CER', 'BLEU'];False;"
    "\"[\"\"by_id\"\", \"\"by_doc_question\"\", \"\"by_doc_type\"\", \"\"general\"\"]\";snils;Номер снилса\n"
    "midv-2020-rus-mini;VQA;Hugging Face;Qwen2-VL-2B-Instruct;;midv-2020-rus-min/Qwen2-VL-2B_midv-2020-rus-mini.csv;"
    "['CER'];True;\"[\"\"by_id\"\", \"\"general\"\"]\";;\n"
)

HEADER = ("dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
          "metrics_aggregators;filter_doc_class;filter_question_type;service;precision;mode;remote_url\n")


def write(path: Path, text: str, bom: bool = True) -> Path:
    path.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    return path


def test_vlmhyperbench_config_reads_with_our_defaults(tmp_path):
    first, second = load_config(write(tmp_path / "user_config.csv", VLMHYPERBENCH_CONFIG))
    assert (first.dataset, first.task, first.framework, first.model_name) == ("snils", "VQA", "Hugging Face", "Qwen2.5-VL-3B")
    assert first.system_prompt is None and first.prompt_collection == "AntonShiryaev.csv"
    assert first.metrics == ["WER", "CER", "BLEU"]
    assert first.metrics_aggregators == ["by_id", "by_doc_question", "by_doc_type", "general"]
    assert first.only_evaluate_metrics is False
    assert (first.filter_doc_class, first.filter_question_type) == ("snils", "Номер снилса")
    assert (first.service, first.precision, first.mode, first.remote_url) == ("auto", "auto", "per-field", None)
    assert (first.row, second.row) == (2, 3)
    assert second.metrics == ["CER"] and second.metrics_aggregators == ["by_id", "general"]
    assert second.only_evaluate_metrics is True
    assert second.filter_doc_class is None and second.filter_question_type is None
    assert first.config_dir == tmp_path


def test_our_columns_and_comma_delimiter(tmp_path):
    text = HEADER.replace(";", ",") + (
        "passport_set,VQA,,qwen2-vl-2b,strict.txt,,\"['CER', 'wer']\",yes,general,паспорт,,qwen_local,BF16,json,"
        "http://127.0.0.1:8000/v1\n"
        "passport_set,VQA,,,,,CER,0,,,,tesseract,,,\n")
    first, second = load_config(write(tmp_path / "c.csv", text, bom=False))
    assert first.metrics == ["CER", "WER"] and first.metrics_aggregators == ["general"]
    assert first.only_evaluate_metrics is True
    assert (first.service, first.precision, first.mode) == ("qwen_local", "bf16", "json")
    assert first.remote_url == "http://127.0.0.1:8000/v1"
    assert first.filter_doc_class == "паспорт"
    assert second.metrics == ["CER"] and second.metrics_aggregators == list(AGGREGATORS)
    assert (second.service, second.precision, second.mode) == ("tesseract", "auto", "per-field")
    assert second.only_evaluate_metrics is False


def test_blank_lines_are_skipped(tmp_path):
    text = HEADER + "\n" + "d;VQA;;m;;;;;;;;;;;\n" + ";;;;;;;;;;;;;;\n"
    assert [t.dataset for t in load_config(write(tmp_path / "c.csv", text))] == ["d"]


@pytest.mark.parametrize(("row", "message"), [
    ("d;VQA;;m;;;;maybe;;;;;;;", "row 2, column only_evaluate_metrics: 'maybe'"),
    ("d;VQA;;m;;;['CER', 'ROUGE'];;;;;;;;", "row 2, column metrics: unknown 'ROUGE'"),
    ("d;VQA;;m;;;['CER';;;;;;;;", "row 2, column metrics"),
    ("d;VQA;;m;;;__import__('os').system('true');;;;;;;;", "row 2, column metrics"),
    ("d;VQA;;m;;;[1, 2];;;;;;;;", "row 2, column metrics: .* not a list of names"),
    ("d;VQA;;m;;;;;['by_page'];;;;;;", "row 2, column metrics_aggregators: unknown 'by_page'"),
    ("d;VQA;;m;;;;;;;;;fp8;;", "row 2, column precision: 'fp8'"),
    ("d;VQA;;m;;;;;;;;;;chat;", "row 2, column mode: 'chat'"),
    ("d;VQA;;m;;;;;;;;;;;localhost:8000", "row 2, column remote_url"),
    (";VQA;;m;;;;;;;;;;;", "row 2, column dataset: empty"),
    ("d;VQA;;m;;;;;;;;;;;;extra", "row 2: 16 cells for 15 columns"),
])
def test_bad_values_name_row_and_column(tmp_path, row, message):
    with pytest.raises(UsageError, match=message):
        load_config(write(tmp_path / "c.csv", HEADER + row + "\n"))


def test_bad_files(tmp_path):
    with pytest.raises(UsageError, match="unknown column.*precison"):
        load_config(write(tmp_path / "a.csv", "dataset;precison\nd;bf16\n"))
    with pytest.raises(UsageError, match="no dataset column"):
        load_config(write(tmp_path / "b.csv", "task;model_name\nVQA;m\n"))
    with pytest.raises(UsageError, match="no tasks"):
        load_config(write(tmp_path / "c.csv", HEADER))
    with pytest.raises(UsageError, match="cannot read"):
        load_config(tmp_path / "absent.csv")


@pytest.mark.parametrize(("cell", "expected"), [
    ("['CER', 'WER']", ["CER", "WER"]), ('["by_id", "general"]', ["by_id", "general"]), ("CER", ["CER"]),
    ("CER, WER", ["CER", "WER"]), ("", []), ("[]", []), ("('CER',)", ["CER"]),
])
def test_parse_list(cell, expected):
    assert parse_list(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("True", True), ("false", False), ("1", True), ("0", False), ("yes", True), ("No", False), ("", False),
])
def test_parse_bool(cell, expected):
    assert parse_bool(cell) is expected


def test_answers_stem():
    assert Task("snils", framework="Hugging Face", model_name="Qwen2-VL-2B",
                system_prompt="prompts/strict_ru.txt").answers_stem == "snils_Hugging Face_Qwen2-VL-2B_strict_ru"
    assert Task("snils", framework="hf", model_name="Qwen/Qwen2-VL-2B").answers_stem == "snils_hf_Qwen-Qwen2-VL-2B_default"
    assert Task("snils", service="tesseract").answers_stem == "snils_tesseract_tesseract_default"


def test_files_are_found_in_vlmhyperbench_layout(tmp_path):
    (tmp_path / "Datasets" / "VQA" / "snils").mkdir(parents=True)
    (tmp_path / "PromptCollections" / "VQA").mkdir(parents=True)
    (tmp_path / "PromptCollections" / "VQA" / "p.csv").write_text("prompt;doc_class_question_type;cer\n")
    (tmp_path / "SystemPrompts").mkdir()
    (tmp_path / "SystemPrompts" / "strict.txt").write_text("Отвечай кратко.", encoding="utf-8")
    (task,) = load_config(write(tmp_path / "user_config.csv", HEADER + "snils;VQA;;m;strict;p.csv;;;;;;;;;\n"))
    assert task.find_dataset() == tmp_path / "Datasets" / "VQA" / "snils"
    assert task.find_prompt_collection() == tmp_path / "PromptCollections" / "VQA" / "p.csv"
    assert task.find_system_prompt() == tmp_path / "SystemPrompts" / "strict.txt"
    (missing,) = load_config(write(tmp_path / "c2.csv", HEADER + "other;VQA;;m;;absent.csv;;;;;;;;;\n"))
    assert missing.find_system_prompt() is None
    with pytest.raises(UsageError, match="row 2, column prompt_collection: 'absent.csv' not found"):
        missing.find_prompt_collection()
    with pytest.raises(UsageError, match="column dataset: 'other' not found"):
        missing.find_dataset()


def test_vlmhyperbench_layout_end_to_end(tmp_path):
    """A VLMHyperBench data tree written in its exact formats — user config, annotation.csv, prompt
    collection, plain answers file — goes through config -> dataset -> prompts -> metrics files."""
    from obligations.bench.dataset import load_dataset
    from obligations.bench.metrics import evaluate, metrics_path, read_answers, read_metrics, write_metrics
    from obligations.prompts import PromptCollection

    dataset_dir = tmp_path / "Datasets" / "VQA" / "demo_mini"
    (dataset_dir / "images").mkdir(parents=True)
    (dataset_dir / "images" / "1.jpg").write_bytes(b"\xff\xd8\xff")
    (dataset_dir / "annotation.csv").write_text(
        "data_index;split;image_path;question;answer;doc_class;question_type;answer_bbox\n"
        "1;test_clean;images/1.jpg;Напиши Серия и номер паспорта;4505 679944;passport;Серия и номер паспорта;[1420, 280, 1470, 750]\n"
        "1;test_clean;images/1.jpg;Напиши Фамилия;Карбаинов;passport;Фамилия;[780, 110, 1060, 170]\n"
        "1;test_clean;images/1.jpg;Напиши Дата рождения;13.09.1985;passport;Дата рождения;[900, 430, 1160, 490]\n"
        "1;test_clean;images/1.jpg;Напиши Пол;муж.;passport;Пол;[560, 430, 700, 500]\n",
        encoding="utf-8-sig")
    (tmp_path / "PromptCollections" / "VQA").mkdir(parents=True)
    (tmp_path / "PromptCollections" / "VQA" / "Qwen2-VL-2B_demo_mini.csv").write_text(
        "prompt;doc_class_question_type;cer\n"
        "Запиши четыре цифры серии паспорта и через пробел шесть цифр номера. Пример: 4369 975136.;passport Серия и номер паспорта;0.0\n"
        "Напиши Фамилия. Пример: Куликов.;passport Фамилия;0.0\n"
        "Напиши Дата рождения. Пример: 12.12.1975.;passport Дата рождения;0.0\n", encoding="utf-8")
    config = write(tmp_path / "user_config.csv", (
        "dataset;task;framework;model_name;system_prompt;prompt_collection;metrics;only_evaluate_metrics;"
        "metrics_aggregators;filter_doc_class;filter_question_type\n"
        "demo_mini;VQA;Hugging Face;Qwen2-VL-2B-Instruct;;Qwen2-VL-2B_demo_mini.csv;['CER', 'WER', 'BLEU'];True;"
        "\"[\"\"by_id\"\", \"\"by_doc_question\"\", \"\"by_doc_type\"\", \"\"general\"\"]\";passport;\n"))

    (task,) = load_config(config)
    dataset = load_dataset(task.find_dataset()).filter(task.filter_doc_class, task.filter_question_type)
    collection = PromptCollection.load(task.find_prompt_collection())
    prompts = {s.id: collection.get(s.doc_type, s.field_id) for s in dataset}
    assert prompts[1] == "Напиши Фамилия. Пример: Куликов." and prompts[3] is None  # no prompt for Пол
    assert [s.field_id for s in dataset] == ["series_number", "last_name", "birth_date", "gender"]

    # what VLMHyperBench's runner writes: pandas, `;`, no BOM, id = the annotation row
    answers_path = tmp_path / "ModelsAnswers" / f"{task.answers_stem}.csv"
    answers_path.parent.mkdir()
    answers_path.write_text("id;model_answer\n0;4505 679944\n1;Карбаинова\n2;13.09.1985\n3;мужской\n", encoding="utf-8")
    tables = evaluate(dataset, read_answers(answers_path), task.metrics_aggregators, task.metrics)
    write_metrics(tmp_path / "ModelsMetrics", task.answers_stem, tables)

    assert task.answers_stem == "demo_mini_Hugging Face_Qwen2-VL-2B-Instruct_default"
    (general,) = read_metrics(metrics_path(tmp_path / "ModelsMetrics", task.answers_stem, "general"))
    # raw: 0 + 1 (Карбаинова) + 0 + 4 (муж. -> мужской: "." -> "с", + "к", "о", "й") edits over 11 + 9 + 10 + 4
    assert general["cer_micro"] == pytest.approx(5 / 34)
    # normalised: 1 edit over 11 + 9 + 10 ("1985-09-13") + 4 ("male" on both sides)
    assert general["cer_micro_norm"] == pytest.approx(1 / 34)
    assert not any(k.startswith(("exact", "valid")) for k in general)  # only the metrics the config asked for
    by_question = read_metrics(metrics_path(tmp_path / "ModelsMetrics", task.answers_stem, "by_doc_question"))
    assert [r["question_type"] for r in by_question] == ["Серия и номер паспорта", "Фамилия", "Дата рождения", "Пол"]
