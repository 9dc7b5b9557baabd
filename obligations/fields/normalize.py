"""Normalisers that turn noisy OCR/VLM text into canonical field values.

Every backend (Tesseract, VLMs, ...) hands raw strings to :func:`normalize`,
which returns the canonical string for a field *kind* or ``None`` when the
text cannot be read as that kind.  Normalisers are tolerant where the reading
is unambiguous (spacing, dash variants, Latin/Cyrillic lookalike letters,
``O``→``0`` and ``l``/``I``/``|``→``1`` inside otherwise-digit tokens) but they
never repair a value into a *different* valid one: there is no check-digit
correction and no guessing between competing readings.  Checksums and ranges
are the job of :mod:`obligations.fields.validate`.

Canonical forms::

    text             whitespace collapsed, stray edge punctuation removed
    organization     text, a leading legal form in capitals: "ООО «Ромашка»"
    caps             text in capitals (a Latin-script receipt's address): "NO.2&4, JALAN HARMONI"
    address          caps, a Malaysian street address's misread signs read back: "NO.59 JALAN SS21/39, 81760"
    business_name    caps, a Malaysian legal form read right: "SUN VICTORY SDN BHD", "99 SPEED MART S/B"
    place            text; in a place printed in lower and upper case, a settlement's
                     abbreviation in lower case: "г. Уфа" (OCR reads "Г. Уфа")
    name             "Петрова-Водкина Анна"
    gender           "male" | "female"
    date             "2010-09-28"
    money            "1234.56"
    digits           "0123"
    snils            "112-233-445 95"
    inn              "7707083893" (10 or 12 digits)
    kpp              "770701001" / "7707AB001"
    passport_number  "4506 123456"
    division_code    "770-001"
    doc_number       as printed, without a leading "№"/"No."/"#"
    doc_number_ru    the same; letters that look alike in both scripts as Cyrillic
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from rapidfuzz import fuzz

from .given_names import read_back
from .matching import fold
from .regions import respelled_regions

__all__ = [
    "NORMALIZERS",
    "normalize",
    "normalize_text",
    "normalize_organization",
    "normalize_caps",
    "normalize_address",
    "normalize_business_name",
    "normalize_place",
    "normalize_name",
    "normalize_gender",
    "normalize_date",
    "normalize_money",
    "normalize_digits",
    "normalize_snils",
    "normalize_inn",
    "normalize_kpp",
    "normalize_passport_number",
    "normalize_division_code",
    "normalize_doc_number",
    "normalize_doc_number_ru",
    "fix_digit_lookalikes",
]

# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

# Letters OCR commonly reads instead of 0 and 1 (and a slashed or tailed zero as 'Q':
# 'Q9-AUG-2018').  Applied only to tokens made of digits and these letters, so words such as
# "Олег" or "Jul" are untouched.
_DIGIT_LOOKALIKES = {"O": "0", "О": "0", "o": "0", "о": "0", "Q": "0", "l": "1", "I": "1", "|": "1"}
_LOOKALIKE_CLASS = "0-9OОoоQlI|"
# A maximal run of digit-like characters, possibly split by number
# punctuation ("2O.O9.2O1O", "4O5-9l").  Spaces end a token so that
# "ООО 12" keeps its company form.  (No possessive quantifiers: Python 3.10.)
_DIGIT_TOKEN_RE = re.compile(
    rf"(?<![{_LOOKALIKE_CLASS}])[{_LOOKALIKE_CLASS}]+(?:[.,:/\-–—][{_LOOKALIKE_CLASS}]+)*(?![{_LOOKALIKE_CLASS}])"
)

# Same-glyph letters, used where the script is known from context.
_LAT_TO_CYR = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")
CYRILLIC_AS_LATIN = str.maketrans("АаВСсЕеНКкМОоРрТХхУу", "AaBCcEeHKkMOoPpTXxYy")

_DASHES = "‐‑‒–—―−-"  # ASCII hyphen last: safe inside [...]
_STRAY_EDGE = ":;,|_•·"


def _clean(raw: str) -> str:
    """NFC (OCR may emit decomposed "й"), ASCII digits, single spaces."""
    s = unicodedata.normalize("NFC", raw)
    # Unicode decimal digits (full-width, Arabic-Indic, ...) -> ASCII.
    s = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in s)
    return " ".join(s.split())


def same_glyphs_in(text: str, script: str) -> str | None:
    """`text` written in `script` ('latin' or 'cyrillic') when each of its letters from the
    other script has an identical-looking twin there ('НОМЕ' -> 'HOME'); else None."""
    table, foreign = (CYRILLIC_AS_LATIN, "АаВСсЕеНКкМОоРрТХхУу") if script == "latin" else (_LAT_TO_CYR, "AaBCcEeHKkMOoPpTXxYy")
    other = re.compile(r"[А-Яа-яЁё]" if script == "latin" else r"[A-Za-z]")
    if any(other.match(ch) and ch not in foreign for ch in text):
        return None
    return text.translate(table)


def fix_digit_lookalikes(text: str) -> str:
    """Replace O/О/o/о -> 0 and l/I/| -> 1 inside tokens that are otherwise digits.

    A token is a run of digits and lookalike letters (number punctuation
    allowed inside) with at least one real digit.  Where it touches another
    letter, its edge there must be a real digit: "RM9.OO" -> "RM9.00" and
    "2O1Oг" stays ambiguous, while "Olga", "Jul", "I" and "OOO" are words.
    """

    def fix(m: re.Match[str]) -> str:
        token, before, after = m.group(), text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        glued_ok = (not before.isalpha() or token[0].isdigit()) and (not after.isalpha() or token[-1].isdigit())
        if not glued_ok or not any(c.isdigit() for c in token):
            return token
        return "".join(_DIGIT_LOOKALIKES.get(c, c) for c in token)

    return _DIGIT_TOKEN_RE.sub(fix, text)


def _digits(raw: str) -> str:
    """All digits of ``raw`` after lookalike repair, concatenated."""
    return re.sub(r"[^0-9]", "", fix_digit_lookalikes(_clean(raw)))


# --------------------------------------------------------------------------
# text, name, gender, doc_number
# --------------------------------------------------------------------------


def normalize_text(raw: str) -> str | None:
    # Closing quotes/brackets and dots are kept: they belong to the text
    # (ООО «Ромашка», "ул. Ленина, д. 1."). Underscores at a word's ends are the
    # underline the value was printed on, not print.
    s = " ".join(t for t in (token.strip("_") for token in _clean(raw).split(" ")) if t)
    s = _ROUND_AS_AT.sub(lambda m: "О" if s[m.start() - 1].isupper() else "о", s)
    # ':^' -> '^' -> ''; no value begins with a full stop ('.Г. ПАРТИЗАНСК': a speck)
    while (cleaner := _without_dust_marks(s).strip(_STRAY_EDGE + " ").lstrip(".")) != s:
        s = cleaner
    s = _SPECK_OVER_COMMA.sub(",", _SPECK_COLON.sub("", s))
    if "'" in s and not _OPENING_APOSTROPHE.search(s):  # ... nor an apostrophe after a Russian word that no quote opened
        s = _APOSTROPHE_AFTER_WORD.sub("", s)
    s = _ACCENT_AFTER_WORD.sub("", s)  # ... nor a grave or an acute accent after one ('«Петров и` партнеры»')
    # ... nor ends with one after a whole Russian word: a speck ('ГОР. ЛОТОШИНО.', 'РАЙОНУ
    # Г. НОВОСИБИРСКА.'); what a place or an office ends with when abbreviated is shorter
    # ('обл.', 'р-н.'; 'р-не' has none) or bracketed ('(Хант.)'); 'гор. Тула.' too.
    s = _WORD_THEN_SPECK.sub(r"\1", s)
    # ... nor has one inside after a word ending as a case ends ('В ПРОМЫШЛЕННОМ. РАЙОНЕ',
    # 'ОТДЕЛОМ. УФМС': an abbreviation is cut before its ending, never after it) or after
    # the preposition 'по' ('ОТДЕЛОМ ПО. ВОПРОСАМ').
    s = _INFLECTED_GLUED.sub(r"\1 ", _INFLECTED_THEN_SPECK.sub(r"\1", s))  # ... or glued ('ОТДЕЛОМ.ПО')
    # ... nor after a preposition glued to its word ('В.СОВЕТСКОМ'), nor twice ('ОБЛ.. В'),
    # nor opening a word after a space ('в .Фрунзенском').
    s = _STOP_TWICE.sub(".", _PREPOSITION_STOP.sub(r"\1 ", s))
    s = _STOP_TWICE_GLUED.sub(". ", _MARK_FOR_SPACE.sub(" ", s))
    s = _STOP_OPENING_WORD.sub(lambda m: m[1][:-1] + ". " if m[1] else "", s)
    s = _PREPOSITION_CAPITAL.sub(lambda m: m[0].lower(), s)
    s = _SHORT_I_LOST.sub(_short_i, s)
    s = _LATIN_INITIAL.sub(lambda m: m[0].translate(_LAT_TO_CYR), s)
    s = _POLICE_OFFICE_MISREAD.sub(r"\1Д", _POLICE_OFFICE_HYPHEN.sub(r"\1 ", s))
    s = _OFFICE_GLUED.sub(r"\1 ", _MAIN_OFFICE_GLUED.sub("ГУ МВД", s))
    s = _POINT_MISREAD.sub("ТП", _MIGRATION_OFFICE_MISREAD.sub("ОУФМС", s))
    s = _MIGRATION_MISREAD.sub(lambda m: "И" if m[0] == "Й" else "и", _COMMA_BEFORE_ITS_NOUN.sub("", s))
    s = _LONE_CAPITAL.sub("", _ON_MISREAD.sub("ПО", _PO_HYPHENED.sub("ПО ", s)))
    s = _LONE_O_BEFORE_NOUN.sub("", s)
    # A word split before a letter no word opens with ('НАБЕРЕЖН ЫЕ ЧЕЛНЫ', 'СЕВАСТОПОЛ Ь'); a
    # speck read as a hyphen before a town's abbreviation ('РАЙОНА-ГОР.') or as an apostrophe
    # between words in capitals ("ОТДЕЛА'УФМС"): a space.
    s = _SPLIT_BEFORE_HARD_LETTER.sub("", s)
    s = _MARK_BETWEEN_WORDS.sub(" ", s)
    s = _TOWN_GLUED.sub(r"\1 \2.", s)
    s = _DISTRICT_STOPPED.sub(r"\1-\2", s)
    s = _CITY_GLUED_TO_PO.sub(r"\1 \2.", s)
    s = _HYPHEN_SPACED.sub("-", _HYPHEN_TWICE.sub("-", s))
    s = _SETTLEMENT_UNDOTTED.sub(r"\1.", _SETTLEMENT_COMMA.sub(r"\1.", s))
    s = _REGION_HYPHENED.sub(" ", s)
    s = _REGION_UNDOTTED.sub(r"\1.", _REGION_MISREAD.sub(_with_its_l, s))
    s = _REGION_CUT.sub(lambda m: _with_its_l(m) + ".", _REPUBLIC_MISREAD.sub(_republic, s))
    s = _ABBREVIATION_GLUED.sub(r"\1. ", s)
    # A district in the locative ('ЛЕНИНСКОМ Р-НЕ', 'Калининском районе') follows 'в': the
    # one-letter word, lost on a poor page, is read back.
    s = _LOCATIVE_WITHOUT_IN.sub(lambda m: ("В " if m[1].isupper() else "в ") + m[1], s)
    # A region's name a letter or two off, before its noun ('МУРМАИСКОЙ ОБЛ.'): read back.
    return _in_capitals(respelled_regions(s)) or None


_LOCATIVE_WITHOUT_IN = re.compile(r"(?<![\w-])(?<![Вв] )(?<![Вв][Оо] )(?<![Ии] )"
                                 r"((?:[А-ЯЁа-яё]+-)?[А-ЯЁа-яё]{2,}(?:ОМ|ЕМ|ом|ем) (?:РАЙОНЕ|Р-НЕ|районе|р-не)\b)")


# Specks a scan's dust reads as marks: a quote or a degree sign standing alone, or opening a
# word with nothing after it to close it ("TRAVIS 'RADIAL", '“LEWIS LEACH'); a degree sign
# between a postcode and its town ('68891°HODGESIDE') stands for the space it fell in.
_SPECK_MARKS = "`'‘’“°^~¬"
# What closes each quote that may open a word: a quote of its kind ('„КРАЮ', '‘«Фортуна»',
# 'ГОР. "ВЕРХНИЙ БАСКУНЧАК' are specks: nothing of their kind closes them).
_CLOSED_BY = {q: "’'`´" for q in "`'‘"} | {q: "”“\"" for q in "“„"} | {'"': "\"”“"}
_SPECK_BETWEEN = re.compile(r"(?<=\d)°(?=[^\W\d_])")
_MARK_BY_HYPHEN = re.compile(r"(?<=-)[`'‘’“°^~¬]+(?=\w)|(?<=\w)[`‘’“°^~¬]+(?=-)")  # 'ХАНТЫ- -`МАНСИЙСКИЙ'
_EDGE_SCRAPS = "—–-®©™#" + _SPECK_MARKS


def _without_dust_marks(s: str) -> str:
    s = _MARK_BY_HYPHEN.sub("", _SPECK_BETWEEN.sub(" ", s))
    tokens = [t for t in s.split(" ") if t.strip(_SPECK_MARKS)]
    # A dash or a sign alone at either end: a rule's end or a stamp's scrap ('ЗАО "Новые
    # технологии" —®', 'ГОР. КОГАЛЫМ #'), no part of a value.
    # So is a stretch of a rule or an underline read with a few letters on it, mostly dashes
    # ('——_дд_до—————_—_—_—о—3' after a name).
    while len(tokens) > 1 and (not tokens[-1].strip(_EDGE_SCRAPS) or _rule_read(tokens[-1])):
        tokens.pop()
    while len(tokens) > 1 and (not tokens[0].strip(_EDGE_SCRAPS) or _rule_read(tokens[0])):
        tokens.pop(0)
    for i, token in enumerate(tokens):
        rest = " ".join(tokens[i:])[1:]
        # (A straight double quote may close as well as open: one opening the value, or the
        # value's only one.)
        opening = token[0] in _CLOSED_BY and (token[0] != '"' or i == 0 or s.count('"') == 1)
        if opening and not any(c in _CLOSED_BY[token[0]] for c in rest):
            tokens[i] = token[1:]
    return " ".join(tokens)


def _rule_read(token: str) -> bool:
    dashes = sum(c in "—–-_" for c in token)
    return dashes >= RULE_DASHES and dashes * 2 >= len(token)


RULE_DASHES = 4  # 'Ямало-Ненецкий', 'Р-НЕ', 'Логистик-Центр' have one or two


def _in_capitals(s: str) -> str:
    """A value printed in capitals, wholly: Cyrillic small letters are most capitals' own
    shapes made smaller, and a degraded scan reads some of them small ('г. ПОДОЛЬСК',
    'ПО чеЛЯБИНСКОЙ ОБЛ.'). Printed in capitals: a capital word of four letters or more, and
    no word in title or small letters but abbreviations ('г.', 'обл.', 'в')."""
    words = _CYRILLIC_WORD.findall(s)
    capitals = sum(w.isupper() and len(w) >= 4 for w in words)
    if not capitals:
        return s
    other = sum(w.islower() and len(w) > 3 or w[0].isupper() and not w.isupper() for w in words)
    # 'г. Москва', 'ПАО «Интерком»': the case is the print's; but one word read small among
    # three in capitals or more is a capital word too ('... РОССИИ ПО московской ОБЛ.').
    if other and not (other == 1 and capitals >= CAPITALS_AROUND_ONE_SMALL):
        return s
    return "".join(c.upper() if "а" <= c <= "я" or c == "ё" else c for c in s)


CAPITALS_AROUND_ONE_SMALL = 3
_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")


# A city's, a town's, a settlement's and a village's abbreviations ('г.', 'гор.', 'пос.', 'дер.').
SETTLEMENT_ABBREVIATION = r"[Гг]|[Гг]ор|ГОР|[Пп]ос|ПОС|[Дд]ер|ДЕР"
# 'Г, НИЖНИЙ ТАГИЛ', 'РЕСП, МАРИЙ-ЭЛ': a settlement's or a republic's abbreviation always
# ends with a full stop, which OCR reads as a comma now and then.
# So does a speck above it, read as ';' or ':' ('ГОР; БАРГУЗИН', 'РАЙОНУ Г: НОВОСИБИРСКА').
_SETTLEMENT_COMMA = re.compile(rf"(?<![\w.-])({SETTLEMENT_ABBREVIATION}|[Рр]есп|РЕСП)[,;:](?= [А-ЯЁ])")
# ... or drops it ('ГОР ЧЕЛЯБИНСК'): an abbreviation of more than one letter is no word of its
# own (a one-letter one may be a preposition: 'с', 'в').
# A city's 'г' is no word either, unlike 'с' or 'в'.
_SETTLEMENT_UNDOTTED = re.compile(rf"(?<![\w.-])({SETTLEMENT_ABBREVIATION}|[Рр]есп|РЕСП)(?= [А-ЯЁ])")
# 'г.Екатеринбурга', 'ГОР.САМАРА': the space after the abbreviation, as the form prints it.
_ABBREVIATION_GLUED = re.compile(rf"(?<![\w.-])({SETTLEMENT_ABBREVIATION}|[Оо]бл|ОБЛ|[Рр]есп|РЕСП|[Рр]\.[Пп])\.(?=[А-ЯЁ])")  # 'Р.П.ТАЛЬМЕНКА' too
# A region's 'обл.' ends with its full stop as well: 'ПО ЧЕЛЯБИНСКОЙ ОБЛ'.
_REGION_UNDOTTED = re.compile(r"(?<![\w.-])(ОБЛ|[Оо]бл)(?![\w.-])")
# ... and its 'Л' read 'Я' ('ЛЕНИНГРАДСКОЙ ОБЯ В ПРИМОРСКОМ'): no word 'ОБЯ'.
_REGION_MISREAD = re.compile(r"(?<![\w.-])(ОБ|[Оо]б)[Яя](?![\w-])")
# ... or its 'Л' lost after the region's name ('НИЖЕГОРОДСКОЙ ОБ.'), and a republic's 'П' read
# 'И' ('РЕСИ. ТАТАРСТАН'): neither is a word.
_REGION_CUT = re.compile(r"(?<=[А-ЯЁа-яё]{3}[Оо][ЙйЕе] )(ОБ|[Оо]б)\.")
_REPUBLIC_MISREAD = re.compile(r"(?<![\w.-])(РЕС|[Рр]ес)[ИиНн]\.")


def _with_its_l(match: re.Match) -> str:
    """A region's 'об' (group 1) with its 'л', in its case."""
    return match[1] + ("Л" if match[1][-1] == "Б" else "л")


