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


def test_russian_lines_on_an_english_page_keep_their_reading(monkeypatch):
    """An English page holding a Russian name and address: the words read Cyrillic there are
    Russian, and are not read again in English ('Иванов' read so is 'UBaHos', 'за' '3a')."""
    page, draw, font = _blank_page((1500, 760))
    lines = ["ACME TRADING SDN BHD", "NO. 12, JALAN BESAR, 45600 KLANG", "Customer: Иванов Пётр Сергеевич",
             "PENCIL 2B 3 1.20 3.60", "Доставка: Москва, ул. Ленина 5", "TOTAL RM 12.60", "Спасибо за покупку",
             "Thank you, please come again"]
    for i, line in enumerate(lines):
        draw.text((60, 40 + 85 * i), line, font=font, fill=20)
    words, _ = tesseract.TesseractBackend(lang="rus+eng").read(page, 300)
    text = " ".join(w.text for w in words).split()
    assert {"Иванов", "Сергеевич", "Москва,", "ул.", "Ленина"} <= set(text), text
    monkeypatch.setattr(tesseract, "REREAD_LATIN", False)
    assert [w.text for w in tesseract.TesseractBackend(lang="rus+eng").read(page, 300)[0]] == text


def _fake_reading(monkeypatch, page_words, line_words):
    """A backend whose whole-page reading gives `page_words` and whose English line readings
    give those of `line_words` over the line asked for; the boxes of lines read are noted."""
    from PIL import Image

    from obligations.backends.base import Word

    asked = []

    def ocr(self, image, psm, dpi, lang=None, whole_page=True, region=None, **_):
        if region is None:
            return [Word(t, b, c, l) for t, b, c, l in page_words]
        asked.append((lang, psm, region))
        return [Word(t, b, c, 0) for t, b, c in line_words if region[1] <= (b[1] + b[3]) / 2 <= region[3]]

    monkeypatch.setattr(tesseract.TesseractBackend, "_ocr", ocr)
    return tesseract.TesseractBackend(lang="rus+eng"), Image.new("L", (1000, 1000), 255), asked


def test_cyrillic_lookalikes_on_a_latin_page_are_read_again_in_english(monkeypatch):
    latin = [(f"WORD{i}", (10, 500 + 40 * i, 90, 530 + 40 * i), 95.0, 10 + i) for i in range(10)]
    page_words = latin + [
        ("РЕКМАСААМ", (100, 100, 300, 130), 90.0, 1), ("ZHENG", (310, 100, 400, 130), 95.0, 1),
        ("НОМЕ", (100, 200, 200, 230), 89.0, 2), ("MASTER", (210, 200, 330, 230), 95.0, 2),
        ("ЗЕТАРАК,", (100, 300, 260, 330), 93.0, 3), ("А", (270, 300, 290, 330), 90.0, 3),
    ]
    line_words = [
        ("PERNIAGAAN", (101, 100, 299, 130), 86.0), ("ZHENG", (310, 100, 400, 130), 96.0),
        ("HOniE", (100, 200, 200, 230), 65.0), ("MASTER", (210, 200, 330, 230), 95.0),  # less sure: kept
        ("SETAPAK,", (100, 300, 260, 330), 70.0), ("4", (270, 300, 290, 330), 99.0),
    ]
    backend, image, asked = _fake_reading(monkeypatch, page_words, line_words)
    words, rotation = backend.read(image, 300)
    assert rotation == 0
    assert [w.text for w in words[10:]] == ["PERNIAGAAN", "ZHENG", "НОМЕ", "MASTER", "SETAPAK,", "А"]
    assert words[10].line == 1 and words[14].line == 3  # the new words keep their line
    assert all(lang == "eng" and psm == tesseract.LINE_PSM for lang, psm, _ in asked) and len(asked) == 3


def test_a_cyrillic_page_is_not_read_again(monkeypatch):
    page_words = [(f"СЛОВО{i}", (10, 40 * i, 90, 30 + 40 * i), 95.0, i) for i in range(10)]
    page_words += [("ОБЖ", (100, 600, 200, 630), 40.0, 20), ("MASTER", (210, 600, 330, 630), 95.0, 20)]
    backend, image, asked = _fake_reading(monkeypatch, page_words, [("ABC", (100, 600, 200, 630), 99.0)])
    words, _ = backend.read(image, 300)
    assert not asked and [w.text for w in words][-2:] == ["ОБЖ", "MASTER"]
    # Read in one language, nothing is read again either.
    backend.lang = "eng"
    backend.read(image, 300)
    assert not asked


def test_the_sparse_reading_of_a_latin_page_is_read_again_too(monkeypatch):
    latin = [(f"WORD{i}", (10, 500 + 40 * i, 90, 530 + 40 * i), 95.0, 10 + i) for i in range(10)]
    page_words = latin + [("ЗЕТАРАК,", (100, 300, 260, 330), 93.0, 3)]
    backend, image, asked = _fake_reading(monkeypatch, page_words, [("SETAPAK,", (100, 300, 260, 330), 90.0)])
    words = backend.read_sparse(image, 300)
    assert words[-1].text == "SETAPAK," and words[-1].line == ("sparse", 3) and len(asked) == 1


