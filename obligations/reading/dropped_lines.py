"""Lines the page segmentation dropped, found in a sparse second reading of the page."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, PageText
from ..doctypes import DocType
from ..fields.locate import locate_fields
from .misread_words import misreads_read_again
from .regions import UNSURE_CONF, covered, located, missing, swapped_in

DROPPED_LINE_CONF = 60  # a sparse reading's words less sure than this are mostly specks and pictures


def read_dropped_lines(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """When a field is not found, the page is read again as sparse text. Its sure words that
    lie where the first reading has none are added: the first reading's page segmentation now
    and then drops a whole line (a table's first row, a name beside a photo). A field still
    missing that the sparse reading alone gives valid (digits spaced out in boxes, which a
    line reading runs together with the paper's pattern) takes the sparse words in its box.
    Pages whose fields were all found pay nothing."""
    if not backend.capabilities.regions:
        return
    absent = missing(doctype, located(doctype, page))
    if not absent:
        return
    # The whole page, not only bands round the missing fields' labels: Tesseract reads a line
    # differently in every framing, and bands read 3 fewer of 1872 fields right (about 5 %
    # less time on the benchmark's scans: measured, and not taken).
    sparse = [w for w in backend.read_sparse(image, page.dpi) if any(c.isalnum() for c in w.text)]
    # Where the first reading has only unsure scraps ('ОЕ' for a small caption over a
    # box's rule), a sure sparse word takes their place.
    known = sorted((w for w in page.words if w.conf >= UNSURE_CONF), key=lambda w: w.bbox[1])
    # Words read in the other script are unsure for that alone: they are judged by their
    # reading in the document's language ('MHH/KTI' read again as 'ИНН/КПП').
    uncovered = [w for w in sparse if not covered(w.bbox, known)]
    first = {id(w) for w in uncovered}
    fresh = misreads_read_again(uncovered, page, image, doctype, backend)
    added = sorted((w for w in fresh if w.conf >= (DROPPED_LINE_CONF if id(w) in first else UNSURE_CONF)),
                   key=lambda w: w.bbox[1])
    if added:
        page.words = [w for w in page.words if w.conf >= UNSURE_CONF or not covered(w.bbox, added)] + added
    still = [field_id for field_id in missing(doctype, located(doctype, page)) if field_id in absent]
    if not still:
        return
    alone = locate_fields(doctype, [replace(page, words=sparse)])
    for field_id in still:
        value = alone[field_id]
        if value.value is not None and value.valid and value.bbox is not None:
            page.words = swapped_in(page.words, sparse, value.bbox)

