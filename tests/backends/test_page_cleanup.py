"""The page clean-up before Tesseract: each step checked on synthetic pages, against the
straightforward computation it replaces where it is a faster form of one."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from obligations.backends.page_cleanup import (MIN_WALL, _box_row_walls, _long_runs, _max_filter, _otsu_threshold,
                                               _sharpest_angle, levelled_blocks,
                                               closed_up, estimate_skew, far_skew, flatten_background, only_ink, widened,
                                               turned, without_rules)


@pytest.mark.parametrize("shape", [(7, 7), (40, 31), (349, 253)])
def test_max_filter_equals_pils(shape):
    array = np.random.default_rng(sum(shape)).integers(0, 256, shape, dtype=np.uint8)
    expected = np.asarray(Image.fromarray(array).filter(ImageFilter.MaxFilter(7)))
    assert np.array_equal(_max_filter(array, 7), expected)


def test_otsu_splits_two_grey_levels():
    histogram = [0] * 256
    histogram[40], histogram[210] = 1000, 9000
    assert 40 <= _otsu_threshold(histogram) < 210
    assert _otsu_threshold([0] * 255 + [100]) == 0  # one level: no split


def test_long_runs_reports_only_runs_long_enough():
    mask = np.zeros((6, 50), dtype=bool)
    mask[1, 5:45] = True  # a rule
    mask[3, 0:10] = mask[3, 20:30] = True  # letters: many dark cells, no long run
    mask[5, 10:50] = True  # reaching the edge
    assert _long_runs(mask, 30) == [(1, 5, 45), (5, 10, 50)]
    assert _long_runs(np.zeros((4, 4), dtype=bool), 2) == []


def _text_page(angle: float = 0.0) -> Image.Image:
    """Lines of word-like dark blocks on white, turned by `angle` degrees."""
    page = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(page)
    for top in range(150, 1450, 60):
        x = 120
        while x < 1000:
            draw.rectangle((x, top, x + 70, top + 26), fill=20)
            x += 100
    return page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


@pytest.mark.parametrize("angle", [0.0, 1.75, -2.5, 4.0])
def test_skew_is_found_between_the_whole_degrees(angle):
    # estimate_skew gives the turn that levels the lines: the opposite of the one applied.
    assert estimate_skew(_text_page(angle)) == pytest.approx(-angle, abs=0.25)


def test_a_level_page_of_grey_print_with_specks_is_not_turned():
    """Grey print (a light scan) is lighter than the fixed ink level at quarter size: the few
    black specks left leaned a level page 3 degrees; Otsu's split finds its lines."""
    page = Image.new("L", (1600, 2200), 250)
    draw = ImageDraw.Draw(page)
    for top in range(200, 2000, 70):
        for x in range(150, 1400, 110):
            for stroke in range(x, x + 80, 10):
                draw.rectangle((stroke, top, stroke + 2, top + 30), fill=130)  # thin grey letters' stems
    rng = np.random.default_rng(7)
    for x, y in rng.integers(0, 1600, (40, 2)):
        draw.ellipse((x, y, x + 6, y + 6), fill=0)  # specks
    assert estimate_skew(page) == 0.0
    assert estimate_skew(page.rotate(2.0, resample=Image.Resampling.BILINEAR, fillcolor=250)) == pytest.approx(-2.0, abs=0.25)


@pytest.mark.parametrize("angle", [1.75, -3.0])
def test_turned_is_pils_turn(angle):
    page = _text_page()
    expected = np.asarray(page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)).astype(int)
    got = np.asarray(turned(page, angle)).astype(int)
    # The same turn about the same centre: pixels differ by rounding alone, none by a stroke's shift.
    assert np.abs(got - expected).max() <= 40 and np.abs(got - expected).mean() < 1
    assert estimate_skew(turned(page, angle)) == pytest.approx(-angle, abs=0.25)


