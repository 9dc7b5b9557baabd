"""Tests for obligations.prompts: prompt collections, system/field/JSON/corrective prompts."""

from __future__ import annotations

import dataclasses
import json

import pytest

from obligations.doctypes import load_doctypes
from obligations.errors import UsageError
from obligations.prompts import (
    DEFAULT_SYSTEM_PROMPT,
    PromptCollection,
    PromptEntry,
    corrective_prompt,
    field_prompt,
    json_prompt,
    load_system_prompt,
)

# As VLMHyperBench keeps them (PromptCollections/VQA/...): prompt;doc_class_question_type;cer
BENCH_CSV = (
    "prompt;doc_class_question_type;cer\n"
    "Напиши поле Серия и поле Номер паспорта. Пример: 4254 587326.;passport Серия и номер паспорта;0.0\n"
    "Напиши поле Фамилия. Пример: Куликов.;passport Фамилия;0.0\n"
    "Напиши поле Дата рождения. Пример: 12.12.1975.;passport Дата рождения;0.08\n"
    "Напиши поле Пол с маленькой буквы. Пример: муж.;passport Пол;\n"
    "Напиши значение поля *Паспорт выдан*.;passport_HD Полное место выдачи\n"
    "Напиши значение поля *Номер подразделения*.;passport_HD Номер подразделения;0.1\n"
    "Напиши Номер счет-фактуры. Укажи только цифру. Пример: 632.;invoice Номер счет-фактуры;0.0\n"
    "Напиши кто Продавец. Укажи только название. Пример: ПАО «Лимончик»;invoice Продавец;0.0\n"
    "Выпиши номер СНИЛС.;СНИЛС Номер СНИЛС;0.2\n"
    "Выпиши дату регистрации.;snils Дата_регистрации;0.1\n"
    "Выпиши ИНН.;ИНН ИНН;0.0\n"
)


@pytest.fixture(scope="module")
def doctypes():
    return load_doctypes()


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------
# Collections
# --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_load_reads_the_benchmark_format(tmp_path, encoding):
    collection = PromptCollection.load(write(tmp_path / "c.csv", BENCH_CSV, encoding))
    assert len(collection) == 11
    first = collection.entries[0]
    assert first == PromptEntry("Напиши поле Серия и поле Номер паспорта. Пример: 4254 587326.", "passport",
                                "Серия и номер паспорта", 0.0)
    assert first.key == "passport Серия и номер паспорта"
    assert collection.entries[3].cer is None  # an empty cer
    assert collection.entries[4].cer is None  # a row without the cer column


@pytest.mark.parametrize("doc_type, field_id, expected", [
    ("passport", "series_number", "Напиши поле Серия и поле Номер паспорта. Пример: 4254 587326."),
    ("passport", "last_name", "Напиши поле Фамилия. Пример: Куликов."),
    ("passport", "birth_date", "Напиши поле Дата рождения. Пример: 12.12.1975."),
    ("passport", "gender", "Напиши поле Пол с маленькой буквы. Пример: муж."),
    ("passport", "issued_by", "Напиши значение поля *Паспорт выдан*."),
    ("passport", "division_code", "Напиши значение поля *Номер подразделения*."),
    ("invoice", "number", "Напиши Номер счет-фактуры. Укажи только цифру. Пример: 632."),
    ("invoice", "seller_name", "Напиши кто Продавец. Укажи только название. Пример: ПАО «Лимончик»"),
    ("snils", "number", "Выпиши номер СНИЛС."),
    ("snils", "registration_date", "Выпиши дату регистрации."),
    ("inn", "inn", "Выпиши ИНН."),
    ("passport", "first_name", None),
    ("snils", "last_name", None),  # the passport's Фамилия is not the SNILS's
    ("invoice", "buyer_name", None),
    ("receipt", "total", None),
])
def test_benchmark_names_are_aliases_of_our_ids(tmp_path, doc_type, field_id, expected):
    collection = PromptCollection.load(write(tmp_path / "c.csv", BENCH_CSV))
    assert collection.get(doc_type, field_id) == expected


def test_matching_ignores_case_yo_spaces_and_underscores():
    collection = PromptCollection([
        PromptEntry("p1", "PASSPORT", "дата  рождения"),
        PromptEntry("p2", "Паспорт", "Кем_выдан"),
        PromptEntry("p3", "invoice", "Дата счёта-фактуры"),
    ])
    assert collection.get("passport", "birth_date") == "p1"
    assert collection.get("passport", "issued_by") == "p2"
    assert collection.get("invoice", "date") == "p3"


