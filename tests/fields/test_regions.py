"""Regions read back where a letter or two was misread (obligations.fields.regions)."""

from __future__ import annotations

import pytest

from obligations.fields.normalize import normalize
from obligations.fields.regions import respelled_regions


@pytest.mark.parametrize("read, printed", [
    ("С. УСПЕНКА МУРМАИСКОЙ ОБЛАСТИ", "С. УСПЕНКА МУРМАНСКОЙ ОБЛАСТИ"),  # И for Н
    ("г. Пермь Пермекой области", "г. Пермь Пермской области"),
    ("ДЕР. ИВАНОВО, ХАНТЫ-МАИСИЙСКИЙ АО", "ДЕР. ИВАНОВО, ХАНТЫ-МАНСИЙСКИЙ АО"),
    ("Ханты-Маисийский автономный округ", "Ханты-Мансийский автономный округ"),  # its case kept
    ("г. Волжский Волгогралской обл.", "г. Волжский Волгоградской обл."),
    ("ГОР. НОРИЛЬСК КРАСНОЛРСКОГО КР.", "ГОР. НОРИЛЬСК КРАСНОЯРСКОГО КР."),  # nearer to one of two alike
    ("ОТДЕЛОМ УФМС РОССИИ ПО СВЕРЛОВСКОЙ ОБЛ.", "ОТДЕЛОМ УФМС РОССИИ ПО СВЕРДЛОВСКОЙ ОБЛ."),  # a letter lost
    ("ГОР. АСТРАХАНЬ АСТ РАХАНСКОЙ ОБЛАСТИ", "ГОР. АСТРАХАНЬ АСТРАХАНСКОЙ ОБЛАСТИ"),  # split in two
])
def test_a_region_read_a_letter_or_two_off_is_read_back(read, printed):
    assert respelled_regions(read) == printed


@pytest.mark.parametrize("text", [
    "С. ИВАНОВКА ТОМСКОЙ ОБЛ.", "Г. ОМСК", "ГОМСКОЙ ОБЛ.",  # listed, or too short to tell
    "ГОР. НОРИЛЬСК КРАСНОЯРСКОГО КРАЯ",  # a town before a region: no noun after it
    "ГОРНО-АЛТАЙСКОЙ АВТОНОМНОЙ ОБЛАСТИ", "Московская областная больница",
    "ИВАНОВСКОГО Р-НА", "ТАЛДЫ-КУРГАНСКОЙ ОБЛ.", "ГРОДНЕНСКОЙ ОБЛ.", "ГРОЗНЕНСКОЙ ОБЛ.",  # alike, both listed
    "С. МИР ТВЕРСКОЙ ОБЛ.", "Г. ОРЕЛ ОРЛОВСКОЙ ОБЛ.",  # a town's name before a listed region
])
def test_regions_read_right_or_words_not_before_a_regions_noun_stay(text):
    assert respelled_regions(text) == text


@pytest.mark.parametrize("read, printed", [
    ("ГУ МВД РОС СИИ ПО САМАРСКОЙ ОБЛ.", "ГУ МВД РОССИИ ПО САМАРСКОЙ ОБЛ."),
    ("ТП УФ МС РОССИИ", "ТП УФМС РОССИИ"),  # after a word the halves do not join
    ("Отдел ом УФМС России", "Отделом УФМС России"),
])
def test_an_office_word_read_in_two_is_joined(read, printed):
    assert respelled_regions(read) == printed


@pytest.mark.parametrize("text", ["ОВД ПО Г. ТУЛЕ", "УФМС РОССИИ ПО ДЕЛ", "ГУ МВД", "С. ГУ РОС"])
def test_words_that_are_office_words_or_join_into_none_stay_apart(text):
    assert respelled_regions(text) == text


def test_places_and_offices_are_normalised_with_their_regions_read_back():
    assert normalize("place", "С. УСПЕНКА МУРМАИСКОЙ ОБЛАСТИ") == "С. УСПЕНКА МУРМАНСКОЙ ОБЛАСТИ"
    assert normalize("text", "ОТДЕЛОМ УФМС РОССИИ ПО СВЕРЛОВСКОЙ ОБЛ.") == "ОТДЕЛОМ УФМС РОССИИ ПО СВЕРДЛОВСКОЙ ОБЛ."
