"""A name's parts whose captions were lost, found by their order under the surname."""

from __future__ import annotations

from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields

from .test_locate import page_of

PASSPORT = load_doctypes()["passport"]
HEAD = [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ")]


def _found(rows):
    return locate_fields(PASSPORT, [page_of(HEAD + rows)])


def test_first_name_and_patronymic_under_captions_read_as_other_words():
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 580, "Ими"), (600, 620, "ЛОРА"),
                    (600, 670, "Отчесньвю"), (600, 710, "ЕВГЕНЬЕВНА"), (600, 760, "Пол"), (600, 800, "ЖЕН. 27.06.1949")])
    assert (found["first_name"].value, found["middle_name"].value) == ("Лора", "Евгеньевна")
    assert found["first_name"].confidence <= 0.5 and "label was not read" in found["first_name"].warning


def test_a_caption_read_keeps_its_own_value_and_the_other_part_comes_by_order():
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 580, "Имя"), (600, 620, "ЛОРА"),
                    (600, 670, "Отчесньвю"), (600, 710, "ЕВГЕНЬЕВНА")])
    assert (found["first_name"].value, found["first_name"].confidence > 0.5) == ("Лора", True)
    assert found["middle_name"].value == "Евгеньевна"


def test_capitals_that_do_not_read_as_a_first_name_and_patronymic_are_not_taken():
    # Two rows of capitals, the second no patronymic: which is which is not known.
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 620, "ЛОРА"), (600, 710, "САМАРА")])
    assert (found["first_name"].value, found["middle_name"].value) == (None, None)
    # Capitals in another column are some other field's.
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (1400, 620, "ЛОРА"), (1400, 710, "ЕВГЕНЬЕВНА")])
    assert (found["first_name"].value, found["middle_name"].value) == (None, None)