def _republic(match: re.Match) -> str:
    return match[1] + ("П." if match[1].isupper() else "п.")


# Between two words of Russian text (a place, an office) neither a colon nor a semicolon is
# printed: they are a speck over nothing ('КЕМЕРОВСКАЯ: ОБЛ.', 'РОСТОВ-НА-ДОНУ,: ЛЕНИНГРАДСКАЯ',
# 'ПЕТЕРБУРГУ И: ЛЕНИНГРАДСКОЙ') or over a comma ('Осташков; Ярославская обл.'); nor is an
# exclamation mark ('ГУ! МВД': a speck beside a letter).
_SPECK_COLON = re.compile(r"(?:(?<=[А-Яа-яЁё]{2})|(?<=[,.])|(?<=\bИ))[:!](?= [А-Яа-яЁё])")
_OPENING_APOSTROPHE = re.compile(r"(?<!\w)'")
_APOSTROPHE_AFTER_WORD = re.compile(r"(?<=[А-Яа-яЁё]{3})'(?=\s|$)")  # "ЗАВОДСКОГО' РАЙОНА"
_ACCENT_AFTER_WORD = re.compile(r"(?<=[А-Яа-яЁё])[`´](?=\s|$)")  # no Russian text prints one: a speck
_SPECK_OVER_COMMA = re.compile(r"(?<=[А-Яа-яЁё]{2});(?= [А-Яа-яЁё])")
# An initial between Russian words read as its Latin twin ('ИП Симонов A. Ф.'): Russian.
_LATIN_INITIAL = re.compile(
    r"(?:(?<=[А-Яа-яЁё] )|(?<=[А-Яа-яЁё]\.)|(?<=[А-Яа-яЁё]\. ))[ABCEHKMOPTXY](?=\.(?: ?[А-ЯЁ]|$))")
# A full stop after a whole Russian word ending the value (see normalize_text).
_WORD_THEN_SPECK = re.compile(r"(?<![^\s])([А-Яа-яЁё-]*[А-Яа-яЁё]{4,}|[Рр]-[Нн][АЕУаеу])\.$")
_INFLECTED_THEN_SPECK = re.compile(
    r"(?<![^\s])([А-Яа-яЁё]{3,}(?:ого|его|ому|ему|ом|ем|ым|им|ой|ей|ий|ый|ая|ью|у|ю)|по"
    # ... nor after a district's 'р-на' (its hyphen shortens it) or an office's acronym
    # ('ЗАРЕЧНОГО Р-НА. ВЛАДИМИРСКОЙ', 'МВД. ПО').
    r"|р-н[аеу]|МВД|ГУВД|УВД|РОВД|ОВД|УФМС|ОУФМС|ФМС)\.(?= [А-Яа-яЁё«\"])",
    re.IGNORECASE)
_INFLECTED_GLUED = re.compile(
    r"(?<![^\s])([А-Яа-яЁё]{3,}(?:ого|его|ому|ему|ом|ем|ым|им|ой|ей|ий|ый|ая|ью)|по)\.(?=[А-Яа-яЁё«\"]{2})",
    re.IGNORECASE)
# 'В' glued to a word in the case it governs there ('В.СОВЕТСКОМ'): an initial's stop is
# followed by a name ('В.ИВАНОВ'), a settlement's ('С.РЫЛЬСК') is another letter.
_PREPOSITION_STOP = re.compile(r"(?<![\w.-])([Вв])\.(?=[А-ЯЁа-яё]{3,}(?:ОМ|ЕМ|ЫХ|ИХ|ом|ем|ых|их)\b)")
# A preposition or 'и' between words in small letters, read as a capital (the two differ
# only in size): 'Общество С ограниченной ответственностью', 'Брагин И партнеры'.
_PREPOSITION_CAPITAL = re.compile(r"(?<=[а-яё] )[СОУКВИ](?= [а-яё])")
_STOP_TWICE = re.compile(r"(?<=[А-Яа-яЁё])\.\.(?=\s|$)")
# ... or glued to the next word ('ГОР..ЕКАТЕРИНБУРГ'): one stop and the space a speck filled.
_STOP_TWICE_GLUED = re.compile(r"(?<=[А-Яа-яЁё])\.\.(?=[А-ЯЁ])")
# A backtick between Russian letters, which Russian print never sets: a speck in the space
# between two words ('ВОПРОСАМ`МИГРАЦИИ').
_MARK_FOR_SPACE = re.compile(r"(?<=[А-Яа-яЁё])`(?=[А-Яа-яЁё])")
# A region's 'обл.' joined to its name by a speck read as a hyphen ('Самарская-обл.').
_REGION_HYPHENED = re.compile(r"(?<=[А-Яа-яЁё]{3})-(?=(?:обл|ОБЛ)\.)")
# A stop after a space, glued to the word after it ('в .Фрунзенском районе'): Russian print
# sets none so; a settlement's stop read after its space ('г .Москва') goes back to it.
_STOP_OPENING_WORD = re.compile(rf"(?<![\w.-])({SETTLEMENT_ABBREVIATION}\s)?(?<=\s)\.(?=[А-ЯЁа-яё]{{2}})")
# 'Й' read without its breve where no Russian word has 'И' ('РАИОНЕ', 'КРАИ', 'НОВЫИ',
# 'ЧУКОТСКИИ', 'ГОРОДСКОИ', 'НИЖНИИ': a noun's '-нии' has a vowel before it, 'ЛИНИИ';
# 'РОССИИ', 'ГЕРОИ' are words; 'МАНСИИСКИЙ', 'РОССИИСКОЙ': no word has 'иис').
_SHORT_I_LOST = re.compile(
    r"(ра)и(?=он)|\b(кра)и\b|(?<=[а-яё]{2})(ы|[сц]ки|[сц]ко|[бвгджзклмнпрстфхцчшщь]ни)и\b|(?<=[а-яё])(и)и(?=ск)",
    re.IGNORECASE)


def _short_i(m: re.Match[str]) -> str:
    return (m.group(1) or m.group(2) or m.group(3) or m.group(4)) + ("Й" if m.group()[-1] == "И" else "й")


