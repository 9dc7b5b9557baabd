"""Digits printed one to a box (a comb of cells: an INN certificate's twelve), read cell by cell.

Tesseract reads a row of boxed digits as the boxes' walls and the digits mixed ('ЧЕК 3 90556
513' for 542039055653, on a 154-dpi scan): the walls are strokes as tall as the digits. The
walls stand at even steps, taller than any digit: found there, each cell's inside is cut out
and the cells are set side by side on white, walls left out, and read as one line of figures.
The number's check digits decide: only a valid reading replaces the words over the comb."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

from ..backends.base import Backend, Box, PageText, Word
from ..doctypes import DocType
from ..fields.locate import label_boxes, locate_fields
from ..fields.normalize import fix_digit_lookalikes
from .regions import inside, located, on_page, swapped_in

COMB_KINDS = ("inn", "snils")  # validators of numbers printed in boxes, whose check digits decide
DIGITS_LANG = "eng"
MIN_CELLS = 10  # an INN's 10 or 12 boxes, a SNILS number's 11
REACH = 30.0  # label heights right of the label's left a comb under it may reach
UNDER = 6.0  # label heights under the label a comb's bottom may lie
WALL = 1.4  # of the label's height: a wall's ink runs taller than any digit
STEP_SLACK = 0.2  # walls stand at even steps, this far apart at most
INSET = 0.15  # of a cell, cut off each side: what is left of its walls


def read_digit_boxes(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """A number with check digits not found valid, printed in a comb of boxes beside or under
    its label, read cell by cell (see the module's note)."""
    if not backend.capabilities.regions:
        return
    found = located(doctype, page)
    for spec in doctype.fields:
        if spec.validate not in COMB_KINDS or (found[spec.id].value is not None and found[spec.id].valid):
            continue
        for (x0, y0, x1, y1), height in label_boxes(doctype, page, spec.id):
            # Beside the label, to the page's edge: a comb of large boxes after a small label
            # ('присвоен ИНН' 33 px tall, its comb's twelve cells 850 px long, 330 px off).
            regions = [(x1, y0 - height, page.width, y1 + height),
                       # under it, from the page's left edge: a notice prints its boxes in
                       # larger figures than its text, from the margin ('присвоен ИНН' ends a line)
                       (0, y1, x0 + REACH * height, y1 + UNDER * height)]
            for region in regions:
                comb = _comb(image, on_page(region, page), height)
                if comb is None:
                    continue
                word = _cells_read(image, comb, backend)
                if word is None:
                    continue
                trial = replace(page, words=swapped_in(page.words, [word], word.bbox))
                again = locate_fields(doctype, [trial])[spec.id]
                if again.value is not None and again.valid and again.bbox is not None and inside(again.bbox, word.bbox):
                    page.words = trial.words
                    return


def _comb(image: Image.Image, region: Box, height: float) -> tuple[list[int], int, int] | None:
    """The walls of a comb of boxes in `region` (their x on the page, evenly stepped, at least
    MIN_CELLS + 1) and the cells' top and bottom; None where there is none."""
    import numpy as np

    x0, y0, x1, y1 = region
    if x1 - x0 < MIN_CELLS * height or y1 - y0 < WALL * height:
        return None
    grey = np.asarray(image.crop(region).convert("L"), dtype=np.int16)
    ink = grey < (np.percentile(grey, 5) + np.median(grey)) / 2
    # A wall dithered or broken by a fax's lines (gaps of a pixel or two) is one run of ink.
    bridged = ink.copy()
    for gap in (1, 2):
        bridged[gap:-gap] |= ink[:-2 * gap] & ink[2 * gap:]
    ink = bridged
    # Each column's longest run of ink, and where it starts.
    runs = np.zeros(ink.shape[1], dtype=int)
    tops = np.zeros(ink.shape[1], dtype=int)
    current = np.zeros(ink.shape[1], dtype=int)
    for y in range(ink.shape[0]):
        current = np.where(ink[y], current + 1, 0)
        longer = current > runs
        runs = np.where(longer, current, runs)
        tops = np.where(longer, y - current + 1, tops)
    tall = np.flatnonzero(runs >= WALL * height)
    if len(tall) <= MIN_CELLS:
        return None
    groups = np.split(tall, np.flatnonzero(np.diff(tall) > 2) + 1)
    walls = [int(g.mean()) for g in groups]
    best: list[int] = []
    start = 0
    for end in range(1, len(walls) + 1):
        # The longest run of walls at even steps, each step a box wide (a digit's width or more).
        if end < len(walls):
            step, first = walls[end] - walls[end - 1], walls[start + 1] - walls[start] if end > start + 1 else None
            if 0.6 * height <= step <= 3 * height and (first is None or abs(step - first) <= STEP_SLACK * first):
                continue
        if end - start > len(best):
            best = walls[start:end]
        start = end
    if len(best) < MIN_CELLS + 1:
        return None
    columns = [c for g in groups if int(g.mean()) in best for c in g]
    top = int(np.median(tops[columns]))
    bottom = top + int(np.median(runs[columns]))
    return [x0 + w for w in best], y0 + top, y0 + bottom


def _paper_white(cell: Image.Image) -> Image.Image:
    """A cell with what is lighter than half way from its paper to its ink made white: cells of
    a tinted card's grey paper, set on white, read as one patch ('668' for '6 6 1')."""
    import numpy as np

    grey = np.asarray(cell, dtype=np.uint8).copy()
    paper, ink = float(np.median(grey)), float(np.percentile(grey, 2))
    grey[grey > (paper + ink) / 2] = 255
    return Image.fromarray(grey)


def _cells_read(image: Image.Image, comb: tuple[list[int], int, int], backend: Backend) -> Word | None:
    """The comb's cells, cut out without their walls, set side by side and read as one line:
    one word of its figures over the whole comb, or None where not every cell read one figure
    (a cell left empty is read as nothing: a ten-figure INN in twelve boxes)."""
    walls, top, bottom = comb
    step = (walls[-1] - walls[0]) / (len(walls) - 1)
    inset, inset_y = max(2, round(INSET * step)), max(2, round(INSET * (bottom - top) / 2))
    cells = [_paper_white(image.crop((a + inset, top + inset_y, b - inset, bottom - inset_y)).convert("L"))
             for a, b in zip(walls, walls[1:])]
    width, height = cells[0].width, max(c.height for c in cells)
    gap = max(4, width // 2)
    line = Image.new("L", (gap + len(cells) * (width + gap), height + 2 * gap), 255)
    for k, cell in enumerate(cells):
        line.paste(cell, (gap + k * (width + gap), gap))
    words = backend.read_region(line, (0, 0, line.width, line.height), 0, DIGITS_LANG)
    text = "".join(fix_digit_lookalikes(w.text) for w in words)
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) < MIN_CELLS or len(digits) > len(cells) or len(digits) != sum(c.isalnum() for c in text):
        return None
    confidence = min(w.conf for w in words)
    return Word(digits, (walls[0], top, walls[-1], bottom), confidence, ("boxes", walls[0], top))
