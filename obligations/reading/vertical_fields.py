"""A field printed vertically along an edge (a passport's series and number), read from the edge strips turned upright."""

from __future__ import annotations

import re

from ..backends.base import Backend, PageText, mean_confidence
from ..doctypes import DocType
from ..fields.locate import expand

# A vertically printed field missing from the page's horizontal text is read from the
# page's edge strips turned upright. A strip runs from the edge to where the horizontal text
# ends, kept between these fractions of the page width: a card scanned on A4 has its edge
# well inside the page, and text in a strip that is too wide turns into vertical noise
# beside the field.
EDGE_STRIP_WIDTH = (0.12, 0.35)


def read_vertical_fields(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """OCR the page edges turned upright when a vertically printed field is not in the text."""
    patterns = [re.compile(expand(f.pattern)) for f in doctype.fields if f.vertical and f.pattern]
    if not patterns or all(p.search(page.text) for p in patterns):
        return
    for box in edge_strips(page):
        if all(p.search(page.text) for p in patterns):
            break  # the first strip held it: the other edge is not read
        # As it is first; with the paper tint evened out if that finds nothing (each way reads
        # strips the other misses). Of the two directions, the one whose reading holds the field;
        # where both or neither do, the surer one (text turned the wrong way still reads as
        # digits, 6 for 9, and as sure letters: 'TZ SZ' for '75 21' on a 100-dpi scan).
        for flatten in (False, True):
            readings = [backend.read_region(image, box, angle, None, flatten) for angle in (90, 270)]
            best = max(readings, key=lambda words: (_holds_field(words, patterns), mean_confidence(words)))
            if _holds_field(best, patterns) or flatten:
                page.words = page.words + best
                break


def _holds_field(words, patterns) -> bool:
    text = " ".join(w.text for w in words)
    return any(p.search(text) for p in patterns)


def edge_strips(page: PageText) -> list[tuple[int, int, int, int]]:
    """The right and left edge strips of a page, each reaching from the edge to the nearest
    horizontal line of text (confident words wider than tall), within EDGE_STRIP_WIDTH."""
    narrow, wide = (round(f * page.width) for f in EDGE_STRIP_WIDTH)
    text = [w.bbox for w in page.words if w.bbox[2] - w.bbox[0] > w.bbox[3] - w.bbox[1]
            and sum(c.isalnum() for c in w.text) >= 3 and w.conf >= 50]
    right = max((x1 for _, _, x1, _ in text if x1 <= page.width - narrow), default=page.width - wide)
    left = min((x0 for x0, _, _, _ in text if x0 >= narrow), default=wide)
    right = min(max(right, page.width - wide), page.width - narrow)
    left = max(min(left, wide), narrow)
    return [(right, 0, page.width, page.height), (0, 0, left, page.height)]

