"""Choosing a field's value among its candidates: each is cut by the field's pattern (or,
for free text, cleaned of specks and excluded parts), normalised and validated; a valid
value beats an invalid one, and an invalid one is still reported (valid: false), never
dropped or "corrected"."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from rapidfuzz import fuzz

from ..backends.base import Box, Word, union_box
from ..doctypes import FieldSpec
from .candidates import Candidate
from .given_names import is_listed
from .layout import SPECK_CONF, build_rows
from .matching import squash
from .normalize import (LATIN_CITY_MARK, NAME_KINDS, PATRONYMIC_ENDINGS, YEAR_SPLIT, fix_digit_lookalikes, normalize,
                        same_glyphs_in)
from .spelling import respelled
from .validate import RUSSIAN_PATRONYMIC, script_of, validate

_KOPECKS = r"\s*(?:руб(?:лей|ля|ль)?|р)\.?\s*\d{1,2}\s*коп(?:\.|еек|ейки|ейка)?"
MACROS = {
    "date": (
        # A two-digit year is no more of a longer date: '#19- 10/03/2018' holds no '19-10/03'.
        # A month in words, the year's 'г.' or 'года' after it.
        r"(?:(?<!\d)(?:«?\d{1,2}»?[.,]?\s*[\-‘’'`]?\s*[A-Za-zА-Яа-яЁё]{3,}[.:‘’'`]?\s*[,\-]?\s*(?:\d{4}(?!\d)|\d{2}(?![\d:]))"
        r"|[A-Za-z]{3,}\.?\s+\d{1,2},?\s+\d{4})"
        # ('Тода': its 'Г' misread; a hyphen, a speck on the year's line: '2002-Года'.)
        r"(?:\s*-?\s*(?:[Гг][Оо][Дд][Аа]?|[Тт][Оо][Дд][Аа]|[Гг])\.?(?!\w))?"
        # In figures: a 'г.' apart before a capitalised word opens a town's name ('30.03.1950
        # г. Волгоград'; a year in figures is rarely marked so, a birthplace's town always is).
        r"|(?<!\d)(?:«?\d{1,2}»?\s*[./\-]\s*\d{1,2}\s*[./\-]\s*(?:\d{4}(?!\d)|\d{2}(?!\d|\s*[./\-]\s*\d))"
        r"|\d{4}\s*[./\-]\s*\d{1,2}\s*[./\-]\s*\d{1,2}(?!\d)"
        # One separator lost to a fax ('02.09 1998', '10 03.1945'), the year in full.
        r"|(?<![\d.])\d{1,2}(?:[./\-]\d{1,2} | \d{1,2}[./\-])\d{4}(?![\d.])"
        # Or both ('27 06 1966'): day and month in two figures each, a year of this century or
        # the last.
        r"|(?<![\d.,:])\d{2} \d{2} (?:19|20)\d{2}(?![\d.,:])"
        # Or one read as a colon or a comma ('28:05.2003', a fax's '03.06,1974'), the year in
        # full: no time nor amount reads so.
        r"|(?<![\d.:,])\d{1,2}(?:[:,]\d{1,2}[./\-]|[./\-]\d{1,2}[:,])\d{4}(?![\d.:,])"
        # Or both read as commas on a blurred card ('25,03,1969'), the year in full: no amount
        # reads so.
        r"|(?<![\d,.])\d{1,2},\d{2},(?:1[89]|20)\d{2}(?![\d,])"
        # Or as colons on a copy of a copy ('26:12:2000'): no time of day has a year.
        r"|(?<![\d.:])\d{2}:\d{2}:(?:19|20)\d{2}(?!\d)"
        # Or a speck's space in its year ('08.06.1 968').
        rf"|(?<![\d.])\d{{1,2}}[./]\d{{1,2}}[./](?:{YEAR_SPLIT})(?![\d.]))"
        r"(?:\s*[Гг][Оо][Дд][Аа]?\.?(?!\w)|[Гг]\.?(?!\w)|\s+[Гг](?!\.?\s*[А-ЯЁ][А-ЯЁа-яё\-]{2,})\.?(?!\w))?)"
    ),
    "money": (
        # '34 165,00', '28 953-00', '1.440.329,10', '34165.0', '9.00'; not a date's '15.03'.
        # '16187, 40': a space read after a decimal comma (no thousands group has two digits);
        # '622974:00', '578381;10': a colon or a speck over a comma for the decimal point
        # (no time has three digits before it); '1015.858,80': a group's space read as a stop.
        # An amount's kopecks after a dash ('792-20') start no amount ('20 664 753-20'); a speck
        # read as a stop before an amount is no part of it ('.550 470,60').
        # A group's space read as an apostrophe ('528'973,20'), as Swiss print has it.
        r"(?<![\d,])(?<!\d\.)(?<!\d-)(?:\d{1,4}(?:[ \u00a0'’]\d{3})+(?:[.,\-]\d{2})?|\d{1,4}(?:[ \u00a0.]\d{3})+,\d{2}|\d{3,}(?:, |[:;])\d{2}"
        r"|\d+[.,]\d{1,2}|\d+(?=" + _KOPECKS + "))"
        r"(?!\d|[.,]\d)"
        # Roubles and kopecks in words: '126 099 руб. 50 коп.'
        r"(?:" + _KOPECKS + ")?"
    ),
}
EDGE_JUNK = " \t‚‘’`'°=_~*•·,;:|/\\-–—"  # specks OCR reads at a value's ends
STRAY_LETTERS = 3  # a word of the other script this short at a value's end is no part of it
JUNK_SIGNS = set("©®™|¦§¶•°~")  # signs a name, place or office never prints: specks and stamps read as text
METHOD_WEIGHT = {"label": 1.0, "group": 0.95, "vertical": 0.9, "pattern": 0.8, "layout": 0.7}


@dataclass
class Found:
    value: str | None = None
    raw: str | None = None
    valid: bool = True
    confidence: float = 0.0
    page: int | None = None
    bbox: Box | None = None
    source: str | None = None
    warning: str | None = None


def expand(pattern: str) -> str:
    return re.sub(r"\{(" + "|".join(MACROS) + r")\}", lambda m: MACROS[m.group(1)], pattern)


def value_from_words(spec: FieldSpec, words: list[Word], page: int, method: str) -> Found | None:
    """The field's value read from given words (a re-read of the value's own box)."""
    if method == "group" or method not in METHOD_WEIGHT:
        # The box holds this field's word alone (as a label's value; one told by the order of
        # dates, 'chronology', or given by a passport's zone is read there as such).
        method = "label"
    rows = build_rows(words)
    return read_value(spec, Candidate([w for row in rows for w in row.words], page, method))


def choose(spec: FieldSpec, candidates: list[Candidate]) -> Found | None:
    """The first candidate that gives a valid value, else the first that gives any value.
    Free text has no shape to tell a right value from a wrong one, so for it the nearest
    candidate stands, valid or not (an invalid one is re-read, never swapped for a far one),
    unless it has no letter where a script's words are expected: a speck's figure beside its
    label ('Место рождения 2') is no reading of it."""
    first_invalid = None
    for candidate in candidates:
        found = read_value(spec, candidate)
        if found is None:
            continue
        if spec.pattern is None and _letterless(spec, found):
            first_invalid = first_invalid or found
            continue
        if found.valid or (spec.pattern is None and candidate.method != "group"):
            return found
        first_invalid = first_invalid or found
    return first_invalid


def _letterless(spec: FieldSpec, found: Found) -> bool:
    """No letter where a script's words are expected, or one sign read alone: a speck's reading
    ('2', 'Г'). (A word read as one letter is kept, invalid: a name read '30H' is read again in
    its box, and comes out 'Зоя'.) Nor, for any text, a scrap of three signs or fewer read
    unsure (a speck beside 'Продавец' read 'eas' at 9 %, the seller's name under it)."""
    signs = sum(c.isalnum() for c in found.raw or "")
    if signs <= SCRAP_SIGNS and found.confidence < SPECK_CONF / 100:
        return True
    return bool(spec.validate_params.get("script")) and (not any(c.isalpha() for c in found.value or "") or signs <= 1)


SCRAP_SIGNS = 3


def read_value(spec: FieldSpec, candidate: Candidate) -> Found | None:
    # A name read in two is glued, but not a group already read as its names, one word each:
    # a blurred scan's boxes of 'ФЕДОТОВ СИЛЬВЕСТР ДАНИЛОВИЧ' touch, a space between them.
    if spec.normalize in NAME_KINDS and not (candidate.method == "group"
                                         and len(_names(join_words(candidate.words)[0])) == candidate.group_size):
        candidate = replace(candidate, words=_glued(candidate.words))
    if spec.pattern is None:
        candidate = replace(candidate, words=_without_specks(spec, candidate.words, inside=candidate.method == "group"))
        if candidate.method != "group":
            candidate = replace(candidate, words=text_value_words(spec, candidate.words))
    pieces_joined: set[Box] = set()
    if spec.normalize in ("inn", "kpp"):
        words = _number_pair_joined(candidate.words)
        pieces_joined = {w.bbox for w in words if not any(w is old for old in candidate.words)}
        candidate = replace(candidate, words=words)
    text, spans = join_words(candidate.words)
    if candidate.method == "group":
        return _group_word(spec, candidate, text, spans)
    if spec.pattern:
        found = _pattern_value(spec, candidate, text, spans)
        if found is not None and found.bbox in pieces_joined:
            found = replace(found, confidence=min(found.confidence, PIECES_CONF),
                            warning=found.warning or f"{spec.id}: read in pieces, joined where the INN's check digits agree")
        return found
    # Cut line by line: a date's 'г.' (year) is never the next line's 'г.' (town).
    starts = [spans[i][0] for i in range(len(candidate.words)) if i == 0 or _starts_line(candidate.words, i)]
    for pattern in spec.exclude:
        text = "".join(re.sub(expand(pattern), lambda m: " " * len(m.group()), text[a:b])
                       for a, b in zip(starts, starts[1:] + [len(text)]))
    return found_in(spec, candidate, text, spans, (0, len(text)))


# An INN and KPP printed together ('6134978307/613443005').
_NUMBER_PAIR = re.compile(r"(\d{10}|\d{12})/\d{9}")
NUMBER_PIECES = 4  # at most this many words make one pair
PIECES_CONF = 0.75


def _number_pair_joined(words: list[Word]) -> list[Word]:
    """An INN and KPP pair read in pieces on one line ('78171', '78940/78', '1701005.') as one
    word, where the pieces join into the pair's shape and the INN's check digits agree. Pieces
    whose boxes overlap and repeat figures at their joint were read twice there (a second,
    sparse reading's words over the first's: '61', '134978307/61', '13443005'): those figures
    count once."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        joined = None
        for end in range(min(len(words), i + NUMBER_PIECES), i + 1, -1):
            pieces = words[i:end]
            if any(_starts_line(pieces, k) for k in range(1, len(pieces))):
                continue  # one line's pieces only
            texts = [w.text.rstrip(".,;:") if k == len(pieces) - 1 else w.text for k, w in enumerate(pieces)]
            if not all(re.fullmatch(r"[\d/]+", t) for t in texts) or sum(t.count("/") for t in texts) != 1:
                continue
            text = _pieces_text(pieces, texts)
            pair = _NUMBER_PAIR.fullmatch(text)
            if pair and validate("inn", pair[1]).valid:
                joined = Word(text, union_box([w.bbox for w in pieces]), min(w.conf for w in pieces),
                              pieces[0].line)
                i = end
                break
        if joined is None:
            out.append(words[i])
            i += 1
        else:
            out.append(joined)
    return out


def _pieces_text(pieces: list[Word], texts: list[str]) -> str:
    text = texts[0]
    for before, word, piece in zip(pieces, pieces[1:], texts[1:]):
        overlap = before.bbox[2] - word.bbox[0]
        figure = (word.bbox[2] - word.bbox[0]) / max(1, len(piece))
        repeated = round(overlap / figure) if overlap > 0 else 0
        if repeated and text.endswith(piece[:repeated]):
            piece = piece[repeated:]
        text += piece
    return text


def text_value_words(spec: FieldSpec, words: list[Word]) -> list[Word]:
    """A text value's words: past any of its own label's that open it (`past_own_label`), and
    before a machine-readable zone's ('PNRUSMOL3ANOVA<<VARVARA<...', a passport's place of birth
    running on into it): no text prints a '<'."""
    words = past_own_label(spec, words)
    zone = next((i for i, w in enumerate(words) if "<" in w.text), len(words))
    return words[:max(1, zone)]


def past_own_label(spec: FieldSpec, words: list[Word]) -> list[Word]:
    """A text value without words of its own label that open it, read a letter or two off
    ('выдлн: ЗАРЕЧЕНСКОГО РУВД', taken over its issue date where its label was not found): no
    value opens with its label. One word of the value stays."""
    label_words = {squash(word) for label in spec.labels for word in label.split() if len(squash(word)) >= 4}
    start = 0
    while start < min(len(words) - 1, OWN_LABEL_WORDS) and (
            (word := squash(words[start].text)) and len(word) >= 4
            and any(fuzz.ratio(word, label) >= OWN_LABEL_LIKENESS for label in label_words)):
        start += 1
    return words[start:]


OWN_LABEL_WORDS = 2  # at most this many of a value's first words are its label's
OWN_LABEL_LIKENESS = 75  # one letter in four or five off


def _glued(words: list[Word]) -> list[Word]:
    """Words of one line closer than any space between them are one word: a name read in two
    ('ЕЛ ИЗАР', four pixels apart, a fifth of a letter's width and a tenth of its height).
    A space is half a letter wide or more; the height alone misleads where a blurred scan's
    boxes grow taller ('ФИЗИЧЕСКОЕ ЛИЦО', 10 pixels apart at 70 pixels high, a third of a
    letter). Boxes that overlap are a skewed or stretched line's words ('ЕРМОЛАЙ' and a tall
    'ВЕНЕДИКТОВИЧ'). Both are letters, two or more: a speck read as a letter beside a name
    stays apart."""
    glued = words[:1]
    for word in words[1:]:
        before = glued[-1]
        gap = word.bbox[0] - before.bbox[2]
        height = max(before.bbox[3] - before.bbox[1], word.bbox[3] - word.bbox[1])
        letter = min((w.bbox[2] - w.bbox[0]) / max(1, len(w.text)) for w in (before, word))
        if (before.text.isalpha() and word.text.isalpha() and len(word.text) >= 2  # no speck read as a letter
                and len({script_of(c) for c in before.text + word.text}) == 1  # no Latin scrap ('Ana фаина')
                and not _starts_line([before, word], 1) and 0 <= gap < min(NAME_GAP * height, LETTER_GAP * letter)):
            glued[-1] = replace(before, text=before.text + word.text, bbox=union_box([before.bbox, word.bbox]),
                                conf=min(before.conf, word.conf))
        else:
            glued.append(word)
    return glued


NAME_GAP = 0.15  # of the letters' height
LETTER_GAP = 0.25  # of a letter's width


def _starts_line(words: list[Word], i: int) -> bool:
    """Whether word i starts a new line of a value: left of the word before it, or under it."""
    word, before = words[i].bbox, words[i - 1].bbox
    return word[0] < before[0] or (word[1] + word[3]) / 2 > before[3]


def _without_specks(spec: FieldSpec, words: list[Word], inside: bool) -> list[Word]:
    """A text value's words less junk anywhere, and less the specks read as letters of the
    other script at its ends ('ВАСИЛИСА Ses'), or anywhere among a group's names: unsure
    words (SPECK_CONF) with no letter of the field's script. Whatever is kept, one word stays."""
    script = spec.validate_params.get("script")
    if not script:
        return words

    def junk(word: Word) -> bool:
        """However sure: a sign no such value prints ('ГОР. ТАМБОВ ©'), or one letter
        of the other script standing alone with no twin in the value's ('г. Ленинград I')."""
        text = word.text
        return (all(c in JUNK_SIGNS for c in text)
                or (len(text) == 1 and text.isalpha() and script_of(text) != script and not same_glyphs_in(text, script)))

    def speck(word: Word) -> bool:
        letters = [c for c in word.text if c.isalpha()]
        return word.conf < SPECK_CONF and bool(letters) and not any(script_of(c) == script for c in letters)

    def stray(word: Word) -> bool:
        """At a value's ends, however sure: a short word all in the other script ('Ry
        Галиева', 'SoS МОСКОВСКАЯ ОБЛ.'), a stamp's or a photo's edge read as letters; beside
        a name, one letter alone ('А Моисеев': no part of a name is a letter with no stop)."""
        letters = [c for c in word.text if c.isalpha()]
        return (speck(word) or (0 < len(letters) <= STRAY_LETTERS and not any(c.isdigit() for c in word.text)
                                and not any(script_of(c) == script for c in letters))
                or (spec.normalize in NAME_KINDS and len(word.text) == 1 and word.text.isalpha()))

    words = [w for w in words if not junk(w)] or words[:1]
    if inside:
        kept = [w for w in words if not speck(w) and not _lone_twin(w.text, script)]
        return kept or words[:1]
    start, end = 0, len(words)
    while end - start > 1 and (stray(words[end - 1]) or _unsure_apart(spec, words[end - 2], words[end - 1])):
        end -= 1
    # (A place's opening 'г.' read in Latin, after a speck's sign or not ('+f. Казань'), is
    # its settlement's: normalize reads it back.)
    while end - start > 1 and (stray(words[start]) or _small_before_capitals(spec, words[start], words[start + 1:end])) and not (
            spec.normalize == "place" and start == 0 and re.fullmatch(rf"\W?{LATIN_CITY_MARK}", words[0].text)):
        start += 1
    kept = words[start:end]
    return [replace(w, text=twin) if 0 < i < len(kept) - 1 and (twin := _lone_twin(w.text, script)) else w
            for i, w in enumerate(kept)]


