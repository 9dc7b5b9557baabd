"""Find each field's value on a document's pages, by its printed label and value pattern.

Works on words with boxes from any backend. The page is first cut into visual rows
(skew-corrected, so a scan turned by a few degrees still has straight rows), and labels
are found in them: one phrase each (never across a column gap), also when a narrow
column wraps one over two lines. A field's value is then looked for:
  1. right of its label on the same row, up to the next label;
  2. on the row below or above the label (captions above or below their values),
     the nearer one first, within the label's column;
  3. for fields marked `anywhere`, by its pattern anywhere on the page;
  4. by position, for fields with no label (a receipt's company and address).
Every candidate is normalised and validated; a valid one beats an invalid one, and an
invalid one is still reported (valid: false), never dropped or "corrected".
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from typing import Iterable, Iterator

from rapidfuzz import fuzz

from ..backends.base import Box, PageText, Word, group_lines, runs_vertically, union_box
from ..doctypes import DocType, FieldSpec
from .matching import similar_pairs, squash
from .normalize import fix_digit_lookalikes, normalize
from .validate import script_of, validate

MACROS = {
    "date": (
        r"(?<!\d)(?:«?\d{1,2}»?\s*[./\-]\s*\d{1,2}\s*[./\-]\s*(?:\d{4}|\d{2})(?!\d)"
        r"|«?\d{1,2}»?\s*[A-Za-zА-Яа-яЁё]{3,}\.?\s*,?\s*\d{4}"
        r"|[A-Za-z]{3,}\.?\s+\d{1,2},?\s+\d{4}"
        r"|\d{4}\s*-\s*\d{2}\s*-\s*\d{2})"
        r"(?:\s*(?:[Гг][Оо][Дд][Аа]?|[Гг])\.?(?!\w))?"
    ),
    "money": (
        r"(?<![\d.,])(?:\d{1,4}(?:[ \u00a0]\d{3})+(?:[.,\-]\d{2})?|\d+[.,]\d{2})(?!\d)"
    ),
}
LABEL_CUTOFF = 82.0
EDGE_JUNK = " \t‚‘’`'°=_~*•·,;:|/\\-–—"  # specks OCR reads at a value's ends
COLUMN_GAP = 4.0  # a gap this many row heights wide separates columns
SPECK_CONF = 40  # a text value's word this unsure, with no letter of its script, is a speck
SURE_CONF = 60  # a word this sure is print, not a speck read as print
STRAY_LETTERS = 3  # a word of the other script this short at a value's end is no part of it
JUNK_SIGNS = set("©®™|¦§¶•°~")  # signs a name, place or office never prints: specks and stamps read as text
PHRASE_GAP = 1.2  # a gap this many row heights wide is more than a space between words
LINE_GAP = 2.5  # rows further apart than this many row heights are not one value
NEIGHBOUR_ROWS = 4  # a value under or over its label starts within this many row heights
SECTION_LABEL = "§"  # owner prefix of a field's in-section labels
SECTION_HEADER = "§§"  # owner prefix of section headers
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


@dataclass
class PageModel:
    """One page's rows and every label hit of the document type on it."""

    page: PageText
    rows: list[Row]
    hits: list[LabelHit] = field(default_factory=list)

    def hits_in_row(self, row: int) -> list[LabelHit]:
        return [h for h in self.hits if h.row == row]


def expand(pattern: str) -> str:
    return re.sub(r"\{(" + "|".join(MACROS) + r")\}", lambda m: MACROS[m.group(1)], pattern)


def locate_fields(doctype: DocType, pages: list[PageText]) -> dict[str, Found]:
    models = [build_model(doctype, page) for page in pages]
    results: dict[str, Found] = {}
    for spec in doctype.fields:
        if spec.strategy == "top_lines":
            found = _top_lines(spec, models)
        elif spec.strategy == "lines_after":
            found = _lines_after(spec, models, results.get(spec.after or ""))
        else:
            found = _by_label(spec, doctype, models)
        results[spec.id] = found or Found()
    return results


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


# --------------------------------------------------------------------------- page model


