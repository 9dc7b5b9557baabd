"""A passport's machine-readable zone (obligations.fields.mrz): read only where its check
digits pass; its figures then replace what the print read otherwise, its names only fill."""

from __future__ import annotations

import pytest

from obligations.backends.base import PageText
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields
from obligations.fields.mrz import check_digit, read_zone

from .test_locate import page_of

DOCTYPES = load_doctypes()


def _second_line(series: str, number: str, birth: str, sex: str, issue: str, division: str) -> str:
    doc = series[:3] + number
    optional = series[3] + issue + division
    line = doc + str(check_digit(doc)) + "RUS" + birth + str(check_digit(birth)) + sex + "<" * 7
    line += optional + "<" + str(check_digit(optional + "<"))
    composite = doc + str(check_digit(doc)) + birth + str(check_digit(birth)) + "<" * 7
    composite += optional + "<" + str(check_digit(optional + "<"))
    return line + str(check_digit(composite))


LINE_ONE = "PNRUSLOBANOVA<<VERA<EVGEN9EVNA<<<<<<<<<<<<<<<"
LINE_TWO = _second_line("0313", "965080", "990806", "F", "131023", "230037")


def test_check_digits_as_icao_9303_computes_them():
    assert check_digit("L898902C3") == 6 and check_digit("740812") == 2 and check_digit("120415") == 9
    assert LINE_TWO == "0319650800RUS9908062F<<<<<<<3131023230037<84"


def test_the_zone_reads_as_the_passport_prints_its_fields():
    assert read_zone(["ЛОБАНОВА", LINE_ONE, LINE_TWO]) == {
        "document_number": "0313 965080", "sex": "ЖЕН.", "birth_date": "06.08.1999", "issue_date": "23.10.2013",
        "division_code": "230-037", "surname": "ЛОБАНОВА", "given_name": "ВЕРА", "patronymic": "ЕВГЕНЬЕВНА",
    }


def test_a_second_line_misread_where_its_check_digits_still_tell_is_read():
    # Read with the page's Russian: 'RUS' and 'F' as other signs (the sex, under no check digit, is left out).
    zone = read_zone(["0319650800К0$9908062Е <<<<<<<3131023230037<84"])
    assert zone["document_number"] == "0313 965080" and "sex" not in zone
    # Read in Latin: zeros as '@' and 'Q' where only figures print.
    assert read_zone(["@3196508Q@RUS9908062F<<<<<<<3131023230037<84"])["birth_date"] == "06.08.1999"
    # A figure read as two signs ('RUS9' as 'RUSO9', '0' as 'Q0'): the line signs too long.
    assert read_zone(["Q0319650800RUSO9908062F<<<<<<<3131023230037<84"])["document_number"] == "0313 965080"
    assert read_zone(["Q0319650800RUSO9908062F<<<<<<<3131023230037<85"]) is None


def test_a_second_line_whose_check_digits_fail_is_no_zone():
    assert read_zone([LINE_TWO[:-1] + "5"]) is None
    assert read_zone([LINE_TWO.replace("965080", "965086")]) is None
    assert read_zone(["0313 965080 RUS 990806"]) is None


def _passport(rows: list[str]) -> PageText:
    return page_of([(100, 100 + 60 * line, text) for line, text in enumerate(rows)])


def test_the_zone_fills_what_the_print_lost():
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "Фамилия ЛОБАНОВА", "Имя", "Отчество ЕВГЕНЬЕВНА",
                      "Пол ЖЕН. Дата рождения 06.08.1999", "Дата выдачи 23.10.2013 Код подразделения",
                      LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["division_code"].value, found["division_code"].source) == ("230-037", "mrz")
    assert found["division_code"].confidence >= 0.9
    assert found["issue_date"].value == "2013-10-23" and found["issue_date"].confidence >= 0.95  # alike
    assert found["series_number"].value == "0313 965080"  # printed along the edge of every page
    assert (found["first_name"].value, found["first_name"].source) == ("Вера", "mrz")
    assert found["first_name"].confidence < 0.8 and found["first_name"].warning
    assert found["last_name"].confidence >= 0.9  # read alike in print and zone


