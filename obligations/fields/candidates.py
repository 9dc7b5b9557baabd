"""Where a field's value may be printed, found from its label: word runs in the order
they are most likely to hold it.
  1. right of its label on the same row, up to the next label;
  2. on the row below or above the label (captions above or below their values),
     the nearer one first, within the label's column;
  3. for fields marked `anywhere`, every row of the page (read by the value's pattern).
A field's in-section labels ('ИНН/КПП' under 'Продавец') count in their section only."""

from __future__ import annotations

import re
import statistics

from dataclasses import dataclass
from typing import Callable, Iterable

from ..backends.base import Word, union_box
from ..doctypes import DocType, FieldSpec
from .layout import COLUMN_GAP, SECTION_HEADER, SECTION_LABEL, SPECK_CONF, SURE_CONF, LabelHit, PageModel, Row
from .normalize import NAME_KINDS
from .validate import GENDER_WORD, PATRONYMIC, UNFINISHED_END

LINE_GAP = 2.5  # rows further apart than this many row heights are not one value
NEIGHBOUR_ROWS = 4  # a value under or over its label starts within this many row heights


@dataclass
class Candidate:
    words: list[Word]
    page: int
    method: str
    group_size: int = 0  # for method "group": how many fields share the label



def label_candidates(spec: FieldSpec, doctype: DocType, models: list[PageModel]) -> list[Candidate]:
    """Word runs near the field's own labels, most specific label first; else near its
    group's labels; else near its in-section labels in the field's section."""
    candidates: list[Candidate] = []
    owners = [spec.id] + ([spec.group] if spec.group else [])
    for owner in owners:
        for model in models:
            # The most specific label first: 'Всего к оплате' before a column header 'Всего';
            # one in brackets last, the qualifier of the label before it ('Поставщик' over
            # '(Исполнитель):', a line of the seller's paragraph beside it).
            for hit in sorted(model.hits, key=lambda h: (_parenthesised(model.rows[h.row].words[h.start:h.end]),
                                                         -h.length, h.row, h.start)):
                if hit.owner == owner:
                    group = owner != spec.id
                    lines = next(g.lines for g in doctype.groups if g.id == owner) if group else spec.lines
                    size = sum(f.group == owner for f in doctype.fields) if group else 0
                    for words in _near_label(model, hit, lines, free_text=spec.pattern is None, every_phrase=group,
                                             names=spec.normalize in NAME_KINDS, fits=_fits(spec) if not group else None):
                        candidates.append(Candidate(words, model.page.page, "group" if group else "label", size))
        if candidates and owner == spec.id:
            break  # the field's own label beats its group's
    if not candidates and spec.section_labels:
        for model in models:
            for hit in model.hits:
                if hit.owner == SECTION_LABEL + spec.id and _in_section(model, hit, spec.section):
                    candidates += [Candidate(words, model.page.page, "label") for words in _near_label(model, hit, spec.lines)]
    return candidates


# A row that opens with a postcode, after at most a caption: 'Адрес: 417183, г. Москва'.
POSTAL_ADDRESS = re.compile(r"^(?:\S+\s+)?\d{6},")


def pattern_candidates(spec: FieldSpec, models: list[PageModel]) -> list[Candidate]:
    """Every row of every page, in reading order (reversed for a field picked last)."""
    everywhere = [
        Candidate(row.words, model.page.page, "vertical" if row.standalone else "pattern")
        for model in models
        for row in model.rows
    ]
    if spec.pick == "last":
        everywhere.reverse()
    return everywhere


SECTION_ROWS = 8  # a section (a party's name, address, codes, bank) spans at most this many rows