# The police offices that issue passports (ОВД, УВД, ГУВД, ОМВД, УМВД, МВД) with their 'Д'
# read 'Л' ('ОМВЛ'): no such word is anything else; or read 'А' before 'РОССИИ' ('ГУ МВА
# РОССИИ'; 'МВА' alone may be a degree).
_POLICE_OFFICE = r"(?:ГУ|О|У|ОМ|УМ|М)"  # what opens 'ГУ МВД', 'ОМВД', 'УМВД', ... before 'ВД'
_POLICE_OFFICE_MISREAD = re.compile(rf"\b({_POLICE_OFFICE}В)(?:Л\b|А(?= РОССИИ))")
# ... and one glued to 'РОССИИ' by a speck read as a hyphen ('ОМВД-РОССИИ').
_POLICE_OFFICE_HYPHEN = re.compile(rf"\b({_POLICE_OFFICE}?В[ДЛ])[-–—](?=РОССИИ\b)")
# A main office is printed 'ГУ МВД', with its space, which OCR loses now and then ('ГУМВД');
# so is the space between an office and 'РОССИИ' ('ГУМВДРоссии', 'УФМСРОССИИ', 'УФМС.РОССИИ').
_MAIN_OFFICE_GLUED = re.compile(r"\bГУМВД(?=\b|Р(?:ОССИИ|оссии)\b)")
_OFFICE_GLUED = re.compile(r"\b([А-ЯЁ]*(?:ВД|ФМС))[.,]?(?=Р(?:ОССИИ|оссии)\b)")
# A migration office's department, 'ОУФМС', read with its 'О' as 'Д' or a zero, and a speck
# as a full stop after it ('ТП № 7 ДУФМС. РОССИИ'): no other office is so named.
# A round letter read as '@' inside a Russian word ('ПРОЛЕТАРСК@МУ'); an e-mail's is between Latin ones.
_ROUND_AS_AT = re.compile(r"(?<=[А-ЯЁа-яё])@(?=[А-ЯЁа-яё])")
# A comma between an adjective and the district or region it names ('ПРОЛЕТАРСКОМУ, РАЙОНУ'): a speck.
_COMMA_BEFORE_ITS_NOUN = re.compile(r"(?<=[А-ЯЁа-яё]{3}(?:ОМУ|ЕМУ|ому|ему)),(?= (?:РАЙОНУ|району|ОКРУГУ|округу|КРАЮ|краю)\b)")
# 'по вопросам миграции' with its last 'и' read 'й' (no such genitive).
_MIGRATION_MISREAD = re.compile(r"(?<=ВОПРОСАМ МИГРАЦИ)Й|(?<=вопросам миграци)й")
# A town's abbreviation glued to the district or region before it, its stop lost ('В ЛЕНИНСКОМ
# РАЙОНЕГОР САМАРЫ'): no such word ends so.
_TOWN_GLUED = re.compile(r"(?<![^\s])([А-ЯЁ-]*(?:РАЙОНЕ|ОБЛАСТИ|КРАЯ|КРАЮ))(ГОР|Г)\.?(?= [А-ЯЁ]{3})")
# 'ПО-ПЕРМСКОМУ КРАЮ': an office's 'ПО' with a speck for its space; no adverb in 'по-' is
# printed before a word in capitals.
_PO_HYPHENED = re.compile(r"(?<![\w-])ПО-(?=[А-ЯЁ]{3})")
# 'ПО ВОПРОСАМ' with its 'П' read 'Ц', 'Н' or 'И'.
_ON_MISREAD = re.compile(r"(?<![^\s])[ЦНИ]О(?= ВОПРОСАМ\b)")
# A capital that is no word alone between words in capitals ('ЖЕЛЕЗНОДОРОЖНОГО Р РАЙОНА'): a
# speck or a hyphen's scrap. Russian's one-letter words (А, В, И, К, О, С, У, Я) and a
# settlement's or a district's letter before its stop stay.
_LONE_CAPITAL = re.compile(r"(?<=[А-ЯЁ]{2}) [БГДЖЗЛМНПРТФХЦЧШЩЪЫЬЭЮ](?= [А-ЯЁ]{2})")
# ... or an 'О' before a district's or a region's noun or adjective ('СЕМИКАРАКОРСКОГО О
# ОКРУГА', 'Р-НА О РОСТОВСКОЙ'): the preposition 'о' opens no place nor office's part.
_LONE_O_BEFORE_NOUN = re.compile(r"(?<=[А-ЯЁ]{2}) О(?= (?:ОКРУГА|ОБЛ|ОБЛАСТИ|Р-НА|РАЙОНА|КРАЯ|[А-ЯЁ]+(?:СКОЙ|СКОГО|ЦКОЙ|ЦКОГО))\b)")
_MARK_BETWEEN_WORDS = re.compile(r"(?<=[А-ЯЁ]{3})-(?=(?:ГОР|Г|ПОС|ДЕР)\. )|(?<=[А-ЯЁ]{2})['’`](?=[А-ЯЁ]{2})")
_SPLIT_BEFORE_HARD_LETTER = re.compile(r"(?<=[А-ЯЁ]{2}) (?=[ЫЬЪ][А-ЯЁ]{0,2}(?![\w-]))|(?<=[а-яё]{2}) (?=[ыьъ][а-яё]{0,2}(?![\w-]))")
_MIGRATION_OFFICE_MISREAD = re.compile(r"\b[Д0]УФМС\.?(?= Р(?:ОССИИ|оссии)\b)")
# ... and a territorial point, 'ТП №' or 'ТП УФМС', with its 'П' read 'Е', 'Н' or 'И'.
_POINT_MISREAD = re.compile(r"^Т[ЕНИ](?= (?:№|О?УФМС\b))")
# A district's 'Р-НА' (or 'Р-НЕ') with its hyphen read as a stop or a comma ('ИСТРИНСКОГО Р.НА').
_DISTRICT_STOPPED = re.compile(r"\b([Рр])[.,]([Нн][АаЕе])\b")
# 'ПО Г. МОСКВЕ' read with the space lost ('ПОГ, МОСКВЕ', 'ПОГ МОСКВЕ'): no word 'ПОГ'.
_CITY_GLUED_TO_PO = re.compile(r"\b(ПО|по)([Гг])[.,]?(?= [А-ЯЁ])")
# A hyphen read twice across a line's break or a blur ('Логистик- -Центр'): one hyphen.
_HYPHEN_TWICE = re.compile(r"(?<=\w)- ?-(?=\w)")
# ... or with a space after it ('ХАНТЫ- МАНСИЙСКИЙ', 'РОСТОВА-НА- ДОНУ' across a line's
# break): the halves are one word. Not a hyphen left hanging before 'и'/'или' ('двух- или
# трёхкомнатной').
_HYPHEN_SPACED = re.compile(r"(?<=[^\W\d_]{2})(?:- (?!(?:или|либо|and|or)\b)| -)(?=[^\W\d_]{2})", re.IGNORECASE)


def normalize_caps(raw: str) -> str | None:
    """Text in capitals, for Latin-script documents whose case is typography (a shop
    receipt prints its name and address in capitals or in title case, and both read as
    one value): '№' (how OCR with Cyrillic reads 'No') as 'NO', and alone in brackets (how it
    reads '(M)') as 'M'; Cyrillic letters that look like Latin ones as those, curly
    apostrophes straight."""
    s = normalize_text(raw.replace("(№)", "(M)").replace("№", "NO").translate(_CURLY_QUOTES))
    return s.upper().translate(CYRILLIC_AS_LATIN) if s else None


_CURLY_QUOTES = str.maketrans("‘’`´", "''''")


def normalize_business_name(raw: str) -> str | None:
    """A Malaysian business name in capitals, its legal form as printed but read right:
    'SON BHD', 'SDN BHO' (OCR's round letters) and 'tN BHD' as 'SDN BHD', '$/B' and '5/8' as 'S/B'; a
    section sign and a yen sign, which no name prints, as the S and Y they are ('T.A.§
    LEISURE', 'MR. D.I.¥.'), and a bracket closing a word that none opened as the small l it is
    ('BHPetro]'); a bracket opened at the name's end, on nothing, is a speck ('99
    SPEED MART S/B ('), as is one opening it that closes nowhere ('(CARTER AND SONS'), and a
    registration number printed after the name is no part of it ('LITTLE CRAVINGS SDN BHD
    (562007-D)'), also read badly ('SDN BHD (819%'); a bracket read as a question mark
    ('(MALAYSIA? SDN BHD') is a bracket."""
    s = _OPENED_ON_NOTHING.sub("", _REGISTRATION_AFTER.sub("", raw.replace("§", "S").replace("¥", "Y")))
    s = _OPENED_AFTER_FORM.sub(r"\1", s)
    s = _QUERY_FOR_BRACKET.sub(r"\1)", s)
    if not re.search(r"[\[{]", s):
        s = _BRACKET_FOR_L.sub("L", s)
    s = normalize_caps(_NEVER_CLOSED.sub("", s))
    if s is None:
        return None
    s = _SDN_BHD.sub(_sdn_bhd, s)
    s = _BHD_ALONE.sub("BHD", s)
    s = _GLUED_FORM.sub(" ", s)
    s = _DOLLAR_FOR_S.sub("S", _HYPHEN_MISREAD.sub("-", s))
    s = _MALAYSIA_MISREAD.sub("(M)", _COMMA_BETWEEN_WORDS.sub("", _N_READ_M.sub("N", s)))
    s = _LTD_MISREAD.sub("LTD", s)
    return _S_SLASH_B_END.sub("S/B", _S_SLASH_B.sub("S/B", s))


def normalize_address(raw: str) -> str | None:
    """A Latin-script street address in capitals (`caps`), with what OCR makes of its print
    read back: a dollar sign, which no address prints, is an S ('JALAN $$21/39'), or an 8
    opening a five-digit postcode ('$1760 JOHOR BAHRU'); 'NO' (number) read as 'MO' or 'HO'
    before its number, or with a comma for its full stop ('NO, 53')."""
    s = normalize_caps(_unpaired_brackets(raw))
    if s is None:
        return None
    s = _DOLLAR_POSTCODE.sub("8", s).replace("$", "S")
    # ... an at sign, which no address prints either, beside figures is a zero ('#@5-15'); and a
    # stop after a five-figure postcode before the town is a speck ('47301. PETALING JAYA').
    s = _POSTCODE_STOPPED.sub(r"\1", _AT_FOR_ZERO.sub("0", s))
    # A unit number ('#06-256') with its sign read '*' or its hyphen lost ('#07 248').
    s = _UNIT_HYPHEN_LOST.sub(r"#\1-\2", _UNIT_SIGN_AS_STAR.sub("#", s))
    s = _NUMBER_SIGN.sub("NO", s)
    s = _NUMBER_SIGN_ZERO.sub("NO", s)
    s = _SPECK_AFTER_COMMA.sub(", ", _NUMBER_THEN_SPECK.sub(r"\1, ", s))
    s = _POSTCODE_PAIR.sub(_british_postcode, s)
    s = _SIGN_ENDING.sub("", _FIGURE_BEFORE_NUMBER.sub("", s))
    return _NUMBER_COMMA.sub("NO.", _SPECK_BEFORE_WORD.sub("", s))


_UNIT_SIGN_AS_STAR = re.compile(r"(?<![\w#*])\*(?=\d{2}-\d{2,4}\b)")
_UNIT_HYPHEN_LOST = re.compile(r"#(\d{2}) (\d{2,4})\b")
_AT_FOR_ZERO = re.compile(r"(?<=[#\d])@|@(?=\d)")
_POSTCODE_STOPPED = re.compile(r"(?<![\w.-])(\d{5})\.(?= [A-Z]{3})")
# A British postcode ('W0 6NZ', 'IM97 0HZ', 'M0C 6JS'): an outward part of one or two letters, a
# digit and at most one more digit or letter, then an inward part of a digit and two letters. OCR
# reads a round zero as O and a one as I, and back; the shape says which was printed. Where the
# outward part fits as read ('WO1' could be 'W01'), it stays.
_POSTCODE_PAIR = re.compile(r"(?<![\w.])([A-Z0-9]{2,4})[ .]([0-9OIS][A-Z]{2})(?!\w)")  # a speck may read as a stop
_AS_DIGIT = str.maketrans("OIS", "015")  # (a 5 read S too, where the shape puts a figure: 'B61 SAG')
_AS_LETTER = str.maketrans("01", "OI")
# Words an address prints before a number ('NO 1ST FLOOR', 'LOT 5'), and words that look like
# an inward part ('BLOCK B1 OFF JALAN ...').
_NOT_POSTCODE = {"NO", "LOT", "OFF", "OLD", "ONE", "OUR", "OUT", "OWN", "INN"}
_ORDINAL = re.compile(r"\d(?:ST|ND|RD|TH)")


