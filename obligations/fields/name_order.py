"""A Russian name's parts whose labels were not read, found by their order under the surname.

A passport prints its holder's surname, first name and patronymic in capitals, one under the
other in one column, each under a small caption (a certificate capitalised, each beside its
label, the values in one column). On a 100-dpi scan or a photo the captions
read as other words ('Ими' for 'Имя', 'Отчесньвю' for 'Отчество') while the capitals read
well: the rows under the surname found by its label, in its column, give the parts missing. A
patronymic is told by its ending; a part found this way has a lower confidence and says how
it was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ..backends.base import Word, inside
from ..doctypes import DocType
from .candidates import Candidate
from .choice import Found, choose
from .given_names import is_listed
from .layout import SURE_CONF, PageModel
from .validate import PATRONYMIC

PARTS = ("last_name", "first_name", "middle_name")
# ... or its '-вич'/'-вна' with one letter misread on a blurred card ('Вячеславовиа'): a word
# long enough to be a patronymic, its ending's first letter right.
# (Or its 'в' read 'н' on a fax: 'ВИТАЛЬЕННА'.)
PATRONYMIC_MISREAD = re.compile(r"\w{5,}(?:в(?:и\w|\wч|н\w|\wа)|[ео]нна)$", re.IGNORECASE)
CAPITALS = re.compile(r"[А-ЯЁ][А-ЯЁ-]+")
CAPITALISED = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")  # a certificate's 'Логинова', 'София'
GENDER = re.compile(r"(?:муж|жен)", re.IGNORECASE)
ROW_GAP = 6.0  # row heights between one part's row and the next: a name and its caption, and one caption lost
COLUMN_SLACK = 2.0  # row heights a part's first letter may stand off the surname's
BY_ORDER_CONF = 0.5
UNSURE_SURNAME_CONF = 40  # a surname this unsure heads a column of two sure names under it
CAPTION_SHARE = 0.75  # a word under this share of the surname's height is a caption's


def names_in_order(doctype: DocType, models: list[PageModel], results: dict[str, Found]) -> None:
    """Fills the first name and patronymic missing from `results` with the words under the
    surname printed as it is, when they read as those parts (in place)."""
    specs = {f.id: f for f in doctype.fields if f.id in PARTS}
    if len(specs) < 3:
        return
    if all(results[field_id].value is None for field_id in PARTS):
        _name_column(specs, models, results)
        if all(results[field_id].value is None for field_id in PARTS):
            _name_row(specs, models, results)
        if all(results[field_id].value is None for field_id in PARTS):
            _given_name_and_patronymic(specs, models, results)
        return
    if results["last_name"].bbox is None:
        _first_name_over_patronymic(specs, models, results)
        _surname_over_first_name(specs, models, results)
        return
    if not _wanting(results["first_name"]) and not _wanting(results["middle_name"]):
        return
    surname = results["last_name"]
    model = next((m for m in models if m.page.page == surname.page), None)
    if model is None:
        return
    # The parts are printed as the surname is: in capitals (a passport) or capitalised.
    style = CAPITALS if CAPITALS.fullmatch((surname.raw or "").strip(".,")) else CAPITALISED
    below = _capitals_below(model, surname.bbox, style)
    names = [w.text.strip(".,;:") for w, _ in below]
    if len(below) == 2 and _patronymic_like(names[1]) and not PATRONYMIC.search(names[0]):
        parts = {"first_name": below[0], "middle_name": below[1]}
    elif len(below) == 1:
        parts = {"middle_name" if PATRONYMIC.search(names[0]) else "first_name": below[0]}
    else:
        return
    taken = [results[f].bbox for f in PARTS if results[f].bbox is not None and results[f].page == surname.page]
    for field_id, (word, page) in parts.items():
        if not _wanting(results[field_id]) or any(inside(word.bbox, box) for box in taken):
            continue  # (a part found by its label is no other part)
        found = choose(specs[field_id], [Candidate([word], page, "layout")])
        if found is not None and found.valid:
            results[field_id] = replace(found, confidence=min(found.confidence, BY_ORDER_CONF),
                                        warning="found by its place under the surname: its label was not read")


def _first_name_over_patronymic(specs: dict, models: list[PageModel], results: dict[str, Found]) -> None:
    """A first name whose caption was lost, its surname lost too (under a stamp): the sure word
    in capitals nearest over the patronymic, in its column, past captions, is the first name
    where it is a listed given name ('ЯРОСЛАВ' over 'Отчество' over 'РИНАТОВИЧ')."""
    patronymic = results["middle_name"]
    if not _wanting(results["first_name"]) or _wanting(patronymic) or patronymic.bbox is None:
        return
    for model, word, _ in _words_over(models, patronymic, centred=False):
        if word.conf < SURE_CONF or not CAPITALS.fullmatch(word.text.strip(".,")):
            continue  # a caption
        if is_listed(word.text.strip(".,")):
            found = choose(specs["first_name"], [Candidate([word], model.page.page, "layout")])
            if found is not None and found.valid:
                results["first_name"] = replace(found, confidence=min(found.confidence, BY_ORDER_CONF),
                                                warning="found by its place over the patronymic: its label was not read")
        return


def _surname_over_first_name(specs: dict, models: list[PageModel], results: dict[str, Found]) -> None:
    """A surname whose caption was lost (a clean passport's small 'Фамилия' dropped by the
    page segmentation, 'Имя' and 'Отчество' read): the sure word printed as the first name is,
    nearest over it in its column (its first letter over the first name's, or its middle: a
    passport centres its names), past captions and within a few rows, is the surname."""
    first = results["first_name"]
    if not _wanting(results["last_name"]) or _wanting(first) or first.bbox is None:
        return
    style = CAPITALS if CAPITALS.fullmatch((first.raw or "").strip(".,")) else CAPITALISED
    for model, word, labelled in _words_over(models, first, centred=True):
        text = word.text.strip(".,")
        if labelled or _height(word) < CAPTION_SHARE * (first.bbox[3] - first.bbox[1]):
            continue  # a caption ('Фамилия' read, or smaller print than the names)
        if any(c.isdigit() for c in text) or word.conf < SURE_CONF or not style.fullmatch(text):
            return  # a date or a number over the names, or no name
        found = choose(specs["last_name"], [Candidate([word], model.page.page, "layout")])
        if found is not None and found.valid:
            results["last_name"] = replace(found, confidence=min(found.confidence, BY_ORDER_CONF),
                                           warning="found by its place over the first name: its label was not read")
        return


def _words_over(models: list[PageModel], part: Found, centred: bool) -> Iterator[tuple[PageModel, Word, bool]]:
    """The word in a name part's column on each row over it, nearest first, within ROW_GAP of
    its rows' heights: its first letter over the part's, or (`centred`) its middle over the
    part's middle too. Each with its page's model and whether it is a label's word."""
    model = next((m for m in models if m.page.page == part.page), None)
    start = _row_holding(model, part.bbox) if model is not None else None
    if start is None:
        return
    rows, labels = model.rows, _label_words(model)
    height, left, centre = rows[start].height, part.bbox[0], part.bbox[0] + part.bbox[2]
    for r in range(start - 1, -1, -1):
        if rows[start].y - rows[r].y > ROW_GAP * height:
            return
        i = next((i for i, w in enumerate(rows[r].words) if abs(w.bbox[0] - left) <= COLUMN_SLACK * height
                  or centred and abs(w.bbox[0] + w.bbox[2] - centre) / 2 <= COLUMN_SLACK * height), None)
        if i is not None:
            yield model, rows[r].words[i], (r, i) in labels


