"""Page conditioning (obligations.reading.condition): each step asserted on the property it
measures or changes, on generated pages."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from obligations.reading.condition import (Conditioning, apply, condition_page, denoised, despeckled, destreaked, measure,
                                           plan)
from obligations.synth import render_clean


@pytest.fixture(scope="module")
def page() -> Image.Image:
    """A clean 300-dpi passport render, grey."""
    return render_clean("passport", seed=3)[0].convert("L")


@pytest.mark.parametrize("dpi", [75, 100, 150, 200])
def test_text_height_follows_the_resolution_within_15_percent(page, dpi):
    full = measure(page).text_height
    small = page.resize((page.width * dpi // 300, page.height * dpi // 300), Image.Resampling.BOX)
    measured = measure(small).text_height
    assert full is not None and measured is not None
    assert measured / full == pytest.approx(dpi / 300, rel=0.15)


def test_a_tinted_card_scanned_small_on_a_white_page_has_its_text_measured():
    """A SNILS card on an A4 scan: the page's darkest hundredth is the card's tint,
    and tint and print had measured as one block (no text: not scaled up, read upside down)."""
    card = render_clean("snils", seed=3)[0].convert("L")
    tinted = Image.fromarray(np.minimum(np.asarray(card), 205).astype(np.uint8))  # a green card, grey
    a4 = Image.new("L", (2480, 3508), 252)
    a4.paste(tinted.resize((tinted.width * 44 // 100, tinted.height * 44 // 100), Image.Resampling.BOX), (200, 150))
    scan = a4.resize((a4.width * 2 // 3, a4.height * 2 // 3), Image.Resampling.BOX)  # 200 dpi
    measured = measure(scan).text_height
    assert measured is not None
    assert measured == pytest.approx(measure(card).text_height * 0.44 * 2 / 3, rel=0.15)


def test_a_clean_page_is_read_as_it_is(page):
    conditioning = plan(measure(page), page.size, 300)
    assert conditioning.identity and apply(page, conditioning) is page


def test_a_low_resolution_page_is_brought_to_the_text_size_of_a_300_dpi_page(page):
    small = page.resize((page.width // 3, page.height // 3), Image.Resampling.BOX)
    conditioning = plan(measure(small), small.size, 100)
    assert conditioning.scale == pytest.approx(3, rel=0.2)
    conditioned = apply(small, conditioning)
    assert measure(conditioned).text_height == pytest.approx(measure(page).text_height, rel=0.2)
    assert conditioning.dpi == round(100 * conditioning.scale)


def _specked(image: Image.Image, count: int, seed: int = 0) -> tuple[Image.Image, list[tuple[int, int]]]:
    """`image` with single dark pixels on blank paper, far from any ink."""
    rng = random.Random(seed)
    pixels = np.asarray(image).copy()
    ink = pixels < 128
    placed = []
    while len(placed) < count:
        x, y = rng.randrange(5, image.width - 5), rng.randrange(5, image.height - 5)
        if not ink[y - 5:y + 6, x - 5:x + 6].any():
            pixels[y, x] = 20
            placed.append((x, y))
    return Image.fromarray(pixels), placed


def test_specks_are_removed_and_the_ink_of_text_kept(page):
    specked, specks = _specked(page, 5000)
    found = measure(specked)
    assert found.specks_per_mpx >= measure(page).specks_per_mpx + 300
    assert plan(found, specked.size, 300).despeckle
    cleaned = np.asarray(despeckled(specked, found.text_height))
    # (Specks on a grey picture are part of it: kept.)
    assert sum(cleaned[y, x] < 128 for x, y in specks) <= 0.05 * len(specks)
    text = np.asarray(page) < 128
    # Full stops, the dots over letters, thin strokes: the text's ink is kept.
    assert np.count_nonzero(cleaned[text] < 128) >= 0.995 * np.count_nonzero(text)


def test_a_dot_beside_a_word_is_punctuation_not_a_speck():
    image = Image.new("L", (300, 80), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 30, 80, 50), fill=0)  # a word, 20 px tall
    draw.rectangle((83, 47, 85, 49), fill=0)  # its full stop
    draw.rectangle((150, 40, 152, 42), fill=0)  # a speck as large, far from the word
    draw.point((90, 40), fill=0)  # a speck too small to be any mark of this text
    cleaned = np.asarray(despeckled(image, 20))
    assert cleaned[48, 84] == 0
    assert cleaned[41, 151] == 255 and cleaned[40, 90] == 255


def test_dust_blots_thicker_than_the_text_are_removed_and_its_full_stops_kept(page):
    """Round blots of dust (7-9 px in radius beside text 34 px tall whose strokes are 2-3 px in half-width)
    read into the letters they touch: taken off, where the text's own full stops and the
    dots over its letters are kept."""
    height = measure(page).text_height
    pixels = np.asarray(page).copy()
    ink = pixels < 128
    rng = random.Random(1)
    blotted = Image.fromarray(pixels)
    draw = ImageDraw.Draw(blotted)
    blots = []
    while len(blots) < 60:  # on paper, apart from each other (not on the photo's grey)
        x, y = rng.randrange(20, page.width - 20), rng.randrange(20, page.height - 20)
        if (pixels[y - 12:y + 13, x - 12:x + 13] > 200).all() and all(abs(x - u) + abs(y - v) > 30 for u, v in blots):
            r = rng.choice((7, 8, 9))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=30)
            blots.append((x, y))
    cleaned = np.asarray(despeckled(blotted, height))
    assert sum(cleaned[y, x] < 128 for x, y in blots) <= 0.05 * len(blots)
    assert np.count_nonzero(cleaned[ink] < 128) >= 0.995 * np.count_nonzero(ink)
    # A bold full stop (a fifth of the text's height) is no blot, however thick for the page.
    stop = Image.fromarray(pixels)
    ImageDraw.Draw(stop).ellipse((400, 400, 410, 410), fill=30)
    assert np.asarray(despeckled(stop, height))[405, 405] < 128


def test_a_dust_blot_on_a_grey_letters_stroke_is_kept_with_the_stroke():
    """A blot on the corner of a grey 'Г' (its print lighter than the blot): painting the blot
    paper would cut the letter's corner off ('Галина' read 'Талина')."""
    image = Image.new("L", (400, 200), 235)
    draw = ImageDraw.Draw(image)
    for x in range(40, 360, 40):  # letters' strokes, 30 px tall: black ones, and faint grey ones
        draw.rectangle((x, 20, x + 4, 50), fill=30)
        draw.rectangle((x, 80, x + 4, 110), fill=190)
    draw.ellipse((37, 72, 49, 84), fill=20)  # a blot on the first grey stroke's top
    draw.ellipse((200, 150, 212, 162), fill=20)  # and one alone
    cleaned = np.asarray(despeckled(image, 30))
    assert cleaned[78, 43] < 100 and cleaned[156, 206] > 200