def _british_postcode(m: re.Match[str]) -> str:
    outward, inward = m.group(1), m.group(2)
    if (not any(ch.isdigit() for ch in m.group()) or outward in _NOT_POSTCODE or inward in _NOT_POSTCODE
            or _ORDINAL.fullmatch(inward.translate(_AS_DIGIT))):
        return m.group()
    readings = []
    for area in (1, 2):
        if area + 1 <= len(outward) <= area + 2:
            reading = (outward[:area].translate(_AS_LETTER) + outward[area].translate(_AS_DIGIT)
                       + outward[area + 1:])
            # (An area of figures alone is a number: '12 3AB'.)
            if reading[:area].isalpha() and reading[area].isdigit() and any(c.isalpha() for c in outward[:area]):
                readings.append((sum(a != b for a, b in zip(reading, outward)), reading))
    if not readings:
        return m.group()
    return min(readings)[1] + " " + inward[0].translate(_AS_DIGIT) + inward[1:]


# A speck read as a full stop or a quote after a comma ('SMITH SQUARE,.G4 7HN', "1,' KAREN
# LIGHT"), where a space was, or a stop before a word ('BROOKS .TRAFFICWAY'): no address prints
# either. (A semicolon may be print: a SROIE receipt's address has one.)
_SPECK_AFTER_COMMA = re.compile(r",[.'] ?")
# The number an address opens with, its comma read as a colon or a semicolon ('983: CAMPBELL
# LANDING', '983;:CAMPBELL'): no address sets either there.
_NUMBER_THEN_SPECK = re.compile(r"^(\d+[A-Z]?)\s*[:;]+,?\s*(?=[A-Z])")
_SPECK_BEFORE_WORD = re.compile(r"(?<= )\.(?=[A-Z]{2})")
# ... nor opens with a figure alone before 'NO.' and its number ('2 NO. 61714'), nor ends with an
# angle's or a guillemet's sign ('ABIGAILSIDE>').
_FIGURE_BEFORE_NUMBER = re.compile(r"^\d\s+(?=NO\.?\s*\d)")
_SIGN_ENDING = re.compile(r"\s*[<>«»]+$")


def _unpaired_brackets(s: str) -> str:
    """Square and curly brackets that open or close nothing: specks at a word's edge
    ('KUALA [LUMPUR'); round ones are print ('SUBANG (SS)')."""
    pairs, drop, opened = {"]": "[", "}": "{"}, set(), []
    for i, ch in enumerate(s):
        if ch in "[{":
            opened.append(i)
        elif ch in pairs:
            if opened and s[opened[-1]] == pairs[ch]:
                opened.pop()
            else:
                drop.add(i)
    drop.update(opened)
    return "".join(ch for i, ch in enumerate(s) if i not in drop) if drop else s


_DOLLAR_POSTCODE = re.compile(r"(?<![\w$])\$(?=\d{4}(?!\w))")
_NUMBER_SIGN = re.compile(r"(?<![\w.])[MH]O(?=(?:[.:]\s*|\s+)\d)")
# 'NO.59' read '№0.59': the sign took the N, the O was read as a zero.
_NUMBER_SIGN_ZERO = re.compile(r"(?<![\w.])NO0(?=[.,] ?\d)")
_NUMBER_COMMA = re.compile(r"(?<![\w.])NO,(?=\s*\d)")


# 'SDN' with a letter lost or its 'SD' read as one ('SN', 'DN', 'tN BHD'): no name prints such a
# word before 'BHD'; and 'BHD' with its D read round. (In capitals; layout keeps such an unsure
# short word before 'BHD' as print.)
SDN_SHORT = r"[S5$DT]N"
BHD_READ = r"BH[DO0]"
_SDN_BHD = re.compile(rf"(?<![A-Z0-9])(?:[S5$][DO0]N|{SDN_SHORT})([.,:;']*)(\s*){BHD_READ}(\.?)(?![A-Z0-9])")


def _sdn_bhd(m: re.Match[str]) -> str:
    """'SDN BHD' as printed, with or without its full stop, which OCR reads as a comma, a
    colon or a stop with a speck ('SDN, BHD.', 'SDN: BHD.', "SDN.' BHD."): no name prints
    another mark there, and a speck alone ("SDN' BHD") is no stop. Its 'BHD' ends with a stop
    only where its 'SDN' does ('SDN BHD.': a speck)."""
    stop = "." if m.group(1).strip("'") else ""
    return "SDN" + stop + m.group(2) + "BHD" + (m.group(3) if stop else "")


_BHD_ALONE = re.compile(r"(?<=\) )8HD(?![A-Z0-9])")  # '(M) 8HD'
_S_SLASH_B = re.compile(r"(?<![A-Z0-9])[S5$]\s?/\s?[B8](?![A-Z0-9])")
_S_SLASH_B_END = re.compile(r"(?<= )[S5$]/[B85]$")  # ending a name, '5/5' is S/B too
# A full stop or comma read between a name and its legal form where a space is printed
# ('INTERNATIONAL.SDN BHD').
_GLUED_FORM = re.compile(r"(?<=[A-Z]{2})[.,]{1,2}(?=SDN\b)")  # ... or both ('BENTON PLC.,SDN. BHD.')
_OPENED_ON_NOTHING = re.compile(r"\s*[\(\[\{]\W*$")
# A small l ending a word read as a closing bracket that nothing opened ('BHPetro]', 'BHPetro}').
_BRACKET_FOR_L = re.compile(r"(?<=[A-Za-z])[\]}](?=\s|$)")
# A hyphen joining two names read as a tilde, a dash or dashes round a space ('ROBERTS~ROGERS',
# 'REID— -SULLIVAN', 'ROBERTS-—-ROGERS').
_HYPHEN_MISREAD = re.compile(r"(?<=[A-Z])(?:~|[—–-]+ ?[—–-]+|[—–])(?=[A-Z])")
# An S read as a dollar sign inside a word ('ROBERT$'): no name prints one there.
_DOLLAR_FOR_S = re.compile(r"(?<=[A-Z])\$|\$(?=[A-Z])")
# 'FOOD N BEVERAGE', 'FUN N CHEER': the 'N' that stands for 'and', read 'M'; no name has an
# 'M' alone between its words.
_N_READ_M = re.compile(r"(?<=[A-Z]{2} )M(?= [A-Z]{2})")
# 'LTD' with its round D read as an O ('LONG LTO (M) SDN BHD'): a legal form, no word of a name.
_LTD_MISREAD = re.compile(r"(?<=[A-Z] )LT[O0](?=\.?(?: |$))")
# A comma read between two words of a name ('UNIHAKKA, INTERNATIONAL'): names print none; nor
# a stop after 'AND' ('BATES LEWIS AND. MOSS').
_COMMA_BETWEEN_WORDS = re.compile(r"(?<=[A-Z]{2}),(?= [A-Z])|(?<=\bAND)\.(?= [A-Z])")
# '(M)' before the legal form, its M read as a narrower letter ('AEON CO. (I) BHD').
_MALAYSIA_MISREAD = re.compile(r"\([IL1HN|]\)(?= (?:SDN\.? )?BHD\b)")
_NEVER_CLOSED = re.compile(r"^\W*[\(\[\{](?![^\)\]\}]*[\)\]\}])")  # '(CARTER AND SONS SDN BHD'
# A bracket opened after the legal form that nothing closes: a registration number read
# badly ('THE STORE (MALAYSIA) SDN BHD (819%'), no part of the name.
LEFT_OPEN = r"[\(\[\{][^\)\]\}]*"  # a bracket opened that nothing after it closes
_OPENED_AFTER_FORM = re.compile(rf"(?i)(?<=\b(?:BHD|S/B|PLT|LTD))(\.?)\s*{LEFT_OPEN}$")
# A question mark ending a word in a bracket that nothing else closes: the bracket read
# ('(MALAYSIA? SDN BHD'); no name prints one.
_QUERY_FOR_BRACKET = re.compile(r"(\([A-Za-z]{1,20})\?(?=\s|$)")
_REGISTRATION_AFTER = re.compile(r"(?<=\S)\s*[\(\[\{]\s*[A-Za-z]{0,3}\d{5,}\s*-\s*[A-Za-z0-9]\s*[\)\]\}]?\W*$")


# Russian legal forms that open an organisation's name. OCR reads them in lower case (the
# round letters differ only in size), with zeros for О or with Latin lookalikes.
LEGAL_FORMS = {"ооо", "оао", "зао", "пао", "ао", "нао", "ип", "нко", "ано", "гуп", "муп", "фгуп", "тоо"}


def normalize_organization(raw: str) -> str | None:
    """Text, with a leading legal form in its canonical capitals: 'ооо «Ромашка»' and
    '000 «Ромашка»' -> 'ООО «Ромашка»'. The rest stays as printed."""
    s = normalize_text(raw)
    if s is None:
        return None
    s = _QUOTE_BEFORE_QUOTE.sub(" ", _WITH_GLUED.sub(r"\1 ", s))
    s = _full_form_respelled(_LLC_HEAD_LOST.sub(_llc_head, _ADDRESS_TAIL.sub("", _without_requisites(s))))
    s = _LONE_AND.sub("и", _name_scraps_dropped(_straight_pair(_form_unquoted(s))))
    s = _ADDRESS_AFTER_QUOTE.sub("", _LONE_LETTER.sub("", _CAPITAL_APART.sub(r"\1", s)))
    s = _AND_AFTER_SPECK.sub(" и", _AND_GLUED.sub("и ", s))
    s = _NUMBER_SIGN_SPACED.sub("№ ", _HYPHEN_AS_APOSTROPHE.sub("-", s))
    head, space, rest = s.partition(" ")
    if fold(head) == "ас" and rest[:1] in _OPENING_QUOTES:
        head = "АО"  # its round О read as С before a quoted name: no legal form is 'АС'
    second, _, after = rest.partition(" ")
    if (form := _legal_form(head)) and (tail := _legal_form(second)) and form != tail and form.endswith(tail):
        rest = after  # 'ПАО АО «ТехноСнаб»': the form's last letters read again as a form of their own
    if fold(head) == "ип":  # an entrepreneur's initials after the surname read small ('ИП Лукин я. И.')
        rest = _INITIAL_AS_FIGURE.sub(lambda m: m[1] + _FIGURE_AS_LETTER[m[2]], rest)  # or as figures ('3.Г.')
        rest = _INITIAL_COMMA.sub(r"\1.", rest)  # a stop read as a comma ('Петров Н, Н.')
        rest = _LATIN_INITIAL.sub(lambda m: m[0].translate(_LAT_TO_CYR), rest)  # 'Орлов 6.T.' -> 'Б.Т.'
        rest = _SURNAME_INITIALS.sub(lambda m: m[1] + m[2].upper() + m[3].upper(), rest)
        rest = _INITIALS_RUN_TOGETHER.sub(r"\1\2.\3.", rest)  # or their first stop lost ('Осипова ЕТ.')
        # ... or a name read in small letters beside capitalised ones ('Баранов руслан
        # Кириллович': its 'Р' read 'р'); a Turkic patronymic's 'оглы' is printed small.
        names = rest.split(" ")
        if any(n[:1].isupper() for n in names[:3]):
            rest = " ".join(n.capitalize() if k < 3 and len(n) >= 3 and n.isalpha() and n.islower()
                            and n not in _SMALL_NAME_PARTS else n for k, n in enumerate(names))
        s = head + space + rest
    if space and rest and (form := _legal_form(head)):
        return form.upper() + space + rest
    return s


_SMALL_NAME_PARTS = {"оглы", "кызы", "угли", "улы", "уулу"}


# A number sign and its number, spaced one way ('№ 1', as typesetting wants it) however
# OCR read the space ('Пекарня №1').
_NUMBER_SIGN_SPACED = re.compile(r"№\s*(?=\d)")


# A party's requisites after (or before) its name in one paragraph, as a bill prints them
# ('ПАО «ПромСнаб», ИНН 7626772782, КПП 762601002, 323571, г. Ярославль, ...', 'ИНН
# 712376118281, ИП Климов К.В., 584182, г. Тула'): a code with its label, a postcode, an
# address's or a phone's part.
_REQUISITE = re.compile(r"(?:инн|кпп|огрн(?:ип)?|бик|окпо|р/?с|к/?с|тел|факс|e-?mail|адрес)(?![^\W\d_])"
                        r"|(?:г|гор|ул|пр|пр-т|д|обл|пос|с|т|стр|корп|кв|оф|пом|эт)\.|\d{6}$|\+?[\d(][\d ()-]{6,}$", re.IGNORECASE)