def build_model(doctype: DocType, page: PageText) -> PageModel:
    words = [w for w in page.words if not is_noise(w)]
    rows = build_rows(split_glued_labels(_off_vertical_text(words)))
    model = PageModel(page, rows)
    owners: list[tuple[str, str]] = [(f.id, label) for f in doctype.fields for label in f.labels]
    owners += [(g.id, label) for g in doctype.groups for label in g.labels]
    owners += [(SECTION_LABEL + f.id, label) for f in doctype.fields for label in f.section_labels]
    owners += [(SECTION_HEADER + label, label) for label in {h for f in doctype.fields for h in f.section}]
    owners += [("", label) for label in doctype.stop_labels]
    model.hits = find_label_hits(rows, owners)
    return model


def is_noise(word: Word) -> bool:
    """Specks and rules read as text: no letter, digit or sign that stands alone in print
    ('№', '&', '%'; '®' and '©' are how Tesseract reads a small 'Ф'), a short unsure scrap,
    or a 'word' too flat to be print (a stretch of a rule)."""
    if not any(ch.isalnum() or ch in "№&%@#+®©" for ch in word.text):
        return True
    if word.bbox[3] - word.bbox[1] < MIN_TEXT_HEIGHT:
        return True
    return len(word.text) <= 2 and word.conf < 40 and not word.text.isdigit()


MIN_TEXT_HEIGHT = 4  # pixels: no letter or digit is printed flatter at any resolution read


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


def split_glued_labels(words: list[Word]) -> list[Word]:
    """'Пол:МУЖ' -> 'Пол:' + 'МУЖ' and '№123' -> '№' + '123', sharing the box by length."""
    result = []
    for word in words:
        if word.text.startswith("№") and len(word.text) > 1:
            head, colon, tail = "№", "", word.text[1:].lstrip()
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
    slope = _skew_slope(lines)
    rows: list[Row] = []
    for line in lines:
        centre = sum((w.bbox[1] + w.bbox[3]) / 2 - slope * (w.bbox[0] + w.bbox[2]) / 2 for w in line)
        # The height of the line's print: specks read beside it (stretches of a rule, a
        # stamp's scraps) are flatter or taller than its letters.
        solid = [w for w in line if w.conf >= SURE_CONF] or line
        height = statistics.median(w.bbox[3] - w.bbox[1] for w in solid)
        # Region reads and text running vertically (a passport's number in a PDF's text layer)
        # are rows of their own, never merged with the horizontal line they cross.
        standalone = (isinstance(line[0].line, tuple) and line[0].line[:1] == ("region",)) or runs_vertically(line)
        rows.append(Row(line, centre / len(line), height, standalone))
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
            target.words = sorted(target.words + row.words, key=lambda w: w.bbox[0])
    return merged


def _skew_slope(lines: list[list[Word]]) -> float:
    """Median dy/dx of the word centres along long lines (0 for straight pages)."""
    slopes = []
    for line in lines:
        if len(line) < 3 or line[-1].bbox[2] - line[0].bbox[0] < 300:
            continue
        xs = [(w.bbox[0] + w.bbox[2]) / 2 for w in line]
        ys = [(w.bbox[1] + w.bbox[3]) / 2 for w in line]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if spread:
            slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread)
    return statistics.median(slopes) if slopes else 0.0


def _overlap_x(a: list[Word], b: list[Word]) -> bool:
    """Whether a word of `a` and a word of `b` share columns. (Word by word, not line extent
    by line extent: a sparse reading gives digits printed in boxes as lines of one word
    each, and their rows interleave.)"""
    if min(w.bbox[0] for w in b) >= max(w.bbox[2] for w in a) or min(w.bbox[0] for w in a) >= max(w.bbox[2] for w in b):
        return False
    return any(u.bbox[0] < v.bbox[2] and v.bbox[0] < u.bbox[2] for u in a for v in b)


