"""A page's layout as the locator sees it: its words (less noise) cut into visual rows,
skew-corrected so a scan turned by a few degrees still has straight rows, and every place
a label of the document type is printed on them: one phrase each (never across a column
gap), also when a narrow column wraps one over two lines."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from rapidfuzz import fuzz

from ..backends.base import Box, PageText, Word, group_lines, runs_vertically, union_box
from ..doctypes import DocType, FieldSpec
from .matching import similar_pairs, squash
from .normalize import BHD_READ, CYRILLIC_AS_LATIN, SDN_SHORT

LABEL_CUTOFF = 82.0
# A label of this many letters or more is found with more of them misread ('Дата нылачи' for
# 'Дата выдачи', 'Дата репктраини' for 'Дата регистрации' on a fax or a 100-dpi scan), when
# no other owner's label reads within LONG_LABEL_MARGIN points as well from the same words.
LONG_LABEL = 10
LONG_LABEL_CUTOFF = 74.0
LONG_LABEL_MARGIN = 10.0
WRAPPED_PART_CUTOFF = 60.0  # each line of a wrapped label reads as its part this well (one letter in three wrong)
COLUMN_GAP = 4.0  # a gap this many row heights wide separates columns
SURE_CONF = 60  # a word this sure is print, not a speck read as print
SPECK_CONF = 40  # a short word or a text value's word this unsure, with no letter of its script, is a speck
PHRASE_GAP = 1.2  # a gap this many row heights wide is more than a space between words
SECTION_LABEL = "§"  # owner prefix of a field's in-section labels
SECTION_HEADER = "§§"  # owner prefix of section headers


@dataclass
class Row:
    words: list[Word]
    y: float  # skew-corrected vertical centre
    height: float
    standalone: bool = False  # text read from a page edge strip: never part of another row

    @property
    def x0(self) -> int:
        return min(w.bbox[0] for w in self.words)


@dataclass(frozen=True)
class LabelHit:
    owner: str  # field id or group id
    row: int
    start: int  # word index in the row
    end: int  # exclusive
    score: float
    length: int = 0  # letters in the label: a longer label is the more specific anchor
    wrap: tuple[int, int, int] | None = None  # (row, start, end) of the label's second line

    def x0(self, rows: list[Row]) -> int:
        return rows[self.row].words[self.start].bbox[0]

    def x1(self, rows: list[Row]) -> int:
        return rows[self.row].words[self.end - 1].bbox[2]


@dataclass
class PageModel:
    """One page's rows and every label hit of the document type on it."""

    page: PageText
    rows: list[Row]
    hits: list[LabelHit] = field(default_factory=list)
    captions_under_values: bool = False  # the page prints its labels as captions under their values
    captions_over_values: bool = False  # ... or over them

    def hits_in_row(self, row: int) -> list[LabelHit]:
        return [h for h in self.hits if h.row == row]


def build_model(doctype: DocType, page: PageText) -> PageModel:
    # A text layer's words are the print itself: a dash between spaces ('ОСЕТИЯ - АЛАНИЯ') is
    # no speck there.
    words = page.words if page.text_source == "text_layer" else _once(_print(page.words))
    owners: list[tuple[str, str]] = [(f.id, label) for f in doctype.fields for label in f.labels]
    one_word = {label.casefold() for _, label in owners if label.isalpha()}
    rows = build_rows(split_glued_labels(_off_vertical_text(_off_transmission_header(words, page.height)), one_word))
    model = PageModel(page, rows)
    owners += [(g.id, label) for g in doctype.groups for label in g.labels]
    owners += [(SECTION_LABEL + f.id, label) for f in doctype.fields for label in f.section_labels]
    owners += [(SECTION_HEADER + label, label) for label in {h for f in doctype.fields for h in f.section}]
    owners += [("", label) for label in doctype.stop_labels]
    model.hits = find_label_hits(rows, owners)
    return model