def test_boxes_on_the_conditioned_image_map_back_onto_the_page():
    conditioning = Conditioning((1000, 700), 100, scale=2.5)
    assert conditioning.to_page((250, 500, 1000, 750)) == (100, 200, 400, 300)
    assert conditioning.to_page((251, 501, 999, 749)) == (100, 200, 400, 300)
    assert Conditioning((10, 10), None).to_page((1, 2, 3, 4)) == (1, 2, 3, 4)


def test_boxes_on_a_photographed_page_warped_flat_map_back_onto_the_photo():
    """The document lies at (100, 50)-(500, 350) of the photo, square to it: warped flat and
    upscaled x2, a box read at (20, 20)-(100, 60) lies at (110, 60)-(150, 80) of the photo."""
    corners = ((100.0, 50.0), (500.0, 50.0), (500.0, 350.0), (100.0, 350.0))
    conditioning = Conditioning((600, 400), 72, scale=2.0, corners=corners)
    assert not conditioning.identity
    x0, y0, x1, y1 = conditioning.to_page((20, 20, 100, 60))
    assert abs(x0 - 110) <= 1 and abs(y0 - 60) <= 1 and abs(x1 - 150) <= 1 and abs(y1 - 80) <= 1
    photo = Image.new("L", (600, 400), 90)
    photo.paste(255, (100, 50, 500, 350))
    assert apply(photo, conditioning).size == (800, 600)