def section_candidates(spec: FieldSpec, models: list[PageModel]) -> list[Candidate]:
    """The rows of the field's section, each cut to the section's column: under its header
    ('Покупатель'), up to the next header in that column. Where the in-section label is
    lost (a speck over 'ИНН/КПП:' read 'инйл'), the value's own pattern still finds it there.
    A row labelled for another field only is that field's ('ИНН/КПП покупателя' under
    'Продавец' on a form that prints each party's codes on a row of their own)."""
    own = {spec.id, spec.group, SECTION_LABEL + spec.id}
    candidates = []
    for model in models:
        rows = model.rows
        headers = [h for h in model.hits if h.owner.startswith(SECTION_HEADER)]
        for header in headers:
            if header.owner[len(SECTION_HEADER):] not in spec.section:
                continue
            left = header.x0(rows) - 2 * rows[header.row].height
            right = min((h.x0(rows) for h in headers if h.row == header.row and h.x0(rows) > header.x0(rows)),
                        default=10**9)
            # The header's own row after it: a party printed as one paragraph opens there
            # ('Поставщик (Исполнитель): ИНН 4019484722 / КПП 401943001, ООО "ТрансКомплект", ...').
            after = [w for w in rows[header.row].words[header.end:] if w.bbox[0] < right]
            if after and not rows[header.row].standalone:
                candidates.append(Candidate(after, model.page.page, "pattern"))
            for r in range(header.row + 1, min(header.row + 1 + SECTION_ROWS, len(rows))):
                if any(h.row == r and h.x0(rows) < right for h in headers):
                    break  # the next section, in this column or across the page ('Покупатель:' under 'Продавец:')
                owners = {h.owner for h in model.hits_in_row(r) if left <= h.x0(rows) < right}
                if not owners & own and any(o and not o.startswith(SECTION_LABEL) for o in owners):
                    continue
                words = [w for w in rows[r].words if _centred_in(w, left, right)]
                if words and not rows[r].standalone:
                    candidates.append(Candidate(words, model.page.page, "pattern"))
    return candidates


def _fits(spec: FieldSpec) -> Callable[[list[Word]], bool] | None:
    """What tells a row that holds the field's value by its words' shape alone: a patronymic's
    ending."""
    if spec.validate_params.get("patronymic"):
        return lambda words: any(PATRONYMIC.search(w.text.strip(".,")) for w in words)
    return None


