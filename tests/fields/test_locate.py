"""The field locator on hand-made word layouts: each strategy, and that invalid values stay."""

from __future__ import annotations

from dataclasses import replace

import pytest

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields import layout
from obligations.fields.candidates import Candidate
from obligations.fields.choice import choose
from obligations.fields.layout import build_rows
from obligations.fields.locate import locate_fields

DOCTYPES = load_doctypes()
CHAR_W, ROW_H = 22, 40


def page_of(rows: list[tuple[int, int, str]], width: int = 2400) -> PageText:
    """rows: (x, y, text); each text becomes words on one OCR line starting at x."""
    words = []
    for line, (x, y, text) in enumerate(rows):
        for token in text.split():
            words.append(Word(token, (x, y, x + CHAR_W * len(token), y + ROW_H), 95.0, line))
            x += CHAR_W * (len(token) + 1)
    return PageText(1, width, 3000, 300, "ocr", words)


def values(doc_type: str, rows) -> dict[str, str | None]:
    return {k: f.value for k, f in locate_fields(DOCTYPES[doc_type], [page_of(rows)]).items()}


def test_a_value_opens_with_no_word_of_its_own_label():
    """'выдлн: ЗАРЕЧЕНСКОГО РУВД': a small 'Паспорт выдан' read a letter off, its office taken
    over the issue date, label's word and all."""
    got = values("passport", [
        (100, 100, "выдлн: ЗАРЕЧЕНСКОГО РУВД ГОР. КАЗАНИ"),
        (100, 160, "Дата выдачи 19.05.2003 Код подразделения 160-044"),
        (100, 300, "Фамилия ИГНАТОВ"),
    ])
    assert got["issued_by"] == "ЗАРЕЧЕНСКОГО РУВД ГОР. КАЗАНИ"


def test_label_left_of_value_and_stop_at_next_label():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 160, "Дата выдачи 01.02.2010 Код подразделения 770-001"),
        (100, 300, "Фамилия ИВАНОВ"),
        (100, 360, "Имя ПЁТР"),
        (100, 420, "Отчество ИВАНОВИЧ"),
        (100, 480, "Пол МУЖ. Дата рождения 03.04.1980"),
        (100, 540, "Место рождения ГОР. ТУЛА"),
    ])
    assert got["issued_by"] == "ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"
    assert got["issue_date"] == "2010-02-01"
    assert got["division_code"] == "770-001"
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Иванов", "Пётр", "Иванович")
    assert got["gender"] == "male" and got["birth_date"] == "1980-04-03"
    assert got["birth_place"] == "ГОР. ТУЛА"


def test_a_division_codes_hyphen_read_as_a_stop():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 160, "«16» июня 2014 г. 712.094"),
        (100, 210, "Дата выдачи Код подразделения"),
    ])
    assert (got["issue_date"], got["division_code"]) == ("2014-06-16", "712-094")


def test_a_rule_under_a_groups_names_read_as_one_letter_over_and_over_is_no_name():
    """Faint names read unsure, as unsure as the scrap beside them."""
    page = page_of([(100, 100, "Ф.И.О. ВОРОБЬЁВА"), (300, 160, "СОФЬЯ"), (300, 220, "ЕГОРОВНА"),
                    (540, 222, "ааа"), (100, 300, "Пол женский")])
    unsure = {"СОФЬЯ": 9.0, "ЕГОРОВНА": 8.0, "ааа": 24.0}
    page = replace(page, words=[replace(w, conf=unsure.get(w.text, w.conf)) for w in page.words])
    got = {k: f.value for k, f in locate_fields(DOCTYPES["snils"], [page]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Воробьёва", "Софья", "Егоровна")


def test_a_rule_across_the_page_read_as_a_few_letters_is_no_name():
    """A fax's rule under a surname read 'МИН' at 54 %, one box 1275 pixels wide."""
    page = page_of([(100, 100, "о постановке на учет физического лица в налоговом органе"),
                    (100, 200, "Настоящее свидетельство подтверждает, что физическое лицо"),
                    (700, 280, "ЕРЕМИН"), (700, 360, "МИХАИЛ"), (700, 440, "МАКСИМОВИЧ"),
                    (100, 520, "пол муж. дата рождения 28 января 1989 г.")])
    rule = Word("МИН", (100, 296, 1375, 343), 54.0, 99)
    got = {k: f.value for k, f in locate_fields(DOCTYPES["inn"], [replace(page, words=page.words + [rule])]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Еремин", "Михаил", "Максимович")
    assert not layout.is_noise(Word("МИН", (100, 296, 400, 343), 54.0, 99))  # letters spaced out are print


def test_a_patronymic_under_a_stamp_read_as_its_tail_keeps_the_other_names():
    """'Ильич' read 'ьич' under a round stamp: the group is still three names (the tail is no
    sentence's word), the two read right are kept and the tail is invalid, to be read again."""
    found = locate_fields(DOCTYPES["snils"], [page_of([
        (100, 100, "Ф.И.О. Егоров"), (300, 160, "Аполлинарий"), (300, 220, "ьич"),
        (100, 300, "Дата и место рождения 12.03.1980")])])
    assert (found["last_name"].value, found["first_name"].value) == ("Егоров", "Аполлинарий")
    assert not found["middle_name"].valid


def test_a_patronymic_struck_through_by_its_rule_read_past_recognition_keeps_the_other_names():
    """A fax: the rule under 'Эдуардовна' crossed it and it was read 'дмчрьнуюа' at no
    confidence; a word read so is no sentence's word, so the names read right are kept."""
    page = page_of([(40, 222, "Ф.И.О. Лукьянова"), (229, 261, "Ирина"), (225, 311, "дмчрьнуюа"),
                    (40, 347, "Дата и место рождения")])
    page = replace(page, words=[replace(w, conf=0.0 if w.text == "дмчрьнуюа" else w.conf) for w in page.words])
    found = locate_fields(DOCTYPES["snils"], [page])
    assert (found["last_name"].value, found["first_name"].value) == ("Лукьянова", "Ирина")
    assert not found["middle_name"].valid
    page = page_of([(40, 222, "Ф.И.О. Лукьянова"), (229, 261, "Ирина"), (225, 311, "ат“ мери “лил г"),
                    (40, 347, "Дата и место рождения")])
    found = locate_fields(DOCTYPES["snils"], [page])
    assert (found["last_name"].value, found["first_name"].value) == ("Лукьянова", "Ирина")
    assert found["middle_name"].value is None


def test_two_names_read_of_three_one_to_a_row_are_not_given_rows_by_guess():
    """The first name's row lost: the patronymic on the next row is not the first name."""
    found = locate_fields(DOCTYPES["snils"], [page_of([
        (64, 288, "Ф.И.О. ЕРМАКОВА"), (330, 400, "КИРИЛЛОВНА"), (61, 481, "Дата и место рождения")])])
    assert found["first_name"].value != "Кирилловна"
    # The surname's row lost, and the next label's row, misread, under the patronymic: three
    # rows, not the names'.
    words = page_of([(219, 339, "Яна"), (220, 391, "Валерьевна."), (128, 443, "Дота ы мость 12.04.1968")]).words
    surname = DOCTYPES["snils"].field("last_name")
    assert choose(surname, [Candidate(words, 1, "group", 3)]) is None


def test_a_surname_read_in_small_letters_over_two_capitalised_names_is_no_sentence():
    """'ФИО. митрофанова' over 'Яна' and 'Валерьевна.' on a 100-dpi card: one word in small
    letters is a name whose capital was read small, not a sentence's words."""
    got = values("snils", [(129, 320, "ФИО. митрофанова"), (219, 360, "Яна"), (220, 400, "Валерьевна."),
                           (128, 440, "Дата и место рождения 12.04.1968")])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Митрофанова", "Яна", "Валерьевна")


def test_a_name_between_two_captions_is_the_one_over_it_on_a_page_of_captions_over_values():
    """The first name's line was lost: the surname lies as near under 'ФАМИЛИЯ' as over 'ИМЯ';
    the page's figures lie under their captions, so it is the surname alone."""
    got = values("passport", [(500, 100, "ФАМИЛИЯ"), (560, 160, "ДОБРОВОЛЬСКИЙ"), (500, 240, "ИМЯ"),
                              (500, 420, "ПОЛ"), (700, 420, "ДАТА РОЖДЕНИЯ"),
                              (500, 480, "МУЖ"), (700, 480, "07.05.1990")])
    assert got["last_name"] == "Добровольский" and got["first_name"] != "Добровольский"


def test_no_division_code_is_taken_out_of_a_longer_number():
    """'859-615-598 75' (a SNILS) holds two shapes of a division code; neither is one."""
    assert values("passport", [(100, 100, "859-615-598 75"), (100, 200, "8-800-555-35-35")])["division_code"] is None
    assert values("passport", [(100, 100, "Код подразделения 770-001 - 2")])["division_code"] == "770-001"
    # A SNILS number's first group lost on a fax ('D2€ 936-932 31'): its last groups are no code.
    assert values("passport", [(100, 100, "can D2€ 936-932 31")])["division_code"] is None
    assert values("passport", [(100, 100, "Код подразделения 780-056 40 99 027764")])["division_code"] == "780-056"


def test_a_speck_between_the_passport_series_pairs_read_as_a_stop():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 160, "Дата выдачи 01.02.2010 Код подразделения 770-001"),
        (1900, 400, "70.14 164116"),
    ])
    assert got["series_number"] == "7014 164116"


def test_captions_under_values_and_multi_line_value_above():
    got = values("passport", [
        (100, 100, "ОТДЕЛОМ УФМС РОССИИ ПО РЕСПУБЛИКЕ"),
        (100, 150, "ТАТАРСТАН В ГОР. КАЗАНИ"),
        (100, 200, "Паспорт выдан"),
        (100, 400, "ИВАНОВА"),
        (100, 450, "Фамилия"),
        (100, 560, "МАРИЯ"),
        (100, 610, "Имя"),
    ])
    assert got["issued_by"] == "ОТДЕЛОМ УФМС РОССИИ ПО РЕСПУБЛИКЕ ТАТАРСТАН В ГОР. КАЗАНИ"
    assert got["last_name"] == "Иванова" and got["first_name"] == "Мария"


def test_group_label_splits_names_over_rows():
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"),
        (100, 160, "ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
        (100, 240, "№ 112-233-445 95"),
        (100, 320, "Ф.И.О. ПЕТРОВ"),
        (400, 380, "СЕРГЕЙ"),
        (400, 440, "НИКОЛАЕВИЧ"),
        (100, 500, "Дата и место рождения 12 марта 1975 года"),
        (540, 560, "г. Москва"),
        (100, 620, "Пол мужской"),
        (100, 680, "Дата регистрации 15.03.2001"),
    ])
    assert got == {
        "number": "112-233-445 95", "last_name": "Петров", "first_name": "Сергей", "middle_name": "Николаевич",
        "birth_date": "1975-03-12", "birth_place": "г. Москва", "gender": "male", "registration_date": "2001-03-15",
    }


def test_a_towns_mark_after_a_date_in_figures_opens_the_place_and_ends_no_year():
    """'30.03.1950 г. Волгоград' on one line: a year in figures is rarely marked 'г.', a town
    of birth always is; a date in words keeps its year's mark ('12 марта 1975 г. Москва')."""
    def place(line):
        return values("snils", [(100, 100, "№ 112-233-445 95"), (100, 500, line)])["birth_place"]
    assert place("Дата и место рождения 30.03.1950 г. Волгоград Волгоградской области") == \
        "г. Волгоград Волгоградской области"
    assert place("Дата и место рождения 30.03.1950 г. г. Волгоград") == "г. Волгоград"
    assert place("Дата и место рождения 12 марта 1975 г. Москва") == "Москва"


def test_a_places_city_mark_read_in_latin_after_a_speck_opens_the_place():
    """'+f. Казань': the city's 'г.' read in Latin, a speck's '+' before it: no stray scrap."""
    got = values("snils", [(100, 100, "№ 112-233-445 95"), (100, 500, "Место рождения"),
                           (100, 560, "+f. Казань Республики Татарстан")])
    assert got["birth_place"] == "г. Казань Республики Татарстан"


def test_an_inn_printed_one_figure_to_a_box_is_read_without_the_walls_read_as_bars_and_ones():
    """'64|016|215131912101711' is 640625392071 in boxes: bars, and ones between the figures."""
    found = locate_fields(DOCTYPES["inn"], [page_of([
        (100, 100, "присвоен идентификационный номер налогоплательщика (ИНН)"), (100, 200, "64| 016|215131912101711")])])
    assert (found["inn"].value, found["inn"].confidence) == ("640625392071", 0.5) and "boxes" in found["inn"].warning
    # Figures left that make no valid number: none is made up.
    found = locate_fields(DOCTYPES["inn"], [page_of([
        (100, 100, "присвоен идентификационный номер налогоплательщика (ИНН)"), (100, 200, "64| 016|215131912101811")])])
    assert found["inn"].value is None or not found["inn"].valid


def test_a_date_printed_one_figure_to_a_box_is_read_without_the_boxes_walls():
    """'[1|6]/1[2]1]9]5[6': 16.12.1956 in boxes, their walls read as brackets and bars; doubted."""
    found = locate_fields(DOCTYPES["inn"], [page_of([
        (100, 100, "ИНН 500100732259"), (100, 300, "пол Женский дата рождения [1|6]/1[2]1]9]5[6")])])
    assert (found["birth_date"].value, found["birth_date"].confidence) == ("1956-12-16", 0.5)
    assert "boxes" in found["birth_date"].warning
    # No date there, walls or not: nothing made up.
    found = locate_fields(DOCTYPES["inn"], [page_of([
        (100, 100, "ИНН 500100732259"), (100, 300, "пол Женский дата рождения [1|6]/1[2]1]9]5")])])
    assert found["birth_date"].value is None


def test_an_invoice_number_read_after_a_hyphen_is_doubted():
    """'ТД-4840' read 'Т' and '-4840' (the 'Д' lost in its underline): '4840' is no sure number."""
    found = locate_fields(DOCTYPES["invoice"], [page_of([(100, 100, "СЧЕТ-ФАКТУРА № Т -4840 от 01.03.2017")])])
    assert found["number"].value == "4840" and found["number"].confidence <= 0.5 and found["number"].warning
    found = locate_fields(DOCTYPES["invoice"], [page_of([(100, 100, "СЧЕТ-ФАКТУРА № ТД-4840 от 01.03.2017")])])
    assert found["number"].value == "ТД-4840" and found["number"].confidence > 0.8


def test_a_one_word_label_joined_to_its_value_by_a_speck_is_a_label():
    """'Пол-мужской': a speck between the label and the value read as a dash. The place of birth
    above ends before it, and the gender is read."""
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"),
        (100, 240, "№ 320-950-081 38"),
        (100, 500, "Место рождения гор. РОСТОВ-НА-ДОНУ"),
        (100, 560, "Пол-мужской"),
        (100, 620, "Дата регистрации 12.01.2012"),
    ])
    assert (got["birth_place"], got["gender"]) == ("ГОР. РОСТОВ-НА-ДОНУ", "male")


def test_a_one_word_label_read_with_no_space_before_its_values_capital_is_a_label():
    """'(ЗаказчикПубличное': the bracket closing 'Покупатель (Заказчик)' lost under the value's
    first letter on a photographed bill; the value is the whole legal form and name."""
    got = values("invoice", [
        (100, 100, "Счет на оплату № 989/05 от 30.05.2022"),
        (100, 300, "Покупатель (ЗаказчикПубличное акционерное общество “Прогресс”, ИНН 4033419813, КПП 403301001"),
    ])
    assert got["buyer_name"] == 'Публичное акционерное общество "Прогресс"'  # its curly pair straight


@pytest.mark.parametrize("label", ["®. И. О.", "©. И. O.:", "Ф.И. 0."])
def test_snils_name_label_as_tesseract_misreads_it(label):
    """A small 'Ф' comes out as '®' or '©', and 'О' as a zero or a Latin 'O'."""
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"),
        (100, 240, "№ 112-233-445 95"),
        (100, 320, f"{label} КАБАНОВ"),
        (400, 380, "АРТЕМИЙ"),
        (400, 440, "АНТИПОВИЧ"),
        (100, 500, "Дата и место рождения 12 марта 1975 года"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Кабанов", "Артемий", "Антипович")


def test_a_bills_supplier_printed_as_its_letterhead_is_the_seller():
    """No 'Поставщик': the supplier's name, codes and bank over the title 'Счёт № 87/5'. The
    seller is the letterhead's organisation and its ИНН/КПП, not the bank's БИК; unsure."""
    got = locate_fields(DOCTYPES["invoice"], [page_of([
        (100, 100, "ООО «Фармацевт-Плюс»"),
        (100, 160, "390973, г. Краснодар, ул. Заводская, д. 89"),
        (100, 200, "ИНН 2355084283 КПП 235501001 ОГРН 8108224043109"),
        (100, 240, "К/с 30101810789352828858 БИК 047489329"),
        (600, 400, "Счёт № УТ-3038"), (600, 450, "от 11 сентября 2023 г."),
        (100, 550, "Плательщик: АО «Альфа-Трейд»"), (100, 600, "ИНН / КПП: 0226099087 / 022601001"),
        (900, 900, "Итого к оплате: 167607.51"),
    ])])
    assert (got["seller_name"].value, got["seller_inn"].value, got["seller_kpp"].value) == (
        "ООО «Фармацевт-Плюс»", "2355084283", "235501001")
    assert all(got[f].confidence <= 0.7 and got[f].warning for f in ("seller_name", "seller_inn", "seller_kpp"))
    assert (got["buyer_name"].value, got["buyer_inn"].value) == ("АО «Альфа-Трейд»", "0226099087")
    # A sole trader's letterhead prints no КПП: none is made up from the bank's codes.
    got = locate_fields(DOCTYPES["invoice"], [page_of([
        (100, 100, "ИП Чистякова Ульяна Руслановна"), (100, 200, "ИНН 761828686691 ОГРНИП 178566038737400"),
        (100, 240, "к/с 30101810620223033751 БИК 047588051"), (100, 400, "Счёт № 87/5"),
        (100, 550, "Плательщик: ООО «Промснаб»"),
    ])])
    assert (got["seller_name"].value, got["seller_inn"].value, got["seller_kpp"].value) == (
        "ИП Чистякова Ульяна Руслановна", "761828686691", None)
    # Its title read with a word glued ('СЧЕТНА ОПЛАТУ') or its number's 'Ф' as a sign ('С$-794').
    for title in ("СЧЕТНА ОПЛАТУ № 45/3", "СЧЕТ НА ОПЛАТУ № С$-794"):
        got = locate_fields(DOCTYPES["invoice"], [page_of([
            (100, 100, "ООО «Промснаб»"), (100, 160, "546168, г. Ростов-на-Дону, ул. Пушкина, д. 82"),
            (100, 200, "ИНН 6129785162 КПП 612901001. ОГРН 5587897392717"),
            (100, 240, "к/с 30101810523702498663 БИК 048981800"), (500, 400, title),
            (100, 550, "Покупатель: ПАО «НПО Квант»")])])
        assert (got["seller_name"].value, got["seller_inn"].value, got["seller_kpp"].value) == (
            "ООО «Промснаб»", "6129785162", "612901001"), title


def test_sections_tell_seller_and_buyer_columns_apart():
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
        (100, 200, "Продавец"), (1300, 200, "Покупатель"),
        (100, 260, "ООО «Ромашка»"), (1300, 260, "АО «Лютик»"),
        (100, 320, "ИНН: 7707083893"), (1300, 320, "ИНН: 7830002293"),
        (100, 380, "КПП: 770701001"), (1300, 380, "КПП: 783001001"),
        (100, 500, "Всего к оплате 100 000,00 20 000,00 120 000,00"),
    ])
    assert got["number"] == "45" and got["date"] == "2023-03-15"
    assert (got["seller_name"], got["buyer_name"]) == ("ООО «Ромашка»", "АО «Лютик»")
    assert (got["seller_inn"], got["seller_kpp"]) == ("7707083893", "770701001")
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("7830002293", "783001001")
    assert got["total"] == "120000.00"


def test_an_invoice_total_lost_from_its_row_is_read_from_the_summary_line():
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
        (100, 500, "Всегок оплате: 48155730 X | 960455"),  # a poor scan's reading of the row
        (100, 600, "Всего наименований 7, на сумму 577 602,86 руб."),
    ])
    assert got["total"] == "577602.86"


def test_a_value_under_a_label_is_not_taken_from_the_next_fields_labelled_row():
    """The seller's INN unreadable on its own row: the buyer's, on the row under it, is the
    buyer's, not a candidate for the seller's."""
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
        (100, 200, "Продавец ООО «Ромашка»"),
        (100, 260, "ИНН/КПП продавца ###"),
        (100, 320, "ИНН/КПП покупателя 7830002293/783001001"),
    ])
    assert got["seller_inn"] is None and got["buyer_inn"] == "7830002293"


def test_signs_and_stray_letters_of_the_other_script_are_no_part_of_a_place():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 160, "Дата выдачи 01.02.2010 Код подразделения 770-001"),
        (100, 540, "Место рождения ГОР. КАЗАНЬ N © РЕСП. ТАТАРСТАН I"),
    ])
    assert got["birth_place"] == "ГОР. КАЗАНЬ РЕСП. ТАТАРСТАН"


def test_a_short_word_of_the_other_script_at_a_values_end_is_dropped_however_sure():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 300, "Фамилия Ry Галиева"),
        (100, 540, "Место рождения SoS МОСКОВСКАЯ ОБЛ., Г. СЕРПУХОВ"),
    ])
    assert got["last_name"] == "Галиева"
    assert got["birth_place"] == "МОСКОВСКАЯ ОБЛ., Г. СЕРПУХОВ"


def test_a_label_wrapped_round_its_value_is_found_on_the_lines_above_and_below_it():
    """'Дата' over the value over 'рождения': the label's two lines beside a value centred
    between them, after the gender on the first line."""
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 300, "Фамилия МАЛЬЦЕВ"),
        (100, 400, "Пол МУЖ. Дата"),
        (420, 440, "18.12.1991"),
        (298, 480, "рождения"),
        (100, 560, "Место"), (298, 560, "ГОР. ТАМБОВ"),
        (100, 600, "рождения"),
    ])
    assert got["birth_date"] == "1991-12-18" and got["gender"] == "male"
    assert got["birth_place"] == "ГОР. ТАМБОВ"


def test_invalid_value_is_kept_and_flagged():
    found = locate_fields(DOCTYPES["snils"], [page_of([
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"),
        (100, 180, "№ 112-233-445 96"),
    ])])
    number = found["number"]
    assert number.value == "112-233-445 96" and number.valid is False
    assert "check" in (number.warning or "")
    assert found["last_name"].value is None  # absent: present, null


@pytest.mark.parametrize("company_number", ["(123456-X)", "(CO. REG. NO. 123456-X)", "(CO. BEC. NO. 123456-X)",
                                            "BR No.: 0195932-X", "ROC 0195932-X"])  # its label no name
def test_receipt_layout_fields(company_number):
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 150, company_number),  # skipped, even with its words misread
        (300, 200, "NO. 12, JALAN BESAR,"),
        (300, 250, "81100 JOHOR BAHRU"),
        (300, 300, "TEL: 07-1234567"),
        (300, 350, "DATE: 25/12/2018 10:32"),
        (300, 450, "SUBTOTAL 8.49"),
        (300, 500, "TOTAL 9.00"),
        (300, 550, "CASH 10.00"),
    ])
    assert got == {"company": "ABC TRADING SDN BHD", "address": "NO. 12, JALAN BESAR, 81100 JOHOR BAHRU",
                   "date": "2018-12-25", "total": "9.00"}