# A name's words are a space apart: an unsure word further off its last is a stamp's or a
# signature's stroke read beside it ('СЕРГЕЙ що,' at 21 %, three heights right of the name).
NAME_WORDS_APART = 1.5  # letter heights


def _unsure_apart(spec: FieldSpec, before: Word, word: Word) -> bool:
    height = max(before.bbox[3] - before.bbox[1], 1)
    return (spec.normalize in NAME_KINDS and word.conf < SPECK_CONF
            and word.bbox[0] - before.bbox[2] > NAME_WORDS_APART * height)


def _small_before_capitals(spec: FieldSpec, word: Word, rest: list[Word]) -> bool:
    """A word in small letters opening a name printed in capitals: a caption's scrap ('тче®во'
    of 'отчество' before 'ХАБИБУЛЛИНА')."""
    letters = [c for c in word.text if c.isalpha()]
    return (spec.normalize in NAME_KINDS and bool(letters) and all(c.islower() for c in letters)
            and all(any(c.isalpha() for c in w.text) and not any(c.islower() for c in w.text) for w in rest))


def _lone_twin(text: str, script: str) -> str | None:
    """A word of one letter of the other script inside a value, read as its identical twin in
    the value's script: the preposition 'В' read as a Latin 'B' ('ОБЛ. B ЗАВОДСКОМ Р-НЕ')."""
    if len(text) != 1 or not text.isalpha() or script_of(text) == script:
        return None
    return same_glyphs_in(text, script)