def _label_words(model: PageModel) -> set[tuple[int, int]]:
    """Where the labels the page's model found lie: each word's row and place in it."""
    return {(h.row, i) for h in model.hits for i in range(h.start, h.end)}


def _wanting(found: Found) -> bool:
    """A part not found, or found invalid (a word of the form's heading taken in its place)."""
    return found.value is None or not found.valid


def _name_column(specs: dict, models: list[PageModel], results: dict[str, Found]) -> None:
    """A name none of whose captions was read (a card's small grey 'Фамилия', 'Имя',
    'Отчество' lost while the names read well): the one column on the pages of three words
    printed alike, one under the other, whose third alone is a patronymic, is the surname, the
    first name and the patronymic, in the order every Russian document prints them."""
    labels = {(m.page.page, *key) for m in models for key in _label_words(m)}
    columns = set()
    for model in models:
        for r, row in enumerate(model.rows):
            for i, word in enumerate(row.words):
                text = word.text.strip(".,")
                if ((model.page.page, r, i) in labels or word.conf < UNSURE_SURNAME_CONF
                        or not (CAPITALS.fullmatch(text) or CAPITALISED.fullmatch(text))
                        or PATRONYMIC.search(text) or GENDER.match(text)):
                    continue
                # The names under it set the column's style: a blurred card's 'ТИХОНОВ' read
                # unsure as 'Тихонов' over a sure 'ИЛЬЯ' and 'ТИМУРОВИЧ'. A surname heads a column
                # only of sure names printed as it is, or of capitals.
                for style in (CAPITALS,) if CAPITALS.fullmatch(text) else (CAPITALISED, CAPITALS):
                    below = _capitals_below(model, word.bbox, style)
                    # (A caption over the names, 'Им' of 'Имя', is printed smaller than they are.)
                    if (len(below) == 2 and _patronymic_like(below[1][0].text)
                            and not PATRONYMIC.search(below[0][0].text)
                            and _height(word) >= CAPTION_SHARE * min(_height(w) for w, _ in below)):
                        columns.add(((word, model.page.page), *below))
                        break
    if len(columns) != 1:
        return  # none, or several: nothing says which is the holder's
    found = {field_id: choose(specs[field_id], [Candidate([word], page, "layout")])
             for field_id, (word, page) in zip(PARTS, columns.pop())}
    # The surname and first name must hold; a patronymic misread is reported invalid, to be
    # read again, where the column it ends stands.
    if any(found[f] is None or not found[f].valid for f in PARTS[:2]) or found["middle_name"] is None:
        return
    for field_id in PARTS:
        warning = found[field_id].warning or "found by its place in the name's column: no caption of the name was read"
        results[field_id] = replace(found[field_id], confidence=min(found[field_id].confidence, BY_ORDER_CONF),
                                    warning=warning)