@pytest.mark.parametrize("company_number", ["(563237.0)", "(2M587928-A)"])
def test_a_registration_number_misread_alone_on_its_row_is_no_part_of_the_address(company_number):
    """Its hyphen read as a stop and its letter as a figure, or a figure as a letter; the rows
    as close as a narrow receipt's."""
    got = values("receipt", [
        (140, 108, "HOCK SOON STATIONERY & BOOKS SDN BHD"), (500, 171, company_number),
        (260, 219, "6-15A JALAN MEWAH 3 BANDAR SUNWAY"), (330, 267, "68100 BATU CAVES, SELANGOR"),
        (430, 315, "TEL: 012-401 9259"),
    ])
    assert got["address"] == "6-15A JALAN MEWAH 3 BANDAR SUNWAY 68100 BATU CAVES, SELANGOR"


def test_a_fax_transmission_header_gives_no_date_a_document_at_the_top_keeps_its_own():
    receipt = [(300, 300, "ABC TRADING SDN BHD"), (300, 350, "NO. 12, JALAN BESAR,"), (300, 500, "TOTAL 9.00")]
    header = [(50, 20, "21/01/2019 14:19 FROM: +7 499 201 47 67"), (1900, 20, "P1001/004")]  # its stop read '1'
    # The receiving machine's date is not the receipt's: none rather than a wrong one; also
    # where its page count is lost, or the header is printed at the page's foot.
    assert values("receipt", header + receipt)["date"] is None
    assert values("receipt", header[:1] + receipt)["date"] is None
    assert values("receipt", receipt + [(50, 2900, "21/01/2019 14:19 FROM: +7 499 201 47 67")])["date"] is None
    assert values("receipt", header + receipt + [(300, 400, "DATE: 25/12/2018 10:32")])["date"] == "2018-12-25"
    # A receipt cropped tight, its own date and time on its top line: kept.
    assert values("receipt", [(300, 20, "DATE: 25/12/2018 10:32")] + receipt)["date"] == "2018-12-25"
    # Read in Russian and English, the header's Latin letters come as their Cyrillic twins: a
    # passport's dates whose labels were lost are not told apart among its date.
    cyrillic = [(50, 20, "19/04/2017 19:55 РВОМ: +7 846 736 46 66"), (1900, 20, "Р.001/004")]
    got = values("passport", cyrillic + PASSPORT_SCRAPS)
    assert (got["birth_date"], got["issue_date"]) == ("1980-04-03", "2010-02-01")


def test_a_rule_beside_a_names_caption_read_as_two_letters_is_no_name():
    rows = page_of([(100, 100, "БЕЛОЗЕРОВ"), (100, 150, "Фамилия"), (100, 250, "ВЛАДЛЕН"), (100, 300, "Имя")])
    rule = Word("Щл", (300, 160, 450, 172), 51.0, "rule")
    found = locate_fields(DOCTYPES["passport"], [replace(rows, words=rows.words + [rule])])
    assert (found["last_name"].value, found["first_name"].value) == ("Белозеров", "Владлен")


def test_label_wrapped_over_two_lines_of_a_narrow_column():
    got = values("snils", [
        (100, 40, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО № 112-233-445 95"),
        (100, 100, "Фамилия, имя,"), (700, 100, "КАПУСТИНА"),
        (100, 150, "отчество:"), (700, 150, "ФЕВРОНИЯ"),
        (700, 200, "ИВАНОВНА"),
        (100, 270, "Дата и место"), (700, 270, "«27» ИЮЛЯ 1950 Г."),
        (100, 320, "рождения:"), (700, 320, "ПОС. УСИНСК"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Капустина", "Феврония", "Ивановна")
    assert got["birth_date"] == "1950-07-27" and got["birth_place"] == "ПОС. УСИНСК"


def test_labels_on_consecutive_lines_are_not_taken_for_one_wrapped_label():
    # 'ИНН' over 'КПП продавца:' reads as the label 'ИНН/КПП продавца', but the words after
    # 'ИНН' follow at a space's distance: the line goes on, it does not wrap.
    got = values("invoice", [
        (100, 100, "ИНН продавца: 7707083893"),
        (100, 150, "КПП продавца: 770701001"),
    ])
    assert got["seller_inn"] == "7707083893" and got["seller_kpp"] == "770701001"


def test_vertical_number_in_a_text_layer_stays_out_of_the_row_it_crosses():
    page = page_of([
        (100, 100, "Фамилия ИВАНОВ"),
        (100, 600, "Место рождения ГОР. ТУЛА"),
    ])
    # The passport's series and number printed turned, word above word, at the right edge.
    page.words += [Word("45", (2300, 520, 2340, 580), 100.0, ("v", 1)),
                   Word("12", (2300, 590, 2340, 650), 100.0, ("v", 1)),
                   Word("059286", (2300, 660, 2340, 900), 100.0, ("v", 1))]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["passport"], [page]).items()}
    assert got["birth_place"] == "ГОР. ТУЛА"
    assert got["series_number"] == "4512 059286"


def test_captions_spread_over_columns_and_specks_between_the_names():
    # '(фамилия)   (имя)   (отчество)' under the names: three captions, not the group label
    # 'Фамилия, имя, отчество' printed whole; unsure Latin specks between the names are dropped.
    words = [Word("ИНН", (200, 60, 280, 100), 96.0, 0), Word("500100732259", (300, 60, 560, 100), 96.0, 0)]
    # The specks' gap (124 px) is narrower than a column gap (160 px); the names' gaps are wider.
    for x, text, conf in ((200, "ВЛАДИМИРОВА", 97), (920, "ВАСИЛИСА", 92), (1110, "Ses", 30),
                          (1300, "ees", 31), (1400, "ВИКТОРОВНА", 97)):
        words.append(Word(text, (x, 200, x + 22 * len(text), 240), float(conf), 1))
    for x, text in ((200, "(фамилия)"), (920, "(имя)"), (1400, "(отчество)")):
        words.append(Word(text, (x, 250, x + 22 * len(text), 290), 97.0, 2))
    page = PageText(1, 2400, 3000, 300, "ocr", words)
    got = {k: f.value for k, f in locate_fields(DOCTYPES["inn"], [page]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Владимирова", "Василиса", "Викторовна")


def test_kpp_with_letters_read_as_their_cyrillic_twins():
    """Positions 5-6 of a KPP may be Latin capitals; OCR of rus+eng often gives 'ВР' for 'BP'."""
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
        (100, 200, "Продавец: ООО «Ромашка»"),
        (100, 260, "ИНН/КПП продавца: 5442097485/5442ВР002"),
        (100, 320, "Покупатель: АО «Лютик»"),
        (100, 380, "ИНН/КПП покупателя: 6886464876/68860А002"),
    ])
    assert got["seller_kpp"] == "5442BP002" and got["buyer_kpp"] == "68860A002"


def test_a_bracketed_qualifier_ends_its_label():
    """АДИ-РЕГ: 'Отчество (при наличии) | ЭДУАРДОВИЧ' in a two-column table."""
    got = values("snils", [
        (100, 100, "УВЕДОМЛЕНИЕ о регистрации в системе индивидуального учета"),
        (100, 300, "Фамилия"), (1100, 300, "ФИЛИППОВ"),
        (100, 380, "Имя"), (1100, 380, "ГЕННАДИЙ"),
        (100, 460, "Отчество (при наличии)"), (1100, 460, "ЭДУАРДОВИЧ"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Филиппов", "Геннадий", "Эдуардович")


def test_a_caption_between_heading_and_value_is_passed_over():
    """Seller and buyer blocks side by side, each cell's caption above its value."""
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 00874 от 13.09.2015"),
        (100, 200, "Продавец"), (1300, 200, "Покупатель"),
        (100, 260, "Наименование"), (1300, 260, "Наименование"),
        (100, 320, "АО «Альянс»"), (1300, 320, "АО «Медпром»"),
        (100, 380, "Адрес"), (1300, 380, "Адрес"),
        (100, 440, "г. Владивосток, ул. Свердлова, д. 160"), (1300, 440, "г. Екатеринбург, ул. Гагарина, д. 1"),
    ])
    assert (got["seller_name"], got["buyer_name"]) == ("АО «Альянс»", "АО «Медпром»")


def test_a_value_above_the_next_label_stops_there():
    got = values("inn", [
        (100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
        (100, 300, "Место рождения"),
        (100, 360, "РОСТОВСКАЯ ОБЛАСТЬ, САЛЬСКИЙ Р-Н, С. БЕРЕЗОВКА"),
        (100, 420, "Наименование налогового органа"),
        (100, 480, "Инспекция ФНС России № 23 по Ростовской области"),
    ])
    assert got["birth_place"] == "РОСТОВСКАЯ ОБЛАСТЬ, САЛЬСКИЙ Р-Н, С. БЕРЕЗОВКА"


def test_digits_read_as_lines_of_one_word_each_make_one_row():
    """A sparse reading gives each boxed digit as its own line, their tops a pixel apart in
    no order: the lines interleave, and still form one row."""
    digits = "368086645175"
    rows = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
            (100, 300, "Идентификационный номер налогоплательщика (ИНН)")]
    rows += [(200 + 110 * i, 400 + (i * 7) % 3, d) for i, d in enumerate(digits)]
    assert values("inn", rows)["inn"] == digits


def test_a_speck_read_as_a_letter_beside_a_name_keeps_it_on_its_row():
    """A sparse reading gave the surname with a speck 'к' under its line (12 px against 49):
    the surname's line is on the row of the names beside it, read first, as printed."""
    words = [Word("НАДЕЖДА", (1333, 1165, 1682, 1261), 96.0, (19, 1, 1)),
             Word("ВАСИЛЬЕВНА", (1706, 1153, 2142, 1250), 96.0, (19, 1, 1)),
             Word("к", (927, 1270, 935, 1282), 68.0, (20, 1, 1)),
             Word("ГАРИПОВА", (963, 1201, 1266, 1250), 93.0, (20, 1, 1))]
    rows = build_rows(words)
    assert ["ГАРИПОВА", "НАДЕЖДА", "ВАСИЛЬЕВНА"] in [[w.text for w in row.words if w.text != "к"] for row in rows]


def test_an_unsure_scrap_far_right_of_a_name_is_no_part_of_it():
    """A stamp's stroke read 'що,' at 21 %, three heights right of 'СЕРГЕЙ' on its row."""
    def page(scrap_conf: float) -> PageText:
        head = page_of([(72, 115, "Паспорт выдан ОВД АВТОЗАВОДСКОГО РАЙОНА")], width=1000).words
        words = [Word("Фамилия", (356, 792, 438, 806), 96.0, 6), Word("САВИН", (559, 819, 669, 845), 95.0, 8),
                 Word("Имя", (356, 863, 393, 876), 93.0, 9), Word("СЕРГЕЙ", (556, 886, 672, 916), 94.0, 17),
                 Word("що,", (774, 895, 855, 911), scrap_conf, 16), Word("Отчество", (356, 933, 439, 947), 92.0, 10),
                 Word("ИЛЬИЧ", (560, 961, 670, 986), 91.0, 24)]
        return PageText(1, 1000, 1400, 200, "ocr", head + words)

    got = {k: f.value for k, f in locate_fields(DOCTYPES["passport"], [page(21.0)]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Савин", "Сергей", "Ильич")


def test_labels_wrapped_beside_their_values_in_a_passports_narrow_columns():
    """'Дата' over 'рождения' after another value on its row, and 'Место' over 'рождения'
    with the place going on below the label's second line."""
    got = values("passport", [
        (100, 100, "Паспорт выдан ОВД АВТОЗАВОДСКОГО РАЙОНА"),
        (100, 300, "Фамилия"), (600, 300, "КОМАРОВ"),
        (100, 380, "Пол"), (300, 380, "МУЖ"), (500, 380, "Дата"), (800, 380, "29.06.1951"),
        (500, 420, "рождения"),
        (100, 500, "Место"), (500, 500, "ГОР. АРЗАМАС"),
        (100, 540, "рождения"),
        (300, 580, "НИЖЕГОРОДСКОЙ ОБЛАСТИ"),
    ])
    assert got["gender"] == "male" and got["birth_date"] == "1951-06-29"
    assert got["birth_place"] == "ГОР. АРЗАМАС НИЖЕГОРОДСКОЙ ОБЛАСТИ"


def test_a_value_over_its_caption_is_no_wrapped_label():
    """A card prints each value over its caption. 'Г. ТУЛА' over 'Место рождения' reads as
    the wrapped 'Дата и место рождения' at 83 taken whole, but its first line is no 'Дата и'."""
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
        (900, 380, "004-370-343 00"), (900, 430, "Страховой номер"),
        (520, 860, "20.02.1946"), (1480, 860, "МУЖ."),
        (520, 910, "Дата рождения"), (1480, 910, "Пол"),
        (965, 984, "Г. ТУЛА"), (900, 1034, "Место рождения"),
        (940, 1111, "19.11.2016"), (900, 1160, "Дата регистрации"),
    ])
    assert got["birth_place"] == "Г. ТУЛА"


def test_a_section_field_whose_label_was_lost_is_the_one_value_of_its_kind_in_its_section():
    """A speck over the buyer's 'ИНН/КПП:' read it 'инйл': the value's own shape finds it in
    the buyer's column; two values of a kind there (a KPP and a bank's BIK) give none."""
    def page(buyer_rows):
        return values("invoice", [
            (1000, 100, "Счет-фактура № B-7751/2023 от 9 мая 2023 г."),
            (100, 250, "ПРОДАВЕЦ"), (1400, 250, "ПОКУПАТЕЛЬ"),
            (100, 300, "ЗАО «Ромашка»"), (1400, 300, "ПАО «Меридиан»"),
            (100, 400, "ИНН/КПП: 1638190315/163802003"),
        ] + buyer_rows)
    got = page([(1400, 400, "инйл '7126706559/712602009")])
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("7126706559", "712602009")
    assert (got["seller_inn"], got["seller_kpp"]) == ("1638190315", "163802003")
    got = page([(1400, 400, "инйл '7126706559/712602009"), (1400, 450, "БИК 044525225")])
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("7126706559", None)
    # A section ends at the next party's header, whatever its column: the seller's codes
    # misread, the buyer's under 'Покупатель:' are no seller's.
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 200, "Продавец: ООО «Ромашка»"),
        (100, 260, "ИННЛАТЕТ 7707083893771"), (300, 300, "продавца:"), (100, 360, "Покупатель: АО «Медпром»"),
        (100, 420, "ИНН/КПП покупателя: 7830002293/783001001")])
    assert (got["seller_inn"], got["buyer_inn"]) == (None, "7830002293")


def test_a_page_whose_dates_lie_above_their_captions_reads_every_value_above_its_caption():
    """Captions under values, the row below each caption a little nearer than its value above
    (44 against 40 pixels): the dates, whose pattern says which row holds them, tell the
    page's way, and the names follow it."""
    values_and_captions = [("ПОЛЯКОВ", "Фамилия"), ("МАКСИМИЛЬЯН", "Имя"), ("АЛЕКСЕЕВИЧ", "Отчество"),
                           ("20 АПРЕЛЯ 1997 Г.", "Дата рождения"), ("ГОР. КРАСНОДАР", "Место рождения"),
                           ("6 СЕНТЯБРЯ 2021 Г.", "Дата регистрации")]
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ")]
    for i, (value, caption) in enumerate(values_and_captions):
        rows += [(349, 577 + 84 * i, value), (349, 621 + 84 * i, caption)]
    got = values("snils", rows)
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Поляков", "Максимильян", "Алексеевич")
    assert (got["birth_date"], got["birth_place"], got["registration_date"]) == (
        "1997-04-20", "ГОР. КРАСНОДАР", "2021-09-06")


def test_small_captions_beside_taller_dates_do_not_make_a_page_of_captions_under_values():
    """A passport's issuing page: the small 'Дата выдачи' and 'Код подразделения' printed
    beside their taller values, baselines aligned, fall in rows of their own under them. Level
    with their values, they are no captions under them: the data page's names stay under
    'Фамилия', not the signature's scrap over it ('АИГ', read at 0 %)."""
    words = page_of([(991, 387, "Паспорт выдан"), (1001, 446, "ТП УФМС РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛАСТИ"),
                     (1393, 1412, "Фамилия"), (1416, 1456, "СВЯТОСЛАВСКИЙ"), (1391, 1518, "Имя"),
                     (1414, 1560, "ОЛЕГ"), (1388, 1625, "Отчество"), (1412, 1667, "СЕРГЕЕВИЧ")]).words
    # Captions 17 pixels high level with values 39 high, their baselines alike: the captions'
    # row lies 10 pixels lower than the values'.
    words += [Word("Дата", (981, 796, 1027, 813), 97.0, 50), Word("выдачи", (1033, 796, 1106, 813), 97.0, 50),
              Word("22.03.2013", (1144, 775, 1393, 814), 96.0, 51),
              Word("Код", (1470, 796, 1505, 813), 97.0, 52), Word("подразделения", (1513, 796, 1663, 813), 96.0, 52),
              Word("521-060", (1702, 776, 1883, 814), 96.0, 53),
              Word("Личная", (978, 931, 1051, 948), 96.0, 54), Word("подпись", (1059, 931, 1141, 951), 96.0, 54),
              Word("АИГ", (1271, 890, 1640, 976), 0.0, 54)]
    got = locate_fields(DOCTYPES["passport"], [PageText(1, 2400, 3000, 300, "ocr", words)])
    assert (got["issue_date"].value, got["division_code"].value) == ("2013-03-22", "521-060")
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Святославский", "Олег", "Сергеевич")


def test_words_one_text_field_took_are_no_other_text_fields_value():
    """'ЗОЯ' over '(имя)' read '3048', no name: the patronymic under it, over its own caption,
    is the patronymic's, not the first name's too. A speck's 'ae' read unsure between a place
    and its caption is no place."""
    words = page_of([(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
                     (910, 661, "ПЕТУХОВА"), (927, 705, "(фамилия)"), (988, 779, "3048"), (990, 806, "(имя)"),
                     (870, 897, "НИКОЛАЕВНА"), (942, 939, "(отчество)"),
                     (711, 1127, "С. РЖЕВ, РЕСП. МАРИЙ-ЭЛ"), (870, 1176, "(место рождения)")]).words
    speck = Word("ae", (1045, 1150, 1060, 1178), 53.8, 20)
    got = locate_fields(DOCTYPES["inn"], [PageText(1, 2400, 3000, 300, "ocr", words + [speck])])
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Петухова", None, "Николаевна")
    assert got["birth_place"].value == "С. РЖЕВ, РЕСП. МАРИЙ-ЭЛ"


def test_a_value_found_anywhere_by_its_pattern_is_not_another_fields_labelled_value():
    """An issue date whose year read '201 1': the only date that reads as one is the birth
    date, which is the birth date's; the issue date is not found rather than wrong."""
    got = values("inn", [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
                         (301, 1345, "Дата рождения: 11 мая 1961 года"),
                         (1159, 3013, "Дата выдачи: 26 февраля 201 1 года")])
    assert (got["birth_date"], got["issue_date"]) == ("1961-05-11", None)


def test_figures_on_their_labels_rows_of_a_turned_page_do_not_make_it_a_page_of_captions():
    """A page turned 2 degrees: the number and date far right of 'Счет-фактура №' stand 20 to
    40 pixels higher than its words, on its row. The parties' names stay under their headers,
    not the row above ('Исправление № от')."""
    rows = [(531, 383, "Счет-фактура № 8859 от «09» августа 2019 г. (1)"), (535, 458, "Исправление № от (1а)"),
            (168, 550, "Продавец"), (1262, 550, "Покупатель"),
            (170, 610, "ПАО «Рожков и партнеры»"), (1262, 610, "АО «Родионов и партнеры»"),
            (167, 668, "Адрес: 723677, г. Тула, пер. Льва Толстого, д. 1"),
            (173, 727, "ИНН: 2301751452"), (1262, 727, "ИНН: 5208327942"),
            (310, 1390, "Всего к оплате 774645,61 154929,12 929574,73")]
    words = [replace(w, bbox=(w.bbox[0], round(w.bbox[1] - 0.035 * w.bbox[0]), w.bbox[2],
                              round(w.bbox[3] - 0.035 * w.bbox[0]))) for w in page_of(rows).words]
    got = locate_fields(DOCTYPES["invoice"], [PageText(1, 2400, 3000, 300, "ocr", words)])
    assert (got["number"].value, got["date"].value) == ("8859", "2019-08-09")
    assert (got["seller_name"].value, got["buyer_name"].value) == ("ПАО «Рожков и партнеры»", "АО «Родионов и партнеры»")


def test_a_lone_letter_of_the_other_script_inside_a_value_is_its_twin_or_nothing():
    """The preposition 'В' read as a Latin 'B' inside an office's name is 'В'; a Latin 'I',
    which has no Cyrillic twin, is a speck."""
    def issued_by(text):
        return values("passport", [(100, 100, "Паспорт выдан " + text), (100, 300, "Фамилия ИВАНОВ")])["issued_by"]
    assert issued_by("ОТДЕЛЕНИЕМ УФМС РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ. B ЗАВОДСКОМ Р-НЕ") == (
        "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ. В ЗАВОДСКОМ Р-НЕ")
    assert issued_by("ОТДЕЛОМ I УФМС РОССИИ ПО ГОР. МОСКВЕ") == "ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"


def test_an_unsure_scrap_beside_a_label_is_no_reading_of_it():
    """A speck right of 'Продавец' read 'eas' at 9 %: the seller's name is under the header."""
    words = page_of([(1000, 100, "Счет-фактура № 4754 от 25 июля 2022 г."),
                     (185, 554, "Продавец"), (1520, 554, "Покупатель"),
                     (185, 625, "ПАО «Агроторг»"), (1520, 625, "ЗАО «Гурьев и партнеры»")]).words
    speck = Word("eas", (1392, 560, 1447, 590), 8.6, 1)
    got = locate_fields(DOCTYPES["invoice"], [PageText(1, 2400, 3000, 300, "ocr", words + [speck])])
    assert (got["seller_name"].value, got["buyer_name"].value) == ("ПАО «Агроторг»", "ЗАО «Гурьев и партнеры»")


def test_snils_number_with_a_group_split_by_ocr():
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
        (100, 200, "Страховой номер 438-685-2 52 28"),
    ])
    assert got["number"] == "438-685-252 28"



def test_a_group_label_whose_colon_reads_as_a_word_of_its_own_before_a_wide_gap():
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
        (100, 200, "№ 880-443-814 20"),
        (100, 300, "Ф. И. O::"), (800, 300, "ВИНОГРАДОВА"), (800, 350, "СИНКЛИТИКИЯ"), (800, 400, "ВАДИМОВНА"),
        (100, 480, "Дата и место рождения:"), (800, 480, "20 МАРТА 1988 Г."),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Виноградова", "Синклитикия", "Вадимовна")


def test_snils_number_with_a_hyphen_read_as_a_colon():
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
        (100, 200, "№ 148:870-459 09"),
    ])
    assert got["number"] == "148-870-459 09"


def test_a_line_read_upright_from_the_pages_edge_does_not_set_the_rows_slope():
    """A passport's number read from its edge strip turned upright, mapped back onto the page:
    its words stand one above the other. The page's rows stay level."""
    page = page_of([(100, 300, "Фамилия РОМАНОВ"), (100, 400, "Имя АРКАДИЙ"), (100, 500, "Отчество АДАМОВИЧ")])
    upright = [Word(text, (1900 + 180 * k, 200 + 700 * k, 1960 + 180 * k, 600 + 700 * k), 80.0,
                    ("region", 270, (0, 0, 9, 9))) for k, text in enumerate(["36", "19", "926621"])]
    rows = build_rows(page.words + upright)
    assert [" ".join(w.text for w in r.words) for r in rows if r.words[0].text in ("Фамилия", "Имя", "Отчество")] == [
        "Фамилия РОМАНОВ", "Имя АРКАДИЙ", "Отчество АДАМОВИЧ"]