def _pattern_value(spec: FieldSpec, candidate: Candidate, text: str, spans) -> Found | None:
    fixed = fix_digit_lookalikes(text)  # maps letters to digits one for one: offsets still hold
    for pattern in spec.exclude:  # blanked, offsets kept: an invoice's form quotes its decree's date
        fixed = re.sub(expand(pattern), lambda m: " " * len(m.group()), fixed)
    found = _first_match_value(spec, candidate, text, fixed, spans)
    if spec.validate in CHECK_DIGITS and (found is None or not found.valid):
        # A number whose check digits tell a right reading from a wrong one: signs and letters
        # that look like digits read as them ('$212166335' is 5212166335), where that makes the
        # number valid; doubted all the same.
        lookalikes = fixed.translate(_CHECKED_DIGIT_LOOKALIKES)
        again = _first_match_value(spec, candidate, lookalikes, lookalikes, spans) if lookalikes != fixed else None
        if again is not None and again.valid:
            return replace(again, confidence=min(again.confidence, LOOKALIKE_CONF),
                           warning=f"{spec.id}: read with signs or letters taken for the digits they look like")
        boxed = _number_in_boxes(spec, candidate)
        if boxed is not None:
            return boxed
    if spec.normalize == "date" and (found is None or not found.valid):
        return _date_in_boxes(spec, candidate) or found
    if found is not None and spec.normalize in ("doc_number", "doc_number_ru") and _after_a_hyphen(candidate, found):
        # 'Т -4840' for 'ТД-4840' (the 'Д' lost in its underline): a number whose word opens
        # with a hyphen lost what stood before it.
        return replace(found, confidence=min(found.confidence, LOOKALIKE_CONF),
                       warning=f"{spec.id}: read after a hyphen: its beginning may be lost")
    return found