def _once(words: list[Word]) -> list[Word]:
    """Each word once: Tesseract may read the same print on two of its lines ('Отчества' on
    the name's line above and on its own), which made it the label of the name above, or
    read a word's first or last letters again as a word of their own over it ('Л' over
    'Листвянка', which put an 'Л' into the place). The surer reading is kept. (Dropping any
    unsure word over a surer one was measured and not taken: Tesseract draws one box over
    several words now and then, '«Стрелков' over 'и партнеры»', and the words under it were
    lost.)"""
    kept: set[int] = set()
    bands: dict[int, list[Word]] = {}  # kept words by the bands of the page their boxes cross

    def crossed(box: Box) -> range:
        return range(int(box[1]) // _BAND, int(box[3]) // _BAND + 1)

    for word in sorted(words, key=lambda w: -w.conf):
        near = [other for band in crossed(word.bbox) for other in bands.get(band, ())]
        if not any(_read_again(word, other) for other in near):
            kept.add(id(word))
            for band in crossed(word.bbox):
                bands.setdefault(band, []).append(word)
            # ... and a part kept already, hardly surer than the whole read after it ('УЕВО'
            # at 91.18 % over 'ОРЕХОВО-ЗУЕВО' at 91.16 %), is that whole's read again.
            for other in near:
                if id(other) in kept and other.conf - word.conf <= AS_SURE and _read_again(other, word):
                    kept.discard(id(other))
    return [w for w in words if id(w) in kept]


AS_SURE = 5.0  # points of confidence: two readings this close are about as sure


_BAND = 64  # pixels: the bands `_once` looks for a word's other reading in


def _read_again(word: Word, other: Word) -> bool:
    """Whether `word` is `other` read again: the same text over it, or its first letters
    from where it starts, or its last ones to where it ends."""
    if not _mostly_over(word.bbox, other.bbox):
        return False
    if word.text == other.text:
        return True
    if not any(c.isalnum() for c in word.text) or len(word.text) >= len(other.text):
        return False
    # Its edge within a height of the whole's: two readings of specked print put the same
    # letters' edge that far apart ('УЕВО' ending 16 pixels past 'ОРЕХОВО-ЗУЕВО', 28 high).
    part, whole, near = word.text.casefold(), other.text.casefold(), other.bbox[3] - other.bbox[1]
    return (whole.startswith(part) and abs(word.bbox[0] - other.bbox[0]) <= near
            or whole.endswith(part) and abs(word.bbox[2] - other.bbox[2]) <= near)


def _mostly_over(a: Box, b: Box) -> bool:
    """Whether boxes `a` and `b` share more than half of the smaller one."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width > 0 and height > 0 and width * height > smaller / 2


def _print(words: list[Word]) -> list[Word]:
    """The words that are not noise, and a short unsure 'SDN' before 'BHD' on its line ('tN
    BHD': its 'SD' read as one letter), which the legal form's reading puts right."""
    return [w for i, w in enumerate(words)
            if not is_noise(w) or (_SDN_SHORT.fullmatch(w.text) and i + 1 < len(words)
                                   and words[i + 1].line == w.line and _BHD.fullmatch(words[i + 1].text))]


_SDN_SHORT = re.compile(SDN_SHORT, re.IGNORECASE)
_BHD = re.compile(BHD_READ + r"\.?")


def is_noise(word: Word) -> bool:
    """Specks and rules read as text: no letter, digit or sign that stands alone in print
    ('№', '&', '%'; '®' and '©' are how Tesseract reads a small 'Ф'), a short unsure scrap,
    or a 'word' too flat to be print (a stretch of a rule)."""
    if not any(ch.isalnum() or ch in "№&%@#+®©" for ch in word.text):
        return True
    if word.bbox[3] - word.bbox[1] < MIN_TEXT_HEIGHT:
        return True
    if len(word.text) <= 2 and word.conf < SPECK_CONF and not word.text.isdigit() and not _CITY.fullmatch(word.text):
        return True
    if word.conf < SURE_CONF and word.bbox[2] - word.bbox[0] > STRETCHED * (word.bbox[3] - word.bbox[1]) * len(word.text):
        return True  # a rule across the page read unsure as a few letters ('МИН' 1275 px wide, 47 high)
    # One letter between apostrophes ('’о’', '`и\''): a stroke of a stamp's ring or a signature,
    # read sure; such a scrap between a name's lines cut the name off. ('г.', 'А.' are print.)
    text = word.text
    return len(text) == 3 and text[0] in _SCRAP_MARKS and text[2] in _SCRAP_MARKS and text[1].isalpha()


_SCRAP_MARKS = "’‘'`´\"„“”"
# A city's abbreviation before its name, which Tesseract reads unsure on clean pages too ('г.
# Красновишерск' lost its 'г.'), its stop as a comma or lost ('Г, КАЗАНЬ') or a speck before
# it ('"г Новосибирск'): print, however unsure. No other word is a 'г' alone.
_CITY = re.compile(r"[\"'`„“]?[гГ][.,]?")


STRETCHED = 4  # a word's letters, spaced out too, are no wider than this many times its height each
MIN_TEXT_HEIGHT = 4  # pixels: no letter or digit is printed flatter at any resolution read
FLAT_SHARE = 0.25  # nor flatter than this share of its row's print
NO_CONF = 1.0  # Tesseract's confidence in a guess: ...
FLAT_GUESS_SHARE = 0.5  # ... at under this share of its row's print, a rule read as a word


def _off_vertical_text(words: list[Word]) -> list[Word]:
    """The words less those lying mostly on text printed vertically (a passport's number
    along its edge), which a horizontal reading turns into scraps ('ра', 'Г.') beside the
    values there. Only sure vertical words count: an edge strip's unsure ones are often
    the horizontal lines' ends read turned."""
    standing = [w for line in group_lines(words) if runs_vertically(line) for w in line if w.conf >= SURE_CONF]
    if not standing:
        return words
    boxes, own = [w.bbox for w in standing], {id(w) for w in standing}
    kept = []
    for word in words:
        x0, y0, x1, y1 = word.bbox
        area = max(1, (x1 - x0) * (y1 - y0))
        covered = sum(max(0, min(x1, b[2]) - max(x0, b[0])) * max(0, min(y1, b[3]) - max(y0, b[1])) for b in boxes)
        if covered < area / 2 or id(word) in own:
            kept.append(word)
    return kept


def _off_transmission_header(words: list[Word], page_height: int) -> list[Word]:
    """The words less a fax's transmission header, which the receiving machine prints along
    the page's top or foot ('21/01/2019 14:19 FROM: +7 499 201 47 67 P.001/004'): its date
    and numbers are the transmission's, never the document's (a receipt's date was taken
    from it). The band is read as one line: a second reading may have split it."""
    edge = HEADER_SHARE * page_height
    for in_band in (lambda w: w.bbox[3] <= edge, lambda w: w.bbox[1] >= page_height - edge):
        band = sorted((w for w in words if in_band(w)), key=lambda w: w.bbox[0])
        text = " ".join(w.text for w in band)
        # Read in Russian and English, its Latin letters may come as their Cyrillic twins
        # ('РВОМ: +7 846 736 46 66 Р.001/004').
        if any(TRANSMISSION_HEADER.search(t) or _SENDER.search(t) and _CLOCK.search(t)
               for t in (text, text.translate(CYRILLIC_AS_LATIN))):
            words = [w for w in words if not in_band(w)]
    return words


HEADER_SHARE = 0.06  # a transmission header lies within this share of the page's height from its edge
# The time sent and the page count ('14:19 ... P.001/004', 'FAX ... PAGE 1/2', 'стр. 1 из 3'), or
# the sender's number and the page count. The page count may be read glued to the number before it
# ('+7 343 333 64 23P.001/001'), its stop as a digit ('P1001/004').
_PAGE_COUNT = r"(?:\b|(?<=\d))P[.,1]? ?0*\d{1,3}/0*\d{1,3}\b"
_FROM = r"\b(?:FROM|FAX|ФАКС|ОТ)"
TRANSMISSION_HEADER = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}\b.*(?:{_PAGE_COUNT}|\bPAGE \d+ ?(?:/|OF) ?\d+\b|\bСТР\. ?\d+ ?(?:/|ИЗ) ?\d+)"
    rf"|{_FROM}:? ?\+?\d[\d ()-]{{6,}}.*{_PAGE_COUNT}",
    re.IGNORECASE)
