"""A machine-readable zone (fields.mrz) read again in Latin: read with the page's Russian, its
OCR-B capitals come out as Cyrillic twins and signs ('0319650800К0$9908062Е' for
'0319650800RUS9908062F', 'РМЕУ$ЕОВАМОУА' for 'PNRUSLOBANOVA'), and its names are lost."""

from __future__ import annotations

from dataclasses import replace

from PIL import Image

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
        height = box[3] - box[1]
        # The page was scaled for its print; a zone printed much larger or smaller than its
        # print reads figures amiss at that size ('0312' as '0512' in capitals 35 px high)
        # and reads right at the size Latin capitals read best: there again, where the
        # first reading's check digits fail.
        for scale in dict.fromkeys((1.0, _scale_for(height))):
            again = _read_scaled(backend, image, grown(box, height // 2, page), scale)
            text = _text(again)
            if again and (read_zone([text]) is not None or "PNRUS" in text.replace(" ", "")):
                kept = [w for w in page.words if w not in line]
                page.words = kept + [replace(w, line=("zone", w.line)) for w in again]
                break


def _scale_for(height: int) -> float:
    scale = ZONE_HEIGHT / max(1, height)
    return 1.0 if abs(scale - 1) < SIZE_TOLERANCE else scale


ZONE_HEIGHT = 26  # px, a zone line's capitals
SIZE_TOLERANCE = 0.15


def _read_scaled(backend: Backend, image, box, scale: float) -> list:
    """The words of `box` read at `scale`, their boxes on the page."""
    if scale == 1.0:
        return backend.read_region(image, box, 0, LATIN)
    crop = image.crop(box)
    crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.LANCZOS)
    words = backend.read_region(crop, (0, 0, crop.width, crop.height), 0, LATIN)
    return [replace(w, bbox=(box[0] + round(w.bbox[0] / scale), box[1] + round(w.bbox[1] / scale),
                             box[0] + round(w.bbox[2] / scale), box[1] + round(w.bbox[3] / scale)))
            for w in words]


def _fillers(words) -> int:
    text = _text(words)
    return text.count("<") + 2 * text.count("«")


def _text(words) -> str:
    return "".join(w.text for w in words)


def _names_read(lines) -> bool:
    return any("PNRUS" in _text(line) for line in lines)