def _number_in_boxes(spec: FieldSpec, candidate: Candidate) -> Found | None:
    """A number with check digits printed one figure to a box and read with the boxes' walls,
    as bars and as ones between the figures ('64|016|215131912101711' for 640625392071): each
    stretch between bars whose every other sign is a '1' lost those ones. Taken only where the
    figures left then make a valid number; doubted."""
    for run in _runs(candidate.words, _BOXED_NUMBER):
        text = "".join(w.text for w in run)
        if "|" not in text:
            continue
        figures = "".join(part[0::2] if len(part) >= 3 and len(part) % 2 and set(part[1::2]) == {"1"} else part
                          for part in _BOX_WALLS.split(text))
        value = normalize(spec.normalize, figures)
        if value is not None and validate(spec.validate, value, **spec.validate_params).valid:
            return _read_in_boxes(spec, candidate, run, value, True)
    return None


def _read_in_boxes(spec: FieldSpec, candidate: Candidate, run: list[Word], value: str, valid: bool) -> Found:
    """A value read from figures in boxes (`run`, its words), doubted."""
    return Found(value=value, raw="".join(w.text for w in run), valid=valid, confidence=LOOKALIKE_CONF,
                 page=candidate.page, bbox=union_box([w.bbox for w in run]), source=candidate.method,
                 warning=f"{spec.id}: read from figures in boxes, the boxes' walls left out")