# A receipt's head and foot as a curled receipt's photo shows them: the head rises, the foot falls.
HEAD = ["NORTHWIND TIMBER TRADING SDN BHD", "LOT 4417 JALAN KEBUN NANAS 3",
        "TAMAN PERINDUSTRIAN MERANTI", "41050 KLANG SELANGOR MALAYSIA"]
FOOT = ["SUBTOTAL 118.40", "SERVICE CHARGE 11.84", "ROUNDING ADJUSTMENT 0.01", "TOTAL AMOUNT DUE 130.25",
        "CASH TENDERED 150.00", "CHANGE GIVEN 19.75", "THANK YOU PLEASE COME AGAIN"]


def _lines_turned(lines: list[str], angle: float, font, width: int = 1500):
    """The lines printed 48 px apart on a block of their own, turned by `angle` degrees."""
    from PIL import Image, ImageDraw

    block = Image.new("L", (width, 48 * len(lines) + 120), 252)
    draw = ImageDraw.Draw(block)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 48 * i), line, font=font, fill=30)
    return block.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=252)


def test_a_block_turned_its_own_way_is_read_levelled_and_boxed_on_the_page(monkeypatch):
    """A head turned 2.5 degrees one way over a foot turned 2 degrees the other: the page
    turned by one angle leaves the head 4.5 degrees off, and Tesseract runs its lines together."""
    from PIL import ImageFont

    from obligations.backends import page_cleanup

    page, _, font = _blank_page((1500, 1150))
    font = ImageFont.truetype(font.path, 30)
    head = _lines_turned(HEAD, 2.5, font)
    page.paste(head, (0, 20))
    page.paste(_lines_turned(FOOT, -2.0, font), (0, 20 + head.height + 60))
    backend = tesseract.TesseractBackend(lang="eng")

    def head_words(words):
        return [w for w in words if w.bbox[3] < 20 + head.height]

    words, _ = backend.read(page)
    text = " ".join(w.text for w in head_words(words))
    for line in HEAD:
        assert line in text
    # Each word boxed where it is printed: 'NORTHWIND' at the head's left, risen with it.
    northwind = next(w for w in words if w.text == "NORTHWIND")
    assert 50 <= northwind.bbox[0] <= 80 and 60 <= northwind.bbox[1] <= 110
    # Without levelling the head, its lines are not all read.
    monkeypatch.setattr(page_cleanup, "levelled_blocks", lambda image: (image, []))
    tesseract._engines.__dict__.pop("levelled", None)
    tesseract._engines.__dict__.pop("prepared", None)
    text = " ".join(w.text for w in head_words(backend.read(page.copy())[0]))
    assert not all(line in text for line in HEAD)


def test_a_page_read_with_local_thresholds_is_read_by_sauvola_and_the_engines_go_back_to_otsu(monkeypatch):
    from PIL import Image

    backend = tesseract.TesseractBackend(lang="rus+eng")
    backend.load_engines()
    methods = []
    ocr = tesseract.TesseractBackend._ocr

    def spy(self, image, psm, dpi, lang=None, **kwargs):
        methods.append(self._api(lang or self.lang, psm).GetVariableAsString("thresholding_method"))
        return ocr(self, image, psm, dpi, lang, **kwargs)

    monkeypatch.setattr(tesseract.TesseractBackend, "_ocr", spy)
    page = Image.new("L", (400, 300), 255)
    backend.read_thresholded_locally(page, 300)
    assert methods and set(methods) == {tesseract.SAUVOLA}
    methods.clear()
    backend.read(page, 300)
    assert set(methods) == {tesseract.OTSU}
    assert all(api.GetVariableAsString("thresholding_method") == tesseract.OTSU
               for api in tesseract._engines.apis.values())


def test_a_page_whose_layout_analysis_found_no_text_is_read_as_one_block(monkeypatch):
    """A phone's photo of a notice, blurred: the page's layout analysis (psm 4) takes its print
    for a picture and gives scraps, in every turn; read as one block of text it reads."""
    from PIL import Image

    from obligations.backends.base import Word

    scraps = [Word("erraleer", (0, 0, 40, 10), 0.0, 1), Word("=", (50, 0, 55, 10), 12.0, 1)]
    block = [Word(text, (60 * i, 100, 60 * i + 50, 120), 93.0, 1)
             for i, text in enumerate(["СНИЛС", "096-483-932", "Шубин", "Святослав", "Алексеевич", "августа",
                                       "1967", "город", "Душанбе", "Таджикской"])]
    backend = tesseract.TesseractBackend(lang="rus")
    monkeypatch.setattr(backend, "_rotations_to_try", lambda image: [90, 180, 270])
    calls = []
    monkeypatch.setattr(backend, "_ocr", lambda image, psm, dpi, lang=None: calls.append(psm) or (
        block if psm == tesseract.BLOCK_PSM else scraps))
    words, rotation, _ = backend._read_upright(Image.new("L", (400, 300), 255), 300, "rus")
    assert words == block and rotation == 0 and calls == [4, 4, 4, 4, 6]
    # A page read well the first time is read once.
    calls.clear()
    monkeypatch.setattr(backend, "_ocr", lambda image, psm, dpi, lang=None: calls.append(psm) or block)
    assert backend._read_upright(Image.new("L", (400, 300), 255), 300, "rus")[0] == block and calls == [4]