def test_rules_are_painted_out_and_text_kept():
    page = Image.new("L", (1000, 800), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 400, 900, 403), fill=0)  # an underline
    draw.rectangle((50, 100, 53, 700), fill=0)  # a table border
    draw.rectangle((300, 360, 330, 398), fill=0)  # a letter above the underline
    cleaned = np.asarray(without_rules(page))
    assert cleaned[401, 100:900].min() > 200 and cleaned[100:700, 51].min() > 200
    assert cleaned[370:395, 305:325].max() == 0


def test_a_scanned_rule_grey_with_blurred_edges_goes_whole():
    page = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((100, 101, 900, 102), fill=140)  # a thin rule, grey after scanning
    draw.rectangle((50, 50, 50, 350), fill=200)  # a table border's blurred edges
    draw.rectangle((51, 50, 52, 350), fill=140)
    draw.rectangle((53, 50, 53, 350), fill=200)
    draw.rectangle((300, 200, 330, 260), fill=0)  # a letter
    cleaned = np.asarray(without_rules(page))
    assert cleaned[99:105, 100:901].min() >= 200 and cleaned[50:351, 49:55].min() >= 200
    assert cleaned[205:255, 305:325].max() == 0


def test_walls_of_boxes_for_single_digits_are_painted_out_and_the_digits_kept():
    """An INN printed one digit per box: the short walls run from the top rule to the bottom
    one; a digit's stroke, and a letter standing on an underline, touch one rule at most."""
    page = Image.new("L", (1400, 600), 255)
    draw = ImageDraw.Draw(page)
    top, bottom = 200, 260
    draw.rectangle((100, top, 1300, top + 2), fill=0)
    draw.rectangle((100, bottom - 2, 1300, bottom), fill=0)
    for x in range(100, 1301, 100):
        draw.rectangle((x, top, x + 2, bottom), fill=0)  # a wall, 60 px: far shorter than a rule
    for x in range(140, 1300, 100):
        draw.rectangle((x, top + 12, x + 4, bottom - 12), fill=0)  # a '1' in each box
    draw.rectangle((100, 500, 1300, 502), fill=0)  # an underline
    draw.rectangle((400, 450, 404, 500), fill=0)  # a letter's stroke standing on it
    cleaned = np.asarray(without_rules(page))
    assert cleaned[top:bottom + 1, 100:1303].min() < 128  # the digits are still there
    for x in range(100, 1301, 100):
        assert cleaned[top:bottom + 1, x:x + 3].min() > 200, x
    for x in range(140, 1300, 100):
        assert cleaned[top + 14:bottom - 14, x:x + 5].max() == 0, x
    assert cleaned[455:495, 400:405].max() == 0


def _boxes_with_grey_rules(walls: int = 13, box: int = 54, wall_width: int = 2, digits: bool = True) -> Image.Image:
    """A row of boxes as a blurred low-resolution scan prints it: the rules light grey (lighter
    than RULE_GREY, so not found), the walls dark, a '1' in each box."""
    page = Image.new("L", (1000, 300), 255)
    draw = ImageDraw.Draw(page)
    top, bottom, left = 100, 160, 100
    right = left + box * (walls - 1)
    draw.rectangle((left, top, right, top + 1), fill=195)
    draw.rectangle((left, bottom - 1, right, bottom), fill=195)
    for i in range(walls):
        x = left + box * i
        draw.rectangle((x, top, x + wall_width - 1, bottom), fill=80)
        if digits and i < walls - 1:
            draw.rectangle((x + 25, top + 12, x + 28, bottom - 12), fill=30)
    return page


def _strokes(page: Image.Image) -> list[tuple[int, int, int]]:
    """The page's vertical dark runs as tall as a box for one character, as without_rules finds them."""
    return _long_runs(np.asarray(page.transpose(Image.Transpose.TRANSPOSE)) <= 150, MIN_WALL)


def test_walls_of_boxes_whose_rules_are_too_grey_to_find_are_painted_out():
    page = _boxes_with_grey_rules()
    walls = {col for col, _, _ in _box_row_walls(_strokes(page))}
    assert walls == {x + d for x in range(100, 100 + 54 * 13, 54) for d in (0, 1)}
    cleaned = np.asarray(without_rules(page))
    for x in range(100, 100 + 54 * 13, 54):
        assert cleaned[100:161, x:x + 2].min() > 150, x
    for x in range(125, 100 + 54 * 12, 54):
        assert cleaned[114:146, x:x + 4].max() == 30, x  # the digits stay


