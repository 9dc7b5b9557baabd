"""Tests for obligations.backends.deepseek_ocr: DeepSeek-OCR grounding output to words."""

from __future__ import annotations

import subprocess
import sys

import pytest

from obligations.backends.base import PageText
from obligations.backends.deepseek_ocr import DEEPSEEK_DOCUMENT_PROMPT, parse_grounding

EOS = "<｜end▁of▁sentence｜>"

SNILS_MARKDOWN = (
    "<|ref|>title<|/ref|><|det|>[[120, 40, 880, 90]]<|/det|>\n"
    "# СТРАХОВОЕ СВИДЕТЕЛЬСТВО\n\n"
    "<|ref|>text<|/ref|><|det|>[[120, 100, 880, 130]]<|/det|>\n"
    "**№** 112-233-445 95\n\n"
    "<|ref|>text<|/ref|><|det|>[[120, 150, 880, 300]]<|/det|>\n"
    "Ф.И.О. Иванов\nИван\nИванович\n\n"
    "<|ref|>image<|/ref|><|det|>[[700, 700, 950, 950]]<|/det|>\n\n"
    "<|ref|>table<|/ref|><|det|>[[100, 400, 900, 500]]<|/det|>\n"
    "<table><tr><td>Дата регистрации</td><td>01.02.2003</td></tr>"
    "<tr><td>Пол</td><td>муж.</td></tr></table>" + EOS
)


def page_lines(words, width=1000, height=1000):
    return PageText(1, width, height, None, "vlm", words).text.splitlines()


def test_document_prompt_is_the_documented_one():
    assert DEEPSEEK_DOCUMENT_PROMPT == "<image>\n<|grounding|>Convert the document to markdown."


def test_markdown_mode_gives_the_regions_text_in_reading_order():
    words = parse_grounding(SNILS_MARKDOWN, 999, 999)
    assert page_lines(words, 999, 999) == [
        "СТРАХОВОЕ СВИДЕТЕЛЬСТВО",
        "№ 112-233-445 95",
        "Ф.И.О. Иванов",
        "Иван",
        "Иванович",
        "Дата регистрации 01.02.2003",
        "Пол муж.",
    ]
    assert not any("<" in w.text or "#" in w.text or "*" in w.text for w in words)


def test_grid_coordinates_scale_to_page_pixels_exactly():
    text = "<|ref|>text<|/ref|><|det|>[[100, 200, 300, 400]]<|/det|>\nслово"
    assert parse_grounding(text, 999, 999)[0].bbox == (100, 200, 300, 400)
    assert parse_grounding(text, 1998, 2997)[0].bbox == (200, 600, 600, 1200)
    # 100/999*1000 = 100.1, 200/999*500 = 100.1, 300/999*1000 = 300.3, 400/999*500 = 200.2
    assert parse_grounding(text, 1000, 500)[0].bbox == (100, 100, 300, 200)
    full = "<|ref|>text<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\nвсё"
    assert parse_grounding(full, 2480, 3508)[0].bbox == (0, 0, 2480, 3508)


def test_lines_of_a_region_share_its_box():
    words = parse_grounding(SNILS_MARKDOWN, 999, 999)
    fio = [w for w in words if w.text in ("Иванов", "Иван", "Иванович")]
    assert [w.bbox[1] for w in fio] == [150, 200, 250]
    assert [w.bbox[3] for w in fio] == [200, 250, 300]
    assert len({w.line for w in fio}) == 3


def test_image_region_without_text_is_skipped():
    text = ("<|ref|>image<|/ref|><|det|>[[0, 0, 500, 500]]<|/det|>\n\n"
            "<|ref|>text<|/ref|><|det|>[[0, 600, 500, 700]]<|/det|>\nПодпись")
    words = parse_grounding(text, 999, 999)
    assert [(w.text, w.bbox) for w in words] == [("Подпись", (0, 600, 500, 700))]


def test_image_caption_text_is_kept():
    text = ("<|ref|>image<|/ref|><|det|>[[0, 0, 500, 500]]<|/det|>\n"
            "<|ref|>image_caption<|/ref|><|det|>[[0, 510, 500, 540]]<|/det|>\nРис. 1")
    assert [w.text for w in parse_grounding(text, 999, 999)] == ["Рис.", "1"]