def test_a_measurement_implausibly_small_for_the_page_rescales_nothing():
    """'Text' of 6 px on a 300 dpi A4 page is a background's pattern, not print to magnify."""
    from obligations.reading.condition import Measurement

    pattern = Measurement(text_height=6.0, specks_per_mpx=0.0, contrast=150, paper=230, components=900)
    assert plan(pattern, (2480, 3508), 300).scale == 1.0
    assert plan(pattern, (600, 850), 72).scale > 1  # the same text on a 72 dpi page is small print


def test_a_faxed_page_s_dither_is_blurred_back_to_grey_and_its_tint_made_paper(page):
    """A fax sends a tinted background and grey print as dots: the tint becomes paper again,
    the text (black, and grey print turned to dots) stays ink."""
    pixels = np.asarray(page).astype(float)
    text = pixels < 128
    tinted = np.where(text, pixels, 215.0)  # a light grey table background under the text
    grey_print = np.zeros_like(text)
    grey_print[:, : page.width // 2] = True  # the left half printed in grey, as labels are
    tinted[text & grey_print] = 100.0
    faxed = Image.fromarray(tinted.astype(np.uint8)).convert("1").convert("L")  # Floyd-Steinberg
    found = measure(faxed)
    conditioning = plan(found, faxed.size, 200)
    assert conditioning.descreen and not conditioning.despeckle
    cleaned = np.asarray(apply(faxed, conditioning))
    background = ~(np.asarray(Image.fromarray(text).filter(ImageFilter.MaxFilter(7))))
    assert np.count_nonzero(np.asarray(faxed)[background] < 128) > 0.1 * np.count_nonzero(background)
    assert np.count_nonzero(cleaned[background] < 200) < 0.01 * np.count_nonzero(background)
    for part in (text & ~grey_print, text & grey_print):
        assert np.count_nonzero(cleaned[part] < 200) >= 0.8 * np.count_nonzero(part)


@pytest.mark.parametrize("pitch", [10, 14])
def test_a_dithered_guilloche_joined_into_small_strokes_is_not_measured_as_the_text(pitch):
    """A passport's wavy background lines sent as dots join into strokes a third of the text's
    height, more of them than letters: measured blurred back to grey, the text is its own
    height (within 15 %) and the page is dithered."""
    from PIL import ImageFont

    def page(background: bool) -> Image.Image:
        image = Image.new("L", (1600, 1200), 255)
        draw = ImageDraw.Draw(image)
        if background:
            for k in range(-40, 120):
                draw.line([(x, k * pitch + 12 * np.sin(x / 40.0)) for x in range(0, 1600, 8)], fill=140, width=3)
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 24)
        for i in range(14):
            draw.text((120, 80 + i * 75), f"МАКСИМОВ АРТЕМ МАРАТОВИЧ {i}", fill=0, font=font)
        return image.convert("1").convert("L")  # Floyd-Steinberg, as a fax sends it

    true_height = measure(page(False)).text_height
    found = measure(page(True))
    assert found.dithered and abs(found.text_height - true_height) <= 0.15 * true_height
    assert plan(found, (1600, 1200), 200).descreen
    assert not measure(page(False)).dithered