def _near_label(model: PageModel, hit: LabelHit, lines: int, free_text: bool = False,
                every_phrase: bool = False, names: bool = False,
                fits: Callable[[list[Word]], bool] | None = None) -> Iterable[list[Word]]:
    """Word runs that may hold the label's value, most likely first."""
    rows = model.rows
    label_row = rows[hit.row]
    through = None
    end = _qualified_end(model, hit)
    right = _after_label(model, hit.row, end)
    if not right and free_text:
        # A party's paragraph that opens with its codes ('Покупатель: ИНН 3404662534 КПП
        # 340401001, ПАО «Окна», 400005, г. Волгоград'): the name comes after them, and
        # normalising takes it out of its requisites.
        through = SECTION_LABEL
        right = _after_label(model, hit.row, end, through)
    label_box = union_box([w.bbox for w in label_row.words[hit.start : hit.end]])
    value_row = hit.row
    if not right and (beside_qualifier := _beside_qualifier_below(model, hit.row, label_box)):
        # The label's bracketed qualifier wrapped under it ('ФАМИЛИЯ, ИМЯ, ОТЧЕСТВО' over
        # '(ПРИ НАЛИЧИИ)  Щербаков Вячеслав Евгеньевич'): the value is beside the qualifier.
        value_row, right = beside_qualifier
    if free_text:
        right = _first_column(right, label_row.height, names)
    # A value may start left of its label: a caption is often centred under a longer value.
    left_edge = label_box[0] - max(2 * label_row.height, 0.75 * (label_box[2] - label_box[0]))
    later = [h for h in model.hits_in_row(hit.row) if h.start >= end and not (through and h.owner.startswith(through))]
    right_edge = later[0].x0(rows) if later else 10**9
    if names and _specks(right):
        right = []  # a rule beside a name's caption read as letters ('Щл' at 51 %): the name is above or under it
    if right:
        block = (label_box[0], right[-1].bbox[2])
        left = _continuation_left(right, label_row)
        if _abbreviations_alone(right):
            # A first line of abbreviations alone ('Место рождения Г.') ends no value: its next
            # line may start as far left as the label does ('РОСТОВ-НА-ДОНУ' under it).
            left = min(left, label_box[0])
        # A value whose row goes on, a space after it, with another field's label ('ИП Нестерова
        # Мария Анатольевна, ИНН 771292329363, ... кв.' over '161'): its paragraph's next line
        # is that label's (a label a column's gap off is another column's, the value's next
        # line under it its own).
        run_on = bool(later) and value_row == hit.row and later[0].x0(rows) - right[-1].bbox[2] < RUN_ON_GAP * label_row.height
        more = [] if run_on else _continuation(model, value_row, left, right_edge, block, lines - 1,
                                               unfinished=_unfinished(right))
        yield right + more
        if every_phrase and more:
            # A group's words may go on on the next row (a long name wrapped); where a small
            # caption under them was lost, the next row is the next field's value ('муж.').
            yield right
    # A caption in parentheses ('(фамилия)') is printed under the line its value is written
    # on, centred under the whole line: where nothing is over it, the value may start anywhere
    # left of it ('Ахметова' at the line's start, its caption in the middle of the page).
    parenthesised = _parenthesised(label_row.words[hit.start : hit.end])
    lefts = {1: left_edge, -1: left_edge}
    if parenthesised and hit.row > 0 and not _in_window(rows[hit.row - 1], left_edge, right_edge):
        lefts[-1] = 0
    neighbours = []
    scrap_beside = {1: False, -1: False}  # a row of scraps next to the label, under it or over it
    for step in (1, -1):
        r = hit.row + step
        origin = label_row.y  # a caption passed over counts as the label's own row
        while 0 <= r < len(rows):
            if not rows[r].standalone and _in_window(rows[r], lefts[step], right_edge):
                if _only_specks(rows[r], lefts[step], right_edge):
                    scrap_beside[step] |= abs(rows[r].y - origin) < NEIGHBOUR_ROWS * label_row.height
                    r += step
                    continue  # a rule's scrap read '—ы——' between a value and its caption
                if not _only_captions(model, r, lefts[step], right_edge):
                    break
                origin = rows[r].y
            r += step
        if 0 <= r < len(rows) and abs(rows[r].y - origin) < NEIGHBOUR_ROWS * label_row.height:
            neighbours.append((abs(rows[r].y - origin), r, step))
    # The row above a caption in parentheses first, however near the row below looks (a speck
    # under either word stretches its box by a line). So is every caption of a page whose
    # figures lie above their captions (PageModel.captions_under_values); on a page whose
    # figures lie under theirs, the row below first (captions_over_values).
    under_value = model.captions_under_values or parenthesised
    over_value = model.captions_over_values and not parenthesised
    ordered = sorted(neighbours, key=lambda n: (under_value and n[2] == 1, over_value and n[2] == -1, n))
    if (fits and len(ordered) == 2 and not (under_value or over_value) and ordered[1][0] <= NEAR_TIE * ordered[0][0]
            and not fits(rows[ordered[0][1]].words) and fits(rows[ordered[1][1]].words)):
        # The rows over and under a caption about as near, only the farther one's words of the
        # field's shape ('ЯРОСЛАВ' 52 px over 'Отчество', 'РИНАТОВИЧ' 54 px under it).
        ordered.reverse()
    page_side = -1 if model.captions_under_values else 1 if model.captions_over_values else 0
    if names and page_side and not parenthesised:
        # On a page that prints its values over their captions (or under them), a name's row
        # is on that side, read well or not, or lost to a scrap (a 78-dpi page kept 'А' of
        # 'СМИРНОВА' over 'Фамилия'): the row on the other side is the next caption's value
        # ('АНЖЕЛА' over the lost 'Имя'), no second choice.
        own_side = [n for n in ordered if n[2] == page_side]
        if own_side or scrap_beside[page_side]:
            ordered = own_side[:1]
    for _, r, step in ordered:
        if parenthesised and step == 1:
            continue  # the row under such a caption is the next line's ('в соответствии с')
        words = _own_column(_window(model, r, lefts[step], right_edge, every_phrase, owner=hit.owner,
                                    label=(label_box[0], label_box[2])), model, hit)
        if words and _under_own_caption(words):
            continue  # 'Дата формирования уведомления: 27.09.2022' under 'Дата регистрации:' and its lost date
        if words:
            block = (min(label_box[0], words[0].bbox[0]), max(label_box[2], words[-1].bbox[2]))
            more = _continuation(model, r, _continuation_left(words, label_row), right_edge, block, lines - 1, step,
                                 unfinished=step == 1 and _unfinished(words))
            yield words + more if step == 1 else more + words