# Commas outside quotes and brackets part a paragraph ('ООО «Рога, копыта и Ко»' is one name).
_PARAGRAPH_COMMA = re.compile(r',(?=(?:[^«»"]*(?:«[^»]*»|"[^"]*"))*[^«»"]*$)(?![^()]*\))')


# An address's part after a name, its figure lost or cut off as a row's code ('... Николаевна
# пом. 19', the paragraph's line between them not read): no name ends with it.
# (In lower case, as addresses print them: an initial 'Д.' is a name's.)
_ADDRESS_TAIL = re.compile(r",?\s+(?:(?:пом|оф|кв|корп|стр|эт|ул)\.?(?:\s*\d+\w?)?|д\.?\s*\d+\w?)$")


def _without_requisites(s: str) -> str:
    """An organisation's name alone, out of a paragraph of its requisites (`_REQUISITE`): its
    first part that is no requisite (a name's own commas are inside its quotes; what follows
    it is an address whose 'ул.' went to the line before: 'ИП Сергеев В. Р., Ленина, д. 104').
    A name with no requisite stays whole."""
    parts = [p.strip() for p in _PARAGRAPH_COMMA.split(s)]
    if len(parts) < 2 or not any(_requisite(p) for p in parts):
        return s
    return next((p for p in parts if p and not _requisite(p)), s)


def _requisite(part: str) -> bool:
    """A paragraph's part that is a requisite: by its label, or by a code's run of digits no
    name holds, its label misread ('8 :4019484722 / КПП 401943001' where 'ИНН' was overprinted)."""
    return bool(_REQUISITE.match(part) or _CODE_DIGITS.search(part))


_CODE_DIGITS = re.compile(r"\d{9,}")  # a KPP's 9, an INN's 10 or 12, an OGRN's 13


def _legal_form(word: str) -> str | None:
    # As labels are compared, and a 3 for З; a speck glued before it too ('`000').
    form = fold(word.rstrip(_AFTER_FORM).lstrip(_AFTER_FORM)).replace("3", "з")
    if re.fullmatch(r"о*[469]о*", form) and len(form) == 3:  # '004', '009': a round letter read as a figure
        form = "ооо"
    return form if form in LEGAL_FORMS else None


def _name_scraps_dropped(s: str) -> str:
    """An organisation's name without specks read before its legal form ('ae ПАО «Туров и
    партнеры»', '«tt ПАО': three marks with no Cyrillic letter) or after its quoted name
    closes ('«Светоч» +', '«Альфа-Строй»””', '"Сибирские ресурсы" рес'): a name goes on after
    its quotes only with a word ('(филиал)' is one)."""
    tokens = s.split(" ")
    scrap = len(tokens[0]) <= 2 or len(tokens[0]) <= 3 and not _CYRILLIC_WORD.search(tokens[0])
    if len(tokens) > 2 and scrap and not _legal_form(tokens[0]) and _legal_form(tokens[1]):
        tokens.pop(0)
    s = " ".join(tokens)
    closing = max(s.rfind("»"), s.rfind('"') if s.count('"') >= 2 else -1, s.rfind("”") if "“" in s else -1)
    if closing <= 0:
        return s
    head, tail = s[:closing + 1], s[closing + 1:]
    if not re.search(r"[^\W\d_]{4,}", tail):
        return head
    return s


# 'й' and 'н' are no words: alone between two words of a name they are its 'и' ('ООО
# «Егоров й партнеры»').
_LONE_AND = re.compile(r"(?<=[А-Яа-яЁё] )[йн](?= [А-Яа-яЁё])")
# ... nor is 'и' glued to the next word by a speck ('Стрелков и.партнеры', 'Гришин И-партнеры'; 'и.о.'
# is two letters).
_AND_GLUED = re.compile(r"(?<=[А-Яа-яЁё] )[иИ][.\-](?=[а-яё]{3})")
# A letter that is no word alone between two words of a name is a speck ('«Новые т технологии»');
# Russian's one-letter words are а, б, в, ж, и, к, о, с, у, я.
_LONE_LETTER = re.compile(r"(?<=[А-Яа-яЁё]) [гдзлмпртфхцчшщъыьэю](?= [А-Яа-яЁё])")
# ... and a capital that is no such word, alone before a word in small letters, is that word's
# first letter read apart ('ООО «Г ерасимов и партнеры»').
_CAPITAL_APART = re.compile(r"(?<![^\s«\"“])([ГДЗЛМНПРТФХЦЧШЩ]) (?=[а-яё]{3})")
# An address after a quoted name, its caption lost ('ООО «Интерком» Санкт-Петербург, бул.'): a
# comma or a street's or town's abbreviation after the closing quote.
# Or right after it, a comma and what holds a figure or an address's word ('ПАО "Фарм-Инвест",
# офис 142', '«Старт-Групп», 23, офис 242').
_ADDRESS_AFTER_QUOTE = re.compile(r"(?<=[»\"”])(?:\s+[^«»\"“”]*?(?:,|\b(?:г|ул|бул|пер|пр|наб|ш|пл|д)\.)"
                                  r"|,\s*(?=[^«»\"“”]*(?:\d|\b(?:офис|оф|ул|пом|кв|стр|корп)\b)))[^«»\"“”]*$")
# A hyphen between a name's two halves read as an apostrophe ('“Профиль’Центр”'): no Russian
# word takes one before a capital.
_HYPHEN_AS_APOSTROPHE = re.compile(r"(?<=[а-яё]{2})[’'`](?=[А-ЯЁ][а-яё])")
_AND_AFTER_SPECK = re.compile(r"(?<=[а-яё]{2})[.,]и(?= [а-яё]{3})")  # 'Сорокин.и партнеры'
_INITIALS_RUN_TOGETHER = re.compile(r"^([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? )([А-ЯЁ])([А-ЯЁ])\.$")
# The legal forms written out: a closed set, so a letter of them OCR misread ('Индивилуальный
# предприниматель', 'Йубличное акционерное общество') is read back, in the printed case.
FULL_FORMS = ("общество с ограниченной ответственностью", "публичное акционерное общество",
              "непубличное акционерное общество", "закрытое акционерное общество",
              "открытое акционерное общество", "индивидуальный предприниматель",
              "государственное унитарное предприятие", "муниципальное унитарное предприятие",
              "автономная некоммерческая организация", "акционерное общество")
FULL_FORM_CUTOFF = 90.0  # three letters in thirty wrong; 'акционерное общество' takes two


def _full_form_respelled(s: str) -> str:
    """The legal form that opens `s`, read with a letter or two wrong, as the nearest form (a
    form printed right stays: 'Непубличное' is no misread 'Публичное')."""
    words = s.split(" ")
    scores = []
    for form in FULL_FORMS:
        n = form.count(" ") + 1
        head = " ".join(words[:n])
        if len(words) > n:
            scores.append((fuzz.ratio(head.lower().replace("ё", "е"), form), form, n, head))
    score, form, n, head = max(scores, default=(0.0, "", 0, ""))
    if score < FULL_FORM_CUTOFF or score == 100.0:
        return s
    return " ".join([form.upper() if head.isupper() else form.capitalize(), *words[n:]])


# The form 'Общество с ограниченной ответственностью' whose first word read as scraps ('аи: 9
# “валы РЧ- с ограниченной, тветственностью'): nothing else is "with limited liability".
_LLC_HEAD_LOST = re.compile(r"^(?!общество\b).*?\bс\s+(ограниченной)[\s,.]+о?тветственностью\b", re.IGNORECASE)


# ... or whose 'с' was read glued to the next word ('сограниченной'), and a speck read as a quote
# between a word and the name's own opening quote ('ответственностью"«Стройресурс»').
_WITH_GLUED = re.compile(r"\b(с)(?=ограниченной\b)", re.IGNORECASE)
_QUOTE_BEFORE_QUOTE = re.compile(r"(?<=[^\W\d_]{2})[\"“”'’`]+(?=«)")


def _llc_head(match: re.Match) -> str:
    form = FULL_FORMS[0]
    return form.upper() if match[1].isupper() else form.capitalize()


# An initial read as the figure it looks like, after a surname or another initial: 'Фомина 3.Г.';
# or as the sign a round 'Ф' is read as at low resolution ('Анисимова @. Д.', '®.').
_INITIAL_AS_FIGURE = re.compile(r"((?:^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? |[А-ЯЁ]\. ?))([30468@®])(?=\.)")
_FIGURE_AS_LETTER = {"3": "З", "0": "О", "4": "Ч", "6": "Б", "8": "В", "@": "Ф", "®": "Ф"}
_INITIAL_COMMA = re.compile(r"^([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? [А-ЯЁ]),(?= ?[А-ЯЁABCEHKMOPTXY]\.$)")
_SURNAME_INITIALS = re.compile(r"^([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)? )([а-яёА-ЯЁ]\. ?)([а-яёА-ЯЁ]\.)$")


_AFTER_FORM = ".:;,'’`"  # specks OCR glues to a legal form ('ооо:', "ПАО'", 'ООО.'); no name starts so
_OPENING_QUOTES = '"“„«'


def _form_unquoted(s: str) -> str:
    """A legal form as printed before its quoted name: a quote opened before the form and
    closed nowhere is a speck ('"Ао «Логистик-Центр»', '“AO «Вектор»'), and a form glued to
    its name's opening quote by a speck is a word of its own ('АО.«Вектор»')."""
    # A name's « read as another opening quote, its » read right ('ПАО „Громов и партнеры»'),
    # or lost ('ЗАО Рогов и партнеры»'): one printed pair.
    if s.count("»") == 1 and "«" not in s:
        form, space, rest = s.partition(" ")
        if rest and rest[0] in '"“„' and rest.count(rest[0]) == 1:
            s = form + space + "«" + rest[1:]
        elif space and rest[:1].isalpha() and _legal_form(form):
            s = form + space + "«" + rest
        elif full := next((f for f in FULL_FORMS if s.lower().startswith(f + " ")), None):
            s = s[:len(full) + 1] + "«" + s[len(full) + 1:]  # 'Общество с ... ответственностью Агроторг»'
    if s[:1] in _OPENING_QUOTES and s[0] != "«" and s.count(s[0]) == 1 and "”" not in s:
        head = s[1:].split(" ", 1)[0]
        if _legal_form(head) or _legal_form(re.split(r"[«\"“]", head, 1)[0]):
            s = s[1:]
    glued = re.match(r"([^\W_]{2,4})[.,:;`'’]?(?=[«\"“„])", s)  # or by nothing ('000“ЭкоПродукт”')
    if glued and _legal_form(glued.group(1)):
        s = glued.group(1) + " " + s[glued.end():]
    return s


def _straight_pair(s: str) -> str:
    """Quotes OCR read as a curly one and a straight one ('“Бизнессервис"'), or as two curly
    ones ('“Агроресурс”': OCR reads the straight pair of several fonts so): one pair,
    straight. Which pair a name is printed in says nothing about it; the angle quotes
    («»), which OCR tells apart, stay as printed."""
    curly = [i for i, c in enumerate(s) if c in "“”„"]
    if len(curly) == 1 and s.count('"') == 1:
        return s[:curly[0]] + '"' + s[curly[0] + 1:]
    if len(curly) == 2 and '"' not in s and s[curly[0]] in "“„" and s[curly[1]] in "”“":
        a, b = curly
        return s[:a] + '"' + s[a + 1:b] + '"' + s[b + 1:]
    return s


