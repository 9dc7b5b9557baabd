"""A field printed vertically along an edge (a passport's series and number), read from the edge strips turned upright."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..backends.base import Backend, PageText, mean_confidence, union_box
from ..doctypes import DocType
from ..fields.locate import expand
from .regions import grown, median_height, print_words

if TYPE_CHECKING:
    from PIL import Image

# A vertically printed field missing from the page's horizontal text is read from the
# page's edge strips turned upright. A strip runs from the edge to where the horizontal text
# ends, kept between these fractions of the page width: a card scanned on A4 has its edge
# well inside the page, and text in a strip that is too wide turns into vertical noise
# beside the field.
EDGE_STRIP_WIDTH = (0.12, 0.35)
STRIP_TEXT_CONF = 50  # the horizontal text a strip ends at: its words read this sure


def vertical_field_missing(page: PageText, doctype: DocType) -> bool:
    """Whether a vertically printed field of `doctype` is not in the page's text."""
    return _missing(page, _patterns(doctype))


def _patterns(doctype: DocType) -> list[re.Pattern]:
    return [re.compile(expand(f.pattern)) for f in doctype.fields if f.vertical and f.pattern]


def _missing(page: PageText, patterns: list[re.Pattern]) -> bool:
    return bool(patterns) and not all(p.search(page.text) for p in patterns)


def read_vertical_fields(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """OCR the page edges turned upright when a vertically printed field is not in the text."""
    patterns = _patterns(doctype)
    if not _missing(page, patterns):
        return
    for box in edge_strips(page):
        if all(p.search(page.text) for p in patterns):
            break  # the first strip held it: the other edge is not read
        # As it is first; with the paper tint evened out if that finds nothing (each way reads
        # strips the other misses). Of the two directions, the one whose reading holds the field;
        # where both or neither do, the surer one (text turned the wrong way still reads as
        # digits, 6 for 9, and as sure letters: 'TZ SZ' for '75 21' on a 100-dpi scan).
        # Last, flattened with every mark much smaller than the page's text taken off: specks beside
        # the digits read as signs between them ('60:12'), or make the strip unreadable at all
        # (black specks by grey digits on a tinted card: the threshold falls between specks and
        # digits, and the digits go with the paper).
        # Last of all, with the rules along it left on: a small strip's reading is fragile, and
        # the page's edge taken off as a rule left a red number on a passport's guilloche read
        # as nothing at all (kept, it read surely).
        # Where none holds it, the flattened reading is kept (the specks' reading of a strip,
        # kept, once left a speckled passport's page a document of no type).
        kept = []
        for variant in ("as it is", "flattened", "without specks", "rules kept"):
            strip_image = image
            if variant == "without specks":
                strip_image = image.copy()
                strip_image.paste(without_small_marks(image.crop(box), _text_height(page)).convert(image.mode), box[:2])
            flatten = variant in ("flattened", "without specks")
            rules = variant == "rules kept"
            readings = {angle: backend.read_region(strip_image, box, angle, None, flatten, rules) for angle in TURNS}
            angle = max(TURNS, key=lambda a: (_holds_field(readings[a], patterns), mean_confidence(readings[a])))
            best = readings[angle]
            if _holds_field(best, patterns):
                kept = _read_closely(backend, page, strip_image, best, angle, patterns, flatten, rules)
                break
            if variant == "flattened":
                kept = best
        page.words = page.words + kept


# Marks smaller than this part of the page's text height, in either direction, are no part of
# a field of figures (its text is as large as the page's or larger).
SMALL_MARK = 0.3
SPECK_HEIGHT_FALLBACK = 30.0  # pixels, where the page's text height is not known


def _text_height(page: PageText) -> float:
    """The median height of the page's surely read words, in its pixels (the specks of a dusty
    page fool a measurement of its ink: one measured 7 px for text of 40)."""
    words = print_words(page, STRIP_TEXT_CONF)
    return float(median_height(words)) if words else SPECK_HEIGHT_FALLBACK


def without_small_marks(image: Image.Image, text_height: float) -> Image.Image:
    """`image` in grey, every dark mark smaller than SMALL_MARK of `text_height` made paper."""
    import cv2  # numpy and OpenCV: only runs that OCR load them
    import numpy as np
    from PIL import Image

    gray = np.asarray(image.convert("L")).copy()
    paper = float(np.percentile(gray, 90))
    _, labels, stats, _ = cv2.connectedComponentsWithStats((gray < paper - 60).astype(np.uint8), connectivity=8)
    limit = SMALL_MARK * text_height
    small = (stats[:, cv2.CC_STAT_WIDTH] < limit) & (stats[:, cv2.CC_STAT_HEIGHT] < limit)
    small[0] = False
    gray[small[labels]] = np.uint8(paper)
    return Image.fromarray(gray)


TURNS = (90, 270)
# The box around a field read from a strip, widened by this part of its narrow side, is read
# again both ways: the other way must be this much surer (mean confidence) to be taken.
CLOSE_MARGIN = 0.3
SURER_BY = 15.0


def _read_closely(backend: Backend, page: PageText, image, words, angle: int, patterns, flatten: bool,
                  keep_rules: bool = False):
    """A strip's reading that holds the field, checked on the field's own box: read turned
    the wrong way, figures still read as figures ('9186680209' for '60 20 859315' upside down,
    at 19 %), and the rules and specks of a whole strip can make the right way read as
    nothing. Around the figures of the line that holds the field, the right way reads surely (89 %
    there): where the other way reads the field much surer than this one, its reading is
    taken."""
    line = next((k for k in dict.fromkeys(w.line for w in words)
                 if _holds_field([w for w in words if w.line == k], patterns)), None)
    figures = [w.bbox for w in words if w.line == line and any(c.isdigit() for c in w.text)]
    if line is None or not figures:
        return words  # the field only across lines: no one box to check
    x0, y0, x1, y1 = union_box(figures)
    box = grown((x0, y0, x1, y1), round(CLOSE_MARGIN * min(x1 - x0, y1 - y0)), page)
    close = {a: backend.read_region(image, box, a, None, flatten, keep_rules) for a in TURNS}
    other = next(a for a in TURNS if a != angle)
    if _holds_field(close[other], patterns) and (
            mean_confidence(close[other]) >= mean_confidence(close[angle]) + SURER_BY):
        return close[other]
    return words


def _holds_field(words, patterns) -> bool:
    text = " ".join(w.text for w in words)
    return any(p.search(text) for p in patterns)


def edge_strips(page: PageText) -> list[tuple[int, int, int, int]]:
    """The right and left edge strips of a page, each reaching from the edge to the nearest
    horizontal line of text (confident words wider than tall), within EDGE_STRIP_WIDTH; then,
    where the text ends further from an edge than that (a passport scanned on an A4 sheet, its
    number printed along its own edge in the middle of the sheet), a strip as wide as the
    narrowest beside the text on that side."""
    narrow, wide = (round(f * page.width) for f in EDGE_STRIP_WIDTH)
    text = [w.bbox for w in print_words(page, STRIP_TEXT_CONF)]
    text_right = max((x1 for _, _, x1, _ in text if x1 <= page.width - narrow), default=page.width - wide)
    text_left = min((x0 for x0, _, _, _ in text if x0 >= narrow), default=wide)
    right = min(max(text_right, page.width - wide), page.width - narrow)
    left = max(min(text_left, wide), narrow)
    strips = [(right, 0, page.width, page.height), (0, 0, left, page.height)]
    if text_right < right:
        strips.append((text_right, 0, text_right + narrow, page.height))
    if text_left > left:
        strips.append((text_left - narrow, 0, text_left, page.height))
    return strips