def _grainy(page: Image.Image, sigma: float, seed: int = 0) -> Image.Image:
    """`page` at 120 dpi, dim (print at 100 on paper at 180) and grainy (a cheap scanner's or
    a camera's noise of `sigma` grey levels)."""
    small = np.asarray(page.resize((page.width * 2 // 5, page.height * 2 // 5), Image.Resampling.BOX), dtype=float)
    dim = 100 + small / 255 * 80
    noisy = dim + np.random.default_rng(seed).normal(0, sigma, dim.shape)
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8))


def test_a_grainy_page_is_denoised_and_its_print_kept(page):
    grainy = _grainy(page, 12)
    found = measure(grainy)
    conditioning = plan(found, grainy.size, 120)
    assert conditioning.denoise and "grain smoothed" in conditioning.describe()
    smoothed = denoised(grainy)
    assert measure(smoothed).grain < found.grain / 3
    # The print stays darker than half way to the paper where it was printed.
    small = np.asarray(page.resize(grainy.size, Image.Resampling.BOX))
    text = small < 100
    assert np.count_nonzero(np.asarray(smoothed)[text] < 140) >= 0.9 * np.count_nonzero(text)


def test_clean_low_resolution_and_speckled_pages_are_not_denoised(page):
    small = page.resize((page.width // 3, page.height // 3), Image.Resampling.BOX)
    specked, _ = _specked(page, 5000)
    for image in (page, small, specked, _grainy(page, 1.5)):
        assert not plan(measure(image), image.size, 300).denoise


def test_a_dithered_page_s_strokes_are_made_dark_again_after_it_is_blurred(page):
    """Blurred back to grey and scaled up, a faxed page's small print is mostly the grey of its
    strokes' edges, and a threshold over a histogram that is mostly paper (Otsu's, Tesseract's
    own) fell among them (a dithered 540-px SNILS card read only its right column). Its greys
    are spread apart again: the strokes' cores are black, as printed."""
    small = page.resize((page.width // 3, page.height // 3), Image.Resampling.BOX)
    pixels = np.asarray(small).astype(float)
    tinted = np.where(pixels < 128, pixels, 225.0)  # a light grey background, sent as dots
    faxed = Image.fromarray(tinted.astype(np.uint8)).convert("1").convert("L")
    conditioning = plan(measure(faxed), faxed.size, 100)
    assert conditioning.descreen and conditioning.scale > 2
    conditioned = np.asarray(apply(faxed, conditioning))
    inked = np.count_nonzero(conditioned < 250)
    assert np.count_nonzero(conditioned < 64) >= 0.3 * inked


def test_a_page_scanned_far_askew_is_turned_level_and_its_boxes_map_back():
    """Lines 11 degrees off level: the page is warped level (every later reading of a region
    or an edge strip is of level lines), and a box on it maps back round the same ink."""
    page = Image.new("L", (1200, 1600), 255)
    draw = ImageDraw.Draw(page)
    for top in range(150, 1450, 60):
        for x in range(120, 1000, 100):
            draw.rectangle((x, top, x + 70, top + 26), fill=20)
    askew = page.rotate(11, expand=True, resample=Image.Resampling.BILINEAR, fillcolor=255)
    image, conditioning = condition_page(askew, 300)
    assert conditioning.levelled == pytest.approx(-11.0, abs=0.25) and conditioning.corners is not None
    assert "level" in conditioning.describe()
    # The first row of blocks lies level on the conditioned image: one row holds its ink.
    ink = np.asarray(image) < 128
    rows = np.flatnonzero(ink.sum(axis=1) > 0.5 * ink.sum(axis=1).max())
    assert rows.max() - rows.min() > 1000 and (np.diff(rows) > 1).sum() >= 20  # 22 separate bands
    ys, xs = np.nonzero(ink)
    on_page = conditioning.to_page((int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())))
    ys, xs = np.nonzero(np.asarray(askew) < 128)
    assert max(abs(a - b) for a, b in zip(on_page, (xs.min(), ys.min(), xs.max(), ys.max()))) <= 8
    level = condition_page(page, 300)[1]
    assert level.levelled is None and level.corners is None


def test_a_streak_down_a_faxed_page_is_painted_paper_and_the_text_it_crosses_kept(page):
    """A fax's dusty sensor draws a two-pixel line down the page in dashes, across the text:
    measured, it is taken off; the text's ink beside it is kept."""
    streaked = np.asarray(page).copy()
    column = page.width // 3
    for top in range(0, page.height, 60):
        streaked[top:top + 45, column:column + 2] = 0
    found = measure(Image.fromarray(streaked))
    assert found.streaks >= 1 and not measure(page).streaks
    assert plan(found, page.size, 300).destreak and not plan(measure(page), page.size, 300).destreak
    cleaned = np.asarray(destreaked(Image.fromarray(streaked)))
    # Where it runs alone (paper either side of it on the page as drawn), it is gone.
    drawn = np.asarray(page)
    alone = (drawn[:, column - 2] >= 128) & (drawn[:, column + 3] >= 128)
    assert np.count_nonzero(cleaned[alone, column:column + 2] < 128) <= 0.01 * np.count_nonzero(alone)
    text = np.asarray(page) < 128
    text[:, column - 1:column + 3] = False
    assert np.count_nonzero(cleaned[text] < 128) >= 0.999 * np.count_nonzero(text)