def find_label_hits(rows: list[Row], owners: list[tuple[str, str]]) -> list[LabelHit]:
    """Every place a label is printed. Where labels compete for the same words, the best
    match wins, and the longer label among equals ('Дата и место рождения' over 'Дата')."""
    targets = [(owner, target) for owner, label in owners if (target := squash(label))]
    longest = max((len(t) for _, t in targets), default=0)
    # Squashed text of words start..end of row r (and, for a wrapped label, of its second line).
    runs: list[tuple[str, int, int, int, tuple[int, int, int] | None]] = []
    squashed_rows = [[squash(w.text) for w in row.words] for row in rows]
    limit = longest * 1.2 + 2
    for r, squashed in enumerate(squashed_rows):
        for start in range(len(squashed)):
            if squashed[start]:
                runs += [(text, r, start, end, None) for text, end in _phrase_runs(rows[r], squashed, start, limit)]
    runs += _wrapped_runs(rows, squashed_rows, limit)
    candidates = []
    for i, j, score in similar_pairs([t for _, t in targets], [run[0] for run in runs], LABEL_CUTOFF):
        owner, target = targets[i]
        _, r, start, end, wrap = runs[j]
        candidates.append((score, len(target), owner, r, start, end, wrap))
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    taken: set[tuple[int, int]] = set()
    hits = []
    for score, length, owner, r, start, end, wrap in candidates:
        span = {(r, i) for i in range(start, end)}
        if wrap is not None:
            span |= {(wrap[0], i) for i in range(wrap[1], wrap[2])}
        if span & taken:
            # The same words may anchor several fields ('Дата и место рождения').
            if not any(h.row == r and h.start == start and h.end == end and h.wrap == wrap for h in hits):
                continue
        taken |= span
        hits.append(LabelHit(owner, r, start, end, score, length, wrap))
    return sorted(hits, key=lambda h: (h.row, h.start))


def _wrapped_runs(rows: list[Row], squashed_rows: list[list[str]], longest: float):
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
            for head, end in _phrase_runs(row, squashed_rows[r], start, longest):
                if len(head) >= longest:
                    break
                if not _ends_phrase(row, end - 1):
                    continue
                for tail_text, last in _phrase_runs(below, squashed_rows[t], under, longest):
                    if len(head) + len(tail_text) > longest:
                        break
                    if _ends_phrase(below, last - 1):
                        yield head + tail_text, r, start, end, (t, under, last)


def _tail_row(rows: list[Row], r: int, left: float) -> tuple[int, int] | None:
    """(row, word index) where a label whose first line starts at `left` on row `r` may go
    on: a word starting a column under it on the next row, or on the row after that when the
    next has no word near `left` (it holds the value beside the label)."""
    height = rows[r].height
    for t in (r + 1, r + 2):
        if t >= len(rows) or rows[t].standalone:
            return None
        if rows[t].y - rows[r].y > (t - r + 1) * max(height, rows[t].height):
            return None
        near = [i for i, w in enumerate(rows[t].words) if abs(w.bbox[0] - left) <= 2 * height]
        under = next((i for i in near if _starts_column(rows[t], i)), None)
        if under is not None:
            return t, under
        if any(w.bbox[0] <= left + 2 * height and w.bbox[2] >= left - height for w in rows[t].words):
            return None  # the next row has words under the label: not a value beside it
    return None


def _phrase_runs(row: Row, squashed: list[str], start: int, limit: float) -> Iterator[tuple[str, int]]:
    """(squashed text, end) of the words from `start` to each `end` within one printed
    phrase: a label never runs across a column gap ('(фамилия)   (имя)   (отчество)' are
    three labels). Stops after the first text longer than `limit`."""
    text = ""
    for end in range(start, len(squashed)):
        if end > start and _starts_column(row, end):
            return
        text += squashed[end]
        yield text, end + 1
        if len(text) > limit:
            return


def _ends_phrase(row: Row, index: int) -> bool:
    """Whether a row's word is its last, or is followed by a gap wider than a space."""
    words = row.words
    return index == len(words) - 1 or words[index + 1].bbox[0] - words[index].bbox[2] > PHRASE_GAP * row.height


def _starts_column(row: Row, index: int) -> bool:
    """Whether a row's word is its first, or follows a gap as wide as a column gap."""
    words = row.words
    return index == 0 or words[index].bbox[0] - words[index - 1].bbox[2] > COLUMN_GAP * row.height


# --------------------------------------------------------------------------- label strategy


@dataclass
class Candidate:
    words: list[Word]
    page: int
    method: str
    group_size: int = 0  # for method "group": how many fields share the label