def _stamped_passport_page() -> PageText:
    """A passport page turned a degree, under a stamp, as Tesseract read it: on the date's line
    the stamp's ring made two boxes three times the print's height and took them down."""
    lines = [
        [("Фамилия", (178, 228, 358, 264), 96)], [("Имя", (178, 308, 252, 341), 79), ("|", (275, 352, 278, 354), 46)],
        [("Отчество", (174, 386, 362, 424), 96)], [("Пол", (175, 467, 246, 501), 97), ("мужской", (268, 469, 465, 516), 96)],
        [("Дата", (171, 546, 266, 586), 97), ("рождения", (286, 556, 487, 593), 97)],
        [("Место", (171, 626, 290, 660), 97), ("рождения", (307, 637, 510, 673), 97)],
        [("ТРЕТЬЯКОВ", (669, 239, 927, 276), 92), ("Г", (1276, 254, 1306, 323), 88)],
        [("ПАНТЕЛЕЙМОН", (578, 308, 912, 356), 92)], [("БОРИСЛАВОВИЧ", (618, 396, 979, 437), 93)],
        [("_", (583, 597, 603, 599), 80), ("«30»", (626, 555, 725, 591), 72), ("ноября", (748, 519, 902, 635), 61),
         ("198", (936, 523, 1071, 638), 62), ("2>ОВСКАЯ", (951, 643, 1145, 677), 21)],
        [("_", (536, 676, 560, 678), 93), ("ДЕР.", (587, 619, 690, 687), 96), ("ТВЕРЬ,", (710, 621, 848, 690), 95),
         ("КИРОВСКАЯ,", (848, 640, 1209, 692), 68), ("_", (1179, 629, 1209, 696), 80)],
        [("_ОБЛ.", (792, 695, 920, 742), 76)]]
    words = [Word(t, box, float(conf), line) for line, texts in enumerate(lines) for t, box, conf in texts]
    return PageText(1, 2018, 1483, 300, "ocr", words)


def test_words_a_stamp_stretched_do_not_set_the_rows_slope():
    """The stamped line's slope (0.1 against the page's 0.02) put each name's row above its
    caption's, and each caption took the next name. Only a line's sure words of about its
    height set it."""
    found = locate_fields(DOCTYPES["passport"], [_stamped_passport_page()])
    assert (found["last_name"].value, found["first_name"].value, found["middle_name"].value) == (
        "Третьяков", "Пантелеймон", "Бориславович")


def test_two_names_given_the_same_words_alike_are_both_doubted(monkeypatch):
    """Rows set at the stamped line's slope gave the first name and the patronymic the same
    word, each its caption's nearest: neither is given as if it were sure."""
    monkeypatch.setattr(layout, "_skew_slope", lambda lines: 0.0997)
    found = locate_fields(DOCTYPES["passport"], [_stamped_passport_page()])
    first, middle = found["first_name"], found["middle_name"]
    assert first.value == middle.value == "Бориславович"
    assert first.confidence <= 0.5 and middle.confidence <= 0.5
    assert "middle_name" in first.warning and "first_name" in middle.warning


def test_two_names_given_the_same_words_go_by_the_side_the_pages_other_values_lie_on():
    """A passport printing captions over values, each name as near under its caption as over
    the next ('САФИНА' under 'Фамилия' and over 'Имя'); the office and the place lie under
    their captions, so each name is the one under its caption."""
    lines = [[("ПАСПОРТ", (109, 177, 252, 198)), ("ВЫДАН", (264, 177, 374, 202))],
             [("ГУ", (124, 238, 175, 268)), ("МВД", (197, 238, 294, 277)), ("РОССИИ", (317, 237, 495, 269)),
              ("ПО", (520, 237, 578, 269)), ("КРАСНОДАРСКОМУ", (602, 237, 1044, 277)), ("КРАЮ", (1066, 237, 1198, 269))],
             [("Фамилия", (536, 1194, 650, 1213))], [("САФИНА", (560, 1241, 755, 1273))],
             [("Имя", (535, 1300, 588, 1319))], [("МАРИНА", (561, 1348, 757, 1378))],
             [("Отчество", (536, 1405, 651, 1426))], [("ВАДИМОВНА", (561, 1453, 861, 1493))],
             [("Пол", (535, 1524, 584, 1543)), ("ЖЕН.", (616, 1514, 732, 1543)), ("Дата", (786, 1524, 848, 1548)),
              ("рождения", (861, 1520, 983, 1553)), ("13.11.1966", (1018, 1515, 1230, 1544))],
             [("Место", (535, 1607, 611, 1626)), ("рождения", (622, 1613, 747, 1631))],
             [("ГОР.", (561, 1654, 654, 1686)), ("ТУАПСЕ", (677, 1654, 856, 1686))]]
    words = [Word(t, box, 96.0, line) for line, texts in enumerate(lines) for t, box in texts]
    got = locate_fields(DOCTYPES["passport"], [PageText(1, 1476, 2079, 300, "ocr", words)])
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Сафина", "Марина", "Вадимовна")


def test_words_too_flat_to_be_print_are_noise_and_do_not_set_a_rows_height():
    """Stretches of a box's rule read as one-pixel 'words' ('a', 'E') on a value's line made
    its row one pixel high, and every gap on it a column gap."""
    page = page_of([(100, 100, "Продавец ООО Ромашка"), (100, 200, "ИНН/КПП продавца 7707083893/770701001")],
                   width=2400)
    flat = [Word(t, (1300 + 150 * i, 190, 1310 + 150 * i, 191), 48.0, 1) for i, t in enumerate("aEpT")]
    page = PageText(1, 2400, 3000, 300, "ocr", page.words + flat)
    found = locate_fields(DOCTYPES["invoice"], [page])
    assert (found["seller_inn"].value, found["seller_kpp"].value) == ("7707083893", "770701001")


def test_a_mark_far_flatter_than_its_rows_print_is_no_figure():
    """A stretch of a rule read as a sure '4', five pixels high on a row of 60-pixel print,
    between a card's middle name and its place of birth, joined them into one value."""
    words = page_of([(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
                     (409, 818, "ИЛАРИОНОВИЧ"), (1172, 818, "ПОС. ТАЙШЕТ, РЯЗАНСКАЯ ОБЛ."),
                     (521, 880, "Отчество"), (1437, 880, "Место рождения")]).words
    rule = Word("4", (986, 855, 1047, 860), 71.0, 1)
    got = locate_fields(DOCTYPES["snils"], [PageText(1, 2400, 3000, 300, "ocr", words + [rule])])
    assert got["middle_name"].value == "Иларионович"
    assert got["birth_place"].value == "ПОС. ТАЙШЕТ, РЯЗАНСКАЯ ОБЛ."
    # A word read sure whose box went wrong ('`Дата' four pixels high) is print.
    row = build_rows([Word("`Дата", (142, 537, 248, 541), 90.0, 3), Word("регистрации", (267, 543, 495, 575), 96.4, 3)])
    assert [w.text for r in row for w in r.words] == ["`Дата", "регистрации"]
    row = build_rows([Word("НОВОСИБИРСК", (877, 1153, 1427, 1221), 79.6, 3), Word("|ГОР.", (806, 1168, 852, 1174), 48.9, 3)])
    assert [w.text for r in row for w in r.words] == ["|ГОР.", "НОВОСИБИРСК"]
    # Read with no confidence at all under half the print's height: the rule under the value.
    words = [Word("ГОР.", (1109, 1483, 1209, 1525), 96.2, 3), Word("арии", (1206, 1466, 1580, 1487), 0.0, 3),
             Word("КАРАЧАЕВСК", (1229, 1487, 1532, 1535), 96.5, 3)]
    assert [w.text for r in build_rows(words) for w in r.words] == ["ГОР.", "КАРАЧАЕВСК"]
    words[1] = replace(words[1], conf=30.0)
    assert "арии" in [w.text for r in build_rows(words) for w in r.words]


def test_print_tesseract_read_twice_on_two_lines_counts_once():
    """'Отчества' read on the first name's line and on its own: once, on its own line, or it
    labels the first name as the patronymic."""
    words = page_of([(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
                     (347, 974, "Фамилия"), (958, 974, "Фролов"), (349, 1048, "Имя")]).words + [
        Word("Рюрик", (958, 1067, 1085, 1118), 96.5, 14), Word("Отчества", (344, 1116, 509, 1159), 72.1, 14),
        Word("Отчества", (343, 1114, 506, 1170), 86.4, 15), Word("Филимонович", (949, 1137, 1236, 1198), 85.0, 15)]
    got = locate_fields(DOCTYPES["inn"], [PageText(1, 2400, 3000, 300, "ocr", words)])
    assert (got["first_name"].value, got["middle_name"].value) == ("Рюрик", "Филимонович")


def test_a_words_first_or_last_letters_read_again_over_it_count_once():
    """'Л' read over 'Листвянка' as a word of its own: no 'Л' in the place. A word over
    another that does not begin or end it stays."""
    rows = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
            (200, 580, "Место рождения гор. Листвянка (Иркут.)")]
    page = page_of(rows)
    листвянка = next(w for w in page.words if w.text == "Листвянка")
    x0, y0, _, y1 = листвянка.bbox
    page.words.append(Word("Л", (x0 + 1, y0 + 4, x0 + 21, y1 + 2), 64.0, листвянка.line))
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value == "гор. Листвянка (Иркут.)"
    page.words[-1] = replace(page.words[-1], text="Ж")
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value != "гор. Листвянка (Иркут.)"
    # Its last letters, to where it ends, are read again too ('ЗА' and 'ВА' over 'ЗАХАРОВА').
    page.words[-1] = Word("ка", (листвянка.bbox[2] - 30, y0 + 2, листвянка.bbox[2], y1), 64.0, листвянка.line)
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value == "гор. Листвянка (Иркут.)"
    # Not a letter of the word from elsewhere in it ('и' under a box drawn over 'Мишин и').
    page.words[-1] = replace(page.words[-1], text="я")
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value != "гор. Листвянка (Иркут.)"
    # Its last letters read a hair surer than it, ending a height past it ('УЕВО' at 91.18 %
    # over 'ОРЕХОВО-ЗУЕВО' at 91.16 %): the whole is kept, not the part.
    page.words[-1] = Word("вянка", (x0 + 60, y0 - 1, листвянка.bbox[2] + 16, y1 - 2), листвянка.conf + 0.02,
                          листвянка.line)
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value == "гор. Листвянка (Иркут.)"


def test_a_name_read_in_two_closer_than_a_space_is_one_word():
    """'ЕЛ' and 'ИЗАР' four pixels apart at 40-pixel capitals: one name. A real space is a
    third of the capitals' height, and a speck's letter beside a name is no part of it."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО ОБЯЗАТЕЛЬНОГО ПЕНСИОННОГО СТРАХОВАНИЯ"),
            (722, 403, "Фамилия"), (754, 497, "Имя"), (724, 586, "Отчество")]
    words = page_of(rows).words + [
        Word("ГЕРАСИМОВ", (665, 361, 900, 400), 95.0, 10), Word("l", (904, 361, 908, 400), 95.0, 10),
        Word("ЕЛ", (708, 450, 752, 490), 96.9, 11), Word("ИЗАР", (756, 454, 844, 489), 92.5, 11),
        Word("ТРОФИМОВИЧ", (657, 546, 900, 585), 95.0, 12)]
    got = locate_fields(DOCTYPES["snils"], [PageText(1, 2400, 3000, 300, "ocr", words)])
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Герасимов", "Елизар", "Трофимович")
    apart = [replace(w, bbox=(w.bbox[0] + 12, w.bbox[1], w.bbox[2] + 12, w.bbox[3])) if w.text == "ИЗАР" else w
             for w in words]
    got = locate_fields(DOCTYPES["snils"], [PageText(1, 2400, 3000, 300, "ocr", apart)])
    assert got["first_name"].value == "Ел Изар"
    latin = [replace(w, text="Ane") if w.text == "ЕЛ" else w for w in words]
    got = locate_fields(DOCTYPES["snils"], [PageText(1, 2400, 3000, 300, "ocr", latin)])
    assert got["first_name"].value != "Aneизар"
    # A blurred scan's boxes grow tall: 'ФИЗИЧЕСКОЕ ЛИЦО' ten pixels apart at 70 pixels high is
    # a third of a letter's width apart, a space; the names after it are read one by one.
    assert _certificate_names([
        Word("ФИЗИЧЕСКОЕ", (216, 799, 511, 868), 96.8, 4), Word("ЛИЦО", (521, 791, 649, 865), 96.4, 4),
        Word("ПОПОВА", (670, 779, 874, 835), 96.2, 4), Word("ОКТЯБРИНА", (885, 763, 1176, 842), 96.2, 4),
        Word("БОГДАНОВНА", (1194, 746, 1496, 807), 68.5, 4), Word("(фамилия,", (1297, 805, 1464, 847), 96.4, 5),
        Word("имя,", (1477, 808, 1547, 832), 96.7, 5), Word("отчество)", (1562, 772, 1711, 838), 94.8, 5),
    ]) == ("Попова", "Октябрина", "Богдановна")
    # A group read as its three names, one word each, is not glued, however close their boxes
    # (a blurred, upscaled scan's boxes touch across a space).
    assert _certificate_names([
        Word("Физическое", (240, 923, 506, 968), 96.0, 5), Word("лицо", (519, 928, 623, 964), 95.0, 5),
        Word("ФЕДОТОВ", (647, 910, 911, 969), 93.0, 5), Word("СИЛЬВЕСТР", (911, 901, 1234, 962), 93.0, 5),
        Word("ДАНИЛОВИЧ", (1236, 892, 1561, 953), 97.0, 5),
    ]) == ("Федотов", "Сильвестр", "Данилович")


def _certificate_names(name_words: list[Word]) -> tuple:
    """The surname, name and patronymic an INN certificate's page with these words gives."""
    words = page_of([(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе")]).words
    got = locate_fields(DOCTYPES["inn"], [PageText(1, 2400, 3000, 300, "ocr", words + name_words)])
    return got["last_name"].value, got["first_name"].value, got["middle_name"].value


def test_a_rows_height_is_its_sure_words_height_not_a_stamps_scraps():
    """Scraps of a stamp on a name's row are taller than its letters: the gap between them and
    the name is a column gap for the name's height, and they are no part of it."""
    words = page_of([(457, 100, "Фамилия"), (468, 180, "МАЙОРОВА")]).words
    scraps = [Word("7", (189, 150, 211, 235), 43.0, 1), Word("ль.", (238, 150, 303, 235), 41.0, 1)]
    page = PageText(1, 2400, 3000, 300, "ocr", words + scraps)
    assert locate_fields(DOCTYPES["passport"], [page])["last_name"].value == "Майорова"


def test_scraps_a_horizontal_reading_makes_of_vertical_text_are_dropped():
    """A passport's number printed along its edge beside a value's line: read across, its
    digits became 'ра' at the end of the place of birth."""
    page = page_of([(450, 2080, "Место рождения ТАМБОВСКАЯ ОБЛ.,"), (520, 2130, "МОРШАНСКИЙ Р-Н")])
    vertical = [Word("68", (1027, 1980, 1071, 2070), 97.0, "v"), Word("14", (1028, 2084, 1070, 2160), 97.0, "v"),
                Word("063440", (1027, 2181, 1071, 2400), 97.0, "v")]
    scrap = Word("ра", (1028, 2084, 1070, 2113), 68.0, 0)
    # Unsure vertical 'text' over the labels (lines' ends read turned) drops nothing.
    unsure = Word("б=5е5ш", (440, 2000, 520, 2400), 11.0, "u")
    page = PageText(1, 1167, 3091, 300, "ocr", page.words + vertical + [scrap, unsure])
    found = locate_fields(DOCTYPES["passport"], [page])
    assert found["birth_place"].value == "ТАМБОВСКАЯ ОБЛ., МОРШАНСКИЙ Р-Н"


def test_a_scrap_beside_a_values_lines_is_passed_over_not_taken_for_its_next_line():
    """A digit read in the photo, on a row between a place's second and third lines, is
    left of the label and the value: the place goes on below it."""
    got = values("passport", [
        (450, 2080, "Место рождения ТАМБОВСКАЯ ОБЛАСТЬ, ОКТЯБРЬСКИЙ"),
        (520, 2130, "МОРШАНСКИЙ Р-Н, С."),
        (198, 2165, "2"),
        (610, 2200, "СОСНОВКА"),
    ])
    assert got["birth_place"] == "ТАМБОВСКАЯ ОБЛАСТЬ, ОКТЯБРЬСКИЙ МОРШАНСКИЙ Р-Н, С. СОСНОВКА"


def test_a_date_cut_from_a_place_keeps_the_next_lines_town_abbreviation():
    got = values("snils", [
        (100, 200, "Страховой номер 899-566-717 18"),
        (100, 470, "Дата и место рождения 30.06.1977"),
        (584, 525, "г. Красноярск Красноярский край"),  # right under the date
    ])
    assert got["birth_date"] == "1977-06-30"
    assert got["birth_place"] == "г. Красноярск Красноярский край"


def test_twelve_digits_of_a_longer_run_of_boxed_digits_are_no_inn_however_valid():
    """A box's wall read as a 0 before '2 4 3 5 6 7 1 8 7 2 5 1': its first twelve digits
    happen to check out. They are no INN: the run has thirteen."""
    header = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе")]
    assert values("inn", header + [(100, 300, "ИНН 0243 5671872 5 1")])["inn"] is None
    assert values("inn", header + [(100, 300, "ИНН 2 4 3 5 6 7 1 8 7 2 5 1")])["inn"] == "243567187251"


def test_a_sole_traders_twelve_digit_inn_beside_its_kpp_and_the_buyers_apart():
    got = values("invoice", [
        (100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
        (100, 200, "Продавец ИП Иванов Иван Иванович"),
        (100, 260, "ИНН/КПП продавца 247899609419/199345731"),
        (100, 320, "Покупатель ООО «Лютик»"),
        (100, 380, "ИНН / КПП покупателя 7830002293 / 783001001"),
    ])
    assert (got["seller_inn"], got["seller_kpp"]) == ("247899609419", "199345731")
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("7830002293", "783001001")


def test_a_combined_label_in_the_sellers_section():
    got = values("invoice", [
        (100, 200, "Продавец"), (1300, 200, "Покупатель"),
        (100, 260, "ИНН / КПП 7707083893/770701001"), (1300, 260, "ИНН / КПП 7830002293/783001001"),
    ])
    assert (got["seller_inn"], got["seller_kpp"]) == ("7707083893", "770701001")
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("7830002293", "783001001")


@pytest.mark.parametrize("row, total", [
    ("Всего к оплате 28953.0 X 5212.0 34165.0", "34165.00"),  # without tax, tax, with tax
    ("Всего к оплате 28 953-00 X 5 212-00 34 165-00 руб.", "34165.00"),
    ("Всего к оплате 1.234.567,80 X 205.761,30 1.440.329,10", "1440329.10"),
    ("Всего к оплате 846 549,00 X 169 309,80 1015.858,80", "1015858.80"),  # the last's space read as a stop
    ("Всего к оплате: 126 099 руб. 50 коп.", "126099.50"),  # roubles and kopecks in words
    ("Всего к оплате 28 953,00 5 212,00 34 165,00", "34165.00"),
])
def test_an_invoice_total_is_the_amount_with_tax_on_its_row(row, total):
    got = values("invoice", [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, row)])
    assert got["total"] == total


def test_an_invoice_total_unread_after_an_amount_and_its_tax_at_a_rate_is_their_sum():
    """A stamp over the total: the row read the amount without tax and the tax (20 % of it)
    only; the amount without tax had been given as the total, sure (silent)."""
    rows = [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
            (100, 500, "|Всего к оплате (9) | 26056.00 \\ \\- мА, $ {5211.20| |")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value == "31267.20" and found.warning and found.confidence <= 0.6
    # A second amount that is no tax at a rate of the first: no sum.
    rows[1] = (100, 500, "|Всего к оплате (9) | 26056.00 \\ \\- мА, $ {5311.20| |")
    assert values("invoice", rows)["total"] != "31367.20"


def test_an_invoice_total_that_is_the_amount_with_vat_stands_though_the_tax_between_was_misread():
    """A fax's total row: '51 010,80' for 51 016,80 between; the last amount is the first with
    20 % VAT, so it is the total (the amount without tax had been given, sure: silent)."""
    page = page_of([(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 1000, "Всего к оплате")], width=2345)
    page.words = page.words + [
        Word("255", (1508, 1023, 1560, 1053), 93.0, 9), Word("084.00", (1570, 1023, 1640, 1053), 93.0, 9),
        Word("Хх", (1730, 1023, 1760, 1053), 40.0, 9),
        Word("51", (1880, 1023, 1910, 1053), 92.0, 9), Word("010,80", (1920, 1023, 2000, 1053), 92.0, 9),
        Word("306", (2170, 1023, 2215, 1053), 93.0, 9), Word("100,80", (2225, 1023, 2300, 1053), 93.0, 9)]
    assert locate_fields(DOCTYPES["invoice"], [page])["total"].value == "306100.80"


def test_an_invoice_tax_larger_than_the_total_after_it_is_no_sure_total():
    # The official form's row read from its excise mark on: 'x', the tax, the total (a figure lost).
    rows = [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, "Всего к оплате"),
            (1400, 550, "x 23584.20 14150.20")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value is None or found.confidence <= 0.5 and found.warning


def test_an_invoice_total_read_without_its_decimal_point_is_the_sum_its_digits_spell():
    rows = [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, "|Веего к оплате 288 522,00] 57704.40 346 22640")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value == "346226.40" and "decimal point" in found.warning
    # Digits that are not the sum's: not read as it; the sum, the amount and its tax agreeing at a
    # VAT rate, only doubted.
    rows[1] = (100, 500, "|Веего к оплате 288 522,00] 57704.40 346 22690")
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value != "346226.40" or found.confidence <= 0.6 and "decimal point" not in found.warning
    # The tax unread too ('0047880'): digits that are the amount without tax at a VAT rate.
    rows[1] = (100, 500, "Всего к оплате : 302394,00 х 0047880 36287280 „ _ о")
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value == "362872.80" and "decimal point" in found.warning
    rows[1] = (100, 500, "Всего к оплате : 302394,00 х 0047880 36287290")
    assert values("invoice", rows)["total"] != "362872.90"


def test_an_invoice_total_row_whose_later_figures_did_not_read_as_amounts_is_doubted():
    """The tax and the total misread together ('$36,346'): the one amount read is the one
    without tax, not to be trusted as the total."""
    rows = [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, "Всего к оплате (9) | 2 631,80 x $36,346")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value == "2631.80" and found.confidence <= 0.3 and "did not read as amounts" in found.warning
    rows[1] = (100, 500, "Всего к оплате (9) 3 218,16")
    assert locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"].warning is None
    # The official form's excise mark after the one amount read, the tax and the total lost
    # under a stamp ('тетя'): the amount without tax, no total to trust.
    rows[1] = (100, 500, "Всего к оплате (9) 5 184 922-43 X С О тетя")
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.confidence <= 0.3 and "without tax" in found.warning


def test_amounts_in_columns_are_not_read_as_one_amount_in_thousands():
    """The first two amounts of the total row lost their other groups ('661 ...', '132 ...'):
    a column's width apart, they and the third are no amount '661 132 794 283,52'."""
    got = values("invoice", [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, "Всего к оплате"),
                             (1300, 500, "661"), (1700, 500, "132"), (2100, 500, "794 283,52")])
    assert got["total"] == "794283.52"


def test_a_labels_name_in_another_language_after_a_slash_is_no_value():
    """The tax service's page prints 'Фамилия / Surname' over the value; English read in Russian
    ('Зигпаше', 'Р!асе о! Ыг') is the label's other name, its slash read alone and dropped."""
    got = values("inn", [(100, 100, "Сведения о постановке на учет"), (100, 200, "ИНН / ТИН"), (100, 260, "502147908487"),
                         (100, 340, "Фамилия / Зигпаше"), (900, 340, "Пол / бех"), (100, 400, "ИЛЬИНА"), (900, 400, "Женский"),
                         (100, 480, "Имя / Буеп Пате"), (900, 480, "Дата рождения / Рае о! ЫнВ"), (100, 540, "ЮЛИЯ"),
                         (900, 540, "03.08.1957"), (100, 620, "Отчество / Райгопупие"),
                         (900, 620, "Место рождения / Р!асе о! Ыг"), (100, 680, "КИРИЛЛОВНА"), (900, 680, "Г. ЯРОСЛАВЛЬ")])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Ильина", "Юлия", "Кирилловна")
    assert got["birth_place"] == "Г. ЯРОСЛАВЛЬ" and got["inn"] == "502147908487"


def test_a_notice_of_registration_is_dated_by_its_registration():
    """'Уведомление о постановке на учет' prints no other date of its own: its registration
    date, not the electronic signature's ('Действителен: с 20.07.2019'), is the issue date."""
    got = values("inn", [(100, 100, "УВЕДОМЛЕНИЕ"), (100, 160, "о постановке на учет физического лица в налоговом органе"),
                         (100, 260, "ИНН 230630026651"), (100, 320, "Дата постановки на учет 05.02.2020"),
                         (100, 380, "Налоговый орган: ИФНС России № 16 по г. Краснодару"),
                         (100, 600, "Сертификат: 010706881787"), (100, 660, "Действителен: с 20.07.2019")])
    assert got["issue_date"] == "2020-02-05"


def test_an_amount_whose_groups_stand_a_figure_space_apart_is_one_amount():
    """Groups set a figure's width apart with a space's bearing each side ('6 372 199,88', gaps 1.2
    heights of its print) are one amount, the columns of the row three heights apart."""
    got = values("invoice", [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 500, "Всего к оплате (9)"),
                             (1000, 500, "1 062 033,31"), (1400, 500, "6"), (1470, 500, "372"), (1584, 500, "199,88")])
    assert got["total"] == "6372199.88"


def test_receipt_company_above_its_registration_number_under_a_brand_and_scribbles():
    got = values("receipt", [
        (300, 40, "tan woon yann"),  # written on the slip by hand
        (300, 100, "KIKU JAPANESE RESTAURANT"),  # a brand over its company
        (300, 150, "TK DIVISION KITCHEN SDN BHD"),
        (300, 200, "1202152-P"),
        (300, 250, "19-1, JALAN MALINJA 2, TAMAN BUNGA RAYA"),
        (300, 300, "53100 SETAPAK, KUALA LUMPUR"),
        (300, 350, "TEL. 03-4161 8936"),
        (300, 400, "INVOICE"),
    ])
    assert got["company"] == "TK DIVISION KITCHEN SDN BHD"
    assert got["address"] == "19-1, JALAN MALINJA 2, TAMAN BUNGA RAYA 53100 SETAPAK, KUALA LUMPUR"


def test_receipt_address_last_line_read_unsure_is_print_a_scribble_is_not():
    """Dust on an address's last line: 'RONALDMOUTH' read at 22 % is print (capitals as tall
    as the line above's); a scribble read as unsure small letters is not."""
    rows = [(256, 151, "DIXON-MURPHY MART"), (296, 220, "(CO. REG. NO. 928473-H)"),
            (224, 271, "NO. 7498, BRIAN TUNNEL, 44826"), (360, 420, "TEL: 03-3866 9505")]
    words = page_of(rows).words

    def address(line: Word) -> str | None:
        page = PageText(1, 2400, 3000, 300, "ocr", words + [line])
        return locate_fields(DOCTYPES["receipt"], [page])["address"].value

    assert address(Word("`RONALDMOUTH", (392, 330, 693, 370), 21.8, 9)) == "NO. 7498, BRIAN TUNNEL, 44826 RONALDMOUTH"
    assert address(Word("rnaloiwe", (392, 330, 693, 370), 21.8, 9)) == "NO. 7498, BRIAN TUNNEL, 44826"
    # ... nor in title case, with its postcode ('Tampoi,81200 Johor Bahru, Johor' at 0-97 %).
    line = [Word("Tampoi,81200", (300, 330, 564, 372), 28.0, 9), Word("Johor", (586, 330, 696, 368), 97.0, 9),
            Word("Bahru,", (718, 328, 850, 378), 0.0, 9), Word("Johor", (872, 330, 982, 368), 0.0, 9)]
    page = PageText(1, 2400, 3000, 300, "ocr", words + line)
    got = locate_fields(DOCTYPES["receipt"], [page])["address"].value
    assert got == "NO. 7498, BRIAN TUNNEL, 44826 TAMPOI,81200 JOHOR BAHRU, JOHOR"


def test_receipt_company_opening_with_a_malay_trade_starts_below_a_logos_scraps():
    """'KEDAI' (shop) opens a Malay name: the scraps a logo was read as above it are no part
    of it, though they open a bracket."""
    got = values("receipt", [
        (300, 100, "(ele. R"),
        (300, 150, "MBH 'oh 100"),
        (300, 200, "KEDAI PAPAN YEW CHUAN"),
        (300, 250, "(0005583085-K)"),
        (300, 300, "LOT 276 JALAN BANTING"),
        (300, 350, "TEL : 03-87686092"),
    ])
    assert got["company"] == "KEDAI PAPAN YEW CHUAN"


def test_receipt_company_over_two_rows_and_its_number_on_its_row():
    got = values("receipt", [
        (300, 100, "POPULAR BOOK"),
        (300, 150, "CO. (M) SDN BHD"),
        (300, 200, "(Co. No. 113825-W)"),
        (300, 250, "No 8, Jalan 7/118B, Desa Tun Razak"),
        (300, 300, "56000 Kuala Lumpur, Malaysia"),
        (300, 350, "Tel 03-42601064"),
    ])
    assert got["company"] == "POPULAR BOOK CO. (M) SDN BHD"
    assert got["address"] == "NO 8, JALAN 7/118B, DESA TUN RAZAK 56000 KUALA LUMPUR, MALAYSIA"
    got = values("receipt", [
        (300, 100, "TAX INVOICE"),
        (300, 150, "Farmasi Maluri S/B (587969-U)"),
        (300, 200, "05 Mar 2018 18:24"),
        (300, 250, "23, Jln Burung Jentayu,"),
        (300, 300, "52100 KL."),
        (300, 350, "GST NO: 000342237184"),
    ])
    assert got["company"] == "FARMASI MALURI S/B"
    assert got["address"] == "23, JLN BURUNG JENTAYU, 52100 KL."


def test_receipt_total_prefers_the_rounded_figure_and_passes_over_the_tax_summary():
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total Sales (Excluding GST) 75.47"),
        (300, 450, "Total GST 4.53"),
        (300, 500, "Total 80.01"),
        (300, 550, "Rounding -0.01"),
        (300, 600, "Rounded Total 80.00"),
        (300, 650, "CASH 100.00"),
        (300, 700, "CHANGE 20.00"),
        (300, 800, "Total 75.47 4.53"),
    ])
    assert got["total"] == "80.00"
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total 0.00"),  # a discount's column
        (300, 450, "TOTAL: 26.00 1.56"),  # amount and tax of the tax summary
        (300, 500, "TOTAL AMOUNT 27.55"),
    ])
    assert got["total"] == "27.55"


