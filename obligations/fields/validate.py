"""Validators for normalised field values.

:func:`validate` checks a value already passed through
:mod:`obligations.fields.normalize` and answers with a :class:`Check`.  An
absent value (``None``) is valid: absence is reported elsewhere, not as an
invalid field.  Checksums (SNILS, INN) are verified here, never repaired: a
failing checksum is an OCR error to surface, not to fix.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

from .matching import fold
from .normalize import FULL_FORMS, LEGAL_FORMS, PATRONYMIC_ENDINGS, PATRONYMIC_ENDINGS_ALONE

__all__ = [
    "Check",
    "VALIDATORS",
    "validate",
    "snils_is_valid",
    "snils_check_digits",
    "inn_is_valid",
    "inn_check_digits",
    "kpp_is_valid",
]


@dataclass(frozen=True)
class Check:
    """Outcome of a validation; ``warning`` says in English why it failed."""

    valid: bool
    warning: str | None = None


OK = Check(True)


def _fail(warning: str) -> Check:
    return Check(False, warning)


def _separated_digits(value: str) -> str | None:
    """Digits of ``value`` if it holds only digits and separators, else None.

    Separators are anything that is neither a letter nor a digit, so
    "112-233-445 95" passes but "112-233-445 9O" does not.
    """
    if any(c.isalpha() for c in value):
        return None
    digits = "".join(c for c in value if c.isdigit())
    return digits if digits.isascii() else None


# --------------------------------------------------------------------------
# SNILS
# --------------------------------------------------------------------------

# Numbers up to 001-001-998 were issued before the checksum was introduced.
_SNILS_UNCHECKED_MAX = 1001998


def snils_check_digits(body: str) -> str:
    """Two check digits for a 9-digit SNILS body (Pension Fund algorithm)."""
    if len(body) != 9 or not body.isdigit():
        raise ValueError(f"SNILS body must be 9 digits, got {body!r}")
    s = sum(int(d) * w for d, w in zip(body, range(9, 0, -1)))
    if s > 101:
        s %= 101
    return f"{s:02d}" if s < 100 else "00"  # 100 and 101 both give 00


def _check_snils(value: str) -> Check:
    digits = _separated_digits(value)
    if digits is None or len(digits) != 11:
        return _fail(f"snils {value!r} is not 11 digits")
    body, check = digits[:9], digits[9:]
    if int(body) <= _SNILS_UNCHECKED_MAX:
        return OK
    expected = snils_check_digits(body)
    if check != expected:
        return _fail(f"snils check digits {check} expected {expected}")
    return OK


def snils_is_valid(value: str) -> bool:
    """True for 11 digits (any separators) with correct check digits."""
    return _check_snils(value).valid


# --------------------------------------------------------------------------
# INN
# --------------------------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_control(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10)


def inn_check_digits(body: str) -> str:
    """Control digit(s) for an INN body: 9 digits -> 1 (INN-10), 10 -> 2 (INN-12)."""
    if not (body.isdigit() and body.isascii() and len(body) in (9, 10)):
        raise ValueError(f"INN body must be 9 or 10 digits, got {body!r}")
    if len(body) == 9:
        return _inn_control(body, _INN10_WEIGHTS)
    c11 = _inn_control(body, _INN12_WEIGHTS_11)
    return c11 + _inn_control(body + c11, _INN12_WEIGHTS_12)


def _check_inn(value: str, *, length: int | None = None) -> Check:
    if length not in (None, 10, 12):
        raise ValueError(f"inn length must be 10 or 12, got {length!r}")
    digits = _separated_digits(value)
    if digits is None or len(digits) not in (10, 12):
        return _fail(f"inn {value!r} is not 10 or 12 digits")
    if length is not None and len(digits) != length:
        return _fail(f"inn has {len(digits)} digits, expected {length}")
    body_len = len(digits) - (1 if len(digits) == 10 else 2)
    got, expected = digits[body_len:], inn_check_digits(digits[:body_len])
    if got != expected:
        return _fail(f"inn check digits {got} expected {expected}")
    return OK


def inn_is_valid(value: str) -> bool:
    """True for a 10- or 12-digit INN with correct control digit(s)."""
    return _check_inn(value).valid


# --------------------------------------------------------------------------
# Shape-only identifiers
# --------------------------------------------------------------------------

_KPP_RE = re.compile(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}")


def _check_kpp(value: str) -> Check:
    if not _KPP_RE.fullmatch(value):
        return _fail(f"kpp {value!r} is not 4 digits + 2 digits/letters + 3 digits")
    return OK


def kpp_is_valid(value: str) -> bool:
    """True for 9 characters: 4 digits, 2 of [0-9A-Z], 3 digits (no checksum exists)."""
    return _check_kpp(value).valid


def _check_passport_number(value: str) -> Check:
    # Series digits 3-4 encode the year of issue; the year is not checked
    # because the printed form is all we can verify.
    if not re.fullmatch(r"[0-9]{4} [0-9]{6}", value):
        return _fail(f"passport number {value!r} is not 'SSSS NNNNNN'")
    return OK


def _check_division_code(value: str) -> Check:
    if not re.fullmatch(r"[0-9]{3}-[0-9]{3}", value):
        return _fail(f"division code {value!r} is not 'NNN-NNN'")
    if value.startswith("00"):
        return _fail(f"division code {value!r} has region 00")
    return OK


def _check_digits(value: str) -> Check:
    if not re.fullmatch(r"[0-9]+", value):
        return _fail(f"{value!r} is not all digits")
    return OK


# --------------------------------------------------------------------------
# date, money
# --------------------------------------------------------------------------


def _check_date(
    value: str, *, min_year: int = 1900, max_year: int | None = None, not_future: bool = True
) -> Check:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return _fail(f"date {value!r} is not YYYY-MM-DD")
    try:
        day = _dt.date.fromisoformat(value)
    except ValueError:
        return _fail(f"date {value} is not a calendar date")
    today = _dt.date.today()
    max_year = today.year if max_year is None else max_year
    if day.year < min_year:
        return _fail(f"date {value} is before {min_year}")
    if day.year > max_year:
        return _fail(f"date {value} is after {max_year}")
    if not_future and day > today:
        return _fail(f"date {value} is in the future")
    return OK


def _check_money(value: str, *, max: float | int | str | Decimal | None = None,  # noqa: A002
                 positive: bool = False) -> Check:
    # ``max`` shadows the builtin on purpose: it is the public parameter name.
    # ``positive``: an amount that is never nil (a receipt's total; its 0.00 is a rounding's).
    if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", value):
        return _fail(f"money {value!r} is not a plain decimal amount")
    amount = Decimal(value)
    if amount < 0:
        return _fail(f"money {value} is negative")
    if positive and amount == 0:
        return _fail(f"money {value} is nil")
    if max is not None:
        try:
            limit = Decimal(str(max))
        except InvalidOperation:
            raise ValueError(f"money max must be a number, got {max!r}") from None
        if amount > limit:
            return _fail(f"money {value} exceeds max {limit}")
    return OK


# --------------------------------------------------------------------------
# text-like kinds
# --------------------------------------------------------------------------


def script_of(letter: str) -> str | None:
    """'cyrillic', 'latin' or None (other scripts) for one letter."""
    name = unicodedata.name(letter, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return None


def _check_script(value: str, script: str | None) -> Check:
    """Letters of another script than the document's are an OCR misreading (Latin 'Nahtejieamoh'
    for Cyrillic 'Пантелеймон', Cyrillic 'М' in an English receipt)."""
    if script is None:
        return OK
    foreign = sorted({c for c in value if c.isalpha() and script_of(c) not in (script, None)})
    if foreign:
        return _fail(f"{value!r} has letters outside the {script} script: {''.join(foreign)!r}")
    return OK


# A gender printed in full or by its usual abbreviation ('МУЖ.', 'женский', 'Male'): no one is
# named so, and no place or word of a form's print reads so ('Мурин' or 'Жемчужная' would, to a
# gender's pattern).
# (Its ending's vowel misread too: 'мужскЫй'.)
GENDER_WORD = re.compile(r"(?:муж|жен)(?:\.|ск[а-яё]й)?|male|female", re.IGNORECASE)


_PHRASE_WORDS = {"о", "об", "в", "во", "на", "по", "с", "со", "к", "ко", "из", "от", "для", "при", "и"}


# A patronymic's ending: Russian '-вич'/'-вна', '-ич'/'-ична' ('Ильич', 'Кузьминична'), and the
# Turkic word after the father's name ('Гусейн оглы', 'Айгуль кызы', 'Бакыт уулу').
_RUSSIAN_PATRONYMIC_ENDINGS = "ВИЧ|ВНА|ИЧНА|ИЧ"
PATRONYMIC = re.compile(rf"(?:{_RUSSIAN_PATRONYMIC_ENDINGS}|ОГЛЫ|КЫЗЫ|ГЫЗЫ|УЛЫ|УУЛУ)$", re.IGNORECASE)
# ... a Russian one as a word of its own, after a stem ('Ильич', 'Степанович').
RUSSIAN_PATRONYMIC = re.compile(rf"\w{{2,}}(?:{_RUSSIAN_PATRONYMIC_ENDINGS})$", re.IGNORECASE)


# 'й' follows a vowel (or opens a word: 'Йосиф'), never a consonant: after one it is 'и' misread.
SHORT_I_MISREAD = re.compile(r"[бвгджзклмнпрстфхцчшщ]й", re.IGNORECASE)


_WITH_INITIALS = re.compile(r"(?:^|\s)[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? [А-ЯЁ]\.? ?[А-ЯЁ]\.?$")


def _check_name(value: str, script: str | None = None, patronymic: bool = False, given: bool = False) -> Check:
    """A person's name or one of its parts; with `patronymic`, a part that ends as one: a
    first name under a lost caption ('Анжела'), a word cut short ('Ефимов' for 'Ефимовна') or
    the gender's row ('Женский') is none. With `given`, a first name: no Russian one ends as a
    surname or a patronymic does ('Семенова', 'Климов', 'Тимуровна' beside a lost caption are
    the other parts' words)."""
    if not any(c.isalpha() for c in value):
        return _fail(f"name {value!r} has no letters")
    if sum(c.isalpha() for c in value) == 1:
        return _fail(f"name {value!r} is one letter: a speck, or an initial")
    if GENDER_WORD.fullmatch(value):
        return _fail(f"name {value!r} is a gender's value (the name's place read off the gender's row)")
    bad = sorted({c for c in value if not (c.isalpha() or c in "-' ")})
    if bad:
        return _fail(f"name {value!r} contains {''.join(bad)!r}")
    # A surname and initials ('Кузнецова Е Н', normalised) are a signer's, under a signature's
    # caption '(фамилия, инициалы)': no name part is written so.
    if _WITH_INITIALS.search(value):
        return _fail(f"name {value!r} is a surname and initials: a signer's name, not the holder's")
    # A heading or a caption's phrase taken for a name ('Сведения О Физическом Лице'): no
    # Russian name has a preposition or a conjunction for a word.
    if any(word.lower() in _PHRASE_WORDS for word in value.split()[1:]):
        return _fail(f"name {value!r} reads as a phrase, not a name")
    for word in value.split():
        scripts = {script_of(c) for c in word if c.isalpha()}
        if None in scripts:
            return _fail(f"name word {word!r} has letters that are neither Cyrillic nor Latin")
        # A Latin "o"/"c"/"p" inside a Cyrillic word is a classic OCR slip.
        if len(scripts) > 1:
            return _fail(f"name word {word!r} mixes Cyrillic and Latin letters")
        if SHORT_I_MISREAD.search(word):  # 'Рославовйч'
            return _fail(f"name word {word!r} has 'й' after a consonant: a letter misread")
        # No word begins with a soft or hard sign: 'Ьич' is the tail of 'Ильич' under a stamp.
        if word[0].lower() in "ьъ":
            return _fail(f"name word {word!r} begins with {word[0]!r}: its first letters were not read")
        # ... and every Cyrillic name has a vowel ('Ли', 'Цой'): 'Нт' is a signature's scrawl.
        if scripts == {"cyrillic"} and not any(c in _CYRILLIC_VOWELS for c in word.lower()):
            return _fail(f"name word {word!r} has no vowel: a scrap, not a name")
    # A patronymic's ending alone ('Ович' for 'Герасимович' under a stamp): its stem was lost.
    if value.lower() in _ENDING_ALONE:
        return _fail(f"name {value!r} is a patronymic's ending alone: its first letters were not read")
    # ... or after one letter ('Мович' for 'Ефимович'): no father's name is one letter long.
    if patronymic and _ONE_LETTER_STEM.fullmatch(value):
        return _fail(f"patronymic {value!r} has one letter before its ending: its first letters were not read")
    # A surname or a first name followed by a patronymic is the whole name, not one part of it
    # ('Абдуллаев Илья Степанович' beside a caption read as 'Фамилия').
    words = value.split()
    # (A Turkic 'оглы' may be written with the surname: 'Мамедов Оглы'.)
    if not patronymic and len(words) >= 2 and RUSSIAN_PATRONYMIC.search(words[-1]):
        return _fail(f"name {value!r} ends with a patronymic: the whole name, not one part of it")
    if given and script == "cyrillic" and (ending := _NOT_A_GIVEN_NAME.search(value)):
        return _fail(f"first name {value!r} ends with {ending[0]!r}, as a surname or a patronymic does: another part's word")
    if patronymic and not PATRONYMIC.search(value):
        return _fail(f"patronymic {value!r} does not end as one (-вич, -вна, -ич, -ична, оглы, кызы)")
    return _check_script(value, script)


_ENDING_ALONE = {*PATRONYMIC_ENDINGS_ALONE, "ич"}  # and the 'ич' of 'Ильич'
_ONE_LETTER_STEM = re.compile(rf"[А-ЯЁа-яё](?:{'|'.join(PATRONYMIC_ENDINGS)}|ьич|ьинична)", re.IGNORECASE)
_CYRILLIC_VOWELS = set("аеёиоуыэюя")
# A surname's endings ('-ова', '-ев', '-ский'), after a stem of three letters or more ('Лев' and
# 'Ирина' are first names, '-ина' is both), and a patronymic's.
_NOT_A_GIVEN_NAME = re.compile(r"(?<=\w{3})(?:[оеё]вн?а|[оеё]в|[сц]к(?:ий|ая)|вич|ична)$", re.IGNORECASE)


def _check_text(value: str, script: str | None = None) -> Check:
    """A place, an office, a number's text; `_check_organization` adds its own checks to
    `_checked_text`'s. A place or an office names no person: a patronymic in one ('Татьяна
    Викторовна' for a birthplace) is the name's rows, taken when its own line was lost."""
    check = _checked_text(value, script)
    if check.valid and script == "cyrillic" and (person := _PATRONYMIC_WORD.search(value)):
        return _fail(f"{value!r} holds {person[0]!r}, a patronymic: another field's value, its own line was not read")
    return check


# A Russian patronymic as a word of its own ('Викторовна', 'Ильинична'); a town named for one
# ends otherwise ('Барановичи', 'Ильич').
_PATRONYMIC_WORD = re.compile(rf"(?<!\w)[А-ЯЁа-яё]{{2,}}(?:{'|'.join(PATRONYMIC_ENDINGS)})(?!\w)", re.IGNORECASE)


def _checked_text(value: str, script: str | None = None) -> Check:
    if not value.strip():
        return _fail("text is empty")
    # Text in a script (a place, an office, a shop's address) has letters: a figure alone
    # beside its label is a speck read as one ('Место рождения 2').
    if script is not None and not any(c.isalpha() for c in value):
        return _fail(f"{value!r} has no letters")
    # ... nor of one or two letters alone ('го'): no place or office is so short (a house
    # number has figures: 'Д. 12/1').
    if script is not None and sum(c.isalpha() for c in value) < MIN_TEXT_LETTERS and not any(c.isdigit() for c in value):
        return _fail(f"{value!r} is too short for a place or an office: a scrap of one")
    if script == "cyrillic" and (cut := UNFINISHED_END.search(value)):
        return _fail(f"{value!r} ends with {cut[1]!r}, which words follow: a line was not read")
    # ... nor in small letters only: a place or an office names its town or authority with a
    # capital ('в соответствии', prose beside a lost place, is neither).
    if script == "cyrillic" and not any(c.isupper() for c in value):
        return _fail(f"{value!r} has no capital letter: prose, not a place or an office")
    if script == "cyrillic" and (mark := _NO_PLACE_MARK.search(value)):
        return _fail(f"{value!r} holds {mark[0]!r}, which no place or office prints: a letter misread")
    if script == "cyrillic" and (scrap := _NO_WORD.search(value)):
        return _fail(f"{value!r} holds {scrap[0]!r}, which is no word: noise or print misread")
    if script == "cyrillic" and (short := _unknown_abbreviation(value)):
        return _fail(f"{value!r} holds {short!r}, which no place or office abbreviates: a settlement's type misread")
    if script == "cyrillic" and NAME_LOST.search(value):
        return _fail(f"{value!r} has a settlement's type with no name after it: a line was not read")
    # A place or an office names no date and no gender: 'МУЖ. 05.06.1969' is the row under
    # 'Пол' and 'Дата рождения', taken when the place's own line was lost.
    if script == "cyrillic" and (other := _OTHER_FIELDS_VALUE.search(value)):
        return _fail(f"{value!r} holds {other[0]!r}, another field's value: its own line was not read")
    return _check_script(value, script)


MIN_TEXT_LETTERS = 3
# No Russian word holds one letter four times running, nor five letters without a vowel (an
# office's capitals have one: 'УФМС', 'ГУВД'): noise read as letters ('Фогпаплтттт').
_NO_WORD = re.compile(r"(?<![А-ЯЁа-яё])(?:[А-ЯЁа-яё]*([А-ЯЁа-яё])\1{3}[А-ЯЁа-яё]*|[бвгджзйклмнпрстфхцчшщьъБВГДЖЗЙКЛМНПРСТФХЦЧШЩЬЪ]{5,})(?![А-ЯЁа-яё])", re.IGNORECASE)
# A word cut short before a name ('ПОС. НОВОРОССИЙКА', 'ГОР. КРАСНОДАРА') is a settlement's or a
# street's type, a region's or an office's word: one no place or office abbreviates ('ШОС.',
# 'ЕВЕ.') is one of those misread. (One letter may stand for more: 'Н. Новгород', 'Б. Мурта'; and
# a republic's name is cut before 'ССР': 'КАЗ. ССР'. Hyphened ones, 'Р-НА', 'СТ-ЦА', are not looked at.)
_ABBREVIATED_BEFORE_NAME = re.compile(r"(?<![\w.\-/])([А-ЯЁа-яё]{2,4})\.\s+(?=[А-ЯЁ])(?![А-ЯЁа-яё\-]*\.)(?!А?С{2,3}Р\b)")
KNOWN_ABBREVIATIONS = frozenset({
    "гор", "пос", "пгт", "рп", "дер", "ст", "хут", "сел", "обл", "респ", "ул", "мкр", "кв", "пр", "просп", "пер",
    "наб", "пл", "тер", "снт", "им", "авт", "окр", "аул", "сл", "нп", "дп", "кп", "отд", "ниж", "верх", "бол",
    "мал", "нов", "стар", "сов", "свх", "клх", "уч", "кр", "рай", "пасп", "ао", "рф", "овд", "увд", "мвд",
    "уфмс", "гувд", "ровд", "ссср", "сср", "асср", "тп", "оп", "мо", "гп", "сп", "туп", "лен",
    "моск", "тюм", "св", "вел", "сев", "юж", "зап", "вост", "пст", "жд", "лит",
})


def _unknown_abbreviation(value: str) -> str | None:
    for m in _ABBREVIATED_BEFORE_NAME.finditer(value):
        if m[1].lower().replace("ё", "е") not in KNOWN_ABBREVIATIONS:
            return m[0].strip()
    return None


_NO_PLACE_MARK = re.compile(r"[*|~^{}<>=_@$%&\\]")  # a fax's speck or a stroke read as one


# A settlement's or street's type printed before its name ('ГОР.', 'пос.', 'ул.') or a
# preposition, or a preposition and the adjective of a region or district: a place or an
# office that ends with one lost its next line ('ПЕРВОМАЙСКИМ РОВД ГОР.' over 'РОСТОВА-НА-ДОНУ',
# 'ОТДЕЛОМ УФМС РОССИИ ПО' over 'ПЕРМСКОМУ КРАЮ', 'ОУФМС РОССИИ ПО РОСТОВСКОЙ' over 'ОБЛ. В ...').
# So does a place ending with a region's or a district's adjective, whose noun comes next: in
# the genitive ('ЛЕНИНСКОГО' over 'Р-НА'), or after a town's name ('ГОР. ЕКАТЕРИНБУРГ
# СВЕРДЛОВСКОЙ' over 'ОБЛ.'; after a settlement's type it is the settlement's name: 'п. Луговской').
# ... as does one whose settlement's type stands right before a bracket or a comma ('дер. (Башк.)').
_SETTLEMENT_TYPE = r"г|гор|пос|пгт|п|с|д|дер|ст|х"
NAME_LOST = re.compile(rf"(?:^|\s)(?:{_SETTLEMENT_TYPE})\.\s*[(,]", re.IGNORECASE)
UNFINISHED_END = re.compile(rf"(?:^|\s)((?:{_SETTLEMENT_TYPE}|ул|мкр)\.?|по|в|во|на|и|со|к|при|для"
                            r"|(?:по|в|во)\s+[а-яё-]+(?:ск|цк|н)(?:ой|ому|ом|ого)"
                            r"|[а-яё-]+(?:ск|цк|н)ого|(?<=[^\s.] )[а-яё-]+(?:ск|цк)ой)$", re.IGNORECASE)


_OTHER_FIELDS_VALUE = re.compile(rf"\b\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}\b|(?<!\w)(?:{GENDER_WORD.pattern})(?!\w)",
                                 re.IGNORECASE)


def _check_organization(value: str, script: str | None = None) -> Check:
    """A party as a document names it: with its legal form ('ООО', 'Акционерное общество',
    'ИП', 'LLC'), a quoted name, or a person's name (a sole trader whose 'ИП' was lost).
    What else stands beside a party's label is prose or an address read in its place
    ('самовывозом, при наличии доверенности', '3808756883 д. 38')."""
    check = _checked_text(value, script)
    if not check.valid:
        return check
    words = [word.strip(".,:;'’`()") for word in value.split()]
    lowered = value.lower().replace("ё", "е")
    if _legal_form_alone(lowered):
        return _fail(f"{value!r} is a legal form alone: the name after it was not read")
    if (trader := _SOLE_TRADER.match(value)) and not _TRADERS_NAME.fullmatch(trader[1]):
        return _fail(f"{value!r}: a sole trader's name is a person's, {trader[1]!r} is none: letters misread")
    if SHORT_I_MISREAD.search(value):  # 'Альфа-Сервйс'
        return _fail(f"{value!r} has 'й' after a consonant: a letter misread")
    if value.count("(") != value.count(")"):  # 'ООО «Ресурс(трой»': a hyphen and a letter read as one
        return _fail(f"{value!r} has a bracket that does not pair: a letter misread")
    if ({fold(w) for w in words} & LEGAL_FORMS or {w.lower() for w in words} & FOREIGN_LEGAL_FORMS
            # (A quote and a letter, 'ы»', are a scrap of a quoted name.)
            or (any(q in value for q in '«»"“”„') and sum(c.isalpha() for c in value) >= MIN_TEXT_LETTERS)
            or any(form in lowered for form in FULL_FORMS) or PERSON_NAME.fullmatch(value)):
        return OK
    return _fail(f"{value!r} names no organisation: no legal form, quoted name or person's name")


def _check_office(value: str, script: str | None = None) -> Check:
    """The office that issued a document ('ОТДЕЛОМ УФМС РОССИИ ПО ...', 'ГУ МВД РОССИИ ПО ...',
    'ТП № 7 ОУФМС ...', 'ОВД ЦЕНТРАЛЬНОГО Р-НА'): text that names its authority. A value with no
    such word is a scrap of it, its other lines not read ('краю')."""
    check = _check_text(value, script)
    if check.valid and not _AUTHORITY.search(value):
        return _fail(f"{value!r} names no issuing office (МВД, УФМС, ОВД, отдел, ...): its lines were not all read")
    if check.valid and value.startswith("№"):
        # 'ТП № 33 ОТДЕЛА ...' with its point's letters lost: a number opens no office's name.
        return _fail(f"{value!r} opens with a number sign: the issuing office's first word was not read")
    return check


# What every issuing office's name holds: a police or migration authority's abbreviation, or
# the words 'отдел(ение)', 'управление', 'милиция', 'полиция', 'паспортный (стол)', 'миграция'.
_AUTHORITY = re.compile(r"МВД|ОВД|УВД|ФМС|ПВС|ОВМ|ОВИР|ПАСПОРТН|МИЛИЦ|ПОЛИЦ|ОТДЕЛ|УПРАВЛЕН|МИГРАЦ|ВНУТРЕННИХ ДЕЛ"
                        r"|(?<![^\W\d_])(?:ТП|МП|ОМ|ГУ|УМ|МО)(?![^\W\d_])", re.IGNORECASE)


def _legal_form_alone(lowered: str) -> bool:
    bare = lowered.strip(" .,:;'’`\"«»“”„")
    return bare in FULL_FORMS or fold(bare) in LEGAL_FORMS


# A sole trader is named by the person: surname, then a name and patronymic or their initials
# ('ИП Анисимова Ф. Д.'); other signs in their place are letters misread ('ИП Анисимова ©. JI.').
_SOLE_TRADER = re.compile(r"(?i)(?:ип|индивидуальный предприниматель)\s+(.+)")
_NAME_WORD = r"[А-ЯЁ][а-яёА-ЯЁ]+(?:-[А-ЯЁ][а-яёА-ЯЁ]+)?"
_TRADERS_NAME = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}| [А-ЯЁ]\.| ?[А-ЯЁ]\.?| (?:оглы|кызы|угли|улы|уулу)){{1,3}}")
FOREIGN_LEGAL_FORMS = {"llc", "ltd", "inc", "gmbh", "ag", "plc", "corp", "bv", "sa", "sdn", "bhd"}
# 'Фомин Степан Никитич', 'Степанова А.И.', 'Белых-Орлова Е. Т.'
PERSON_NAME = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?: [А-ЯЁ][а-яё]+){1,2}"
                         r"|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? [А-ЯЁ]\. ?[А-ЯЁ]\.?")