def _light_box_row(draw: ImageDraw.ImageDraw, top: int, left: int, box: int, boxes: int = 12) -> None:
    """A row of boxes drawn in a light grey hairline beside grey '1's, its end walls broken
    every 16 px by specks (no run of them is a box tall)."""
    bottom = top + 65
    draw.rectangle((left, top, left + box * boxes, top), fill=160)
    draw.rectangle((left, bottom, left + box * boxes, bottom), fill=160)
    for i in range(boxes + 1):
        x = left + box * i
        draw.rectangle((x, top, x, bottom), fill=150 + 6 * (i % 2))  # anti-aliased, about the rule level
        draw.rectangle((x + 1, top, x + 1, bottom), fill=200)
        if i in (0, boxes):
            for y in range(top + 8, bottom, 16):
                draw.rectangle((x, y, x + 1, y + 1), fill=250)
        if i < boxes:
            draw.rectangle((x + 25, top + 15, x + 29, bottom - 15), fill=120)


def _assert_light_box_row_cleaned(cleaned: np.ndarray, top: int, left: int, box: int, boxes: int = 12) -> None:
    bottom = top + 65
    for i in range(boxes + 1):
        x = left + box * i
        assert cleaned[top + 3:bottom - 2, x - 1:x + 3].min() > 200, (top, i)
    for i in range(boxes):
        x = left + box * i + 25
        assert cleaned[top + 17:bottom - 17, x:x + 5].max() == 120, (top, i)  # the digits stay


def test_walls_of_boxes_as_light_as_grey_print_are_painted_out_whole():
    """Boxes drawn in a light grey hairline beside grey digits: the walls' pixels straddle the
    rule level (145-155), so they break up there. Taken at a lighter level, a pixel wider
    either side; the row's end walls, broken by specks into runs too short to find, by the
    row's spacing."""
    page = Image.new("L", (1000, 300), 250)
    _light_box_row(ImageDraw.Draw(page), 100, 100, 55)
    _assert_light_box_row_cleaned(np.asarray(without_rules(page)), 100, 100, 55)


def test_two_rows_of_light_boxes_each_find_their_end_walls_by_their_own_spacing():
    """An INN's row of 12 boxes over a KPP's of 9, each box a width of its own: each row's end
    walls are where its own spacing puts them."""
    page = Image.new("L", (1000, 500), 250)
    draw = ImageDraw.Draw(page)
    _light_box_row(draw, 100, 100, 55)
    _light_box_row(draw, 300, 160, 62, boxes=10)
    cleaned = np.asarray(without_rules(page))
    _assert_light_box_row_cleaned(cleaned, 100, 100, 55)
    _assert_light_box_row_cleaned(cleaned, 300, 160, 62, boxes=10)


@pytest.mark.parametrize("page", [
    _boxes_with_grey_rules(walls=8),  # too few boxes to tell from letters' stems
    _boxes_with_grey_rules(wall_width=9, digits=False),  # strokes thicker than an eighth of their height: bold stems
], ids=["few", "thick"])
def test_level_strokes_that_are_no_row_of_boxes_are_kept(page):
    assert _box_row_walls(_strokes(page)) == []


def test_stems_of_letters_are_not_walls_though_level():
    page = Image.new("L", (1000, 300), 255)
    draw = ImageDraw.Draw(page)
    x = 100
    for _ in range(8):  # 'ППП...': two stems a letter, a wider gap between letters
        for stem in (x, x + 20):
            draw.rectangle((stem, 100, stem + 1, 140), fill=20)
        x += 34
    assert _box_row_walls(_strokes(page)) == []


