"""Stamps and signatures taken off a page (obligations.reading.stamps): coloured ink shaped
like a seal is taken off where it lies on paper and where it crosses black text, the black
text kept; coloured print (a red value, green labels) kept as it is; a page with no coloured
ink left alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from obligations.reading.condition import condition_page
from obligations.reading.stamps import _rows_of_print, stamp_areas, without_stamps

TEXT_HEIGHT = 30
PAPER = (236, 240, 232)  # slightly tinted paper


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _page(colour_lines=()) -> Image.Image:
    """An A4-sized page at 100 dpi-ish scale with lines of black text and, optionally, lines
    of coloured print: (y, colour)."""
    page = Image.new("RGB", (1240, 1754), PAPER)
    draw = ImageDraw.Draw(page)
    font = _font(36)
    for i in range(20):
        draw.text((80, 120 + i * 70), f"Line {i}: ОБЩИЕ СВЕДЕНИЯ 1234567890 text", fill=(20, 20, 20), font=font)
    for y, colour in colour_lines:
        draw.text((80, y), "65 21 782288 Фамилия Имя", fill=colour, font=font)
    return page


def _multiply(page: Image.Image, mask: Image.Image, ink, strength: float) -> Image.Image:
    """Ink laid over the page as ink is: each channel multiplied by what the ink lets through."""
    rgb = np.asarray(page, dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[..., None] / 255 * strength
    rgb *= 1 - alpha * (1 - np.asarray(ink, np.float32) / 255)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def _taken_off(page: Image.Image, mask: Image.Image, ink, strength: float) -> np.ndarray:
    """The page's grey with `mask` laid over it in `ink` and taken off again."""
    out = without_stamps(_multiply(page, mask, ink, strength), TEXT_HEIGHT)
    assert out is not None
    return np.asarray(out).astype(int)