RUN_ON_GAP = 1.5  # row heights: a label this near after a value goes on its paragraph
NEAR_TIE = 1.2  # a neighbour row this many times as far as the nearest is about as near


def _after_label(model: PageModel, row: int, end: int, through: str | None = None) -> list[Word]:
    """The words after a label on its row up to the next label, past its qualifier or its name
    in another language."""
    words = model.rows[row].words
    right = _past_qualifier(_until_label(model, row, end, len(words), through))
    if right and _after_slash(model, model.rows[row], words[end - 1].bbox[2], right[0]):
        right = _past_other_language(right)
    return right


def _qualified_end(model: PageModel, hit: LabelHit) -> int:
    """Where a label ends: past another label of the same field in brackets right after it,
    its qualifier ('Покупатель (Заказчик): ООО «Сантехмонтаж»'; the value is after both)."""
    words = model.rows[hit.row].words
    qualifier = next((h for h in model.hits_in_row(hit.row) if h.owner == hit.owner and h.start == hit.end
                      and not h.wrap and words[h.start].text.startswith("(")), None)
    return qualifier.end if qualifier else hit.end


def _beside_qualifier_below(model: PageModel, row: int, label_box: tuple[int, int, int, int]
                            ) -> tuple[int, list[Word]] | None:
    """The next row's words after a bracketed qualifier that starts under the label's first
    word, with the row's index; None where the next row opens otherwise."""
    if row + 1 >= len(model.rows):
        return None
    label_row, below = model.rows[row], model.rows[row + 1]
    words = _until_label(model, row + 1, 0, len(below.words))
    if (below.standalone or not words or abs(words[0].bbox[0] - label_box[0]) > label_row.height
            or below.y - label_row.y > LINE_GAP * max(label_row.height, below.height)):
        return None
    if words[0].text.startswith("(") and any(")" in w.text for w in words[:QUALIFIER_WORDS]):
        after = _past_qualifier(words)
    elif _opened_on(label_row, label_box):
        # ... or it opened on the label's row and closes here ('(ПРИ' over 'НАЛИЧИИ)', its
        # bracket read or not): the value follows its first word, or the word that closes it.
        closing = next((i for i, w in enumerate(words[:QUALIFIER_WORDS]) if ")" in w.text), 0)
        after = words[closing + 1:]
    else:
        return None
    return (row + 1, after) if after else None


def _opened_on(row: Row, label_box: tuple[int, int, int, int]) -> bool:
    """Whether a bracket opens after the label on its row and nothing there closes it."""
    after = [w for w in row.words if w.bbox[0] >= label_box[2]]
    return bool(after) and after[0].text.startswith("(") and not any(")" in w.text for w in after)


def _under_own_caption(words: list[Word]) -> bool:
    """Whether a phrase opens with a caption of its own, a label no document type knows: two
    to four words in small letters, the last ending with a colon, before the value they
    caption. (One word in capitals is a value's: 'ГОР: МОСКВА', a speck read as its colon.)"""
    for i, word in enumerate(words[:CAPTION_WORDS]):
        if not word.text.rstrip(":").isalpha():
            return False
        if word.text.endswith(":"):
            caption = words[:i + 1]
            return i >= 1 and i + 1 < len(words) and any(c.islower() for w in caption for c in w.text)
    return False


CAPTION_WORDS = 4


