"""Dates and amounts read a second time in Latin script (reading.figures)."""

from __future__ import annotations

from PIL import Image

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields
from obligations.reading.figures import DISAGREED_CONF, SECOND_LANG, doubt_disagreeing_figures, reread_figures

from .fakes import ReadsEveryRegionAs

DOCTYPES = load_doctypes()


def _snils_page() -> PageText:
    rows = [("Фамилия", "ВИШНЯКОВА"), ("Дата", "рождения", "17.06.1995"), ("Место", "рождения", "ГОР.", "БИЙСК"),
            ("Дата", "регистрации", "07", "июня", "2020", "г.")]
    words = []
    for r, row in enumerate(rows):
        x = 100
        for text in row:
            words.append(Word(text, (x, 100 + 80 * r, x + 25 * len(text), 140 + 80 * r), 95.0, (1, r, 1)))
            x += 25 * len(text) + 30
    return PageText(1, 2000, 1400, 300, "ocr", words)


def test_a_date_read_otherwise_the_second_time_is_doubted_with_both_readings_named():
    page = _snils_page()
    backend = ReadsEveryRegionAs("17.06.1993")
    reread_figures(page, Image.new("L", (2000, 1400), 255), DOCTYPES["snils"], backend)
    # Only the date printed in figures is read again, in Latin script; not the one in words.
    assert len(backend.asked) == 1 and backend.asked[0][1] == SECOND_LANG
    found = locate_fields(DOCTYPES["snils"], [page])
    doubt_disagreeing_figures([page], found)
    birth = found["birth_date"]
    assert birth.value == "1995-06-17" and birth.confidence == DISAGREED_CONF
    assert "1993-06-17" in birth.warning
    assert found["registration_date"].confidence > DISAGREED_CONF and found["registration_date"].warning is None


def test_a_date_read_alike_the_second_time_stays_sure():
    page = _snils_page()
    reread_figures(page, Image.new("L", (2000, 1400), 255), DOCTYPES["snils"], ReadsEveryRegionAs("17.06.1995"))
    found = locate_fields(DOCTYPES["snils"], [page])
    doubt_disagreeing_figures([page], found)
    assert found["birth_date"].confidence > 0.9 and found["birth_date"].warning is None


def test_a_second_reading_that_gives_no_value_changes_nothing():
    page = _snils_page()
    reread_figures(page, Image.new("L", (2000, 1400), 255), DOCTYPES["snils"], ReadsEveryRegionAs("~~"))
    found = locate_fields(DOCTYPES["snils"], [page])
    doubt_disagreeing_figures([page], found)
    assert found["birth_date"].confidence > 0.9


def test_a_value_told_apart_by_the_order_of_dates_is_read_again_too():
    """A date found by 'chronology' (its label lost) is read again like any other: its
    method named no weight and the second reading failed the whole file (KeyError)."""
    from obligations.fields.choice import value_from_words

    words = [Word("17.06.1993", (100, 100, 300, 140), 93.0, ("region", 0, (90, 90, 310, 150), 0))]
    again = value_from_words(DOCTYPES["snils"].field("birth_date"), words, 1, "chronology")
    assert again is not None and again.value == "1993-06-17"