def _seal(size, centre, radius) -> Image.Image:
    """A seal's alpha: two rings and a row of letters inside."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=255, width=8)
    draw.ellipse((x - radius + 40, y - radius + 40, x + radius - 40, y + radius - 40), outline=255, width=3)
    draw.text((x - radius + 70, y - 15), "ООО РОМАШКА", fill=255, font=_font(30))
    return mask


@pytest.mark.parametrize("ink", [(45, 75, 190), (105, 60, 175), (200, 40, 50)], ids=["blue", "violet", "red"])
def test_a_seal_is_taken_off_and_the_black_text_under_it_kept(ink):
    clean = _page()
    seal = _seal(clean.size, (500, 600), 220)
    stamped = _multiply(clean, seal, ink, 0.8)
    out = without_stamps(stamped, TEXT_HEIGHT)
    assert out is not None
    result = np.asarray(out).astype(int)
    text = np.asarray(clean.convert("L")) < 100
    ring = np.asarray(seal) > 200
    # The seal's ink on paper: in grey it was darker than half way from the text to the paper
    # (what a reader's threshold keeps); now well lighter than that.
    halfway = (np.median(np.asarray(clean.convert("L"))[text]) + np.median(np.asarray(clean.convert("L")))) / 2
    assert np.median(np.asarray(stamped.convert("L"))[ring & ~text]) < halfway
    assert np.median(result[ring & ~text]) > halfway + 40
    # Black text, under the seal as well as elsewhere: still black.
    assert np.median(result[text & ring]) < 100
    assert np.median(result[text]) < 80


def test_a_dull_seal_lying_alone_becomes_the_paper_round_it():
    """A seal of dull ink (greyish blue) keeps little more light in one channel than in the
    others: made only as light as that channel, it stays a grey ring a reader sees. Where it
    lies alone it is the paper round it; the text under it stays black."""
    import cv2

    clean = _page()
    seal = _seal(clean.size, (500, 600), 220)
    stamped = _multiply(clean, seal, (110, 120, 160), 0.9)
    out = without_stamps(stamped, TEXT_HEIGHT)
    assert out is not None
    result = np.asarray(out).astype(int)
    text = np.asarray(clean.convert("L")) < 100
    by_text = cv2.dilate(text.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    ring = np.asarray(seal) > 200
    paper = np.median(np.asarray(clean.convert("L")))
    assert abs(np.median(result[ring & ~by_text]) - paper) <= 6
    assert np.median(result[text & ring]) < 100


def test_a_small_patch_of_dull_ink_is_only_made_pale():
    """A patch a few text heights across may be a word of coloured print (a card's caption),
    not a seal: made paper, the captions were lost. It is made pale, not taken off."""
    clean = _page()
    mask = Image.new("L", clean.size, 0)
    ImageDraw.Draw(mask).ellipse((420, 520, 580, 680), outline=255, width=16)
    result = _taken_off(clean, mask, (110, 120, 160), 0.9)
    ring = (np.asarray(mask) > 200) & (np.asarray(clean.convert("L")) > 200)
    paper = np.median(np.asarray(clean.convert("L")))
    assert np.median(result[ring]) < paper - 30


def test_a_patch_inked_all_over_is_only_made_pale():
    """A photo's colour noise over lines of text, taken for one patch: most of its box is
    'ink', and there is no paper round it to fill it with."""
    clean = _page()
    rng = np.random.default_rng(5)
    cast = np.zeros((clean.height, clean.width), np.uint8)
    cast[300:760, 200:800] = rng.integers(60, 100, (460, 600))  # faint all over the photo's card
    cast[400:660, 300:700] = rng.integers(128, 256, (260, 400))  # and strong here
    noisy = _multiply(clean, Image.fromarray(cast), (120, 60, 200), 0.9)
    out = without_stamps(noisy, TEXT_HEIGHT)
    assert out is not None
    box = np.asarray(out)[400:660, 300:700].astype(int)
    text = np.asarray(clean.convert("L"))[400:660, 300:700] < 100
    # Each pixel made as light as its lightest channel, not the box filled flat with a grey
    # that is no paper (the photo's card showed dark boxes round its values).
    assert np.bincount(box[~text]).max() < 0.2 * np.count_nonzero(~text)
    assert np.median(box[text]) < 100


def test_a_seal_over_values_printed_in_blue_black_is_found_and_taken_off():
    """A form's values printed in a dark blue-black ink, a seal of a like hue over them: joined,
    seal and values make one patch too large for a stamp; the seal's saturated ink alone is
    one, and is taken off. The values stay dark, and a block of them elsewhere (a table's
    amounts, rows close enough to bridge into a seal's size) is no stamp: none of its pieces
    is more than a word."""
    navy = (30, 38, 60)
    page = Image.new("RGB", (1754, 1240), PAPER)
    draw = ImageDraw.Draw(page)
    for i in range(11):
        draw.text((80, 120 + i * 70), "Label:", fill=(20, 20, 20), font=_font(36))
        draw.text((400, 120 + i * 70), f"7820432106 ЗАО «Князев и партнеры», г. Нижний Новгород {i}",
                  fill=navy, font=_font(40), stroke_width=2, stroke_fill=navy)
    for i in range(6):  # the table
        draw.text((1150, 930 + i * 40), f"587 783,6{i}   58 778,3{i}", fill=navy, font=_font(34),
                  stroke_width=2, stroke_fill=navy)
    seal = _seal(page.size, (600, 600), 220)
    stamped = _multiply(page, seal, (80, 90, 200), 0.8)
    patches = stamp_areas(stamped, TEXT_HEIGHT)
    # The seal's patches (its ring may break where it crosses the values), none beyond it.
    assert patches
    assert all(380 - 60 <= x0 and 380 - 60 <= y0 and x1 <= 820 + 60 and y1 <= 820 + 60
               for x0, y0, x1, y1 in (p.box for p in patches))
    assert max(p.box[2] - p.box[0] for p in patches) > 400
    out = np.asarray(without_stamps(stamped, TEXT_HEIGHT)).astype(int)
    values = np.asarray(page.convert("L")) < 100
    ring = (np.asarray(seal) > 200) & ~values
    assert np.median(out[ring]) > np.median(np.asarray(stamped.convert("L"))[ring]) + 40
    assert np.median(out[values & (np.asarray(seal) > 200)]) < 100


def test_a_navy_signature_across_values_is_taken_off_and_the_values_kept():
    """A navy pen's strokes are nearly as dark as print in grey; where they lie alone they keep
    some of the blue light, and a stroke taller than a line is no letter: it becomes paper, and
    the black values it crosses stay black (under the stroke as well)."""
    clean = Image.new("RGB", (1240, 1754), PAPER)
    draw = ImageDraw.Draw(clean)
    for i in range(20):  # bold values, as a form prints them
        draw.text((80, 120 + i * 70), "НИКОНОВА МАЙЯ ЕФИМОВНА 1234", fill=(20, 20, 20), font=_font(36), stroke_width=2,
                  stroke_fill=(20, 20, 20))
    pen = Image.new("L", clean.size, 0)
    loops = [(300 + 30 * k, 330 if k % 2 else 460) for k in range(14)]  # loops two lines tall over rows 3-4
    ImageDraw.Draw(pen).line(loops, fill=255, width=4)
    signed = _multiply(clean, pen, (40, 45, 95), 1.0)
    out = without_stamps(signed, TEXT_HEIGHT)
    assert out is not None
    result = np.asarray(out).astype(int)
    text = np.asarray(clean.convert("L")) < 100
    stroke = np.asarray(pen) > 200
    paper = np.median(np.asarray(clean.convert("L")))
    assert np.median(np.asarray(signed.convert("L"))[stroke & ~text]) < 100  # as dark as print before
    assert np.median(result[stroke & ~text]) > paper - 20
    assert np.median(result[text]) < 80 and np.median(result[text & stroke]) < 100


def _card() -> tuple[Image.Image, int]:
    """A SNILS-sized card scanned small (text about 20 pixels high) with rows of black text."""
    card = Image.new("RGB", (760, 490), PAPER)
    draw = ImageDraw.Draw(card)
    for i in range(9):
        draw.text((40, 30 + i * 50), f"Фамилия ИМЯ 035-422-886 46 {i}", fill=(20, 20, 20), font=_font(26))
    return card, 20


def test_a_seal_and_a_signature_joined_over_half_a_small_card_are_taken_off():
    """On a card scanned small, a seal and a signature crossing it make one patch over half the
    card: no frame (its ink lies through its box) and no print (its ink is saturated)."""
    card, text_height = _card()
    ink = Image.new("L", card.size, 0)
    draw = ImageDraw.Draw(ink)
    draw.rectangle((110, 110, 400, 330), outline=255, width=7)  # a square seal, skewed no matter
    draw.text((150, 200), "М.П. ОТДЕЛ", fill=255, font=_font(30))
    zigzag = [(360 + 22 * k, 60 if k % 2 else 190) for k in range(12)]  # the signature, from the seal's corner
    draw.line(zigzag, fill=255, width=4)
    stamped = _multiply(card, ink, (90, 95, 185), 0.85)
    patches = stamp_areas(stamped, text_height)
    assert patches and max(p.box[2] - p.box[0] for p in patches) > card.width / 2
    out = np.asarray(without_stamps(stamped, text_height)).astype(int)
    text = np.asarray(card.convert("L")) < 100
    pen = (np.asarray(ink) > 200) & ~text
    assert np.median(out[pen]) > np.median(np.asarray(stamped.convert("L"))[pen]) + 40
    assert np.median(out[text]) < 80


def test_a_frame_round_a_small_card_is_no_stamp():
    """A coloured frame round the card: one patch over half the card, its ink along its edges."""
    card, text_height = _card()
    frame = Image.new("L", card.size, 0)
    ImageDraw.Draw(frame).rectangle((8, 8, 751, 481), outline=255, width=6)
    framed = _multiply(card, frame, (90, 95, 185), 0.85)
    assert stamp_areas(framed, text_height) == []


def test_coloured_print_is_kept():
    """A red number and green labels: lines of text one letter high, not shaped like a seal."""
    page = _page(colour_lines=[(1550, (150, 25, 30)), (1620, (40, 110, 60))])
    assert stamp_areas(page, TEXT_HEIGHT) == []
    assert without_stamps(page, TEXT_HEIGHT) is None


def test_green_print_beside_a_blue_seal_is_kept():
    page = _page(colour_lines=[(560, (40, 110, 60)), (630, (40, 110, 60))])
    seal = _seal(page.size, (900, 600), 200)
    out = without_stamps(_multiply(page, seal, (45, 75, 190), 0.8), TEXT_HEIGHT)
    assert out is not None
    green = np.asarray(_page(colour_lines=[(560, (40, 110, 60)), (630, (40, 110, 60))]).convert("L")) < 120
    green &= ~(np.asarray(_page().convert("L")) < 120) & ~(np.asarray(seal) > 0)
    before = np.asarray(page.convert("L")).astype(int)
    assert np.median(np.asarray(out).astype(int)[green] - before[green]) < 15


def test_a_page_without_coloured_ink_is_read_as_it_is():
    page = _page()
    assert without_stamps(page, TEXT_HEIGHT) is None
    image, conditioning = condition_page(page, 300)
    assert not conditioning.stamps and image.mode == "L"
    assert np.array_equal(np.asarray(image), np.asarray(page.convert("L")))


def test_a_stamped_page_is_conditioned_in_grey_and_says_so():
    page = _multiply(_page(), _seal((1240, 1754), (500, 600), 220), (45, 75, 190), 0.8)
    image, conditioning = condition_page(page, 300)
    assert conditioning.stamps and not conditioning.identity and image.mode == "L"
    assert "stamps" in conditioning.describe()


def test_a_page_printed_in_blue_is_print_not_a_stamp():
    """A receipt printed in blue: its close lines bridge into patches a seal's size, but no
    piece of its ink is more than a letter across. Taking it off would leave the page blank."""
    page = Image.new("RGB", (700, 1400), (250, 250, 250))
    draw = ImageDraw.Draw(page)
    for block in range(5):  # blocks of close lines, as a receipt's head, items and totals are
        for line in range(4):
            draw.text((60, 60 + block * 260 + line * 36), f"TOTAL AMT ..... RM {line}0.31 ROUNDING",
                      fill=(70, 90, 190), font=_font(30))
    assert stamp_areas(page, TEXT_HEIGHT) == []
    assert without_stamps(page, TEXT_HEIGHT) is None



def test_blue_print_in_rows_a_line_high_is_told_from_a_seal():
    """A receipt's header printed in blue, which a faint tint behind it (ink showing through
    from another paper) joined into a patch a seal's size: its ink lies in bands a line high
    with blank rows between. A seal's rings run through all its rows; a signature's strokes
    through most."""
    header = Image.new("RGB", (600, 330), (250, 250, 250))
    draw = ImageDraw.Draw(header)
    for line in range(6):
        draw.text((20, 15 + line * 50), "KAWASAN PERINDUSTRIAN 43300", fill=(70, 90, 190), font=_font(30))
    assert _rows_of_print(np.asarray(header), TEXT_HEIGHT)
    assert not _rows_of_print(np.asarray(header.crop((0, 0, 600, 110))), TEXT_HEIGHT)  # two rows: too few to tell
    blank = Image.new("RGB", (440, 440), (250, 250, 250))
    seal = _multiply(blank, _seal(blank.size, (220, 220), 200), (45, 75, 190), 0.8)
    assert not _rows_of_print(np.asarray(seal), TEXT_HEIGHT)
    signature = Image.new("RGB", (440, 200), (250, 250, 250))
    ImageDraw.Draw(signature).line([(20, 150), (90, 30), (160, 170), (240, 40), (330, 160), (420, 60)],
                                   fill=(30, 40, 120), width=6)
    assert not _rows_of_print(np.asarray(signature), TEXT_HEIGHT)


def test_a_pens_circle_on_a_receipt_printed_in_blue_keeps_the_print_it_touches():
    """Round a pen's circle on a receipt printed in blue, the dark ink is mostly the print's:
    its letters touching the circle join the pen's stroke, and no stroke is taken off there."""
    import cv2

    receipt = Image.new("RGB", (900, 1400), PAPER)
    draw = ImageDraw.Draw(receipt)
    for i in range(18):
        draw.text((60, 80 + i * 70), f"ROUNDING ADJUSTMENT RM {i}.90", fill=(25, 35, 100), font=_font(36))
    pen = Image.new("L", receipt.size, 0)
    ImageDraw.Draw(pen).ellipse((300, 560, 560, 760), outline=255, width=4)
    result = _taken_off(receipt, pen, (40, 45, 95), 1.0)
    stroke = np.asarray(pen) > 0
    printed = (np.asarray(receipt.convert("L")) < 150) & ~stroke
    near = cv2.dilate(stroke.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # the print the circle touches
    rows = np.zeros_like(printed)
    rows[540:780] = True  # ... as dark as the same print in the circle's rows
    assert np.median(result[printed & near]) <= np.median(result[printed & rows & ~near]) + 10
