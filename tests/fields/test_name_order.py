"""A name's parts whose captions were lost, found by their order under the surname."""

from __future__ import annotations

from dataclasses import replace

from obligations.backends.base import PageText, Word
from obligations.doctypes import load_doctypes
from obligations.fields.locate import locate_fields

from .test_locate import page_of

PASSPORT = load_doctypes()["passport"]
HEAD = [(100, 100, "Паспорт выдан ОТДЕЛОМ УФМС РОССИИ ПО ГОР. МОСКВЕ")]


def _found(rows):
    return locate_fields(PASSPORT, [page_of(HEAD + rows)])


def test_first_name_and_patronymic_under_captions_read_as_other_words():
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 580, "Ими"), (600, 620, "ЛОРА"),
                    (600, 670, "Отчесньвю"), (600, 710, "ЕВГЕНЬЕВНА"), (600, 760, "Пол"), (600, 800, "ЖЕН. 27.06.1949")])
    assert (found["first_name"].value, found["middle_name"].value) == ("Лора", "Евгеньевна")
    assert found["first_name"].confidence <= 0.5 and "label was not read" in found["first_name"].warning


def test_a_surname_whose_caption_was_lost_is_the_name_over_the_first_name():
    """A clean passport whose small 'Фамилия' the page segmentation dropped: 'Имя' and
    'Отчество' read, the surname centred over the first name is the surname."""
    rows = [(1000, 530, "НИКОЛАЕВ"), (600, 580, "Имя"), (1030, 620, "РУСТАМ"),
            (600, 670, "Отчество"), (900, 710, "ВЛАДИСЛАВОВИЧ"), (600, 760, "Пол"), (600, 800, "МУЖ. 21.02.2002")]
    found = _found(rows)
    assert tuple(found[f].value for f in ("last_name", "first_name", "middle_name")) == (
        "Николаев", "Рустам", "Владиславович")
    assert found["last_name"].confidence <= 0.5 and "over the first name" in found["last_name"].warning
    # Over the first name a date, not a name: no surname.
    rows[0] = (1000, 530, "21.02.2002")
    assert _found(rows)["last_name"].value is None


def test_the_column_goes_on_under_each_caption():
    """Values under their captions, spaced wide: the first name is more rows below the surname
    than names stand apart, but near the caption under the surname. Its own caption lost under
    a stamp ('„МУМЯ””')."""
    found = _found([(600, 530, "СЕМЕНОВА"), (600, 580, "Фамилия"), (600, 700, "ОКСАНА"), (600, 760, "„МУМЯ””"),
                    (600, 860, "ТАРАСОВНА"), (600, 910, "Отчество")])
    assert (found["first_name"].value, found["middle_name"].value) == ("Оксана", "Тарасовна")


def test_centred_names_under_captions_above_them_one_caption_lost():
    """Captions over centred values ('Тит' starts well right of 'Моисеев'), the caption 'Имя'
    lost under a stamp, which left a letter before the surname."""
    found = _found([(1026, 1935, "Фамилия"), (918, 1999, "А"), (1015, 1993, "Моисеев"), (1067, 2165, "Тит"),
                    (1031, 2284, "Отчество"), (1001, 2339, "Матвеевич")])
    assert (found["last_name"].value, found["first_name"].value, found["middle_name"].value) == (
        "Моисеев", "Тит", "Матвеевич")


def test_a_caption_read_keeps_its_own_value_and_the_other_part_comes_by_order():
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 580, "Имя"), (600, 620, "ЛОРА"),
                    (600, 670, "Отчесньвю"), (600, 710, "ЕВГЕНЬЕВНА")])
    assert (found["first_name"].value, found["first_name"].confidence > 0.5) == ("Лора", True)
    assert found["middle_name"].value == "Евгеньевна"


def test_capitals_that_do_not_read_as_a_first_name_and_patronymic_are_not_taken():
    # Two rows of capitals, the second no patronymic: which is which is not known.
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 620, "ЛОРА"), (600, 710, "САМАРА")])
    assert (found["first_name"].value, found["middle_name"].value) == (None, None)
    # Capitals in another column are some other field's.
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (1400, 620, "ЛОРА"), (1400, 710, "ЕВГЕНЬЕВНА")])
    assert (found["first_name"].value, found["middle_name"].value) == (None, None)


INN = load_doctypes()["inn"]
CERTIFICATE = [(100, 100, "СВИДЕТЕЛЬСТВО о постановке на учет физического лица в налоговом органе")]