def _name_row(specs: dict, models: list[PageModel], results: dict[str, Found]) -> None:
    """A name printed on one row whose caption was lost ('Ф.И.О.' in small print on a copy of a
    card): the one row of the pages that is three words printed alike (capitals, or
    capitalised), read sure, the third a patronymic, is the surname, the first name and the
    patronymic, in that order."""
    rows = []
    for model in models:
        for row in model.rows:
            words = [w for w in row.words if any(c.isalnum() for c in w.text)]
            texts = [w.text.strip(".,") for w in words]
            if (len(words) == 3 and all(w.conf >= SURE_CONF for w in words)
                    and (all(CAPITALS.fullmatch(t) for t in texts) or all(CAPITALISED.fullmatch(t) for t in texts))
                    and PATRONYMIC.search(texts[2]) and not any(PATRONYMIC.search(t) or GENDER.match(t) for t in texts[:2])):
                rows.append((words, model.page.page))
    if len(rows) != 1:
        return  # none, or several: nothing says which is the holder's
    words, page = rows[0]
    found = {field_id: choose(specs[field_id], [Candidate([word], page, "layout")]) for field_id, word in zip(PARTS, words)}
    if any(f is None or not f.valid for f in found.values()):
        return
    for field_id in PARTS:
        results[field_id] = replace(found[field_id], confidence=min(found[field_id].confidence, BY_ORDER_CONF),
                                    warning="found as the one row of three names: no caption of the name was read")


def _given_name_and_patronymic(specs: dict, models: list[PageModel], results: dict[str, Found]) -> None:
    """A name none of whose captions was read and whose surname is no name as read (a fax's
    'Макарова' read 'Aakapopa' over 'Эльвира' and 'Тимуровна'): the one listed given name on the
    pages, read sure, with a patronymic printed alike under it in its column, is the first name
    and the patronymic. The surname stays missing."""
    labels = {(m.page.page, *key) for m in models for key in _label_words(m)}
    pairs = []
    for model in models:
        for r, row in enumerate(model.rows):
            for i, word in enumerate(row.words):
                text = word.text.strip(".,")
                style = CAPITALS if CAPITALS.fullmatch(text) else CAPITALISED if CAPITALISED.fullmatch(text) else None
                if (model.page.page, r, i) in labels or word.conf < SURE_CONF or style is None or not is_listed(text):
                    continue
                below = _capitals_below(model, word.bbox, style)
                if below and PATRONYMIC.search(below[0][0].text.strip(".,")):
                    pairs.append(((word, model.page.page), below[0]))
    if len(pairs) != 1:
        return  # none, or several: nothing says which is the holder's
    found = {field_id: choose(specs[field_id], [Candidate([word], page, "layout")])
             for field_id, (word, page) in zip(PARTS[1:], pairs[0])}
    if any(f is None or not f.valid for f in found.values()):
        return
    for field_id, value in found.items():
        results[field_id] = replace(value, confidence=min(value.confidence, BY_ORDER_CONF),
                                    warning="found as a given name over a patronymic: no caption of the name was read")


