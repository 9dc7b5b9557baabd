"""A first name OCR misread by one slip, read back as the listed given name it is that close to."""

from __future__ import annotations

import pytest

from obligations.fields.given_names import is_listed, read_back
from obligations.fields.normalize import normalize


@pytest.mark.parametrize(("read", "name"), [
    ("Лгорь", "Игорь"),  # 'И' read 'Л'
    ("Талина", "Галина"),  # a speck on the 'Г'
    ("Ралентина", "Валентина"),
    ("Дение", "Денис"),  # a small 'с' read 'е'
    ("Онстантин", "Константин"),  # its first letter lost
    ("Орис", "Борис"),
    ("ЛГОРЬ", "ИГОРЬ"),  # in capitals, as printed
])
def test_a_first_name_one_slip_from_exactly_one_given_name_is_read_back(read, name):
    assert read_back(read) == name


@pytest.mark.parametrize("name", [
    "Ринат", "Ренат",  # listed, one letter apart: each stands
    "Дарина",  # listed; 'Марина', 'Карина' are one letter off it, but no lookalike
    "Ров",  # too short to tell what its lost first letter was
    "Аяна",  # not listed, and no lookalike slip from 'Анна'
    "Фекла", "Фёкла",  # 'е' and 'ё' as printed
    "Сергей Що",  # words of another value: left to the checks
])
def test_a_listed_name_a_short_one_and_one_no_slip_makes_a_given_name_stay_as_read(name):
    assert read_back(name) == name


def test_a_first_names_normaliser_reads_it_back_after_normalising_it():
    assert normalize("given_name", "ЛГОРЬ,") == "Игорь"
    assert normalize("name", "Лгорь") == "Лгорь"  # a surname or a patronymic is not read back


def test_a_listed_name_is_told_in_any_case():
    assert is_listed("ЛЮБОВЬ") and is_listed("Алёна") and is_listed("алена")
    assert not is_listed("Хабибуллина") and not is_listed("Отчество")