def test_a_certificates_capitalised_parts_beside_labels_read_as_other_words():
    """An INN certificate prints each part capitalised beside its label; at 100 dpi the
    labels read '[Изя' and 'ГОтчестю', the values well, in one column under the surname."""
    found = locate_fields(INN, [page_of(CERTIFICATE + [
        (277, 939, "Фамилия"), (1093, 939, "Логинова"), (262, 1010, "[Изя"), (1094, 1010, "София"),
        (262, 1088, "ГОтчестю"), (1095, 1088, "Петровна"), (281, 1193, "Пол"), (1093, 1193, "Женский"),
        (279, 1274, "Дата рождения 26 августа 1985 г.")])])
    assert (found["first_name"].value, found["middle_name"].value) == ("София", "Петровна")
    assert found["middle_name"].warning and "label was not read" in found["middle_name"].warning


def test_a_caption_under_a_capitalised_surname_is_no_name():
    """Captions under the values, one read as another word ('Ими'): smaller print than the
    names, never a first name, even with the first name's row lost."""
    rows = [(600, 500, "Логинова"), (600, 550, "Фамилия"), (600, 620, "Софья"), (600, 670, "Ими"),
            (600, 740, "Петровна"), (600, 790, "Отчество")]
    words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + 25)) if w.text in ("Фамилия", "Ими", "Отчество")
             else w for w in page_of(CERTIFICATE + rows).words]
    found = locate_fields(INN, [PageText(1, 2400, 3000, 300, "ocr", words)])
    assert (found["first_name"].value, found["middle_name"].value) == ("Софья", "Петровна")
    found = locate_fields(INN, [PageText(1, 2400, 3000, 300, "ocr", [w for w in words if w.text != "Софья"])])
    assert found["first_name"].value is None and found["middle_name"].value == "Петровна"


SNILS = load_doctypes()["snils"]
CARD_NO_CAPTIONS = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "662-268-331 04"),
                    (100, 320, "Рябова"), (900, 320, "06 июня 1989 г."), (100, 400, "Светлана"), (900, 400, "женский"),
                    (100, 480, "Ярославовна"), (100, 600, "гор. Ростов-на-Дону"), (100, 700, "04.08.2019")]


def test_a_name_none_of_whose_captions_was_read_is_the_column_ending_in_a_patronymic():
    found = locate_fields(SNILS, [page_of(CARD_NO_CAPTIONS)])
    names = tuple(found[f].value for f in ("last_name", "first_name", "middle_name"))
    assert names == ("Рябова", "Светлана", "Ярославовна")
    assert found["last_name"].confidence <= 0.5 and "no caption" in found["last_name"].warning
    # ... and its dates by their order: a birth before a registration.
    assert (found["birth_date"].value, found["registration_date"].value) == ("1989-06-06", "2019-08-04")


def test_a_blurred_card_whose_patronymic_and_date_stops_were_misread_still_gives_its_column():
    """A 91-dpi card: 'Вячеславовна' read 'Вячеславовиа', the birth date's stops as commas."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "005-296-717 45"), (100, 320, "Маркова"),
            (100, 400, "Любовь"), (100, 480, "Вячеславовиа"), (900, 560, "25,03,1969"),
            (100, 640, "гор. Рязань"), (100, 720, "женский"), (900, 720, "10.01.2000")]
    found = locate_fields(SNILS, [page_of(rows)])
    assert (found["last_name"].value, found["first_name"].value) == ("Маркова", "Любовь")
    assert found["middle_name"].confidence <= 0.5
    assert (found["birth_date"].value, found["registration_date"].value) == ("1969-03-25", "2000-01-10")
    # A first name ending as a patronymic misread ('Сильвия') is no third part.
    rows[3:5] = [(100, 400, "Сильвия"), (100, 480, "Ивановна")]
    assert locate_fields(SNILS, [page_of(rows)])["first_name"].value == "Сильвия"


def test_a_faxed_passports_column_whose_patronymic_lost_its_v_gives_the_names_and_a_patronymic_to_read_again():
    """Captions lost on a fax: 'ВИТАЛЬЕННА' (its 'в' read 'н') ends the column; the surname and
    first name are taken, the patronymic reported invalid."""
    rows = [(380, 860, "ШЕСТАКОВА"), (380, 930, "ИРИНА"), (380, 1000, "ВИТАЛЬЕННА"), (418, 1044, "ЖЕН"),
            (704, 1044, "01.11.1995")]
    found = _found(rows)
    assert (found["last_name"].value, found["first_name"].value) == ("Шестакова", "Ирина")
    assert found["middle_name"].value == "Витальенна" and not found["middle_name"].valid
    # The caption 'Имя' read 'Им', small over the first name, heads no column of its own.
    page = page_of(HEAD + rows + [(364, 902, "Им")])
    page.words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + 12)) if w.text == "Им" else w
                  for w in page.words]
    assert locate_fields(PASSPORT, [page])["last_name"].value == "Шестакова"


def test_a_surname_read_unsure_in_small_letters_heads_a_column_of_capitals():
    """A 118-dpi card, its captions lost: 'ТИХОНОВ' read 'Тихонов' at 53 % over a sure 'ИЛЬЯ'
    and 'ТИМУРОВИЧ'. The names under it set the column's style; a speck is no surname."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "522-616-511 57"), (100, 320, "Тихонов"),
            (100, 400, "ИЛЬЯ"), (100, 480, "ТИМУРОВИЧ"), (100, 640, "мужской")]
    page = page_of(rows)
    page.words = [replace(w, conf=53.0) if w.text == "Тихонов" else w for w in page.words]
    found = locate_fields(SNILS, [page])
    assert tuple(found[f].value for f in ("last_name", "first_name", "middle_name")) == ("Тихонов", "Илья", "Тимурович")
    # Read at 30 %, it is no surname: the listed given name over the patronymic are the rest.
    page.words = [replace(w, conf=30.0) if w.text == "Тихонов" else w for w in page.words]
    found = locate_fields(SNILS, [page])
    assert tuple(found[f].value for f in ("last_name", "first_name", "middle_name")) == (None, "Илья", "Тимурович")