@pytest.mark.parametrize("printed, value, source, confidence", [
    ("06.08.1990", "1999-08-06", "mrz", 0.8),  # one figure apart: the print misread it
    ("08.06.1999", "1999-06-08", "label", 0.5),  # two apart: as likely the zone's lookalikes
    ("16.03.1985", "1999-08-06", "mrz", 0.5),  # far apart: the print read something else
])
def test_a_value_the_print_read_otherwise_is_weighed_by_how_far_apart_the_two_are(printed, value, source,
                                                                                  confidence):
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "Фамилия ЛОБАНОВА", f"Пол ЖЕН. Дата рождения {printed}",
                      LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])["birth_date"]
    assert (found.value, found.source, found.confidence) == (value, source, confidence)
    assert found.warning


def test_fields_the_page_does_not_print_stay_empty():
    """A data page photographed alone: its zone holds the issue, which the other page prints."""
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "Фамилия ЛОБАНОВА", "Имя ВЕРА", "Отчество ЕВГЕНЬЕВНА",
                      "Пол ЖЕН. Дата рождения 06.08.1999", LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert found["issue_date"].value is None and found["division_code"].value is None
    assert found["birth_date"].confidence >= 0.95


def test_the_division_code_whose_label_a_stamp_took_is_the_zones_on_a_spread():
    """The issuing page printed (its issue date read by its label), 'подразделения' under a
    stamp and the code unread: the page prints the code, and the zone gives it."""
    page = _passport(["Паспорт выдан ОТДЕЛЕНИЕМ УФМС РОССИИ ПО РОСТОВСКОЙ ОБЛ.", "Дата выдачи 23.10.2013 Код",
                      "Фамилия ЛОБАНОВА", "Пол ЖЕН. Дата рождения 06.08.1999", LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["division_code"].value, found["division_code"].source) == ("230-037", "mrz")


def test_the_birth_date_its_label_and_print_lost_is_the_zones_on_its_own_page():
    """A data page photographed alone, its small 'Дата рождения' and the date beside it unread:
    the zone is printed on the page that prints the birth date, and its check digits pass.
    (The issue, printed on the other page, stays empty.)"""
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "Фамилия ЛОБАНОВА", "Пол ЖЕН.", LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["birth_date"].value, found["birth_date"].source) == ("1999-08-06", "mrz")
    assert found["birth_date"].confidence >= 0.95
    assert found["issue_date"].value is None and found["division_code"].value is None


def test_no_text_value_runs_on_into_the_zone():
    """A place of birth may run over four lines: the zone's lines under it are none of them."""
    page = _passport(["Фамилия ЛОБАНОВА", "Место рождения Г. САНКТ-ПЕТЕРБУРГ", LINE_ONE, LINE_TWO])
    assert locate_fields(DOCTYPES["passport"], [page])["birth_place"].value == "Г. САНКТ-ПЕТЕРБУРГ"


def test_names_whose_labels_were_lost_are_the_words_printed_as_the_zone_spells_them():
    """A spread photographed small: its captions a few pixels high, unread; the names are the
    words the zone spells, each on its row. A name whose print was lost (the patronymic: a
    signature over it) is the zone's, doubted: its check digits pass, and the page that prints
    the zone prints the names."""
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "ЛОБАНОВА", "ВЕРА", "ЖЕН. 06.08.1999", LINE_ONE, LINE_TWO])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["last_name"].value, found["last_name"].source) == ("Лобанова", "mrz")
    assert found["first_name"].value == "Вера" and found["first_name"].bbox is not None
    assert found["last_name"].confidence >= 0.8 and found["last_name"].warning
    middle = found["middle_name"]
    assert (middle.value, middle.source) == ("Евгеньевна", "mrz") and middle.confidence <= 0.6 and middle.warning


def test_names_printed_as_the_first_line_spells_them_are_taken_where_the_second_fails_its_checks():
    """A 122-dpi passport: 'RUS' of the second line read '815', its checks failing; the names
    the first line spells are the words printed, their captions unread. Nothing else is taken
    from the zone."""
    broken = LINE_TWO.replace("RUS", "815").replace("0319", "0519")
    page = _passport(["РОССИЙСКАЯ ФЕДЕРАЦИЯ", "ЛОБАНОВА", "ВЕРА", "ЖЕН. 06.08.1999", LINE_ONE, broken])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert (found["last_name"].value, found["first_name"].value) == ("Лобанова", "Вера")
    assert found["issue_date"].value is None and found["middle_name"].value is None
