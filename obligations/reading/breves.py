"""A 'Й' read as 'И', its breve lost, read again in the word's own box with room above it.

Tesseract's Russian model reads a bold capital 'Й' as 'И' on clean pages ('САМОИЛОВА',
'Г. АЧХОИ МАРТАН' at 90 %): the breve stands above the capitals, outside the line the page's
segmentation cut. The word read alone in its box grown upwards reads 'Й' (checked at three
scales). Where 'И' follows a vowel, 'Й' mostly stands ('ой', 'ай', 'ей'); such a word is read
again, and the new reading is taken where it differs only in that letter."""

from __future__ import annotations

import re
from dataclasses import replace

from ..backends.base import Backend, PageText
from ..doctypes import DocType
from .regions import inside, located, on_page

AFTER_VOWEL = re.compile(r"(?<=[аеёоуыэюяАЕЁОУЫЭЮЯ])[иИ]")
ROOM_ABOVE = 0.6  # of the word's height: a capital's breve reaches about a third above it
MARGIN = 0.25  # of the word's height, on the other sides


def reread_lost_breves(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """Each word of a value found on a Russian document with 'И' after a vowel is read again
    alone, its box grown upwards; a 'Й' read there in that place replaces the 'И'."""
    if doctype.ocr_lang != "rus" or not backend.capabilities.regions:
        return
    # Only the words of the values found (names, places, offices): no other word is output.
    values = [f.bbox for f in located(doctype, page).values() if f.value is not None and f.bbox is not None]
    replaced = {}
    for word in page.words:
        if not AFTER_VOWEL.search(word.text) or not any(inside(word.bbox, box) for box in values):
            continue
        x0, y0, x1, y1 = word.bbox
        height = y1 - y0
        box = on_page((x0 - MARGIN * height, y0 - ROOM_ABOVE * height, x1 + MARGIN * height, y1 + MARGIN * height), page)
        again = [w for w in backend.read_region(image, box, 0, doctype.ocr_lang)
                 if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1]
        if len(again) == 1 and (text := _breves_read(word.text, again[0].text)) is not None:
            replaced[id(word)] = replace(word, text=text)
    if replaced:
        page.words = [replaced.get(id(w), w) for w in page.words]


def _breves_read(old: str, new: str) -> str | None:
    """`old` with the 'И's after a vowel that `new` reads 'Й' so; None where `new` differs
    otherwise, or not there."""
    if len(old) != len(new) or old == new:
        return None
    lost = {m.start() for m in AFTER_VOWEL.finditer(old)}
    for i, (a, b) in enumerate(zip(old, new)):
        if a != b and not (i in lost and b == {"И": "Й", "и": "й"}[a]):
            return None
    return new