def test_a_given_name_over_a_patronymic_under_a_surname_read_as_no_name_gives_those_two():
    """A faxed card, its captions lost, its surname's first letter gone and the rest read in
    the other script ('Aakapopa'): the listed given name over the patronymic are two of the
    name; the surname stays missing."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "033-865-895 89"), (100, 320, "С. Aakapopa"),
            (220, 400, "Эльвира."), (220, 480, "Тимуровна"), (100, 600, "жен.")]
    found = locate_fields(SNILS, [page_of(rows)])
    assert (found["first_name"].value, found["middle_name"].value) == ("Эльвира", "Тимуровна")
    assert found["first_name"].confidence <= 0.5 and "no caption" in found["first_name"].warning
    assert found["last_name"].value is None
    # A word over the patronymic that is no listed given name gives nothing.
    rows[3] = (220, 400, "Мельница.")
    found = locate_fields(SNILS, [page_of(rows)])
    assert found["first_name"].value is None and found["middle_name"].value is None


def test_two_columns_ending_in_patronymics_give_no_name():
    two = CARD_NO_CAPTIONS + [(1500, 320, "Петров"), (1500, 400, "Иван"), (1500, 480, "Сергеевич")]
    found = locate_fields(SNILS, [page_of(two)])
    assert found["last_name"].value is None and found["first_name"].value is None


def test_a_birthplace_whose_label_was_lost_is_the_row_over_the_registration_date_under_the_names():
    found = locate_fields(SNILS, [page_of(CARD_NO_CAPTIONS)])
    assert found["birth_place"].value == "гор. Ростов-на-Дону"
    assert found["birth_place"].confidence <= 0.5
    # Over a row holding another field's value (the patronymic) it does not go.
    two_lines = CARD_NO_CAPTIONS[:-2] + [(100, 560, "гор. Ростов-на-Дону"), (100, 620, "Ростовской обл."),
                                          (100, 700, "04.08.2019")]
    assert locate_fields(SNILS, [page_of(two_lines)])["birth_place"].value == "гор. Ростов-на-Дону Ростовской обл."


def test_the_patronymic_found_by_its_label_is_not_also_taken_for_the_first_name():
    """The first name's row lost: the one word under the surname is the patronymic (a comma
    read after it), found by its own label already."""
    found = _found([(600, 488, "Фамилия"), (600, 530, "ФАДЕЕВА"), (600, 670, "Отчество"), (600, 710, "ЕВГЕНЬЕВНА,")])
    assert found["middle_name"].value == "Евгеньевна"
    assert found["first_name"].value is None


def test_a_surname_read_taller_than_the_names_under_it_keeps_its_column():
    """A 111-dpi card: a speck over the blurred surname made its box a third taller than the
    names' (42 against 32); the patronymic, read a little lower still (31), is no caption."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "798-437-518 81"), (100, 320, "МАРКОВ"),
            (100, 400, "ИВАН"), (100, 480, "НИКИТИЧ"), (100, 560, "05 августа 1988 г"),
            (100, 640, "гор. Челябинск"), (900, 720, "23.09.2006")]
    heights = {"МАРКОВ": 42, "ИВАН": 32, "НИКИТИЧ": 31}
    words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + heights[w.text])) if w.text in heights
             else w for w in page_of(rows).words]
    found = locate_fields(SNILS, [PageText(1, 2400, 1500, 300, "ocr", words)])
    assert tuple(found[f].value for f in ("last_name", "first_name", "middle_name")) == ("Марков", "Иван", "Никитич")


