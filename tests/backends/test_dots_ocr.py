"""Tests for obligations.backends.dots_ocr: dots.ocr layout JSON to words."""

from __future__ import annotations

import json

import pytest

from obligations.backends.base import PageText
from obligations.backends.dots_ocr import (
    DOTS_CATEGORIES,
    DOTS_LAYOUT_PROMPT,
    DOTS_OCR_PROMPT,
    model_input_size,
    parse_layout,
)

INVOICE_LAYOUT = [
    {"bbox": [40, 20, 560, 50], "category": "Page-header", "text": "ООО «Ромашка»"},
    {"bbox": [100, 80, 900, 120], "category": "Section-header", "text": "## Счет-фактура № 123 от 01.02.2024"},
    {"bbox": [100, 130, 900, 160], "category": "Text", "text": "**Продавец:** ООО «Ромашка»"},
    {"bbox": [600, 170, 900, 400], "category": "Picture"},
    {"bbox": [100, 420, 900, 520], "category": "Table",
     "text": "<table><thead><tr><th>Товар</th><th>Сумма</th></tr></thead>"
             "<tbody><tr><td>Ручка</td><td>1 234,00</td></tr></tbody></table>"},
    {"bbox": [100, 540, 500, 570], "category": "Formula", "text": "$$S = 1234{,}00$$"},
    {"bbox": [100, 600, 900, 630], "category": "List-item", "text": "- Всего к оплате: 1 234,00"},
]


def lines(words, size=(1000, 1000)):
    return PageText(1, size[0], size[1], None, "vlm", words).text.splitlines()


def test_layout_prompt_is_the_repositorys():
    assert DOTS_LAYOUT_PROMPT.startswith("Please output the layout information from the PDF image")
    assert "1. Bbox format: [x1, y1, x2, y2]" in DOTS_LAYOUT_PROMPT
    assert "['Caption', 'Footnote', 'Formula', 'List-item', 'Page-footer', 'Page-header', 'Picture', " \
           "'Section-header', 'Table', 'Text', 'Title']" in DOTS_LAYOUT_PROMPT
    assert "    - Table: Format its text as HTML." in DOTS_LAYOUT_PROMPT
    assert DOTS_LAYOUT_PROMPT.endswith("5. Final Output: The entire output must be a single JSON object.\n")
    assert DOTS_OCR_PROMPT == "Extract the text content from this image."
    assert len(DOTS_CATEGORIES) == 11


def test_categories_become_lines_in_reading_order():
    words = parse_layout(json.dumps(INVOICE_LAYOUT, ensure_ascii=False), (1000, 1000))
    assert lines(words) == [
        "ООО «Ромашка»",
        "Счет-фактура № 123 от 01.02.2024",
        "Продавец: ООО «Ромашка»",
        "Товар Сумма",
        "Ручка 1 234,00",
        "S = 1234{,}00",
        "Всего к оплате: 1 234,00",
    ]
    # the picture's area holds no words
    assert not [w for w in words if w.bbox[0] >= 600 and 170 <= w.bbox[1] < 400]


def test_boxes_scale_from_the_model_input_to_the_page_exactly():
    text = json.dumps([{"bbox": [100, 50, 300, 70], "category": "Text", "text": "ИНН"}])
    (word,) = parse_layout(text, (2000, 1000), (1000, 500))
    assert word.bbox == (200, 100, 600, 140)
    (same,) = parse_layout(text, (2000, 1000))
    assert same.bbox == (100, 50, 300, 70)
    # 2480x3508 page seen as 2492x3500: x * 2480/2492, y * 3508/3500
    (a4,) = parse_layout(json.dumps([{"bbox": [1246, 1750, 2492, 3500], "category": "Text", "text": "x"}]),
                         (2480, 3508), (2492, 3500))
    assert a4.bbox == (1240, 1754, 2480, 3508)


def test_table_rows_share_the_table_height():
    words = parse_layout(json.dumps(INVOICE_LAYOUT[4:5], ensure_ascii=False), (1000, 1000))
    header = [w for w in words if w.text in ("Товар", "Сумма")]
    row = [w for w in words if w.text == "Ручка"]
    assert {w.bbox[1] for w in header} == {420} and {w.bbox[3] for w in header} == {470}
    assert row[0].bbox[1:4:2] == (470, 520)


def test_code_fence_and_prose_around_the_json():
    text = ("Here is the layout:\n```json\n"
            + json.dumps(INVOICE_LAYOUT[:2], ensure_ascii=False, indent=2)
            + "\n```\nDone.")
    assert lines(parse_layout(text, (1000, 1000))) == ["ООО «Ромашка»", "Счет-фактура № 123 от 01.02.2024"]


@pytest.mark.parametrize("cut", [20, 60, 120, 200])
def test_truncated_json_keeps_every_complete_object(cut):
    complete = json.dumps(INVOICE_LAYOUT[:3], ensure_ascii=False)
    tail = json.dumps(INVOICE_LAYOUT[6], ensure_ascii=False)
    text = complete[:-1] + ", " + tail[: cut % len(tail)]
    assert lines(parse_layout(text, (1000, 1000))) == [
        "ООО «Ромашка»", "Счет-фактура № 123 от 01.02.2024", "Продавец: ООО «Ромашка»"]