def _own_column(words: list[Word], model: PageModel, hit: LabelHit) -> list[Word]:
    """Of a phrase under (or over) a label that shares its row with other labels ('Продавец'
    and 'Покупатель' side by side), the part in the label's own column: a phrase reaching into
    a neighbour's column is cut at its widest gap between the two labels ('... «Тарасов и' | 'ЗАО
    «Доронин и партнеры»', the columns' gap narrower than a column's gap elsewhere)."""
    if len(words) < 2:
        return words
    rows = model.rows
    x0 = hit.x0(rows)
    starts = sorted(h.x0(rows) for h in model.hits_in_row(hit.row) if h.owner and h is not hit)
    before = [x for x in starts if x < x0]
    after = [x for x in starts if x > x0]
    if after and words[-1].bbox[0] >= after[0]:
        cut = _widest_gap(words, x0, after[0] + rows[hit.row].height)
        words = words[:cut] if cut else words
    if before and words[0].bbox[2] <= x0:
        cut = _widest_gap(words, before[-1], x0 + rows[hit.row].height)
        # (Only where what is left reaches the label's column: a phrase that merely touches
        # the window, all of it left of the label, is left as it was.)
        words = words[cut:] if cut and words[-1].bbox[2] > x0 else words
    return words


def _widest_gap(words: list[Word], left: float, right: float) -> int | None:
    """The index of the word after the widest gap between words that lies within [left, right],
    where it is a columns' gap: COLUMN_SPLIT times the phrase's usual space or more, and a
    row's height (not a space between words of one value under captions set close together)."""
    spaces = [words[i].bbox[0] - words[i - 1].bbox[2] for i in range(1, len(words))]
    gaps = [(spaces[i - 1], i) for i in range(1, len(words)) if left <= words[i - 1].bbox[2] and words[i].bbox[0] <= right]
    if not gaps:
        return None
    gap, index = max(gaps)
    height = min(w.bbox[3] - w.bbox[1] for w in words)
    return index if gap >= COLUMN_SPLIT * max(statistics.median(spaces), 1) and gap >= height else None


COLUMN_SPLIT = 3.0


# 'Г.', 'ГОР.', 'ПОС.', 'ул.'; a settlement's letter whose stop was lost ('Г', 'С', 'Д', 'П', 'Х')
ABBREVIATION = re.compile(r"[^\W\d_]{1,4}\.|[ГСДПХ]", re.IGNORECASE)
# How much farther than LINE_GAP the line after an unfinished one (abbreviations alone, or
# ending with a place's type or a preposition: 'РОССИИ ПО') may lie: a small caption's or a
# lower-case abbreviation's height measures that line ('МЕСТО РОЖДЕНИЯ пос.'), and an
# office's lines in capitals are spaced for the lower case they do not print.
UNFINISHED_REACH = 1.6


def _abbreviations_alone(words: list[Word]) -> bool:
    return all(ABBREVIATION.fullmatch(w.text) for w in words)


def _unfinished(words: list[Word]) -> bool:
    return bool(words) and (_abbreviations_alone(words) or bool(UNFINISHED_END.search(" ".join(w.text for w in words))))


def _parenthesised(label: list[Word]) -> bool:
    return label[0].text.startswith("(") and label[-1].text.rstrip(".,:;").endswith(")")


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


def _only_specks(row: Row, left: float, right: float) -> bool:
    """Whether the row's words in [left, right) are each one letter or digit at most, or two
    read unsure (a speck between a place and its caption read 'ae' at 54 %)."""
    return _specks([w for w in row.words if _centred_in(w, left, right)])


def _specks(words: list[Word]) -> bool:
    """Whether there are words, each one letter or digit at most, or two read unsure."""
    return bool(words) and all(sum(c.isalnum() for c in w.text) <= (2 if w.conf < SURE_CONF else 1) for w in words)


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


def _other_column(model: PageModel, hit: LabelHit, block: tuple[float, float]) -> bool:
    """Whether a caption (no field's label) lies wholly left of the `block` of a value and
    its label: the caption of something in a column of its own ('Личная подпись' left of a
    passport's 'Место рождения'), not the next caption under the label ('Адрес' under
    'Покупатель')."""
    return not hit.owner and hit.x1(model.rows) < block[0]


