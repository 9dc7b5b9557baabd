"""A document's machine-readable zone: the two lines of OCR-B capitals, digits and '<' fillers
at the foot of a Russian passport's data page, which repeat its number, dates, sex and the
issuing division's code under check digits (ICAO 9303: weights 7, 3, 1; '<' counts 0, A-Z
10-35), and its names spelt in Latin by the passport's own table (Ь is '9', Ч '3').

Its second line is taken only where all four of its check digits pass (`apply_zone` says what
its figures and names then do to the fields the print gave).

    PNRUSLOBANOVA<<VERA<EVGEN9EVNA<<<<<<<<<<<<<<<
    0319650800RUS9908062F<<<<<<<3131023230037<84
    doc number (series' first 3 digits, number), check, RUS, birth date, check, sex,
    7 fillers (no expiry), series' last digit, issue date, division code, '<', check, check
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .normalize import CYRILLIC_AS_LATIN, normalize

if TYPE_CHECKING:
    from ..doctypes import DocType, FieldSpec
    from .choice import Found
    from .layout import PageModel

ELEMENTS = ("document_number", "surname", "given_name", "patronymic", "sex", "birth_date", "issue_date",
            "division_code")
CHECKED = {"document_number", "birth_date", "issue_date", "division_code"}  # under check digits

# Confidence of a value the zone gives: its check digits pass (a name's or the sex's: none to pass).
CHECKED_CONF = 0.95
NAME_CONF = 0.6
AGREED_NAME_CONF = 0.9  # a name or the sex the print and the zone read alike
# Where the print read another valid value: one figure apart, the print's is wrong (a check
# digit catches any one figure misread in the zone); two apart, either may be (two lookalikes
# can pass a check modulo 10: '400-030' read '480-036' and '6006' read '5906' in the zone, every
# check passing), and the print's stands, doubted; further apart, the print read another line
# or in pieces, and the zone's is taken, doubted.
ONE_APART_CONF = 0.8
DOUBTED_CONF = 0.5

_SECOND_LINE = re.compile(
    r"(?P<doc>\d{9})(?P<doc_check>\d)(?:RUS|\S{3})(?P<birth>\d{6})(?P<birth_check>\d)(?P<sex>\S)<{0,9}"
    r"(?P<optional>\d{13})<?(?P<optional_check>\d)(?P<check>\d)")
_FIRST_LINE = re.compile(r"PNRUS(?P<names>[A-Z0-9<]{5,})")
# The passport's spelling of Russian letters in its zone, read back.
_LATIN_TO_RUSSIAN = dict(zip("ABVGDE2JZIQKLMNOPRSTUFHC34WXY9678", "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"))


def check_digit(text: str) -> int:
    """ICAO 9303's check digit of `text` (digits, A-Z, '<')."""
    weights = (7, 3, 1)
    total = 0
    for i, ch in enumerate(text):
        value = int(ch) if ch.isdigit() else (ord(ch) - 55 if "A" <= ch <= "Z" else 0)
        total += value * weights[i % 3]
    return total % 10


def read_zone(lines: list[str]) -> dict[str, str] | None:
    """The zone's elements as a passport prints them ('0313 965080', '06.08.1999', 'ЖЕН.',
    '230-037', names in Cyrillic capitals), from a page's lines of text; None where no line
    reads as its second line with every check digit passing."""
    cleaned = [_cleaned(line) for line in lines]
    for index, line in enumerate(cleaned):
        match = next((m for variant in _variants(line)
                      if (m := _SECOND_LINE.search(variant)) is not None and _checks_pass(m)), None)
        if match is None:
            continue
        optional = match["optional"]
        birth, issue = _date(match["birth"]), _date(optional[1:7])
        if birth is None or issue is None or issue <= birth:
            continue
        series = match["doc"][:3] + optional[0]
        zone = {
            "document_number": f"{series} {match['doc'][3:]}",
            "birth_date": f"{birth:%d.%m.%Y}",
            "issue_date": f"{issue:%d.%m.%Y}",
            "division_code": f"{optional[7:10]}-{optional[10:13]}",
        }
        if match["sex"] in "MF":  # no check digit covers it: only as printed
            zone["sex"] = "МУЖ." if match["sex"] == "M" else "ЖЕН."
        for above in reversed(cleaned[max(0, index - 2):index]):
            if names := _names(above):
                zone.update(names)
                break
        return zone
    return None