_SENDER = re.compile(rf"(?i){_FROM}\s*:")  # with the time sent, when the page count is lost
_CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")


def split_glued_labels(words: list[Word], labels: set[str] = frozenset()) -> list[Word]:
    """'Пол:МУЖ' -> 'Пол:' + 'МУЖ' and '№123' -> '№' + '123', sharing the box by length; and
    a one-word label joined to its value by a speck read as a dash ('Пол-мужской'), or read
    with no space before the value's capital ('(ЗаказчикПубличное', its closing bracket lost
    under the value's first letter), where that word is one of `labels` (case-folded)."""
    result = []
    for word in words:
        dashed = re.match(r"([^\W\d_]+)([-–—])(?=[^\W\d_])", word.text)
        glued = re.match(r"\(?([^\W\d_][а-яёa-z]+)\)?(?=[А-ЯЁA-Z])", word.text)
        if word.text.startswith("№") and len(word.text) > 1:
            head, colon, tail = "№", "", word.text[1:].lstrip()
        elif dashed and dashed[1].casefold() in labels:
            head, colon, tail = dashed[1], "", word.text[dashed.end():]
        elif glued and glued[1].casefold() in labels:
            head, colon, tail = glued[0], "", word.text[glued.end():]
        else:
            head, colon, tail = word.text.partition(":")
            if not colon or not head or not tail or head[-1].isdigit():  # keep times like 15:32
                result.append(word)
                continue
        x0, y0, x1, y1 = word.bbox
        cut = x0 + round((x1 - x0) * (len(head) + len(colon)) / len(word.text))
        result.append(Word(head + colon, (x0, y0, cut, y1), word.conf, word.line))
        result.append(Word(tail, (cut, y0, x1, y1), word.conf, word.line))
    return result


