"""Boxes of a page and the words in them: what every reading step measures with."""

from __future__ import annotations

from ..backends.base import Box, PageText, Word, inside
from ..doctypes import DocType
from ..fields.locate import Found, locate_fields
from ..fields.validate import UNFINISHED_END

UNSURE_CONF = 40  # a first reading's words less sure than this are scraps a sure reading replaces


def located(doctype: DocType, page: PageText) -> dict[str, Found]:
    """The fields found among the page's words as they are now. The follow-up steps ask in
    turn, and a page's words are only ever replaced whole: while no step replaced them, the
    last answer stands (most pages: three locations were one). Kept on the page (`PageText`
    forgets it when its words are replaced); read only, never changed."""
    kept = page.__dict__.get("_located")
    if kept is None or kept[0] != doctype.id:
        kept = (doctype.id, locate_fields(doctype, [page]))
        page.__dict__["_located"] = kept
    return kept[1]


def missing(doctype: DocType, found: dict[str, Found]) -> list[str]:
    """Fields not found, a name found invalid, or a place cut short: a name's line the
    reading dropped leaves its label to the line after, another field's ('МУЖ.' for a
    patronymic), and a place's or an office's ends the value early ('... РОВД ГОР.', '...
    РОССИИ ПО'). (A
    number found but invalid has its own box read again by `invalid_values`: a whole page
    again for those was tried, and slowed scans further.)"""
    return [f.id for f in doctype.fields
            if found[f.id].value is None or (f.validate == "name" and not found[f.id].valid)
            or (f.validate == "text" and not found[f.id].valid and UNFINISHED_END.search(found[f.id].value))
            or (f.validate == "office" and not found[f.id].valid)]


def swapped_in(words: list[Word], reading: list[Word], box) -> list[Word]:
    """`words` with those centred in `box` replaced by the words of another `reading` there."""
    return [w for w in words if not inside(w.bbox, box)] + [w for w in reading if inside(w.bbox, box)]


def covered(box, words: list[Word]) -> bool:
    """Whether any of `words` (sorted by top) overlaps a fifth or more of `box`."""
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    for word in words:
        if word.bbox[1] >= box[3]:
            break
        if overlap_area(box, word.bbox) >= area / 5:
            return True
    return False


def overlap_area(a, b) -> int:
    """The area boxes `a` and `b` share."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def grown(bbox, margin: int, page: PageText) -> Box:
    """A word's or value's box with a margin round it, kept on the page."""
    x0, y0, x1, y1 = bbox
    return on_page((x0 - margin, y0 - margin, x1 + margin, y1 + margin), page)


def on_page(box, page: PageText) -> Box:
    """A box in whole pixels, cut to the page."""
    x0, y0, x1, y1 = (round(v) for v in box)
    return (max(0, x0), max(0, y0), min(page.width, x1), min(page.height, y1))


def letters_and_digits(word: Word) -> int:
    """How many letters and digits a word was read as (its marks and specks not counted)."""
    return sum(c.isalnum() for c in word.text)


def print_words(page: PageText, min_conf: float) -> list[Word]:
    """The page's words of horizontal print read at least `min_conf` sure: wider than tall,
    three letters or digits or more."""
    return [w for w in page.words if w.conf >= min_conf and letters_and_digits(w) >= 3
            and w.bbox[2] - w.bbox[0] > w.bbox[3] - w.bbox[1]]


def median_height(words: list[Word]) -> int:
    """The middle height of `words` (not empty)."""
    return sorted(w.bbox[3] - w.bbox[1] for w in words)[len(words) // 2]
