"""Values found but invalid, read again in their own box once the document's type is known."""

from __future__ import annotations

from typing import Callable

from ..backends.base import Box, PageText, Word
from ..doctypes import DocType
from ..fields.locate import Found, value_from_words
from .regions import grown

# (box, angle, lang, flatten) regions of one page -> the words read in each
ReadRegions = Callable[[dict[int, list[tuple[Box, int, str | None, bool]]]], dict[int, list[list[Word]]]]


def reread_invalid(doctype: DocType, pages: list[PageText], found: dict[str, Found], read_regions: ReadRegions) -> None:
    """OCR an invalid value's own box again, in the document's language: a name read as
    Latin letters or a misread digit is often right the second time. Only a valid
    re-reading replaces the first one. `read_regions` reads the boxes of each page (the
    pipeline reads the pages in its workers, in parallel)."""
    by_number = {p.page: p for p in pages}
    boxes: dict[int, list[tuple[str, Box]]] = {}
    for field_id, first in found.items():
        page = by_number.get(first.page or 0)
        if first.valid or first.bbox is None or page is None or page.text_source != "ocr":
            continue
        box = grown(first.bbox, max(8, (first.bbox[3] - first.bbox[1]) // 2), page)
        boxes.setdefault(page.page, []).append((field_id, box))
    if not boxes:
        return
    readings = read_regions({number: [(box, 0, doctype.ocr_lang, False) for _, box in requests]
                             for number, requests in boxes.items()})
    for number, requests in boxes.items():
        for (field_id, _), words in zip(requests, readings[number]):
            second = value_from_words(doctype.field(field_id), words, number, found[field_id].source or "label")
            # The margin may take in a neighbour's words: keep only a re-reading of as many
            # words of about the same length (the letters themselves may all differ: Latin
            # 'Tioji' re-read as Cyrillic 'Родионова').
            # Nor a re-reading of the same value: what made it invalid was not its letters but
            # where it stands ('Федеральная', a word the form prints, taken for a surname).
            first_raw = found[field_id].raw or ""
            if (second is not None and second.valid and second.raw and second.value != found[field_id].value
                    and len(second.raw.split()) == len(first_raw.split())
                    and 0.6 <= len(second.raw) / max(1, len(first_raw)) <= 1.7):
                found[field_id] = second
