"""Digits printed one to a box, read cell by cell (reading.digit_boxes)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields
from obligations.reading.digit_boxes import _comb, _paper_white, read_digit_boxes

DOCTYPES = load_doctypes()
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
INN = "542039055653"


def _certificate(step: int = 34, seed: int = 1) -> Image.Image:
    """'ИНН' and twelve boxes of a certificate at about 150 dpi, with specks."""
    image = Image.new("L", (1000, 200), 236)
    draw = ImageDraw.Draw(image)
    face = ImageFont.truetype(SERIF, 26)
    draw.text((20, 78), "ИНН", font=face, fill=30)
    for k in range(13):
        x = 150 + k * step
        draw.line((x, 70, x, 122), fill=40, width=2)
    draw.line((150, 70, 150 + 12 * step, 70), fill=40, width=2)
    draw.line((150, 122, 150 + 12 * step, 122), fill=40, width=2)
    for k, digit in enumerate(INN):
        draw.text((150 + k * step + step // 2 - 8, 80), digit, font=face, fill=25)
    rng = random.Random(seed)
    for _ in range(60):
        x, y = rng.randrange(1000), rng.randrange(200)
        draw.rectangle((x, y, x + 1, y + 1), fill=20)
    return image


def _draw_comb(draw: ImageDraw.ImageDraw, left: int, step: int, top: int, bottom: int, size: int, wall: int,
               drop: int = 0) -> None:
    """Twelve boxes of INN's figures, from `left`, their walls 3 px wide."""
    face = ImageFont.truetype(SERIF, size)
    for k in range(13):
        draw.line((left + k * step, top, left + k * step, bottom), fill=wall, width=3)
    draw.line((left, top, left + 12 * step, top), fill=wall, width=3)
    draw.line((left, bottom, left + 12 * step, bottom), fill=wall, width=3)
    for k, digit in enumerate(INN):
        draw.text((left + k * step + step // 2, (top + bottom) // 2 + drop), digit, font=face, fill=25, anchor="mm")


def test_the_walls_of_a_comb_are_found_at_even_steps():
    walls, top, bottom = _comb(_certificate(), (80, 50, 900, 150), 30)
    assert len(walls) == 13 and abs(walls[0] - 150) <= 2 and abs(walls[-1] - (150 + 12 * 34)) <= 2
    assert abs(top - 70) <= 3 and abs(bottom - 122) <= 3
    # A row of words is no comb.
    image = Image.new("L", (1000, 200), 236)
    ImageDraw.Draw(image).text((150, 80), "Свидетельство о постановке на учет", font=ImageFont.truetype(SERIF, 26), fill=30)
    assert _comb(image, (80, 50, 900, 150), 30) is None


@pytest.mark.skipif(shutil.which("tesseract") is None or not Path(SERIF).exists(),
                    reason="Tesseract or DejaVu Serif is not installed")
def test_an_inn_in_boxes_read_as_walls_and_digits_is_read_cell_by_cell():
    from obligations.backends.tesseract import TesseractBackend

    image = _certificate()
    # What the page's reading gave: the walls read into the digits.
    page = PageText(1, 1000, 200, 150, "ocr", [
        Word("ИНН", (20, 82, 80, 106), 60.0, 1), Word("ЧЕК", (160, 72, 180, 84), 23.0, 1),
        Word("3", (300, 84, 316, 110), 97.0, 1), Word("90556", (330, 84, 460, 112), 83.0, 1),
        Word("513", (480, 82, 540, 114), 79.0, 1),
    ])
    assert locate_fields(DOCTYPES["inn"], [page])["inn"].value is None
    read_digit_boxes(page, image, DOCTYPES["inn"], TesseractBackend())
    found = locate_fields(DOCTYPES["inn"], [page])["inn"]
    assert found.value == INN and found.valid


@pytest.mark.skipif(shutil.which("tesseract") is None or not Path(SERIF).exists(),
                    reason="Tesseract or DejaVu Serif is not installed")
def test_a_notices_boxes_under_a_line_ending_in_its_label_are_read_from_the_margin():
    """'... и ему присвоен ИНН' ends a line of text; the twelve boxes of larger figures stand
    under it from the page's left margin, left of the label and four of its heights down."""
    from obligations.backends.tesseract import TesseractBackend

    image = Image.new("L", (1000, 260), 240)
    draw = ImageDraw.Draw(image)
    draw.text((40, 20), "присвоен ИНН", font=ImageFont.truetype(SERIF, 24), fill=30)
    _draw_comb(draw, left=40, step=48, top=80, bottom=140, size=34, wall=40)
    page = PageText(1, 1000, 260, 200, "ocr", [Word("присвоен", (40, 24, 150, 44), 96.0, 1),
                                               Word("ИНН", (158, 22, 205, 44), 96.0, 1)])
    read_digit_boxes(page, image, DOCTYPES["inn"], TesseractBackend())
    found = locate_fields(DOCTYPES["inn"], [page])["inn"]
    assert found.value == INN and found.valid


@pytest.mark.skipif(shutil.which("tesseract") is None or not Path(SERIF).exists(),
                    reason="Tesseract or DejaVu Serif is not installed")
def test_a_comb_of_large_boxes_far_right_of_a_small_label_on_grey_paper_is_read():
    """A certificate's 'присвоен ИНН' 33 px tall, its comb of 70-px cells starting 480 px
    right of it, on a card's grey paper with grey specks: found to the page's edge."""
    from obligations.backends.tesseract import TesseractBackend

    image = Image.new("L", (1700, 200), 215)
    draw = ImageDraw.Draw(image)
    draw.text((20, 80), "присвоен ИНН", font=ImageFont.truetype(SERIF, 28), fill=30)
    top, bottom = 50, 140
    _draw_comb(draw, left=700, step=70, top=top, bottom=bottom, size=40, wall=20, drop=6)
    rng = random.Random(3)
    for _ in range(400):
        x, y = rng.randrange(700, 1540), rng.randrange(top + 5, bottom - 5)
        draw.point((x, y), fill=rng.choice((160, 180, 250)))
    page = PageText(1, 1700, 200, 150, "ocr", [Word("присвоен", (20, 80, 160, 113), 96.0, 1),
                                               Word("ИНН", (172, 80, 220, 113), 96.0, 1)])
    read_digit_boxes(page, image, DOCTYPES["inn"], TesseractBackend())
    found = locate_fields(DOCTYPES["inn"], [page])["inn"]
    assert found.value == INN and found.valid


def test_a_cells_grey_paper_and_its_pattern_are_made_white_and_its_figure_kept():
    """A tinted card's cell (paper 215, a guilloche line at 185, specks): set on white beside
    the others as it is, the cells read as one patch ('668' for '6 6 1')."""
    cell = Image.new("L", (50, 60), 215)
    draw = ImageDraw.Draw(cell)
    draw.line([(0, 20), (50, 35)], fill=185, width=2)
    draw.point([(5, 5), (40, 50)], fill=170)
    draw.text((25, 30), "6", font=ImageFont.truetype(SERIF, 40), fill=25, anchor="mm")
    white = _paper_white(cell)
    assert white.getpixel((2, 2)) == 255 and white.getpixel((5, 5)) == 255  # paper, a speck
    assert white.getpixel((10, 23)) == 255  # the pattern's line
    assert white.getextrema()[0] < 60  # the figure


def test_the_walls_of_a_faxed_comb_broken_every_few_rows_are_found():
    """A fax's dither leaves a wall's ink with a blank row every third: still one run."""
    image = _certificate()
    pixels = image.load()
    for y in range(0, 200, 3):
        for x in range(1000):
            if pixels[x, y] < 100:
                pixels[x, y] = 236
    walls, top, bottom = _comb(image, (80, 50, 900, 150), 30)
    assert len(walls) == 13 and abs(walls[0] - 150) <= 2
