"""Tests for obligations.backends.blocks: block text laid out as words, Markdown/HTML to lines."""

from __future__ import annotations

import pytest

from obligations.backends.base import PageText, group_lines
from obligations.backends.blocks import clip_box, html_table_lines, markdown_lines, words_from_block


def test_empty_text_gives_no_words():
    assert words_from_block("", (0, 0, 100, 20), "b", 90.0) == []
    assert words_from_block(" \n\t\n ", (0, 0, 100, 20), "b", 90.0) == []


def test_words_share_the_width_by_characters_spaces_included():
    words = words_from_block("ab cd", (0, 0, 100, 10), "b", 80.0)
    # 5 characters: "ab" covers 0..2, the space 2..3, "cd" 3..5
    assert [(w.text, w.bbox) for w in words] == [("ab", (0, 0, 40, 10)), ("cd", (60, 0, 100, 10))]
    assert {w.conf for w in words} == {80.0}


def test_lines_share_the_height_evenly_and_get_their_own_keys():
    words = words_from_block("Фамилия Иванов\n\nИмя Иван\nОтчество Иванович", (10, 100, 210, 160), "blk", 90.0)
    assert [(w.text, w.bbox[1], w.bbox[3], w.line) for w in words] == [
        ("Фамилия", 100, 120, ("blk", 0)),
        ("Иванов", 100, 120, ("blk", 0)),
        ("Имя", 120, 140, ("blk", 1)),
        ("Иван", 120, 140, ("blk", 1)),
        ("Отчество", 140, 160, ("blk", 2)),
        ("Иванович", 140, 160, ("blk", 2)),
    ]
    # the last word of each line ends at the block's right edge
    assert all(w.bbox[2] == 210 for w in words if w.text in ("Иванов", "Иван", "Иванович"))


def test_reading_order_survives_group_lines():
    second = words_from_block("третья строка\nчетвертая", (0, 100, 300, 140), "second", 90.0)
    first = words_from_block("первая строка\nвторая", (0, 0, 300, 40), "first", 90.0)
    page = PageText(1, 300, 200, None, "vlm", second + first)
    assert page.text.splitlines() == ["первая строка", "вторая", "третья строка", "четвертая"]
    assert len(group_lines(page.words)) == 4


@pytest.mark.parametrize("box, expected", [
    ((-5, -7, 50, 20), (0, 0, 50, 20)),
    ((50, 20, 10, 5), (10, 5, 50, 20)),
    ((30, 30, 30, 30), (30, 30, 31, 31)),
    ((10.4, 10.6, 19.5, 20.2), (10, 11, 20, 20)),
])
def test_boxes_are_clipped_and_ordered(box, expected):
    assert clip_box(box) == expected
    for word in words_from_block("x", box, "b", 90.0):
        x0, y0, x1, y1 = word.bbox
        assert 0 <= x0 < x1 and 0 <= y0 < y1


def test_clip_box_keeps_a_box_on_the_page():
    assert clip_box((90, 40, 150, 80), 100, 50) == (90, 40, 100, 50)
    assert clip_box((120, 60, 150, 80), 100, 50) == (99, 49, 100, 50)


def test_many_lines_in_a_tiny_box_still_have_positive_height():
    words = words_from_block("a\nb\nc\nd", (0, 0, 10, 2), "b", 90.0)
    assert all(w.bbox[3] > w.bbox[1] and w.bbox[2] > w.bbox[0] for w in words)
    assert [w.line for w in words] == [("b", 0), ("b", 1), ("b", 2), ("b", 3)]


# --------------------------------------------------------------------------
# Markdown and HTML
# --------------------------------------------------------------------------


@pytest.mark.parametrize("markdown, lines", [
    ("# СТРАХОВОЕ СВИДЕТЕЛЬСТВО", ["СТРАХОВОЕ СВИДЕТЕЛЬСТВО"]),
    ("## Счет-фактура № 123 от 01.02.2024", ["Счет-фактура № 123 от 01.02.2024"]),
    ("**Ф.И.О.:** Иванов Иван", ["Ф.И.О.: Иванов Иван"]),
    ("*Место рождения*  гор. Москва", ["Место рождения гор. Москва"]),
    ("__Пол__ муж.", ["Пол муж."]),
    ("- первый пункт\n* второй пункт\n+ третий", ["первый пункт", "второй пункт", "третий"]),
    ("> цитата", ["цитата"]),
    ("Текст со [ссылкой](http://example.com) и ![](images/0.jpg) картинкой", ["Текст со ссылкой и картинкой"]),
    ("Итого: `1 234,00`", ["Итого: 1 234,00"]),
    ("TOTAL $12.50\n***\nTHANK YOU", ["TOTAL $12.50", "THANK YOU"]),
    ("| Наименование | Кол-во |\n|---|:---:|\n| Ручка | 2 |", ["Наименование Кол-во", "Ручка 2"]),
    (r"Цена \* 2 и 5\_000", ["Цена * 2 и 5_000"]),
    (r"Формула \(E = mc^2\)", ["Формула E = mc^2"]),
    ("ООО «Ромашка» &amp; Co<br>ИНН 7707083893", ["ООО «Ромашка» & Co", "ИНН 7707083893"]),
    ("Подпись ______ 2 * 3 = 6", ["Подпись ______ 2 * 3 = 6"]),
    ("<center>Заголовок</center>", ["Заголовок"]),
    ("\n\n   \n", []),
])
def test_markdown_lines(markdown, lines):
    assert markdown_lines(markdown) == lines


def test_html_table_gives_a_line_per_row():
    table = (
        "<table><thead><tr><th>Товар</th><th>Сумма</th></tr></thead>"
        "<tbody><tr><td>Ручка<br>синяя</td><td>1&nbsp;234,00</td></tr>"
        "<tr><td></td><td></td></tr>"
        "<tr><td colspan=\"2\"><b>Всего к оплате</b> 1 234,00</td></tr></tbody></table>"
    )
    assert html_table_lines(table) == ["Товар Сумма", "Ручка синяя 1 234,00", "Всего к оплате 1 234,00"]


def test_html_table_cut_short_keeps_its_rows():
    assert html_table_lines("<table><tr><td>ИНН</td><td>7707083893</td></tr><tr><td>КПП</td><td>7707") == [
        "ИНН 7707083893", "КПП 7707"]


def test_text_around_a_table_keeps_its_place():
    markdown = "Продавец: ООО «Ромашка»\n<table><tr><td>a</td><td>b</td></tr></table>\nИтого 5"
    assert markdown_lines(markdown) == ["Продавец: ООО «Ромашка»", "a b", "Итого 5"]


def test_table_caption_outside_cells_is_its_own_line():
    assert html_table_lines("<table><caption>Таблица 1</caption><tr><td>x</td></tr></table>") == ["Таблица 1", "x"]