def lines_under(model: PageModel, row: int, first: list[Word], lines: int) -> list[Word]:
    """The further lines of a value whose first line's words (`first`, on `row`) were found
    without a label: close under it, aligned, holding no label, up to `lines` in all."""
    return _continuation(model, row, _continuation_left(first, model.rows[row]), float("inf"),
                         (first[0].bbox[0], first[-1].bbox[2]), lines - 1)


def _continuation_left(first: list[Word], row: Row) -> float:
    """How far left a value's next line may start: centred lines of a long value start up
    to a line's width further left than its first line."""
    width = first[-1].bbox[2] - first[0].bbox[0]
    return first[0].bbox[0] - max(row.height, width)


def _until_label(model: PageModel, row: int, start: int, end: int, through: str | None = None) -> list[Word]:
    """Words of a row from `start`, stopping where another label begins (other than those
    whose owner starts with `through`)."""
    stops = [h.start for h in model.hits_in_row(row) if h.start >= start and not (through and h.owner.startswith(through))]
    return model.rows[row].words[start : min([end, *stops])]


def _past_qualifier(words: list[Word]) -> list[Word]:
    """The words after a bracketed qualifier that ends a label ('Отчество (при наличии)',
    'Дата постановки на учет (дата выдачи)'): a value never starts with a bracket. Nor with
    the label's own colon or dash split off as a word ('Ф. И. O::' read, then 'O:' ':'; the
    value seemed to end at the colon, a column's gap before the name)."""
    while words and not words[0].text.strip(LABEL_MARKS):
        words = words[1:]
    if words and words[0].text.startswith("/") and (words[0].text.strip("/") or len(words) > 1):
        return _past_other_language(words)
    # (A qualifier holds words, not figures: '(Ф-76' after 'Счет №' is the number, its 'С' read '('.)
    # (Its bracket may be read as a brace or a square one: '{при' over 'наличия)' on a fax.)
    if words and words[0].text[:1] in "([{" and not re.fullmatch(r"[(\[{][^\W\d_]{0,3}[-/]?\d[^)]*", words[0].text):
        for i, word in enumerate(words[:QUALIFIER_WORDS]):
            if any(c in word.text for c in ")]}"):
                return words[i + 1:]
        # Its bracket closes on the next line ('Фамилия, имя, отчество (при' over 'наличии)'):
        # its small words here are the qualifier's.
        opened = 1
        while opened < min(len(words), QUALIFIER_WORDS) and words[opened].text.isalpha() and words[opened].text.islower():
            opened += 1
        return words[opened:]
    return words


QUALIFIER_WORDS = 4
LABEL_MARKS = ":;.,-–—"


def _past_other_language(words: list[Word]) -> list[Word]:
    """The words after a label's name in its other language, which follows a slash ('Фамилия /
    Surname', 'Дата рождения / Date of birth'): up to a figure, at most QUALIFIER_WORDS of them
    ('Зигпате', English read in Russian, is never the value)."""
    other = 0
    while other < min(len(words), QUALIFIER_WORDS) and not any(c.isdigit() for c in words[other].text):
        other += 1
    return words[other:]


def _after_slash(model: PageModel, row: Row, label_end: int, first: Word) -> bool:
    """Whether a slash read alone (dropped from the rows as a speck) stands between a label's
    end and the first word after it on its row."""
    top, bottom = min(w.bbox[1] for w in row.words), max(w.bbox[3] for w in row.words)
    return any(w.text.strip() == "/" and label_end - 2 <= w.bbox[0] and w.bbox[2] <= first.bbox[0] + 2
               and w.bbox[1] < bottom and w.bbox[3] > top for w in model.page.words)