_BOXED_NUMBER = re.compile(r"[\[\]|\d]+")


def _runs(words: list[Word], pattern: re.Pattern) -> list[list[Word]]:
    """The runs of consecutive words wholly of `pattern`."""
    runs: list[list[Word]] = [[]]
    for word in words:
        if pattern.fullmatch(word.text):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _after_a_hyphen(candidate: Candidate, found: Found) -> bool:
    first = next((w for w in candidate.words if found.bbox and w.bbox[0] == found.bbox[0]), None)
    return first is not None and first.text[:1] in "-–—"


# A date printed one figure to a box, read with the boxes' walls ('[1|6]/1[2]1]9]5[6'):
# its figures, the walls left out, day, month and year in full.
_BOXED = re.compile(r"[\[\]|\d./\-]+")
_BOX_WALLS = re.compile(r"[\[\]|]")
_BOXED_DATE = re.compile(r"(\d{2})[./\-]?(\d{2})[./\-]?(\d{4})")
MIN_WALLS = 2


def _date_in_boxes(spec: FieldSpec, candidate: Candidate) -> Found | None:
    runs = _runs(candidate.words, _BOXED)  # runs of words of figures, walls and separators only
    for run in (part for whole in runs for part in (whole, *([w] for w in whole))):
        text = "".join(w.text for w in run)
        date = _BOXED_DATE.fullmatch(_BOX_WALLS.sub("", text)) if len(_BOX_WALLS.findall(text)) >= MIN_WALLS else None
        value = normalize("date", f"{date[1]}.{date[2]}.{date[3]}") if date else None
        if value is not None:
            valid = validate(spec.validate, value, **spec.validate_params).valid
            return _read_in_boxes(spec, candidate, run, value, valid)
    return None


