"""A 'Й' read as 'И', read again with room above it for its breve (reading.breves)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from obligations.backends.base import BackendInfo, Capabilities, PageText, Word
from obligations.doctypes import load_doctypes
from obligations.reading.breves import reread_lost_breves

DOCTYPES = load_doctypes()


@dataclass
class Rereading:
    """Reads every region as the given word."""

    answer: str
    asked: list[tuple] = field(default_factory=list)
    capabilities = Capabilities(regions=True)

    def info(self) -> BackendInfo:
        return BackendInfo("fake", None, "cpu", None, "test")

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.asked.append((box, lang))
        return [Word(self.answer, (box[0] + 8, box[1] + 20, box[2] - 8, box[3] - 8), 90.0, ("region", 0, box, 0))]


def _page(*texts: str) -> PageText:
    words = [Word(text, (100 + 400 * i, 300, 100 + 400 * i + 30 * len(text), 340), 90.0, 1) for i, text in enumerate(texts)]
    return PageText(1, 2000, 1000, 300, "ocr", words)


def test_an_i_after_a_vowel_read_again_as_short_i_takes_it():
    page = _page("САМОИЛОВА", "РОССИИ", "ИВАН")
    backend = Rereading("САМОЙЛОВА")
    reread_lost_breves(page, Image.new("L", (2000, 1000), 255), DOCTYPES["snils"], backend)
    assert [w.text for w in page.words] == ["САМОЙЛОВА", "РОССИИ", "ИВАН"]
    # Only the word with 'И' after a vowel was read again, its box grown upwards more than down.
    ((box, lang),) = backend.asked
    assert lang == "rus" and 300 - box[1] > box[3] - 340 > 0


@pytest.mark.parametrize("answer", ["САМОИЛОВА", "САМОЙЛОВ", "СОМОЙЛОВА", "САМОИЛОВЙ"])
def test_a_reading_that_differs_otherwise_is_not_taken(answer):
    page = _page("САМОИЛОВА")
    reread_lost_breves(page, Image.new("L", (2000, 1000), 255), DOCTYPES["snils"], Rereading(answer))
    assert page.words[0].text == "САМОИЛОВА"


def test_english_receipts_are_not_read_again():
    backend = Rereading("HOI")
    reread_lost_breves(_page("АОИ"), Image.new("L", (2000, 1000), 255), DOCTYPES["receipt"], backend)
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
    x = 100 + draw.textlength("Г. ", font=face)
    box = tuple(round(v) for v in draw.textbbox((x, 120), "АЧХОИ", font=face))  # capitals' height: no breve
    page = PageText(1, 1200, 300, 300, "ocr", [Word("АЧХОИ", box, 90.0, 1)])
    reread_lost_breves(page, image, DOCTYPES["snils"], TesseractBackend())
    assert page.words[0].text == "АЧХОЙ"