def _first_column(words: list[Word], row_height: float, names: bool = False) -> list[Word]:
    """A free-text value ends at a gap wide enough to be the next column. A speck read as a
    figure or two between the label and the value, unsure ('Продавец: 7   Индивидуальный
    предприниматель'), is no column of its own; before `names`, which hold no figure, nor is
    one read sure ('ИМЯ 5   ФЁКЛА'). (Unsure signs of other kinds are gone already:
    `layout.is_noise` keeps only figures, which may be a day or a house.)"""
    while (len(words) > 1 and (names or words[0].conf < SPECK_CONF) and len(words[0].text) <= 2
           and words[0].text.isdigit()):
        words = words[1:]
    for i in range(1, len(words)):
        if words[i].bbox[0] - words[i - 1].bbox[2] > COLUMN_GAP * row_height:
            return words[:i]
    return words


def _window(model: PageModel, row: int, left: float, right: float, every_phrase: bool = False,
            owner: str | None = None, label: tuple[float, float] | None = None) -> list[Word]:
    """The first phrase of the row that reaches into [left, right): a run of words with no
    column-wide gap and no label in it, taken whole (a value centred under or over its
    label starts left of it). With `every_phrase`, all such phrases (a name spread over
    three captioned columns). Looking for `owner`'s value, a phrase right after another
    field's label is that field's ('ИНН/КПП покупателя 7704919851/770401008' under the
    seller's INN). Of several phrases starting in it, the one most over or under the `label`'s
    own span ('ЖЕН.  28.04.1960' over 'ПОЛ  ДАТА РОЖДЕНИЯ': the date, for the birth date)."""
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
    if every_phrase:
        return [w for p in reaching for w in p]
    # A phrase that only ends in the window, where another starts in it, is the left-hand
    # column's: a seller's long name, its last 'и' past the left edge of the buyer's window,
    # is not the buyer's name, which starts a column's gap after it.
    starting = [p for p in reaching if _centred_in(p[0], left, right)]
    if label is not None and len(starting) > 1:
        def overlap(phrase: list[Word]) -> float:
            return max(0.0, min(label[1], phrase[-1].bbox[2]) - max(label[0], phrase[0].bbox[0]))

        return max(starting, key=overlap)  # (the first of those alike)
    return (starting or reaching)[0]


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


SMALL_PRINT = 0.5  # a row printed under half the height of the line before it is a caption, no line of the value


def _continuation(model: PageModel, row: int, left: float, right: float, block: tuple[float, float],
                  lines: int, step: int = 1, unfinished: bool = False) -> list[Word]:
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
        reach = UNFINISHED_REACH if unfinished else 1.0
        if abs(current.y - previous.y) > LINE_GAP * reach * max(previous.height, current.height):
            break
        # The row holds another field's label: the value has ended. (Not a caption of a
        # column left of the value and its label: 'Личная подпись' beside a place's second line;
        # nor one of the next column, which may start a little left of its header: the buyer's
        # 'Адрес:' 3 px left of 'Покупатель', beside the second line of the seller's name.)
        if any(h.x0(model.rows) < right - current.height and not _other_column(model, h, block)
               for h in model.hits_in_row(r - step)):
            break
        run = _window(model, r - step, left, right)
        if run and POSTAL_ADDRESS.match(" ".join(w.text for w in run)):
            break  # an address row whose caption was lost ('Алрсс: 417133, г. Москва'): no line of a name
        if any(GENDER_WORD.fullmatch(w.text.strip(".,;:")) for w in run):
            break  # the sex, its label misread ('По женский' under a birthplace): no line of another value
        if _under_own_caption(run):
            break  # 'Дата выдачи: 11.10.2021' under a registration date read '22 июля 2902 г.'
        if run and current.height < SMALL_PRINT * previous.height:
            # A caption printed small under a value's line ('(фамилия, имя, отчество)' read
            # 'счет]'), or its label's second word beside it ('рождения' between a place's lines).
            continue
        if not run:
            if _wrap_only(model, r - step, left, right):
                previous = current  # the second line of a wrapped label beside the value
                continue
            break
        if not any(w.bbox[2] > block[0] - current.height and w.bbox[0] < block[1] + current.height for w in run):
            continue
        words = words + run if step == 1 else run + words
        unfinished = step == 1 and _unfinished(run)
        block = (min(block[0], run[0].bbox[0]), max(block[1], run[-1].bbox[2]))
        previous = current
        lines -= 1
    return words