def build_rows(words: list[Word]) -> list[Row]:
    """OCR lines, straightened by the page's skew, then lines side by side merged into rows."""
    lines = group_lines(words)
    stacked = [_holds_stacked(line) for line in lines]
    # (Measured on the lines that are lines of print: a line holding a column's two words
    # slopes as steeply as its words stand apart.)
    slope = _skew_slope([line for line, apart in zip(lines, stacked) if not apart])
    lines = [part for line, apart in zip(lines, stacked) for part in (_stacked_apart(line, slope) if apart else [line])]
    rows: list[Row] = []
    for line in lines:
        # Its centre and height those of its print: a speck read as a letter beside a name
        # ('к' of 5 px before 'ГАРИПОВА' of 20) drew the line's centre off the name's row.
        level = _level_words(line) or line
        centre = sum((w.bbox[1] + w.bbox[3]) / 2 - slope * (w.bbox[0] + w.bbox[2]) / 2 for w in level) / len(level)
        height = _print_height(level)
        # Region reads and text running vertically (a passport's number in a PDF's text layer)
        # are rows of their own, never merged with the horizontal line they cross.
        standalone = (isinstance(line[0].line, tuple) and line[0].line[:1] == ("region",)) or runs_vertically(line)
        rows.append(Row(line, centre, height, standalone))
    rows.sort(key=lambda r: (r.y, r.x0))
    merged: list[Row] = []
    for row in rows:
        target = next(
            (
                m
                for m in reversed(merged[-4:])
                if not (m.standalone or row.standalone)
                and abs(m.y - row.y) < 0.5 * min(m.height, row.height)
                and not _overlap_x(m.words, row.words)
            ),
            None,
        )
        if target is None:
            merged.append(row)
        else:
            # The row's centre and height are its print's: a speck's line of one letter merged
            # into a line of labels ('ь' beside 'Пол, Дата рождения') no longer sets them.
            count = len(target.words) + len(row.words)
            target.y = (target.y * len(target.words) + row.y * len(row.words)) / count
            target.words = sorted(target.words + row.words, key=lambda w: w.bbox[0])
            target.height = _print_height(target.words)
    for row in merged:
        # A mark this flat beside the row's print is a speck or a stretch of a rule read as a
        # figure ('4' five pixels high between a name and a place): no letter is so flat. (A
        # longer word is print whose box went wrong: '`Дата' four pixels high, '|ГОР.' six;
        # one read with no confidence at all at under half the print's height is a rule: 'арии'
        # under 'ГОР. КАРАЧАЕВСК'.)
        flat = [w for w in row.words if (height := w.bbox[3] - w.bbox[1]) < FLAT_SHARE * row.height and len(w.text) <= 2
                or w.conf < NO_CONF and height < FLAT_GUESS_SHARE * row.height]
        if flat and len(flat) < len(row.words):
            row.words = [w for w in row.words if w not in flat]
    return merged


def _holds_stacked(line: list[Word]) -> bool:
    """Whether an OCR line holds two words one above the other, both read sure (a word read
    unsure over print is a rule under it, which `build_rows` drops); a line running vertically
    (read from an edge turned upright) is as read."""
    if len(line) < 2 or runs_vertically(line):
        return False
    # (`group_lines` gives a horizontal line's words left to right.)
    return any(_stacked(a, b) and min(a.conf, b.conf) >= SURE_CONF for a, b in zip(line, line[1:]))