def test_receipt_total_weighed_against_cash_change_and_rounding():
    # 'Total Amount' before a discount loses to the total the cash less the change gives.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total Amount 49. 60"),
        (300, 450, "Rounding Adj -0.03"),
        (300, 500, "TOTAL: RM 57.80"),
        (300, 550, "CASH 60.00"),
        (300, 600, "CHANGE 2.20"),
    ])
    assert got["total"] == "57.80"
    # A figure read with a space for its point, confirmed by the cash less the change.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total Sales (Inclusive of GST) 80 90"),
        (300, 450, "CASH 100.00"),
        (300, 500, "Change 19 10"),
    ])
    assert got["total"] == "80.90"
    # ... or with a backslash for it: the rounded total's digit misread ('9.60' for 9.00).
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total 9.00"),
        (300, 450, "Round d Total (RM): 9.60"),
        (300, 500, "Cash 10 00"),
        (300, 550, "CHANGE 1\\00"),
    ])
    assert got["total"] == "9.00"
    # A digit misread in the total alone: the cash less the change says which.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "TOTAL 48,00"),
        (300, 450, "CASH 20.00"),
        (300, 500, "CHANGE 2.00"),
    ])
    assert got["total"] == "18.00"
    # A speck read as a figure before the cash ('CASH 2 350.00'): the total read whole is not
    # taken for one that lost its first figure (it was 2349.30, silent).
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "TOTAL AMOUNT 349.30"),
        (300, 450, "CASH 2 350.00"),
        (300, 500, "CHANGE 0.70"),
    ])
    assert got["total"] == "349.30"
    # A total whose point was read as a dash and a figure misread ('436-85'): the cash less the
    # change says which (the cash itself was taken).
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "SUBTOTAL 129.10"),
        (300, 450, "GST 6% 7.75"),
        (300, 500, "TOTAL INCL. GST ' > 436-85"),
        (300, 550, "CASH: 200.00"),
        (300, 600, "CHANGE 63.15"),
    ])
    assert got["total"] == "136.85"
    # ... also where that figure was read unsure (35 %) on a slanted receipt, and the label's
    # value was taken from the cash's row under it (a speckled scan, silent).
    page = PageText(1, 1458, 1477, 300, "ocr", [
        Word("SUBTOTAL", (152, 918, 357, 952), 97.0, 1), Word("129.10", (1161, 901, 1312, 933), 96.0, 1),
        Word("GST", (152, 975, 230, 1008), 96.0, 2), Word("6%", (250, 975, 300, 1008), 96.0, 2),
        Word("7.75", (1190, 958, 1312, 990), 96.0, 2),
        Word("TOTAL", (153, 1034, 282, 1066), 96.0, 3), Word("INCL.", (311, 1031, 430, 1063), 96.0, 3),
        Word("GST", (466, 1027, 542, 1060), 97.0, 3), Word("436-85", (1163, 1015, 1315, 1047), 35.0, 3),
        Word("CASH:", (153, 1090, 282, 1122), 96.0, 4), Word("200.00", (1164, 1072, 1315, 1104), 96.0, 4),
        Word("CHANGE", (153, 1147, 320, 1179), 96.0, 5), Word("63.15", (1190, 1129, 1315, 1161), 96.0, 5),
    ])
    assert locate_fields(DOCTYPES["receipt"], [page])["total"].value == "136.85"
    # The figure before rounding, where a rounding line rounds: rounded to 0.05.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Total (Inclusive of GST): 48.16"),
        (300, 450, "Rounding Adj: -0.01"),
    ])
    assert got["total"] == "48.15"
    # A rounding line of 0.00 rounds nothing; a total printed twice is no misreading.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Rounding 0.00"),
        (300, 450, "Total Sales (Inclusive of GST) 94.87"),
        (300, 500, "CASH 84.87"),
        (300, 550, "Change 0.00"),
        (300, 600, "Total Qty 6 94.87"),
    ])
    assert got["total"] == "94.87"
    # A total label OCR read a letter off ('lotal') still labels the total.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "Sub-total 88.97"),
        (300, 450, "Rounding Adj -0.02"),
        (300, 500, "lotal After Adj Incl GST 88.95"),
        (300, 550, "CASH 100.00"),
    ])
    assert got["total"] == "88.95"


def test_receipt_total_whose_label_and_the_cash_label_were_lost_is_the_cash_over_no_change():
    """A punched hole over 'TOTAL' and 'CASH': the row right above the change's holds the cash
    tendered; less the change, it is the total, which the total's row prints."""
    rows = [(300, 100, "LIGHTROOM GALLERY SDN BHD"), (300, 150, "Name : CASH"),
            (300, 400, "Sub Total A RM 08.87"), (300, 450, "GST/TAX 6% : KM 4. 13"),
            (300, 500, "TOPS, : KM 73. 00"), (300, 550, "CA. 5 RM 73. 00"), (300, 600, "CHANGE: RM 0.00")]
    assert values("receipt", rows)["total"] == "73.00"
    # No such figure printed elsewhere, or the row above the change a rounding line: none.
    assert values("receipt", rows[:4] + rows[5:])["total"] is None
    rounding = [(300, 550, "ROUNDING RM 0. 05")]
    assert values("receipt", rows[:5] + rounding + rows[6:])["total"] is None


def test_receipt_total_read_a_digit_off_what_the_rows_above_it_add_up_to():
    # SUB-TOTAL 26.00 + TAX 1.56 - ROUNDING 0.01 = 27.55, the total read '97,55'.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "SUB-TOTAL (EX) 26.00"),
        (300, 450, "TOTAL TAX 1.56"),
        (300, 500, "ROUNDING -0.01"),
        (300, 550, "TOTAL 97,55"),
        (300, 600, "CASH 127.55"),
    ])
    assert got["total"] == "27.55"
    # The rounding's sign before its currency ('-RM 0.02'): 33.92 - 0.02 is the 33.90 read.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "TOTAL RM 33.92"),
        (300, 450, "ROUNDING ADJUSTMENT -RM 0.02"),
        (300, 500, "TOTAL ROUNDED RM 33.90"),
        (300, 550, "CASH RM 50.00"),
    ])
    assert got["total"] == "33.90"
    # Left as read: a row between with a figure that is no tax (a discount); no tax read
    # between the sum and the total; a rounding line whose figure was not read; a total the
    # cash less the change confirms (the sum above it misread); a total a receipt rounds to,
    # where the sum is not one.
    for rows in ([(300, 400, "SUB-TOTAL 26.00"), (300, 450, "DISCOUNT 5.00"), (300, 500, "TAX 1.56"),
                  (300, 550, "TOTAL 22.56")],
                 [(300, 400, "SUBTOTAL 50.00"), (300, 450, "TOTAL 53.00")],
                 [(300, 400, "SUBTOTAL 325.40"), (300, 450, "GST 19.55"), (300, 500, "ROUNDING =0:.05"),
                  (300, 550, "NET TOTAL 344.90")],
                 [(300, 400, "SUBTOTAL 201.80"), (300, 450, "GST 6% 42.11"), (300, 500, "ROUNDING -0.01"),
                  (300, 550, "GRAND TOTAL 213.90"), (300, 600, "CASH 300.00"), (300, 650, "CHANGE 86.10")],
                 [(300, 400, "SUBTOTAL 325.40"), (300, 450, "GST 19.52"), (300, 500, "TOTAL 344.90")]):
        got = values("receipt", [(300, 100, "ABC TRADING SDN BHD"), *rows])
        assert got["total"] == next(text for _, _, text in rows if text.split()[-2] == "TOTAL").split()[-1]


def test_receipt_total_a_figure_off_the_sum_above_it_with_nothing_added_is_doubted():
    """A faxed receipt: 'SUBTOTAL 348.30', 'ROUNDING 0.00', 'TOTAL AMOUNT 348.38' (the bold 0 read
    8), its cash and change misread too. One of the two figures is misread and nothing says
    which: the total read stays, doubted, never given as sure."""
    rows = [(300, 100, "ABC TRADING SDN BHD"), (300, 400, "SUBTOTAL 348.30"), (300, 450, "ROUNDING 0.00"),
            (300, 500, "TOTAL AMOUNT 348.38"), (300, 550, "CASH 350,090"), (300, 600, "CHANGE 1.78")]
    total = locate_fields(DOCTYPES["receipt"], [page_of(rows)])["total"]
    assert total.value == "348.38" and total.confidence <= 0.5 and "348.30" in total.warning
    # Alike, or confirmed by the cash less the change, it is sure.
    rows[3] = (300, 500, "TOTAL AMOUNT 348.30")
    assert locate_fields(DOCTYPES["receipt"], [page_of(rows)])["total"].confidence > 0.5
    rows[3:] = [(300, 500, "TOTAL AMOUNT 348.38"), (300, 550, "CASH 350.00"), (300, 600, "CHANGE 1.62")]
    assert locate_fields(DOCTYPES["receipt"], [page_of(rows)])["total"].confidence > 0.5


def test_receipt_address_ends_before_tax_invoice_under_a_number_row():
    got = values("receipt", [
        (300, 100, "YHM AEON TEBRAU CITY"),
        (300, 150, "S117, Second Floor,"),
        (300, 200, "81100 Johor Bahru, Johor."),
        (300, 250, "002105827328"),
        (300, 300, "TAX INVOICE"),
    ])
    assert got["address"] == "S117, SECOND FLOOR, 81100 JOHOR BAHRU, JOHOR."


def test_receipt_total_not_from_a_misread_count():
    # 'jotal Itews' (Total Items) reads a letter off 'Total', but nothing says its figure is paid.
    got = values("receipt", [
        (300, 100, "ABC TRADING SDN BHD"),
        (300, 400, "jotal Itews 1.00"),
        (300, 450, "Total Qty 1.00"),
        (300, 500, "Nett Total 15.00"),
    ])
    assert got["total"] == "15.00"


def test_a_faxs_transmission_header_gives_no_date_to_the_document():
    """A receipt sent by fax: its own date misread ('98-94-2017'), the fax machine's line on
    top holds a valid date, which is the fax's, not the receipt's."""
    rows = [
        (100, 40, "18/06/2023 11:03 FROM: +7 495 154 33 95 P.001/004"),
        (300, 120, "PARKER MART"),
        (300, 170, "(CO. REG. NO. 451242-T)"),
        (300, 220, "2, KATHLEEN CAMP, G1 6RL DAVIESTON"),
        (300, 270, "TEL: 09-8503 1005"),
        (300, 320, "DATE: 98-94-2017 TIME: 21:39"),
        (300, 500, "TOTAL AMOUNT 257.95"),
    ]
    assert values("receipt", rows)["date"] != "2023-06-18"
    rows[5] = (300, 320, "DATE: 08-04-2017 TIME: 21:39")
    assert values("receipt", rows)["date"] == "2017-04-08"
    # The page count read glued to the sender's number.
    rows[0] = (100, 40, "28/08/2020 17:19 FROM: +7 343 333 64 23P.001/001")
    rows[5] = (300, 320, "11.01.2018 13:11:16")
    assert values("receipt", rows)["date"] == "2018-01-11"


def test_receipt_company_name_ends_at_its_legal_form_though_a_bracket_after_it_was_read_open():
    """'SDN BHD (819%': its registration number read badly; the web address under it is no
    part of the name."""
    got = values("receipt", [
        (300, 100, "THE STORE (MALAYSIA) SDN BHD (819%"),
        (300, 150, "WWW.TSTORE.COM.MY"),
        (300, 200, "LOT 34817 JALAN BATU AMBAR"),
        (300, 250, "51200 KUALA LUMPUR"),
        (300, 300, "GST REG NO : 000564929024"),
    ])
    assert got["company"] == "THE STORE (MALAYSIA) SDN BHD"


def test_receipt_company_name_ending_in_a_conjunction_goes_on_on_the_next_row():
    got = values("receipt", [
        (300, 100, "THORNTON SCHAEFER AND"),
        (300, 150, "BALLARD (M) SDN BHD"),
        (300, 200, "(451242-T)"),
        (300, 250, "NO. 80749, AARON ALLEY,"),
        (300, 300, "75872 TAMMYFORT"),
        (300, 350, "TEL: 09-8503 1005"),
    ])
    assert got["company"] == "THORNTON SCHAEFER AND BALLARD (M) SDN BHD"


def test_a_receipts_address_ends_before_its_heading_with_the_headings_first_word():
    """'OFFICIAL RECEIPT' under the address: neither word is the address's ('... PINANG OFFICIAL')."""
    for heading in ("OFFICIAL RECEIPT", "CASH SALE RECEIPT", "SIMPLIFIED TAX INVOICE"):
        got = values("receipt", [(300, 150, "SENG FATT TRADING SDN. BHD."), (300, 247, "NO. 52"),
                                 (170, 278, "JALAN DATO ONN"), (164, 307, "10050 GEORGETOWN PULAU PINANG"),
                                 (220, 351, heading), (158, 382, "R25662510 04/05/2019 18:28"),
                                 (156, 442, "MASKING TAPE 6.45"), (156, 600, "TOTAL 6.45")])
        assert got["address"] == "NO. 52 JALAN DATO ONN 10050 GEORGETOWN PULAU PINANG", heading


def test_a_receipts_address_ends_at_a_row_of_numbers_whose_label_was_misread():
    from obligations.fields.positional import _numbers_row

    assert _numbers_row("TEES 0756116. 9150") and _numbers_row("07-5616 9150")
    assert not _numbers_row("NO. 027, MOORE TRACK, S77 1DX SMITHFORT") and not _numbers_row("81100 JOHOR BAHRU")