def test_only_ink_makes_greys_lighter_than_half_way_to_the_ink_paper():
    page = Image.new("L", (100, 100), 250)
    ImageDraw.Draw(page).rectangle((10, 10, 40, 40), fill=20)  # ink
    ImageDraw.Draw(page).rectangle((50, 50, 90, 52), fill=160)  # what is left of a rule
    ImageDraw.Draw(page).rectangle((50, 70, 90, 72), fill=120)  # a grey stroke, darker than half way
    inked = np.asarray(only_ink(page))
    assert inked[10:41, 10:41].max() == 20
    assert inked[50:53, 50:91].min() == 255 and inked[0, 0] == 255
    assert inked[70:73, 50:91].max() == 120


def test_flatten_whitens_a_tinted_card_and_leaves_even_paper_alone():
    even = Image.new("L", (800, 600), 240)
    assert flatten_background(even) is even
    page = Image.new("L", (800, 600), 250)
    ImageDraw.Draw(page).rectangle((200, 150, 700, 500), fill=170)  # a tinted card
    ImageDraw.Draw(page).rectangle((300, 300, 310, 330), fill=40)  # a letter on it
    flat = np.asarray(flatten_background(page))
    assert flat[200:250, 400:600].min() >= 250  # the card's tint is gone
    assert flat[305:325, 302:308].max() < 100  # the letter stays dark