CHECK_DIGITS = ("inn", "snils")  # validators whose check digits tell a right reading from a wrong one
_CHECKED_DIGIT_LOOKALIKES = str.maketrans({"$": "5", "S": "5", "З": "3", "з": "3", "б": "6", "Б": "6", "B": "8", "В": "8"})
LOOKALIKE_CONF = 0.5


def _first_match_value(spec: FieldSpec, candidate: Candidate, text: str, fixed: str, spans) -> Found | None:
    """The first valid value the field's pattern finds in `fixed` (the candidate's `text` with
    lookalikes read as digits, offsets kept), else the first invalid one."""
    matches = list(_overlapping_matches(re.compile(expand(spec.pattern or "")), fixed))
    if spec.pick == "last":
        matches.reverse()
    elif spec.pick == "largest":
        matches.sort(key=lambda m: -float(normalize("money", m.group()) or 0))
    first_invalid = None
    for match in matches:
        if spec.normalize in PART_GAPS and _across_columns(candidate.words, spans, _figures_span(match), PART_GAPS[spec.normalize]):
            continue
        found = found_in(spec, candidate, text, spans, match.span())
        if found is None:
            continue
        if spec.normalize in NUMBERS_WITH_PARTS and (cut := _CUT_AFTER_SEPARATOR.search(match.group())):
            return _unfinished(spec, found, cut[1])  # the number, cut: no later match is it
        if found.valid:
            return found
        first_invalid = first_invalid or found
    return first_invalid


# A document's number of parts ('3455/10', 'А-12') read to a separator glued to its last part
# and no further ('3455/': the '10' after it lost to a speck) is unfinished: neither the number
# less its separator nor a figure after it ('«23»' of its date).
NUMBERS_WITH_PARTS = ("doc_number", "doc_number_ru")
_CUT_AFTER_SEPARATOR = re.compile(r"\w([/\-])$")


def _unfinished(spec: FieldSpec, found: Found, separator: str) -> Found:
    return replace(found, valid=False, confidence=round(found.confidence * (0.5 if found.valid else 1.0), 3),
                   warning=f"{spec.id}: {found.value!r} ends with {separator!r}: the number's next part was not read")