def test_locate_mode_label_is_the_text():
    text = ("<|ref|>Иванов<|/ref|><|det|>[[100, 100, 200, 120]]<|/det|>"
            "<|ref|>112-233-445 95<|/ref|><|det|>[[300, 50, 500, 70]]<|/det|>")
    words = parse_grounding(text, 999, 999)
    assert [(w.text, w.bbox) for w in words] == [
        ("Иванов", (100, 100, 200, 120)),
        # 14 characters over 200 pixels: 11 of them, then a space, then 2
        ("112-233-445", (300, 50, 457, 70)),
        ("95", (471, 50, 500, 70)),
    ]


def test_located_text_found_in_several_places_is_in_each():
    text = "<|ref|>Итого<|/ref|><|det|>[[10, 10, 60, 30], [10, 900, 60, 920]]<|/det|>"
    words = parse_grounding(text, 999, 999)
    assert [(w.text, w.bbox) for w in words] == [("Итого", (10, 10, 60, 30)), ("Итого", (10, 900, 60, 920))]


def test_several_boxes_of_one_region_share_its_lines_in_order():
    text = ("<|ref|>text<|/ref|><|det|>[[0, 0, 400, 100], [500, 0, 900, 300]]<|/det|>\n"
            "строка один\nстрока два\nстрока три\nстрока четыре")
    words = parse_grounding(text, 999, 999)
    left = [w.text for w in words if w.bbox[0] < 450]
    right = [w.text for w in words if w.bbox[0] >= 450]
    assert left == ["строка", "один"]
    assert right == ["строка", "два", "строка", "три", "строка", "четыре"]


def test_text_before_the_first_ref_goes_above_the_first_region():
    text = "Шапка документа\n<|ref|>text<|/ref|><|det|>[[0, 500, 999, 600]]<|/det|>\nТело"
    words = parse_grounding(text, 999, 999)
    head = [w for w in words if w.text in ("Шапка", "документа")]
    assert head and all(w.bbox[3] <= 500 for w in head)
    assert page_lines(words, 999, 999) == ["Шапка документа", "Тело"]


def test_output_without_refs_covers_the_page():
    words = parse_grounding("Свободный текст\nвторая строка" + EOS, 800, 600)
    assert page_lines(words, 800, 600) == ["Свободный текст", "вторая строка"]
    assert min(w.bbox[1] for w in words) == 0 and max(w.bbox[3] for w in words) == 600


@pytest.mark.parametrize("cut", [
    "<|ref|>text<|/ref|><|det|>[[12, 3",
    "<|ref|>text<|/ref|><|det|>[[12, 30, 400, 60]]",
    "<|ref|>text<|/ref|><|det",
    "<|ref|>tex",
    "<|ref|>text<|/ref|><|det|>[[12, 30, 400]]<|/det|>\nбез угла",
])
def test_truncated_output_keeps_the_complete_items(cut):
    text = "<|ref|>text<|/ref|><|det|>[[0, 0, 999, 100]]<|/det|>\nПолная строка\n\n" + cut
    assert page_lines(parse_grounding(text, 999, 999), 999, 999) == ["Полная строка"]


def test_out_of_range_coordinates_are_clipped():
    text = "<|ref|>text<|/ref|><|det|>[[-20, 900, 1200, 1100]]<|/det|>\nниз""\n"
    (word,) = parse_grounding(text, 500, 400)
    assert word.bbox == (0, round(900 / 999 * 400), 500, 400)


def test_end_of_sentence_tokens_are_stripped():
    for eos in (EOS, "<|end▁of▁sentence|>"):
        text = f"<|ref|>text<|/ref|><|det|>[[0, 0, 999, 999]]<|/det|>\nКонец{eos}"
        assert [w.text for w in parse_grounding(text, 999, 999)] == ["Конец"]


def test_markdown_pipe_table_in_a_region():
    text = ("<|ref|>table<|/ref|><|det|>[[0, 0, 999, 300]]<|/det|>\n"
            "| Товар | Цена |\n| --- | --- |\n| **Ручка** | 10,00 |\n")
    assert page_lines(parse_grounding(text, 999, 999), 999, 999) == ["Товар Цена", "Ручка 10,00"]


@pytest.mark.parametrize("garbage", ["", "   ", EOS, "<|ref|><|/ref|><|det|>[[]]<|/det|>", "<|det|>[[1,2,3,4]]<|/det|>"])
def test_nothing_usable_gives_no_words(garbage):
    assert parse_grounding(garbage, 999, 999) == []


def test_parsers_import_without_torch():
    """The model classes import torch lazily: these modules must load on a machine without it."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'transformers'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import obligations.backends.deepseek_ocr, obligations.backends.dots_ocr\n"
        "import obligations.fields.answers, obligations.prompts\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
