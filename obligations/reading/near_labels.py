"""Numbers with check digits, division codes and dates not read right, read again near their labels."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, PageText
from ..doctypes import DocType
from ..fields.choice import CHECK_DIGITS
from ..fields.locate import LINE_GAP, NEIGHBOUR_ROWS, label_boxes, locate_fields
from .regions import grown, inside, located, on_page, swapped_in

DIGITS_LANG = "eng"  # digits read as well in either script: the English model reads fewer letters into them
INKED, CLOSED_UP, AS_IT_IS = "inked", "closed up", "as it is"  # how a region is read again
READ_NEAR_LABEL = {"inn": DIGITS_LANG, "snils": DIGITS_LANG, "division_code": DIGITS_LANG, "date": None}  # validator: language (None: the document's)


def reread_near_labels(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """A number with check digits (INN, SNILS), a division code or a date not found or invalid
    is read again near its label with the light greys made paper (`read_inked`: digits printed
    in boxes, between what is left of the boxes' rules; a date whose month the first reading
    dropped, '«02» 2003 г.'; a code under a grey seal's ring). Tesseract reads such a row
    differently with every framing, so a few regions are tried in turn: the rows under the
    label, more of them, the rest of the label's row; for a number, then each again with its
    wide gaps closed up; then each as it is, its greys kept. The validator decides: only a
    valid reading replaces the words where it lies."""
    if not backend.capabilities.regions:
        return
    found = located(doctype, page)
    for spec in doctype.fields:
        if spec.validate not in READ_NEAR_LABEL or (found[spec.id].value is not None and found[spec.id].valid):
            continue
        lang = READ_NEAR_LABEL[spec.validate] or doctype.ocr_lang
        labels = label_boxes(doctype, page, spec.id)
        regions = [(0, y1, page.width, y1 + NEIGHBOUR_ROWS * h) for (_, _, _, y1), h in labels]
        regions += [(0, y1, page.width, y1 + (NEIGHBOUR_ROWS + LINE_GAP * spec.lines) * h) for (_, _, _, y1), h in labels]
        regions += [(x1, y0 - h / 2, page.width, y1 + h / 2) for (_, y0, x1, y1), h in labels]
        boxes = dict.fromkeys(on_page(region, page) for region in regions)  # labels on one row ('номер налогоплательщика (ИНН)') share some
        # Then each with its wide gaps closed up: digits a box apart read as spaced digits; then
        # each as it is, its greys kept ('542687912740' printed clean read '942687912740' inked).
        tries = ([(box, INKED) for box in boxes] + [(box, CLOSED_UP) for box in boxes if spec.validate in CHECK_DIGITS]
                 + [(box, AS_IT_IS) for box in boxes])
        for box, how in tries:
            words = (backend.read_region(image, box, 0, lang) if how == AS_IT_IS
                     else backend.read_inked(image, box, page.dpi, lang, close_up=how == CLOSED_UP))
            # Found from its label as any value is, among the page's other words: a region
            # under the seller's INN may hold the buyer's, which is valid too.
            trial = replace(page, words=[w for w in page.words if not inside(w.bbox, box)] + words)
            again = locate_fields(doctype, [trial])[spec.id]
            if again.value is not None and again.valid and again.bbox is not None and inside(again.bbox, box):
                # A margin of half a line of the label's print: digits read between the
                # remnants of their boxes' walls may come boxed three lines tall.
                value_box = grown(again.bbox, max(4, round(min(h for _, h in labels)) // 2), page)
                page.words = swapped_in(page.words, words, value_box)
                break

