"""Table-driven and property tests for obligations.fields.normalize."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from obligations.fields.normalize import NORMALIZERS, fix_digit_lookalikes, normalize

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test extra
    given = None

ALL_KINDS = sorted(NORMALIZERS)

# --------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------


def test_registry_has_every_documented_kind():
    assert set(NORMALIZERS) == {
        "text", "organization", "place", "name", "gender", "date", "money", "digits", "snils", "inn", "kpp",
        "passport_number", "division_code", "doc_number", "doc_number_ru", "caps", "business_name", "address",
    }


@pytest.mark.parametrize("raw", [None, "x", ""])
def test_unknown_kind_raises(raw):
    with pytest.raises(ValueError, match="unknown field kind"):
        normalize("phone_number", raw)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_none_gives_none(kind):
    assert normalize(kind, None) is None


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("raw", ["", "   ", "\n\t ", " | : ; ", "_____"])
def test_empty_and_blank_give_none(kind, raw):
    assert normalize(kind, raw) is None


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_dispatch_matches_table(kind):
    assert normalize(kind, " 12 ") == NORMALIZERS[kind](" 12 ")


# --------------------------------------------------------------------------
# Lookalike digits
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2O1O", "2010"),  # Latin O
        ("2О1О", "2010"),  # Cyrillic О
        ("2o1o", "2010"),
        ("l23", "123"),
        ("I23", "123"),
        ("|23", "123"),
        ("112-233-4O5 9l", "112-233-405 91"),
        ("RM9.OO", "RM9.00"),  # "9" is glued to RM but ".OO" is its own token
        ("Олег", "Олег"),  # a word, not a digit token
        ("Oleg 12", "Oleg 12"),
        ("OOO", "OOO"),  # no real digit: could be the company form "ООО"
        ("ООО «Ромашка» 12", "ООО «Ромашка» 12"),
        ("I", "I"),
        ("Jul 2O", "Jul 20"),
        ("20l0г", "2010г"),  # glued to a letter on a real-digit edge
        ("2O1Oг", "2O1Oг"),  # glued on a lookalike edge: could be a word
        ("Jul2O", "Jul2O"),
        ("Olga", "Olga"),
        ("A1O", "A10"),
        ("2O.O9.2O1O", "20.09.2010"),  # number punctuation inside one token
        ("4O5-OO", "405-00"),
        ("ООО 12", "ООО 12"),  # a space ends the token
        ("I-O", "I-O"),
        ("", ""),
    ],
)
def test_fix_digit_lookalikes(raw, expected):
    assert fix_digit_lookalikes(raw) == expected


# --------------------------------------------------------------------------
# Per-kind tables: (kind, raw, expected)
# --------------------------------------------------------------------------

PLACE_CASES = [
    ("©. РЫЛЬСК, КРАСНОЯРСКИЙ КРАЙ", "С. РЫЛЬСК, КРАСНОЯРСКИЙ КРАЙ"),  # a village's 'С.' read as a sign
    ("1 Краснодар", "г. Краснодар"),  # ... a city's 'г.' read as a one
    ("1-Й ПОСЕЛОК", "1-Й ПОСЕЛОК"),
    ("1 ДЕР. ГУБКИН, РЕСП. БУРЯТИЯ", "ДЕР. ГУБКИН, РЕСП. БУРЯТИЯ"),  # ... a speck before an abbreviation
    ("М ГОР. ВОЛГОГРАД", "ГОР. ВОЛГОГРАД"),  # ... or a letter
    ("4. БОРОВОЕ ВОЛГОГРАДСКОЙ ОБЛ.", "Д. БОРОВОЕ ВОЛГОГРАДСКОЙ ОБЛ."),  # a village's 'Д.' read as a four
    ("Д.1 БОРОВОЕ, РЕСИ. ТАТАРСТАН", "Д. БОРОВОЕ, РЕСП. ТАТАРСТАН"),  # a speck after its stop; 'П' read 'И'
    ("С КРАСНЫЙ ЯР СВЕРДЛОВСКОЙ ОБЛ.", "С. КРАСНЫЙ ЯР СВЕРДЛОВСКОЙ ОБЛ."),  # its stop lost
    ("с Ивановка Тверской об.", "с. Ивановка Тверской обл."),  # ... and the region's 'Л'
    ("Г. ГОРЬКИЙ НИЖЕГОРОДСКОЙ ОБ.", "Г. ГОРЬКИЙ НИЖЕГОРОДСКОЙ ОБЛ."),
    ("4-Й ПОСЕЛОК", "4-Й ПОСЕЛОК"),
    ("9 г. Тула", "г. Тула"),  # any one figure before the settlement's abbreviation is a speck
    ("ГОДА ДЕР. КАРТАЛЫ, МУРМАНСКАЯ ОБЛ.", "ДЕР. КАРТАЛЫ, МУРМАНСКАЯ ОБЛ."),  # ... so is the date's 'года' above it
    ("ГОР. САНКТ -ПЕТЕРБУРГ", "ГОР. САНКТ-ПЕТЕРБУРГ"),  # a hyphen with the space before it
    ("Г. Уфа", "г. Уфа"),  # OCR's capital for a small round letter, in a place printed in both cases
    ("Красноярский край, ГОР. Ачинск", "Красноярский край, гор. Ачинск"),
    ("ГОр. Ростов-на-Дону", "гор. Ростов-на-Дону"),  # ... its small letters read as capitals in any mix
    ("1 МАЯ. ПОС. ПОРОНАЙСК, РЕСП. САХА (ЯКУТИЯ)", "ПОС. ПОРОНАЙСК, РЕСП. САХА (ЯКУТИЯ)"),  # a birth's day, month
    ("ГО ГОР. МОСКВА", "ГОР. МОСКВА"),  # an abbreviation's first letters read before it
    ("гор. Гор. Уфа Башкирской АССР", "гор. Уфа Башкирской АССР"),  # or the whole of it read twice
    ("РП. УСПЕНКА ИСТРИНСКОГО рождения Р-НА", "РП. УСПЕНКА ИСТРИНСКОГО Р-НА"),  # its caption's word read inside it
    ("Город Гомель Белорусской ССР", "город Гомель Белорусской ССР"),  # a settlement's type written out, read capital
    ("гор. Кишинёв Молдавской ССР ч", "гор. Кишинёв Молдавской ССР"),  # a speck read as a small letter after it
    ("2% ГОР. БЕРЕЗНИКИ ПЕРМСКОГО КРАЯ", "ГОР. БЕРЕЗНИКИ ПЕРМСКОГО КРАЯ"),  # a speck read as a figure and a sign before it
    ("ГОРОД ГОМЕЛЬ", "ГОРОД ГОМЕЛЬ"), ("Городище Ивановской обл.", "Городище Ивановской обл."),
    ("ГОР ГОРЬКИЙ", "ГОР. ГОРЬКИЙ"),
    ("Г ГОМЕЛЬ", "Г. ГОМЕЛЬ"),
    # A bracket nothing closes (or that closes nothing) is a speck; a bracketed region is kept.
    ("ПОС. НИКОЛЬСКОЕ ЗАРАЙСКОГО Р-НА (СВЕРДЛОВСКОЙ ОБЛ.", "ПОС. НИКОЛЬСКОЕ ЗАРАЙСКОГО Р-НА СВЕРДЛОВСКОЙ ОБЛ."),
    ("Г. ЛИПЕЦК)", "Г. ЛИПЕЦК"),
    ("С. НОВОЕ (ХАНТ.) ТЮМЕНСКОЙ ОБЛ.", "С. НОВОЕ (ХАНТ.) ТЮМЕНСКОЙ ОБЛ."),
    ("Респ. Татарстан, С. Ивановка", "Респ. Татарстан, с. Ивановка"),
    ("Г. УФА РЕСП. БАШКОРТОСТАН", "Г. УФА РЕСП. БАШКОРТОСТАН"),  # printed in capitals: as printed
    ("Г, НИЖНИЙ ТАГИЛ", "Г. НИЖНИЙ ТАГИЛ"),
    ("ГОР ЧЕЛЯБИНСК", "ГОР. ЧЕЛЯБИНСК"),  # the abbreviation's full stop lost
    ("С БАЛТИЙСК", "С. БАЛТИЙСК"),  # a letter alone opening a place is its settlement's, not a preposition
    ("ОТ С БАЛТИЙСК", "ОТ С БАЛТИЙСК"),  # ... inside it, it may be a word: left as read
    ("ГОР. ЛОТОШИНО.", "ГОР. ЛОТОШИНО"),  # a speck read as a full stop after the name
    ("гор. Тула.", "гор. Тула"),
    ("Московская обл.", "Московская обл."),
    ("Ленинградской обл.", "Ленинградской обл."),
    ("гор. Сургут (Хант.)", "гор. Сургут (Хант.)"),
    ("дер. Усть-Камчатск, Ямало- о-Ненецкий АО", "дер. Усть-Камчатск, Ямало-Ненецкий АО"),
    # A speck read as a mark between a name's halves, and a hyphen across a line's break.
    ("С. ЧЕРЕМХОВО, ХАНТЫ- `МАНСИЙСКИЙ АО", "С. ЧЕРЕМХОВО, ХАНТЫ-МАНСИЙСКИЙ АО"),
    ("г. Санкт- Петербург", "г. Санкт-Петербург"),
    ("С. ЧЕРЕМХОВО, ХАНТЫ- -`МАНСИЙСКИЙ АО", "С. ЧЕРЕМХОВО, ХАНТЫ-МАНСИЙСКИЙ АО"),  # a mark by a hyphen
    ("Ростов - на-Дону", "Ростов - на-Дону"),  # a dash between spaces is the print's
    # Printed in capitals, a small round letter read small: the print's capital.
    ("г. ПОДОЛЬСК", "Г. ПОДОЛЬСК"),
    ("Г САМАРА", "Г. САМАРА"),  # a city's 'г' is no word: its full stop was lost
    ("г Москва", "г. Москва"),
    ("пос. Гремячинск (Перм.), Респ. Ингушетия", "пос. Гремячинск (Перм.), Респ. Ингушетия"),
    # Specks read as marks: before the value, over an abbreviation's full stop or a comma, and
    # as a colon between words.
    (".Г. ПАРТИЗАНСК", "Г. ПАРТИЗАНСК"),
    (". г. Челябинск", "г. Челябинск"),
    ("ГОР; БАРГУЗИН", "ГОР. БАРГУЗИН"),
    ("пос: Осташков; Ярославская обл.", "пос. Осташков, Ярославская обл."),
    ("ДЕР. ВЕРХНЕЕ ПЕНЖИНО, КЕМЕРОВСКАЯ: ОБЛ.", "ДЕР. ВЕРХНЕЕ ПЕНЖИНО, КЕМЕРОВСКАЯ ОБЛ."),
    ("Г. РОСТОВ-НА-ДОНУ.", "Г. РОСТОВ-НА-ДОНУ"),
    ("гор. Самара 2", "гор. Самара"),  # a figure alone after the place
    ("Г. РОСТОВ-НА-ДОНУ. 1", "Г. РОСТОВ-НА-ДОНУ"),
    ("пос. Сокол 2-й", "пос. Сокол 2-й"),
    ("нос. Краснотурьинск, Респ. Коми", "пос. Краснотурьинск, Респ. Коми"),  # 'пос.' read 'нос.'
    ("С. ИВАНОВКА, НОС. ЛЕСНОЙ", "С. ИВАНОВКА, ПОС. ЛЕСНОЙ"),
    ("нос, Краснотурьинск, Респ. Коми", "пос. Краснотурьинск, Респ. Коми"),
    ("Е. МЕДНОГОРСК", "Г. МЕДНОГОРСК"),  # 'Г.' whose foot was lost
    ("Е, СТАРАЯ РУССА", "Г. СТАРАЯ РУССА"),  # ... its stop a comma
    ("Т. ЕКАТЕРИНБУРГ", "Г. ЕКАТЕРИНБУРГ"),  # a speck on its top
    ("ГОР..ЕКАТЕРИНБУРГ", "ГОР. ЕКАТЕРИНБУРГ"),  # a speck for the space after its stop
    ("ГОР. \"ВЕРХНИЙ БАСКУНЧАК", "ГОР. ВЕРХНИЙ БАСКУНЧАК"),  # a quote that nothing closes
    ("пос. Каменномостский, Самарская-обл.", "пос. Каменномостский, Самарская обл."),
    ("„г. Москва", "г. Москва"),  # a speck read as a quote
    ("гор-Ершов", "гор. Ершов"),  # its full stop read as a dash
    ("Г. БЕЛОГОРСК (АМУР.).", "Г. БЕЛОГОРСК (АМУР.)"),  # a speck after its closing bracket
    ("тор. Кандалакша", "гор. Кандалакша"),  # 'г' read 'т'
    ("ТОР, МУРАШИ", "ГОР. МУРАШИ"),  # ... its stop a comma
    ("< Г. БРЕДЫ", "Г. БРЕДЫ"),  # no place opens with a sign
    ("ТОР. ЯР, САМАРСКАЯ ОБЛ.", "ГОР. ЯР, САМАРСКАЯ ОБЛ."),
    ("ПОС- ЛЕСНОЙ, САМАРСКАЯ ОБЛ.", "ПОС. ЛЕСНОЙ, САМАРСКАЯ ОБЛ."),
    ("Горно-Алтайск", "Горно-Алтайск"),
    ("е. Самара, Самарская обл.", "г. Самара, Самарская обл."),
    ("ГОР. ЕЛЕЦ", "ГОР. ЕЛЕЦ"),
    # the patronymic's row above it, its label lost (whole, or read in two pieces)
    ("Сергеевна д. Ивановка Калужской обл.", "д. Ивановка Калужской обл."),
    ("Вас ильевич гор. Омск Омской обл.", "гор. Омск Омской обл."),
    ("ДЕР. ИВАНОВИЧИ", "ДЕР. ИВАНОВИЧИ"),
    ("г. челябинск", "г. Челябинск"),  # a small round letter read at its capital's size only
]

TEXT_CASES = [
    # 'в' before a district in the locative, lost on a poor page
    ("ОТДЕЛЕНИЕМ УФМС РОССИИ ПО РЕСП. ТАТАРСТАН ЛЕНИНСКОМ Р-НЕ", "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО РЕСП. ТАТАРСТАН В ЛЕНИНСКОМ Р-НЕ"),
    ("Отделом УФМС России по Московской обл. Калининском районе", "Отделом УФМС России по Московской обл. в Калининском районе"),
    ("ОУФМС ВО ВСЕВОЛОЖСКОМ РАЙОНЕ", "ОУФМС ВО ВСЕВОЛОЖСКОМ РАЙОНЕ"),
    ("ОВД ЦЕНТРАЛЬНО-ГОРОДСКОМ РАЙОНЕ", "ОВД В ЦЕНТРАЛЬНО-ГОРОДСКОМ РАЙОНЕ"),
    ("ОВД ПО ЛЕНИНСКОМУ РАЙОНУ", "ОВД ПО ЛЕНИНСКОМУ РАЙОНУ"),
    ("ОМВД РОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ Г: НОВОСИБИРСКА.", "ОМВД РОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ Г. НОВОСИБИРСКА"),
    ("УМВД РОССИИ ПО МОСКОВСКОЙ ОБЛ.", "УМВД РОССИИ ПО МОСКОВСКОЙ ОБЛ."),
    # A full stop after a case's ending is a speck: an abbreviation is cut before its ending.
    ("ПО НИЖЕГОРОДСКОЙ ОБЛ. В ПРОМЫШЛЕННОМ. РАЙОНЕ", "ПО НИЖЕГОРОДСКОЙ ОБЛ. В ПРОМЫШЛЕННОМ РАЙОНЕ"),
    ("ОТДЕЛОМ. УФМС РОССИИ ПО РЕСП. ТАТАРСТАН", "ОТДЕЛОМ УФМС РОССИИ ПО РЕСП. ТАТАРСТАН"),
    ("ОТДЕЛОМ ПО. ВОПРОСАМ МИГРАЦИИ", "ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ"),
    ("ОТДЕЛОМ.ПО ВОПРОСАМ МИГРАЦИИ ПО.ЦЕНТРАЛЬНОМУ РАЙОНУ", "ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ ПО ЦЕНТРАЛЬНОМУ РАЙОНУ"),  # ... glued
    ("ГУ МВД РОССИИ ПО Г.МОСКВЕ", "ГУ МВД РОССИИ ПО Г. МОСКВЕ"),
    ("ОВД ЗАВОДСКОГО' РАЙОНА Г. САМАРЫ", "ОВД ЗАВОДСКОГО РАЙОНА Г. САМАРЫ"),  # an apostrophe no quote opened
    ("ООО 'Ромашка'", "ООО 'Ромашка'"),
    # 'Й' read without its breve, where no Russian word has 'И'; where words do, it stays.
    ("ОМВД РОССИИ ПО ЦЕНТРАЛЬНОМУ РАИОНУ Г. МОСКВЫ", "ОМВД РОССИИ ПО ЦЕНТРАЛЬНОМУ РАЙОНУ Г. МОСКВЫ"),
    ("ПОС. НОВЫИ ОСКОЛ, ЧУКОТСКИИ АО", "ПОС. НОВЫЙ ОСКОЛ, ЧУКОТСКИЙ АО"),
    ("Красноярскии краи, Городскои округ", "Красноярский край, Городской округ"),
    ("ГЕРОИ ЛИНИИ ТЕХНОЛОГИИ ИДЕИ ОТДЕЛЕНИИ КОМПАНИИ", "ГЕРОИ ЛИНИИ ТЕХНОЛОГИИ ИДЕИ ОТДЕЛЕНИИ КОМПАНИИ"),
    ("ГОР. НИЖНИИ НОВГОРОД, ВЕРХНИИ УСЛОН", "ГОР. НИЖНИЙ НОВГОРОД, ВЕРХНИЙ УСЛОН"),
    ("С. РЖЕВ, РЕСП, МАРИЙ-ЭЛ", "С. РЖЕВ, РЕСП. МАРИЙ-ЭЛ"),  # a republic's full stop read as a comma
    ("С. РЖЕВ, РЕСП МАРИЙ-ЭЛ", "С. РЖЕВ, РЕСП. МАРИЙ-ЭЛ"),
    ("ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ ОМВЛ РОССИИ", "ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ ОМВД РОССИИ"),  # 'Д' read 'Л'
    ("ОТДЕЛОМ ПО ВОПРОСАМ`МИГРАЦИИ", "ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ"),  # a speck for a space
    ("ГУ МВД РОССИИ ПО КРАСНОДАРСКОМУ „КРАЮ", "ГУ МВД РОССИИ ПО КРАСНОДАРСКОМУ КРАЮ"),  # nothing closes it
    ("ГУ МВА РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ.", "ГУ МВД РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ."),  # ... or 'А'
    ("ГУМВД РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ.", "ГУ МВД РОССИИ ПО НИЖЕГОРОДСКОЙ ОБЛ."),  # the space lost
    ("ГУМВДРоссии по г. Москве", "ГУ МВД России по г. Москве"),
    ("ТП № 7 ДУФМС. РОССИИ ПО САМАРСКОЙ ОБЛ.", "ТП № 7 ОУФМС РОССИИ ПО САМАРСКОЙ ОБЛ."),  # its О read Д, a speck after
    ("ТП № 2 0УФМС РОССИИ", "ТП № 2 ОУФМС РОССИИ"),
    ("ТЕ № 16 ОТДЕЛА УФМС РОССИИ ПО ТУЛЬСКОЙ ОБЛ.", "ТП № 16 ОТДЕЛА УФМС РОССИИ ПО ТУЛЬСКОЙ ОБЛ."),  # 'П' read 'Е'
    ("ТИ УФМС РОССИИ ПО РЕСПУБЛИКЕ ТАТАРСТАН", "ТП УФМС РОССИИ ПО РЕСПУБЛИКЕ ТАТАРСТАН"),  # 'П' read 'И'
    ("ТИ РОССИИ", "ТИ РОССИИ"),
    ("С. ИВАНОВКА ИСТРИНСКОГО Р.НА", "С. ИВАНОВКА ИСТРИНСКОГО Р-НА"),  # a district's hyphen read as a stop
    ("ОТДЕЛОМ УФМСРОССИИ ПО КРАСНОДАРСКОМУ КРАЮ", "ОТДЕЛОМ УФМС РОССИИ ПО КРАСНОДАРСКОМУ КРАЮ"),
    ("ОМВДРОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ", "ОМВД РОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ"),
    ("ПО Г. САНКТ-ПЕТЕРБУРГУ И ЛЕНИНГРАДСКОЙ ОБЯ В ПРИМОРСКОМ Р-НЕ",
     "ПО Г. САНКТ-ПЕТЕРБУРГУ И ЛЕНИНГРАДСКОЙ ОБЛ. В ПРИМОРСКОМ Р-НЕ"),  # the region's 'Л' read 'Я'
    ("ПО Г. САНКТ-ПЕТЕРБУРГУ И: ЛЕНИНГРАДСКОЙ ОБЛ.", "ПО Г. САНКТ-ПЕТЕРБУРГУ И ЛЕНИНГРАДСКОЙ ОБЛ."),  # a speck
    ("пос. Ростов-на-Дону,: Ленинградская обл.", "пос. Ростов-на-Дону, Ленинградская обл."),
    ("ГУ! МВД РОССИИ ПО СВЕРДЛОВСКОЙ ОБЛ.", "ГУ МВД РОССИИ ПО СВЕРДЛОВСКОЙ ОБЛ."),
    ("ОТДЕЛОМ УФМС РОССИИ ПО САМАРСКОЙ ОБЛ. В.СОВЕТСКОМ РАЙОНЕ", "ОТДЕЛОМ УФМС РОССИИ ПО САМАРСКОЙ ОБЛ. В СОВЕТСКОМ РАЙОНЕ"),
    ("В.ИВАНОВ", "В.ИВАНОВ"),  # an initial: its stop stays
    ("ПО НИЖЕГОРОДСКОЙ ОБЛ.. В ПРОМЫШЛЕННОМ Р-НЕ", "ПО НИЖЕГОРОДСКОЙ ОБЛ. В ПРОМЫШЛЕННОМ Р-НЕ"),  # a stop twice
    # A stop opening a word after a space: a speck, or a settlement's stop read after its space.
    ("по Краснодарскому краю в .Фрунзенском районе", "по Краснодарскому краю в Фрунзенском районе"),
    ("РОВД г .Самары", "РОВД г. Самары"),
    ("ОТДЕЛЕНИЕМ УФМС.РОССИИ ПО КРАСНОДАРСКОМУ КРАЮ", "ОТДЕЛЕНИЕМ УФМС РОССИИ ПО КРАСНОДАРСКОМУ КРАЮ"),
    ("ДЕР. ЩЕЛЬЯЮР, ЧУКОТСКИЙ. АО", "ДЕР. ЩЕЛЬЯЮР, ЧУКОТСКИЙ АО"),  # a stop after a whole adjective
    ("ГОР. КОГАЛЫМ #", "ГОР. КОГАЛЫМ"),  # a sign alone at the end
    ("ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ ОМВД-РОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ",
     "ОТДЕЛОМ ПО ВОПРОСАМ МИГРАЦИИ ОМВД РОССИИ ПО ОКТЯБРЬСКОМУ РАЙОНУ"),  # a speck read as a hyphen
    ("ПРОГРАММА МВА", "ПРОГРАММА МВА"),
    ("ГУВЛ ПО Г. МОСКВЕ; ОВЛ", "ГУВД ПО Г. МОСКВЕ, ОВД"),
    ("УМВД РОССИИ ПОГ, МОСКВЕ", "УМВД РОССИИ ПО Г. МОСКВЕ"),  # the space after 'ПО' lost
    ("УМВД РОССИИ ПОГ МОСКВЕ", "УМВД РОССИИ ПО Г. МОСКВЕ"),
    ('"Отделом по вопросам миграции', "Отделом по вопросам миграции"),  # a quote opening nothing
    ('"Ромашка" ООО', '"Ромашка" ООО'),
    (":^", None),  # specks and a colon: read the same twice
    ("РАЙОНА ГОР. РОСТОВА-НА- ДОНУ", "РАЙОНА ГОР. РОСТОВА-НА-ДОНУ"),  # a hyphen across a line's break
    ("двух- или трёхкомнатной", "двух- или трёхкомнатной"),  # a hyphen left hanging: print
    ("—", "—"),  # a dash alone is what the form prints
    ("ОТДЕЛОМ УФМС РОССИИ ПО чеЛЯБИНСКОЙ ОБЛ", "ОТДЕЛОМ УФМС РОССИИ ПО ЧЕЛЯБИНСКОЙ ОБЛ."),
    ("ГУ МВД РОССИИ ПО г. МОСКВЕ", "ГУ МВД РОССИИ ПО Г. МОСКВЕ"),
    ("ООО «РОМАШКА» и партнеры", "ООО «РОМАШКА» и партнеры"),  # a small word of its own: as printed
    ("ПАО «Интерком» г. Москва", "ПАО «Интерком» г. Москва"),
    ("Московской обл", "Московской обл."),
    ("ОВД Центрального района г.Екатеринбурга", "ОВД Центрального района г. Екатеринбурга"),
    ("Д.С.Иванов", "Д.С.Иванов"),  # initials: left as printed
    ("ОБЛ. В_ ПРИМОРСКОМ РАЙОНЕ", "ОБЛ. В ПРИМОРСКОМ РАЙОНЕ"),  # the underline, not print
    ("__ г. Москва __", "г. Москва"),
    ("A_B", "A_B"),
    ("ООО «Ромашка»", "ООО «Ромашка»"),
    ("  ООО   «Ромашка» ", "ООО «Ромашка»"),
    (": ООО «Ромашка» |", "ООО «Ромашка»"),
    ("; , г. Москва, ул. Ленина, д. 1.", "г. Москва, ул. Ленина, д. 1."),
    ("_Иванов_", "Иванов"),
    ("(в скобках)", "(в скобках)"),
    ('"quoted"', '"quoted"'),
    ("line\nbreak\ttab", "line break tab"),
    ("a\u00a0b", "a b"),  # no-break space
    ("|", None),
    (":", None),
    # A settlement's abbreviation ends with a full stop that OCR read as a comma; other commas stay.
    ("Г, НИЖНИЙ ТАГИЛ СВЕРДЛОВСКАЯ ОБЛАСТЬ", "Г. НИЖНИЙ ТАГИЛ СВЕРДЛОВСКАЯ ОБЛАСТЬ"),
    ("Респ. Татарстан, гор, Казань", "Респ. Татарстан, гор. Казань"),
    ("Татарстан, Г. Казань", "Татарстан, Г. Казань"),
    ("р-н Г, 5", "р-н Г, 5"),
]

NAME_CASES = [
    ("ß`A", "Ss'a"),  # a letter whose capital is two letters: read the same twice
    ("Тарас Овна", "Тарасовна"),  # a patronymic's ending read as a word of its own
    ("Мамед оглы", "Мамед Оглы"),  # a word of its own indeed
    ("ИВАНОВ", "Иванов"),
    ("иванов", "Иванов"),
    ("Варфоломеи", "Варфоломей"),  # 'Й' read without its breve: no name ends in a vowel and 'и'
    ("НИКОЛАИ ТОЛСТОИ", "Николай Толстой"),
    ("Гелашвили", "Гелашвили"),
    ("петрова-водкина", "Петрова-Водкина"),
    ("ПЕТРОВА - ВОДКИНА", "Петрова-Водкина"),
    ("Петрова–Водкина", "Петрова-Водкина"),  # en dash
    ("МАМЕДОВ АЛИ ОГЛЫ", "Мамедов Али Оглы"),
    ("ОГЛЫ", "Оглы"),
    ("  ИВАНОВ   ИВАН  ", "Иванов Иван"),
    ("Иванов1", "Иванов"),
    ("Иванов,Иван", "Иванов Иван"),
    ("Иванов: Иван.", "Иванов Иван"),
    ("СЕМЁН", "Семён"),
    ("o'brien", "O'Brien"),
    ("O’BRIEN", "O'Brien"),  # typographic apostrophe
    ("JOHN SMITH", "John Smith"),
    ("-Иванов-", "Иванов"),
    ("Иванов И.И.", "Иванов И И"),
    ("и\u0306ван", "Йван"),  # decomposed й is recomposed, not split
    ("123", None),
    ("--", None),
    ("'", None),
    ("12.09.2010", None),
]

GENDER_CASES = [
    ("мужской", "male"),
    ("муж", "male"),
    ("муж.", "male"),
    ("МУЖ,", "male"),
    ("МУЖСКОЙ", "male"),
    ("М", "male"),  # Cyrillic
    ("M", "male"),  # Latin
    ("m", "male"),
    ("male", "male"),
    ("MALE", "male"),
    ("Пол: МУЖ.", "male"),
    ("мУж", "male"),
    ("MУЖ", "male"),  # Latin M, Cyrillic УЖ
    ("жен", "female"),
    ("жен.", "female"),
    ("женский", "female"),
    ("ЖЕН", "female"),
    ("Ж", "female"),
    ("ж.", "female"),
    ("F", "female"),
    ("female", "female"),
    ("Female", "female"),
    ("Пол: Ж", "female"),
    ("мух.", "male"),  # 'ж' misread in a typewriter font
    ("ЖЕИ", "female"),
    ("ЖАН.", "female"),  # the short form's middle letter misread on a photo
    ("МОЖ.", "male"),
    ("место", None),
    ("мужественный", None),  # longer than any form of the word
    ("М/Ж", None),  # both printed on the form: not a reading
    ("male / female", None),
    ("x", None),
    ("мужик?", "male"),
    ("пол", None),
    ("12", None),
    ("W", None),
]

DATE_CASES = [
    ("«29» октября‘ 2023 г.", "2023-10-29"),  # a speck read as a quote after the month
    ("1 февраяя 2012 г.", "2012-02-01"),  # a month's name one letter off, only one month's
    ("7 декабоя 1999", "1999-12-07"),
    ("3 ионя 2001", None),  # too short to tell
    ("28:05.2003", "2003-05-28"),  # a separator read as a colon, the year in full
    ("28.05:2003", "2003-05-28"),
    ("10:15:2003", None),  # no date has two colons
    ("02.09 1998", "1998-09-02"),  # one full stop eaten by a fax's binarising
    ("10 03.1945", "1945-03-10"),
    ("5 12.03.2018", "2018-03-12"),  # a row's number before a whole date is no day
    ("8 50 97", None),  # numbers side by side: no date
    ("28.09.2010", "2010-09-28"),
    ("28/09/2010", "2010-09-28"),
    ("28-09-2010", "2010-09-28"),
    ("28–09–2010", "2010-09-28"),
    ("28,09,2010", "2010-09-28"),  # OCR reads dots as commas
    ("27. МАРТА 1943 Г.", "1943-03-27"),  # a speck read as a full stop after the day
    ("2010-09-28", "2010-09-28"),
    ("2010.09.28", "2010-09-28"),
    ("2010-09-28T10:15:00", "2010-09-28"),
    ("1.2.2010", "2010-02-01"),  # day-first
    ("05.04.2010", "2010-04-05"),
    ("28 . 09 . 2010", "2010-09-28"),
    ("28. 09 .2010", "2010-09-28"),
    ("28 сентября 2010", "2010-09-28"),
    ("28 сентября 2010 г.", "2010-09-28"),
    ("28 сентября 2010г.", "2010-09-28"),
    ("«28» сентября 2010 года", "2010-09-28"),
    ('"28" сентября 2010 г.', "2010-09-28"),
    ("28 СЕНТЯБРЯ 2010Г.", "2010-09-28"),
    ("28 сентябрь 2010", "2010-09-28"),
    ("28 сент 2010", "2010-09-28"),
    ("28 сент. 2010", "2010-09-28"),
    ("28 сен. 2010", "2010-09-28"),
    ("1 января 2000", "2000-01-01"),
    ("29 февраля 2012", "2012-02-29"),
    ("3 марта 2015", "2015-03-03"),
    ("3 мар 2015", "2015-03-03"),
    ("14 апреля 2015", "2015-04-14"),
    ("1 мая 2020", "2020-05-01"),
    ("1 май 2020", "2020-05-01"),
    ("12 июня 2019", "2019-06-12"),
    ("12 июля 2019", "2019-07-12"),
    ("12 июл 2019", "2019-07-12"),
    ("15 августа 2011", "2011-08-15"),
    ("15 авг. 2011", "2011-08-15"),
    ("15 октября 2011", "2011-10-15"),
    ("15 ноября 2011", "2011-11-15"),
    ("15 нояб. 2011", "2011-11-15"),
    ("31 декабря 2011", "2011-12-31"),
    ("31 дек 2011", "2011-12-31"),
    ("28 сeнтября 2010", "2010-09-28"),  # Latin "e" inside the Cyrillic month
    ("28 CEHTЯБPЯ 2010", "2010-09-28"),  # Latin C, E, H, P in upper case
    ("25 Dec 2018", "2018-12-25"),
    ("25 December 2018", "2018-12-25"),
    ("25th December 2018", "2018-12-25"),
    ("Dec 25, 2018", "2018-12-25"),
    ("December 25, 2018", "2018-12-25"),
    ("DEC 25 2018", "2018-12-25"),
    ("Sept 1, 2019", "2019-09-01"),
    ("25-DEC-2018", "2018-12-25"),
    ("25-DEC-18", "2018-12-25"),
    ("1 Jun 2019", "2019-06-01"),
    ("1 Jul 2019", "2019-07-01"),
    ("1 May 2019", "2019-05-01"),
    # OCR noise
    ("2O.O9.2O1O", "2010-09-20"),
    ("28.O9.2Ol0", "2010-09-28"),
    ("I2 марта 2О1Ог.", "2010-03-12"),
    ("Дата выдачи: 28.09.2010", "2010-09-28"),
    ("от 28.09.2010 № 5", "2010-09-28"),
    ("DATE: 25/12/2018 14:32", "2018-12-25"),
    # several dates: the first one wins
    ("28.09.2010 - 01.01.2020", "2010-09-28"),
    ("с 1 января 2015 по 28.09.2010", "2015-01-01"),
    ("Dec 25, 2018 / 26.12.2018", "2018-12-25"),
    # invalid or unreadable
    ("31.02.2010", None),
    ("29.02.2011", None),
    ("32.01.2010", None),
    ("28.13.2010", None),
    ("12.30.2010", None),  # month-first is not accepted
    ("31.02.2010 01.03.2010", None),  # first date is impossible: no fallback
    ("00.01.2010", None),
    ("28.09.201", None),
    ("28.09", None),
    ("20100928", None),  # compact: YYYYMMDD vs DDMMYYYY is ambiguous
    ("сентябрь 2010", None),
    ("28 foo 2010", None),
    ("28 ма 2010", None),  # too short to be a month
    ("Sdec 25 2018", None),
    ("garbage", None),
    ("2010", None),
]


def _yy(year: int) -> str:
    return f"{year % 100:02d}"


def test_two_digit_year_pivot_is_current_year():
    this = dt.date.today().year
    assert normalize("date", f"28.09.{_yy(this)}") == f"{this}-09-28"
    assert normalize("date", "28.09.10") == "2010-09-28"
    assert normalize("date", "28.09.00") == "2000-09-28"
    # One year after the current two-digit year reads as last century.
    assert normalize("date", f"28.09.{_yy(this + 1)}") == f"{this + 1 - 100}-09-28"
    assert normalize("date", "28.09.99") == "1999-09-28"


MONEY_CASES = [
    ("622974:00", "622974.00"),  # a colon for the decimal point
    ("578381;10-", "578381.10"),  # a speck over the decimal comma
    ("118 000,00", "118000.00"),
    ("1015.858,80", "1015858.80"),  # a group's space read as a stop (and the space before it lost)
    ("1 015.858,80", "1015858.80"),
    ("118\u00a0000,00", "118000.00"),
    ("118 000", "118000.00"),
    ("1,234.56", "1234.56"),
    ("1.234,56", "1234.56"),
    ("1,234,567.89", "1234567.89"),
    ("1.234.567,89", "1234567.89"),
    ("1 234 567-89", "1234567.89"),  # Russian dash kopecks
    ("1 234 567 - 89", "1234567.89"),
    ("1 234 567—89", "1234567.89"),
    ("1 234 567-", "1234567.00"),
    ("RM 9.00", "9.00"),
    ("RM9.00", "9.00"),
    ("9.00 руб.", "9.00"),
    ("$9", "9.00"),
    ("9", "9.00"),
    ("12,50", "12.50"),
    ("12,5", "12.50"),
    ("0,5", "0.50"),
    (".50", "0.50"),
    ("1,234", "1234.00"),  # exactly 3 digits after the comma: thousands
    ("1.234", "1234.00"),
    ("12,34", "12.34"),
    ("1234,5600", "1234.56"),  # trailing zeros are harmless
    ("1,2345", None),  # would need rounding: not read
    ("1234.567", None),
    ("5 руб. 50 коп.", "5.50"),
    ("5 руб 5 коп", "5.05"),
    ("118 000 руб. 00 коп.", "118000.00"),
    ("Итого: 1 500,00 ₽", "1500.00"),
    ("TOTAL RM 12.90", "12.90"),
    ("9 . 00", "9.00"),
    ("RM9.OO", "9.00"),  # lookalike zeros
    ("1O0,00", "100.00"),
    ("-5", "-5.00"),
    ("−5,50", "-5.50"),  # Unicode minus
    ("Сумма - 5", "5.00"),  # a spaced dash is a label separator, not a sign
    ("-0", "0.00"),
    ("0", "0.00"),
    ("9.00 12.00", "9.00"),  # first amount
    ("abc", None),
    ("руб.", None),
    ("RM", None),
    ("OO", None),  # no real digit, nothing to repair
]

DIGITS_CASES = [
    ("123", "123"),
    ("0123", "0123"),  # leading zeros kept
    ("1 2-3", "123"),
    ("№ 45-67", "4567"),
    ("l2O", "120"),
    ("12O|", "1201"),
    ("Olga", None),
    ("abc", None),
    ("Oleg 7", "7"),
]

SNILS_CASES = [
    ("112-233-445 95", "112-233-445 95"),
    ("11223344595", "112-233-445 95"),
    ("112 233 445 95", "112-233-445 95"),
    ("112-233-445-95", "112-233-445 95"),
    ("112–233–445 95", "112-233-445 95"),
    ("СНИЛС: 112-233-445 95", "112-233-445 95"),
    ("112 - 233 - 445  95", "112-233-445 95"),
    ("112-233-445 9O", "112-233-445 90"),  # read, not corrected
    ("ll2-233-445 95", "112-233-445 95"),
    ("112-233-445 96", "112-233-445 96"),  # wrong checksum is NOT repaired
    ("112-233-445 9", None),
    ("112-233-445 955", None),
    ("112-233-445", None),
    ("abc", None),
]

INN_CASES = [
    ("7707083893", "7707083893"),
    ("500100732259", "500100732259"),
    ("ИНН 7707083893", "7707083893"),
    ("7707 083 893", "7707083893"),
    ("77O7O83893", "7707083893"),
    ("7707083894", "7707083894"),  # bad checksum is not repaired
    ("770708389", None),
    ("77070838931", None),
    ("5001007322590", None),
    ("7707083893/770701001", None),  # INN/KPP glued together: no guessing
    ("abc", None),
]

KPP_CASES = [
    ("770701001", "770701001"),
    ("7707 01 001", "770701001"),
    ("7707-01-001", "770701001"),
    ("КПП 770701001", "770701001"),
    ("КПП770701001", "770701001"),
    ("7707AB001", "7707AB001"),
    ("7707ab001", "7707AB001"),
    ("7707АВ001", "7707AB001"),  # Cyrillic АВ -> Latin AB
    ("77O701OO1", "770701001"),  # lookalikes in the digit positions
    ("77O7O1OO1", "7707O1001"),  # ...but not in the reason code
    ("7707O1001", "7707O1001"),  # position 5 may be a letter: O is kept
    ("ИНН/КПП 7707083893/770701001", "770701001"),
    ("77070100", None),
    ("7707010011", None),
    ("7707ДЖ001", None),  # Cyrillic letters without Latin twin
    ("A70701001", None),
    ("abc", None),
]

PASSPORT_CASES = [
    ("45 06 123456", "4506 123456"),
    ("4506 123456", "4506 123456"),
    ("4506123456", "4506 123456"),
    ("45 06 № 123456", "4506 123456"),
    ("серия 45 06 номер 123456", "4506 123456"),
    ("45O6 l23456", "4506 123456"),
    ("45 06 12345", None),
    ("45 06 1234567", None),
    ("abc", None),
]

DIVISION_CASES = [
    ("770-001", "770-001"),
    ("770 001", "770-001"),
    ("770001", "770-001"),
    ("770–001", "770-001"),
    ("770—001", "770-001"),
    ("Код подразделения 770-001", "770-001"),
    ("77O-OO1", "770-001"),
    ("000-001", "000-001"),  # shape only; region check is validate's job
    ("770-0011", None),
    ("770-01", None),
    ("abc", None),
]

DOC_NUMBER_RU_CASES = [
    ("A-00054", "А-00054"),  # Latin A: the same glyph as the Cyrillic one
    ("№ BP-12/2020", "ВР-12/2020"),
    ("А-00054", "А-00054"),
    ("(Ф-76", "СФ-76"),  # its round С read as a bracket nothing closes
    ("(12)", "(12)"),
    ("INV-12", "INV-12"),  # I, N, V have no Cyrillic twin: Latin as read
    ("УТ-3296", "УТ-3296"),
    ("A- 1485/2023", "А-1485/2023"),  # the hyphen ended OCR's word
    ("3455/ 10", "3455/10"),  # ... as a part's separator may
    ("12 - 5", "12 - 5"),  # a dash apart is no separator glued to a part
    ("853", "853"),
    ("№", None),
]

DOC_NUMBER_CASES = [
    ("№ 12-34/5", "12-34/5"),
    ("№12-34/5", "12-34/5"),
    ("N 123", "123"),
    ("N123", "123"),
    ("No. 123", "123"),
    ("No.123", "123"),
    ("No 123", "123"),
    ("Nº 123", "123"),
    ("# 123", "123"),
    ("#123", "123"),
    ("№ № 7", "7"),
    ("  AB   123  456 ", "AB 123 456"),
    ("NA-123", "NA-123"),  # a leading N that belongs to the number
    ("Nov 5", "Nov 5"),
    ("77 АА 1234567", "77 АА 1234567"),
    ("12O", "12O"),  # as printed: no lookalike repair
    ("№", None),
    ("No.", None),
]

ORGANIZATION_CASES = [
    ("Общество с ограниченной ответственностью «Петров и` партнеры»",
     "Общество с ограниченной ответственностью «Петров и партнеры»"),  # a speck read as a grave accent
    ("Общество с ограниченной ответственностью Агроторг»", "Общество с ограниченной ответственностью «Агроторг»"),
    ('004 "Фортуна"', 'ООО "Фортуна"'),  # a round letter read as a 4
    ("009 «Стройресурс»", "ООО «Стройресурс»"),  # ... or a 9
    ("ООО «909»", "ООО «909»"),
    ('ООО`"Бумажный мир"', 'ООО "Бумажный мир"'),  # a speck for the space
    ("ООО «Г ерасимов и партнеры»", "ООО «Герасимов и партнеры»"),  # a first letter read apart
    ("ООО «Дом И ремонт»", "ООО «Дом и ремонт»"),
    ("ПАО “Профиль’Центр”", 'ПАО "Профиль-Центр"'),  # a hyphen read as an apostrophe
    # An address's part after the name, its paragraph's line between them lost; an initial stays.
    ("Индивидуальный предприниматель Митрофанова Маргарита Николаевна пом",
     "Индивидуальный предприниматель Митрофанова Маргарита Николаевна"),
    ("ООО «Рога и Копыта» оф. 5", "ООО «Рога и Копыта»"),
    ("ИП Петров Д. Д.", "ИП Петров Д. Д."),
    ("ИП Фомина 3.Г.", "ИП Фомина З.Г."),  # an initial read as the figure it looks like
    ("ИП Орлов 6.T.", "ИП Орлов Б.Т."),  # as a figure, and the next as a Latin lookalike
    ("ИП Анисимова @. Д.", "ИП Анисимова Ф. Д."),  # a round 'Ф' read as a sign at low resolution
    ("ИП Анисимова ®. Д.", "ИП Анисимова Ф. Д."),
    ("ИП Петров Н, H.", "ИП Петров Н. Н."),  # a stop read as a comma, the next initial as a Latin lookalike
    # The form's first word read as scraps: nothing else is 'with limited liability'.
    ('аи: 9 “валы РЧ- с ограниченной, тветственностью "Волжский берег"',
     'Общество с ограниченной ответственностью "Волжский берег"'),
    ("ПАО «Новые т технологии»", "ПАО «Новые технологии»"),  # a speck read as a letter that is no word
    ("ООО «Дом у реки»", "ООО «Дом у реки»"),  # ... one that is a word stays
    ('ЗАО "Гришин И-партнеры"', 'ЗАО "Гришин и партнеры"'),  # 'и' glued to the next word by a speck
    # An address after the quoted name, its caption lost.
    ("ООО «Интерком» Санкт-Петербург, бул.", "ООО «Интерком»"),
    ('ЗАО "Селезнев и партнеры" бург, пер.Т', 'ЗАО "Селезнев и партнеры"'),
    ("ООО «Ромашка» (филиал)", "ООО «Ромашка» (филиал)"),
    ("ИП Иванов И. 0.", "ИП Иванов И. О."),
    ("ИП Симонов A. Ф.", "ИП Симонов А. Ф."),  # an initial read as its Latin twin
    ("АО ‘«Фортуна»", "АО «Фортуна»"),  # a '‘' no quote of its own kind closes: a speck
    ("Общество С ограниченной ответственностью. «Гранит»", "Общество с ограниченной ответственностью «Гранит»"),
    ('АО "Брагин И партнеры"', 'АО "Брагин и партнеры"'),
    ("ИП Симонов Ф.A.", "ИП Симонов Ф.А."),
    ("ООО Ромашка A. B. C.", "ООО Ромашка A. B. C."),  # Latin initials among Latin ones stay
    ('ЗАО "Новые технологии" —®', 'ЗАО "Новые технологии"'),  # a rule's end and a stamp's scrap
    ("ПАО «Логистик- -Центр»", "ПАО «Логистик-Центр»"),  # a hyphen read twice
    ("ООО «Ромашка»", "ООО «Ромашка»"),
    ("ооо «Северный ветер»", "ООО «Северный ветер»"),  # round capitals read small
    ("000 «Назаров и партнеры»", "ООО «Назаров и партнеры»"),  # zeros for О
    ("OOO  Ромашка", "ООО Ромашка"),  # Latin lookalikes
    ("3АО «Вектор»", "ЗАО «Вектор»"),
    ("Ао «Х»", "АО «Х»"),
    ("ип Иванов И. И.", "ИП Иванов И. И."),
    ("Общество с ограниченной ответственностью «Светоч»", "Общество с ограниченной ответственностью «Светоч»"),
    ("ООО", "ООО"),  # the form alone is not rewritten
    ("000 123", "ООО 123"),
    ("1000 «Ромашка»", "1000 «Ромашка»"),
    ("оао", "оао"),
    ("", None),
    ("ооо: «Торговый дом Радуга»", "ООО «Торговый дом Радуга»"),  # a speck glued to the legal form
    ("ПАО' “Бизнессервис\"", 'ПАО "Бизнессервис"'),  # one quote read curly, its pair straight
    ("ООО “Бизнессервис”", 'ООО "Бизнессервис"'),  # read curly: one straight pair
    # Specks read before the legal form and after the quoted name closes; 'й' for 'и'.
    ("ae ПАО «Туров и партнеры»", "ПАО «Туров и партнеры»"),
    ("«tt ПАО «Большаков и партнеры»", "ПАО «Большаков и партнеры»"),  # no Cyrillic letter in it
    ("Общество с ограниченной ответственностью «Светоч» +", "Общество с ограниченной ответственностью «Светоч»"),
    ("АО «Альфа-Строй»””", "АО «Альфа-Строй»"),
    ('АО "Сибирские ресурсы" рес', 'АО "Сибирские ресурсы"'),
    ("ООО «Ромашка» (филиал)", "ООО «Ромашка» (филиал)"),  # a word after the quotes: the name's
    ("ООО «Егоров й партнеры»", "ООО «Егоров и партнеры»"),
    ("ООО. «Титов и партнеры»", "ООО «Титов и партнеры»"),
    # A quote opened before the legal form and closed nowhere; a form glued to the quote by a speck.
    ('"Ао «Логистик-Центр»', "АО «Логистик-Центр»"),
    ("“AO «Вектор»", "АО «Вектор»"),
    ("Общество с ограниченной ответственностью “Агроресурс”", 'Общество с ограниченной ответственностью "Агроресурс"'),
    ("АО „Вектор“", 'АО "Вектор"'),  # a pair of curly quotes is a straight pair (OCR reads one as the other)
    ("000“ЭкоПродукт”", 'ООО "ЭкоПродукт"'),  # a legal form glued to its name's quote
    ("ООО “Север” и “Юг”", "ООО “Север” и “Юг”"),  # two pairs: as read
    ("АО.«Вектор»", "АО «Вектор»"),
    ('ООО"Ромашка"', 'ООО "Ромашка"'),  # the form a word of its own (OCR drops a narrow space)
    ("Индивидуальный предприниматель Шестакова Зоя Семеновна ——_дд_до—————_—_—_—о—3",
     "Индивидуальный предприниматель Шестакова Зоя Семеновна"),  # an underline read after it
    ("ПАО „Громов и партнеры»", "ПАО «Громов и партнеры»"),  # its « read as another quote
    ("ЗАО Рогов и партнеры»", "ЗАО «Рогов и партнеры»"),  # ... or lost
    ("`000 «Новые технологии»", "ООО «Новые технологии»"),  # a speck glued before the form
    ("АО Вектор", "АО Вектор"),
    ("ПАО «Стрелков и.партнеры»", "ПАО «Стрелков и партнеры»"),  # 'и' glued to the next word by a speck
    ("ЗАО «Сорокин.и партнеры»", "ЗАО «Сорокин и партнеры»"),  # ... or to the word before
    ("ИП Лукин я. И.", "ИП Лукин Я. И."),  # an entrepreneur's initial read small
    ("ООО «Лукин я. и.»", "ООО «Лукин я. и.»"),
    ('"Ромашка"', '"Ромашка"'),
    # A bill's party paragraph: the name out of its requisites, before or after them.
    ("ПАО «ПромСнаб», ИНН 7626772782, КПП 762601002, 323571, г. Ярославль, тел.: +7", "ПАО «ПромСнаб»"),
    ("ИНН 712376118281, ИП Климов К.В., 584182, г. Тула, ул. Советская, д. 126", "ИП Климов К.В."),
    # ... its codes' label overprinted: their digits say what they are
    ('8 :4019484722 / КПП 401943001, 000 "ТрансКомплект", 625196, г. Калуга', 'ООО "ТрансКомплект"'),
    ("ИНН 3404662534 КПП 340401001, ПАО «Окна», 400005, г. Волгоград", "ПАО «Окна»"),
    ("ИП Сергеев Владимир Романович, Ленина, д. 104, тел.: +7 (619) 275-29-52", "ИП Сергеев Владимир Романович"),
    ("ПАО «ПромСнаб», (783) 632-73-12", "ПАО «ПромСнаб»"),  # a phone's second line
    ("ООО «Рога, копыта и Ко», г. Москва", "ООО «Рога, копыта и Ко»"),  # commas inside the quotes
    ("ООО «Рога, копыта и Ко»", "ООО «Рога, копыта и Ко»"),
    ("АО «Север», филиал «Юг»", "АО «Север», филиал «Юг»"),  # no requisite: as printed
    # A legal form written out, a letter of it misread; one printed right stays.
    ("Индивилуальный предприниматель Тимофеев Леонид", "Индивидуальный предприниматель Тимофеев Леонид"),
    ("Йубличное акционерное общество «СибирьТранс»", "Публичное акционерное общество «СибирьТранс»"),
    ("Непубличное акционерное общество «Икс»", "Непубличное акционерное общество «Икс»"),
    ("ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБШЕСТВО «ВЕГА»", "ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО «ВЕГА»"),
    ("ИП Осипова ЕТ.", "ИП Осипова Е.Т."),  # the initials' first stop lost
]

TABLE = (
    [("text", r, e) for r, e in TEXT_CASES]
    + [("place", r, e) for r, e in PLACE_CASES]
    + [("organization", r, e) for r, e in ORGANIZATION_CASES]
    + [("name", r, e) for r, e in NAME_CASES]
    + [("gender", r, e) for r, e in GENDER_CASES]
    + [("date", r, e) for r, e in DATE_CASES]
    + [("money", r, e) for r, e in MONEY_CASES]
    + [("digits", r, e) for r, e in DIGITS_CASES]
    + [("snils", r, e) for r, e in SNILS_CASES]
    + [("inn", r, e) for r, e in INN_CASES]
    + [("kpp", r, e) for r, e in KPP_CASES]
    + [("passport_number", r, e) for r, e in PASSPORT_CASES]
    + [("division_code", r, e) for r, e in DIVISION_CASES]
    + [("doc_number", r, e) for r, e in DOC_NUMBER_CASES]
    + [("doc_number_ru", r, e) for r, e in DOC_NUMBER_RU_CASES]
)


@pytest.mark.parametrize(("kind", "raw", "expected"), TABLE)
def test_normalize_table(kind, raw, expected):
    assert normalize(kind, raw) == expected


@pytest.mark.parametrize(("kind", "raw", "expected"), [c for c in TABLE if c[2] is not None])
def test_normalized_values_are_fixed_points(kind, raw, expected):
    # A canonical value must survive a second pass unchanged.
    assert normalize(kind, expected) == expected


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("raw", ["@@@", "\x00\x01", "🙂🙂", "----", "ʼʼ", "N/A"])
def test_garbage_does_not_crash(kind, raw):
    out = normalize(kind, raw)
    assert out is None or isinstance(out, str)


def test_fullwidth_digits_are_read():
    assert normalize("inn", "７７０７０８３８９３") == "7707083893"


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

if given is not None:
    _separators = st.sampled_from(["", " ", "-", "–", "  ", " - "])

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.lists(_separators, min_size=4, max_size=4))
    def test_snils_any_separators(digits, seps):
        raw = digits[:3] + seps[0] + digits[3:6] + seps[1] + digits[6:9] + seps[2] + digits[9:] + seps[3]
        assert normalize("snils", raw) == f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.text(alphabet="0123456789", min_size=0, max_size=20))
    def test_snils_needs_exactly_11_digits(digits):
        out = normalize("snils", digits)
        assert (out is not None) == (len(digits) == 11)

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.text(alphabet="0123456789", min_size=1, max_size=14))
    def test_inn_length_rule(digits):
        assert normalize("inn", digits) == (digits if len(digits) in (10, 12) else None)

    @settings(max_examples=300, deadline=None, database=None)
    @given(
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from(["ru", "ru_dash", "en", "eu", "plain"]),
        st.sampled_from(["", "RM ", "$", "Итого: "]),
        st.sampled_from(["", " руб.", " ₽", " RM"]),
    )
    def test_money_roundtrip(amount, style, prefix, suffix):
        whole, frac = f"{amount:.2f}".split(".")
        groups = f"{int(whole):,}"  # 1,234,567
        text = {
            "ru": groups.replace(",", " ") + "," + frac,
            "ru_dash": groups.replace(",", " ") + "-" + frac,
            "en": groups + "." + frac,
            "eu": groups.replace(",", ".") + "," + frac,
            "plain": whole + "." + frac,
        }[style]
        assert normalize("money", prefix + text + suffix) == f"{amount:.2f}"
        assert Decimal(normalize("money", prefix + text + suffix)) == amount

    _RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
               "сентября", "октября", "ноября", "декабря"]
    _EN = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]

    @settings(max_examples=300, deadline=None, database=None)
    @given(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
        st.sampled_from(["dmy.", "dmy/", "dmy-", "iso", "ru", "ru_g", "en_dmy", "en_mdy", "en_short", "upper_ru"]),
    )
    def test_date_roundtrip(day, style):
        d, m, y = day.day, day.month, day.year
        text = {
            "dmy.": f"{d:02d}.{m:02d}.{y}",
            "dmy/": f"{d}/{m}/{y}",
            "dmy-": f"{d:02d}-{m:02d}-{y}",
            "iso": day.isoformat(),
            "ru": f"{d} {_RU_GEN[m - 1]} {y}",
            "ru_g": f"«{d:02d}» {_RU_GEN[m - 1]} {y} г.",
            "en_dmy": f"{d} {_EN[m - 1]} {y}",
            "en_mdy": f"{_EN[m - 1]} {d}, {y}",
            "en_short": f"{d} {_EN[m - 1][:3].upper()} {y}",
            "upper_ru": f"{d} {_RU_GEN[m - 1].upper()} {y}Г.",
        }[style]
        assert normalize("date", text) == day.isoformat()

    @settings(max_examples=300, deadline=None, database=None)
    @given(st.text(max_size=40))
    def test_every_normalizer_is_total_and_idempotent(raw):
        for kind in ALL_KINDS:
            out = normalize(kind, raw)
            assert out is None or (isinstance(out, str) and out)
            if out is not None:
                assert normalize(kind, out) == out, (kind, raw, out)
else:  # pragma: no cover

    def test_property_tests_need_hypothesis():
        pytest.skip("hypothesis not installed: .venv/bin/pip install hypothesis")


@pytest.mark.parametrize("kind, raw", [
    # Inputs on which one pass of a normaliser uncovered work for another (found by the
    # property test above, which draws at random): each is normalised to what stays.
    ("organization", '"“»“'), ("organization", '"”0'), ("organization", "0»”“"), ("doc_number", "N'0"),
    ("caps", "Г.г"), ("address", "0,."), ("place", ".'\""), ("business_name", "0,["), ("place", ".Е. МЕДНОГОРСК"),
])
def test_a_normalised_value_normalised_again_stays(kind, raw):
    once = normalize(kind, raw)
    assert normalize(kind, once) == once


def test_same_glyphs_in_other_script():
    from obligations.fields.normalize import same_glyphs_in

    assert same_glyphs_in("НОМЕ", "latin") == "HOME"
    assert same_glyphs_in("МАRТ", "latin") == "MART"  # mixed: only the Cyrillic letters change
    assert same_glyphs_in("Мая", "latin") is None  # 'я' has no Latin twin
    assert same_glyphs_in("OOO", "cyrillic") == "ООО"
    assert same_glyphs_in("UMA", "cyrillic") is None


@pytest.mark.parametrize("raw, expected", [
    ("Sun Victory Son Bhd", "SUN VICTORY SDN BHD"),
    ("99 SPEED MART 5/8", "99 SPEED MART S/B"),
    ("Zen and coffee 28 $/B", "ZEN AND COFFEE 28 S/B"),
    ("AEON CO. (м) 8HD", "AEON CO. (M) BHD"),
    ("AEON CO. (№) BHD", "AEON CO. (M) BHD"),
    ("KING’S CONFECTIONERY S/B", "KING'S CONFECTIONERY S/B"),
    ("SONIA TRADING", "SONIA TRADING"),  # 'SON' alone is no legal form
    ("“LEWIS LEACH AND GUERRERO ENTERPRISE", "LEWIS LEACH AND GUERRERO ENTERPRISE"),  # a quote closing nothing
    ("UNIHAKKA INTERNATIONAL.SDN BHD", "UNIHAKKA INTERNATIONAL SDN BHD"),
    ("Owner by Castle Blue 5/5", "OWNER BY CASTLE BLUE S/B"),  # only ending the name
    ("UNIT 5/5 TRADING", "UNIT 5/5 TRADING"),
    ("T.A.§ LEISURE SDN BHD", "T.A.S LEISURE SDN BHD"),
    ("99 SPEED MART S/B (", "99 SPEED MART S/B"),
    ("MR. D.I.¥. (M) SDN BHD", "MR. D.I.Y. (M) SDN BHD"),
    ("LITTLE CRAVINGS SDN BHD (562007-0)", "LITTLE CRAVINGS SDN BHD"),  # its registration number
    ("ABC TRADING (1072825-A", "ABC TRADING"),
    ("(CARTER AND SONS SDN BHD", "CARTER AND SONS SDN BHD"),
    ("ROBERTS~ROGERS TRADING", "ROBERTS-ROGERS TRADING"),  # the hyphen read as a tilde
    ("REID— -SULLIVAN (M) SDN BHD", "REID-SULLIVAN (M) SDN BHD"),  # ... or as dashes round a space
    ("ROBERTS-—-ROGERS TRADING", "ROBERTS-ROGERS TRADING"),  # ... or as three
    ("ROBERT$ TRADING", "ROBERTS TRADING"),  # an S read as a dollar sign
    ("ZAWIAJAYA FOOD M BEVERAGE SDN BHD", "ZAWIAJAYA FOOD N BEVERAGE SDN BHD"),  # 'N' for 'and' read 'M'
    ("UNIHAKKA, INTERNATIONAL SDN BHD", "UNIHAKKA INTERNATIONAL SDN BHD"),  # a comma: names print none
    ("AEON CO. (I) BHD", "AEON CO. (M) BHD"),  # the M of '(M)' read narrow
    ("TRADING (I)", "TRADING (I)"),
    ("A - B TRADING", "A - B TRADING"),
    ("(M) SYARIKAT", "(M) SYARIKAT"),
    ("SYARIKAT (M) 12345", "SYARIKAT (M) 12345"),
    ("AEON CO. (M) BHD", "AEON CO. (M) BHD"),
    ("HOLLAND-SHAH SDN, BHD.", "HOLLAND-SHAH SDN. BHD."),  # the stop read as a comma
    ("HOWARD SDN: BHD.", "HOWARD SDN. BHD."),  # ... as a colon
    ("HOLLAND-SHAH SDN.' BHD.", "HOLLAND-SHAH SDN. BHD."),  # ... with a speck
    ("HOWARD SDN' BHD", "HOWARD SDN BHD"),  # a speck alone is no stop
    ("RAY PLC (M) SDN BHD.", "RAY PLC (M) SDN BHD"),  # ... nor one after 'BHD' alone
    ("HOWARD SDN. BHD", "HOWARD SDN. BHD"),
    ("BENTON PLC.,SDN. BHD.", "BENTON PLC SDN. BHD."),  # a space read as both marks
    ("BATES LEWIS AND. MOSS SDN. BHD.", "BATES LEWIS AND MOSS SDN. BHD."),  # 'AND' takes no stop
    ("ENTERPRISE (SETIA ALAM) tN BHD", "ENTERPRISE (SETIA ALAM) SDN BHD"),  # 'SD' read as one letter
    ("HOWARD SN BHD", "HOWARD SDN BHD"),  # ... or a letter lost
    ("HOWARD DN. BHD.", "HOWARD SDN. BHD."),
    ("KIM AN BHD", "KIM AN BHD"),  # a word, no 'SDN'
    ("BHPetro] Subang Airport", "BHPETROL SUBANG AIRPORT"),  # a small l read as a bracket
    ("BHPetro} PALEKBANG", "BHPETROL PALEKBANG"),
    ("[ALPHA] TRADING", "[ALPHA] TRADING"),  # a bracket that was opened stays
    ("THE STORE (MALAYSIA) SDN BHD (819%", "THE STORE (MALAYSIA) SDN BHD"),  # a number read badly
    ("KEDAI ABC SDN. BHD. (1234", "KEDAI ABC SDN. BHD."),
    ("ABC S/B (KL", "ABC S/B"),
    ("ABC (KL BRANCH) SDN BHD", "ABC (KL BRANCH) SDN BHD"),
    ("THE STORE (MALAYSIA? SDN BHD", "THE STORE (MALAYSIA) SDN BHD"),  # the bracket read as '?'
    ("WHO? TRADING", "WHO? TRADING"),  # ... only where a bracket was opened
    ("LONG LTO (M) SDN BHD", "LONG LTD (M) SDN BHD"),  # 'LTD', its D read round
    ("LTO TRADING", "LTO TRADING"),  # ... after a name only
])
def test_business_name_in_capitals_with_its_legal_form_read_right(raw, expected):
    assert normalize("business_name", raw) == expected


def test_caps_reads_a_numero_sign_as_no():
    assert normalize("caps", "№.2&4, Jalan Harmoni 3/2,") == "NO.2&4, JALAN HARMONI 3/2"


@pytest.mark.parametrize("raw, expected", [
    ("05 Mar: 2018", "2018-03-05"),  # a full stop read as a colon after the month
    ("05-Mar-18", "2018-03-05"),
    ("24 Mar 18 09:12:41 PM", "2018-03-24"),
    ("2018/02/22 13:34:14", "2018-02-22"),
    ("2018.03.05", "2018-03-05"),
    ("5/3/18", "2018-03-05"),  # day first
    ("DATE : 12/28/2017 10:17:32 PM", "2017-12-28"),  # month first where the day cannot be the month
    ("ORD #07 -REG #19- 10/03/2018 17:24", "2018-03-10"),  # '19- 10/03' is no date with a two-digit year
])
def test_receipt_dates(raw, expected):
    assert normalize("date", raw) == expected


def test_date_pattern_finds_receipt_dates():
    import re

    from obligations.fields.choice import expand

    regex = re.compile(expand("{date}"))
    for text, date in [("ORD #07 -REG #19- 10/03/2018 17:24:07", "10/03/2018"),
                       ("24 Mar 18 09:12:41 PM", "24 Mar 18"), ("Date: 2018/02/22 13:34", "2018/02/22"),
                       ("05 Mar: 2018", "05 Mar: 2018"),
                       # a speck read as a quote between the day and the month
                       ("Дата рождения 28 ‘сентября 1969 г.", "28 ‘сентября 1969 г."),
                       ("выдан 03 'мая 2015", "03 'мая 2015")]:
        found = [m.group() for m in regex.finditer(text)]
        assert date in found, (text, found)


@pytest.mark.parametrize("raw, expected", [
    ("MO.59 JALAN PERMAS 9/5 BANDAR BARU PERMAS JAYA $1760 JOHOR BAHRU",
     "NO.59 JALAN PERMAS 9/5 BANDAR BARU PERMAS JAYA 81760 JOHOR BAHRU"),
    ("Level 6, Jalan $$21/39,47400 Petaling Jaya", "LEVEL 6, JALAN SS21/39,47400 PETALING JAYA"),
    ("$117, Second Floor", "S117, SECOND FLOOR"),
    ("NO, 53, JALAN BESAR", "NO. 53, JALAN BESAR"),
    ("№,2, Jalan Temenggung 19/9", "NO.2, JALAN TEMENGGUNG 19/9"),
    ("HO 12 GF, JALAN MAMANDA 5", "NO 12 GF, JALAN MAMANDA 5"),
    ("HOME MASTER, NO.53", "HOME MASTER, NO.53"),  # a word that starts 'HO' stays
    ("№0.59 JALAN PERMAS 9/5", "NO.59 JALAN PERMAS 9/5"),  # 'NO.' read as '№' and a zero
    ("NO0. 119, THORPE HARBORS", "NO. 119, THORPE HARBORS"),  # ... a space after its stop
    ("55100 KUALA [LUMPUR", "55100 KUALA LUMPUR"),  # a bracket that closes nothing
    ("USJ SUMMIT, SUBANG (SS)", "USJ SUMMIT, SUBANG (SS)"),
    # Dust read as marks: a quote that opens a word and closes nothing, a degree sign
    # where a space was. A quote that is closed, and an apostrophe inside a word, are print.
    ("NO. 094, TRAVIS 'RADIAL, 28173 SOUTH MICHELLE", "NO. 094, TRAVIS RADIAL, 28173 SOUTH MICHELLE"),
    ("273, NORMAN HAVEN, 68891°HODGESIDE", "273, NORMAN HAVEN, 68891 HODGESIDE"),
    ("LOT 5 ` JALAN 3 °", "LOT 5 JALAN 3"),
    ("NO 3, JALAN TAMAN JAS'A 2", "NO 3, JALAN TAMAN JAS'A 2"),
    ("'THE CURVE' MALL, MUTIARA DAMANSARA", "'THE CURVE' MALL, MUTIARA DAMANSARA"),
    # ... a full stop after a comma, where a space was, or glued before a word.
    ("NO. 1, SMITH SQUARE,.G4 7HN NEW SHIRLEY SELANGOR.", "NO. 1, SMITH SQUARE, G4 7HN NEW SHIRLEY SELANGOR."),
    ("61, BROOKS .TRAFFICWAY, SS6R 9SY", "61, BROOKS TRAFFICWAY, SS6R 9SY"),
    ("1,' KAREN LIGHT, WR6 3AH SCHOFIELDBERG", "1, KAREN LIGHT, WR6 3AH SCHOFIELDBERG"),
    ("LOT P.T. 2811, JALAN ANGSA", "LOT P.T. 2811, JALAN ANGSA"),
    # A British postcode's zeros read as O and its I as a one, where its shape tells them apart;
    # an outward part that fits as read stays ('WO1'), as do words like it ('NO 31G', 'B1 OFF').
    ("13, ALBERT STATION, WO 6NZ JACOBSIDE", "13, ALBERT STATION, W0 6NZ JACOBSIDE"),
    ("35, BARBARA PARKWAYS, MOC 6JS PORT MOLLY", "35, BARBARA PARKWAYS, M0C 6JS PORT MOLLY"),
    ("1, JASON CLIFFS, 1M97 OHZ SOUTH ALICESHIRE", "1, JASON CLIFFS, IM97 0HZ SOUTH ALICESHIRE"),
    ("NO. 6, CARR MANOR, WO1 OJN NORTH JENNA", "NO. 6, CARR MANOR, WO1 0JN NORTH JENNA"),
    ("NO 31G, JALAN SEPADU", "NO 31G, JALAN SEPADU"),
    ("LOT 276 JALAN BANTING", "LOT 276 JALAN BANTING"),
    ("BLOCK B1 OFF JALAN AMPANG", "BLOCK B1 OFF JALAN AMPANG"),
    ("NO 1ST FLOOR", "NO 1ST FLOOR"),
    ("1, KAREN LIGHT, WR6.3AH SCHOFIELDBERG", "1, KAREN LIGHT, WR6 3AH SCHOFIELDBERG"),  # a speck for the space
    ("LOT 12 3AB", "LOT 12 3AB"),  # figures alone are no area
    ("983: CAMPBELL LANDING, 96721 LOVEMOUTH", "983, CAMPBELL LANDING, 96721 LOVEMOUTH"),  # its comma read ':'
    ("983;:CAMPBELL LANDING", "983, CAMPBELL LANDING"),
])
def test_receipt_address(raw, expected):
    assert normalize("address", raw) == expected