def _by_label(spec: FieldSpec, doctype: DocType, models: list[PageModel]) -> Found | None:
    candidates: list[Candidate] = []
    owners = [spec.id] + ([spec.group] if spec.group else [])
    for owner in owners:
        for model in models:
            # The most specific label first: 'Всего к оплате' before a column header 'Всего'.
            for hit in sorted(model.hits, key=lambda h: (-h.length, h.row, h.start)):
                if hit.owner == owner:
                    group = owner != spec.id
                    lines = next(g.lines for g in doctype.groups if g.id == owner) if group else spec.lines
                    size = sum(f.group == owner for f in doctype.fields) if group else 0
                    for words in _near_label(model, hit, lines, free_text=spec.pattern is None, every_phrase=group):
                        candidates.append(Candidate(words, model.page.page, "group" if group else "label", size))
        if candidates and owner == spec.id:
            break  # the field's own label beats its group's
    if not candidates and spec.section_labels:
        for model in models:
            for hit in model.hits:
                if hit.owner == SECTION_LABEL + spec.id and _in_section(model, hit, spec.section):
                    candidates += [Candidate(words, model.page.page, "label") for words in _near_label(model, hit, spec.lines)]
    best = _choose(spec, candidates)
    if (best is None or not best.valid) and spec.anywhere and spec.pattern:
        everywhere = [
            Candidate(row.words, model.page.page, "vertical" if row.standalone else "pattern")
            for model in models
            for row in model.rows
        ]
        if spec.pick == "last":
            everywhere.reverse()
        fallback = _choose(spec, everywhere)
        if fallback is not None and (best is None or fallback.valid):
            best = fallback
    return best


def _near_label(model: PageModel, hit: LabelHit, lines: int, free_text: bool = False,
                every_phrase: bool = False) -> Iterable[list[Word]]:
    """Word runs that may hold the label's value, most likely first."""
    rows = model.rows
    label_row = rows[hit.row]
    right = _past_qualifier(_until_label(model, hit.row, hit.end, len(label_row.words)))
    if free_text:
        right = _first_column(right, label_row.height)
    label_box = union_box([w.bbox for w in label_row.words[hit.start : hit.end]])
    # A value may start left of its label: a caption is often centred under a longer value.
    left_edge = label_box[0] - max(2 * label_row.height, 0.75 * (label_box[2] - label_box[0]))
    later = [h for h in model.hits_in_row(hit.row) if h.start >= hit.end]
    right_edge = later[0].x0(rows) if later else 10**9
    if right:
        block = (label_box[0], right[-1].bbox[2])
        yield right + _continuation(model, hit.row, _continuation_left(right, label_row), right_edge, block, lines - 1)
    neighbours = []
    for step in (1, -1):
        r = hit.row + step
        origin = label_row.y  # a caption passed over counts as the label's own row
        while 0 <= r < len(rows):
            if not rows[r].standalone and _in_window(rows[r], left_edge, right_edge):
                if not _only_captions(model, r, left_edge, right_edge):
                    break
                origin = rows[r].y
            r += step
        if 0 <= r < len(rows) and abs(rows[r].y - origin) < NEIGHBOUR_ROWS * label_row.height:
            neighbours.append((abs(rows[r].y - origin), r, step))
    for _, r, step in sorted(neighbours):
        words = _window(model, r, left_edge, right_edge, every_phrase, owner=hit.owner)
        if words:
            block = (min(label_box[0], words[0].bbox[0]), max(label_box[2], words[-1].bbox[2]))
            more = _continuation(model, r, _continuation_left(words, label_row), right_edge, block, lines - 1, step)
            yield words + more if step == 1 else more + words


def _only_captions(model: PageModel, row: int, left: float, right: float) -> bool:
    """Whether the row's words in [left, right) are all stop labels: a caption between a
    heading and its value ('Продавец' over 'Наименование' over the seller's name)."""
    captions = {i for h in model.hits_in_row(row) if not h.owner for i in range(h.start, h.end)}
    return _all_of(model.rows[row], left, right, captions)


def _wrap_only(model: PageModel, row: int, left: float, right: float) -> bool:
    """Whether the row's words in [left, right) are all second lines of wrapped labels
    ('Место ГОР. АРЗАМАС' over 'рождения' over the rest of the place)."""
    wraps = {i for h in model.hits if h.wrap and h.wrap[0] == row for i in range(h.wrap[1], h.wrap[2])}
    return _all_of(model.rows[row], left, right, wraps)


def _all_of(row: Row, left: float, right: float, indexes: set[int]) -> bool:
    """Whether the row has words in [left, right), all of them at `indexes`."""
    inside = [i for i, w in enumerate(row.words) if _centred_in(w, left, right)]
    return bool(inside) and all(i in indexes for i in inside)