def test_a_single_object_instead_of_a_list():
    text = '{"bbox": [10, 10, 200, 40], "category": "Title", "text": "# СНИЛС"}'
    assert [w.text for w in parse_layout(text, (1000, 1000))] == ["СНИЛС"]


def test_a_list_wrapped_in_an_object():
    text = '{"layout": [{"bbox": [10, 10, 200, 40], "category": "Text", "text": "Пол: муж."}]}'
    assert lines(parse_layout(text, (1000, 1000))) == ["Пол: муж."]


@pytest.mark.parametrize("element", [
    {"category": "Text", "text": "нет рамки"},
    {"bbox": "10, 10, 200, 40", "category": "Text", "text": "строка вместо чисел"},
    {"bbox": [10, 10, "200", 40], "category": "Text", "text": "строка внутри"},
    {"bbox": [10, 10, 200], "category": "Text", "text": "три числа"},
    {"bbox": [10, True, 200, 40], "category": "Text", "text": "логическое"},
    {"bbox": [10, 10, 200, 40], "category": "Text"},
    {"bbox": [10, 10, 200, 40], "category": "Text", "text": "   "},
    {"bbox": [10, 10, 200, 40], "category": "Picture", "text": "подпись под картинкой"},
])
def test_unusable_elements_are_skipped(element):
    good = {"bbox": [0, 500, 1000, 540], "category": "Text", "text": "Хорошая строка"}
    text = json.dumps([element, good], ensure_ascii=False)
    assert lines(parse_layout(text, (1000, 1000))) == ["Хорошая строка"]


def test_missing_category_reads_as_text():
    text = '[{"bbox": [10, 10, 300, 40], "text": "**Итого:** 5"}]'
    assert [w.text for w in parse_layout(text, (1000, 1000))] == ["Итого:", "5"]


def test_polygon_bbox_becomes_its_rectangle():
    text = '[{"bbox": [10, 20, 110, 22, 108, 60, 12, 58], "category": "Text", "text": "косо"}]'
    assert parse_layout(text, (1000, 1000))[0].bbox == (10, 20, 110, 60)


def test_boxes_beyond_the_page_are_clipped():
    text = '[{"bbox": [-30, 900, 1200, 1100], "category": "Page-footer", "text": "стр. 1"}]'
    words = parse_layout(text, (1000, 1000))
    assert min(w.bbox[0] for w in words) == 0 and max(w.bbox[2] for w in words) == 1000
    assert {w.bbox[3] for w in words} == {1000}


def test_python_style_and_trailing_commas_are_read():
    text = "[{'bbox': [10, 10, 300, 40], 'category': 'Text', 'text': 'Дата: 01.02.2003',},]"
    assert lines(parse_layout(text, (1000, 1000))) == ["Дата: 01.02.2003"]


@pytest.mark.parametrize("garbage", ["", "I cannot read this image.", "[]", "{}", "[1, 2, 3]", '{"bbox": ['])
def test_no_json_gives_no_words(garbage):
    assert parse_layout(garbage, (1000, 1000)) == []


@pytest.mark.parametrize("page, seen", [
    ((1000, 1000), (1008, 1008)),  # sides rounded to multiples of 28
    ((2480, 3508), (2492, 3500)),  # an A4 page at 300 dpi fits the budget
    ((6000, 4000), (4088, 2716)),  # scaled down to at most 11289600 pixels
    ((20, 20), (56, 56)),  # scaled up to at least 3136 pixels
])
def test_model_input_size(page, seen):
    assert model_input_size(page) == seen
    w, h = model_input_size(page)
    assert w % 28 == 0 and h % 28 == 0 and 3136 <= w * h <= 11289600


def test_the_field_locator_reads_the_parsed_words():
    """Block text laid out as words is what the label locator needs: labels and values on lines."""
    from obligations.doctypes import load_doctypes
    from obligations.fields.locate import locate_fields

    layout = [
        {"bbox": [100, 40, 900, 80], "category": "Title", "text": "# СТРАХОВОЕ СВИДЕТЕЛЬСТВО"},
        {"bbox": [100, 90, 900, 120], "category": "Text", "text": "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"},
        {"bbox": [100, 130, 600, 160], "category": "Text", "text": "№ 112-233-445 95"},
        {"bbox": [100, 170, 900, 260], "category": "Text", "text": "Ф.И.О. **Иванов**\nИван\nИванович"},
        {"bbox": [100, 270, 900, 300], "category": "Text", "text": "Дата рождения 01.02.1990"},
        {"bbox": [100, 310, 900, 340], "category": "Text", "text": "Пол мужской"},
    ]
    words = parse_layout(json.dumps(layout, ensure_ascii=False), (2000, 1000), (1000, 500))
    found = locate_fields(load_doctypes()["snils"], [PageText(1, 2000, 1000, None, "vlm", words)])
    values = {fid: f.raw for fid, f in found.items() if f is not None and f.raw}
    assert values["number"] == "112-233-445 95"
    assert (values["last_name"], values["first_name"], values["middle_name"]) == ("Иванов", "Иван", "Иванович")
    assert values["birth_date"] == "01.02.1990" and values["gender"] == "мужской"
    assert found["number"].bbox[0] >= 200 and found["number"].bbox[2] <= 1200