def _cleaned(line: str) -> str:
    """A line as the zone prints it: no spaces, Cyrillic twins of Latin capitals as Latin, and
    a guillemet as the two fillers it is read for."""
    return line.upper().translate(CYRILLIC_AS_LATIN).replace("«", "<<").replace(" ", "")


# The second line's 44 places: figures, but for the nation (10-12), the sex (20) and fillers.
_LETTER_PLACES = {10, 11, 12, 20}
_AS_FIGURE = str.maketrans("OQD@UIL|ZSBG", "000001112586")


def _variants(line: str):
    """The line as read, then with figures where figures print, then cut at its fixed signs
    ('RUS', the sex before the fillers, the filler before the last two check digits) and
    each piece taken at its printed length from the sign it ends at: a figure read as two
    signs ('RUS0' read 'RUSO0', 'Q0312...' for '0312...') leaves the pieces whole. Only a
    variant whose four check digits pass is taken."""
    yield line
    yield _figures_where_figures_print(line)
    if (cut := _AT_FIXED_SIGNS.search(line)) is not None:
        yield _figures_where_figures_print(cut["doc"] + "RUS" + cut["birth"] + "<" * 7 + cut["optional"] + "<"
                                           + cut["checks"])


_AT_FIXED_SIGNS = re.compile(r"(?P<doc>[^<\s]{10})RUS[^<\s]*?(?P<birth>[^<\s]{7}[MF])<{5,}"
                             r"[^<\s]*?(?P<optional>[^<\s]{13})<(?P<checks>[^<\s]{2})$")


ZONE_LINE = 44


def _figures_where_figures_print(line: str) -> str:
    """A second line read whole (44 places), with a letter read where a figure prints taken for
    the figure it looks like ('@3196508Q@RUS...': zeros); its check digits then say whether
    that was right."""
    if len(line) != ZONE_LINE:
        return line
    return "".join(ch if i in _LETTER_PLACES or ch == "<" else ch.translate(_AS_FIGURE) for i, ch in enumerate(line))


def _checks_pass(match: re.Match) -> bool:
    composite = match["doc"] + match["doc_check"] + match["birth"] + match["birth_check"] + "<" * 7
    composite += match["optional"] + "<" + match["optional_check"]
    return (check_digit(match["doc"]) == int(match["doc_check"])
            and check_digit(match["birth"]) == int(match["birth_check"])
            and check_digit(match["optional"] + "<") == int(match["optional_check"])
            and check_digit(composite) == int(match["check"]))