def _in_section(model: PageModel, hit: LabelHit, section: tuple[str, ...]) -> bool:
    """Whether the nearest section header above the hit, in its column, is one of `section`."""
    rows = model.rows
    x = hit.x0(rows)
    best = None
    for header in model.hits:
        if not header.owner.startswith(SECTION_HEADER) or header.row > hit.row:
            continue
        beside = [h for h in model.hits_in_row(header.row)
                  if h.owner.startswith(SECTION_HEADER) and h.x0(rows) > header.x0(rows)]
        right = min((h.x0(rows) for h in beside), default=10**9)
        if header.x0(rows) - 2 * rows[header.row].height <= x < right:
            if best is None or header.row >= best.row:
                best = header
    return best is not None and best.owner[len(SECTION_HEADER):] in section


def _continuation_left(first: list[Word], row: Row) -> float:
    """How far left a value's next line may start: centred lines of a long value start up
    to a line's width further left than its first line."""
    width = first[-1].bbox[2] - first[0].bbox[0]
    return first[0].bbox[0] - max(row.height, width)


def _until_label(model: PageModel, row: int, start: int, end: int) -> list[Word]:
    """Words of a row from `start`, stopping where another label begins."""
    stops = [h.start for h in model.hits_in_row(row) if h.start >= start]
    return model.rows[row].words[start : min([end, *stops])]


def _past_qualifier(words: list[Word]) -> list[Word]:
    """The words after a bracketed qualifier that ends a label ('Отчество (при наличии)',
    'Дата постановки на учет (дата выдачи)'): a value never starts with a bracket."""
    if words and words[0].text.startswith("("):
        for i, word in enumerate(words[:QUALIFIER_WORDS]):
            if ")" in word.text:
                return words[i + 1:]
    return words


QUALIFIER_WORDS = 4


def _first_column(words: list[Word], row_height: float) -> list[Word]:
    """A free-text value ends at a gap wide enough to be the next column."""
    for i in range(1, len(words)):
        if words[i].bbox[0] - words[i - 1].bbox[2] > COLUMN_GAP * row_height:
            return words[:i]
    return words


def _window(model: PageModel, row: int, left: float, right: float, every_phrase: bool = False,
            owner: str | None = None) -> list[Word]:
    """The first phrase of the row that reaches into [left, right): a run of words with no
    column-wide gap and no label in it, taken whole (a value centred under or over its
    label starts left of it). With `every_phrase`, all such phrases (a name spread over
    three captioned columns). Looking for `owner`'s value, a phrase right after another
    field's label is that field's ('ИНН/КПП покупателя 7704919851/770401008' under the
    seller's INN)."""
    hits = model.hits_in_row(row)
    row_words = model.rows[row].words
    in_labels = {i for h in hits for i in range(h.start, h.end)}
    in_labels |= {i for h in model.hits if h.wrap and h.wrap[0] == row for i in range(h.wrap[1], h.wrap[2])}
    others = set()
    if owner is not None:
        own = {h.end for h in hits if h.owner == owner}
        others = {h.end for h in hits if h.owner and h.owner[0] != SECTION_LABEL and h.owner != owner} - own
    gap = COLUMN_GAP * model.rows[row].height
    phrases: list[list[Word]] = [[]]
    after_other = []  # the phrases that start right after another field's label
    for i, word in enumerate(row_words):
        if i in in_labels or (phrases[-1] and word.bbox[0] - _phrase_end(phrases[-1]) > gap):
            phrases.append([])
        if i not in in_labels:
            if not phrases[-1] and i in others:
                after_other.append(len(phrases) - 1)
            phrases[-1].append(word)
    phrases = [p for n, p in enumerate(phrases) if n not in after_other]
    reaching = [p for p in phrases if any(_centred_in(w, left, right) for w in p)]
    if not reaching:
        return []
    return [w for p in reaching for w in p] if every_phrase else reaching[0]


def _phrase_end(phrase: list[Word]) -> int:
    """Where a phrase ends, for telling the next column from it: at its last word that is
    no speck (short and unsure), so that specks read between two columns ('ВАСИЛИСА Ses
    ees ВИКТОРОВНА') do not join them."""
    solid = [w for w in phrase if w.conf >= SPECK_CONF or sum(c.isalnum() for c in w.text) > 3]
    return (solid or phrase)[-1].bbox[2]


def _in_window(row: Row, left: float, right: float) -> bool:
    return any(_centred_in(w, left, right) for w in row.words)