def test_own_ids_win_then_lowest_cer_then_file_order():
    collection = PromptCollection([
        PromptEntry("alias, worse cer", "passport", "Фамилия", 0.3),
        PromptEntry("alias, best cer", "passport", "Фамилия", 0.1),
        PromptEntry("alias, no cer", "passport", "Фамилия"),
    ])
    assert collection.get("passport", "last_name") == "alias, best cer"
    collection.entries.append(PromptEntry("own id", "passport", "last_name", 0.9))
    assert collection.get("passport", "last_name") == "own id"
    tie = PromptCollection([PromptEntry("first", "snils", "Пол", 0.0), PromptEntry("second", "snils", "Пол", 0.0)])
    assert tie.get("snils", "gender") == "first"


def test_user_doc_types_match_by_id_and_printed_labels():
    collection = PromptCollection([
        PromptEntry("by id", "driver_license", "license_number"),
        PromptEntry("by label", "Driver License", "Категории"),
    ])
    assert collection.get("driver_license", "license_number") == "by id"
    assert collection.get("driver_license", "categories", labels=("Категории", "Categories")) == "by label"
    assert collection.get("driver_license", "categories") is None


def test_write_then_load_round_trip(tmp_path):
    original = PromptCollection.load(write(tmp_path / "in.csv", BENCH_CSV))
    out = tmp_path / "out.csv"
    original.write(out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == "prompt;doc_class_question_type;cer"
    again = PromptCollection.load(out)
    assert again.entries == original.entries


def test_prompts_with_delimiters_and_quotes_survive_the_round_trip(tmp_path):
    tricky = PromptCollection([
        PromptEntry('Напиши; пожалуйста, "Фамилия"\nодной строкой.', "passport", "Фамилия", 0.25),
    ])
    tricky.write(tmp_path / "t.csv")
    assert PromptCollection.load(tmp_path / "t.csv").entries == tricky.entries


def test_comma_delimited_file_is_sniffed(tmp_path):
    text = 'prompt,doc_class_question_type,cer\n"Напиши Фамилия, пример: Куликов.",passport Фамилия,0.0\n'
    collection = PromptCollection.load(write(tmp_path / "c.csv", text))
    assert collection.get("passport", "last_name") == "Напиши Фамилия, пример: Куликов."


def test_separate_doc_class_and_question_type_columns(tmp_path):
    text = "doc_class;question_type;prompt\nsnils;Пол;Выпиши пол.\n"
    assert PromptCollection.load(write(tmp_path / "c.csv", text)).get("snils", "gender") == "Выпиши пол."


def test_doc_class_of_several_words_is_split_off_the_key(tmp_path):
    text = "prompt;doc_class_question_type\nКто продавец?;Счет-фактура Продавец\nНомер?;Паспорт РФ Серия и номер\n"
    collection = PromptCollection.load(write(tmp_path / "c.csv", text))
    assert [(e.doc_class, e.question_type) for e in collection.entries] == [
        ("Счет-фактура", "Продавец"), ("Паспорт РФ", "Серия и номер")]
    assert collection.get("invoice", "seller_name") == "Кто продавец?"
    assert collection.get("passport", "series_number") == "Номер?"


@pytest.mark.parametrize("text", ["question;answer\nа;б\n", "prompt;cer\nа;0\n", "doc_class_question_type\nx y\n"])
def test_file_without_the_needed_columns_is_a_usage_error(tmp_path, text):
    with pytest.raises(UsageError, match="needs columns prompt;doc_class_question_type"):
        PromptCollection.load(write(tmp_path / "c.csv", text))


def test_missing_or_empty_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="prompt collection"):
        PromptCollection.load(tmp_path / "absent.csv")
    with pytest.raises(UsageError, match="empty"):
        PromptCollection.load(write(tmp_path / "empty.csv", ""))


# --------------------------------------------------------------------------
# System and field prompts
# --------------------------------------------------------------------------


def test_system_prompt_from_file_then_doctype_then_default(tmp_path, doctypes):
    path = write(tmp_path / "system.txt", "\ufeffТы внимательный читатель документов.\n")
    assert load_system_prompt(path, doctypes["snils"]) == "Ты внимательный читатель документов."
    assert load_system_prompt(None, doctypes["snils"]) == doctypes["snils"].prompts["system"]
    bare = dataclasses.replace(doctypes["snils"], prompts={})
    assert load_system_prompt(None, bare) == DEFAULT_SYSTEM_PROMPT
    assert load_system_prompt(None, None) == DEFAULT_SYSTEM_PROMPT
    assert "Отвечай" in DEFAULT_SYSTEM_PROMPT and "Answer" in DEFAULT_SYSTEM_PROMPT


