"""Tests for obligations.fields.answers: values out of chat models' JSON and one-field answers."""

from __future__ import annotations

import pytest

from obligations.fields.answers import clean_field_answer, is_absent, parse_json_answer

IDS = ["number", "last_name", "first_name", "birth_date", "total"]


def answer(**values):
    return {fid: values.get(fid) for fid in IDS}


@pytest.mark.parametrize("text, expected", [
    ('{"number": "112-233-445 95", "last_name": "Иванов", "first_name": "Иван", '
     '"birth_date": "01.02.1990", "total": null}',
     answer(number="112-233-445 95", last_name="Иванов", first_name="Иван", birth_date="01.02.1990")),
    ('```json\n{"last_name": "Иванов", "first_name": "Иван"}\n```',
     answer(last_name="Иванов", first_name="Иван")),
    ('Вот результат:\n{"last_name": "Петрова"}\nНадеюсь, это поможет!', answer(last_name="Петрова")),
    ("{'last_name': 'Иванов', 'first_name': None, 'total': 1234.50}", answer(last_name="Иванов", total="1234.50")),
    ('{"last_name": "Иванов", "first_name": "Иван",}', answer(last_name="Иванов", first_name="Иван")),
    ('{last_name: "Иванов", birth_date: "01.02.1990"}', answer(last_name="Иванов", birth_date="01.02.1990")),
    ('{"last_name": "Иванов", "first_name": True}', answer(last_name="Иванов", first_name="true")),
    ('{"fields": {"last_name": "Сидоров", "number": "112-233-445 95"}}',
     answer(last_name="Сидоров", number="112-233-445 95")),
    ('{"document": {"type": "snils", "fields": {"last_name": "Сидоров"}}}', answer(last_name="Сидоров")),
    ('{"Last Name": "Иванов", "FIRST-NAME": "Иван", "BirthDate": "01.02.1990", "NUMBER": 11223344595}',
     answer(last_name="Иванов", first_name="Иван", birth_date="01.02.1990", number="11223344595")),
    ('{"total": 1234.50, "number": 42}', answer(total="1234.50", number="42")),
    ('{"last_name": ["Петрова-", "Водкина"], "first_name": []}', answer(last_name="Петрова- Водкина")),
    ('{"last_name": {"value": "Иванов", "bbox": [1, 2, 3, 4]}}', answer(last_name="Иванов")),
    ('[{"last_name": "Иванов"}]', answer(last_name="Иванов")),
    ('{"last_name": "Иванов", "unknown_key": "x", "address": "Москва"}', answer(last_name="Иванов")),
    ('{"seller": 1, "last_name": "ООО "Ромашка", г. Москва"}', answer(last_name='ООО "Ромашка", г. Москва')),
    ('{"last_name": "  Иванов \\n  Иван  "}', answer(last_name="Иванов Иван")),
    ('<think>Поле фамилии видно сверху.</think>{"last_name": "Иванов"}<|im_end|>', answer(last_name="Иванов")),
    ('last_name: Иванов\nfirst_name: "Иван"', answer(last_name="Иванов", first_name="Иван")),
])
def test_parse_json_answer(text, expected):
    assert parse_json_answer(text, IDS) == expected


@pytest.mark.parametrize("absent", ["", "null", "None", "N/A", "n/a", "-", "—", "нет", "Не указано",
                                    "отсутствует", "не найдено", "unknown", "НЕ УКАЗАНО.", " "])
def test_absent_values_are_none(absent):
    text = '{"last_name": "%s", "first_name": "Иван"}' % absent
    assert parse_json_answer(text, IDS) == answer(first_name="Иван")


@pytest.mark.parametrize("text, expected", [
    # cut inside a value: that pair is incomplete, the ones before it stay
    ('{"last_name": "Иванов", "first_name": "Ив', answer(last_name="Иванов")),
    ('{"last_name": "Иванов", "first_name": "Иван"', answer(last_name="Иванов", first_name="Иван")),
    ('{"last_name": "Иванов", "first_', answer(last_name="Иванов")),
    ('```json\n{"fields": {"last_name": "Иванов", "birth_date": "01.02.19', answer(last_name="Иванов")),
    ('{"last_name": "Иванов", "total": 12', answer(last_name="Иванов")),
    ('{"last_name": "Иванов", "total": 12,', answer(last_name="Иванов", total="12")),
])
def test_truncated_answers_keep_complete_pairs(text, expected):
    assert parse_json_answer(text, IDS) == expected