def test_wide_gaps_are_closed_up_line_by_line_and_boxes_read_there_put_back():
    page = Image.new("L", (1200, 200), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((10, 20, 49, 59), fill=0)  # a line of marks 40 high, 100 apart
    for i in range(1, 5):
        draw.rectangle((100 * i, 20, 100 * i + 19, 59), fill=0)
    draw.rectangle((30, 120, 59, 159), fill=0)  # a second line, its marks 3 apart
    draw.rectangle((63, 120, 79, 159), fill=0)
    closed, pieces, lines = closed_up(page)
    ink = np.asarray(closed) < 128
    assert lines == [(20, 60), (120, 160)]
    columns = np.flatnonzero(ink[20:60].any(axis=0))
    assert columns[0] == 10 and columns[-1] == 10 + 40 + 4 * 20 + 4 * 20 - 1  # gaps now half the line's height
    assert np.array_equal(ink[120:160], np.asarray(page)[120:160] < 128)  # narrow gaps stay
    # The third mark's box on the closed-up page is where the third mark was.
    third = (10 + 40 + 20 + 20 + 20, 25, 10 + 40 + 20 + 20 + 20 + 20, 55)
    assert widened(third, pieces, lines) == (200, 25, 220, 55)
    assert widened((30, 125, 80, 155), pieces, lines) == (30, 125, 80, 155)


def test_closing_up_a_blank_image_leaves_it_as_it_is():
    blank = Image.new("L", (50, 50), 255)
    assert closed_up(blank) == (blank, [], [])


@pytest.mark.parametrize("grey, drop", [(170, 0), (60, 24)])
def test_a_faint_or_slanted_rule_goes_and_the_letters_standing_on_it_stay(grey, drop):
    """A hairline lighter than a rule's usual grey, or one running a degree off level (no row
    holds it for long), under a value whose letters touch it."""
    page = Image.new("L", (2400, 1600), 250)
    draw = ImageDraw.Draw(page)
    draw.line([(200, 800), (1800, 800 - drop)], fill=grey, width=2)
    stem_x = 900
    stem_bottom = 800 - drop * (stem_x - 200) // 1600
    draw.rectangle([stem_x, stem_bottom - 60, stem_x + 8, stem_bottom], fill=30)  # a letter's stem on the rule
    cleaned = np.asarray(without_rules(page))
    line = [(x, 800 - drop * (x - 200) // 1600) for x in range(300, 1700, 50) if abs(x - stem_x) > 20]
    assert all(cleaned[y - 2:y + 3, x].min() > 215 for x, y in line)
    assert cleaned[stem_bottom - 55:stem_bottom - 5, stem_x + 2:stem_x + 6].max() < 100  # the letter is kept


def _block_of_lines(angle: float, size: tuple[int, int] = (1200, 460)) -> Image.Image:
    """Lines of word-like dark blocks (30 px tall, 46 px apart) turned by `angle` degrees."""
    block = Image.new("L", size, 255)
    draw = ImageDraw.Draw(block)
    for top in range(60, size[1] - 80, 46):
        for x in range(100, size[0] - 150, 100):
            draw.rectangle((x, top, x + 70, top + 30), fill=20)
    return block.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


def _two_blocks(upper: float, lower: float = 0.0) -> Image.Image:
    """A page of two blocks of lines a blank band apart, each turned by its own angle."""
    page = Image.new("L", (1200, 1200), 255)
    page.paste(_block_of_lines(upper), (0, 60))
    page.paste(_block_of_lines(lower), (0, 680))
    return page


@pytest.mark.parametrize("angle", [2.5, -3.0])
def test_a_block_turned_on_its_own_is_levelled_and_the_rest_left(angle):
    page = _two_blocks(angle)
    levelled, bands = levelled_blocks(page)
    assert len(bands) == 1
    band = bands[0]
    assert band.angle == pytest.approx(-angle, abs=0.25)
    assert band.top <= 60 + 40 and band.bottom >= 60 + 420 and band.bottom <= 680 + 40
    upper = levelled.crop((0, band.top, 1200, band.bottom))
    assert _sharpest_angle(np.asarray(upper) < 128, 5.0, 0.25)[0] == 0.0
    # The level block is not touched.
    assert np.array_equal(np.asarray(levelled)[band.bottom:], np.asarray(page)[band.bottom:])


@pytest.mark.parametrize("angle", [0.0, 0.75])
def test_blocks_as_level_as_the_page_are_left_as_they_are(angle):
    page = _two_blocks(angle, -angle)
    levelled, bands = levelled_blocks(page)
    assert bands == [] and levelled is page


def test_a_blank_page_has_no_blocks():
    page = Image.new("L", (600, 400), 255)
    assert levelled_blocks(page) == (page, [])


def test_a_frame_with_specks_along_it_is_no_block_of_text():
    """A card's edge (a thick grey frame at an angle, specks by it) under a level block of
    lines: it has no letters, and is not turned."""
    page = _two_blocks(0.0)
    frame = Image.new("L", (1200, 110), 255)
    draw = ImageDraw.Draw(frame)
    draw.rectangle((40, 20, 1160, 90), outline=120, width=12)
    rng = np.random.default_rng(3)
    specks = np.asarray(frame).copy()
    for y, x in zip(rng.integers(0, 110, 60), rng.integers(0, 1200, 60)):
        specks[y:y + 2, x:x + 2] = 40
    page.paste(Image.fromarray(specks).rotate(2.5, fillcolor=255), (0, 550))
    assert levelled_blocks(page)[1] == []


def test_the_corners_a_band_turns_in_are_its_paper():
    """On a grey page the band turned level shows no white wedges at its ends."""
    page = Image.fromarray(np.minimum(np.asarray(_two_blocks(3.0)), 200).astype(np.uint8))
    levelled, bands = levelled_blocks(page)
    assert len(bands) == 1
    assert np.asarray(levelled)[bands[0].top:bands[0].bottom].max() <= 200


@pytest.mark.parametrize("angle", [7.0, -9.0, 11.5, -14.0, 22.0, -27.0])
def test_a_page_laid_far_askew_is_found(angle):
    """7 to 27 degrees: beyond the search round level, its lines are found by the wider one
    (by whole degrees to 15, by two beyond, then refined)."""
    assert far_skew(_text_page(angle)) == pytest.approx(-angle, abs=0.25)


@pytest.mark.parametrize("angle", [0.0, 3.0, -4.5])
def test_a_page_within_five_degrees_is_not_far_askew(angle):
    """Nor is a level page whose other structure (a column of short bars) might lean it."""
    page = _text_page(angle)
    draw = ImageDraw.Draw(page)
    for top in range(100, 1500, 40):
        draw.rectangle((1050, top, 1150, top + 8), fill=20)
    assert far_skew(page) is None