def _patronymic_like(word: str) -> bool:
    """A patronymic's ending, or '-вич'/'-вна' with one letter misread, where the part under a
    first name is looked for (the third of three: a first name is not)."""
    word = word.strip(".,")
    return bool(PATRONYMIC.search(word) or PATRONYMIC_MISREAD.fullmatch(word))


def _capitals_below(model: PageModel, box, style: re.Pattern) -> list[tuple[Word, int]]:
    """The words printed as the surname is (`style`) opening the rows under the surname's
    box, in its column, up to a row of figures (a date: the name is over) or a gap; at most
    two. A gender ('Мужской') is no name."""
    rows = model.rows
    start = _row_holding(model, box)
    if start is None:
        return []
    height, left, last_y = rows[start].height, box[0], rows[start].y
    centre_x = box[0] + box[2]  # twice the middle, as the words' are compared
    found: list[tuple[Word, int]] = []
    labels = _label_words(model)

    def in_column(row) -> int | None:
        """The row's word in the surname's column: its first letter under the surname's, or its
        middle under the surname's middle (a passport centres its names)."""
        return next((i for i, w in enumerate(row.words) if abs(w.bbox[0] - left) <= COLUMN_SLACK * height
                     or abs(w.bbox[0] + w.bbox[2] - centre_x) / 2 <= COLUMN_SLACK * height), None)

    # The height names are printed at: the middle of the surname's and of the sure words like
    # it in its column below (a speck over a blurred surname, or a photo's blur, made its box a
    # third taller than the names' under it, which then read as captions).
    heights = [box[3] - box[1]]
    for r in range(start + 1, len(rows)):
        if rows[r].y - rows[start].y > 2 * ROW_GAP * height:
            break
        i = in_column(rows[r])
        word = rows[r].words[i] if i is not None and not rows[r].standalone else None
        if word is not None and (r, i) not in labels and word.conf >= SURE_CONF and style.fullmatch(word.text.strip(".,")):
            heights.append(word.bbox[3] - word.bbox[1])
    name_height = sorted(heights)[(len(heights) - 1) // 2]
    for r in range(start + 1, len(rows)):
        row = rows[r]
        if row.standalone:
            continue
        if row.y - last_y > ROW_GAP * height or len(found) == 2:
            break
        i = in_column(row)
        if i is None:
            continue  # no word there
        word = row.words[i]
        # (A sure patronymic or listed first name is no caption, however small its box: a
        # photo's blur made the names' boxes over it two thirds taller than its own, specks
        # the surname's and patronymic's over and under 'ЛЮБОВЬ' half as tall again.)
        small = word.bbox[3] - word.bbox[1] < CAPTION_SHARE * name_height
        text = word.text.strip(".,")
        if (r, i) in labels or small and not (word.conf >= SURE_CONF and (PATRONYMIC.search(text) or is_listed(text))):
            # A caption ('Фамилия' under its value; one read as another word, 'Ими', smaller
            # print than the names): the column goes on under it, the gap counted from it.
            last_y = row.y
            continue
        if any(c.isdigit() for c in word.text):
            break
        if word.conf >= SURE_CONF and style.fullmatch(text) and not GENDER.match(text):
            found.append((word, model.page.page))
            last_y = row.y
    return found


def _row_holding(model: PageModel, box) -> int | None:
    """The row of the word whose box a value's is (a part found as one word)."""
    return next((i for i, row in enumerate(model.rows) if any(w.bbox == tuple(box) for w in row.words)), None)


def _height(word: Word) -> int:
    return word.bbox[3] - word.bbox[1]
