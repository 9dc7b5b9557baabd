"""Figures with no check digit (dates, amounts, document numbers, KPPs, division codes), read a
second time on their own in Latin script: a value the two readings disagree on is doubted,
never given as sure.

Tesseract's Russian model misreads some fonts' figures on clean pages ('17.06.1995' for
1993, '08687' for 08682) at 95 % confidence, where nothing else tells: a date or a total has
no check digit. Read again in its own box with the Latin model alone (which reads figures
differently), a misread figure mostly reads otherwise; a figure read right reads alike."""

from __future__ import annotations

import re
from dataclasses import replace

from ..backends.base import Backend, PageText
from ..doctypes import DocType
from ..fields.locate import Found, value_from_words
from .regions import grown, inside, located

# (INNs and SNILS numbers have check digits; a passport's number is checked against its zone
# where it has one, not on a data page without it.)
FIGURE_KINDS = ("date", "money", "doc_number_ru", "kpp", "division_code", "passport_number")
SECOND_LANG = "eng"
DISAGREED_CONF = 0.5  # the most a value read otherwise the second time is trusted


def reread_figures(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """Each valid value of FIGURE_KINDS printed in figures alone is read again in its own
    box in Latin script; the readings are kept on the page (`PageText.figures_read_again`) for
    `doubt_disagreeing_figures`, once the document's values are chosen."""
    if not backend.capabilities.regions:
        return
    found = located(doctype, page)
    readings = []
    for spec in doctype.fields:
        value = found[spec.id]
        if (spec.normalize not in FIGURE_KINDS or not value.valid or value.bbox is None or value.raw is None
                or _LETTER.search(value.raw)):
            continue
        box = grown(value.bbox, max(4, (value.bbox[3] - value.bbox[1]) // 3), page)
        words = [w for w in backend.read_region(image, box, 0, SECOND_LANG) if inside(w.bbox, box)]
        again = value_from_words(spec, words, page.page, "label")  # (only its value is compared)
        if again is not None and again.value is not None:
            readings.append((spec.id, value.bbox, again.value))
    page.figures_read_again = readings


_LETTER = re.compile(r"[^\W\d_]")  # '17 июня 1993 г.', 'СФ-76': letters, which Latin script misreads


def doubt_disagreeing_figures(pages: list[PageText], found: dict[str, Found]) -> None:
    """A value read otherwise the second time (`reread_figures`, over the same box) is given
    with a confidence of at most DISAGREED_CONF and a warning naming the other reading."""
    for field_id, value in found.items():
        page = next((p for p in pages if p.page == value.page), None)
        if page is None or value.value is None or value.bbox is None:
            continue
        other = next((again for fid, box, again in page.figures_read_again if fid == field_id and box == value.bbox),
                     None)
        if other is not None and other != value.value:
            found[field_id] = replace(value, confidence=min(value.confidence, DISAGREED_CONF),
                                      warning=value.warning or f"{field_id}: {value.value} read again as {other}; check it")