def test_a_group_of_names_whose_caption_under_it_was_lost_stops_at_its_own_row():
    """'Физическое лицо САВИН ЛЕОНТИЙ ВЛАДИСЛАВОВИЧ' over 'муж.' with the small captions
    between them lost: the names are the row's three words, not four with the gender."""
    got = values("inn", [
        (100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
        (100, 300, "Физическое лицо САВИН ЛЕОНТИЙ ВЛАДИСЛАВОВИЧ"),
        (100, 360, "муж."),
        (100, 420, "дата рождения 21 ДЕКАБРЯ 1996 Г."),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Савин", "Леонтий", "Владиславович")


def test_a_gender_whose_label_was_lost_is_found_in_full_alone_and_only_when_one():
    rows = [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"), (100, 300, "Фамилия МУРИНА"),
            (100, 360, "Имя ЖЕМЧУГА"), (100, 480, "Пон ЖЕН. Дата рождения 03.04.1980")]
    assert values("passport", rows)["gender"] == "female"
    # A name that starts like one ('МУРИНА', 'ЖЕМЧУГА') is none; two genders are no reading.
    assert values("passport", rows[:3])["gender"] is None
    assert values("passport", rows + [(100, 600, "МУЖ.")])["gender"] is None
    # Its ending's vowel misread ('мужскЫй' on a card whose 'Пол' was lost); a town is none.
    card = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 200, "169-130-209 55"), (100, 300, "мужскЫй 21.01.2000")]
    assert values("snils", card)["gender"] == "male"
    assert values("snils", card[:2] + [(100, 300, "гор. ЖЕНЕВА")])["gender"] is None


def test_a_sure_gender_word_beats_an_unsure_letter_read_by_the_label():
    """A 100-dpi passport: 'Пол' read, beside it the next label read as an unsure scrap
    ('рюмсдемим', conf 0) that gave 'м', and 'ЖЕН.' printed under it, read sure."""
    page = page_of([(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"), (100, 300, "Фамилия ФАДЕЕВА")])
    read = [("Пол", (266, 614, 284, 624), 94.5, 1), ("Дата", (380, 609, 409, 618), 61.9, 1),
            ("рюмсдемим", (407, 606, 452, 619), 0.0, 1), ("ЖЕН.", (258, 626, 294, 642), 95.2, 2),
            ("27", (357, 623, 370, 634), 96.4, 2), ("ИЮНЯ", (373, 621, 413, 634), 96.4, 2),
            ("1949", (416, 620, 441, 631), 95.0, 2), ("ГОДА", (443, 618, 478, 631), 85.4, 2)]
    words = [Word(text, box, conf, (9, 1, line)) for text, box, conf, line in read]
    found = locate_fields(DOCTYPES["passport"], [PageText(1, 1026, 1385, 100, "ocr", page.words + words)])
    assert found["gender"].value == "female"


def test_a_long_label_read_with_several_letters_wrong_is_found_where_no_other_reads_as_well():
    """'Дата нылачи' (80 against 'Дата выдачи'), 'Дата репктраини' (76 against 'Дата
    регистрации') on a fax or a 100-dpi scan; a short label must still read nearly exactly."""
    got = values("passport", [
        (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
        (100, 160, "03.02.2005"), (100, 200, "Дата нылачи"),
    ])
    assert got["issue_date"] == "2005-02-03"
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 300, "Дата рождения"), (100, 360, "«10» ОКТЯБРЯ 1962 Г."),
        (100, 420, "Место рождения"), (100, 480, "ГОР. ЮРЮЗАНЬ"), (100, 540, "Дата репктраини"),
        (100, 600, "«04» МАЯ 2017 Г."),
    ])
    assert (got["birth_place"], got["registration_date"]) == ("ГОР. ЮРЮЗАНЬ", "2017-05-04")


def test_a_receipts_header_ends_after_its_registration_number_even_when_its_name_is_unreadable():
    """A stamp over the shop's name leaves it a scrap: the rows after the registration number
    and the date are the sale's, and no item ('DETERGENT 2KG') is taken for the company."""
    receipt = load_doctypes()["receipt"]
    rows = [("~$0M`BHB ;:", 20), ("(CO. REG. NO. 990618-K)", 92), ("SIMPLIFIED TAX INVOICE", 95),
            ("DATE: 17/04/2022 13:53:32", 94), ("CASHIER: BETHANY", 93), ("DETERGENT 2KG", 95),
            ("AX 37.25 37.25", 90), ("TOTAL AMOUNT 37.25", 95)]
    words = [Word(token, (40 + 160 * i, 40 + 60 * n, 190 + 160 * i, 80 + 60 * n), conf, (1, n, i))
             for n, (text, conf) in enumerate(rows) for i, token in enumerate(text.split())]
    found = locate_fields(receipt, [PageText(1, 1200, 1600, 300, "ocr", words)])
    assert found["company"].value != "DETERGENT 2KG" and found["address"].value != "AX 37.25 37.25"
    assert found["total"].value == "37.25"


def test_a_stamps_scrap_between_a_names_lines_does_not_cut_the_name():
    """One letter between apostrophes, read sure from a stamp's ring between the lines of
    'Ф. И. О.', is no line of the name."""
    # As read on a stamped card: the scrap a flat stroke left of the first name, at its top.
    page = page_of([(100, 384, "ПЕНСИОННЫЙ ФОНД РОССИЙСКОЙ ФЕДЕРАЦИИ"), (255, 770, "Ф. И. О."),
                    (836, 759, "Королева"), (836, 831, "Лукия"), (838, 894, "Михайловна"), (255, 1119, "Пол ЖЕНСКИЙ")])
    scrap = Word("’о’", (699, 828, 746, 834), 78.0, 99)
    found = locate_fields(DOCTYPES["snils"], [PageText(1, 2400, 3000, 300, "ocr", page.words + [scrap])])
    assert [found[f].value for f in ("last_name", "first_name", "middle_name")] == ["Королева", "Лукия", "Михайловна"]


def test_a_long_label_read_with_letters_wrong_beats_a_short_one_inside_it():
    """'ИННИКИИ покупателя' (a fax's 'ИНН/КПП покупателя') holds 'покупателя', which reads as
    the buyer's own label 'Покупатель' better: the label that explains more letters wins."""
    got = values("invoice", [
        (100, 100, "Счет-фактура № 7275 от 13 января 2018 г."),
        (100, 160, "Продавец: ПАО «Цветков и партнеры»"),
        (100, 220, "Покупатель: АО «Агроторг»"),
        (100, 280, "ИННИКИИ покупателя: 6318893156/631801007 (6б)"),
    ])
    assert (got["buyer_inn"], got["buyer_kpp"]) == ("6318893156", "631801007")
    # No label takes in the value after it to read better ('Total (Inclusive of GST): 48.16'
    # as 'Total Sales (Inclusive of GST)').
    assert values("receipt", [(300, 100, "ABC TRADING SDN BHD"),
                              (300, 400, "Total (Inclusive of GST): 48.16")])["total"] == "48.16"


def test_an_amount_read_with_a_space_after_its_decimal_comma_is_one_amount():
    """The official form's total row prints three amounts; the last is the total, even where
    OCR put a space after its decimal comma ('16187, 40': no thousands group has two digits)."""
    got = values("invoice", [
        (100, 100, "Счет-фактура № 7275 от 13 января 2018 г."),
        (100, 400, "Всего к оплате 13489,50 2697.90 16187, 40."),
    ])
    assert got["total"] == "16187.40"
    assert values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                              (100, 400, "Всего к оплате 5, 40")])["total"] is None  # two numbers, no amount
    # A colon read for the decimal point: three digits or more before it (no time reads so).
    assert values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                              (100, 400, "Всего к оплате 566340.00| 56634.00 622974:00")])["total"] == "622974.00"
    # Or a semicolon, a speck over the comma.
    assert values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                              (100, 400, "Всего к оплате 525801,00| 52580,10+ 578381;10-")])["total"] == "578381.10"
    assert values("receipt", [(300, 100, "ABC TRADING SDN BHD"),
                              (300, 400, "TOTAL 12:30 9.00")])["total"] == "9.00"
    # Kopecks after a dash, and thousands spaced: the kopecks start no amount of their own.
    assert values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                              (100, 400, "Всего к оплате 553 961-00 Хх 110 792-20 664 753-20")])["total"] == "664753.20"


def test_an_invoice_total_rows_arithmetic_tells_its_total_from_a_misread_larger_part():
    """'905 117,11' for 505 117,11 is the row's largest amount; the row adds up to its last
    one with that digit read right, so the last is the total. A speck read as a stop before
    the total ('.550 470,60') is no part of it."""
    got = values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                             (100, 400, "Всего к оплате 905 117,11 х 101 023,42 606 140,53.")])
    assert got["total"] == "606140.53"
    got = values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                             (100, 400, "Всего к оплате —458 725,50, Хх 91 745,10 .550 470,60")])
    assert got["total"] == "550470.60"
    # Amounts that neither add up nor would with one digit of the first changed: the largest.
    got = values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."),
                             (100, 400, "Всего к оплате 905 117,11 х 101 023,42 806 140,73.")])
    assert got["total"] == "905117.11"



def test_an_invoice_total_read_wrong_under_a_stamp_is_the_sum_of_a_part_and_tax_at_a_vat_rate():
    """A stamp over the total row's last amount ('880 747,66' for 980 737,58): the tax is the
    amount without it at 10 %, which confirms both, so the total is their sum, not the largest
    figure read. A first amount one digit off the last less the tax ('719 662-70' against
    191 628-97 less 71 966-27) is no misread part where the tax confirms it."""
    def total(row):
        return values("invoice", [(100, 100, "Счет-фактура № 7 от 13 января 2018 г."), (100, 400, row)])["total"]
    assert total("Всего к оплате 891 579,62 х 89 157,96 880 747,66") == "980737.58"
    assert total("Всего к оплате 1 102 484,00 х 220 496,80 1 322 980,80") == "1322980.80"  # adds up
    assert total("Всего к оплате 1 102 484,00 х 220 496,80 1 822 980,30") == "1322980.80"  # at 20 %
    # The amounts as a stamp leaves them: a thousands' space lost, a space between two lost.
    assert total("Всего к оплате 719 662-70 x 71966-27 191 628-97") == "791628.97"
    assert total("Всего к оплате 1 063 520,00 x 212 704,001 276 224,00") == "1276224.00"
    # A tax no VAT rate gives: the row proves nothing, and the largest figure stays.
    assert total("Всего к оплате 891 579,62 х 89 457,96 880 747,66") == "891579.62"

def test_a_date_that_lost_one_separator_to_a_fax_is_read():
    got = values("passport", [
        (100, 100, "Паспорт выдан ОВД ПРИМОРСКОГО РАЙОНА Г. НОВОСИБИРСКА"),
        (100, 475, "Дата выдачи Код подразделения"), (100, 511, "02.09 1998 540-111"),
        (600, 1507, "Дата рождения"), (600, 1543, "10 03.1945"),
    ])
    assert (got["issue_date"], got["birth_date"], got["division_code"]) == ("1998-09-02", "1945-03-10", "540-111")


def test_a_long_label_shared_by_two_fields_is_no_rival_of_its_own_and_an_address_ends_a_name():
    """At 100 dpi: 'ИННИКИИ продавцы' (79 against 'ИНН/КПП продавца', the INN's and the KPP's
    label alike) is that label; the buyer's address, its caption read 'Алрсс:', is no second
    line of the buyer's name."""
    got = values("invoice", [
        (100, 97, "СЧЕТ-ФАКТУРА № 3178 от 25 декабря 2015 г."),
        (100, 116, "Продавец: ЗАО «Чернов и партнеры»"),
        (100, 150, "ИННИКИИ продавцы 1630896959/163002004"),
        (100, 224, "Покупатель: ПАО «Интерком»"),
        (100, 242, "Алрсс: 417133, г. Москва, ул. Южная, д. 6"),
        (100, 259, "ИНН/КПП покупателя: 1640424465/164001007"),
    ])
    assert (got["seller_inn"], got["seller_kpp"]) == ("1630896959", "163002004")
    assert got["buyer_name"] == "ПАО «Интерком»"


def test_an_invoice_total_misread_under_a_stamp_is_the_sum_the_page_prints_elsewhere():
    """The total row's last amount read '687.46' under a stamp: the sum of the two before it
    (without tax and the tax) is the total, taken where the goods table prints it."""
    rows = [(100, 100, "Счет-фактура № 7275 от 13 января 2018 г."),
            (100, 1018, "1 Перчатки рабочие 1 13489,50 13489,50 2697,90 16187,40"),
            (100, 1086, "Всего к оплате 13489,50 2697,90 687.46")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["total"]
    assert found.value == "16187.40" and "sum" in found.warning
    # A sum printed nowhere, of a tax at no VAT rate, is not made up: the row's reading stands.
    assert values("invoice", [rows[0], (100, 1086, "Всего к оплате 13489,50 2597,90 687.46")])["total"] == "13489.50"
    # A row whose last amount is the sum is read as it is.
    assert values("invoice", [rows[0], (100, 1086, "Всего к оплате 13489,50 2697,90 16187,40")])["total"] == "16187.40"


def test_a_caption_in_parentheses_takes_the_value_above_it_though_a_speck_makes_the_row_below_look_nearer():
    """'(фамилия)' under the line its value is written on: a speck under the caption and one
    under the next value stretch their boxes down by a line, so the row below's centre is
    nearer than the row above's."""
    page = page_of([(200, 830, "ЛУКИН"), (200, 870, "(фамилия)"), (200, 922, "ФРОЛ"), (200, 990, "(имя)"),
                    (200, 1030, "БОРИСЛАВОВИЧ"), (200, 1098, "(отчество)")])
    stretched = {"(фамилия)": 62, "ФРОЛ": 60}
    page.words = [replace(w, bbox=(*w.bbox[:3], w.bbox[1] + stretched[w.text])) if w.text in stretched else w
                  for w in page.words]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["inn"], [page]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Лукин", "Фрол", "Бориславович")


def test_a_caption_in_parentheses_never_takes_the_row_below():
    """The place over '(место рождения)' read as an unsure scrap ('ГРА' for 'Г. ТУЛА'): the
    next line's words under the caption ('поставлена на учет в соответствии с') are no place;
    the scrap stays, with its low confidence, as the only reading there is."""
    words = page_of([(409, 947, "МАМОНТОВА ФАИНА СЕРГЕЕВНА"), (488, 997, "(фамилия) (имя) (отчество)"),
                     (1116, 1275, "(место рождения)"),
                     (301, 1383, "поставлена на учет в соответствии с Налоговым кодексом Российской Федерации")]).words
    scrap = Word("ГРА", (1123, 1221, 1200, 1250), 31.0, 20)
    got = locate_fields(DOCTYPES["inn"], [PageText(1, 2400, 3000, 300, "ocr", words + [scrap])])
    assert (got["birth_place"].value, got["birth_place"].confidence < 0.4) == ("ГРА", True)  # the only reading, unsure


def test_a_short_label_read_exactly_keeps_the_value_a_longer_label_would_match_with_it():
    """'Место рождения гор.' reads as 'Дата и место рождения' at 76, as many letters matched as
    'Место рождения' exactly: the exact reading wins, and 'гор.' stays the value's."""
    got = values("snils", [(200, 971, "Дата рождения 17 января 1960 года"),
                           (200, 1033, "Место рождения гор. Новосибирск")])
    assert (got["birth_date"], got["birth_place"]) == ("1960-01-17", "гор. Новосибирск")


def test_a_figure_alone_beside_a_place_label_is_a_speck_and_the_place_is_the_row_below():
    got = values("snils", [(100, 800, "Место рождения"), (1000, 805, "2"), (100, 850, "Г. БЕЛЫЙ ЯР (ТОМСК.)"),
                           (100, 930, "Дата регистрации"), (100, 980, "26 ИЮНЯ 2015 Г.")])
    assert got["birth_place"] == "Г. БЕЛЫЙ ЯР (ТОМСК.)"


def test_a_place_whose_first_line_is_an_abbreviation_goes_on_under_its_label():
    """'Г.' right of the label, the town and region on the lines under it starting where the
    label does; a caption of the other column ('Личная подпись') between them is passed over."""
    got = values("passport", [(100, 100, "Фамилия ПАНОВ"), (650, 800, "Место рождения"), (1090, 800, "Г."),
                              (650, 860, "РОСТОВ-НА-ДОНУ"), (100, 900, "Личная подпись"),
                              (650, 920, "РОСТОВСКОЙ ОБЛ.")])
    assert got["birth_place"] == "Г. РОСТОВ-НА-ДОНУ РОСТОВСКОЙ ОБЛ."
    # The other column's caption on the same line as the place's second: a column apart.
    got = values("passport", [(100, 100, "Фамилия ПАНОВ"), (650, 800, "Место рождения"), (1090, 800, "Г."),
                              (100, 860, "Личная подпись"), (650, 860, "РОСТОВ-НА-ДОНУ"),
                              (650, 920, "РОСТОВСКОЙ ОБЛ."), (100, 980, "Пол МУЖ.")])
    assert got["birth_place"] == "Г. РОСТОВ-НА-ДОНУ РОСТОВСКОЙ ОБЛ." and got["gender"] == "male"


def test_a_place_whose_first_line_is_a_small_abbreviation_goes_on_on_a_line_spaced_for_larger_print():
    """'МЕСТО РОЖДЕНИЯ пос.' in small print, the village's name under it in capitals 2.6 of
    the small line's heights below; a lone 'Г' whose stop was lost is as unfinished."""
    page = page_of([(100, 100, "Фамилия ПАНОВ"), (480, 870, "МЕСТО РОЖДЕНИЯ"), (800, 870, "пос."),
                    (600, 932, "НИКОЛЬСКОЕ")])
    page.words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + 21)) if w.line == 1 or w.line == 2 else
                  replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + 25)) for w in page.words]
    assert locate_fields(DOCTYPES["passport"], [page])["birth_place"].value == "ПОС. НИКОЛЬСКОЕ"
    got = values("passport", [(100, 100, "Фамилия ПАНОВ"), (650, 800, "Место рождения"), (1090, 800, "Г"),
                              (650, 860, "РОСТОВ-НА-ДОНУ")])
    assert got["birth_place"] == "Г. РОСТОВ-НА-ДОНУ"


def test_the_next_caption_under_a_partys_label_ends_its_name_however_far_right_its_value():
    """The official form's captions in one column, values a column's gap right of them."""
    got = values("invoice", [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"),
                             (100, 400, "Покупатель"), (1700, 400, "ООО «Исаков и партнеры»"),
                             (100, 470, "Адрес"), (1700, 470, "109531. г. Казань. ш. 70 лет Октября")])
    assert got["buyer_name"] == "ООО «Исаков и партнеры»"


def test_an_office_whose_line_ends_with_a_preposition_goes_on_on_a_line_spaced_wide():
    """Capitals spaced 2.7 of their heights apart: a line ending 'ПО' is no office's end."""
    got = values("passport", [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО"), (400, 208, "ПЕРМСКОМУ КРАЮ"),
                              (100, 400, "Дата выдачи 01.02.2010")])
    assert got["issued_by"] == "ОТДЕЛОМ УФМС РОССИИ ПО ПЕРМСКОМУ КРАЮ"
    # The same under the label.
    got = values("passport", [(100, 40, "Паспорт выдан"), (300, 100, "ОТДЕЛОМ УФМС РОССИИ ПО"),
                              (100, 208, "ПЕРМСКОМУ КРАЮ"), (100, 400, "Дата выдачи 01.02.2010")])
    assert got["issued_by"] == "ОТДЕЛОМ УФМС РОССИИ ПО ПЕРМСКОМУ КРАЮ"
    # ... or with a preposition and a region's adjective, its noun on the next line.
    got = values("passport", [(100, 40, "Паспорт выдан"), (300, 100, "ТП № 6 ОУФМС РОССИИ ПО РОСТОВСКОЙ"),
                              (100, 208, "ОБЛ. В ПРОЛЕТАРСКОМ Р-НЕ"), (100, 400, "Дата выдачи 01.02.2010")])
    assert got["issued_by"] == "ТП № 6 ОУФМС РОССИИ ПО РОСТОВСКОЙ ОБЛ. В ПРОЛЕТАРСКОМ Р-НЕ"
    # A finished line so far above the next is the whole value.
    got = values("passport", [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ"), (400, 208, "ПЕРМСКОМУ КРАЮ"),
                              (100, 400, "Дата выдачи 01.02.2010")])
    assert got["issued_by"] == "ОТДЕЛОМ УФМС РОССИИ"


def test_a_checked_number_with_a_sign_read_for_a_digit_is_read_as_the_digit_where_it_validates():
    """'$212166335' on a photographed bill: '$' for '5', the check digit says so; doubted."""
    rows = [(100, 100, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 200, "Покупатель: ПАО «Стандарт Плюс»"),
            (100, 260, "ИНН/КПП покупателя: $212166335/521201001")]
    found = locate_fields(DOCTYPES["invoice"], [page_of(rows)])["buyer_inn"]
    assert found.value == "5212166335" and found.valid
    assert found.confidence <= 0.5 and "look like" in found.warning
    # Where the digits it would make fail the check, it is not taken.
    rows[2] = (100, 260, "ИНН/КПП покупателя: $212166336/521201001")
    assert locate_fields(DOCTYPES["invoice"], [page_of(rows)])["buyer_inn"].value != "5212166336"


def test_values_under_two_parties_side_by_side_are_cut_at_the_gap_between_their_columns():
    """A digital invoice: 'Продавец' and 'Покупатель' on one row, their names under them on
    another, the columns' gap under COLUMN_GAP but far wider than the spaces between words; the
    seller's name wraps onto the next row. Captions set close together over one value each
    ('Дата выдачи Код подразделения') cut nothing: the spaces under them are all alike."""
    rows = [(100, 40, "СЧЕТ-ФАКТУРА № 45 от 15.03.2023"), (100, 200, "Продавец"), (1300, 200, "Покупатель"),
            (100, 260, "Общество с ограниченной ответственностью «Тарасов и"), (1300, 260, "ЗАО «Доронин и партнеры»"),
            (100, 320, "партнеры»"), (1300, 320, "Адрес: 301199, г. Нижний Новгород")]
    got = values("invoice", rows)
    assert got["seller_name"] == "Общество с ограниченной ответственностью «Тарасов и партнеры»"
    assert got["buyer_name"] == "ЗАО «Доронин и партнеры»"


def test_a_bills_number_whose_round_letter_read_as_a_bracket_is_no_qualifier():
    """'Счет на оплату № (Ф-76 от 19.04.2023': '(' is the number's 'С', not a qualifier's bracket
    (the day of the date was taken for the number); a qualifier's words, in capitals too, still are one."""
    got = values("invoice", [(100, 100, "Счет на оплату № (Ф-76 от 19.04.2023")])
    assert (got["number"], got["date"]) == ("СФ-76", "2023-04-19")
    got = values("passport", [(100, 100, "Фамилия ИВАНОВ"), (100, 160, "Имя ПЁТР"),
                              (100, 220, "Отчество (ПРИ НАЛИЧИИ) ИВАНОВИЧ")])
    assert got["middle_name"] == "Иванович"


def test_an_unsure_speck_between_a_label_and_its_value_is_no_column_of_its_own():
    page = page_of([(150, 230, "СЧЕТ-ФАКТУРА № ЮТ-0402 от «29» октября‘ 2023 г. (1)"),
                    (150, 380, "Продавец: 7"), (1100, 380, "Индивидуальный предприниматель Назаров Евстигней (2)"),
                    (150, 440, "Адрес: 693479, г. Санкт-Петербург, наб. Механизаторов, д. 55 (2а)")])
    page.words = [replace(w, conf=6.7) if w.text == "7" else w for w in page.words]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["invoice"], [page]).items()}
    assert got["seller_name"] == "Индивидуальный предприниматель Назаров Евстигней"
    assert got["date"] == "2023-10-29"  # a speck read as a quote after the month


def test_a_figure_between_a_name_label_and_its_name_is_a_speck_however_sure():
    """No name holds a figure: 'ИМЯ 5   ФЁКЛА', the '5' read sure, a column's gap before the
    name, is a speck, and the name is the value."""
    got = values("inn", [(100, 100, "Сведения о физическом лице"), (100, 200, "ФАМИЛИЯ ДМИТРИЕВА"),
                         (100, 300, "ИМЯ 5"), (900, 300, "ФЁКЛА"), (100, 400, "ОТЧЕСТВО ВЛАДИСЛАВОВНА")])
    assert got["first_name"] == "Фёкла"


def test_a_speck_merged_into_a_row_of_labels_does_not_set_its_height():
    """A one-letter speck read as a line of its own ('ь', 9 pixels high) beside 'Пол Дата
    рождения': the merged row is as high as its print, so the date under it is near."""
    page = page_of([(900, 2111, "ь"), (966, 2098, "Пол"), (1340, 2098, "Дата рождения"),
                    (1343, 2160, "15.06.1951"), (966, 2248, "Место рождения"), (966, 2301, "Г. КАЗАНЬ")])
    page.words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[0] + 11, w.bbox[1] + 9)) if w.text == "ь" else w
                  for w in page.words]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["passport"], [page]).items()}
    assert (got["birth_date"], got["birth_place"]) == ("1951-06-15", "Г. КАЗАНЬ")


def test_a_rule_read_as_one_letter_between_a_value_and_its_caption_is_no_name():
    got = values("inn", [(300, 1093, "ЛУКИН"), (300, 1152, "(фамилия)"), (300, 1226, "ФРОЛ"), (300, 1290, "(имя)"),
                         (300, 1332, "БОРИСЛАВОВИЧ"), (1055, 1361, "—ы——"), (300, 1405, "(отчество)"),
                         (300, 1486, "мужской")])
    assert got["middle_name"] == "Бориславович"


def test_a_certificates_name_on_three_rows_under_its_label_is_the_groups():
    """'физическое лицо' over the surname, the first name and the patronymic each on its row
    (a fax: 'МИХАИЛ' read 'МИХА' under a streak, only by the sparse reading): the group's three
    rows, not two."""
    read = [("Настоящее", 222, 527, 371, 555, 96.2, 5), ("свидетельство", 382, 535, 581, 558, 95.9, 5),
            ("подтверждает,", 592, 538, 791, 564, 95.3, 5), ("что", 804, 542, 848, 559, 92.7, 5),
            ("физическэе", 859, 538, 1020, 568, 67.1, 5), ("лицо", 1030, 547, 1098, 567, 96.8, 5),
            ("ЕРЕМИН", 792, 614, 928, 653, 89.9, 6), ("МИХА", 789, 677, 878, 706, 92.4, ("sparse", 14)),
            ("о", 393, 767, 477, 771, 14.2, 9), ("МАКСИМОВИЧ", 743, 738, 965, 780, 69.1, 9),
            ("пол", 217, 790, 266, 806, 96.2, 10), ("муж.", 292, 788, 358, 813, 95.9, 10),
            ("дата", 444, 794, 505, 813, 52.4, 10), ("рождения", 516, 795, 652, 819, 93.1, 10),
            ("28.01.1989", 678, 789, 938, 818, 96.6, 10)]
    words = [Word(text, (x0, y0, x1, y1), conf, line) for text, x0, y0, x1, y1, conf, line in read]
    got = locate_fields(DOCTYPES["inn"], [PageText(1, 1694, 2367, 200, "ocr", words)])
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Еремин", "Миха", "Максимович")


def test_a_name_without_a_patronymic_gives_its_surname_and_first_name():
    """'Коваленко Светлана' over '(фамилия, имя, отчество)': a name that has no patronymic;
    a surname and a patronymic alone are a name whose first name was lost, not this."""
    rows = [(285, 880, "Настоящее свидетельство подтверждает, что физическое лицо"),
            (1001, 1006, "Коваленко Светлана"), (1064, 1076, "(фамилия, имя, отчество)"),
            (285, 1172, "пол женский дата рождения 18.02.1980")]
    got = values("inn", rows)
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Коваленко", "Светлана", None)
    rows[1] = (1001, 1006, "Коваленко Андреевна")
    got = values("inn", rows)
    assert got["first_name"] != "Андреевна" and got["middle_name"] != "Коваленко"


