"""Fields with no printed label, found by their place in the page's layout: a shop receipt's
company and address, printed as its header.

A receipt's header is its rows from the top down to the first row that is no longer about
the shop (its `stop` pattern: a phone, a tax number, 'TAX INVOICE', a date). In it:
  - rows that are no print of the shop's: scraps (unsure, or few letters), and words written
    by hand on the slip (all in small letters);
  - registration numbers ('(965857-A)', 'CO. REG. NO. 123-X': the field's `skip` pattern);
  - the company: the printed row right above the registration number when there is one (a
    brand's name may stand above its company's), else the first row naming a legal form or
    trade (`prefer`), else the first printed row; with the rows it runs on to (a name
    ending '&', a legal form on the next row);
  - the address: the rows after the company that start at its first row holding a digit
    (a number, a unit, a postcode), up to the header's end, a registration number or a
    phone number on a row of its own.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import replace

from ..backends.base import Word, inside
from ..doctypes import FieldSpec
from .candidates import Candidate
from .choice import Found, found_in, join_words, read_value, text_value_words
from .layout import SURE_CONF, PageModel, Row
from .matching import fold, squash
from .normalize import LEFT_OPEN

HEADER_ROWS = 12  # a receipt's header is never longer
SCRAP_CONF = 45  # a row read this unsure on average is a stamp, a logo or a scribble
MIN_LETTERS = 3
SPECK_GAP = 2.0  # row heights between a scrap at a row's end and the row's words
ROW_GAP = 3.0  # the header's rows follow each other within this many row heights
BLOCK_GAP = 1.6  # an address's rows follow each other within this many times their closest spacing
# A date and time opening a row (a stamp of when the slip was printed): no part of an address.
LEADING_DATE = re.compile(
    r"^\W*\d{1,2}\s*(?:[/\-.]\s*\d{1,2}\s*[/\-.]|\s?[A-Za-z]{3}\W{0,2})\s*\d{2,4}\b"
    r"(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*(?:[AaPp][Mm]\b)?\s*")
PHONE_ROW = re.compile(r"^\W*(?:\+?6?\(?0\d{1,2}\)?\s*[\-\s]\s*)?\d{3,4}[\s\-]?\d{3,4}\W*$")
# A name's legal form ending its row, or followed only by a bracket left open (its registration
# number read badly: 'SDN BHD (819%').
LEGAL_FORMS = r"SDN\.?\s*BHD|BHD|S/B|PLT|LTD|BERHAD"
LEGAL_FORM_END = re.compile(rf"(?i)\b({LEGAL_FORMS})\W*(?:{LEFT_OPEN})?$")
# ... or alone on its row, wrapped there ('AH SENG MINI MARKET' over 'S/B').
LEGAL_FORM_ALONE = re.compile(rf"(?i)\W*({LEGAL_FORMS}|PTE\.?\s*LTD)\W*")
ADDRESS_WORDS = re.compile(r"(?i)\b(JALAN|JLN|LOT|NO|TAMAN|TMN|LEVEL|LORONG|LRG|BLOCK|BLK|BATU|KM)\b")
# A number of eight digits or more not in a phone's form ('03-87686092', '+60342661226'): a tax or
# registration number.
ID_NUMBER = re.compile(r"(?<![\d+\-])\d{8,}")
PHONE_LABEL = re.compile(r"(?i)(\bTEL|PHONE|\bFAX\b|\bH/?P\b)")
# A row ending in a price: an item of the sale, no line of an address.
ITEM_ROW = re.compile(r"(?<![\d./\-])\d{1,5}[.,]\d{2}\W{0,2}$")
# Words of a street address that may open it before any number ('3RD FLR' read 'SRD FLR, ...').
STREET_WORDS = re.compile(r"(?i)\b(JALAN|JLN|LOT|TAMAN|TMN|LEVEL|LORONG|LRG|BLOCK|BLK|FLR|FLOOR)\b")
# What a registration number's own label ends with ('BR No.:', 'Co. Reg', 'ROC', 'SSM'): the
# words before the number on its row are that label, no name.
NUMBER_LABEL = re.compile(r"(?i)\b(NO|REG|ROC|SSM)\W*$")
BRACKETED_NUMBER = re.compile(r"[\(\[\{]\s*[A-Z]{0,3}\d[\d\s\-]{3,}[^\W\d_]?\s*[\)\]\}]?|\b\d{5,}-[^\W\d_]\b")


def top_lines(spec: FieldSpec, models: list[PageModel]) -> Found | None:
    """The company printed at the top of the first page (see the module's note)."""
    if not models:
        return None
    model = models[0]
    header = _header(spec, model.rows)
    if not header:
        return None
    rows = _company_rows(spec, header)
    if not rows:
        return None
    words = [w for row in rows for w in _without_specks(row)]
    text = join_words(_glued(words))[0]
    match = re.search(spec.skip, text) if spec.skip else None
    return _value(spec, words, model, end=match.start() if match and match.start() else None)


def lines_after(spec: FieldSpec, models: list[PageModel], anchor: Found | None) -> Found | None:
    """The rows right below another field's value (a receipt's address below its company)."""
    if anchor is None or anchor.bbox is None or not models:
        return None
    model = next((m for m in models if m.page.page == anchor.page), models[0])
    below = _rows_below(model.rows, anchor.bbox)
    words: list[Word] = []
    taken, previous, pitch = 0, None, None
    rows: list[Row] = []
    for row in below[:HEADER_ROWS]:
        if previous is not None:
            step = row.y - previous.y
            if step > ROW_GAP * max(row.height, previous.height):
                break
            if pitch is not None and step > BLOCK_GAP * pitch and step > 2 * max(row.height, previous.height):
                break  # a line set apart below the address's block (a branch's name, a slogan)
        row_words = _after_leading_date(row.words)
        text = _text(row_words)
        if not row_words or (_scrap(row) and not (previous is not None and _unsure_print(row, previous))):
            continue
        stop = re.search(spec.stop, text) if spec.stop else None
        registration = bool(spec.skip and re.search(spec.skip, text))
        if registration or _id_row(text):
            if len(rows) == 1 and not _address_row(rows[0]):
                # A lone row before the number, no street's nor postcode's: its label misread
                # ('Clo. Neo. P1B8&wzi.' over '(GST Reg No. ...)'), no address.
                words, taken, previous, pitch, rows = [], 0, None, None, []
                continue
            if words:
                # A registration or tax number after the address: the address has ended (with
                # the words before a tax number's label on its row).
                words += _before_stop(row_words, stop) if stop and not registration else []
                break
            continue  # a registration or tax number between the name and the address
        if not words and not _starts_address(text, spec):
            continue  # the company's other lines (its former name, 'licensee of ...')
        if stop or PHONE_ROW.match(text) or (words and (ITEM_ROW.search(text) or _numbers_row(text))):
            words += _before_stop(row_words, stop) if stop else []
            break
        words += _without_numbers(_without_specks(Row(row_words, row.y, row.height)))
        rows.append(row)
        taken += 1
        if previous is not None:
            pitch = row.y - previous.y if pitch is None else min(pitch, row.y - previous.y)
        previous = row
        if taken >= spec.lines:
            break
    return _value(spec, words, model) if words else None


ABOVE_CONF = 0.5  # the most a value found by its place over another field's is trusted
ABOVE_GAP = 5.0  # row heights between its rows, and from its last row to the other field's caption


def lines_above(spec: FieldSpec, models: list[PageModel], anchor: Found | None,
                results: dict[str, Found] | None = None) -> Found | None:
    """A field whose label was not read, printed right above another field's row (a passport's
    issuing office over its issue date, a card's birthplace over its registration date): up
    to `spec.lines` rows over the anchor's value, passing over its caption, up to a gap, a
    label, another field's value in `results` or the page's heading."""
    if anchor is None or anchor.bbox is None or not models:
        return None
    others = [f.bbox for f in (results or {}).values() if f.bbox is not None and f.page == anchor.page and f is not anchor]
    model = next((m for m in models if m.page.page == anchor.page), models[0])
    rows = model.rows
    start = next((r for r, row in enumerate(rows) if any(inside(w.bbox, anchor.bbox) for w in row.words)), None)
    if start is None:
        return None
    labelled: dict[int, set[int]] = {}
    for hit in model.hits:
        labelled.setdefault(hit.row, set()).update(range(hit.start, hit.end))
        if hit.wrap:  # a caption's second line ('Код' over 'подразделения')
            labelled.setdefault(hit.wrap[0], set()).update(range(hit.wrap[1], hit.wrap[2]))
    taken: list[Row] = []
    previous = rows[start]
    for r in range(start - 1, -1, -1):
        row = rows[r]
        if row.standalone:
            continue
        if any(inside(w.bbox, box) for w in row.words for box in others):
            break  # another field's value (a patronymic, a birth date over the birthplace)
        if r not in labelled and _scrap(row):
            continue  # a caption read as a scrap ('выл' for 'Паспорт выдан')
        # (Measured in the value's print, not in a small caption's.)
        if previous.y - row.y > ABOVE_GAP * max(row.height, previous.height, rows[start].height) or len(taken) == spec.lines:
            break
        if r in labelled:
            if not taken and len(labelled[r]) == len(row.words):
                previous = row  # the anchor's caption (and its neighbours'), over its value
                continue
            break  # another field's label, or the page's heading
        if taken and abs(taken[0].y - row.y) < row.height / 2:
            # Another reading's words on the same line: one row, each word once.
            extra = [w for w in row.words if not any(inside(w.bbox, t.bbox) for t in taken[0].words)]
            taken[0] = Row(sorted(taken[0].words + extra, key=lambda w: w.bbox[0]), taken[0].y, taken[0].height)
            continue
        taken.insert(0, row)
        previous = row
    if not taken:
        return None
    words = [w for row in taken for w in row.words]
    found = _value(spec, words, model)
    # Its lost caption read as junk before its first row's words ('прет" teehee ОТДЕЛОМ'):
    # the unsure words that open it.
    lead = next((i for i, w in enumerate(taken[0].words) if w.conf >= SURE_CONF), 0)
    if (found is None or not found.valid) and 0 < lead < len(taken[0].words):
        found = _value(spec, words[lead:], model)
    if found is None or not found.valid:
        return None
    return replace(found, confidence=min(found.confidence, ABOVE_CONF),
                   warning=f"its label was not read; the rows over {spec.above}'s")


def _rows_below(rows: list[Row], box: tuple[int, int, int, int]) -> list[Row]:
    """The rows after the last row of a value in `box` (the company's): in the rows' own
    skew-corrected order, so a page turned a little still has the next row first, whose left
    words stand higher than the value's right ones."""
    last = max((i for i, r in enumerate(rows) if not r.standalone and all(inside(w.bbox, box) for w in r.words)),
               default=None)
    if last is None:
        return [r for r in rows if not r.standalone and _centre(r) > box[3]]
    return [r for r in rows[last + 1 :] if not r.standalone]


def _id_row(text: str) -> bool:
    """A row of a tax or registration number ('GST ID 001609584640', '(GST Reg No. 0014929920)',
    however its label is read), not a phone's: no address holds a number of eight digits."""
    return bool(ID_NUMBER.search(text)) and not PHONE_LABEL.search(text)


def _numbers_row(text: str) -> bool:
    """A row of numbers, not of an address: eight digits or more and at most half as many
    letters (a phone or fax row whose label was misread: 'TEES 0756116. 9150' for
    'TEL: 07-5616 9150'); an address's numbers come with its street's and town's words."""
    digits = sum(c.isdigit() for c in text)
    return digits >= 8 and 2 * sum(c.isalpha() for c in text) <= digits


def _before_stop(words: list[Word], stop: re.Match) -> list[Word]:
    """The words before the one a stop starts in, less a scrap of it ('TE' of 'TEL'), the
    label it is joined to ('Tel & Fax' read 'rel & Fax') and a short caption of it, misread
    ('TEE: 09-1943 3321': no line of an address ends with a colon)."""
    kept = [w for w, (_, b) in zip(words, join_words(words)[1]) if b <= stop.start()]
    while kept and (sum(c.isalnum() for c in kept[-1].text) <= 2 or _caption(kept[-1].text)):
        joined = kept.pop().text.strip() in ("&", "/", "+")
        if joined and kept:
            kept.pop()
    return kept


def _caption(text: str) -> bool:
    return text.endswith(":") and len(text) <= 6


def _header(spec: FieldSpec, rows: list[Row]) -> list[Row]:
    """The first rows of the page, down to the first one matching the field's `stop`."""
    header = []
    for row in rows[:HEADER_ROWS]:
        if row.standalone:
            continue
        if spec.stop and re.search(spec.stop, _text(row.words)) and not _registration(spec, row):
            # The shop's name, or its registration number, printed already: the header has
            # ended, even where the name was read too poorly to count (a stamp over it): the
            # rows after it are the sale's ('DETERGENT 2KG' is no company).
            if any(not _scrap(r) or _registration(spec, r) for r in header):
                break
            continue  # 'TAX INVOICE' over the shop's name
        header.append(row)
    return header


def _company_rows(spec: FieldSpec, header: list[Row]) -> list[Row]:
    printed = [r for r in header if _registration(spec, r) or LEGAL_FORM_ALONE.fullmatch(_text(r.words)) or not (
        _scrap(r) or _letters(r.words) < MIN_LETTERS or not _after_leading_date(r.words))]
    # The name is printed above the address.
    end = next((i for i, r in enumerate(printed) if not _registration(spec, r) and _address_row(r)), len(printed))
    zone = printed[:end] or printed
    registration = next((i for i, r in enumerate(zone) if _registration(spec, r)), None)
    if registration is not None:
        numbered = zone[registration]
        before = _before_number(spec, numbered.words)
        if _letters(before) >= MIN_LETTERS and not NUMBER_LABEL.search(_text(before)):
            return _run_on(spec, printed, numbered, back=True)  # the number printed after the name
        names = zone[:registration]
        if names:
            return _run_on(spec, printed, _name_start(spec, names))
    names = [r for r in zone if not _registration(spec, r)]
    preferred = [r for r in names if spec.prefer and re.search(spec.prefer, _text(r.words))]
    if preferred:
        return _run_on(spec, printed, preferred[0], back=True)
    return _run_on(spec, printed, names[0]) if names else []


def _address_row(row: Row) -> bool:
    """Whether a row reads as a line of an address: a street's word, or a postcode."""
    text = BRACKETED_NUMBER.sub(" ", _text(row.words))
    return bool(ADDRESS_WORDS.search(text) or re.search(r"(?<![\d\-])\d{5}(?![\d\-])", text))


def _name_start(spec: FieldSpec, names: list[Row]) -> Row | None:
    """The first row of the name that ends right above the registration number: the last
    row, or the row before it when the last one goes on from it."""
    last = len(names) - 1
    while last > 0 and _goes_on(spec, names[last - 1], names[last]):
        last -= 1
    return names[last]


def _run_on(spec: FieldSpec, printed: list[Row], first: Row, back: bool = False) -> list[Row]:
    """`first` and the rows of the name printed on from it (and, with `back`, before it)."""
    i = printed.index(first)
    start = i
    while back and start > 0 and _goes_on(spec, printed[start - 1], printed[start]):
        start -= 1
    rows = printed[start : i + 1]
    while i + 1 < len(printed) and _goes_on(spec, printed[i], printed[i + 1]):
        i += 1
        rows.append(printed[i])
    return rows


NAME_GOES_ON = re.compile(r"\b(?:AND|OF|DAN)\W*$", re.IGNORECASE)  # 'dan': Malay 'and'


def _goes_on(spec: FieldSpec, row: Row, following: Row) -> bool:
    """Whether a name printed on `row` goes on on `following`: the row ends with '&', a
    conjunction ('THORNTON SCHAEFER AND' over 'BALLARD (M) SDN BHD') or an open bracket, or the
    legal form is printed on the next row alone."""
    text, after = _text(row.words), _text(following.words)
    if _registration(spec, row) or _registration(spec, following) or _address_row(following):
        return False
    if abs(following.y - row.y) > ROW_GAP * max(row.height, following.height):
        return False
    if LEGAL_FORM_END.search(text):
        return False  # the name is whole
    if text.rstrip().endswith(("&", "-")) or text.count("(") > text.count(")") or NAME_GOES_ON.search(text):
        return True
    # The next row opens with a legal form or a trade ('CO. (M) SDN BHD', 'TRADING'), not with
    # the word a Malay name opens with ('KEDAI PAPAN YEW CHUAN' under a logo's scraps).
    if NAME_OPENER.match(after):
        return False
    return bool(spec.prefer and re.match(r"\W*(?:" + spec.prefer.removeprefix("(?i)") + ")", after, re.I))


# A shop's trade that Malay puts first: 'KEDAI' (shop), 'PERNIAGAAN' (business), 'SYARIKAT'
# (company), 'RESTORAN', 'FARMASI'. A row opening with one starts a name.
NAME_OPENER = re.compile(r"(?i)\W*(KEDAI|PERNIAGAAN|SYARIKAT|RESTORAN|FARMASI)\b")


def _registration(spec: FieldSpec, row: Row) -> bool:
    return bool(spec.skip and re.search(spec.skip, _text(row.words)))


def _before_number(spec: FieldSpec, words: list[Word]) -> list[Word]:
    """A name's words up to a registration number printed after it on its row. An unsure
    speck before the row's first word ('a (CO. REG. NO. 197552-X)') is no word of a name."""
    while len(words) > 1 and words[0].conf < SURE_CONF and sum(c.isalnum() for c in words[0].text) <= 1:
        words = words[1:]
    text, spans = join_words(words)
    match = re.search(spec.skip, text) if spec.skip else None
    if match is None:
        return words
    return [w for w, (a, _) in zip(words, spans) if a < match.start()]


def _without_numbers(words: list[Word]) -> list[Word]:
    """A row's words less a registration number in brackets ('(965857-A)')."""
    return [w for w in words if not BRACKETED_NUMBER.fullmatch(w.text.strip(".,;:"))]


def _starts_address(text: str, spec: FieldSpec) -> bool:
    """Whether a row may open an address: it holds a digit (a number, a unit, a postcode)
    besides a registration number, and names no legal form (a company's former name)."""
    text = BRACKETED_NUMBER.sub(" ", text)
    if not any(c.isdigit() for c in text) and not STREET_WORDS.search(text):
        return False
    return not re.search(r"(?i)\b(SDN|BHD)\b", text)


def _letters(words: list[Word]) -> int:
    return sum(c.isalpha() for w in words for c in w.text)


def _after_leading_date(words: list[Word]) -> list[Word]:
    text, spans = join_words(words)
    match = LEADING_DATE.match(text)
    if not match or not re.search(r"\d", match.group()) or len(re.sub(r"\D", "", match.group())) < 4:
        return words
    return [w for w, (a, _) in zip(words, spans) if a >= match.end()]


def _unsure_print(row: Row, previous: Row) -> bool:
    """An address's last line read unsure ('RONALDMOUTH' at 22 %, dust on it; 'Tampoi,81200
    Johor Bahru, Johor' at 0-97 %): words of four letters or more in capitals or title case, or
    postcodes, as tall as the line above's, are its print, not a stamp's or a scribble's scraps."""
    words = [w for w in row.words if any(c.isalnum() for c in w.text)]
    if not words or not 0.75 <= statistics.median(w.bbox[3] - w.bbox[1] for w in words) / previous.height <= 1.33:
        return False
    return all(PRINTED_WORD.fullmatch(part) for w in words for part in w.text.strip(_MARKS).split(","))


_MARKS = "`'‘’\".,"
PRINTED_WORD = re.compile(r"[A-Z]{4,}|[A-Z][a-z]{3,}|\d{5}")


def _scrap(row: Row) -> bool:
    """A row that is no print of the shop's: read unsure, with few letters, or written by
    hand (all in small letters: a receipt prints its header in capitals or title case).
    A short row of digits ('52100 KL.') is print, as is one with a speck read as a small letter
    beside its figures ('#03-203 e'): a word of two letters or more tells handwriting."""
    words = [w.text for w in row.words if sum(c.isalpha() for c in w.text) >= 2]
    letters = [c for text in words for c in text if c.isalpha()]
    if sum(c.isalnum() for w in row.words for c in w.text) < MIN_LETTERS:
        return True
    if statistics.mean(w.conf for w in row.words) < SCRAP_CONF:
        return True
    return bool(letters) and all(c.islower() for c in letters)


def _value(spec: FieldSpec, words: list[Word], model: PageModel, end: int | None = None) -> Found | None:
    """The field's value read from the words, up to character `end` of their text."""
    words = _glued(words)
    if not words:
        return None
    if end is None:
        words = text_value_words(spec, words)
    text, spans = join_words(words)
    return found_in(spec, Candidate(words, model.page.page, "layout"), text, spans, (0, end or len(text)))


def _without_specks(row: Row) -> list[Word]:
    """A row's words less a scrap of one or two signs standing apart at either end ('i' at
    the page's edge before the shop's name): further from the next word than two letters
    (four for a capital or a digit, which may be an initial whose neighbour was not read)."""
    words = row.words
    def apart(word: Word, neighbour: Word) -> bool:
        gap = max(neighbour.bbox[0] - word.bbox[2], word.bbox[0] - neighbour.bbox[2])
        text = word.text.strip()
        capital = text.isalnum() and text.upper() == text  # 'C W KHOO' with the W not read
        return len(text) <= 2 and gap > (2 if capital else 1) * SPECK_GAP * row.height
    while len(words) > 1 and apart(words[0], words[1]):
        words = words[1:]
    while len(words) > 1 and apart(words[-1], words[-2]):
        words = words[:-1]
    return words


def _glued(words: list[Word]) -> list[Word]:
    """Words the layout split ('№.2&4' into '№' and '.2&4': their boxes touch) joined again."""
    result: list[Word] = []
    for word in words:
        last = result[-1] if result else None
        if last is not None and last.bbox[2] == word.bbox[0] and last.bbox[1] == word.bbox[1]:
            result[-1] = Word(last.text + word.text, (last.bbox[0], last.bbox[1], word.bbox[2], word.bbox[3]),
                              min(last.conf, word.conf), last.line)
        else:
            result.append(word)
    return result


def _centre(row: Row) -> float:
    return (row.words[0].bbox[1] + row.words[0].bbox[3]) / 2


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def letterhead(spec: FieldSpec, first_page: tuple[re.Pattern, ...], models: list[PageModel],
               results: dict[str, Found]) -> Found | None:
    """A party printed as the document's letterhead, unlabelled (a bill's supplier over its
    title 'Счёт № 87/5', no 'Поставщик' before it): in the first page's rows over its title
    (a `first_page` pattern), no other field's value, the first row that reads as the field
    (an organisation's name); a number, only after one of the field's in-section labels on
    its row ('ИНН 761828686691', not a bank's 'БИК 047588051'). Unsure."""
    if not models or not first_page:
        return None
    model = models[0]
    title = next((r for r, row in enumerate(model.rows)
                  if any(p.search(fold(_text(row.words))) for p in first_page)), None)
    if not title:
        return None
    others = [f.bbox for f in results.values() if f.bbox is not None and f.page == model.page.page]
    for row in model.rows[:title]:
        words = [w for w in row.words if not any(inside(w.bbox, box) for box in others)]
        if row.standalone or not spec.pattern and len(words) < len(row.words):
            continue  # (a number beside another field's: 'ИНН 2355084283 КПП 235501001')
        if not spec.pattern and _BANK_ROW.search(_text(words)):
            continue  # the bank's row: 'р/с 40702810961555342688 в ПАО «Банк «Санкт-Петербург»'
        if spec.pattern:
            at = next((i for i, w in enumerate(words) if any(squash(w.text).startswith(squash(label))
                                                             for label in spec.section_labels)), None)
            if at is None:
                continue
            words = words[at + 1:]
        found = read_value(spec, Candidate(words, model.page.page, "layout")) if words else None
        if found is not None and found.value is not None and found.valid:
            return replace(found, confidence=min(found.confidence, LETTERHEAD_CONF),
                           warning=f"{spec.id}: its label was not read; the letterhead over the title")
    return None


LETTERHEAD_CONF = 0.7
_BANK_ROW = re.compile(r"\d{20}|(?<!\w)(?:[рк]/с|р/сч|БИК)(?!\w)", re.IGNORECASE)  # an account's 20 figures, or its label