def test_system_prompt_file_errors_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="system prompt"):
        load_system_prompt(tmp_path / "absent.txt", None)
    with pytest.raises(UsageError, match="empty"):
        load_system_prompt(write(tmp_path / "blank.txt", "  \n"), None)


def test_field_prompt_falls_back_in_order(doctypes):
    snils = doctypes["snils"]
    spec = snils.field("number")
    collection = PromptCollection([PromptEntry("Из коллекции.", "СНИЛС", "Номер СНИЛС")])
    assert field_prompt(snils, spec, "qwen", collection) == "Из коллекции."
    assert field_prompt(snils, spec, "qwen", PromptCollection()) == spec.prompts["qwen"]
    assert field_prompt(snils, spec, "qwen", None) == spec.prompts["qwen"]
    other_family = dataclasses.replace(spec, prompts={"internvl": "Номер, пожалуйста."})
    assert field_prompt(snils, other_family, "qwen", None) == "Номер, пожалуйста."
    no_prompts = dataclasses.replace(spec, prompts={})
    assert field_prompt(snils, no_prompts, "qwen", None) == "Какой страховой номер СНИЛС?"
    bare = dataclasses.replace(spec, prompts={}, question="")
    generic = field_prompt(snils, bare, "qwen", None)
    # the first label that is a word, not "№"
    assert generic == "Выпиши значение поля number «Страховой номер» так, как оно напечатано."


def test_generic_prompt_of_an_english_doc_type(doctypes):
    receipt = doctypes["receipt"]
    bare = dataclasses.replace(receipt.field("total"), prompts={}, question="")
    label = bare.labels[0]  # the doc type file's first label ("Rounded Total": tried first by the locator)
    assert field_prompt(receipt, bare, "qwen", None) == f'Write the value of the field total "{label}" exactly as printed.'


def test_json_prompt_lists_exactly_the_keys(doctypes):
    passport = doctypes["passport"]
    specs = [passport.field(f) for f in ("series_number", "last_name", "birth_date")]
    prompt = json_prompt(passport, specs, "qwen")
    assert 'ровно с ключами "series_number", "last_name", "birth_date".' in prompt
    assert "null" in prompt and "ДД.ММ.ГГГГ" in prompt and "только JSON" in prompt
    for spec in specs:
        assert f'- "{spec.id}"' in prompt and spec.prompts["qwen"] in prompt
    assert '"issued_by"' not in prompt
    # a model that answers as asked is read back by the JSON parser
    from obligations.fields.answers import parse_json_answer

    reply = json.dumps({"series_number": "4506 123456", "last_name": "Иванов", "birth_date": None}, ensure_ascii=False)
    assert parse_json_answer(reply, [s.id for s in specs]) == {
        "series_number": "4506 123456", "last_name": "Иванов", "birth_date": None}


def test_json_prompt_adds_a_date_format_where_the_prompt_has_none(doctypes):
    snils = doctypes["snils"]
    spec = dataclasses.replace(snils.field("birth_date"), prompts={"qwen": "Выпиши дату рождения."})
    assert "Выпиши дату рождения. (ДД.ММ.ГГГГ)" in json_prompt(snils, [spec], "qwen")


def test_json_prompt_of_an_english_doc_type_is_english(doctypes):
    receipt = doctypes["receipt"]
    prompt = json_prompt(receipt, receipt.fields, "qwen")
    assert 'exactly the keys "company", "address", "date", "total"' in prompt and "null" in prompt
    assert "ровно" not in prompt


def test_corrective_prompt_names_the_failure_and_asks_again(doctypes):
    spec = doctypes["snils"].field("number")
    base = spec.prompts["qwen"]
    prompt = corrective_prompt(spec, "112-233-445 96", "check digits do not match", base)
    assert prompt.startswith(base)
    assert "«112-233-445 96»" in prompt and "check digits do not match" in prompt
    assert "перечитай" in prompt and "«Страховой номер»" in prompt
    receipt_total = doctypes["receipt"].field("total")
    english = corrective_prompt(receipt_total, "12,3,4", "not an amount.", receipt_total.prompts["qwen"])
    assert '"12,3,4"' in english and "not an amount." in english and "again" in english


def test_benchmark_names_win_over_printed_labels():
    collection = PromptCollection([
        PromptEntry("by label", "snils", "Дата и место рождения", 0.0),
        PromptEntry("by benchmark name", "snils", "Место рождения", 0.5),
    ])
    labels = ("Место рождения", "Дата и место рождения")
    assert collection.get("snils", "birth_place", labels=labels) == "by benchmark name"
    assert collection.get("snils", "birth_date", labels=("Дата рождения", "Дата и место рождения")) == "by label"