def _stacked_apart(line: list[Word], slope: float) -> list[list[Word]]:
    """An OCR line whose words stand one above the other (`_holds_stacked`), as the lines of
    print it holds: on a slanted receipt Tesseract put 'TOTAL' into the cash's line under it
    ('CASH' and 'TOTAL' in one column), and the cash's figure became the total."""

    def centre(word: Word) -> float:
        return (word.bbox[1] + word.bbox[3]) / 2 - slope * (word.bbox[0] + word.bbox[2]) / 2

    height = statistics.median(w.bbox[3] - w.bbox[1] for w in line)
    parts: list[list[Word]] = []
    for word in sorted(line, key=centre):
        if parts and centre(word) - centre(parts[-1][-1]) < 0.5 * height:
            parts[-1].append(word)
        else:
            parts.append([word])
    return [sorted(part, key=lambda w: w.bbox[0]) for part in parts]


def _stacked(a: Word, b: Word) -> bool:
    """Whether two words overlap across most of the narrower's width and not in height: one
    is printed above the other."""
    overlap = min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])
    narrower = min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0])
    vertical = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return narrower > 0 and overlap > 0.5 * narrower and vertical < 0.5 * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])


def _print_height(words: list[Word]) -> float:
    """The height of a line's print: specks read beside it (stretches of a rule, a stamp's
    scraps) are flatter or taller than its letters."""
    solid = [w for w in words if w.conf >= SURE_CONF] or words
    return statistics.median(w.bbox[3] - w.bbox[1] for w in solid)


def _skew_slope(lines: list[list[Word]]) -> float:
    """Median dy/dx of the word centres along long lines (0 for straight pages), from each
    line's sure words of print of about its height (`_level_words`). A line whose words stand
    one above the other (a passport's number read from its edge turned upright, mapped back)
    says nothing of the rows' slope: one such line made a page's rows run at 80 degrees and
    lost six of its fields."""
    slopes = []
    for line in lines:
        if len(line) < 3 or line[-1].bbox[2] - line[0].bbox[0] < 300 or runs_vertically(line):
            continue
        level = _level_words(line)
        if len(level) < 3 or level[-1].bbox[2] - level[0].bbox[0] < 300:
            continue
        xs = [(w.bbox[0] + w.bbox[2]) / 2 for w in level]
        ys = [(w.bbox[1] + w.bbox[3]) / 2 for w in level]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread:
            slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread)
    return statistics.median(slopes) if slopes else 0.0


# A word whose box is this much taller or flatter than its line's print took in a stamp's or a
# signature's stroke, or is a rule's stretch: its centre is not on the line.
LEVEL_HEIGHT = (0.6, 1.6)


def _level_words(line: list[Word]) -> list[Word]:
    """The words of a line whose centres follow its slope: sure print of about the line's
    height. (A passport page under a stamp read '«30» ноября 198' with two boxes three times
    the height of the first, taken down to the next line by the stamp's ring: its slope of
    0.1 against the page's 0.02 shifted every name by a row.)"""
    sure = [w for w in line if w.conf >= SURE_CONF and any(c.isalnum() for c in w.text)]
    if not sure:
        return []
    # (Each word weighs as many letters as it has: of a speck 'к' of 12 px and 'ГАРИПОВА' of
    # 49 the print is the name's height, not the middle between them, which left out both.)
    heights = sorted((w.bbox[3] - w.bbox[1], len(w.text)) for w in sure)
    half, count = sum(n for _, n in heights) / 2, 0
    height = next(h for h, n in heights if (count := count + n) >= half)
    low, high = LEVEL_HEIGHT
    return [w for w in sure if low * height <= w.bbox[3] - w.bbox[1] <= high * height]


def _overlap_x(a: list[Word], b: list[Word]) -> bool:
    """Whether a word of `a` and a word of `b` share columns. (Word by word, not line extent
    by line extent: a sparse reading gives digits printed in boxes as lines of one word
    each, and their rows interleave.) Neighbours whose boxes touch by a few pixels do not,
    nor does a mark flat beside the word it crosses: a word another reading gave back
    ('Денисова' of 'предприниматель Денисова Вероника', its box three pixels into the one
    before it and under a four-pixel dash) is of the row it sits in, not a row after it."""
    if min(w.bbox[0] for w in b) >= max(w.bbox[2] for w in a) or min(w.bbox[0] for w in a) >= max(w.bbox[2] for w in b):
        return False
    return any(_share_columns(u.bbox, v.bbox) for u in a for v in b)