# An amount's thousands groups are a space apart (or a figure's width: 1.2 heights of its
# digits, '6 372 199,88'); a gap wider than this many heights of its digits is between
# columns: 'Всего к оплате 661 ... 132 ... 794 283,52', whose first two amounts lost their
# other groups, holds no amount '661 132 794 283,52'.
AMOUNT_GROUP_GAP = 1.5
# A date's parts may stand a blank apart ('«02»  августа  2003 г.'), not a column apart: a
# year's '202' and a stamp's '3' six heights right of it are no '2023'.
DATE_PART_GAP = 3.0
PART_GAPS = {"money": AMOUNT_GROUP_GAP, "date": DATE_PART_GAP}  # by normaliser


def _figures_span(match: re.Match) -> tuple[int, int]:
    """A match's span up to its last figure: a year's 'г.' may stand off its figures ('18.05.1971
    г' with the 'г' six heights right)."""
    last = max((i for i, c in enumerate(match.group()) if c.isdigit()), default=len(match.group()) - 1)
    return match.start(), match.start() + last + 1


def _across_columns(words: list[Word], spans, span: tuple[int, int], gap: float) -> bool:
    """Whether the words a match covers lie in more than one column of the row: apart by more
    than `gap` heights of their print."""
    covered = sorted((w.bbox for w in _covered(words, spans, span)), key=lambda box: box[0])
    if len(covered) < 2:
        return False
    height = min(box[3] - box[1] for box in covered)
    return any(right[0] - left[2] > gap * height for left, right in zip(covered, covered[1:]))


