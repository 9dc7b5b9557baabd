"""Text values read unsure, or a name read in pieces, read again in their own box."""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import Backend, PageText, Word, mean_confidence, union_box
from ..doctypes import DocType
from ..fields.locate import PHRASE_GAP, SURE_CONF
from ..fields.normalize import NAME_KINDS
from .regions import UNSURE_CONF, covered, grown, inside, letters_and_digits, located, median_height, overlap_area


def reread_doubtful_values(page: PageText, image, doctype: DocType, backend: Backend) -> None:
    """A text value with an unsure word in it or beside it on its line ('орлов', 43 %, for
    'ОРЛОВА'; 'ООО' touching its underline read as '(©`0`®)', 0 %, and dropped as a speck),
    or a name read as two words ('ГАРИ ПОВ': letters spaced wide), is read again in its own
    box, in the document's language. The new reading replaces the words there when it is
    clearly surer, or when it reads the name as the one word a name is."""
    found = located(doctype, page)
    for spec in doctype.fields:
        value = found[spec.id]
        if spec.pattern or value.value is None or value.bbox is None:
            continue
        x0, y0, x1, y1 = value.bbox
        within = [w for w in page.words if inside(w.bbox, value.bbox)]
        if not within:
            continue
        height = median_height(within)
        beside = [w for w in page.words if y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1
                  and w.bbox[2] >= x0 - PHRASE_GAP * height and w.bbox[0] <= x1 + PHRASE_GAP * height]
        # A word's size, no speck ('г.' before a settlement's name is about half as wide as the
        # name is tall), nor a stroke of a signature or a stamp across the lines.
        unsure = [w for w in beside if w.conf < UNSURE_CONF and w.bbox[2] - w.bbox[0] >= WORD_SIZE * height
                  and w.bbox[3] - w.bbox[1] <= TALL * height]
        in_pieces = spec.normalize in NAME_KINDS and len((value.raw or "").split()) > 1
        if not unsure and not in_pieces and mean_confidence(within) >= SURE_CONF:
            continue
        box = grown(union_box([value.bbox] + [w.bbox for w in unsure]), max(4, height // 2), page)
        # Only the value's line is compared and taken: the margin, or a value's box stretched by
        # a stamp's stroke, may take in the next line. Nor is a word the box cuts read again:
        # its part in the box ('чество' of the caption 'Отчество') is no reading of it.
        middle = sorted((w.bbox[1] + w.bbox[3]) / 2 for w in within)[len(within) // 2]
        before = [w for w in page.words if inside(w.bbox, box) and _on_line(w, middle, height)]
        cut = [w for w in page.words if overlap_area(w.bbox, box) and (w.bbox[0] < box[0] or w.bbox[2] > box[2])]
        again = [w for w in backend.read_region(image, box, 0, doctype.ocr_lang)
                 if inside(w.bbox, box) and _on_line(w, middle, height) and not _over_any(w, cut)]
        if not again:
            continue
        # Each new word on the line of the old word it lies over most, else of the one nearest
        # it: read with its label, not as a region's row of its own (nor on a scrap's line).
        again = [replace(w, line=min(before, key=lambda old: _nearness(old, w)).line) for w in again]
        surer = mean_confidence(again) >= max(SURE_CONF, mean_confidence(before) + MORE_SURE)
        one_name = (in_pieces and len(again) == 1 and again[0].conf >= SURE_CONF
                    and letters_and_digits(again[0]) >= sum(c.isalnum() for c in value.raw or ""))
        if surer or one_name:
            if not one_name:
                # A surer reading does not cut a word read surely into pieces ('«Доронин' at 97 %
                # read again as '«До онин'): over it, a new word must be as long.
                sure = [w for w in before if w.conf >= SURE_CONF]
                again = [w for w in again
                         if not _over_any(w, [old for old in sure if letters_and_digits(old) > letters_and_digits(w)])]
            # The old words of the value's line under the new ones give way: a caption beside
            # them, and the next line a new word's box reaches into ('г.' read 78 px tall over
            # 'Место' below it), stay.
            covering = sorted(again, key=lambda w: w.bbox[1])
            on_line = {id(w) for w in before}
            page.words = [w for w in page.words if not (id(w) in on_line and covered(w.bbox, covering))] + again


def _on_line(word: Word, middle: float, height: int) -> bool:
    return abs((word.bbox[1] + word.bbox[3]) / 2 - middle) <= height / 2


def _nearness(old: Word, new: Word) -> tuple[int, float]:
    """How near an old word lies to a new one: the more they share, then the nearer their middles."""
    return -overlap_area(old.bbox, new.bbox), abs(old.bbox[1] + old.bbox[3] - new.bbox[1] - new.bbox[3])



def _over_any(word: Word, others: list[Word]) -> bool:
    """Whether half or more of `word` lies over one of `others`."""
    area = max(1, (word.bbox[2] - word.bbox[0]) * (word.bbox[3] - word.bbox[1]))
    return any(overlap_area(word.bbox, other.bbox) * 2 >= area for other in others)


WORD_SIZE = 0.5  # share of the value's height an unsure word's width reaches
TALL = 1.5  # times the value's height: no word of its line is taller
MORE_SURE = 10  # points of mean confidence a second reading must gain to replace the first