def test_on_a_page_of_values_over_captions_a_name_lost_to_a_scrap_takes_no_value_from_under_its_caption():
    """A 78-dpi data page printing values over captions (its dates over 'Дата выдачи' and
    'Дата рождения'): of the surname the reading kept 'А'; the first name under 'Фамилия' is
    over the lost 'Имя', no surname."""
    rows = [(250, 500, "08.02.2022"), (250, 550, "ДАТА ВЫДАЧИ"), (630, 1234, "А"), (630, 1280, "ФАМИЛИЯ"),
            (630, 1340, "АНЖЕЛА"), (630, 1530, "ОТЧЕСТВО"), (630, 1600, "женский"), (630, 1650, "пол"),
            (630, 1710, "19.08.2002"), (630, 1760, "ДАТА РОЖДЕНИЯ"), (630, 1810, "Г. МОСКВА"), (630, 1860, "МЕСТО РОЖДЕНИЯ")]
    found = _found(rows)
    assert found["last_name"].value is None or not found["last_name"].valid
    assert found["middle_name"].value is None or not found["middle_name"].valid  # 'женский' is under its caption
    assert found["birth_place"].value == "Г. МОСКВА"
    # Read whole, the surname is over its caption.
    rows[2] = (630, 1230, "СМИРНОВА")
    assert _found(rows)["last_name"].value == "Смирнова"


def test_a_part_found_invalid_is_taken_from_under_the_surname_printed_taller_than_it():
    """A photographed certificate: its first name taken from the heading ('Налоговая' of
    'ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА', invalid: a word the form prints); under the surname,
    whose box the photo's blur made a third taller than the names' (68 against 48), 'АННА'."""
    from obligations.fields.choice import Found
    from obligations.fields.layout import build_model
    from obligations.fields.name_order import names_in_order

    rows = [(600, 100, "ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА"), (300, 320, "Фамилия"), (700, 320, "ВИНОГРАДОВА"),
            (300, 400, "nme"), (700, 400, "АННА"), (300, 480, "Отчество"), (700, 480, "СЕРГЕЕВНА")]
    heights = {"ВИНОГРАДОВА": 68, "АННА": 48, "СЕРГЕЕВНА": 48}
    words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + heights[w.text])) if w.text in heights
             else w for w in page_of(rows).words]
    page = PageText(1, 2400, 1500, 300, "ocr", words)
    results = dict(locate_fields(INN, [page]))
    heading = next(w for w in words if w.text == "НАЛОГОВАЯ")
    results["first_name"] = Found("Налоговая", "НАЛОГОВАЯ", False, 0.9, 1, heading.bbox, "group", "a word the form prints")
    names_in_order(INN, [build_model(INN, page)], results)
    assert (results["first_name"].value, results["first_name"].valid) == ("Анна", True)
    assert results["first_name"].confidence <= 0.5