SHARED_COLUMNS = 0.2  # of the narrower word's width: less is two neighbours' boxes touching


def _share_columns(u: Box, v: Box) -> bool:
    overlap = min(u[2], v[2]) - max(u[0], v[0])
    if overlap <= 0:
        return False
    heights = sorted((u[3] - u[1], v[3] - v[1]))
    return heights[0] >= FLAT_SHARE * heights[1] and overlap > SHARED_COLUMNS * min(u[2] - u[0], v[2] - v[0])


class _LabelMatch(NamedTuple):
    score: float
    letters: float  # letters the label and the words have in common
    length: int
    owner: str
    row: int
    start: int
    end: int
    wrap: tuple[int, int, int] | None


def find_label_hits(rows: list[Row], owners: list[tuple[str, str]]) -> list[LabelHit]:
    """Every place a label is printed. Where labels compete for the same words, the match
    with the most letters right wins ('Дата и место рождения' over 'Дата')."""
    targets = [(owner, target) for owner, label in owners if (target := squash(label))]
    longest = max((len(t) for _, t in targets), default=0)
    # Squashed text of words start..end of row r (and, for a wrapped label, of its second line).
    runs: list[tuple[str, int, int, int, tuple[int, int, int] | None]] = []
    squashed_rows = [[squash(w.text) for w in row.words] for row in rows]
    breaks = [_phrase_breaks(row, squashed) for row, squashed in zip(rows, squashed_rows)]
    limit = longest * 1.2 + 2
    for r, squashed in enumerate(squashed_rows):
        for start in range(len(squashed)):
            if squashed[start]:
                runs += [(text, r, start, end, None) for text, end in _phrase_runs(squashed, breaks[r], start, limit)]
    runs += _wrapped_runs(rows, squashed_rows, breaks, limit)
    candidates: list[_LabelMatch] = []
    scored = list(similar_pairs([t for _, t in targets], [run[0] for run in runs], LONG_LABEL_CUTOFF))
    # A run's best score for each label: a long label read with several letters wrong is
    # taken only where it reads as no other label nearly as well (the same label printed for
    # two fields, 'ИНН/КПП продавца' for the INN and the KPP, is one label).
    best: dict[int, dict[str, float]] = {}
    for i, j, score in scored:
        labels_of_run = best.setdefault(j, {})
        target = targets[i][1]
        labels_of_run[target] = max(score, labels_of_run.get(target, 0.0))
    for i, j, score in scored:
        owner, target = targets[i]
        text, r, start, end, wrap = runs[j]
        if score < LABEL_CUTOFF and (not _long_enough(target, rows[r], start, end, wrap) or any(
                other != target and other_score > score - LONG_LABEL_MARGIN for other, other_score in best[j].items())):
            continue
        if wrap is not None and not _reads_in_parts(target, "".join(squashed_rows[r][start:end]), text):
            continue
        if score < 100 and _mid_sentence(rows[r], start, breaks[r], target, text) and not _phrase_one_letter_off(
                target, text, end - start):
            continue
        # Letters matched: the similarity is twice the matches over both lengths.
        letters = score * (len(target) + len(text)) / 200
        candidates.append(_LabelMatch(score, letters, len(target), owner, r, start, end, wrap))
    # Most letters matched first: a longer label read with a few letters wrong ('ИННИКИИ
    # покупателя' for 'ИНН/КПП покупателя', 85) explains its words better than a shorter one
    # read from part of them ('покупателя' for 'Покупатель', 90; 'ИННИКИИ продавцы', 76, over
    # 'продавцы' for 'Продавец', 88). A long label read with several letters wrong over two
    # lines only takes words no closer match took ('МЕСТО РОЖДЕНИЯ:' over 'ПОЛ:' is 'Место
    # рождения' and 'Пол', not 'Дата и место рождения' at 76).
    candidates.sort(key=lambda c: (c.score < LABEL_CUTOFF and c.wrap is not None, -round(c.letters, 3), -c.score))
    taken: set[tuple[int, int]] = set()
    hits = []
    for score, _, length, owner, r, start, end, wrap in candidates:
        span = {(r, i) for i in range(start, end)}
        if wrap is not None:
            span |= {(wrap[0], i) for i in range(wrap[1], wrap[2])}
        if span & taken:
            # The same words may anchor several fields ('Дата и место рождения').
            if not any(h.row == r and h.start == start and h.end == end and h.wrap == wrap for h in hits):
                continue
        taken |= span
        hits.append(LabelHit(owner, r, start, end, score, length, wrap))
    hits = [h for h in hits if not _in_a_stop_labels_brackets(rows[h.row], h, hits)]
    return sorted(hits, key=lambda h: (h.row, h.start))


