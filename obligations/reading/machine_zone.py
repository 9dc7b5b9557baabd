"""A machine-readable zone (fields.mrz) read again in Latin: read with the page's Russian, its
OCR-B capitals come out as Cyrillic twins and signs ('0319650800К0$9908062Е' for
'0319650800RUS9908062F', 'РМЕУ$ЕОВАМОУА' for 'PNRUSLOBANOVA'), and its names are lost."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, PageText, group_lines, union_box
from ..doctypes import DocType
from ..fields.mrz import read_zone
from .regions import grown

# A line of the zone holds at least this many fillers ('<'; a guillemet is read for two).
MIN_FILLERS = 5
LATIN = "eng"


def reread_machine_zone(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """The zone's lines of a page of a type whose fields it repeats, read again in Latin each in
    its own box; a line read so replaces the first reading where the zone then reads whole (its
    second line's check digits pass), or where it holds the names line's opening 'PNRUS'."""
    if not any(spec.mrz for spec in doctype.fields):
        return
    lines = [line for line in group_lines(page.words) if _fillers(line) >= MIN_FILLERS]
    if not lines or read_zone([_text(line) for line in lines]) is not None and _names_read(lines):
        return
    for line in lines[-2:]:  # the zone is the page's last two such lines
        box = union_box([w.bbox for w in line])
        again = backend.read_region(image, grown(box, (box[3] - box[1]) // 2, page), 0, LATIN)
        if not again:
            continue
        text = _text(again)
        if read_zone([text]) is not None or "PNRUS" in text.replace(" ", ""):
            kept = [w for w in page.words if w not in line]
            page.words = kept + [replace(w, line=("zone", w.line)) for w in again]


def _fillers(words) -> int:
    text = _text(words)
    return text.count("<") + 2 * text.count("«")


def _text(words) -> str:
    return "".join(w.text for w in words)


def _names_read(lines) -> bool:
    return any("PNRUS" in _text(line) for line in lines)