def _centred_in(word: Word, left: float, right: float) -> bool:
    return left <= (word.bbox[0] + word.bbox[2]) / 2 < right


def _continuation(model: PageModel, row: int, left: float, right: float, block: tuple[float, float],
                  lines: int, step: int = 1) -> list[Word]:
    """Further rows of a multi-line value, below it (step 1) or above it (step -1, for a value
    printed over its caption): close, aligned, and holding no label. In reading order.
    Each reaches under the `block` of the label and the value's lines so far: a scrap beside
    it (a stamp's, a photo's) is no line of it."""
    words: list[Word] = []
    previous = model.rows[row]
    r = row + step
    while 0 <= r < len(model.rows) and lines > 0:
        current = model.rows[r]
        r += step
        if current.standalone or not _in_window(current, left, right):
            continue
        if abs(current.y - previous.y) > LINE_GAP * max(previous.height, current.height):
            break
        if any(h.x0(model.rows) < right for h in model.hits_in_row(r - step)):
            break  # the row holds another field's label: the value has ended
        run = _window(model, r - step, left, right)
        if not run:
            if _wrap_only(model, r - step, left, right):
                previous = current  # the second line of a wrapped label beside the value
                continue
            break
        if not any(w.bbox[2] > block[0] - current.height and w.bbox[0] < block[1] + current.height for w in run):
            continue
        words = words + run if step == 1 else run + words
        block = (min(block[0], run[0].bbox[0]), max(block[1], run[-1].bbox[2]))
        previous = current
        lines -= 1
    return words


# --------------------------------------------------------------------------- choosing a value


def value_from_words(spec: FieldSpec, words: list[Word], page: int, method: str) -> Found | None:
    """The field's value read from given words (a re-read of the value's own box)."""
    if method == "group":
        method = "label"  # the box holds this field's word alone
    rows = build_rows(words)
    return _read_value(spec, Candidate([w for row in rows for w in row.words], page, method))


def _choose(spec: FieldSpec, candidates: list[Candidate]) -> Found | None:
    """The first candidate that gives a valid value, else the first that gives any value.
    Free text has no shape to tell a right value from a wrong one, so for it the nearest
    candidate stands, valid or not (an invalid one is re-read, never swapped for a far one)."""
    first_invalid = None
    for candidate in candidates:
        found = _read_value(spec, candidate)
        if found is None:
            continue
        if found.valid or (spec.pattern is None and candidate.method != "group"):
            return found
        first_invalid = first_invalid or found
    return first_invalid


def _read_value(spec: FieldSpec, candidate: Candidate) -> Found | None:
    if spec.pattern is None:
        candidate = replace(candidate, words=_without_specks(spec, candidate.words, inside=candidate.method == "group"))
    text, spans = _join(candidate.words)
    if candidate.method == "group":
        return _group_word(spec, candidate, text, spans)
    if spec.pattern:
        return _pattern_value(spec, candidate, text, spans)
    # Cut line by line: a date's 'г.' (year) is never the next line's 'г.' (town).
    starts = [spans[i][0] for i in range(len(candidate.words)) if i == 0 or _starts_line(candidate.words, i)]
    for pattern in spec.exclude:
        text = "".join(re.sub(expand(pattern), lambda m: " " * len(m.group()), text[a:b])
                       for a, b in zip(starts, starts[1:] + [len(text)]))
    return _found(spec, candidate, text, spans, (0, len(text)))


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
        of the other script standing alone ('г. Ленинград I')."""
        text = word.text
        return (all(c in JUNK_SIGNS for c in text)
                or (len(text) == 1 and text.isalpha() and script_of(text) != script))

    def speck(word: Word) -> bool:
        letters = [c for c in word.text if c.isalpha()]
        return word.conf < SPECK_CONF and bool(letters) and not any(script_of(c) == script for c in letters)

    def stray(word: Word) -> bool:
        """At a value's ends, however sure: a short word all in the other script ('Ry
        Галиева', 'SoS МОСКОВСКАЯ ОБЛ.'), a stamp's or a photo's edge read as letters."""
        letters = [c for c in word.text if c.isalpha()]
        return (speck(word) or (0 < len(letters) <= STRAY_LETTERS and not any(c.isdigit() for c in word.text)
                                and not any(script_of(c) == script for c in letters)))

    words = [w for w in words if not junk(w)] or words[:1]
    if inside:
        kept = [w for w in words if not speck(w)]
        return kept or words[:1]
    start, end = 0, len(words)
    while end - start > 1 and stray(words[end - 1]):
        end -= 1
    while end - start > 1 and stray(words[start]):
        start += 1
    return words[start:end]