def _date(yymmdd: str) -> date | None:
    """A date of the zone (YYMMDD), in the century that puts it in the past (both are)."""
    year = 2000 + int(yymmdd[:2])
    if year > date.today().year:
        year -= 100
    try:
        return date(year, int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return None


def _names(line: str) -> dict[str, str] | None:
    match = _FIRST_LINE.search(line)
    if match is None:
        return None
    parts = match["names"].rstrip("<").split("<<")
    if len(parts) != 2 or not parts[0]:
        return None
    surname, given = parts[0].replace("<", "-"), parts[1].split("<")
    if len(given) != 2 or not all(given):
        return None
    spelt = [surname, *given]
    if not all(re.fullmatch(r"[A-Z0-9-]+", word) and not word[0].isdigit() for word in spelt):
        return None
    russian = ["".join(_LATIN_TO_RUSSIAN.get(ch, ch) for ch in word) for word in spelt]
    return dict(zip(("surname", "given_name", "patronymic"), russian))


def apply_zone(doctype: DocType, models: list[PageModel], results: dict[str, Found]) -> None:
    """The fields of `doctype` that its zone repeats (`FieldSpec.mrz`) checked against the zone
    of the first page that prints one, in place. A field the page prints (its label was read,
    or a value; a field printed along the edge is on every page) and the print left missing or
    invalid takes the zone's element; one read alike is surer; one read otherwise, valid, is
    weighed as ONE_APART_CONF says. A field the page does not print (the issue of a data page
    photographed alone) stays empty, as the print leaves it. Names and the sex have no check
    digit: they only fill a field left missing or invalid; a name whose label was not read is
    the word printed as the zone spells it (then even where the zone's second line fails its
    checks: the print and the zone's first line agree). The birth date is printed on the page
    that prints the zone: taken from it, checked, even where its label was not read."""
    from .choice import Found

    specs = [spec for spec in doctype.fields if spec.mrz]
    if not specs:
        return
    for model in models:
        lines = [" ".join(w.text for w in row.words) for row in model.rows]
        zone = read_zone(lines)
        # Its second line misread past its check digits: the first line's names are taken only
        # where a word printed on the page reads alike (two readings agreeing), nothing else.
        checks_pass = zone is not None
        zone = zone or next((n for line in lines if (n := _names(_cleaned(line)))), None)
        if zone is None:
            continue
        labelled = {hit.owner for hit in model.hits}
        # The issuing page's fields are printed together: one of them read there (the issue
        # date by its label) prints the others, whose own labels a stamp may have taken.
        issuing_page = read_on_page([spec.id for spec in specs if spec.mrz in ISSUE], results, labelled)
        for spec in specs:
            value = normalize(spec.normalize, zone[spec.mrz]) if spec.mrz in zone else None
            found = results.get(spec.id) or Found()
            if value is None:
                continue
            on_page = spec.id in labelled or (spec.mrz in ISSUE and issuing_page)
            if found.value is None and not on_page and not spec.vertical and spec.mrz != "birth_date":
                # Its label not read (a photographed spread's captions are a few pixels high):
                # the field is printed where a word on the page is the zone's name.
                if spec.mrz in NAMES and (printed := _printed_as(spec, model, value)) is not None:
                    results[spec.id] = printed
                    continue
                # The names and the sex are printed on the page that prints the zone: where its
                # checks pass, the zone gives one whose print was lost (a signature over 'БЕЛОВ').
                if not (checks_pass and spec.mrz in DATA_PAGE):
                    continue
            if not checks_pass:
                continue
            checked = spec.mrz in CHECKED

            def from_zone(confidence: float, warning: str | None = None) -> Found:
                return Found(value, zone[spec.mrz], True, confidence, model.page.page, None, "mrz",
                             warning and f"{spec.id}: {warning}")

            if found.value == value:  # the print's reading and the zone's alike
                results[spec.id] = replace(found, confidence=max(found.confidence,
                                                                 CHECKED_CONF if checked else AGREED_NAME_CONF))
            elif found.value is None or not found.valid:
                results[spec.id] = (from_zone(CHECKED_CONF) if checked else from_zone(
                    NAME_CONF, "read from the machine-readable zone, which gives it no check digit"))
            elif checked:
                apart = _figures_apart(found.value, value)
                if apart == 1:
                    results[spec.id] = from_zone(ONE_APART_CONF, f"the print read {found.value!r}; the "
                                                 "machine-readable zone's check digits pass")
                elif apart == 2:
                    results[spec.id] = replace(found, confidence=min(found.confidence, DOUBTED_CONF),
                                               warning=f"{spec.id}: the machine-readable zone reads {value!r}")
                else:
                    results[spec.id] = from_zone(DOUBTED_CONF, f"the print read {found.value!r}; the "
                                                 "machine-readable zone, whose check digits pass, reads otherwise")
        if checks_pass:
            return  # the first page whose zone passes its checks


NAMES = {"surname", "given_name", "patronymic"}
DATA_PAGE = NAMES | {"sex"}  # printed on the page that prints the zone
ISSUE = {"issue_date", "division_code"}  # printed on the issuing page, which a data page alone lacks
PRINTED_NAME_CONF = 0.85  # a name with no label, printed as the zone spells it
MIN_NAME_LETTERS = 3


def read_on_page(field_ids: list[str], results: dict[str, Found], labelled: set[str]) -> bool:
    """Whether any of the fields was read in print: its label (`labelled`: the fields whose
    labels were found), or a value not the zone's."""
    def in_print(found: Found | None) -> bool:
        return found is not None and found.value is not None and found.source != "mrz"

    return any(f in labelled or in_print(results.get(f)) for f in field_ids)


def _printed_as(spec: FieldSpec, model: PageModel, value: str) -> Found | None:
    """The word of the page (outside the zone) that reads as the zone's name, as a found value;
    None where no word does, or where words on two rows do (which of them is the field's)."""
    from .choice import Found

    if len(value) < MIN_NAME_LETTERS:
        return None
    rows = [row for row in model.rows if not any("<" in w.text for w in row.words)]
    words = [w for row in rows for w in row.words if normalize(spec.normalize, w.text.strip(".,:;")) == value]
    if len({w.line for w in words}) != 1:
        return None
    word = max(words, key=lambda w: w.conf)
    return Found(value, word.text, True, PRINTED_NAME_CONF, model.page.page, word.bbox, "mrz",
                 f"{spec.id}: its label was not read; the word printed as the machine-readable zone spells it")


def _figures_apart(a: str, b: str) -> int:
    """In how many places two values of one shape differ (a large number where the shapes differ)."""
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b))