def normalize_place(raw: str) -> str | None:
    """Text; where the place is printed in both cases, a settlement's abbreviation in lower
    case as printed: the round capitals differ from small letters only in size, and OCR
    reads 'г. Уфа' as 'Г. Уфа'. In a place printed in capitals ('Г. УФА') it stays."""
    # A village's 'С.' read as a copyright sign ('©. РЫЛЬСК'), a city's 'г.' as a one ('1
    # Краснодар'): no place opens with either, nor with a one before its abbreviation; nor
    # with a quote or another sign: a speck ('„г. Москва', '< Г. БРЕДЫ').
    raw = _OPENING_SIGNS.sub("", _VILLAGE_AS_SIGN.sub("С", raw))
    # ... nor with a Latin letter: a city's 'г.' read in the other script ('r. Казань', '+f.').
    raw = _LATIN_FOR_CITY.sub("Г.", raw)
    # ... nor with a birth date's day and month whose year was lost ('1 МАЯ. ПОС. ПОРОНАЙСК'),
    # nor with a word's first letters read before the word ('ГО ГОР. МОСКВА').
    raw = _LEADING_PREFIX.sub("", _LEADING_DAY_AND_MONTH.sub("", raw))
    # ... nor with a patronymic: the row above, its label lost ('Сергеевна д. Ивановка').
    raw = _PATRONYMIC_BEFORE_PLACE.sub("", raw)
    # ... and holds no word of its caption ('ИСТРИНСКОГО рождения Р-НА': 'Место рождения'
    # printed small beside the place's two lines, read between them).
    raw = _MISREAD_CAPTION_BEFORE.sub("", _CAPTION_IN_PLACE.sub(" ", raw))
    raw = _CITY_AS_ONE.sub("Г. ", _SPECK_BEFORE_SETTLEMENT.sub("", raw))
    # ... nor with a four: a village's 'Д.' read so ('4. БОРОВОЕ'), nor with a settlement's
    # letter whose stop was lost ('С КРАСНЫЙ ЯР': no place opens with a preposition), nor with
    # a speck glued to that stop ('Д.1 БОРОВОЕ', 'гор.’Тула').
    raw = _SETTLEMENT_P_AS_ELEVEN.sub("П.", _VILLAGE_AS_FOUR.sub("Д.", raw))  # ... nor with '11.': a 'П.'
    raw = _SPECK_AFTER_SETTLEMENT.sub(r"\1 ", _SETTLEMENT_LETTER_UNDOTTED.sub(r"\1. ", raw))
    # A settlement's 'пос.' read 'нос.' or 'нос,': ... nor with a nose.
    raw = _NOSE_FOR_SETTLEMENT.sub(lambda m: ("П" if m.group(1) == "Н" else "п") + m.group(2), raw)
    # ... nor with 'Е.': a city's 'Г.' whose foot was lost ('Е. МЕДНОГОРСК', 'Е, СТАРАЯ РУССА'),
    # nor 'Т.': one with a speck on its top ('Т. ЕКАТЕРИНБУРГ').
    raw = _E_FOR_CITY.sub(lambda m: "Г." if m.group()[0] == "Е" else "г.", raw)
    raw = _T_FOR_CITY.sub(lambda m: ("Г" if m[1] == "Т" else "г") + m[2] + ".", raw)  # 'тор. Кандалакша', 'ТОР, МУРАШИ'
    # ... nor with 'И.': a settlement's 'П.' ('И. ЗАРЕЧЬЕ', 'Р.И. ПЕРВОМАЙСКИЙ': a worker's
    # settlement), the lookalike no abbreviation is.
    raw = _P_AS_I.sub(_settlement_p, raw)
    # A settlement's short abbreviation ('П.', 'ст.', 'рп.') with its stop read as a comma where it
    # opens the place ('П, СОЛНЕЧНЫЙ'): no place opens with a preposition.
    raw = _SHORT_SETTLEMENT_COMMA.sub(r"\1.", raw)
    # ... nor with 'ОР.': a city's 'ГОР.' read in two pieces ('Г. ОР. КРАСНОДАР', 'Е ОР. АНАДЫРЬ').
    raw = _CITY_IN_TWO.sub(lambda m: "ГОР." if m[1] == "ОР" else "гор.", raw)
    # A settlement's abbreviation with a dash for its full stop ('гор-Ершов'): no town's name
    # opens with 'гор-' or 'пос-'.
    raw = _SETTLEMENT_DASHED.sub(r"\1. ", raw)
    # A settlement's type written out takes no stop ('город. Великие Луки': a speck), and a
    # guillemet between a name's halves is its hyphen ('Елань»Колено').
    raw = _NAME_HALVES_QUOTED.sub("-", _SETTLEMENT_WORD_STOPPED.sub(r"\1", raw))
    # ... nor a comma ('ГОРОД, СОЛИКАМСК'); an autonomous republic's 'АССР' with a 'С' read 'Е'
    # ('ДАГЕСТАНСКОЙ АСЕР'); a capital inside a word in small letters is its small letter read
    # large ('МиЧуринского': a place prints no word so).
    raw = _SETTLEMENT_WORD_COMMA.sub(r"\1", raw)
    raw = _SOVIET_REPUBLIC_MISREAD.sub(lambda m: m[1] + "ССР", raw)
    raw = _CAPITAL_IN_ABBREVIATION.sub(lambda m: m[0].lower(), _CAPITAL_INSIDE_WORD.sub(lambda m: m[0].lower(), raw))
    s = normalize_text(_SPECK_BEFORE_REGION.sub("", _SPECK_AFTER_PLACE.sub("", raw)))
    if s is None:
        return s
    s = _OKRUG_STOPPED.sub("", _REGION_HEAD_LOST.sub("ОБЛ.", _LETTER_BEFORE_REGION.sub("", s)))
    # ... or its 'о' read 'а' ('Псковская абл.'); and a lone quote at the end is a speck
    # ('ГОР. ЕКАТЕРИНБУРГ"': a place quotes only a name, whole).
    s = _REGION_NOUN_A.sub(lambda m: "ОБЛ." if m[0].isupper() else "обл.", s)
    if s.count('"') == 1 and s.endswith('"'):
        s = s[:-1].rstrip()
    # A region's adjective ends '-ской' where 'с' was read 'е' ('Пермекой области': no
    # adjective ends '-екой'), and 'Россия' closing a place is a word of its own ('ССРРОССИЯ').
    s = _ROSSIYA_GLUED.sub(" ", _REGION_SK_AS_EK.sub(lambda m: m[1] + ("С" if m[2] == "Е" else "с") + m[3], s))
    s = _PLACE_SHORT_I_LOST.sub(lambda m: "Й" if m[0] == "И" else "й", s)
    # A speck read as a letter between the halves of a hyphenated name ('Ямало- о-Ненецкий'),
    # or as a full stop after the bracket that ends a place ('Г. БЕЛОГОРСК (АМУР.).').
    s = _HYPHEN_SPECK.sub("-", _unbalanced_brackets_dropped(_STOP_AFTER_NAME.sub(r"\1", s)))
    if s.endswith(")."):
        s = s[:-1]
    if not any(c.islower() for c in s if "а" <= c.lower() <= "я"):
        return s
    words = _CYRILLIC_WORD.findall(s)
    capitals = sum(w.isupper() and len(w) >= 4 for w in words)
    if ((_CAPITAL_ABBREVIATION.match(s) or capitals >= 2)
            and not any(w[0].isupper() and not w.isupper() and len(w) > 2 for w in words)):
        # 'ГОР. подольск', 'п. восход СОВЕТСКОГО Р-НА ...': printed in capitals (an abbreviation
        # in capitals or two words say so), a name read small; or an abbreviation ('... Кр.').
        return s.upper()
    s = _SETTLEMENT.sub(lambda m: m.group().lower(), s)
    # ... and the name after it opens with a capital, small round letters reading as their
    # capitals' size only ('г. челябинск').
    s = _SMALL_NAME_AFTER_SETTLEMENT.sub(lambda m: m[1] + m[2].upper(), s)
    # A region's noun after its adjective in small letters is small ('Красноярского Края'); a
    # capital alone before a word it opens is that word's first letter read twice ('Хабаровск Х
    # Хабаровского края').
    return _REGION_NOUN_TITLED.sub(lambda m: m[0].lower(), _LETTER_BEFORE_ITS_WORD.sub(" ", s))


_REGION_NOUN_TITLED = re.compile(r"(?:(?<=[а-яё]{3}[ое]го )|(?<=[а-яё]{3}[ое]й ))(?:Края|Области|Обл\.|Района|Округа)")
_LETTER_BEFORE_ITS_WORD = re.compile(r"(?<=[а-яё]{2}) ([А-ЯЁ]) (?=\1[а-яё])")


# A speck read as a stop after a settlement's name, before the rest of the place ('С.
# ПРЕОБРАЖЕНКА. КИРОВСКОГО Р-НА'): no abbreviation a place prints is seven letters long or more.
_STOP_AFTER_NAME = re.compile(r"(?<![\w.-])([А-ЯЁа-яё]{7,})\.(?= [А-ЯЁа-яё])")
_SMALL_NAME_AFTER_SETTLEMENT = re.compile(r"((?<![\w.-])(?:г|гор|пос|д|дер|с)\. ?)([а-яё])(?=[а-яё]{2})")


# A place of birth is a settlement and its region: a figure alone after them is a speck's
# reading ('гор. Самара 2', 'ЕВРЕЙСКАЯ АО 6'), as is a small letter ('Молдавской ССР ч').
_SPECK_AFTER_PLACE = re.compile(r"(?<=[^\W\d_]\.|[^\W\d_]{2})\s+(?:\d\W*|[а-яё])$")
# ... as is one between a settlement's name and its region's adjective ('ДЕР. ЗНАМЕНКА 2
# ПЕНЗЕНСКОЙ ОБЛ.': a passport's red number beside it).
_SPECK_BEFORE_REGION = re.compile(r"(?<=[^\W\d_]{2})\s+\d\W*(?=\s+[А-ЯЁа-яё]+(?:[СсЦц][Кк](?:[Оо][Йй]|[Оо][Гг][Оо])|[Оо][Йй])\s)")
_CAPITAL_ABBREVIATION = re.compile(r"(?:ГОР|ПОС|ДЕР|РЕСП)\.")
# A region's 'ОБЛ.' with its 'О' lost after the region's adjective ('НОВОСИБИРСКАЯ БЛ.'), and a
# settlement's letter between the adjective and its noun ('КУЙБЫШЕВСКОЙ С. ОБЛАСТИ'): specks.
_REGION_HEAD_LOST = re.compile(r"(?<=[А-ЯЁ]{3}(?:АЯ|ОЙ) )(?:БЛ|ОЛ)(?:\.|$)")  # or its 'Б' ('ОЛ.'); its stop lost too at the end
_REGION_NOUN_A = re.compile(r"(?<=[А-ЯЁ]{3}(?:АЯ|ОЙ) )АБЛ\.|(?<=[а-яё]{3}(?:ая|ой) )абл\.")
_LETTER_BEFORE_REGION = re.compile(r"(?<=[А-ЯЁ]{3}(?:АЯ|ОЙ)) (?:[СДП]\.|№)(?= ОБЛ)")  # or a '№' speck
_REGION_SK_AS_EK = re.compile(r"(?<![\w-])([А-ЯЁа-яё]{3,})([Ее])([Кк][Оо][Йй])(?= (?:ОБЛ|обл|КРА|кра|Р-Н|р-н|РАЙ|рай))")
_ROSSIYA_GLUED = re.compile(r"(?<=[А-ЯЁ]{2})(?=РОССИЯ$)|(?<=[а-яё]{2})(?=Россия$)")
_SHORT_SETTLEMENT_COMMA = re.compile(r"^([ПпСсДд]|[Сс]т|СТ|[Рр]п|РП),(?= [А-ЯЁ])")
_P_AS_I = re.compile(r"^((?:[Рр])\. ?)?([Ии])\.(?= ?[А-ЯЁ])|^([Рр])([Ии])(?= [А-ЯЁ])")


def _settlement_p(m: re.Match[str]) -> str:
    """'И.' -> 'П.', 'Р.И.' -> 'Р.П.', 'РИ' -> 'РП', in the case read."""
    if m[2]:
        return (m[1] or "") + ("П." if m[2] == "И" else "п.")
    return m[3] + ("П" if m[4] == "И" else "п")


