"""Reading one page (obligations.reading.page): a page conditioned for reading gives its
boxes on the page as given; a page no type claims is read again for the type it comes
nearest to."""

from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from obligations.backends.base import BackendInfo, Capabilities, Word
from obligations.classify import Classification
from obligations.doctypes import load_doctypes
from obligations.pipeline import Pipeline, RunOptions
from obligations.reading import page as reading_page
from obligations.sources import open_source
from obligations.synth import generate

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")


def _overlap(a, b) -> float:
    """Intersection over the smaller box."""
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / max(1, min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])))


def test_a_low_resolution_page_is_upscaled_for_reading_and_its_boxes_put_back_on_it(tmp_path):
    generate("snils", 1, tmp_path, degrade="none", fmt="png", seed=7)
    truth = json.loads((tmp_path / "snils_0000.json").read_text())
    page = Image.open(tmp_path / "snils_0000.png")
    small = page.resize((page.width // 3, page.height // 3), Image.Resampling.BOX)
    small.save(tmp_path / "small.png")
    result = Pipeline(RunOptions(service="tesseract", jobs=1)).process(tmp_path / "small.png")
    assert (result.pages[0].width, result.pages[0].height) == small.size
    number = result.documents[0].fields["number"]
    assert number.value == truth["fields"]["number"]
    expected = [round(v / 3) for v in truth["bbox"]["number"]]
    assert _overlap(number.bbox, expected) > 0.6
    assert result.timing_s["per_page"][0]["condition"] > 0


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_boxes_of_a_turned_conditioned_page_map_onto_the_page_turned_the_same_way(rotation):
    """A page upscaled x2 and turned by OCR: a box read on it lands where the same box lies on
    the page turned without conditioning."""
    from obligations.backends.base import PageText
    from obligations.fields.locate import Found
    from obligations.reading.condition import Conditioning
    from obligations.backends.base import turned_box
    from obligations.reading.page import to_page_pixels

    page_size, box = (400, 300), (40, 30, 120, 60)  # upright page, box on it
    conditioned_size = (800, 600)
    turned = conditioned_size if rotation in (0, 180) else conditioned_size[::-1]
    read_box = turned_box(tuple(2 * v for v in box), rotation, conditioned_size)
    page = PageText(1, *turned, 200, "ocr", [], rotation, conditioning=Conditioning(page_size, 100, scale=2.0))
    found = {"f": Found("v", "v", True, 0.9, 1, read_box)}
    to_page_pixels([page], found)
    assert found["f"].bbox == turned_box(box, rotation, page_size)
    assert (page.width, page.height) == (page_size if rotation in (0, 180) else page_size[::-1])
    assert page.dpi == 100 and page.conditioning is None


class _LabelsOnly:
    """An engine whose first reading of a faxed passport page kept only its labels: the
    values on their dotted lines were lost."""

    capabilities = Capabilities(gray=True, regions=True)

    def read(self, image, dpi):
        labels = ["Фамилия", "Имя", "Отчество", "Место", "рождения"]
        return [Word(text, (100, 100 + 60 * i, 300, 140 + 60 * i), 95.0, i) for i, text in enumerate(labels)], 0


def test_a_page_no_type_claims_is_read_again_for_the_type_its_phrases_come_nearest(tmp_path, monkeypatch):
    Image.new("L", (800, 600), 255).save(tmp_path / "fax.png")
    guessed = []
    monkeypatch.setattr(reading_page, "follow_up", lambda page, image, doctype, backend: guessed.append(doctype.id))
    doctypes = load_doctypes()
    page = reading_page.read_page(open_source(tmp_path / "fax.png"), 1, _LabelsOnly(), doctypes, dpi=None)
    assert reading_page.classify(page, doctypes).doc_type == "unknown"  # its labels alone do not suffice
    assert guessed == ["passport"]


def test_a_page_with_no_phrase_of_any_type_or_a_tie_is_read_again_for_none():
    doctypes = load_doctypes()
    _likeliest = reading_page._likeliest
    assert _likeliest(Classification("unknown", 0.0, {"passport": 0.0, "inn": 0.0}), doctypes) is None
    assert _likeliest(Classification("unknown", 0.0, {"passport": 1.0, "inn": 1.0}), doctypes) is None
    assert _likeliest(Classification("unknown", 0.0, {"passport": 2.5, "inn": 0.5}), doctypes).id == "passport"
    assert _likeliest(Classification("snils", 0.9, {"snils": 5.0}), doctypes).id == "snils"


class _ReadsOnlyLarge:
    """Reads a page's phrases only when its image is at least twice the page's size (blurred
    small print), and specks otherwise."""

    service = "fake"
    capabilities = Capabilities(conditions=True)

    def read(self, image, dpi=None):
        if image.width < 1600:
            return [Word("~~", (10, 10, 40, 30), 30.0, 0)], 0
        phrases = ["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "Паспорт выдан", "Дата выдачи", "Код подразделения", "Фамилия", "Имя"]
        return [Word(text, (200, 200 + 120 * i, 800, 280 + 120 * i), 95.0, i) for i, text in enumerate(phrases)], 0


def test_a_page_no_type_claims_is_read_again_larger_and_taken_where_a_type_claims_that(tmp_path, monkeypatch):
    from dataclasses import replace

    from obligations.reading import condition

    Image.new("L", (800, 600), 255).save(tmp_path / "blurred.png")
    monkeypatch.setattr(condition, "second_look", lambda c: replace(c, scale=2.0, sharpen=True))
    guessed = []
    monkeypatch.setattr(reading_page, "follow_up", lambda page, image, doctype, backend: guessed.append(doctype.id))
    page = reading_page.read_page(open_source(tmp_path / "blurred.png"), 1, _ReadsOnlyLarge(), load_doctypes(), dpi=None)
    assert guessed == ["passport"]
    assert "Паспорт выдан" in page.text and page.conditioning.sharpen and page.width == 1600


class _ReadsFaintPrintWithLocalThresholds:
    """Reads a certificate's faint heading only when the page is binarised by local thresholds,
    at any size (the larger, sharper second reading does not help)."""

    service = "fake"
    capabilities = Capabilities(conditions=True, thresholds_locally=True)

    def read(self, image, dpi=None):
        return [Word("ПЛАТОНОВ", (200, 600, 500, 650), 90.0, 0)], 0

    def read_thresholded_locally(self, image, dpi=None):
        phrases = ["ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА", "о постановке на учет физического лица", "ПЛАТОНОВ"]
        return [Word(text, (200, 200 + 200 * i, 900, 250 + 200 * i), 90.0, i) for i, text in enumerate(phrases)], 0


def test_a_page_no_type_claims_is_read_with_local_thresholds_and_taken_where_a_type_claims_that(tmp_path, monkeypatch):
    Image.new("L", (800, 600), 200).save(tmp_path / "faint.png")
    guessed = []
    monkeypatch.setattr(reading_page, "follow_up", lambda page, image, doctype, backend: guessed.append(doctype.id))
    page = reading_page.read_page(open_source(tmp_path / "faint.png"), 1, _ReadsFaintPrintWithLocalThresholds(),
                                  load_doctypes(), dpi=None)
    assert guessed == ["inn"] and "НАЛОГОВАЯ СЛУЖБА" in page.text
    # An engine without such a reading is not asked for one.
    engine = _ReadsFaintPrintWithLocalThresholds()
    engine.capabilities = Capabilities(conditions=True)
    guessed.clear()
    reading_page.read_page(open_source(tmp_path / "faint.png"), 1, engine, load_doctypes(), dpi=None)
    assert guessed == []


def test_a_passport_number_taken_off_with_coloured_ink_is_read_from_the_page_with_its_ink_kept(tmp_path):
    """A passport's guilloche in the red of its number joins the two into a patch of a stamp's
    size and hue: taken off for the page's reading, the number went with it. Its edge strip is
    read again from the page with its coloured ink kept."""
    import math

    from PIL import ImageDraw

    from obligations.reading.stamps import stamp_areas
    from obligations.synth import render_clean

    image, truth = render_clean("passport", seed=3)
    x0, y0, x1, y1 = truth["bbox"]["series_number"]
    draw = ImageDraw.Draw(image)
    for k in range(0, y1 - y0 + 240, 22):  # fine pink waves behind the number
        wave = [(x, y0 - 120 + k + 14 * math.sin(x / 37.0 + k)) for x in range(x0 - 300, image.width - 4, 3)]
        draw.line(wave, fill=(225, 150, 160), width=3)
    assert any(p.box[0] <= x0 and p.box[2] >= x1 and p.box[1] <= y0 and p.box[3] >= y1
               for p in stamp_areas(image, 30.0))
    image.save(tmp_path / "passport.png")
    result = Pipeline(RunOptions(service="tesseract", jobs=1)).process(tmp_path / "passport.png")
    assert result.documents[0].fields["series_number"].value == truth["fields"]["series_number"]


class _ReadsACardsTitle:
    """Reads a SNILS card's title and a name: what claims the page as a SNILS."""

    service = "fake"
    capabilities = Capabilities(conditions=True)

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, None, "cpu", None, "test")

    def read(self, image, dpi=None):
        lines = ["СТРАХОВОЕ СВИДЕТЕЛЬСТВО", "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ", "ГОНЧАРОВА"]
        return [Word(text, (100, 100 + 120 * i, 900, 160 + 120 * i), 90.0, i) for i, text in enumerate(lines)], 0


def test_a_page_its_first_reading_claimed_keeps_its_type_when_a_follow_up_read_loses_its_title(tmp_path, monkeypatch):
    """A fax's streak through the title: the first reading claimed the page, a follow-up read of
    the title's line gave 'С"ГРАХ Ни КАТЕР, АНИ', which claims nothing."""
    Image.new("L", (1000, 700), 255).save(tmp_path / "card.png")

    def reread_worse(page, image, doctype, backend):
        page.words = [Word('С"ГРАХ Ни КАТЕР, АНИ', (100, 100, 900, 160), 40.0, 0),
                      Word("ГОНЧАРОВА", (100, 340, 900, 400), 90.0, 2)]

    monkeypatch.setattr(reading_page, "follow_up", reread_worse)
    monkeypatch.setattr(reading_page, "take_second_look", lambda *args: None)
    result = Pipeline(RunOptions(jobs=1), backend=(_ReadsACardsTitle(), "test")).process(tmp_path / "card.png")
    assert result.documents[0].doc_type == "snils"