# A word of this many letters opening its row with a colon is a form's caption (a bill's
# 'Заказчик:'): read with letters wrong as a long label is ('Заклэчик:', 81).
CAPTION_LABEL = 7


def _long_enough(target: str, row: Row, start: int, end: int, wrap) -> bool:
    """Whether a label may be read with letters wrong: a long one, or a caption word opening its
    row with a colon."""
    return len(target) >= LONG_LABEL or (len(target) >= CAPTION_LABEL and start == 0 and end == start + 1
                                         and wrap is None and row.words[start].text.endswith(":"))


def _in_a_stop_labels_brackets(row: Row, hit: LabelHit, hits: list[LabelHit]) -> bool:
    """Whether a field's label opens a bracket that it does not close and a stop label goes on
    in right after it: an officer's '(фамилия, инициалы)' under his signature (its ')' read or
    lost) is one caption, the signer's, not a surname's."""
    words = row.words[hit.start:hit.end]
    if not hit.owner or hit.wrap or not words[0].text.startswith("(") or any(")" in w.text for w in words):
        return False
    return any(not h.owner and h.row == hit.row and h.start == hit.end for h in hits)


def _mid_sentence(row: Row, start: int, breaks: list[bool], target: str, text: str) -> bool:
    """Whether the words from `start`, after a word of the same phrase that ends in a letter,
    run on a sentence: from a small letter ('условиями поставки товара', which reads as
    'Поставщик' with one letter wrong), or as the label's word with a case ending ('на р/с
    Поставщика'). A label read with letters wrong is taken only where labels stand: at a
    phrase's start, or after a value or a mark."""
    if start == 0 or breaks[start]:
        return False
    before, first = row.words[start - 1].text, row.words[start].text
    inflected = len(text) > len(target) and text.startswith(target)
    return before[-1:].isalpha() and (first[:1].islower() or inflected)


# A label of several words read with one letter wrong is the label wherever it stands: a form
# that prints its caption in a sentence ('подтверждает, что физическое лицо') reads it there
# ('физическэе лицо'). A declined phrase differs by more ('физического лица').
PHRASE_LETTERS = 12


def _phrase_one_letter_off(target: str, text: str, words: int) -> bool:
    return (words >= 2 and len(target) >= PHRASE_LETTERS and len(text) == len(target)
            and sum(a != b for a, b in zip(target, text)) == 1)


def _reads_in_parts(target: str, head: str, text: str) -> bool:
    """Whether a label's two lines read as its beginning and its end, each on its own: a
    value over its caption ('Г. ТУЛА' over 'Место рождения') reads as 'Дата и место
    рождения' at 83 taken whole, but its first line is no 'Дата и'."""
    tail = text[len(head):]
    return any(fuzz.ratio(head, target[:k]) >= WRAPPED_PART_CUTOFF and fuzz.ratio(tail, target[k:]) >= WRAPPED_PART_CUTOFF
               for k in range(1, len(target)))


def _wrapped_runs(rows: list[Row], squashed_rows: list[list[str]], breaks: list[list[bool]], longest: float):
    """Runs of a label printed over two lines in a narrow column ('Фамилия, имя,' over
    'отчество:', 'Дата и место' over 'рождения:'): words from where a column starts, then
    words of the row below from the same left edge on. That row is the next one, or the one
    after it when the next holds only the value the label's lines are centred beside ('Дата'
    over '18.12.1991' over 'рождения'). Each line of the label ends its row or a gap wider
    than a space ('ИНН' over 'КПП продавца:' is not one label)."""
    for r in range(len(rows) - 1):
        row = rows[r]
        if row.standalone:
            continue
        for start in range(len(row.words)):
            if not squashed_rows[r][start]:
                continue
            left = row.words[start].bbox[0]
            tail = _tail_row(rows, r, left)
            if tail is None:
                continue
            t, under = tail
            below = rows[t]
            # The head may follow another field's value on its row ('Пол МУЖ Дата' over
            # 'рождения'), after a gap wider than a space or, closer, with its tail starting
            # right under it; the tail starts its own column.
            if not (start == 0 or _ends_phrase(row, start - 1)
                    or abs(below.words[under].bbox[0] - left) <= row.height / 2):
                continue
            for head, end in _phrase_runs(squashed_rows[r], breaks[r], start, longest):
                if len(head) >= longest:
                    break
                if not _ends_phrase(row, end - 1):
                    continue
                for tail_text, last in _phrase_runs(squashed_rows[t], breaks[t], under, longest):
                    if len(head) + len(tail_text) > longest:
                        break
                    if _ends_phrase(below, last - 1):
                        yield head + tail_text, r, start, end, (t, under, last)