_OKRUG_STOPPED = re.compile(r"(?<= АО)\.$")  # an autonomous okrug's 'АО' takes no stop: a speck
_HYPHEN_SPECK = re.compile(r"(?<=\w\w)- \w-(?=\w\w)")
_VILLAGE_AS_SIGN = re.compile(r"^©(?=\. ?[А-ЯЁ])")
_CITY_AS_ONE = re.compile(r"^1[.,]? (?=[А-ЯЁ][а-яё]{2,}\b(?!\.)|[А-ЯЁ]{3,}\b(?!\.))")
LATIN_CITY_MARK = r"[rfFT]\."  # a city's 'г.' read in Latin
_LATIN_FOR_CITY = re.compile(rf"^{LATIN_CITY_MARK}(?= ?[А-ЯЁ])")
_OPENING_SIGNS = re.compile(r"^[^\w(]+")  # '„г. Москва', '< Г. БРЕДЫ'
# An abbreviation's first letters, or the whole of it read twice ('гор. Гор. Уфа').
_LEADING_PREFIX = re.compile(r"^(\w{2,})\.? (?=\1\w*\.)", re.IGNORECASE)
# ... and a one before a settlement's abbreviation is a speck ('1 ДЕР. ГУБКИН').
_SPECK_BEFORE_SETTLEMENT = re.compile(rf"^(?:\d[^\w\s]?|[^\W\d_]|[Гг][Оо][Дд][Аа]) (?=(?:{SETTLEMENT_ABBREVIATION}|[ДдСс])\.)")  # or a letter ('М ГОР.'), a figure and a sign ('2% ГОР.'), or a date's 'ГОДА'
# ... nor with a word in small letters before a settlement's abbreviation and a name in capitals
# ('иибиийифриптании гор. САНКТ-ПЕТЕРБУРГ': its caption misread).
_MISREAD_CAPTION_BEFORE = re.compile(rf"^[а-яё]{{4,}}\s+(?=(?:{SETTLEMENT_ABBREVIATION}|[ДдСс])\.\s*[А-ЯЁ]{{2}})")
_CAPTION_IN_PLACE = re.compile(r"(?i)(?<!\S)(?:место\s+)?рождения[.:]?(?!\S)")
_VILLAGE_AS_FOUR = re.compile(r"^4[.,](?= ?[А-ЯЁ])")
_SETTLEMENT_P_AS_ELEVEN = re.compile(r"^11\.(?= ?[А-ЯЁ])")
_SETTLEMENT_LETTER_UNDOTTED = re.compile(r"^([ДдСс]|[Сс]т|СТ|[Пп]ос|ПОС|[Дд]ер|ДЕР|[Гг]ор|ГОР)[,;:]? (?=[А-ЯЁ][А-ЯЁа-яё])")  # or read with a comma, ';' or ':
# A settlement's type written out, which opens a place as its abbreviation does.
SETTLEMENT_WORD = r"[Гг]ород|ГОРОД|[Сс]ело|СЕЛО|[Дд]еревня|ДЕРЕВНЯ|[Пп]ос[её]лок|ПОС[ЕЁ]ЛОК"
_SPECK_AFTER_SETTLEMENT = re.compile(rf"^((?:{SETTLEMENT_ABBREVIATION}|[ДдСс])\.|{SETTLEMENT_WORD})"
                                     rf"(?:(?<=\.)[1l|](?= [А-ЯЁ])|[’'`‘] ?(?=[А-ЯЁ]))")
_NOSE_FOR_SETTLEMENT = re.compile(r"(?:^|(?<=, ))([Нн])(ос[.,]|ОС[.,])(?= [А-ЯЁ])")
_E_FOR_CITY = re.compile(r"(?:^|(?<=, ))[Ее][.,](?= ?[А-ЯЁ])")
_T_FOR_CITY = re.compile(r"(?:^|(?<=, ))([Тт])(ор|ОР|)[.,](?= ?[А-ЯЁ])")
_CITY_IN_TWO = re.compile(r"(?:^|(?<=, ))[ГгЕеТт][.,]? ?(ОР|ор)\.(?= ?[А-ЯЁа-яё])")
# 'Й' read without its breve at the end of a place's word ('Г. АЧХОИ МАРТАН', 'АЛТАИ'): no
# Russian place's word ends in a vowel and 'и'.
_PLACE_SHORT_I_LOST = re.compile(r"(?<=[А-ЯЁа-яё]{2}[аеёоуыэюяАЕЁОУЫЭЮЯ])[иИ](?![\w-])")
_SETTLEMENT_WORD_COMMA = re.compile(rf"^({SETTLEMENT_WORD}),(?= [А-ЯЁ])")
_SOVIET_REPUBLIC_MISREAD = re.compile(r"(?<=[А-ЯЁ]{3}ОЙ )(А?)(?!ССР\b)[СЕ][СЕ]Р(?![А-ЯЁ])")
_CAPITAL_INSIDE_WORD = re.compile(r"(?<=[А-ЯЁ][а-яё])[А-ЯЁ](?=[а-яё]{2})")
# ... or in an abbreviation's small letters ('р.П.' for a worker's settlement's 'р.п.').
_CAPITAL_IN_ABBREVIATION = re.compile(r"(?<=(?<![\w.])[а-яё]\.)[А-ЯЁ](?=\.)")
_SETTLEMENT_WORD_STOPPED = re.compile(rf"^({SETTLEMENT_WORD})\.(?= [А-ЯЁ])")
_NAME_HALVES_QUOTED = re.compile(r"(?<=[а-яё]{2})[»«](?=[А-ЯЁ][а-яё])")
_SETTLEMENT_DASHED = re.compile(r"(?:^|(?<=, ))(гор|пос|ГОР|ПОС)\s?-\s?(?=[А-ЯЁ])")


# (Its small letters read as capitals in any mix: 'ГОр. Ростов-на-Дону'.)
_SETTLEMENT = re.compile(r"(?<![\w.-])(?:(Г|Г[Оо][Рр]|П[Оо][Сс]|Д|Д[Ее][Рр]|С)\.(?= ?[А-ЯЁ])"
                         r"|^(?:Город|Село|Деревня|Поселок|Посёлок)(?= [А-ЯЁ][а-яё]))")  # or written out ('Город Гомель')


def _unbalanced_brackets_dropped(s: str) -> str:
    """A bracket opening a word that nothing closes, or closing one that nothing opened, is a
    speck ('Р-НА (СВЕРДЛОВСКОЙ ОБЛ.'); the bracketed region ('(Хант.)') keeps both."""
    if s.count("(") == s.count(")"):
        return s
    words = s.split(" ")
    depth = 0
    for i, word in enumerate(words):
        depth += word.count("(") - word.count(")")
        if depth < 0:  # closes nothing
            words[i] = word.replace(")", "", 1)
            depth = 0
    if depth > 0:  # opens what nothing closes: the last such opening
        for i in range(len(words) - 1, -1, -1):
            if words[i].startswith("(") and ")" not in words[i]:
                words[i] = words[i][1:]
                break
    return " ".join(w for w in words if w)


_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼ`´′"})


def _title_part(part: str) -> str:
    # "o'brien" -> "O'Brien", "д'артаньян" -> "Д'Артаньян": one-letter prefix.
    if len(part) > 2 and part[1] == "'" and len(part[0].upper()) == 1:  # not 'ß', whose capital is 'SS'
        return part[0].upper() + "'" + part[2:].capitalize()
    return part.capitalize()


def normalize_name(raw: str) -> str | None:
    s = _clean(raw).translate(_APOSTROPHES)
    s = "".join("-" if c in _DASHES else c for c in s)
    # Digits are OCR debris inside a word; other punctuation separates words
    # ("Иванов,Иван", "И.И.").
    s = "".join(c if c.isalpha() or c in "-' " else ("" if c.isdigit() else " ") for c in s)
    s = re.sub(r" ?-[ -]*", "-", " ".join(s.split()))  # "Петрова - Водкина"
    s = re.sub(r"'+", "'", s)
    words = [w.strip("-'") for w in s.split()]
    words = [w for w in words if any(c.isalpha() for c in w)]
    # A label's qualifier '(при наличии)' whose brackets were lost opens no name ('Наличии М
    # Викторовна' under 'Отчество (при наличии)').
    while words and words[0].lower() in _QUALIFIER_WORDS:
        words = words[1:]
    if not words:
        return None
    # A patronymic's ending read as a word of its own ('Тарас Овна'): no name is only that.
    for i in range(len(words) - 1, 0, -1):
        if words[i].lower() in PATRONYMIC_ENDINGS_ALONE:
            words[i - 1:i + 1] = [words[i - 1] + words[i].lower()]
    words = [_NAME_SHORT_I_LOST.sub(lambda m: "Й" if m[0] == "И" else "й", w) for w in words]
    return " ".join("-".join(_title_part(p) for p in w.split("-")) for w in words)


NAME_KINDS = ("name", "given_name")  # the kinds of a person's name or one of its parts


def normalize_given_name(raw: str) -> str | None:
    """A first name: a name (`normalize_name`), a slip of OCR in a given name read back
    (fields/given_names.py)."""
    return read_back(normalize_name(raw))


_QUALIFIER_WORDS = {"при", "наличии", "наличия"}
# 'Й' read without its breve at a name's end ('Варфоломеи', 'Николаи', 'Толстои', 'Григории',
# 'Покровскии'): no Russian name, surname or patronymic ends in a vowel and 'и'.
_NAME_SHORT_I_LOST = re.compile(r"(?<=[аеёиоуыэюяАЕЁИОУЫЭЮЯ])[иИ](?=-|$)")

PATRONYMIC_ENDINGS = ("ович", "евич", "овна", "евна", "ична")
# (A patronymic read in two pieces too: 'Вас ильевич гор. Омск'.)
_PATRONYMIC_BEFORE_PLACE = re.compile(
    rf"^(?:[^\W\d_]+ )?[^\W\d_]*(?:{'|'.join(PATRONYMIC_ENDINGS)}|ьич)[.,]? (?=(?:{SETTLEMENT_ABBREVIATION}|[СсДд])[.,] ?[А-ЯЁ])",
    re.IGNORECASE)
PATRONYMIC_ENDINGS_ALONE = {*PATRONYMIC_ENDINGS, "инична"}  # a patronymic's ending read as a word of its own


def _gender_of_word(word: str) -> str | None:
    # Script repair before lowercasing: Latin "M" looks like "М", "m" does not. A word of
    # "мужской"'s length or less that starts like it is that word misread ("мух.", "жеи").
    for w in (word.lower(), word.translate(_LAT_TO_CYR).lower()):
        if w in ("м", "m", "male") or (w.startswith("му") and len(w) <= 7):
            return "male"
        if w in ("ж", "f", "female") or (w.startswith("же") and len(w) <= 7):
            return "female"
        # Its short form with the middle letter misread ('ЖАН.', 'МОЖ.'): the first and last
        # letters are the two words' own.
        if len(w) == 3 and w[0] + w[2] in ("мж", "жн"):
            return "male" if w[0] == "м" else "female"
    return None


def normalize_gender(raw: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", _clean(raw))
    found = {g for g in map(_gender_of_word, words) if g}
    # Both genders present ("М/Ж" printed on a form) is not a reading.
    return found.pop() if len(found) == 1 else None


# "№ 123", "No. 123", "N123", "#123", "№ N 5" - but not the N of "NA-123" or
# "Nov"; the lookahead keeps a lone "N" left over by "N N" as the number.
_DOC_PREFIX_RE = re.compile(r"^(?:(?:№|#|N[oOº°]?\.?(?![^\W\d_]))[\s.:]*)+(?=.*\w)")
_DOC_MARKER_ONLY_RE = re.compile(r"(?:№|#|N[oOº°]\.?|[\s.:])+")
# A letter prefix's hyphen ending OCR's word ('А- 1485/2023'), or a part's separator ('3455/ 10'):
# a number prints no space there.
_PREFIX_HYPHEN_SPACED = re.compile(r"(?<=[^\W\d_])- (?=\d)|(?<=\d)([\-/]) (?=\d)")


def normalize_doc_number(raw: str) -> str | None:
    s = normalize_text(raw)
    if s is None or _DOC_MARKER_ONLY_RE.fullmatch(s):
        return None
    return _PREFIX_HYPHEN_SPACED.sub(lambda m: m[1] or "-", _DOC_PREFIX_RE.sub("", s)).strip(_STRAY_EDGE + " ") or None


def normalize_doc_number_ru(raw: str) -> str | None:
    """A Russian document's number: letters that all look alike in both scripts ('А-00054',
    'ВР-12') are Cyrillic, whichever script OCR gave them; 'INV-12' stays as read. A bracket
    that opens it and nothing closes is its round 'С' ('(Ф-76' is 'СФ-76')."""
    s = normalize_doc_number(_OPEN_BRACKET_FOR_S.sub("С", _SMALL_EF.sub("Ф", raw)))
    if s is None:
        return None
    letters = [c for c in s if c.isalpha()]
    if letters and (all(c in _LOOKALIKE_CAPITALS for c in letters)
                    or any("\u0400" <= c <= "\u04ff" for c in letters) and all(c.isupper() for c in letters)):
        # (Capitals in both scripts are the Cyrillic ones: 'CФ-7694', its 'С' read in Latin.)
        return s.translate(_LAT_TO_CYR)
    return s


# The signs Tesseract reads for a small 'Ф' ('C®-7694' for 'СФ-7694'), in a number's letters.
_SMALL_EF = re.compile(r"(?<=[A-Za-zА-Яа-яЁё])[®©]|[®©](?=[A-Za-zА-Яа-яЁё]|-?\d)")


_OPEN_BRACKET_FOR_S = re.compile(r"^\((?=[А-ЯЁA-Z][^()]*$)")
_LOOKALIKE_CAPITALS = {chr(c) for pair in _LAT_TO_CYR.items() for c in pair if chr(c).isupper()}


# --------------------------------------------------------------------------
# Digit-based identifiers
# --------------------------------------------------------------------------


def normalize_digits(raw: str) -> str | None:
    return _digits(raw) or None


def _exact_digits(raw: str, count: int) -> str | None:
    d = _digits(raw)
    return d if len(d) == count else None


def normalize_snils(raw: str) -> str | None:
    d = _exact_digits(raw, 11)
    return None if d is None else f"{d[:3]}-{d[3:6]}-{d[6:9]} {d[9:]}"


def normalize_inn(raw: str) -> str | None:
    d = _digits(raw)
    return d if len(d) in (10, 12) else None


def normalize_passport_number(raw: str) -> str | None:
    d = _exact_digits(raw, 10)
    return None if d is None else f"{d[:4]} {d[4:]}"


def normalize_division_code(raw: str) -> str | None:
    d = _exact_digits(raw, 6)
    return None if d is None else f"{d[:3]}-{d[3:]}"


_D = f"[{_LOOKALIKE_CLASS}]"
# 4 digits, 2 reason-code characters (digit or Latin letter), 3 digits.
_KPP_RE = re.compile(
    rf"(?<![0-9])({_D}{{4}})[\s{_DASHES}]*([0-9A-Za-zА-Яа-яЁё]{{2}})[\s{_DASHES}]*({_D}{{3}})(?![0-9A-Za-zА-Яа-яЁё])"
)


def normalize_kpp(raw: str) -> str | None:
    m = _KPP_RE.search(_clean(raw))
    if not m:
        return None
    head, reason, tail = m.groups()

    def as_digits(s: str) -> str:
        return "".join(_DIGIT_LOOKALIKES.get(c, c) for c in s)

    # Positions 5-6 may legitimately be letters, so "O" there is NOT turned
    # into "0" (that would be a guess); Cyrillic lookalikes become Latin.
    reason = reason.translate(CYRILLIC_AS_LATIN).upper()
    kpp = as_digits(head) + reason + as_digits(tail)
    return kpp if re.fullmatch(r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}", kpp) else None


# --------------------------------------------------------------------------
# money
# --------------------------------------------------------------------------

_AMOUNT_RE = re.compile(
    r"""
    (?P<sign>[-−])?
    (?P<int>
        \d{1,4}(?:[ .]\d{3})+(?=\s*,\s*\d{2}(?!\d))             # a group's space read as a stop: 1015.858,80
      | \d{1,3}(?P<sep>[ '’.,])\d{3}(?:(?P=sep)\d{3})*(?!\d)   # 118 000 / 1,234 / 1.234
      | \d{4}(?:[ ]\d{3})+(?!\d)                              # OCR lost a space: 1064 666
      | \d+
      | (?<!\d)(?=[.,]\d)                                      # ".50" is 0.50
    )
    (?:
        (?:\s*[.,]\s*|(?<=\d{3})[:;])(?P<frac>\d+)(?!\d)       # ,56 / .56 / 622974:00 (no time) / 578381;10
      | \s*[-–—]\s*(?P<dash>\d{2})(?!\d)                       # Russian 567-89
      | \s*(?:руб(?:лей|ля|ль)?|р)\.?\s*(?P<kop>\d{1,2})\s*к   # 5 руб. 50 коп.
    )?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def normalize_money(raw: str) -> str | None:
    m = _AMOUNT_RE.search(fix_digit_lookalikes(_clean(raw)))
    if not m:
        return None
    whole = re.sub(r"\D", "", m["int"]) or "0"
    if m["frac"] is not None:
        frac = m["frac"].ljust(2, "0")
        if frac[2:].strip("0"):
            return None  # more than 2 significant decimals: rounding would change the value
        frac = frac[:2]
    elif m["dash"] is not None:
        frac = m["dash"]
    elif m["kop"] is not None:
        frac = m["kop"].zfill(2)  # "5 коп." is 0.05
    else:
        frac = "00"
    amount = Decimal(f"{whole}.{frac}")
    if m["sign"] and amount:
        amount = -amount
    return f"{amount:.2f}"


# --------------------------------------------------------------------------
# date
# --------------------------------------------------------------------------

# month -> (full forms whose prefixes are accepted abbreviations,
#           stems whose inflections are accepted)
_MONTHS: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {
    1: (("январь", "января", "january"), ("январ",)),
    2: (("февраль", "февраля", "february"), ("феврал",)),
    3: (("март", "марта", "march"), ("март",)),
    4: (("апрель", "апреля", "april"), ("апрел",)),
    5: (("май", "мая", "may"), ("мае",)),
    6: (("июнь", "июня", "june"), ("июн",)),
    7: (("июль", "июля", "july"), ("июл",)),
    8: (("август", "августа", "august"), ("август",)),
    9: (("сентябрь", "сентября", "september"), ("сентябр",)),
    10: (("октябрь", "октября", "october"), ("октябр",)),
    11: (("ноябрь", "ноября", "november"), ("ноябр",)),
    12: (("декабрь", "декабря", "december"), ("декабр",)),
}

# A day and a month's genitive ('1 МАЯ.') opening a place: a birth date whose year was lost.
_LEADING_DAY_AND_MONTH = re.compile(rf"^\d{{1,2}}\s+(?i:{'|'.join(full[1] for full, _ in _MONTHS.values())})[.,]?\s+")


def _month_number(word: str) -> int | None:
    for candidate in (word.lower(), word.translate(_LAT_TO_CYR).lower()):
        candidate = candidate.replace("ё", "е")
        for month, (forms, stems) in _MONTHS.items():
            # 3+ letters so that "ма"/"ju" are not guessed as May/June/July.
            if len(candidate) >= 3 and any(f.startswith(candidate) for f in forms):
                return month
            if any(candidate.startswith(s) for s in stems):
                return month
    return _month_one_letter_off(word.lower().replace("ё", "е"))


def _month_one_letter_off(word: str) -> int | None:
    """The month whose full form a long word reads as but for one letter ('февраяя'), where
    only one does: a month's name is the only word a date's middle holds."""
    if len(word) < MONTH_FUZZY_LENGTH:
        return None
    months = {month for month, (forms, _) in _MONTHS.items() for form in forms
              if len(form) == len(word) and sum(a != b for a, b in zip(form, word)) == 1}
    return months.pop() if len(months) == 1 else None


MONTH_FUZZY_LENGTH = 6  # 'мая', 'июня', 'марта' are too short to tell from one letter off


_S = r"\s*[./,\-–—]\s*"  # numeric separator, OCR spacing tolerated
_TS = r"[\s./,:\-–—‘’'`]*"  # separator around a month word ('05 Mar: 2018': a full stop read as a colon; 'октября‘')
_MW = r"(?P<m>[A-Za-zА-Яа-яЁё]{3,})\.?"
_ORD = r"(?:st|nd|rd|th)?"

