"""Datasets in VLMHyperBench's annotation.csv format and as `obligations synth` writes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from obligations.bench.dataset import alias_key, load_dataset, parse_bbox, to_doc_type, to_field_id
from obligations.errors import UsageError

# VLMHyperBench's own layout: data_index repeats for every question of one image, image paths
# under images/, Russian question types, float boxes; UTF-8 with BOM and `;`.
VLMHYPERBENCH_ANNOTATION = (
    "data_index;split;image_path;question;answer;doc_class;question_type;answer_bbox\n"
    "1;test_clean;images/1.jpg;Напиши Серия и номер паспорта;4505 679944;passport;Серия и номер паспорта;[1420, 280, 1470, 750]\n"
    "1;test_clean;images/1.jpg;Напиши Фамилия;Карбаинов;passport;Фамилия;[780, 110, 1060, 170]\n"
    "1;test_clean;images/1.jpg;Напиши Дата рождения;13.09.1985;passport;Дата рождения;[900, 430, 1160, 490]\n"
    "6;clean;images/6.jpg;Напиши Номер снилса;353-721-310 54;snils;Номер снилса;[289.5, 176.85, 554.77, 208.34]\n"
    "6;clean;images/6.jpg;Напиши Город;д. Томпа;snils;Город;\n"
    "6;clean;images/6.jpg;Напиши Пол;мужской;snils;Пол;[99, 491, 304, 517]\n"
)


def write_vlmhyperbench_dataset(root: Path, annotation: str = VLMHYPERBENCH_ANNOTATION) -> Path:
    (root / "images").mkdir(parents=True)
    for name in ("1.jpg", "6.jpg"):
        (root / "images" / name).write_bytes(b"\xff\xd8\xff")  # never opened: only the path matters here
    (root / "annotation.csv").write_text(annotation, encoding="utf-8-sig")
    return root


def test_vlmhyperbench_rows_become_samples_keyed_by_row(tmp_path):
    dataset = load_dataset(write_vlmhyperbench_dataset(tmp_path / "demo"))
    assert dataset.name == "demo"
    assert [s.id for s in dataset] == [0, 1, 2, 3, 4, 5]  # rows, not the repeated data_index
    first, snils_number, city = dataset.samples[0], dataset.samples[3], dataset.samples[4]
    assert first.image_path == tmp_path / "demo" / "images" / "1.jpg"
    assert (first.question, first.answer, first.split) == ("Напиши Серия и номер паспорта", "4505 679944", "test_clean")
    assert (first.doc_class, first.question_type) == ("passport", "Серия и номер паспорта")
    assert (first.doc_type, first.field_id) == ("passport", "series_number")
    assert first.bbox == (1420, 280, 1470, 750)
    assert (snils_number.doc_type, snils_number.field_id) == ("snils", "number")
    assert snils_number.bbox == (289.5, 176.85, 554.77, 208.34)
    assert (city.doc_type, city.field_id, city.bbox) == ("snils", None, None)  # no such field of ours
    assert dataset.missing_images() == []


def test_images_groups_questions_of_one_image_in_order(tmp_path):
    dataset = load_dataset(write_vlmhyperbench_dataset(tmp_path / "demo"))
    groups = dataset.images()
    assert [p.name for p in groups] == ["1.jpg", "6.jpg"]
    assert [s.id for s in groups[tmp_path / "demo" / "images" / "1.jpg"]] == [0, 1, 2]
    assert [s.id for s in groups[tmp_path / "demo" / "images" / "6.jpg"]] == [3, 4, 5]


def test_filter_matches_dataset_spelling_and_our_ids(tmp_path):
    dataset = load_dataset(write_vlmhyperbench_dataset(tmp_path / "demo"))
    assert [s.id for s in dataset.filter(doc_class="passport")] == [0, 1, 2]
    assert [s.id for s in dataset.filter(doc_class="СНИЛС")] == [3, 4, 5]
    assert [s.id for s in dataset.filter(question_type="Фамилия")] == [1]
    assert [s.id for s in dataset.filter(question_type="last_name")] == [1]
    assert [s.id for s in dataset.filter(doc_class="snils", question_type=["number", "Город"])] == [3, 4]
    assert [s.id for s in dataset.filter(doc_class="snils", question_type="Фамилия")] == []
    assert len(dataset.filter()) == 6


def test_comma_delimited_annotation_is_read(tmp_path):
    text = VLMHYPERBENCH_ANNOTATION.replace(";", ",").replace("[1420, 280, 1470, 750]", '"[1420, 280, 1470, 750]"')
    lines = text.splitlines()
    root = write_vlmhyperbench_dataset(tmp_path / "d", "\n".join(lines[:2]) + "\n")
    dataset = load_dataset(root)
    assert len(dataset) == 1 and dataset.samples[0].bbox == (1420, 280, 1470, 750)


def test_bare_image_name_is_found_under_images(tmp_path):
    root = write_vlmhyperbench_dataset(tmp_path / "d", VLMHYPERBENCH_ANNOTATION.replace("images/1.jpg", "1.jpg"))
    assert load_dataset(root).samples[0].image_path == root / "images" / "1.jpg"


def test_annotation_file_path_is_accepted(tmp_path):
    root = write_vlmhyperbench_dataset(tmp_path / "d")
    assert len(load_dataset(root / "annotation.csv")) == 6


def test_missing_images_are_listed(tmp_path):
    root = write_vlmhyperbench_dataset(tmp_path / "d")
    (root / "images" / "6.jpg").unlink()
    assert load_dataset(root).missing_images() == [root / "images" / "6.jpg"]


@pytest.mark.parametrize(("annotation", "message"), [
    ("data_index;split;image_path;question;answer;doc_class\n0;test;a.png;q;a;snils\n", "question_type"),
    (VLMHYPERBENCH_ANNOTATION.replace("[780, 110, 1060, 170]", "[780, 110]"), "row 3, column answer_bbox"),
    (VLMHYPERBENCH_ANNOTATION.replace("[780, 110, 1060, 170]", "[a, b, c, d]"), "row 3, column answer_bbox"),
    (VLMHYPERBENCH_ANNOTATION.replace("Карбаинов", "Карба;инов"), "row 3: more cells than columns"),
])
def test_bad_annotation_is_a_usage_error_naming_the_place(tmp_path, annotation, message):
    root = write_vlmhyperbench_dataset(tmp_path / "d", annotation)
    with pytest.raises(UsageError, match=message):
        load_dataset(root)


def test_folder_without_dataset_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such folder"):
        load_dataset(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="annotation.csv"):
        load_dataset(tmp_path / "empty")


@pytest.fixture(scope="module")
def synth_folder(tmp_path_factory) -> Path:
    from obligations.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate("inn", 1, out, degrade="none", fmt="png", seed=5)
    generate("snils", 1, out, degrade="none", fmt="png", seed=5)
    return out


def test_synth_json_folder_gives_the_rows_synth_writes(synth_folder, tmp_path):
    from_csv = load_dataset(synth_folder)
    json_only = tmp_path / "json_only"
    shutil.copytree(synth_folder, json_only)
    (json_only / "annotation.csv").unlink()
    from_json = load_dataset(json_only)

    def comparable(dataset):
        return [(s.id, s.image_path.name, s.question, s.answer, s.doc_class, s.question_type, s.field_id,
                 s.doc_type, s.bbox, s.split) for s in dataset]

    assert len(from_json) > 10
    assert comparable(from_json) == comparable(from_csv)
    assert all(s.field_id == s.question_type for s in from_json)  # synth names fields by our ids
    assert [p.name for p in from_json.images()] == ["inn_0000.png", "snils_0000.png"]


def test_synth_json_without_its_document_is_a_usage_error(synth_folder, tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    truth = (synth_folder / "snils_0000.json").read_text(encoding="utf-8")
    (folder / "snils_0000.json").write_text(truth.replace('"image": "snils_0000.png"', '"image": null'), encoding="utf-8")
    with pytest.raises(UsageError, match="no document file"):
        load_dataset(folder)


@pytest.mark.parametrize(("doc_class", "expected"), [
    ("passport", "passport"), ("Паспорт", "passport"), ("СНИЛС", "snils"), ("Счёт-фактура", "invoice"),
    ("кассовый чек", "receipt"), ("INN", "inn"), ("doc", None), ("", None),
])
def test_to_doc_type(doc_class, expected):
    assert to_doc_type(doc_class) == expected


@pytest.mark.parametrize(("doc_type", "question_type", "expected"), [
    ("passport", "Серия и номер паспорта", "series_number"),
    ("passport", "КОД  подразделения", "division_code"),
    ("passport", "last_name", "last_name"),
    ("passport", "Last Name", "last_name"),
    ("snils", "Номер снилса", "number"),
    ("snils", "Дата регистрации", "registration_date"),
    ("snils", "Дата и место рождения", None),  # a label two fields share names neither
    ("snils", "Город", None),
    ("invoice", "ИНН продавца", "seller_inn"),
    (None, "Фамилия", None),
])
def test_to_field_id(doc_type, question_type, expected):
    assert to_field_id(doc_type, question_type) == expected


def test_alias_key_ignores_case_yo_and_separators():
    assert alias_key("Счёт-Фактура") == alias_key("счет_фактура") == alias_key("  СЧЕТ   фактура ") == "счет фактура"


def test_parse_bbox():
    assert parse_bbox("[1, 2, 3, 4]") == (1, 2, 3, 4)
    assert parse_bbox("1.5 2 3 4.25") == (1.5, 2, 3, 4.25)
    assert parse_bbox("  ") is None
    with pytest.raises(ValueError):
        parse_bbox("[1, 2, 3]")
