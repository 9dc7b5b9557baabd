"""A passport's number printed along its edge, read from the edge strip turned upright: a strip
read turned the wrong way still reads figures (upside down: '9186680209' for '60 20 859315'), so
the field's own box is read again both ways and the much surer way is taken."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields
from obligations.reading.vertical_fields import read_vertical_fields

DOCTYPES = load_doctypes()
WIDTH, HEIGHT = 1937, 1424
NUMBER_BOX = (1769, 473, 1854, 965)  # the figures, printed bottom to top near the right edge


def _passport_page() -> PageText:
    words, line = [], 0
    for y, text in ((100, "Фамилия НЕКРАСОВ"), (160, "Имя КОНОН"), (220, "Отчество ФОКИЧ"),
                    (280, "Пол МУЖ. Дата рождения 23.06.1993")):
        x = 100
        for token in text.split():
            words.append(Word(token, (x, y, x + 25 * len(token), y + 40), 95.0, line))
            x += 25 * (len(token) + 1)
        line += 1
    return PageText(1, WIDTH, HEIGHT, 300, "ocr", words)


@dataclass
class EdgeReader:
    """The whole strip reads the figures only turned the wrong way (90), unsure; the figures'
    own box reads them the right way (270) at `close_conf`, and the wrong way in pieces."""

    close_conf: float
    regions: list = field(default_factory=list)

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        self.regions.append((box, angle))
        def word(text, conf):
            return Word(text, NUMBER_BOX, conf, ("region", angle, box, 1))
        if box[2] - box[0] > 200:  # a whole edge strip
            return [word("es", 16.0), word("9186680209", 19.0)] if angle == 90 else [word("_", 30.0)]
        if angle == 270:
            return [word("6020859315", self.close_conf)]
        return [word("918668", 0.0), word("02", 69.0), word("09", 0.0)]


def test_a_number_read_upside_down_from_the_strip_is_read_the_surer_way_in_its_own_box():
    page, backend = _passport_page(), EdgeReader(close_conf=88.0)
    read_vertical_fields(page, Image.new("RGB", (WIDTH, HEIGHT), "white"), DOCTYPES["passport"], backend)
    close = [box for box, _ in backend.regions if box[2] - box[0] <= 200]
    assert close and all(box[0] < NUMBER_BOX[0] and box[2] > NUMBER_BOX[2] for box in close)
    assert locate_fields(DOCTYPES["passport"], [page])["series_number"].value == "6020 859315"


def test_the_strips_reading_stays_where_the_other_way_is_not_much_surer():
    page = _passport_page()
    read_vertical_fields(page, Image.new("RGB", (WIDTH, HEIGHT), "white"), DOCTYPES["passport"],
                         EdgeReader(close_conf=30.0))  # against 23 the wrong way
    assert locate_fields(DOCTYPES["passport"], [page])["series_number"].value == "9186 680209"


def test_a_field_held_only_across_the_strips_lines_is_kept_as_read():
    class AcrossLines(EdgeReader):
        def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
            if angle != 90 or box[2] - box[0] <= 200:
                return []
            return [Word("6020", (1769, 700, 1854, 965), 80.0, ("region", 90, box, 1)),
                    Word("859315", (1769, 473, 1854, 690), 80.0, ("region", 90, box, 2))]
    page = _passport_page()
    read_vertical_fields(page, Image.new("RGB", (WIDTH, HEIGHT), "white"), DOCTYPES["passport"],
                         AcrossLines(close_conf=0.0))
    assert "859315" in page.text


def test_a_strip_that_reads_only_with_its_rules_left_on_is_read_so_last():
    """Taking a small strip's rules off (the page's edge along it) left a red number on a
    guilloche read as nothing; with them left on it read surely. That reading comes last."""
    class RulesKept(EdgeReader):
        def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
            self.regions.append((box, angle, flatten, keep_rules))
            if not keep_rules or angle != 270:
                return []
            return [Word("6020859315", NUMBER_BOX, 90.0, ("region", angle, box, 1))]
    page, backend = _passport_page(), RulesKept(close_conf=0.0)
    read_vertical_fields(page, Image.new("RGB", (WIDTH, HEIGHT), "white"), DOCTYPES["passport"], backend)
    assert locate_fields(DOCTYPES["passport"], [page])["series_number"].value == "6020 859315"
    first_kept = next(i for i, call in enumerate(backend.regions) if call[3])
    assert first_kept > 0 and not any(call[3] for call in backend.regions[:first_kept])


def test_a_passport_scanned_on_a_sheet_has_a_strip_beside_its_text():
    """A passport page in the top left of an A4 scan: its number runs along its own edge in
    the middle of the sheet, further from the sheet's edge than any edge strip reaches. A
    strip beside the text's right end is read too (after the sheet's edge strips)."""
    from obligations.reading.vertical_fields import edge_strips

    words = [Word(f"СЛОВО{i}", (200, 200 + 60 * i, 1150, 240 + 60 * i), 95.0, i) for i in range(10)]
    strips = edge_strips(PageText(1, 2480, 3508, 300, "ocr", words))
    assert len(strips) == 3 and strips[2][0] == 1150 and strips[2][2] - strips[2][0] == round(0.12 * 2480)
    assert strips[0][0] >= 2480 - round(0.35 * 2480) and strips[1][2] <= round(0.35 * 2480)  # the sheet's edges
    # A page whose text runs into its edge strips has those two only.
    words = [Word(f"СЛОВО{i}", (100, 200 + 60 * i, 2400, 240 + 60 * i), 95.0, i) for i in range(10)]
    assert len(edge_strips(PageText(1, 2480, 3508, 300, "ocr", words))) == 2