# A year of this century or the last with a space after its first figure or before its last (split
# in halves it would read as a two-figure year and another number: '12.05.20 21:30').
YEAR_SPLIT = r"1 9\d{2}|19\d \d|2 0\d{2}|20\d \d"

_DATE_PATTERNS = (
    re.compile(rf"(?<!\d)(?P<y>\d{{4}}){_S}(?P<m>\d{{1,2}}){_S}(?P<d>\d{{1,2}})(?!\d)"),
    # A two-digit year is no part of a longer date ('19- 10/03/2018' is not 19.10.2003).
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}}){_S}(?P<m>\d{{1,2}}){_S}(?P<y>\d{{4}}(?!\d)|\d{{2}}(?!\d|{_S}\d))"),
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}}){_ORD}(?!\d)\s*[»\"'”]?{_TS}{_MW}{_TS}(?P<y>\d{{4}}|\d{{2}})(?![\d:])",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<![^\W\d_]){_MW}{_TS}(?P<d>\d{{1,2}}){_ORD}(?!\d){_TS}(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    # One of the two separators lost (a fax's binarising eats full stops: '02.09 1998',
    # '10 03.1945'); the year in full, so that no two numbers side by side read as a date.
    re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}}){_S}(?P<m>\d{{1,2}}) (?P<y>\d{{4}})(?![\d.])"),
    re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}}) (?P<m>\d{{1,2}}){_S}(?P<y>\d{{4}})(?![\d.])"),
    # Or both ('27 06 1966'): day and month in two figures each, a year of this century or the last.
    re.compile(r"(?<![\d.,:])(?P<d>\d{2}) (?P<m>\d{2}) (?P<y>(?:19|20)\d{2})(?![\d.,:])"),
    # A speck's space in a year of this century or the last ('08.06.1 968'), its separators read.
    re.compile(rf"(?<![\d.])(?P<d>\d{{1,2}})[./](?P<m>\d{{1,2}})[./](?P<y>{YEAR_SPLIT})(?![\d.])"),
    # One read as a colon ('28:05.2003', a speck on a full stop); the year in full, so that
    # no time reads as a date.
    re.compile(r"(?<![\d.:])(?P<d>\d{1,2})(?::(?P<m>\d{1,2})[./\-]|[./\-](?P<m2>\d{1,2}):)(?P<y>\d{4})(?![\d.:])"),
    # Or both, on a copy of a copy ('26:12:2000'): two figures, two figures and a year of this
    # century or the last, which no time of day has.
    re.compile(r"(?<![\d.:])(?P<d>\d{2}):(?P<m>\d{2}):(?P<y>(?:19|20)\d{2})(?!\d)"),
)

# "2010г.", "2010 года" -> "2010 " so that the year token can be repaired.
_YEAR_SUFFIX_RE = re.compile(rf"(?<=[{_LOOKALIKE_CLASS}])\s*(?:года|год|г)\.?(?![^\W\d_])", re.IGNORECASE)


def _month_text(m: re.Match[str]) -> str:
    return m["m"] or m.groupdict().get("m2") or ""  # 'm2': the colon pattern's month after its day


def _first_date_match(s: str) -> re.Match[str] | None:
    """Earliest match of any date pattern whose month word is a real month."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        pos = 0
        while (m := pattern.search(s, pos)) is not None:
            if _month_text(m).isdigit() or _month_number(m["m"]):
                if best is None or m.start() < best.start():
                    best = m
                break
            pos = m.start() + 1  # not a month word: retry just after it
    return best


def _expand_year(y: str) -> int:
    # Two-digit years: the most recent past century reading.
    if len(y) == 4:
        return int(y)
    yy, this_yy = int(y), _dt.date.today().year % 100
    return 2000 + yy if yy <= this_yy else 1900 + yy


def normalize_date(raw: str) -> str | None:
    s = _YEAR_SUFFIX_RE.sub(" ", _clean(raw))
    m = _first_date_match(fix_digit_lookalikes(s))
    if m is None:
        return None
    month = int(_month_text(m)) if _month_text(m).isdigit() else _month_number(m["m"])
    day, year = int(m["d"]), m["y"].replace(" ", "")
    if month > 12 and day <= 12 and "/" in m.group() and len(year) == 4:
        day, month = month, day  # written month first, as in the US ('12/28/2017')
    try:
        # The first date is the answer; an impossible one is not replaced
        # by a later, different date.
        return _dt.date(_expand_year(year), month, day).isoformat()
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------

NORMALIZERS: dict[str, Callable[[str], str | None]] = {
    "text": normalize_text,
    "organization": normalize_organization,
    "caps": normalize_caps,
    "address": normalize_address,
    "business_name": normalize_business_name,
    "place": normalize_place,
    "name": normalize_name,
    "given_name": normalize_given_name,
    "gender": normalize_gender,
    "date": normalize_date,
    "money": normalize_money,
    "digits": normalize_digits,
    "snils": normalize_snils,
    "inn": normalize_inn,
    "kpp": normalize_kpp,
    "passport_number": normalize_passport_number,
    "division_code": normalize_division_code,
    "doc_number": normalize_doc_number,
    "doc_number_ru": normalize_doc_number_ru,
}


# Locating asks for the same words' values again and again (each candidate run, each field
# that reads them): the answers are kept.
@lru_cache(maxsize=8192)
def normalize(kind: str, raw: str | None) -> str | None:
    """Canonical string for ``raw`` read as ``kind``, or None if unreadable.

    Raises ValueError for an unknown kind (even when ``raw`` is None, so that
    typos in document-type configs surface early).
    """
    try:
        normalizer = NORMALIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown field kind {kind!r}; known: {', '.join(sorted(NORMALIZERS))}") from None
    if raw is None:
        return None
    # Again while it changes (a few rounds at most): one step may uncover work for another
    # (what comes off a place's start, '.Е. МЕДНОГОРСК', leaves another start to read; a
    # scrap dropped after a name leaves a quote to pair), and a normalised value normalised
    # again must stay as it is.
    value = normalizer(raw)
    if value == raw:
        return value  # what it gives for itself it gives again
    for _ in range(NORMALIZE_ROUNDS):
        if value is None or (again := normalizer(value)) == value:
            break
        value = again
    return value


NORMALIZE_ROUNDS = 3