@pytest.mark.parametrize("text", ["", "Я не могу прочитать документ.", "{}", "[]", "{{{", "null", "```json\n```"])
def test_no_usable_json_gives_all_none(text):
    assert parse_json_answer(text, IDS) == answer()


def test_duplicate_keys_keep_the_first_value():
    assert parse_json_answer('{"last_name": "Иванов", "last_name": "Петров"}', IDS)["last_name"] == "Иванов"
    assert parse_json_answer('{"last_name": null, "Last_Name": "Петров"}', IDS)["last_name"] == "Петров"


def test_the_object_with_the_requested_keys_wins_over_an_earlier_one():
    text = 'Пример формата: {"a": 1}. Ответ: {"last_name": "Иванов", "total": "10.00"}'
    assert parse_json_answer(text, IDS) == answer(last_name="Иванов", total="10.00")


# --------------------------------------------------------------------------
# One field
# --------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Иванов", "Иванов"),
    ("Иванов.", "Иванов"),
    ("Ответ: Иванов", "Иванов"),
    ("Answer: Ivanov", "Ivanov"),
    ("ответ - 4506 123456", "4506 123456"),
    ("Ответ:\nИванов", "Иванов"),
    ("assistant\nИванов", "Иванов"),
    ("The answer is 4506 123456.", "4506 123456"),
    ("Фамилия: Иванов", "Иванов"),
    ("Дата рождения: 01.02.1990.", "01.02.1990"),
    ("Ответ: Фамилия: «Иванов»", "Иванов"),
    ('"Иванов"', "Иванов"),
    ('"Иванов".', "Иванов"),
    ("`770-001`", "770-001"),
    ("**Петров**", "Петров"),
    ("  \n\nПетров\nЭто фамилия владельца.", "Петров"),
    ("<think>смотрю на поле</think>\nПетров", "Петров"),
    ("```\n112-233-445 95\n```", "112-233-445 95"),
    ("Иванов<|im_end|>", "Иванов"),
    # full stops that belong to the value
    ("муж.", "муж."),
    ("Пол: жен.", "жен."),
    ("гор. Москва Московской обл.", "гор. Москва Московской обл."),
    ("Иванов И.И.", "Иванов И.И."),
    ("1990 г.", "1990 г."),
    ("12 мар.", "12 мар."),
    ("Sdn. Bhd.", "Sdn. Bhd."),
    ("гор. Москва.", "гор. Москва"),
    ("12.03.2001.", "12.03.2001"),
    ("1234.50.", "1234.50"),
    # values that only look like lead-ins or labels
    ("Result Ltd", "Result Ltd"),
    ("12:30", "12:30"),
    ("ООО «Ромашка»", "ООО «Ромашка»"),
    ("«Ромашка» и «Лютик»", "«Ромашка» и «Лютик»"),
    ("«Иванов»", "Иванов"),
])
def test_clean_field_answer(text, expected):
    assert clean_field_answer(text) == expected


@pytest.mark.parametrize("text", ["нет", "Нет.", "Ответ: не указано", "N/A", "None", "null", "-", "", "  ",
                                  "Отсутствует", "Не найдено.", "unknown", '""'])
def test_absent_field_answers_are_none(text):
    assert clean_field_answer(text) is None


def test_given_field_names_are_stripped_even_when_long():
    text = "Код подразделения, выдавшего паспорт: 770-001"
    assert clean_field_answer(text, ["Код подразделения, выдавшего паспорт"]) == "770-001"
    assert clean_field_answer("Код подразделения, выдавшего паспорт: 770-001") != "770-001"


def test_is_absent():
    assert is_absent("Не указано") and is_absent(" n/a ") and is_absent("...")
    assert not is_absent("Иванов") and not is_absent("0") and not is_absent("Нетёсов")
