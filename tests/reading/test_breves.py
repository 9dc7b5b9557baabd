"""A 'Й' read as 'И', read again with room above it for its breve (reading.breves)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.reading.breves import reread_lost_breves

from .fakes import ReadsEveryRegionAs

DOCTYPES = load_doctypes()


def _page(surname: str = "САМОИЛОВА") -> PageText:
    rows = [("СТРАХОВОИ", "НОМЕР"), ("Фамилия", surname), ("Имя", "ИВАН"), ("Место", "рождения", "ГОР.", "РОССИИ")]
    words = []
    for r, row in enumerate(rows):
        x = 100
        for text in row:
            words.append(Word(text, (x, 100 + 80 * r, x + 30 * len(text), 140 + 80 * r), 90.0, r))
            x += 30 * len(text) + 40
    return PageText(1, 2000, 1000, 300, "ocr", words)


def test_an_i_after_a_vowel_read_again_as_short_i_takes_it():
    page = _page()
    backend = ReadsEveryRegionAs("САМОЙЛОВА")
    reread_lost_breves(page, Image.new("L", (2000, 1000), 255), DOCTYPES["snils"], backend)
    assert [w.text for w in page.words if w.text.startswith("САМО")] == ["САМОЙЛОВА"]
    # Only the value's word with 'И' after a vowel was read again (not a heading's), its box
    # grown upwards more than down.
    ((box, lang),) = backend.asked
    assert lang == "rus" and 180 - box[1] > box[3] - 220 > 0


@pytest.mark.parametrize("answer", ["САМОИЛОВА", "САМОЙЛОВ", "СОМОЙЛОВА", "САМОИЛОВЙ"])
def test_a_reading_that_differs_otherwise_is_not_taken(answer):
    page = _page()
    reread_lost_breves(page, Image.new("L", (2000, 1000), 255), DOCTYPES["snils"], ReadsEveryRegionAs(answer))
    assert "САМОИЛОВА" in [w.text for w in page.words]


def test_english_receipts_are_not_read_again():
    backend = ReadsEveryRegionAs("HOI")
    reread_lost_breves(_page(), Image.new("L", (2000, 1000), 255), DOCTYPES["receipt"], backend)
    assert backend.asked == []


BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.mark.skipif(shutil.which("tesseract") is None or not Path(BOLD).exists(),
                    reason="Tesseract or DejaVu Sans Bold is not installed")
def test_a_bold_capital_short_i_read_in_its_box_grown_upwards_is_read_whole():
    """'Г. АЧХОЙ МАРТАН' in bold capitals on a tinted card: the page's reading gave 'АЧХОИ' at
    90 %, its box the capitals' height, without the breve above them."""
    from obligations.backends.tesseract import TesseractBackend

    image = Image.new("RGB", (1200, 300), (218, 236, 214))
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(BOLD, 48)
    draw.text((100, 120), "Г. АЧХОЙ МАРТАН", font=face, fill=(20, 24, 70))
    small = ImageFont.truetype(BOLD, 24)
    draw.text((100, 60), "Место рождения", font=small, fill=(20, 24, 70))
    words = [Word("Место", (100, 62, 180, 84), 95.0, 0), Word("рождения", (190, 62, 310, 84), 95.0, 0)]
    x = 100
    for text, printed in (("Г.", "Г. "), ("АЧХОИ", "АЧХОЙ "), ("МАРТАН", "МАРТАН")):
        # Each word's box the capitals' height: no breve.
        words.append(Word(text, tuple(round(v) for v in draw.textbbox((x, 120), text, font=face)), 90.0, 1))
        x += draw.textlength(printed, font=face)
    page = PageText(1, 1200, 300, 300, "ocr", words)
    reread_lost_breves(page, image, DOCTYPES["snils"], TesseractBackend())
    assert [w.text for w in page.words if w.line == 1] == ["Г.", "АЧХОЙ", "МАРТАН"]