def _check_gender(value: str) -> Check:
    return OK if value in ("male", "female") else _fail(f"gender {value!r} is not male or female")


def _check_none(value: str) -> Check:
    return OK


# --------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------

VALIDATORS: dict[str, Callable[..., Check]] = {
    "none": _check_none,
    "text": _check_text,
    "organization": _check_organization,
    "office": _check_office,
    "name": _check_name,
    "gender": _check_gender,
    "date": _check_date,
    "money": _check_money,
    "digits": _check_digits,
    "snils": _check_snils,
    "inn": _check_inn,
    "kpp": _check_kpp,
    "passport_number": _check_passport_number,
    "division_code": _check_division_code,
}


def validate(kind: str, value: str | None, **params) -> Check:
    """Check a normalised ``value`` of ``kind``; ``None`` is always valid.

    ``params`` are kind-specific: ``name``, ``text``: ``script`` ('cyrillic' or 'latin');
    ``inn``: ``length``; ``date``: ``min_year``,
    ``max_year``, ``not_future``; ``money``: ``max``.  An unknown kind raises
    ValueError, an unknown parameter TypeError.
    """
    try:
        validator = VALIDATORS[kind]
    except KeyError:
        raise ValueError(f"unknown field kind {kind!r}; known: {', '.join(sorted(VALIDATORS))}") from None
    if value is None:
        inspect.signature(validator).bind("", **params)  # still reject parameter typos
        return OK
    return validator(value, **params)
