"""Lines the page segmentation dropped, found in a sparse second reading of the page, then
in a reading of its text as one block."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, Box, PageText, Word
from ..doctypes import DocType
from ..fields.locate import SURE_CONF, Found, locate_fields
from .misread_words import misreads_read_again
from .regions import (UNSURE_CONF, covered, inside, letters_and_digits, located, median_height, missing, on_page,
                      print_words, swapped_in)

DROPPED_LINE_CONF = 50  # a sparse reading's words less sure than this are mostly specks and pictures


def read_dropped_lines(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """When a field is not found, the page is read again as sparse text. Its sure words that
    lie where the first reading has none are added: the first reading's page segmentation now
    and then drops a whole line (a table's first row, a name beside a photo). A field still
    missing that the sparse reading alone gives valid (digits spaced out in boxes, which a
    line reading runs together with the paper's pattern) takes the sparse words in its box.
    A field with labels missing even then is looked for in a reading of the page's text
    area as one block of lines (`read_block`). Pages whose fields were all found pay nothing."""
    if not backend.capabilities.regions:
        return
    absent = missing(doctype, located(doctype, page))
    if not absent:
        return
    # The whole page, not only bands round the missing fields' labels: Tesseract reads a line
    # differently in every framing, and bands read 3 fewer of 1872 fields right (about 5 %
    # less time on the benchmark's scans: measured, and not taken).
    sparse = [w for w in backend.read_sparse(image, page.dpi) if any(c.isalnum() for c in w.text)]
    # Words read in the other script are unsure for that alone: they are judged by their
    # reading in the document's language ('MHH/KTI' read again as 'ИНН/КПП').
    add_uncovered(page, sparse, lambda words: misreads_read_again(words, page, image, doctype, backend))
    still = [field_id for field_id in missing(doctype, located(doctype, page)) if field_id in absent]
    if not still:
        return
    alone = locate_fields(doctype, [replace(page, words=sparse)])
    for field_id in still:
        value = alone[field_id]
        if value.value is not None and value.bbox is not None and (value.valid or _group_read(doctype, alone, field_id)):
            page.words = swapped_in(page.words, sparse, value.bbox)
    # Fields found by their labels only: a receipt's company and address, found by their
    # place on it, are no line a block reading restores.
    if any(doctype.field(field_id).labels or doctype.field(field_id).group for field_id in missing(doctype, located(doctype, page))):
        read_block(page, image, doctype, backend)


def _group_read(doctype: DocType, found: dict[str, Found], field_id: str) -> bool:
    """Whether a field is one of a group's ('Ф.И.О.': a name's three parts after one label)
    another of which `found` gives valid: an invalid part is still taken with the others (a
    patronymic misread 'Даниидов' is the third word, without which the group's label gives
    none of its parts)."""
    group = doctype.field(field_id).group
    return group is not None and any(f.group == group and f.id != field_id and found[f.id].valid
                                     and found[f.id].value is not None for f in doctype.fields)


def read_block(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """The page's text area read again as one uniform block of lines, in the document's
    language, with no preparation of the page as a whole: on a page of small print (a card
    scanned at 100 dpi, a fax) both the line reading and the sparse one lose the small
    captions over or beside the values, and with them now and then the values' lines too
    ('Имя' over 'АНГЕЛИНА', 'Пол' over 'ЖЕН.'). Its sure words where the page has none are
    added, as the sparse reading's are."""
    area = text_area(page)
    if area is None:
        return
    block = [replace(w, line=("block", w.line)) for w in backend.read_region(image, area, 0, doctype.ocr_lang)
             if any(c.isalnum() for c in w.text)]
    add_uncovered(page, block)


def add_uncovered(page: PageText, reading: list[Word], judge=None) -> None:
    """The sure words of another `reading` of the page that lie where the page's words have
    none (or only unsure scraps, which give way: 'ОЕ' for a small caption over a box's rule).
    `judge` may read again the words it doubts; a word it gives back in place of another
    counts as sure at UNSURE_CONF already."""
    whole = [w for w in reading if w.conf >= DROPPED_LINE_CONF and letters_and_digits(w) >= MIN_WHOLE_LETTERS]
    known = sorted((w for w in page.words if w.conf >= UNSURE_CONF and not _scrap_of(w, whole)), key=lambda w: w.bbox[1])
    uncovered = [w for w in reading if not covered(w.bbox, known)]
    first = {id(w) for w in uncovered}
    fresh = judge(uncovered) if judge is not None else uncovered
    added = sorted((w for w in fresh if w.conf >= (DROPPED_LINE_CONF if id(w) in first else UNSURE_CONF)),
                   key=lambda w: w.bbox[1])
    added = [_clear_of(w, known) for w in added]
    if added:
        page.words = [w for w in page.words
                      if (w.conf >= UNSURE_CONF and not _scrap_of(w, added)) or not covered(w.bbox, added)] + added


MIN_WHOLE_LETTERS = 3


def _clear_of(word: Word, known: list[Word]) -> Word:
    """An added word with its box kept off the sure words of the page beside it in its line: a
    sparse reading's box for a slanted line's first word ran over the next word ('Отделом' over
    'по'), and sharing its columns the word stood in a row of its own. (Its text is the word's
    alone; a box that would lose most of its width is left as read.)"""
    x0, y0, x1, y1 = word.bbox
    for other in known:
        ox0, oy0, ox1, oy1 = other.bbox
        if min(y1, oy1) - max(y0, oy0) < 0.5 * min(y1 - y0, oy1 - oy0) or min(x1, ox1) <= max(x0, ox0):
            continue
        if (ox0 + ox1) / 2 > (x0 + x1) / 2:
            x1 = min(x1, ox0 - 1)
        else:
            x0 = max(x0, ox1 + 1)
    if x1 - x0 < CLEARED_WIDTH * (word.bbox[2] - word.bbox[0]):
        return word
    return replace(word, bbox=(x0, y0, x1, y1))


CLEARED_WIDTH = 0.6


def _scrap_of(word: Word, whole: list[Word]) -> bool:
    """Whether a first reading's word is one letter or mark inside a word of three letters or
    more of the other reading: all that reading kept of a line it lost ('А', 71 %, at the end
    of a 78-dpi passport's 'СМИРНОВА', read whole by the sparse reading). However sure, it
    gives way."""
    return letters_and_digits(word) <= 1 and any(
        letters_and_digits(w) >= MIN_WHOLE_LETTERS and inside(word.bbox, w.bbox) for w in whole)


def text_area(page: PageText) -> Box | None:
    """The box round the page's sure words of print (three letters or digits or more), with a
    margin of two lines of their print: where a dropped line may lie. (Not the whole page:
    a card photographed on a table reads the table's grain as a block's specks.)"""
    words = print_words(page, SURE_CONF)
    if not words:
        return None
    margin = 2 * median_height(words)
    return on_page((min(w.bbox[0] for w in words) - margin, min(w.bbox[1] for w in words) - margin,
                    max(w.bbox[2] for w in words) + margin, max(w.bbox[3] for w in words) + margin), page)


BLOCK_READ_DOUBT = 0.5  # the most a value resting on the block reading's words is trusted


def doubt_block_values(pages: list[PageText], found: dict[str, Found]) -> None:
    """Values that rest on words only the block reading gave (`read_block`) are marked: their
    confidence at most BLOCK_READ_DOUBT and a warning to check them. On pages where both other
    readings lost the line, that reading now and then gives a value that is not the printed
    one ('665361.44' for 798433.73 on a 100-dpi invoice), and a total or a name has no check
    digit to tell: such a value is never given as if it were sure."""
    block_words = {p.page: [w for w in p.words if _from_block(w)] for p in pages}
    for field_id, value in found.items():
        words = block_words.get(value.page or 0)
        if value.value is None or value.bbox is None or not words:
            continue
        if any(inside(w.bbox, value.bbox) for w in words):
            found[field_id] = replace(
                value, confidence=min(value.confidence, BLOCK_READ_DOUBT),
                warning=value.warning or f"{field_id}: read only in a second reading of the page's text; check it")


def _from_block(word: Word) -> bool:
    return isinstance(word.line, tuple) and bool(word.line) and word.line[0] == "block"