def _overlapping_matches(regex: re.Pattern, text: str) -> Iterable[re.Match]:
    """Every match, overlapping ones too: in '#19- 18/01/2018' the first match, '19- 18/01',
    is no date, and the real one starts inside it."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def _names(text: str) -> list[re.Match]:
    """The words of two letters or more that a group's names are among (not one letter over
    and over: a rule under the names read as 'ааа')."""
    return [m for m in re.finditer(r"[^\W\d_][\w'\-]*", text)
            if len(m.group()) >= 2 and len(set(m.group().lower())) > 1]


def _group_word(spec: FieldSpec, candidate: Candidate, text: str, spans) -> Found | None:
    names = _names(text)
    size = candidate.group_size
    # The last name read in two ('ЕВСТИГ НЕЕВИЧ'): a patronymic's ending is no word of its own.
    split = len(names) == size + 1 and bool(_PATRONYMIC_TAIL.search(names[-1].group()))
    if split and spec.index == size - 1:
        return found_in(spec, candidate, text, spans, (names[-2].start(), names[-1].end()), joined=True)
    if _no_patronymic(names, size):
        # A surname and a given name, no patronymic: a name that has none ('Коваленко Светлана').
        return found_in(spec, candidate, text, spans, names[spec.index].span()) if spec.index < 2 else None
    if len(names) != size and not split:
        return _name_of_its_row(spec, candidate, text, spans, names)
    # Names are printed in capitals or capitalised: two words in small letters are a sentence's
    # ('свидетельство подтверждает, что'); one is a name whose capital was read small ('митрофанова').
    if sum(_sentence_word(m.group()) and _read_surely(candidate.words, spans, m.span()) for m in names[:size]) >= 2:
        return None
    return found_in(spec, candidate, text, spans, names[spec.index].span())


def _no_patronymic(names: list[re.Match], size: int) -> bool:
    """Whether a name's group of three parts holds a surname and a listed given name, printed
    alike, and no patronymic: a name that has none. (Two words of which one is a patronymic
    are a name with a part lost, which the parts' rows or order give.)"""
    if size != 3 or len(names) != 2:
        return False
    surname, given = (m.group() for m in names)
    return (is_listed(given) and not RUSSIAN_PATRONYMIC.search(surname) and not RUSSIAN_PATRONYMIC.search(given)
            and (surname.isupper() == given.isupper()) and surname[:1].isupper() and given[:1].isupper())


def _name_of_its_row(spec: FieldSpec, candidate: Candidate, text: str, spans, names: list[re.Match]) -> Found | None:
    """Names printed one to a row (a card's Ф.И.О. over three lines): where the group's words
    are not its number of names but its rows are its number (a rule's row, holding no letter,
    not counted), a name is the one name of its own row ('Лукьянова' / 'Ирина' / a patronymic
    a rule struck through, read as three scraps)."""
    rows = [row for row in build_rows([w for w in candidate.words if w.text.strip()])
            if any(c.isalpha() for w in row.words for c in w.text)]
    if len(rows) != candidate.group_size:
        return None
    row_of = {id(w): i for i, row in enumerate(rows) for w in row.words}
    own = []
    for match in names:
        covered = {row_of.get(id(w)) for w in _covered(candidate.words, spans, match.span())}
        if covered & set(range(len(rows) - 1)) and RUSSIAN_PATRONYMIC.search(match.group()):
            return None  # a patronymic over the last row: a row lost, another read in its place
        if covered == {spec.index}:
            own.append(match)
    if len(own) != 1 or (_sentence_word(own[0].group()) and _read_surely(candidate.words, spans, own[0].span())):
        return None
    return found_in(spec, candidate, text, spans, own[0].span())


def _sentence_word(word: str) -> bool:
    """A word of three letters or more in small letters, as a sentence's are; not the tail of
    a name whose first letters were lost ('ьич' of 'Ильич' under a stamp): no word begins
    with a soft or hard sign."""
    return word.islower() and len(word) >= 3 and word[0] not in "ьъ"


def _read_surely(words: list[Word], spans, span: tuple[int, int]) -> bool:
    """Whether the words of `span` were read with some confidence: a name a rule struck through
    is read as small letters at none ('дмчрьнуюа'), which tells nothing of a sentence."""
    covered = _covered(words, spans, span)
    return not covered or min(w.conf for w in covered) >= SURE_WORD_CONF


SURE_WORD_CONF = 30.0


_PATRONYMIC_TAIL = re.compile(rf"(?i)^[а-яё]{{0,2}}(?:{'|'.join(PATRONYMIC_ENDINGS)})$")  # a whole one is longer


def found_in(spec: FieldSpec, candidate: Candidate, text: str, spans, span: tuple[int, int], *,
             joined: bool = False) -> Found | None:
    raw = ("" if joined else " ").join(text[span[0] : span[1]].split()).strip(EDGE_JUNK)
    value = normalize(spec.normalize, raw) if raw else None
    if value is None:
        return None
    value = respelled(value, spec.words)
    words = _covered(candidate.words, spans, span)
    check = validate(spec.validate, value, **spec.validate_params)
    conf = sum(w.conf for w in words) / (100 * len(words)) if words else 0.0
    conf *= METHOD_WEIGHT[candidate.method] * (1.0 if check.valid else 0.5)
    return Found(
        value=value,
        raw=raw,
        valid=check.valid,
        confidence=round(conf, 3),
        page=candidate.page,
        bbox=union_box([w.bbox for w in words]) if words else None,
        source=candidate.method,
        warning=None if check.valid else f"{spec.id}: {check.warning or 'invalid value'}",
    )


def _covered(words: list[Word], spans, span: tuple[int, int]) -> list[Word]:
    """The words (not blank) whose text in the joined row overlaps `span`."""
    return [w for w, (a, b) in zip(words, spans) if a < span[1] and b > span[0] and w.text.strip()]


def join_words(words: list[Word]) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, offset = [], [], 0
    for word in words:
        spans.append((offset, offset + len(word.text)))
        parts.append(word.text)
        offset += len(word.text) + 1
    return " ".join(parts), spans


def locate_answer(spec: FieldSpec, raw: str | None, confidence: float, page: int, words: list[Word]) -> Found:
    """A model's answer for a field, normalised and validated like a located value; its box is
    the run of OCR words on one row that reads as the answer (None when no reader pass ran or
    nothing there reads like it)."""
    raw = " ".join(raw.split()) if raw else None
    value = normalize(spec.normalize, raw) if raw else None
    if value is None:
        return Found(raw=raw, page=page, source="vlm", confidence=0.0)
    check = validate(spec.validate, value, **spec.validate_params)
    return Found(
        value=value,
        raw=raw,
        valid=check.valid,
        confidence=round(confidence * (1.0 if check.valid else 0.5), 3),
        page=page,
        bbox=find_text_box(raw, words),
        source="vlm",
        warning=None if check.valid else f"{spec.id}: {check.warning or 'invalid value'}",
    )


def find_text_box(text: str, words: list[Word], cutoff: float = 80.0) -> Box | None:
    """The box of the consecutive words on one row (or the few rows a long value spans) that
    best read as `text`, compared squashed so spacing and lookalike letters do not matter."""
    target = squash(text)
    if not target or not words:
        return None
    rows = build_rows(words)
    best: tuple[float, Box | None] = (cutoff, None)
    flat = [w for row in rows for w in row.words]
    for start in range(len(flat)):
        joined = ""
        for end in range(start, len(flat)):
            joined += squash(flat[end].text)
            if len(joined) > 1.3 * len(target) + 2:
                break
            score = fuzz.ratio(target, joined)
            if score > best[0]:
                best = (score, union_box([w.bbox for w in flat[start : end + 1]]))
    return best[1]