def test_a_patronymic_read_in_two_words_is_one_name_of_the_group():
    """'ЕВСТИГ НЕЕВИЧ' after the surname and the first name: three names, the last in two
    pieces; a whole patronymic after three names is not joined to them."""
    rows = [(244, 800, "Настоящее свидетельство подтверждает, что"),
            (246, 874, "ФИЗИЧЕСКОЕ ЛИЦО ФАДЕЕВ ФИЛИМОН ЕВСТИГ НЕЕВИЧ"), (1261, 920, "(фамилия, имя, отчество)")]
    got = values("inn", rows)
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Фадеев", "Филимон", "Евстигнеевич")
    rows[1] = (246, 874, "ФИЗИЧЕСКОЕ ЛИЦО ФАДЕЕВ ИВАН ЛИ ПЕТРОВИЧ")
    assert values("inn", rows)["middle_name"] != "Липетрович"


def test_a_sentence_above_a_group_of_names_read_past_recognition_is_no_group_of_names():
    """A 100-dpi certificate: the names' row read so badly that it is not three names; the
    sentence above it is not taken for them ('Настоящее', 'Подтверждает', 'Что')."""
    rows = [(256, 860, "Настоящее свидетельство подтверждает, что"),
            (259, 953, "ФИЗИЧЕСКС ОЕ ЛИЦО ПОПОВА ЯБРИНА БОГ ДАНОВНА"), (702, 1035, "у i (фамилия, имя, отчество)")]
    got = values("inn", rows)
    assert "Подтверждает" not in (got["last_name"], got["first_name"], got["middle_name"])


def test_a_name_read_as_one_latin_letter_stays_invalid_to_be_read_again_not_swapped_for_the_next_row():
    """'ЗОЯ' read '30H' (normalised 'H'): the nearest reading stands, invalid, and is read again
    in its box; the patronymic under the next caption is not the first name."""
    found = locate_fields(DOCTYPES["inn"], [page_of([
        (1152, 820, "ПЕТУХОВА"), (1189, 885, "(фамилия)"), (1244, 965, "30H"), (1244, 1028, "(имя)"),
        (1097, 1104, "НИКОЛАЕВНА"), (1184, 1169, "(отчество)")])])["first_name"]
    assert found.value == "H" and not found.valid


def test_the_decree_date_an_invoice_form_quotes_in_its_heading_is_not_the_invoice_date():
    """The title's month lost ('от «26» 2018 г.'): the heading's 'от 26 декабря 2011 г. № 1137'
    (a date followed by a number sign) is not taken instead; the date is left to be read again."""
    rows = [(2033, 142, "Приложение № 1 к постановлению Правительства Российской Федерации"),
            (2843, 193, "от 26 декабря 2011 г. № 1137"),
            (137, 250, "СЧЕТ-ФАКТУРА № 7603 от «26» 2018 г. (1)")]
    assert values("invoice", rows)["date"] is None
    rows[2] = (137, 250, "СЧЕТ-ФАКТУРА № 7603 от «26» марта 2018 г. (1)")
    assert values("invoice", rows)["date"] == "2018-03-26"


def test_a_receipt_head_with_a_speck_before_its_registration_and_a_misread_phone_caption():
    page = page_of([(187, 151, "HOPKINS KOCH AND TURNER STORE"), (69, 200, "a"), (270, 198, "(CO. REG. NO. 197552-X)"),
                    (222, 247, "595, SHAWN ISLANDS, 97749 SOUTH"), (423, 292, "DARREN SELANGOR."),
                    (453, 333, "TEE: 09-1943 3321"), (342, 386, "GST REG NO: 015811488924"),
                    (154, 505, "27-12-2015 12.27")])
    page.words = [replace(w, conf=54.0) if w.text == "a" else w for w in page.words]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["receipt"], [page]).items()}
    assert got["company"] == "HOPKINS KOCH AND TURNER STORE"
    assert got["address"] == "595, SHAWN ISLANDS, 97749 SOUTH DARREN SELANGOR."


def test_a_receipts_legal_form_whose_sdn_was_read_short_and_unsure():
    """'ALAM) tN BHD', its 'tN' read at 35: no speck before 'BHD', but the 'SDN' it is; an
    unsure 'tN' elsewhere is one."""
    page = page_of([(117, 301, "AIK HUAT HARDWARE"), (117, 341, "ENTERPRISE (SETIA"), (175, 381, "ALAM) tN BHD tN"),
                    (309, 421, "(922737-X)"), (164, 461, "NO. 17-G, JALAN SETIA INDAH"),
                    (164, 501, "40170 SHAH ALAM"), (164, 541, "TEL: 012 - 6651783")])
    page.words = [replace(w, conf=35.0) if w.text == "tN" else w for w in page.words]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["receipt"], [page]).items()}
    assert got["company"] == "AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD"


def test_a_receipts_address_words_read_a_lookalike_letter_off_are_read_back():
    got = values("receipt", [(300, 100, "LIGHTROOM GALLERY SDN BHD"), (300, 150, "NO: 28, JALAN ASTANA 1C,"),
                             (300, 200, "BANDAR BUKIT RAJA, 41050"), (300, 250, "KLANG SELANGOR D.E, MALAYSTA"),
                             (300, 300, "GST No. : 000584089600")])
    assert got["address"] == "NO: 28, JALAN ASTANA 1C, BANDAR BUKIT RAJA, 41050 KLANG SELANGOR D.E, MALAYSIA"


def test_a_sign_read_alone_beside_a_caption_under_its_value_is_a_speck():
    """Values over their captions; 'Отчество Г': the 'Г' is a speck, the patronymic is above."""
    got = values("passport", [(262, 1335, "ЛАДИМИР"), (262, 1372, "Имя"), (262, 1420, "ЕРЕМЕЕВИЧ"),
                              (262, 1469, "Отчество Г"), (262, 1527, "Муж. 4 ДЕКАБРЯ 1986 Г."),
                              (261, 1565, "Пол Дата рождения")])
    assert got["middle_name"] == "Еремеевич"


@pytest.mark.parametrize("read", ["г.", "Г,", '"г', "г"])
def test_a_citys_abbreviation_read_unsure_stays_in_the_place(read):
    """'г.' before the city's name, which Tesseract reads at 15 % on a clean scan, with its
    stop as a comma or with a speck before it: print, not a speck beside the label."""
    rows = [(203, 1045, "Дата рождения: 11 мая 1961 года"), (203, 1093, f"Место рождения: {read} Красновишерск")]
    page = page_of(rows)
    page.words = [replace(w, conf=15.0) if w.text == read else w for w in page.words]
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value.lower() == "г. красновишерск"


def test_a_text_layers_dash_between_spaces_is_print():
    """A digital PDF's 'ОСЕТИЯ - АЛАНИЯ': the dash is its own word, and no speck."""
    rows = [(100, 540, "Место рождения С. КЛИН, РЕСП. СЕВЕРНАЯ ОСЕТИЯ - АЛАНИЯ")]
    page = replace(page_of(rows), text_source="text_layer")
    found = locate_fields(DOCTYPES["passport"], [page])["birth_place"]
    assert found.value == "С. КЛИН, РЕСП. СЕВЕРНАЯ ОСЕТИЯ - АЛАНИЯ"


def test_an_invoice_numbers_prefix_whose_hyphen_ended_the_word_is_kept():
    """'№ A- 1485/2023': OCR ended a word at the prefix's hyphen; the number is the whole."""
    assert values("invoice", [(100, 100, "Счет-фактура № A- 1485/2023 от «29» декабря 2023 г. (1)")])["number"] == "А-1485/2023"
    assert values("invoice", [(100, 100, "Счет-фактура № 1485 от «29» декабря 2023 г. (1)")])["number"] == "1485"


def test_a_partys_code_on_its_headers_row_is_found_with_its_label_lost():
    """'Поставщик (Исполнитель): ИНН 4019484722 / КПП 401943001, ООО ...' as one paragraph, its
    'ИНН' overprinted by the header and read '# 8': the only valid INN in the supplier's
    section, which opens on the header's own row."""
    found = locate_fields(DOCTYPES["invoice"], [page_of([
        (100, 100, "Счет на оплату № 570/07 от 02.07.2025"),
        (100, 200, 'Поставщик # 8 :4019484722 / КПП 401943001, ООО "ТрансКомплект", 625196, г. Калуга'),
        (100, 260, "Покупатель: ИП Сергеев М.Я., ИНН 231241615529, 635263, г. Краснодар"),
    ])])
    assert found["seller_inn"].value == "4019484722"
    assert found["buyer_inn"].value == "231241615529"


def test_an_invoice_number_read_to_its_separator_is_unfinished():
    """'№ 3455/10': a speck cost the line its '10', and '3455/' was given as '3455', valid. A
    number read to a separator glued to its part is not finished; read as two words, it is one."""
    found = locate_fields(DOCTYPES["invoice"], [page_of([(100, 100, "Счет-фактура № 3455/ от «23» августа 2018 г.")])])
    assert (found["number"].value, found["number"].valid) == ("3455", False)
    assert "not read" in found["number"].warning
    assert values("invoice", [(100, 100, "Счет-фактура № 3455/ 10 от «23» августа 2018 г.")])["number"] == "3455/10"
    assert values("invoice", [(100, 100, "Счет-фактура № А-17 от «23» августа 2018 г.")])["number"] == "А-17"


BILL_ROWS = [
    (100, 100, "ПАО «ПРОМСВЯЗЬБАНК» г. Москва БИК 044525555"),
    (100, 160, "Банк получателя Сч. № 30101810400000000555"),
    (100, 220, "ИНН 7626772782 КПП 762601002 Сч. № 40702810951248145724"),
    (100, 280, "ПАО «ПромСнаб»"),
    (100, 340, "Получатель"),
    (100, 440, "Счет № 5512 от 17.03.2022"),
    (100, 540, "Поставщик: ПАО «ПромСнаб», ИНН 7626772782, КПП 762601002, 323571, г. Ярославль"),
    (100, 640, "Покупатель (Заказчик): ИНН 712376118281, ИП Климов К.В., 584182, г. Тула"),
    (100, 900, "Всего к оплате: 2 939 365.70"),
]


def test_a_bill_names_its_parties_in_paragraphs_of_their_requisites():
    """A bill (счет на оплату): the supplier is the seller; the bank box's payee ('Получатель',
    which reads as 'Покупатель' with two letters wrong) is no buyer."""
    got = values("invoice", BILL_ROWS)
    assert (got["number"], got["date"]) == ("5512", "2022-03-17")
    assert (got["seller_name"], got["seller_inn"], got["seller_kpp"]) == ("ПАО «ПромСнаб»", "7626772782", "762601002")
    assert (got["buyer_name"], got["buyer_inn"], got["buyer_kpp"]) == ("ИП Климов К.В.", "712376118281", None)
    assert got["total"] == "2939365.70"


def test_a_party_after_its_label_and_its_bracketed_qualifier_is_beside_both():
    """'Покупатель (Заказчик): ООО ...': the value after the qualifier, not the label
    'Основание:' two rows under 'Покупатель'."""
    got = values("invoice", BILL_ROWS[:7] + [
        (100, 640, "Покупатель (Заказчик): 000 «Сантехмонтаж», ИНН 6254527578, КПП 625443001, 328470, г. Рязань"),
        (700, 700, "№"), (100, 760, "Основание: Договор № 72 от 15.01.2013")] + BILL_ROWS[8:])
    assert (got["buyer_name"], got["buyer_inn"]) == ("ООО «Сантехмонтаж»", "6254527578")


def test_a_partys_name_whose_row_goes_on_with_its_codes_takes_none_of_the_next_line():
    """'Плательщик: ИП Нестерова Мария Анатольевна, ИНН ..., д. 154, кв.' over '161': the
    flat's number is the address's, after the INN's label; the name ends at the label."""
    got = values("invoice", BILL_ROWS[:7] + [
        (100, 640, "Покупатель: ИП Нестерова Мария Анатольевна, ИНН 771292329363, 164525, г. Москва, д. 154, кв."),
        (560, 700, "161")] + BILL_ROWS[8:])
    assert (got["buyer_name"], got["buyer_inn"]) == ("ИП Нестерова Мария Анатольевна", "771292329363")
    # A label a column's gap off is another column's: the value's next line is its own.
    got = values("passport", [(100, 100, "Паспорт выдан ОВД АВТОЗАВОДСКОГО РАЙОНА"),
                              (100, 300, "Место рождения ГОР. ВОЛОГДА,"), (1400, 300, "Пол МУЖ."),
                              (430, 360, "ВОЛОГОДСКОЙ ОБЛ.")])
    assert got["birth_place"] == "ГОР. ВОЛОГДА, ВОЛОГОДСКОЙ ОБЛ."


def test_a_caption_opening_its_row_with_a_colon_is_read_with_two_letters_wrong():
    """A 100-dpi bill's 'Заказчик:' read 'Заклэчик:' (81 against the 82 short labels need):
    a word opening its row with a colon is a caption; the same word mid-row is not."""
    got = values("invoice", BILL_ROWS[:7] + [
        (100, 640, "Заклэчик: ООО «ПромТехСнаб», ИНН 3618899481, КПП 361845002, 245093, г. Воронеж")] + BILL_ROWS[8:])
    assert (got["buyer_name"], got["buyer_inn"], got["buyer_kpp"]) == ("ООО «ПромТехСнаб»", "3618899481", "361845002")
    got = values("invoice", BILL_ROWS[:7] + [
        (100, 640, "Для Заклэчик: ООО «ПромТехСнаб», ИНН 3618899481, КПП 361845002, 245093, г. Воронеж")] + BILL_ROWS[8:])
    assert got["buyer_name"] != "ООО «ПромТехСнаб»"


def test_an_invoice_number_whose_small_ef_read_as_a_sign_keeps_its_letters():
    got = values("invoice", BILL_ROWS[:5] + [(100, 440, "СЧЕТ № C®-7694 от 10 мая 2019 г.")] + BILL_ROWS[6:])
    assert (got["number"], got["date"]) == ("СФ-7694", "2019-05-10")


def test_a_label_read_with_letters_wrong_is_no_label_in_the_middle_of_a_sentence():
    notice = [(100, 30, "Оплата означает согласие с условиями поставки товара. Товар отпускается"),
              (100, 80, "по факту прихода денег на р/с Поставщика, самовывозом")]
    got = values("invoice", notice + BILL_ROWS[4:])
    assert got["seller_name"] == "ПАО «ПромСнаб»"


def test_a_date_whose_year_a_speck_split_is_read_by_its_label():
    """A scanned notice: 'Дата рождения 08.06.1 968' (a speck between the year's figures)."""
    got = values("snils", [(100, 100, "СНИЛС 146-323-093 43"), (100, 200, "Дата рождения 08.06.1 968"),
                           (100, 300, "Пол Мужской")])
    assert got["birth_date"] == "1968-06-08"
    # A stamp's '3' six heights right of a year read short ('19.06.202') is none of it.
    page = page_of([(100, 100, "СНИЛС 146-323-093 43"), (100, 200, "Дата рождения 19.06.202"), (1000, 200, "3"),
                    (100, 300, "Пол Мужской")])
    assert locate_fields(DOCTYPES["snils"], [page])["birth_date"].value != "2023-06-19"
    # A year's 'г' as far right of its figures stands off no figure of it.
    page = page_of([(100, 100, "СНИЛС 146-323-093 43"), (100, 200, "Дата рождения 18.05.1971"), (1000, 200, "г"),
                    (100, 300, "Пол Мужской")])
    assert locate_fields(DOCTYPES["snils"], [page])["birth_date"].value == "1971-05-18"


