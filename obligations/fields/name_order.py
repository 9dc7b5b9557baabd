"""A Russian name's parts whose labels were not read, found by their order under the surname.

A passport prints its holder's surname, first name and patronymic in capitals, one under the
other in one column, each under a small caption. On a 100-dpi scan or a photo the captions
read as other words ('Ими' for 'Имя', 'Отчесньвю' for 'Отчество') while the capitals read
well: the rows under the surname found by its label, in its column, give the parts missing. A
patronymic is told by its ending; a part found this way has a lower confidence and says how
it was found.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..backends.base import Word
from ..doctypes import DocType
from .candidates import Candidate
from .choice import Found, choose
from .layout import SURE_CONF, PageModel

PARTS = ("last_name", "first_name", "middle_name")
PATRONYMIC = re.compile(r"(?:ВИЧ|ВНА|ИЧНА|ИЧ|ОГЛЫ|КЫЗЫ|УЛЫ|ГЫЗЫ)$")
CAPITALS = re.compile(r"[А-ЯЁ][А-ЯЁ-]+")
ROW_GAP = 4.0  # row heights between one part's row and the next
COLUMN_SLACK = 2.0  # row heights a part's first letter may stand off the surname's
BY_ORDER_CONF = 0.5


def names_in_order(doctype: DocType, models: list[PageModel], results: dict[str, Found]) -> None:
    """Fills the first name and patronymic missing from `results` with the capitals under
    the surname, when they read as those parts (in place)."""
    specs = {f.id: f for f in doctype.fields if f.id in PARTS and not f.group}
    if len(specs) < 3 or results["last_name"].bbox is None:
        return
    if results["first_name"].value is not None and results["middle_name"].value is not None:
        return
    surname = results["last_name"]
    model = next((m for m in models if m.page.page == surname.page), None)
    if model is None:
        return
    below = _capitals_below(model, surname.bbox)
    names = [w.text for w, _ in below]
    if len(below) == 2 and PATRONYMIC.search(names[1]) and not PATRONYMIC.search(names[0]):
        parts = {"first_name": below[0], "middle_name": below[1]}
    elif len(below) == 1:
        parts = {"middle_name" if PATRONYMIC.search(names[0]) else "first_name": below[0]}
    else:
        return
    for field_id, (word, page) in parts.items():
        if results[field_id].value is not None:
            continue
        found = choose(specs[field_id], [Candidate([word], page, "layout")])
        if found is not None and found.valid:
            results[field_id] = replace(found, confidence=min(found.confidence, BY_ORDER_CONF),
                                        warning="found by its place under the surname: its label was not read")


def _capitals_below(model: PageModel, box) -> list[tuple[Word, int]]:
    """The words in capitals opening the rows under the surname's box, in its column, up to
    a row of figures (a date: the name is over) or a gap; at most two."""
    rows = model.rows
    start = next((i for i, row in enumerate(rows) if any(w.bbox == tuple(box) for w in row.words)), None)
    if start is None:
        return []
    height, left, last_y = rows[start].height, box[0], rows[start].y
    found: list[tuple[Word, int]] = []
    for row in rows[start + 1:]:
        if row.standalone:
            continue
        if row.y - last_y > ROW_GAP * height or len(found) == 2:
            break
        word = next((w for w in row.words if abs(w.bbox[0] - left) <= COLUMN_SLACK * height), None)
        if word is None:
            continue
        if any(c.isdigit() for c in word.text):
            break
        if word.conf >= SURE_CONF and CAPITALS.fullmatch(word.text.strip(".,")):
            found.append((word, model.page.page))
            last_y = row.y
    return found