def test_a_sure_patronymic_read_smaller_than_the_names_over_it_is_no_caption():
    """A photographed card: the blur made the surname's and first name's boxes 25 and 29 px
    tall, the patronymic's 15 (two thirds of their middle): it is a name, not a caption."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (300, 200, "080-743-763 73"), (210, 300, "Сорокина"),
            (210, 340, "Анна"), (210, 375, "Владиславовна"), (210, 410, "09.12.2002")]
    heights = {"Сорокина": 25, "Анна": 29, "Владиславовна": 15, "09.12.2002": 14}
    words = [replace(w, bbox=(w.bbox[0], w.bbox[1], w.bbox[2], w.bbox[1] + heights[w.text])) if w.text in heights
             else w for w in page_of(rows).words]
    found = locate_fields(SNILS, [PageText(1, 2400, 1500, 300, "ocr", words)])
    assert tuple(found[f].value for f in ("last_name", "first_name", "middle_name")) == ("Сорокина", "Анна", "Владиславовна")


def test_a_name_on_one_row_whose_caption_was_lost_is_the_one_row_of_three_names():
    """A copy of a SNILS card: 'Ф.И.О.' in small print lost, 'Цая Нина Петровна' read sure."""
    rows = [(100, 100, "СТРАХОВОЕ СВИДЕТЕЛЬСТВО"), (100, 160, "№ 798-747-232 93"),
            (100, 300, "Цая Нина Петровна"), (100, 400, "город Бердск Новосибирской обл.")]
    found = locate_fields(SNILS, [page_of(rows)])
    assert (found["last_name"].value, found["first_name"].value, found["middle_name"].value) == ("Цая", "Нина", "Петровна")
    assert found["last_name"].confidence <= 0.5 and "caption" in found["last_name"].warning
    # Two such rows (a signer's name too): neither is guessed.
    found = locate_fields(SNILS, [page_of(rows + [(100, 600, "Иванов Иван Иванович")])])
    assert found["last_name"].value is None
    # Nor is a row whose third word is no patronymic.
    found = locate_fields(SNILS, [page_of(rows[:2] + [(100, 300, "Цая Нина Петрова")] + rows[3:])])
    assert found["last_name"].value is None


def test_a_caption_scrap_in_small_letters_before_a_surname_in_capitals_and_a_first_name_read_small():
    """A speckled card: 'тче®во' (of 'отчество') read before 'ХАБИБУЛЛИНА.' beside 'Фамилия';
    'ЛЮБОВЬ' under it read 19 px tall between names read 28 and 32 (specks on them), its own
    caption lost: still the first name, not a caption."""
    words = [Word("СТРАХОВОЕ", (158, 41, 323, 65), 97.0, 1), Word("СВИДЕТЕЛЬСТВО", (334, 37, 573, 65), 97.0, 1),
             Word("снилс", (204, 135, 278, 150), 87.0, 2), Word("013-929-415", (286, 129, 455, 151), 85.0, 2),
             Word("47", (463, 129, 496, 151), 97.0, 2),
             Word("Фамилия", (41, 194, 104, 205), 95.0, 3), Word("тче®во", (155, 192, 213, 209), 54.0, 4),
             Word("ХАБИБУЛЛИНА.", (226, 184, 420, 212), 87.0, 4), Word("ЛЮБОВЬ", (225, 229, 325, 248), 91.0, 5),
             Word("РОМАНОВНА", (225, 257, 377, 289), 93.0, 6),
             Word("Дата", (39, 314, 73, 328), 97.0, 7), Word("рождения", (91, 316, 207, 328), 97.0, 7),
             Word("01", (61, 343, 90, 361), 96.0, 8), Word("ЯНВАРЯ", (107, 343, 209, 365), 96.0, 8),
             Word("1999", (222, 343, 288, 362), 85.0, 8)]
    found = locate_fields(SNILS, [PageText(1, 700, 500, 100, "ocr", words)])
    assert (found["last_name"].value, found["first_name"].value, found["middle_name"].value) == (
        "Хабибуллина", "Любовь", "Романовна")


def test_a_patronymic_between_two_rows_about_as_near_is_the_one_of_its_shape_and_the_first_name_over_it():
    """A stamp over a passport's surname and its captions read 'Фа ли', 'мя': 'ЯРОСЛАВ' 52 px
    over 'Отчество', 'РИНАТОВИЧ' 54 px under it. The patronymic is the row of its shape; the
    listed first name over it, in its column, is the first name."""
    words = [Word("Паспорт", (72, 115, 146, 133), 97.0, 1), Word("выдан", (152, 118, 209, 132), 97.0, 1),
             Word("ОВД", (230, 115, 300, 135), 97.0, 1),
             Word("Фа", (544, 1179, 575, 1198), 94.0, 9), Word("ли", (611, 1185, 639, 1198), 90.0, 9),
             Word("мя", (565, 1291, 594, 1304), 70.0, 10), Word("ЯРОСЛАВ", (568, 1333, 775, 1363), 97.0, 11),
             Word("Отчество", (545, 1391, 655, 1410), 96.0, 12), Word("РИНАТОВИЧ", (570, 1439, 835, 1469), 91.0, 14),
             Word("Пол", (546, 1509, 590, 1528), 72.0, 15), Word("МУЖ.", (622, 1500, 725, 1528), 96.0, 15)]
    found = locate_fields(PASSPORT, [PageText(1, 1500, 2100, 200, "ocr", words)])
    assert (found["first_name"].value, found["middle_name"].value) == ("Ярослав", "Ринатович")
    assert found["first_name"].confidence <= 0.5 and "patronymic" in found["first_name"].warning
    assert found["last_name"].value is None