def _tail_row(rows: list[Row], r: int, left: float) -> tuple[int, int] | None:
    """(row, word index) where a label whose first line starts at `left` on row `r` may go
    on: a word starting a column under it on the next row, or on the row after that when the
    next has no word near `left` (it holds the value beside the label)."""
    height = rows[r].height
    # (A standalone row between is passed over: a passport's number printed along its edge,
    # level with the label's rows.)
    following = [t for t in range(r + 1, min(len(rows), r + 4)) if not rows[t].standalone][:2]
    for n, t in enumerate(following, start=1):
        if rows[t].y - rows[r].y > (n + 1) * max(height, rows[t].height):
            return None
        near = [i for i, w in enumerate(rows[t].words) if abs(w.bbox[0] - left) <= 2 * height]
        under = next((i for i in near if _starts_column(rows[t], i)), None)
        if under is not None:
            return t, under
        if any(w.bbox[0] <= left + 2 * height and w.bbox[2] >= left - height for w in rows[t].words):
            return None  # the next row has words under the label: not a value beside it
    return None


def _phrase_breaks(row: Row, squashed: list[str]) -> list[bool]:
    """For each word of a row, whether a label's phrase cannot run on into it: it starts a
    column ('(фамилия)   (имя)   (отчество)' are three labels), or it is a number (no label
    holds one: a long label must not take in the value after it to match better). Measured
    once per row: every run of words is tried from every start."""
    return [_starts_column(row, i) or _mostly_digits(text) for i, text in enumerate(squashed)]


def _phrase_runs(squashed: list[str], breaks: list[bool], start: int, limit: float) -> Iterator[tuple[str, int]]:
    """(squashed text, end) of the words from `start` to each `end` within one printed
    phrase (up to the next word in `breaks`). Stops after the first text longer than `limit`."""
    text = ""
    for end in range(start, len(squashed)):
        if end > start and breaks[end]:
            return
        text += squashed[end]
        yield text, end + 1
        if len(text) > limit:
            return


def _mostly_digits(squashed: str) -> bool:
    return sum(c.isdigit() for c in squashed) * 2 > len(squashed)


def _ends_phrase(row: Row, index: int) -> bool:
    """Whether a row's word is its last, or is followed by a gap wider than a space."""
    words = row.words
    return index == len(words) - 1 or words[index + 1].bbox[0] - words[index].bbox[2] > PHRASE_GAP * row.height


def _starts_column(row: Row, index: int) -> bool:
    """Whether a row's word is its first, or follows a gap as wide as a column gap."""
    words = row.words
    return index == 0 or words[index].bbox[0] - words[index - 1].bbox[2] > COLUMN_GAP * row.height


def label_boxes(doctype: DocType, page: PageText, field_id: str) -> list[tuple[Box, float]]:
    """Where the labels of a field (or of its group) are on the page: each label's box
    (both lines of a wrapped one) and the height of its row."""
    return _label_boxes(build_model(doctype, page), doctype, doctype.field(field_id))


def _label_boxes(model: PageModel, doctype: DocType, spec: FieldSpec) -> list[tuple[Box, float]]:
    owners = {spec.id, SECTION_LABEL + spec.id} | ({spec.group} if spec.group else set())
    boxes = []
    for hit in model.hits:
        if hit.owner in owners:
            words = model.rows[hit.row].words[hit.start : hit.end]
            if hit.wrap:
                words = words + model.rows[hit.wrap[0]].words[hit.wrap[1] : hit.wrap[2]]
            boxes.append((union_box([w.bbox for w in words]), model.rows[hit.row].height))
    return boxes