def test_a_caption_of_two_words_printed_in_a_sentence_is_its_label_read_with_a_letter_wrong():
    """An INN certificate's 'подтверждает, что физическое лицо' heads the names under it; a
    fax read 'физическэе'."""
    got = values("inn", [
        (100, 100, "СВИДЕТЕЛЬСТВО"),
        (100, 160, "о постановке на учет физического лица в налоговом органе"),
        (100, 260, "Настоящее свидетельство подтверждает, что физическэе лицо"),
        (700, 340, "ЕРЕМИН"),
        (700, 420, "МИХАИЛ"),
        (700, 500, "МАКСИМОВИЧ"),
        (100, 580, "пол муж. дата рождения 28 января 1989 г."),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Еремин", "Михаил", "Максимович")
    model = layout.build_model(DOCTYPES["inn"], page_of([(100, 260, "Настоящее свидетельство подтверждает, что физическэе лицо")]))
    assert "fio" in [h.owner for h in model.hits]
    # Declined in a sentence it is none: 'физического лица' differs by more than a letter.
    model = layout.build_model(DOCTYPES["inn"], page_of([(100, 260, "в отношении физического лица")]))
    assert "fio" not in [h.owner for h in model.hits]


def test_names_under_their_captions_on_a_page_whose_figures_lie_under_theirs():
    """Each name's row above is a little nearer than its own below; the dates below their
    captions tell which way the page reads."""
    got = values("snils", [
        (100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"),
        (100, 200, "СНИЛС 287-438-466 30"),
        (100, 300, "Фамилия"), (1200, 300, "Дата рождения"),
        (100, 380, "Гришина"), (1200, 380, "29 апреля 2000 г."),
        (100, 446, "Имя"), (1200, 446, "Пол"),
        (100, 524, "Виктория"), (1200, 524, "женский"),
        (100, 592, "Отчество"),
        (100, 670, "Денисовна"),
        (100, 760, "Дата регистрации"),
        (100, 832, "04.05.2018"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Гришина", "Виктория", "Денисовна")
    assert (got["birth_date"], got["registration_date"]) == ("2000-04-29", "2018-05-04")


PASSPORT_SCRAPS = [
    (100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ"),
    (100, 160, "Дщтв вьвдч 01.02.2010 Код подразделения 770-001"),  # the captions read as scraps
    (100, 300, "Фамилия ИВАНОВ"), (100, 360, "Имя ПЁТР"), (100, 420, "Отчество ИВАНОВИЧ"),
    (100, 480, "Пол МУЖ."), (100, 540, "Дпга рожа 03.04.1980"), (100, 600, "Место рождения ГОР. ТУЛА"),
]


def test_dates_whose_labels_were_lost_are_told_apart_by_the_order_of_events():
    found = locate_fields(DOCTYPES["passport"], [page_of(PASSPORT_SCRAPS)])
    assert (found["birth_date"].value, found["issue_date"].value) == ("1980-04-03", "2010-02-01")
    assert found["birth_date"].source == found["issue_date"].source == "chronology"
    assert found["birth_date"].confidence <= 0.5 and found["birth_date"].warning


def test_the_one_date_of_a_data_page_alone_whose_labels_were_lost_is_the_birth_date():
    """No field of the spread's other page, nor any of its captions, was read: its issue is not
    printed here, and the page's one date is the birth date, unsure."""
    found = locate_fields(DOCTYPES["passport"], [page_of(PASSPORT_SCRAPS[2:])])
    assert (found["birth_date"].value, found["issue_date"].value) == ("1980-04-03", None)
    assert found["birth_date"].source == "chronology" and found["birth_date"].confidence <= 0.5
    # The issuing page read (its division code, or its office): which of the two its one date
    # is is not known.
    found = locate_fields(DOCTYPES["passport"], [page_of(PASSPORT_SCRAPS[1:2] + PASSPORT_SCRAPS[2:6] + PASSPORT_SCRAPS[7:])])
    assert found["birth_date"].value is None
    found = locate_fields(DOCTYPES["passport"], [page_of(
        PASSPORT_SCRAPS[:1] + [(100, 220, "Дщтв вьвдч 01.02.2010")] + PASSPORT_SCRAPS[2:6])])
    assert found["issued_by"].value and found["birth_date"].value is None


def test_dates_whose_labels_were_lost_are_not_guessed_among_more_dates_than_fields():
    """... but for the one on the division code's row, the issue date however many are free."""
    got = values("passport", PASSPORT_SCRAPS + [(100, 1500, "Зарегистрирован 05.06.2011")])
    assert got["birth_date"] is None and got["issue_date"] == "2010-02-01"


def test_the_date_on_the_division_codes_row_is_the_issue_date_where_the_birth_date_was_misread():
    """A fax lost both dates' captions and read the birth date '16.114951': its one date left
    is on the division code's row, as a passport prints them."""
    found = locate_fields(DOCTYPES["passport"], [page_of(PASSPORT_SCRAPS[:1] + [
        (100, 160, "on 25.06.1999 в. зах 729-056")] + PASSPORT_SCRAPS[2:6] + [
        (100, 540, "Дпга рожа 16.114951")] + PASSPORT_SCRAPS[7:])])
    assert (found["birth_date"].value, found["issue_date"].value) == (None, "1999-06-25")
    assert found["issue_date"].confidence <= 0.5 and "division_code" in found["issue_date"].warning
    # Its birth date's caption read: the issue date is still the one on the code's row.
    found = locate_fields(DOCTYPES["passport"], [page_of(PASSPORT_SCRAPS[:1] + [
        (100, 160, "on 25.06.1999 в. зах 729-056")] + PASSPORT_SCRAPS[2:6] + [
        (100, 540, "Дата рождения 16.114951")] + PASSPORT_SCRAPS[7:])])
    assert found["issue_date"].value == "1999-06-25" and found["birth_date"].value != "1999-06-25"


def test_a_qualifier_whose_bracket_closes_on_the_next_line_is_no_part_of_the_value():
    got = values("snils", [
        (100, 100, "Страховой номер 035-460-241 27"),
        (100, 200, "Фамилия, имя, отчество (при"), (700, 200, "Тихонова Светлана Артёмовна"),
        (100, 250, "наличии)"),
        (100, 350, "Дата рождения"), (700, 350, "30 сентября 2001 г."),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Тихонова", "Светлана", "Артёмовна")


def test_a_passports_issuing_office_whose_label_was_lost_is_the_block_over_its_issue_date():
    rows = [(100, 40, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"), (100, 160, "Пзспщт вьш"),  # 'Паспорт выдан' read as scraps
            (100, 220, "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО"), (100, 280, "КАЛУЖСКОЙ ОБЛАСТИ В ГОР. КАЛУГЕ"),
            (100, 420, "Дата выдачи Код подразделения"), (100, 480, "03.12.2013 402-020"),
            (100, 700, "Фамилия ИВАНОВ")]
    page = page_of(rows)
    page = replace(page, words=[replace(w, conf=20.0) if w.line == 1 else w for w in page.words])
    found = locate_fields(DOCTYPES["passport"], [page])["issued_by"]
    assert found.value == "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО КАЛУЖСКОЙ ОБЛАСТИ В ГОР. КАЛУГЕ"
    assert found.confidence <= 0.5 and "label was not read" in found.warning
    # Its label read: as before, by it.
    assert values("passport", [(100, 160, "Паспорт выдан")] + rows[2:])["issued_by"] == found.value
    # The issue date's row printed 4.5 of the office's row heights under its last row, its
    # caption beside it (a spread whose office is set in larger print).
    far = rows[:4] + [(100, 280 + int(4.5 * ROW_H), "Дата выдачи 03.12.2013 Код подразделения 402-020"),
                      (100, 900, "Фамилия ИВАНОВ")]
    page = replace(page_of(far), words=[replace(w, conf=20.0) if w.line == 1 else w for w in page_of(far).words])
    assert locate_fields(DOCTYPES["passport"], [page])["issued_by"].value == found.value


def test_an_issuing_offices_lost_caption_read_as_junk_before_its_first_row_is_no_part_of_it():
    rows = [(100, 40, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"),
            (100, 220, 'прет" teehee ОТДЕЛЕНИЕМ УФМС РОССИИ ПО'), (100, 280, "КАЛУЖСКОЙ ОБЛАСТИ В ГОР. КАЛУГЕ"),
            (100, 420, "Дата выдачи Код подразделения"), (100, 480, "03.12.2013 402-020"),
            (100, 700, "Фамилия ИВАНОВ")]
    page = page_of(rows)
    junk = {'прет"', "teehee"}
    page = replace(page, words=[replace(w, conf=20.0) if w.text in junk else w for w in page.words])
    found = locate_fields(DOCTYPES["passport"], [page])["issued_by"]
    assert found.value == "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО КАЛУЖСКОЙ ОБЛАСТИ В ГОР. КАЛУГЕ"


def test_a_date_whose_label_was_read_is_not_filled_from_another_date_by_chronology():
    """The birth date's figures read badly under its label: the certificate's other date (of
    its registration, after a caption no field has) is not taken for it."""
    got = values("inn", [
        (100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе"),
        (100, 200, "Фамилия ГУЩИН"), (100, 260, "Пол мужской"), (100, 320, "Дата рождения 20.08.198"),
        (100, 400, "поставлен на учет в соответствии с Налоговым кодексом 14 марта 2000 г."),
        (100, 500, "Дата выдачи 29.03.2000"),
    ])
    assert got["birth_date"] != "2000-03-14" and got["issue_date"] == "2000-03-29"


def test_a_passports_birthplace_centred_over_four_lines():
    got = values("passport", [
        (100, 100, "Фамилия ИВАНОВ"), (100, 160, "Место рождения ДЕР."),
        (500, 210, "НИЖНЕУДИНСК,"), (480, 260, "КРАСНОДАРСКИЙ"), (560, 310, "КРАЙ"),
        (100, 420, "Личная подпись"),
    ])
    assert got["birth_place"] == "ДЕР. НИЖНЕУДИНСК, КРАСНОДАРСКИЙ КРАЙ"


def test_the_snils_notices_number_label_is_no_surname():
    """The surname under a signature, unread: the number's label's second line over its
    caption is no surname."""
    got = values("snils", [
        (100, 100, "Страховой номер индивидуального"), (1200, 100, "035-460-241 27"),
        (100, 150, "лицевого счета"),
        (100, 210, "Фамилия"),
        (100, 300, "Имя Владимир"),
    ])
    assert got["number"] == "035-460-241 27" and got["last_name"] is None


def test_abbreviated_birth_labels():
    got = values("passport", [(100, 100, "Фамилия ЕГОРОВА"), (100, 160, "ДАТА РОЖД. 07.09.1975"),
                              (100, 220, "МЕСТО РОЖД. ГОР. ОМСК"), (100, 280, "Код подр. 550-015")])
    assert (got["birth_date"], got["birth_place"], got["division_code"]) == ("1975-09-07", "ГОР. ОМСК", "550-015")


def test_words_an_ocr_line_holds_one_above_the_other_are_rows_of_their_own():
    """Tesseract put a receipt's 'TOTAL' into the cash's line under it (on a slanted page, its
    boxes here straightened), and the cash's figure became the total; the total's figure stood
    alone on its row."""
    words = [Word("397.10", (1073, 1092, 1186, 1133), 96.0, 11),
             Word("CASH", (198, 1140, 307, 1178), 97.0, 12), Word("TOTAL", (200, 1095, 328, 1132), 97.0, 12),
             Word("400.00", (1075, 1142, 1188, 1176), 96.0, 12),
             Word("CHANGE", (197, 1188, 330, 1225), 97.0, 13), Word("2.90", (1100, 1190, 1187, 1224), 96.0, 13)]
    rows = [" ".join(w.text for w in r.words) for r in build_rows(words)]
    assert rows == ["TOTAL 397.10", "CASH 400.00", "CHANGE 2.90"]
    # Words side by side in one line stay one row.
    beside = [Word("SUB", (100, 100, 160, 130), 95.0, 1), Word("TOTAL", (170, 102, 260, 132), 95.0, 1)]
    assert [" ".join(w.text for w in r.words) for r in build_rows(beside)] == ["SUB TOTAL"]


def test_a_word_given_back_by_another_reading_joins_the_row_it_touches():
    """'Денисова', lost by the line reading and given back by the block reading as a line of
    its own, its box three pixels into the word before it and under a four-pixel dash: it is
    of that row, in its place, not a row after it (which made the name 'Вероника Кузьминична
    Денисова')."""
    words = [Word("Индивидуальный", (310, 731, 600, 786), 96.0, 11), Word("предприниматель", (603, 726, 912, 786), 63.0, 11),
             Word("—", (896, 722, 957, 726), 52.0, 11), Word("Вероника", (1072, 720, 1229, 777), 96.0, 11),
             Word("Кузьминична", (1239, 720, 1461, 772), 97.0, 11), Word("Денисова", (909, 744, 1063, 777), 96.0, ("block", 1))]
    rows = [" ".join(w.text for w in r.words) for r in build_rows(words)]
    assert rows == ["Индивидуальный предприниматель Денисова Вероника Кузьминична"]
    # A word standing half over another's columns is of a row of its own.
    stacked = [Word("ИВАНОВ", (100, 100, 300, 150), 95.0, 1), Word("ПЕТР", (200, 120, 330, 170), 95.0, 2)]
    assert len(build_rows(stacked)) == 2


def test_a_name_that_is_a_word_the_form_prints_is_invalid():
    """A photographed certificate whose first name's line was lost: the word taken in its
    place is the heading's ('НАЛОГОВАЯ' of 'ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА')."""
    inn = DOCTYPES["inn"]
    rows = [(100, 100, "ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА"), (100, 200, "Фамилия ВИНОГРАДОВА"),
            (100, 260, "Имя НАЛОГОВАЯ"), (100, 320, "Отчество СЕРГЕЕВНА")]
    found = locate_fields(inn, [page_of(rows)])
    assert found["first_name"].value == "Налоговая" and not found["first_name"].valid
    assert "form prints" in found["first_name"].warning
    assert found["last_name"].valid and found["middle_name"].valid


def _read(words: list[tuple[str, tuple[int, int, int, int], float, int]], width: int, height: int, dpi: int) -> PageText:
    return PageText(1, width, height, dpi, "ocr", [Word(t, box, conf, line) for t, box, conf, line in words])


def test_a_sellers_inn_is_not_the_buyers_too():
    """A photographed invoice, its parties printed as paragraphs, its lines leaning (words of a
    phone photo at 96 dpi): the seller's INN is the nearest figure to the buyer's 'ИНН' at the
    end of its line, the buyer's own wrapped to the next line. The seller's keeps it; the
    buyer's is the other INN of its section."""
    page = _read([("Поставщик", (142, 319, 197, 342), 66.4, 1), ("ИНН", (437, 285, 458, 304), 96.5, 1),
                  ("383811269663,", (463, 275, 541, 301), 96.2, 1), ("387470,", (540, 270, 579, 291), 93.1, 1),
                  ("ул.", (642, 260, 662, 278), 96.7, 1), ("ИНН", (648, 297, 675, 316), 95.9, 3),
                  ("3416378510,", (259, 353, 325, 377), 96.2, 4), ("пом.", (643, 310, 670, 330), 96.4, 4),
                  ("Пожупатель", (148, 356, 202, 377), 87.4, 9)], 792, 1001, 96)
    got = locate_fields(DOCTYPES["invoice"], [page])
    assert (got["seller_inn"].value, got["buyer_inn"].value) == ("383811269663", "3416378510")
    assert "buyer_inn" in got["buyer_inn"].warning


def test_a_kpp_is_no_part_of_an_inns_figures():
    """'$237015585': an INN whose '5' read as '$' gives the INN '5237015585', and its last nine
    figures are no KPP."""
    page = _read([("Покупатель:", (146, 401, 198, 418), 88.6, 1), ("$237015585", (310, 399, 371, 418), 81.6, 1)],
                 1000, 1300, 120)
    got = locate_fields(DOCTYPES["invoice"], [page])
    assert (got["buyer_inn"].value, got["buyer_kpp"].value) == ("5237015585", None)


def test_two_parties_side_by_side_a_long_name_wrapped_in_the_left_column():
    """'Продавец' and 'Покупатель' side by side on a clean invoice; the seller's long name runs
    to within a column's gap of the buyer's and wraps. Tesseract reads both names as one line:
    the buyer's is the phrase most of which lies under its header (the seller's only ends
    there, its last 'и' past the window's left edge), and the seller's second line goes on
    beside the buyer's 'Адрес:', printed 3 px left of 'Покупатель'."""
    page = _read([("Продавец", (172, 300, 432, 344), 97, 1), ("Покупатель", (1758, 300, 2068, 344), 97, 1)]
                 + [(text, (x0, y0, x1, y1), 96, 2) for text, x0, y0, x1, y1 in [
                     ("Общество", 171, 366, 408, 407), ("с", 428, 375, 447, 401), ("ограниченной", 468, 365, 803, 411),
                     ("ответственностью", 825, 375, 1269, 401), ("«Тарасов", 1291, 367, 1505, 411),
                     ("и", 1527, 376, 1549, 401), ("ЗАО", 1757, 366, 1848, 401), ("«Доронин", 1869, 367, 2100, 411),
                     ("и", 2123, 376, 2145, 401), ("партнеры»", 2168, 375, 2426, 411)]]
                 + [(text, (x0, y0, x1, y1), 96, 3) for text, x0, y0, x1, y1 in [
                     ("партнеры»", 172, 435, 430, 471), ("Адрес:", 1755, 434, 1909, 478),
                     ("301199,", 1939, 433, 2120, 473), ("г.", 2144, 443, 2174, 468), ("Нижний", 2198, 432, 2386, 468)]],
                 3508, 2480, 300)
    got = locate_fields(DOCTYPES["invoice"], [page])
    assert got["seller_name"].value == "Общество с ограниченной ответственностью «Тарасов и партнеры»"
    assert got["buyer_name"].value == "ЗАО «Доронин и партнеры»"


def test_a_name_beside_its_labels_qualifier_wrapped_under_the_label():
    """An INN notice: 'ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО' over '(ПРИ НАЛИЧИИ)', the name beside the
    qualifier, nothing beside the label's first line."""
    got = values("inn", [
        (100, 100, "Настоящим уведомляется, что физическое лицо"),
        (100, 200, "ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО"),
        (100, 250, "(ПРИ НАЛИЧИИ)"), (900, 250, "Щербаков Вячеслав Евгеньевич"),
        (100, 320, "ПОЛ"), (900, 320, "мужской"),
        (100, 390, "ДАТА РОЖДЕНИЯ"), (900, 390, "22.03.1966"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Щербаков", "Вячеслав", "Евгеньевич")
    assert got["gender"] == "male" and got["birth_date"] == "1966-03-22"


def test_a_label_in_brackets_under_another_is_its_qualifier():
    """'Поставщик' over '(Исполнитель):', the seller's paragraph beside both: the name is
    beside 'Поставщик', not the paragraph's second line beside the bracketed word."""
    got = values("invoice", [
        (100, 100, "Счет на оплату № 00040909 от 10.07.2024"),
        (100, 200, "Поставщик"), (600, 200, "Индивидуальный предприниматель Киселёв Максим Михайлович, ИНН"),
        (100, 250, "(Исполнитель):"), (600, 250, "761593863607, 485945, Ярославская область, г. Рыбинск,"),
        (600, 300, "ул. 8 Марта, д. 56"),
        (100, 400, "Покупатель"), (600, 400, "ООО «Энергия», ИНН 6615551966, КПП 661545001"),
        (100, 450, "(Заказчик):"), (600, 450, "237517, Свердловская обл., г. Каменск-Уральский"),
    ])
    assert got["seller_name"] == "Индивидуальный предприниматель Киселёв Максим Михайлович"
    assert got["buyer_name"] == "ООО «Энергия»"


def test_a_row_under_its_own_caption_is_no_value_of_the_label_above():
    """A SNILS notice photographed: its registration date unreadable ('702 лк'); the row under
    it is the notice's own date under a caption no document type knows."""
    got = values("snils", [
        (100, 100, "Страховой номер индивидуального лицевого счета 002-268-297 18"),
        (100, 200, "Пол: ЖЕНСКИЙ"),
        (100, 260, "Дата регистрации: 702 лк"),
        (100, 380, "Дата формирования уведомления: 27.09.2022"),
    ])
    assert got["registration_date"] is None
    assert values("snils", [(100, 260, "Дата регистрации:"), (100, 320, "09.02.2008")])["registration_date"] == "2008-02-09"


def test_an_inn_notices_birthplace_ends_before_its_tax_office():
    """A photographed INN notice (words as read at 96 dpi): 'Налоговый орган' (its second word
    read 'оргам') captions the office on the row under the birthplace."""
    page = _read([("Место", (323, 1024, 361, 1048), 96.7, 12), ("рождения", (364, 1025, 422, 1050), 91.0, 12),
                  ("г.", (474, 1033, 485, 1045), 95.2, 12), ("Борисоглебск", (486, 1029, 581, 1051), 79.5, 12),
                  ("Налоговый", (320, 1062, 385, 1089), 96.2, 14), ("оргам", (388, 1068, 422, 1089), 82.4, 14),
                  ("Инспекция", (469, 1067, 548, 1093), 92.9, 14), ("ФНС", (552, 1069, 579, 1094), 96.7, 14),
                  ("России", (582, 1070, 631, 1095), 91.2, 14), ("№", (635, 1073, 648, 1091), 96.0, 14),
                  ("4", (653, 1074, 664, 1090), 96.0, 14), ("по", (666, 1072, 685, 1097), 96.3, 14),
                  ("Красноярскому", (690, 1073, 794, 1099), 96.7, 14), ("краю", (798, 1075, 831, 1100), 96.1, 14)],
                 1344, 2390, 96)
    assert locate_fields(DOCTYPES["inn"], [page])["birth_place"].value == "г. Борисоглебск"


def test_a_dates_day_is_no_invoice_number():
    """The number under a stamp, unread: the day of the date under it ('«25»') is no number."""
    got = values("invoice", [(100, 100, "СЧЕТ №"), (100, 160, "«25» ноября 2019 г.")])
    assert got["number"] is None and got["date"] == "2019-11-25"
    assert values("invoice", [(100, 100, "СЧЕТ № ТД-070654"), (100, 160, "Дата счета: «25» ноября 2019 г.")]
                  )["number"] == "ТД-070654"


def test_a_caption_printed_small_under_a_values_line_is_no_line_of_it():
    """An INN certificate: the name on its line under 'физическое лицо', the caption
    '(фамилия, имя, отчество)' printed small under the line and read 'счет]'."""
    row = _sized_row
    page = _read(row(100, 22, 60, "СВИДЕТЕЛЬСТВО") + row(140, 16, 60, "Российская", "Федерация")
                 + row(200, 18, 60, "Настоящее", "свидетельство", "подтверждает,", "что", "физическое", "лицо")
                 + row(240, 22, 300, "Николаев", "Кирилл", "Аркадьевич") + row(266, 10, 360, "счет]")
                 + row(300, 22, 60, "пол", "мужской", "дата", "рождения", "14.12.1977"), 1958, 1304, 150)
    got = locate_fields(DOCTYPES["inn"], [page])
    assert (got["last_name"].value, got["first_name"].value, got["middle_name"].value) == (
        "Николаев", "Кирилл", "Аркадьевич")


def test_a_certificates_heading_is_no_name():
    """The name's line lost: the headings over the label's row are no name."""
    rows = [(900, 100, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"), (850, 140, "ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА"), (900, 190, "СВИДЕТЕЛЬСТВО"),
            (500, 230, "о постановке на учет физического лица в налоговом органе"),
            (100, 280, "Настоящее свидетельство подтверждает, что физическое лицо"), (100, 420, "пол мужской")]
    found = locate_fields(DOCTYPES["inn"], [page_of(rows)])
    # None taken at all (one taken, if invalid, would keep a name found by its place from the page)
    assert all(found[f].value is None for f in ("last_name", "first_name", "middle_name"))


def _sized_row(y: int, height: int, x: int, *texts: str) -> list[tuple[str, tuple[int, int, int, int], float, int]]:
    """Words of one row printed `height` pixels tall, from `x`."""
    words = []
    for text in texts:
        words.append((text, (x, y, x + 12 * len(text), y + height), 96.0, y))
        x += 12 * len(text) + 10
    return words


def test_a_label_word_printed_small_between_a_places_lines_is_passed_over():
    """A passport (words as read): 'Место' beside the place's first line, its 'рождения' under
    it, printed small and beside the place's second line, which sits a little lower."""
    page = _read([("Место", (486, 632, 554, 651), 96, 2), ("С.", (670, 621, 699, 651), 95, 2),
                  ("МИХАЙЛОВКА", (714, 613, 963, 651), 93, 2), ("СЫСЕРТСКОГО", (977, 621, 1233, 651), 92, 2),
                  ("Р-НА", (1248, 621, 1328, 651), 97, 2), ("1", (87, 673, 90, 680), 76, 3),
                  ("рождения", (486, 667, 600, 687), 96, 3), ("СВЕРДЛОВСКОЙ", (684, 674, 966, 720), 96, 4),
                  ("ОБЛАСТИ", (983, 682, 1146, 712), 97, 4)], 1476, 1039, 300)
    got = locate_fields(DOCTYPES["passport"], [page])
    assert got["birth_place"].value == "С. МИХАЙЛОВКА СЫСЕРТСКОГО Р-НА СВЕРДЛОВСКОЙ ОБЛАСТИ"


def test_a_name_after_its_labels_qualifier_that_opened_on_the_labels_row():
    """'ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО (ПРИ' over 'НАЛИЧИИ ГАВРИЛОВА ДИАНА ПАВЛОВНА': the closing
    bracket not read, the qualifier's last word opens the row the name is on."""
    got = values("inn", [
        (100, 100, "Настоящим уведомляется, что физическое лицо"),
        (100, 200, "ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО (ПРИ"), (100, 260, "НАЛИЧИИ ГАВРИЛОВА ДИАНА ПАВЛОВНА"),
        (100, 330, "пол ЖЕНСКИЙ"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Гаврилова", "Диана", "Павловна")
    assert values("inn", [(100, 200, "ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО (ПРИ"), (100, 260, "НАЛИЧИИ) ГАВРИЛОВА ДИАНА ПАВЛОВНА")]
                  )["last_name"] == "Гаврилова"


def test_a_label_wrapped_over_a_number_printed_along_the_edge():
    """A passport's data page (words as read): 'Дата' beside the birth date, its 'рождения'
    on the next line; the number printed along the edge, read turned, lies level between them."""
    edge = ("region", 270, (1350, 0, 1476, 1039), (1, 1, 1))
    page = _read([("Пол", (485, 485, 536, 505), 93, 3), ("ЖЕН.", (573, 475, 683, 505), 93, 3),
                  ("Дата", (734, 485, 796, 509), 96, 3), ("26.05.1982", (916, 475, 1134, 505), 96, 3),
                  ("36", (1390, 617, 1431, 687), 95, edge), ("02", (1390, 518, 1431, 587), 95, edge),
                  ("308734", (1390, 255, 1431, 485), 95, edge), ("рождения", (733, 521, 866, 542), 96, 5)],
                 1476, 1039, 300)
    assert locate_fields(DOCTYPES["passport"], [page])["birth_date"].value == "1982-05-26"


def test_an_invoices_total_with_tax_under_its_sum_without():
    got = values("invoice", [(100, 100, "Счет на оплату № А-482/19"), (100, 300, "Сумма без НДС: 1.633.139,00"),
                             (100, 360, "НДС 20%: 326.627,80"), (100, 420, "Итого с НДС: 1.959.766,80 руб.")])
    assert got["total"] == "1959766.80"


def test_a_place_whose_abbreviation_a_speck_gave_a_colon_is_no_caption():
    """'ГОР: МОСКВА' over its caption 'Место рождения' (a speckled passport): a value, not a
    row under a caption of its own."""
    got = values("passport", [(100, 100, "ДАТА РОЖДЕНИЯ 12.03.1980"), (100, 160, "Дата рождения"),
                              (100, 250, "ГОР: МОСКВА"), (100, 310, "Место рождения")])
    assert got["birth_place"] == "ГОР. МОСКВА"


def test_a_signatures_caption_gives_no_name():
    """An INN certificate whose name's caption under it was not matched: the signature's caption
    '(фамилия, инициалы)' at the foot of the page gave 'Инициалы' for the surname (silent)."""
    rows = [
        (100, 100, "СВИДЕТЕЛЬСТВО"), (100, 150, "о постановке на учет физического лица в налоговом органе"),
        (100, 250, "ФИЛАТОВ ЭДУАРД РОМАНОВИЧ"),
        (100, 350, "пол Мужской дата рождения 30.06.1988"),
        (100, 400, "ИНН 262958742779"),
        (100, 500, "Руководитель Кузнецова Е.Н."), (100, 550, "(подпись) (фамилия, инициалы)"),
    ]
    found = locate_fields(DOCTYPES["inn"], [page_of(rows)])
    assert found["last_name"].value in (None, "Филатов") or not found["last_name"].valid
    # ... and a surname beside its own label is no such caption ('Фамилия ЮДИНА' read as the
    # stop label 'фамилия, инициалы' lost its name).
    for doc_type in ("passport", "snils", "inn"):
        rows = [(100, 100, "РОССИЙСКАЯ ФЕДЕРАЦИЯ"), (100, 300, "Фамилия ЮДИНА"), (100, 360, "Имя ЛАРИСА"),
                (100, 420, "Отчество ВИКТОРОВНА")]
        assert values(doc_type, rows)["last_name"] == "Юдина", doc_type


def test_a_snils_whose_hyphen_was_read_as_a_plus_is_found():
    got = values("snils", [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 200, "сме 415+757-593-08"), (100, 300, "Фамилия ЗАЙЦЕВ")])
    assert got["number"] == "415-757-593 08"
    got = values("snils", [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 200, "снияс 301°099- 186 39"), (100, 300, "Фамилия ЗАЙЦЕВ")])
    assert got["number"] == "301-099-186 39"  # ... or as a degree sign


def test_receipt_total_is_not_the_cash_tendered_where_change_was_given():
    """The total's figure misread past reading ('52.950'): the label's value was taken from the
    cash's row under it, though the change says the cash is more than the total (60.00, silent)."""
    page = PageText(1, 1400, 1500, 300, "ocr", [
        Word("SUBTOTAL", (199, 864, 401, 894), 96.0, 1), Word("49.90", (1050, 852, 1172, 883), 95.0, 1),
        Word("GST", (198, 923, 272, 951), 96.0, 2), Word("6%", (305, 920, 348, 949), 96.0, 2),
        Word("2.99", (1076, 908, 1173, 938), 84.0, 2),
        Word("ROUNDING", (199, 977, 403, 1007), 97.0, 3), Word("01", (1131, 965, 1172, 993), 97.0, 3),
        Word("TOTAL", (199, 1033, 327, 1063), 96.0, 4), Word("INCL.", (357, 1031, 474, 1061), 96.0, 4),
        Word("GST", (510, 1029, 587, 1058), 97.0, 4), Word("52.950", (1051, 1019, 1176, 1051), 68.0, 4),
        Word("CASH", (200, 1091, 300, 1120), 97.0, 5), Word("60.00", (1055, 1075, 1176, 1107), 96.0, 5),
        Word("CHANGE", (201, 1145, 353, 1174), 96.0, 6), Word("7-10", (1080, 1131, 1176, 1162), 58.0, 6),
    ])
    total = locate_fields(DOCTYPES["receipt"], [page])["total"]
    assert total.value != "60.00"
    assert total.value is None or total.value == "52.90" and total.confidence < 0.8 and total.warning


def test_an_inn_and_kpp_read_in_pieces_are_joined_where_the_inn_checks():
    """A speckled scan's 'ИНН/КПП: 6134978307/613443005' read in three pieces, two of them
    read twice over their joint (a second, sparse reading's boxes overlap by a figure), and
    '7817178940/781701005' read in three apart: the INNs were lost and the KPP taken from the
    INN's figures."""
    page = PageText(1, 3500, 1500, 300, "ocr", [
        Word("Продавец:", (178, 400, 369, 440), 90.0, 0), Word("ООО", (390, 400, 470, 440), 95.0, 0),
        Word("«Логистик-Центр»", (480, 400, 800, 440), 95.0, 0),
        Word("Покупатель:", (1792, 400, 1984, 440), 90.0, 1), Word("АО", (2004, 400, 2060, 440), 95.0, 1),
        Word("«Вектор»", (2080, 400, 2300, 440), 95.0, 1),
        Word("ИНН/КПП:", (178, 490, 369, 533), 67.0, 2),
        Word("61", (390, 506, 426, 541), 97.0, 3), Word("134978307/61", (415, 490, 656, 551), 83.0, 3),
        Word("13443005", (637, 510, 797, 542), 96.0, 3),
        Word("ИНН/КПП:", (1792, 517, 1984, 564), 62.0, 4), Word("78171", (2004, 537, 2103, 567), 94.0, 4),
        Word("78940/78", (2109, 539, 2266, 583), 91.0, 4), Word("1701005.", (2273, 530, 2425, 573), 50.0, 4),
    ])
    got = locate_fields(DOCTYPES["invoice"], [page])
    assert (got["seller_inn"].value, got["seller_kpp"].value) == ("6134978307", "613443005")
    assert (got["buyer_inn"].value, got["buyer_kpp"].value) == ("7817178940", "781701005")
    assert got["seller_inn"].confidence < 0.8 and got["seller_inn"].warning


def test_captions_centred_under_the_lines_their_values_open():
    """An АДИ-РЕГ notice's values written at the start of full-width lines, each with its caption
    in brackets centred under the line; its officer's '(фамилия, инициалы)' is the signature's
    caption, not the holder's surname's."""
    rows = [("Страховой", 275, 825), ("номер", 493, 839), ("754-209-359", 1311, 820), ("05", 1639, 820)]
    words = [Word(t, (x, y, x + 22 * len(t), y + 40), 96.0, 0) for t, x, y in rows]
    lines = [("Ахметова", "(фамилия)"), ("Яна", "(имя)"), ("Борисовна", "(отчество)"),
             ("08.06.1957", "(дата рождения)"), ("Женский", "(пол)")]
    for k, (value, caption) in enumerate(lines):
        y = 930 + 140 * k
        words.append(Word(value, (289, y, 289 + 26 * len(value), y + 36), 96.0, 2 * k + 1))
        x = 1260 - 7 * len(caption)
        for part in caption.split():
            words.append(Word(part, (x, y + 55, x + 14 * len(part), y + 85), 97.0, 2 * k + 2))
            x += 14 * len(part) + 10
    words += [Word("Специалист", (275, 2681, 481, 2716), 96.0, 20), Word("Кузнецова", (1444, 2681, 1623, 2716), 97.0, 20),
              Word("Е.Н.", (1635, 2681, 1707, 2708), 96.0, 20),
              Word("(фамилия,", (1553, 2728, 1676, 2754), 96.0, 21), Word("инициалы)", (1686, 2728, 1818, 2754), 96.0, 21)]
    got = {k: f.value for k, f in locate_fields(DOCTYPES["snils"], [PageText(1, 2480, 3508, 300, "ocr", words)]).items()}
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Ахметова", "Яна", "Борисовна")
    assert (got["birth_date"], got["gender"]) == ("1957-06-08", "female")
    # ... also with the signer's caption's closing bracket lost.
    words[-1] = replace(words[-1], text="инициалы")
    got = locate_fields(DOCTYPES["snils"], [PageText(1, 2480, 3508, 300, "ocr", words)])
    assert got["last_name"].value == "Ахметова"


def test_an_issuing_office_whose_label_was_lost_far_over_its_date_is_the_one_phrase_opening_with_an_office():
    """A fax of a spread: 'Паспорт выдан' read as scraps, the office's two rows far over the
    issue date's. The one row opening with an office's word, with its next line, unsure. (Its
    division code lost too: the date on its row would be the issue date, the rows over it the office.)"""
    rows = [(100, 150, "ОТДЕЛОМ ВНУТРЕННИХ ДЕЛ ПО КАЛИНИНСКОМУ"), (360, 200, "РАЙОНУ Г. ПЕРМИ"),
            (100, 340, "Донвными 05.08.2024 Кодпоцильнния"), (600, 800, "ВЛАСОВ")]
    got = locate_fields(DOCTYPES["passport"], [page_of(rows)])
    assert got["issued_by"].value == "ОТДЕЛОМ ВНУТРЕННИХ ДЕЛ ПО КАЛИНИНСКОМУ РАЙОНУ Г. ПЕРМИ"
    assert got["issued_by"].confidence <= 0.5 and got["issued_by"].warning
    # Two such rows: neither is guessed.
    got = locate_fields(DOCTYPES["passport"], [page_of(rows + [(100, 1000, "УФМС РОССИИ ПО Г. МОСКВЕ")])])
    assert got["issued_by"].value is None


def test_a_place_of_birth_whose_label_was_lost_is_the_one_phrase_opening_with_a_settlement():
    """A SNILS card scanned at 84 dpi: 'Место рождения' read 'Место фожжиия'. The one phrase on
    the card that opens with a settlement's abbreviation is the place, found unsure."""
    got = locate_fields(DOCTYPES["snils"], [page_of([
        (100, 100, "СНИЛС 764-346-938 40"),
        (100, 150, "Фамилия Зиновьева"),
        (100, 200, "Имя Валентина"),
        (100, 250, "Дата рождения 04.01.1963"),
        (100, 300, "Место фожжиия гор. Кинешма Ивановской обл."),
        (100, 350, "Пол Женский"),
    ])])
    assert got["birth_place"].value == "гор. Кинешма Ивановской обл."
    assert got["birth_place"].confidence < 0.8 and got["birth_place"].warning
    got = locate_fields(DOCTYPES["snils"], [page_of([
        (100, 100, "СНИЛС 718-024-631 77"), (100, 150, "Ореста Глебовна"),
        (100, 300, "Ал ве ром а город Ижевск Удмуртской Республики"),
    ])])
    assert got["birth_place"].value == "город Ижевск Удмуртской Республики"
    # ... with its further lines under it.
    got = locate_fields(DOCTYPES["passport"], [page_of([
        (100, 100, "Фамилия ИВАНОВ"), (100, 200, "МЕСТО ФОЖЖИИЯ С. ПРЕОБРАЖЕНКА"),
        (560, 240, "КИРОВСКОГО Р-НА"), (560, 280, "ВЛАДИМИРСКОЙ ОБЛ."),
    ])])
    assert got["birth_place"].value == "С. ПРЕОБРАЖЕНКА КИРОВСКОГО Р-НА ВЛАДИМИРСКОЙ ОБЛ."
    got = locate_fields(DOCTYPES["passport"], [page_of([(100, 100, "Фамилия ИВАНОВ"), (560, 200, "РП. МИХАЙЛОВКА")])])
    assert got["birth_place"].value == "РП. МИХАЙЛОВКА"  # a workers' settlement
    got = locate_fields(DOCTYPES["passport"], [page_of([
        (100, 100, "РЫБАКОВ"), (540, 300, "м П. СОСНОВКА"), (770, 340, "ГОРОДЕЦКОГО Р-НА"),
    ])])
    assert got["birth_place"].value == "П. СОСНОВКА ГОРОДЕЦКОГО Р-НА"  # a settlement, its 'П.' alone
    # Two such phrases (an office's 'Г. САМАРЫ' after no preposition is one): none is guessed.
    got = locate_fields(DOCTYPES["snils"], [page_of([
        (100, 100, "СНИЛС 764-346-938 40"),
        (100, 300, "Место фожжиия гор. Кинешма Ивановской обл."),
        (100, 350, "Выдано с. Ивановка"),
    ])])
    assert got["birth_place"].value is None


def test_an_invoice_number_is_no_row_marker_of_the_official_form():
    """A stamp over 'Счет-фактура № 315 от 30 апреля 2018 г.' left no figure of the number: the
    form's row marker '(1)' at the row's end is no number (it was taken as '1', sure)."""
    got = values("invoice", [
        (100, 100, "Счет-фактура ОА едет 5преля 2018 г. (1)"),
        (100, 160, "ИСПРАВЛЕНИЕ № ---- от ---- (1а)"),
    ])
    assert got["number"] is None


def test_receipt_total_is_not_the_cash_under_its_label_where_its_own_figure_was_unread():
    """'TOTAL INCL. GST 62590' (52.90, its point lost) and the change read '10': the label's value
    was taken from the cash's row under it (60.00, sure). The cash is no total."""
    got = values("receipt", [
        (300, 100, "WHITE SDN BHD"),
        (300, 400, "SUBTOTAL 49.90"),
        (300, 450, "GST cs 2.99"),
        (300, 500, "ROUNDING 007"),
        (300, 550, "TOTAL INCL. -GST 62590"),
        (300, 600, "CASH 60.00"),
        (300, 650, "CHANGE 10"),
    ])
    assert got["total"] != "60.00"


def test_a_receipt_address_line_of_a_unit_number_and_a_speck_goes_on():
    """A Singapore shop's unit number ('#03-203') with a speck read 'e' beside it is no line
    written by hand: the address goes on to its postcode."""
    page = PageText(1, 500, 800, 300, "ocr", [
        Word("KEDAI", (141, 28, 196, 43), 92.0, 1), Word("BUKU", (210, 28, 255, 47), 92.0, 1),
        Word("SAMUDERA,", (268, 28, 368, 47), 92.0, 1),
        Word("Blk", (140, 54, 169, 68), 57.0, 2), Word("605", (180, 54, 209, 74), 91.0, 2),
        Word("Bedok", (221, 54, 270, 68), 96.0, 2), Word("North", (281, 55, 330, 68), 96.0, 2),
        Word("Rd", (341, 55, 360, 68), 97.0, 2),
        Word("#03-203", (211, 78, 284, 93), 88.0, 3), Word("e", (367, 83, 374, 90), 87.0, ("sparse", 4)),
        Word("Singapore", (165, 102, 254, 120), 96.0, 5), Word("604030", (265, 103, 324, 117), 95.0, 5),
        Word(".", (377, 109, 383, 115), 48.0, 5),
        Word("GST", (130, 127, 159, 141), 96.0, 6), Word("REG", (170, 127, 199, 141), 95.0, 6),
        Word("No.", (210, 127, 236, 141), 93.0, 6), Word("M8-3402260-4", (250, 128, 369, 142), 90.0, 6),
    ])
    assert locate_fields(DOCTYPES["receipt"], [page])["address"].value == "BLK 605 BEDOK NORTH RD #03-203 SINGAPORE 604030"


def test_a_receipt_company_whose_legal_form_wraps_alone_onto_the_next_line():
    got = values("receipt", [(300, 100, "AH SENG MINI MARKET"), (450, 150, "S/B"),
                             (300, 200, "NO. 88, JALAN TUN RAZAK,"), (300, 250, "TEL: 03-65600245")])
    assert got["company"] == "AH SENG MINI MARKET S/B"
    assert got["address"] == "NO. 88, JALAN TUN RAZAK"


def test_receipt_total_on_a_fax_whose_points_read_as_colons_and_a_figure():
    """A faxed receipt: 'GRAND TOTAL 66100' (its point read as a one), 'cash 70:00', 'CHANGE
    4:00' (points read as colons): the total excluding tax (61.68) had been taken, sure."""
    got = values("receipt", [
        (300, 100, "FARMASI WAH LEE PTE LTD"),
        (300, 400, "Total Excl. GST 61.68"),
        (300, 450, "TOTAL GST 4132"),
        (300, 500, "GRAND TOTAL 66100"),
        (300, 550, "cash 70:00"),
        (300, 600, "CHANGE 4:00"),
    ])
    assert got["total"] == "66.00"


def test_receipt_total_is_the_cash_paid_exactly_under_its_label():
    """'TOTAL AMOUNT' with its figure on the cash's row under it, no change given (or none
    printed): the cash is the total."""
    got = values("receipt", [(300, 100, "ABC TRADING SDN BHD"), (300, 400, "TOTAL AMOUNT"), (300, 450, "CASH RM 6.00")])
    assert got["total"] == "6.00"
    got = values("receipt", [(300, 100, "ABC TRADING SDN BHD"), (300, 400, "TOTAL AMOUNT"), (300, 450, "CASH RM 6.00"),
                             (300, 500, "CHANGE 0.00")])
    assert got["total"] == "6.00"


def test_receipt_total_printed_twice_stands_against_a_change_misread():
    """'Total 248.05', the cash 248.05 (its label read 'GASH') and 'Change 0.01' (nought misread):
    the total printed twice is no cash tendered."""
    got = values("receipt", [(300, 100, "ABC TRADING SDN BHD"), (300, 350, "(Excluded GST) Sub Total 234.00"),
                             (300, 400, "Total GST 14.04"), (300, 450, "Rounding 0.01"), (300, 500, "Total 248.05"),
                             (300, 550, "GASH 248.05"), (300, 600, "Change 0.01")])
    assert got["total"] == "248.05"


def test_receipt_total_read_with_its_point_twice_beats_the_cash_under_it():
    """A stamp over the change's figure and 'TOTAL INCL. GST 52..90': the label's own figure,
    not the cash's under it (60.00, sure)."""
    got = values("receipt", [(300, 100, "WHITE SDN BHD"), (300, 400, "SUBTOTAL 49.90"), (300, 450, "GST 6% 2399"),
                             (300, 500, "ROUNDING 0.01"), (300, 550, "TOTAL INCL. GST 52..90"),
                             (300, 600, "CASH 60.00"), (300, 650, "CHANGE")])
    assert got["total"] == "52.90"


def test_a_division_code_is_no_part_of_a_snils_number_read_with_a_degree_sign():
    got = values("passport", [(100, 100, "снияс 301°099-186 39"), (100, 200, "Код подразделения 770-001")])
    assert got["division_code"] == "770-001"
    assert values("passport", [(100, 100, "снияс 301°099-186 39")])["division_code"] is None


def test_a_value_over_its_caption_is_the_phrase_over_it_not_the_first_in_reach():
    """A passport spread's 'ЖЕН.  28.04.1960' over 'ПОЛ  ДАТА РОЖДЕНИЯ': the gender starts in
    the reach of the birth date's caption (its value may start left of it), the date is over it."""
    words = [Word("ЛИХАЧЕВА", (480, 2000, 760, 2040), 96.0, 1), Word("ФАМИЛИЯ", (486, 2050, 700, 2080), 96.0, 2),
             Word("ЖЕН.", (484, 2230, 617, 2270), 96.0, 3), Word("28.04.1960", (860, 2228, 1119, 2270), 96.0, 3),
             Word("пол", (486, 2252 + 30, 578, 2281 + 30), 84.0, 4), Word("ДАТА", (824, 2283, 936, 2317), 85.0, 4),
             Word("РОЖДЕНИЯ", (964, 2282, 1202, 2317), 97.0, 4)]
    got = locate_fields(DOCTYPES["passport"], [PageText(1, 2480, 3508, 300, "ocr", words)])
    assert (got["birth_date"].value, got["gender"].value) == ("1960-04-28", "female")


def test_receipt_cash_read_with_a_colon_and_a_space_corrects_no_total():
    """'NET TOTAL 239.75' and 'CASH 239: 15' (a figure of the cash lost under a speck): the cash
    read so is no reading to put the total right by (it was made 239.15, sure)."""
    got = values("receipt", [(300, 100, "ABC TRADING SDN BHD"), (300, 400, "SUBTOTAL 259 tho"),
                             (300, 450, "NET TOTAL 239.75"), (300, 500, "CASH 239: 15"), (300, 550, "CHANGE 0.00")])
    assert got["total"] == "239.75"


def test_a_faxed_card_whose_date_has_a_comma_and_whose_place_caption_was_lost():
    """A SNILS card faxed at 200x100 dpi: 'Дата и место рождения' read 'Да a моста режления', the
    date's second stop read as a comma, the place a stanitsa's ('СТ-ЦА')."""
    got = values("snils", [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 150, "№ 624-149-148 78"),
                           (100, 200, "ФИО АФАНАСЬЕВА"), (300, 240, "ДАРЬЯ"), (300, 280, "РАШИДОВНА"),
                           (100, 320, "Дата рождения 03.06,1974"),
                           (100, 400, "Да a моста режления"), (100, 440, "СТ-ЦА ВЕРХНЯЯ САЛДА МИЧУРИНСКОГО Р-НА")])
    assert got["birth_date"] == "1974-06-03"
    assert got["birth_place"] == "СТ-ЦА ВЕРХНЯЯ САЛДА МИЧУРИНСКОГО Р-НА"
    # ... or both of a date's stops lost.
    got = values("snils", [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 150, "№ 624-149-148 78"),
                           (100, 320, "Дата рождения 27 06 1966"), (100, 480, "Дата регистрации 19 08 1998")])
    assert (got["birth_date"], got["registration_date"]) == ("1966-06-27", "1998-08-19")
    # ... or both read as colons on a copy of a copy, a speck's colon after it: no place of birth.
    got = values("snils", [(100, 100, "№ 941-056-807 99"), (100, 330, "Дата и место рождения:"),
                           (100, 390, "26:12:2000:"), (100, 450, "г. Нижний Тагил Свердловской обл.")])
    assert (got["birth_date"], got["birth_place"]) == ("2000-12-26", "г. Нижний Тагил Свердловской обл.")


def test_the_sex_under_a_birthplace_whose_label_was_misread_is_no_line_of_the_place():
    """'Пол' read 'По': the row 'По женский' under the place's line holds no label, but the
    sex is never part of a place."""
    got = values("snils", [
        (100, 40, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (360, 100, "175-119-730 73"),
        (60, 200, "Ф.И.О. Фролова"), (340, 250, "Наталья"), (340, 300, "Александровна"),
        (60, 360, "Дата и место рождения"), (92, 400, "04 февраля 1971 года г. Артем"),
        (61, 450, "По женский"), (60, 520, "Дата регистрации 04.07.2022"),
    ])
    assert got["birth_place"] == "г. Артем" and got["gender"] == "female"


@pytest.mark.parametrize("caption", ["Подпись и фамилия лица, выдавшего паспорт",
                                     "Поались и фамилия лица, выллваетго ввсию9т"])  # '... документ', at 80 dpi
def test_the_officials_signature_caption_gives_no_surname(caption):
    """'Подпись и фамилия лица, выдавшего паспорт' on the upper page holds the word «фамилия»:
    the holder's surname is still the one under its own caption."""
    got = values("passport", [
        (100, 100, "ПАСПОРТ ВЫДАН ГУ МВД РОССИИ ПО РОСТОВСКОЙ ОБЛАСТИ"),
        (100, 200, "Дата выдачи 13.03.2020 Код подразделения 612-022"),
        (560, 300, caption),
        (350, 700, "Фамилия"), (550, 740, "САФИНА"), (350, 800, "Имя"), (550, 840, "МАРИЯ"),
        (350, 900, "Отчество"), (520, 940, "ТИМУРОВНА"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Сафина", "Мария", "Тимуровна")


def test_an_inn_read_a_figure_short_before_its_kpp_is_no_kpp():
    """'ИНН/КПП продавца 643491236/664301002': the INN lost a figure and has the KPP's length;
    the KPP is still the figures after the slash."""
    got = values("invoice", [
        (100, 100, "Счет-фактура № А-01376 от 16 июля 2025"),
        (100, 160, "Продавец ПАО «Восток-Логистик»"),
        (100, 220, "ИНН/КПП продавца 643491236/664301002"),
    ])
    assert got["seller_kpp"] == "664301002"


def test_a_labels_qualifier_opened_with_a_brace_is_no_part_of_the_value():
    """A fax's 'Фамилия, имя, отчество (при наличии)': its bracket read '{', the qualifier's
    close on the next line; the names follow on the label's row."""
    got = values("snils", [
        (170, 100, "Страховой номер индивидуального лицевого счета (СНИЛС) 010-970-331 12"),
        (174, 200, "Фамилия, имя, отчество {при Елисеева Нина Романовна"), (172, 240, "наличия)"),
        (171, 300, "Дата рождения 08 октября 1994"),
    ])
    assert (got["last_name"], got["first_name"], got["middle_name"]) == ("Елисеева", "Нина", "Романовна")


def test_a_bills_bank_row_in_its_letterhead_is_no_seller():
    """The supplier's own row misread (a sole trader's name in small letters), the next row
    of the letterhead is the bank's, which names a bank 'ПАО': no seller."""
    got = values("invoice", [
        (100, 100, "ИП Баранов руслан Кириллович"), (100, 160, "ИНН 592322858510 ОГРНИП 483408191282600"),
        (100, 220, "р/с 40702810961555342688 B ПАО «Банк «Санкт-Петербург»"),
        (600, 400, "Счёт № СФ-20"), (600, 450, "от 31 марта 2013 г."),
    ])
    assert got["seller_name"] is None or "Банк" not in got["seller_name"]


def test_a_notices_issue_date_under_a_misread_registration_date_is_not_the_registration():
    """'22 июля 2902 г.' (a fax's 2002): the notice's 'Дата выдачи: 11.10.2021' two rows down
    is its own caption's, no registration date."""
    rows = [(219, 500, "Страховой номер 193-221-669 57"), (216, 940, "Дата рождения 21 декабря 1965 г."),
            (224, 1080, "Дата регистрации 22 июля 2902 г."), (203, 1125, "Дата выдачи: 11.10.2021")]
    assert values("snils", rows)["registration_date"] != "2021-10-11"
    rows.insert(3, (200, 1110, "+ — 4"))
    assert values("snils", rows)["registration_date"] != "2021-10-11"


@pytest.mark.parametrize("year", ["2002 Тода", "2002-Года"])
def test_a_years_word_misread_before_a_birthplace_is_no_part_of_it(year):
    """'13 мая 2002 года г. Каменск-Уральский' on a dusty card: 'года' read 'Тода', or with a
    speck for a hyphen; the place starts at its town."""
    got = values("snils", [(40, 300, "Дата и место рождения"), (42, 340, f"13 мая {year} г. Каменск-Уральский")])
    assert (got["birth_date"], got["birth_place"]) == ("2002-05-13", "г. Каменск-Уральский")


@pytest.mark.parametrize("heading", ["Утверждена приказом ФНС России от 11.08.2011 № ЯК-7-6/488@",
                                     "Утверждена приказом ФНС России от 11.08.2011 ЯК-7-6/488@"])
def test_the_decree_date_a_certificates_form_quotes_is_not_its_issue_date(heading):
    """The issue date lost on a 100-dpi certificate: the form's heading's decree date (its
    number sign read or not) is not taken instead."""
    rows = [(900, 70, "Форма № 2-1-Учет"), (430, 100, heading),
            (440, 300, "СВИДЕТЕЛЬСТВО"), (300, 350, "о постановке на учет физического лица в налоговом органе")]
    assert values("inn", rows)["issue_date"] is None


def test_an_addresss_postcode_under_a_lost_invoice_number_is_no_number():
    """A signature across 'Счет-фактура № ТД-8883', and the form's status box's 'счет-фактура'
    read as its label: the seller's postcode or house number beside it is not the number."""
    rows = [(375, 180, "Счет-с 353 от 31 октября 2023 г."), (374, 222, "Исправле (1а)"),
            (374, 260, "Продавец: ЗАО «Ника»"), (141, 285, "1 счет-фактура и"),
            (373, 300, "Адрес: 536910, г. Санкт-Петербург, ш. Энтузиастов, д. 42")]
    assert values("invoice", rows)["number"] not in ("536910", "42")


def test_the_total_with_a_groups_space_read_as_an_apostrophe_is_the_rows_last_amount():
    """'Всего к оплате (9) 440 811,00 X 88 162;20 528'973,20' under a stamp's ring."""
    rows = [(370, 1192, "Всего к оплате (9) 440 811,00 X 88 162;20 528'973,20")]
    assert values("invoice", rows)["total"] == "528973.20"


def test_a_certificates_registration_date_is_not_its_issue_date():
    """'поставлен на учет ... 27.02.2007 в налоговом органе по месту жительства' with the issue
    date lost: the registration's date is not taken for it."""
    rows = [(440, 300, "СВИДЕТЕЛЬСТВО"), (300, 350, "о постановке на учет физического лица в налоговом органе"),
            (165, 1164, "Поставлен(а) на учет в соответствии с Налоговым кодексом Российской Федерации"),
            (290, 1416, "27.02.2007 в налоговом органе по месту жительства")]
    assert values("inn", rows)["issue_date"] is None