def _pattern_value(spec: FieldSpec, candidate: Candidate, text: str, spans) -> Found | None:
    fixed = fix_digit_lookalikes(text)  # maps letters to digits one for one: offsets still hold
    matches = list(_overlapping_matches(re.compile(expand(spec.pattern or "")), fixed))
    if spec.pick == "last":
        matches.reverse()
    elif spec.pick == "largest":
        matches.sort(key=lambda m: -float(normalize("money", m.group()) or 0))
    first_invalid = None
    for match in matches:
        found = _found(spec, candidate, text, spans, match.span())
        if found is None:
            continue
        if found.valid:
            return found
        first_invalid = first_invalid or found
    return first_invalid


def _overlapping_matches(regex: re.Pattern, text: str) -> Iterable[re.Match]:
    """Every match, overlapping ones too: in '#19- 18/01/2018' the first match, '19- 18/01',
    is no date, and the real one starts inside it."""
    position = 0
    while (match := regex.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def _group_word(spec: FieldSpec, candidate: Candidate, text: str, spans) -> Found | None:
    names = [m for m in re.finditer(r"[^\W\d_][\w'\-]*", text) if len(m.group()) >= 2]
    if len(names) != candidate.group_size:  # the group's words, no fewer and no more
        return None
    return _found(spec, candidate, text, spans, names[spec.index].span())


def _found(spec: FieldSpec, candidate: Candidate, text: str, spans, span: tuple[int, int]) -> Found | None:
    raw = " ".join(text[span[0] : span[1]].split()).strip(EDGE_JUNK)
    value = normalize(spec.normalize, raw) if raw else None
    if value is None:
        return None
    words = [w for w, (a, b) in zip(candidate.words, spans) if a < span[1] and b > span[0] and w.text.strip()]
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


def _join(words: list[Word]) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, offset = [], [], 0
    for word in words:
        spans.append((offset, offset + len(word.text)))
        parts.append(word.text)
        offset += len(word.text) + 1
    return " ".join(parts), spans


# --------------------------------------------------------------------------- layout strategies


def _top_lines(spec: FieldSpec, models: list[PageModel]) -> Found | None:
    """A value printed as one of the first rows of the document (a receipt's company)."""
    if not models:
        return None
    model = models[0]
    rows = [r for r in model.rows if not r.standalone and _letters(r.words) >= 3][: spec.lines]
    rows = [r for r in rows if not (spec.skip and re.search(spec.skip, _text(r.words)))]
    if not rows:
        return None
    preferred = [r for r in rows if spec.prefer and re.search(spec.prefer, _text(r.words))]
    row = preferred[0] if preferred else rows[0]
    text, spans = _join(row.words)
    return _found(spec, Candidate(row.words, model.page.page, "layout"), text, spans, (0, len(text)))


def _lines_after(spec: FieldSpec, models: list[PageModel], anchor: Found | None) -> Found | None:
    """Rows right below another field's value, up to a row matching `stop` (a receipt's address)."""
    if anchor is None or anchor.bbox is None or not models:
        return None
    model = next((m for m in models if m.page.page == anchor.page), models[0])
    words: list[Word] = []
    taken = 0
    for row in model.rows:
        centre = (row.words[0].bbox[1] + row.words[0].bbox[3]) / 2
        if row.standalone or centre <= anchor.bbox[3]:
            continue
        text = _text(row.words)
        if spec.skip and re.search(spec.skip, text):
            continue
        stop = re.search(spec.stop, text) if spec.stop else None
        if stop:
            keep = [w for w, (a, _) in zip(row.words, _join(row.words)[1]) if a < stop.start()]
            words += keep
            break
        words += row.words
        taken += 1
        if taken >= spec.lines:
            break
    if not words:
        return None
    text, spans = _join(words)
    return _found(spec, Candidate(words, model.page.page, "layout"), text, spans, (0, len(text)))


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _letters(words: list[Word]) -> int:
    return sum(ch.isalpha() for w in words for ch in w.text)


# --------------------------------------------------------------------------- answers of a model


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
