"""The second look (obligations.reading.second_look): a page whose fields are still missing or
invalid after the follow-ups is read again larger and sharper; a field it gives valid is taken
with its row, never changing a value the first reading gave valid."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from obligations.backends.base import BackendInfo, Capabilities, PageText, Word
from obligations.doctypes import load_doctypes
from obligations.reading.condition import Conditioning
from obligations.reading.regions import located
from obligations.reading.second_look import take_second_look

PASSPORT = load_doctypes()["passport"]
ROW_H, CHAR_W = 30, 16


def _words(rows: list[tuple[int, int, str]], scale: float = 1.0) -> list[Word]:
    """Words of rows (x, y, text) at `scale`, one OCR line a row."""
    words = []
    for line, (x, y, text) in enumerate(rows):
        for token in text.split():
            box = (x, y, x + CHAR_W * len(token), y + ROW_H)
            words.append(Word(token, tuple(round(v * scale) for v in box), 92.0, (1, 1, line)))
            x += CHAR_W * (len(token) + 1)
    return words


@dataclass
class SecondReading:
    """An engine whose whole-page reading is `rows` at the scale of the image it is given."""

    rows: list[tuple[int, int, str]]
    page_width: int = 1000
    sizes: list[tuple[int, int]] = field(default_factory=list)
    service: str = "fake"
    capabilities = Capabilities()

    def info(self) -> BackendInfo:
        return BackendInfo(self.service, None, "cpu", None, "test")

    def read(self, image, dpi=None, lang=None):
        self.sizes.append(image.size)
        return _words(self.rows, image.width / self.page_width), 0

    def read_region(self, image, box, angle, lang=None, flatten=False, keep_rules=False):
        return []  # the follow-ups' readings of regions find nothing more


FIRST = [(100, 100, "Фамилия ИВАНОВ"), (100, 200, "ИМЯ"), (100, 300, "Отчество ИВАНОВИЧ"),
         (100, 400, "Пол МУЖ. Дата рождения 03.04.1980")]


def _page(rows, text_height: float = 17.0) -> PageText:
    conditioning = Conditioning((1000, 1400), None, 1.0, text_height=text_height)
    return PageText(1, 1000, 1400, None, "ocr", _words(rows), conditioning=conditioning)


def test_a_field_the_second_reading_gives_is_taken_with_its_row():
    page = _page(FIRST)
    backend = SecondReading([(100, 100, "Фамилия ИВАНОВ"), (100, 200, "Имя ПЁТР"), (100, 300, "Отчество ИВАНОВИЧ"),
                             (100, 400, "Пол МУЖ. Дата рождения 03.04.1980")])
    assert located(PASSPORT, page)["first_name"].value is None
    take_second_look(page, Image.new("L", (1000, 1400), 255), PASSPORT, backend)
    # Read at the second look's text height: 36 px for the page's 17.
    assert backend.sizes == [(2120, 2968)]
    found = located(PASSPORT, page)
    assert (found["last_name"].value, found["first_name"].value, found["middle_name"].value) == (
        "Иванов", "Пётр", "Иванович")
    # Its words are on the first reading's scale, on lines of their own.
    taken = [w for w in page.words if w.text == "ПЁТР"]
    assert taken[0].bbox == (164, 200, 228, 230) and taken[0].line == ("second", (1, 1, 1))


def test_a_row_that_would_change_a_value_read_valid_is_not_taken():
    """The birth date is missing; the second reading's row of it reads the gender otherwise."""
    page = _page(FIRST[:3] + [(100, 400, "Пол МУЖ. Дата рождения")])
    backend = SecondReading(FIRST[:3] + [(100, 400, "Пол ЖЕН. Дата рождения 03.04.1980")])
    take_second_look(page, Image.new("L", (1000, 1400), 255), PASSPORT, backend)
    found = located(PASSPORT, page)
    assert (found["gender"].value, found["birth_date"].value) == ("male", None)


def test_a_page_read_at_its_best_size_or_with_every_field_is_not_read_again():
    backend = SecondReading(FIRST)
    take_second_look(_page(FIRST, text_height=30.0), Image.new("L", (1000, 1400), 255), PASSPORT, backend)
    complete = FIRST[:1] + [(100, 200, "Имя ПЁТР")] + FIRST[2:] + [
        (100, 500, "Место рождения ГОР. ТУЛА"), (100, 600, "Паспорт выдан ОВД ГОР. ТУЛЫ"),
        (100, 700, "Дата выдачи 01.02.2010 Код подразделения 770-001"), (900, 800, "4509 123456")]
    page = _page(complete)
    if all(f.value is not None and f.valid for f in located(PASSPORT, page).values()):
        take_second_look(page, Image.new("L", (1000, 1400), 255), PASSPORT, backend)
    assert backend.sizes == []


def test_a_second_readings_lines_keep_where_they_were_read():
    """A number read along the page's edge stays a region's line (a row of its own), a block
    reading's word stays one (its values are doubted); neither joins a first reading's line."""
    from obligations.reading.second_look import _own_line

    assert _own_line(("region", 270, (0, 0, 9, 9), (1, 1, 1)))[:1] == ("region",)
    assert _own_line(("block", (1, 2, 3)))[0] == "block"
    assert _own_line((1, 2, 3)) != (1, 2, 3) and _own_line(("block", 1)) != ("block", 1)
