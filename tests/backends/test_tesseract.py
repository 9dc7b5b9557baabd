"""The Tesseract binding: engines loaded once per language, before workers fork."""

from __future__ import annotations

from obligations.backends import tesseract


def test_engines_load_once_per_language():
    backend = tesseract.TesseractBackend(lang="rus+eng")
    backend.check()
    backend.load_engines()
    apis = tesseract._engines.apis
    loaded = {lang for lang, _ in apis}
    assert {"rus+eng", "rus", "eng"} <= loaded
    assert all(api.GetBoolVariable("tessedit_do_invert") is False for api in apis.values())
    before = dict(apis)
    backend.load_engines()
    assert all(apis[key] is engine for key, engine in before.items())


def test_a_page_is_prepared_once_while_it_lives(monkeypatch):
    """The sparse second reading of a page whose field was not found reuses the first
    reading's flattened, deskewed page."""
    import gc

    from PIL import Image

    from obligations.backends import page_cleanup

    calls = []
    flatten = page_cleanup.flatten_background
    monkeypatch.setattr(page_cleanup, "flatten_background", lambda image: calls.append(1) or flatten(image))
    backend = tesseract.TesseractBackend(lang="rus+eng")
    page = Image.new("L", (400, 300), 255)
    first, _ = backend._prepared(page)
    again, _ = backend._prepared(page)
    assert again is first and len(calls) == 1
    backend._prepared(Image.new("L", (400, 300), 255))
    assert len(calls) == 2
    del page, first, again
    gc.collect()
    assert getattr(tesseract._engines, "prepared", None) is None  # gone with its page


def _blank_page(size: tuple[int, int]):
    """A light grey page, something to draw on it with, and a 44 px DejaVu font (skips without it)."""
    from pathlib import Path

    import pytest
    from PIL import Image, ImageDraw, ImageFont

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font_path.exists():
        pytest.skip("DejaVu fonts are not installed")
    page = Image.new("L", size, 252)
    return page, ImageDraw.Draw(page), ImageFont.truetype(str(font_path), 44)


def test_digits_in_boxes_between_rule_remnants_are_read_inked_in_page_coordinates():
    page, draw, font = _blank_page((1600, 900))
    left, top = 300, 500
    for i, digit in enumerate("610715049991"):
        x = left + 80 * i
        draw.rectangle((x + 6, top - 4, x + 40, top - 2), fill=165)  # what is left of the rules
        draw.rectangle((x + 30, top + 76, x + 70, top + 78), fill=165)
        draw.text((x + 28, top + 10), digit, font=font, fill=40)
    backend = tesseract.TesseractBackend(lang="rus+eng")
    region = (0, 450, 1600, 620)
    words = backend.read_inked(page, region, 300, "eng")
    assert "".join(w.text for w in words) == "610715049991"
    x0 = min(w.bbox[0] for w in words)
    y0, y1 = min(w.bbox[1] for w in words), max(w.bbox[3] for w in words)
    assert left + 20 <= x0 <= left + 40 and top <= y0 and y1 <= top + 70


def test_digits_a_box_apart_are_read_closed_up_and_boxed_where_they_are_printed():
    """Twelve digits 90 px apart: read as they are, a 7 came out 'FJ'."""
    page, draw, font = _blank_page((2000, 400))
    for i, digit in enumerate("243567187251"):
        draw.text((100 + 90 * i, 150), digit, font=font, fill=30)
    backend = tesseract.TesseractBackend(lang="rus+eng")
    words = backend.read_inked(page, (0, 100, 2000, 260), 300, "eng", close_up=True)
    assert "".join(w.text for w in words) == "243567187251"
    x0, x1 = min(w.bbox[0] for w in words), max(w.bbox[2] for w in words)
    assert 100 <= x0 <= 110 and 100 + 90 * 11 + 10 <= x1 <= 100 + 90 * 11 + 35
