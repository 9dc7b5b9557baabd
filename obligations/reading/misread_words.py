"""Words read in the other script, or as far fewer letters or figures than their box holds, read again."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, PageText, Word
from ..doctypes import DocType
from ..fields.locate import SURE_CONF
from ..fields.normalize import same_glyphs_in
from ..fields.validate import script_of
from .regions import UNSURE_CONF, grown, median_height, print_words


def reread_misread_words(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """Words read in the other script ('UMA' for 'ИМЯ', 'TIOJI' for 'ПОЛ' on a Russian card),
    or read unsure as far fewer letters or figures than their box holds ('Е' for 'Отчество'
    on a blurred scan, '0' for '781-054' among specks), are read again in the document's own
    language before any field is looked for. The new words keep their line. (Reading a whole
    page again when it has many such letters was tried too: it lost SROIE receipts.)"""
    words = misreads_read_again(page.words, page, image, doctype, backend)
    if words is not page.words:
        page.words = words


def misreads_read_again(words: list[Word], page: PageText, image, doctype: DocType, backend: Backend) -> list[Word]:
    """`words` with those read in the other script, or too few letters for their box, read
    again in the document's language (the list itself when there are none)."""
    if not doctype.ocr_lang or "+" in doctype.ocr_lang:
        return words
    script = "cyrillic" if doctype.ocr_lang == "rus" else "latin"
    sure = print_words(page, SURE_CONF)
    tallest = TALL_WORD * median_height(sure) if sure else float("inf")
    replacements = {}
    for word in words:
        letters = [c for c in word.text if c.isalpha()]
        # 'НОМЕ' or 'В1S' on an English receipt: the glyphs say HOME, B1S. (Not the other way:
        # on Russian documents a Latin 'TOP.' is a misread 'ГОР.', so it is read again.)
        # ... and its 'NO' read as the Russian sign '№' ('(COMPANY №: 386069-D)', '№. 22,').
        if script == "latin" and ("№" in word.text or any(script_of(c) == "cyrillic" for c in letters)):
            twin = same_glyphs_in(word.text.replace("№", "NO"), script)
            if twin is not None:
                replacements[id(word)] = [replace(word, text=twin)]
                continue
        x0, y0, x1, y1 = word.bbox
        foreign = len(letters) >= 2 and sum(script_of(c) == script for c in letters) < len(letters) / 2
        # ... or letters of the other script among figures that look like letters, none of its
        # own, all of one word ('30A' for 'ЗОЯ'; not '1925A', a house, nor a zone's '<' run).
        figures = [c for c in word.text if c.isdigit()]
        foreign |= (script == "cyrillic" and bool(letters) and bool(figures) and set(figures) <= LETTER_FIGURES
                    and word.text.strip(".,:;").isalnum() and not any(script_of(c) == script for c in letters))
        # (Not a box lines high: lines and a rule read as one scrap, which its box read again
        # gives back as several lines' words, all put on one line.)
        too_wide = (word.conf < SURE_CONF and any(c.isalnum() for c in word.text)
                    and MIN_WORD_HEIGHT <= y1 - y0 <= tallest
                    and x1 - x0 > WIDE_LETTER * (y1 - y0) * sum(c.isalnum() for c in word.text))
        if not (foreign or too_wide):
            continue
        box = grown(word.bbox, max(6, (word.bbox[3] - word.bbox[1]) // 3), page)
        # Only what lies over the old word: the margin may take in a neighbour.
        again = [replace(w, line=word.line) for w in backend.read_region(image, box, 0, doctype.ocr_lang)
                 if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1]
        if too_wide and not foreign:
            # Only what reads as print, and nothing where nothing does: a scrap read again as
            # another ('e' as 'пин', 12 %) went into the surname beside it, and one left as it
            # was ('еее', 14 %, over a rule) into the first name.
            replacements[id(word)] = [w for w in again if w.conf >= UNSURE_CONF]
        elif again:
            replacements[id(word)] = again
    if not replacements:
        return words
    return [new for w in words for new in replacements.get(id(w), [w])]


LETTER_FIGURES = set("30468")  # read for З, О, Ч, б, В
WIDE_LETTER = 2.0  # a letter or digit is never wider than this many times its word's height
MIN_WORD_HEIGHT = 12  # pixels: flatter scraps are rules' and pictures' edges, not words misread
TALL_WORD = 2.2  # times the page's sure words' height: two lines (print, then a pitch of 1.2 more)
