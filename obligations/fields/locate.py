"""Find each field's value on a document's pages, by its printed label and value pattern.

Works on words with boxes from any backend. The locator is in parts:
  layout.py      the page cut into skew-corrected rows, and where labels are printed on them;
  candidates.py  word runs that may hold a field's value, near its labels or anywhere;
  choice.py      a value read from a candidate (normalised, validated) and the best one chosen;
  positional.py  fields with no label, found by their place in the layout (a receipt's
                 company, address and total lines);
  name_order.py  a name's parts whose labels were lost, by their order under the surname.
A valid candidate beats an invalid one, and an invalid one is still reported (valid: false),
never dropped or "corrected".
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations

from ..backends.base import Box, PageText, Word, inside
from ..doctypes import DocType, FieldSpec
from .candidates import (LINE_GAP, NEIGHBOUR_ROWS, Candidate, label_candidates, lines_under, pattern_candidates,
                         section_candidates)
from .normalize import _LAT_TO_CYR, SETTLEMENT_ABBREVIATION, SETTLEMENT_WORD
from .choice import Found, choose, expand, find_text_box, locate_answer, read_value, value_from_words
from .chronology import dates_in_order
from .layout import PHRASE_GAP, SURE_CONF, PageModel, build_model, label_boxes
from .matching import fold
from .name_order import names_in_order
from .positional import letterhead, lines_above, lines_after, top_lines
from .mrz import apply_zone
from .tax_office import region_from_inn
from .totals import reconcile_total, sum_of_parts
from .validate import GENDER_WORD

__all__ = [
    "LINE_GAP", "NEIGHBOUR_ROWS", "PHRASE_GAP", "SURE_CONF", "Candidate", "Found", "expand", "find_text_box",
    "label_boxes", "locate_answer", "locate_fields", "value_from_words",
]


def locate_fields(doctype: DocType, pages: list[PageText]) -> dict[str, Found]:
    models = [build_model(doctype, page) for page in pages]
    results = _locate(doctype, models)
    # A page whose figures (dates, numbers: their pattern says they are values) all lie above
    # their labels prints captions under values; its names and places are then read above
    # their captions too, where the rows above and below are about as near ('ПОЛЯКОВ' over
    # 'Фамилия' over 'МАКСИМИЛЬЯН'). One whose figures all lie under their labels prints
    # captions over values, and its names are read under theirs ('Гришина' over 'Имя' over
    # 'Виктория', the row above a little nearer).
    flipped = False
    for model in models:
        sides = [_side(model, spec.id, found) for spec in doctype.fields
                 if spec.pattern and (found := results[spec.id]).valid and found.source == "label"
                 and found.page == model.page.page]
        if sides.count(-1) >= CAPTION_VOTES and 1 not in sides:
            model.captions_under_values = flipped = True
        elif sides.count(1) >= CAPTION_VOTES and -1 not in sides:
            model.captions_over_values = flipped = True
    return _locate(doctype, models) if flipped else results


CAPTION_VOTES = 2


def _side(model: PageModel, field_id: str, found: Found) -> int:
    """-1 where the value's row lies above its nearest label's row, 1 below, 0 on it (rows
    are compared by their skew-corrected places: a value far right of its label on a turned
    page stands higher or lower than the label's words, on the same row)."""
    if found.bbox is None:
        return 0
    rows = [i for i, row in enumerate(model.rows) if any(inside(w.bbox, found.bbox) for w in row.words)]
    labels = {h.row for h in model.hits if h.owner == field_id}
    if not rows or not labels:
        return 0
    value = model.rows[rows[0]]
    label = min(labels, key=lambda r: abs(model.rows[r].y - value.y))
    if label in rows or _beside(model, field_id, label, found.bbox):
        return 0
    return -1 if value.y < model.rows[label].y else 1


def _beside(model: PageModel, field_id: str, row: int, box) -> bool:
    """Whether the label's words on `row` lie level with the value's box, most of their
    height within its: a small caption printed beside a taller value ('Дата выдачи' left of
    '22.03.2013', baselines aligned) falls in a row of its own, no caption over or under it."""
    words = [w for h in model.hits if h.owner == field_id and h.row == row
             for w in model.rows[row].words[h.start:h.end]]
    return bool(words) and all(min(w.bbox[3], box[3]) - max(w.bbox[1], box[1]) >= (w.bbox[3] - w.bbox[1]) / 2
                               for w in words)


def _locate(doctype: DocType, models: list[PageModel]) -> dict[str, Found]:
    results: dict[str, Found] = {}
    for spec in doctype.fields:
        if spec.strategy == "top_lines":
            found = top_lines(spec, models)
        elif spec.strategy == "lines_after":
            found = lines_after(spec, models, results.get(spec.after or ""))
        else:
            found = _by_label(spec, doctype, models)
            if spec.normalize == "money" and spec.pick == "last":
                # A receipt's total (its last figure by a total's label): weighed against the
                # other amounts printed on it.
                found = reconcile_total(spec, models, found)
            if spec.normalize == "money":
                found = sum_of_parts(spec, models, found)
        results[spec.id] = found or Found()
    _one_field_per_value(doctype, models, results)
    _no_name_of_the_forms_words(doctype, results)
    names_in_order(doctype, models, results)
    dates_in_order(doctype, models, results)
    apply_zone(doctype, models, results)
    for spec in doctype.fields:
        if spec.above and results[spec.id].value is None:
            results[spec.id] = lines_above(spec, models, results[spec.above], results) or Found()
        if spec.normalize == "place" and results[spec.id].value is None:
            results[spec.id] = _place_alone(spec, models, [f.bbox for f in results.values() if f.bbox]) or Found()
        if spec.letterhead and results[spec.id].value is None:
            results[spec.id] = letterhead(spec, doctype.first_page, models, results) or Found()
        if spec.validate == "office" and results[spec.id].value is None:
            results[spec.id] = _office_alone(spec, models, [f.bbox for f in results.values() if f.bbox]) or Found()
    region_from_inn(doctype, results)
    return results


def _no_name_of_the_forms_words(doctype: DocType, results: dict[str, Found]) -> None:
    """A name that is a word the form itself prints (its heading's, a caption's: 'Налоговая'
    of 'ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА', taken for a certificate's first name on a photo) is
    invalid, with a warning: its own line was not read (in place)."""
    form_words = None
    for spec in doctype.fields:
        found = results[spec.id]
        if spec.validate != "name" or found.value is None or not found.valid:
            continue
        form_words = _form_words(doctype) if form_words is None else form_words
        printed = next((w for w in found.value.split() if fold(w) in form_words), None)
        if printed is not None:
            results[spec.id] = replace(found, valid=False, warning=(
                f"{spec.id}: {printed!r} is a word the form prints, not a name: its own line was not read"))


def _form_words(doctype: DocType) -> frozenset[str]:
    """The words of five letters or more of a type's phrases, labels and stop labels, folded."""
    phrases = [p for p, _ in doctype.keywords] + list(doctype.stop_labels)
    phrases += [label for spec in doctype.fields for label in spec.labels]
    phrases += [label for group in doctype.groups for label in group.labels]
    return frozenset(fold(w) for phrase in phrases for w in re.findall(r"[^\W\d_]{5,}", phrase))


SHARED_VALUE_DOUBT = 0.5  # the most a value two fields' labels gave them alike is trusted


def _one_field_per_value(doctype: DocType, models: list[PageModel], results: dict[str, Found]) -> None:
    """The same words read as the same value are one field's, not two's:
      - two fields' labels gave them ('НИКОЛАЕВНА' over '(отчество)', and under '(имя)'
        whose 'ЗОЯ' read '3048'; a seller's INN printed in its paragraph, and the buyer's
        section reaching it where the buyer's own wrapped to the next line): the field whose
        nearer candidate they are keeps them;
      - a field found by its pattern anywhere took another's labelled value (an issue date
        whose year read '201 1' took the birth date): the labelled field keeps them;
      - one field's figures are part of the other's, read from the same word (a KPP
        '237015585' in an INN read '$237015585', its '$' a '5'): a value is no part of a
        longer run of figures, and the longer keeps them.
    The other takes its next candidate, or its first reading, invalid, which a re-read of its
    own box may correct, or none. Where both are as near, both keep them, doubted."""
    for a, b in combinations(doctype.fields, 2):
        first, second = results[a.id], results[b.id]
        claimed = first.bbox
        if claimed is None or (second.bbox, second.page) != (claimed, first.page):
            continue
        if first.value != second.value:
            if not (_figures_within(first.value, second.value) or _figures_within(second.value, first.value)):
                continue
            loser = a if _figures_within(first.value, second.value) else b
            candidates = label_candidates(loser, doctype, models)
            if loser.anywhere:
                candidates += pattern_candidates(loser, models)
        elif {first.source, second.source} == {"label"}:
            candidates_of = {spec.id: label_candidates(spec, doctype, models) for spec in (a, b)}
            # The field whose label the words lie on the side of that the page's other labelled
            # values lie on of theirs: 'САФИНА' under 'Фамилия' and over 'Имя', 'МАРИНА' under
            # 'Имя' and over 'Отчество', as 'ГОР. ТУАПСЕ' lies under 'Место рождения'.
            ranks = _against_the_other_values(models, results, a.id, b.id)
            if ranks[a.id] == ranks[b.id]:
                ranks = {spec.id: _rank(spec, candidates_of[spec.id], claimed) for spec in (a, b)}
            if ranks[a.id] == ranks[b.id]:
                # On a page that prints captions over (or under) its values, the field whose
                # caption is over (under) the words: 'ДОБРОВОЛЬСКИЙ' under 'ФАМИЛИЯ' and over
                # 'ИМЯ', whose own line the reading lost.
                ranks = {spec.id: _against_the_page(models, spec.id, results[spec.id]) for spec in (a, b)}
            if ranks[a.id] == ranks[b.id]:
                # Nothing tells whose they are: both keep them, neither as if it were sure.
                for spec, other in ((a, b), (b, a)):
                    results[spec.id] = replace(
                        results[spec.id], confidence=min(results[spec.id].confidence, SHARED_VALUE_DOUBT),
                        warning=f"{spec.id}: the same words as {other.id}'s; check which field they are")
                continue
            loser = a if ranks[a.id] > ranks[b.id] else b
            candidates = candidates_of[loser.id]
        elif "pattern" in (first.source, second.source) and first.source != second.source:
            loser = a if first.source == "pattern" else b
            # Its other readings anywhere, where it may be read anywhere (a value its section's
            # fallback gave has no others).
            candidates = pattern_candidates(loser, models) if loser.anywhere else []
        else:
            continue
        rest = [c for c in candidates if not any(inside(w.bbox, claimed) for w in c.words)]
        found = choose(loser, rest)
        if found is None and loser.section and loser.pattern:
            found = _alone_in_section(loser, models, claimed)
        results[loser.id] = found or Found()


def _figures_within(part: str | None, whole: str | None) -> bool:
    """Whether `part` is a shorter run of figures inside the figures of `whole`."""
    return bool(part and whole and part.isdigit() and whole.isdigit() and len(part) < len(whole) and part in whole)


def _against_the_page(models: list[PageModel], field_id: str, found: Found) -> int:
    """1 where the value lies on the other side of its label than the page prints values
    (over its caption on a page of captions over values, or under it on one of captions under
    them), else 0."""
    model = next((m for m in models if m.page.page == found.page), None)
    if model is None:
        return 0
    side = _side(model, field_id, found)
    return int(model.captions_over_values and side == -1 or model.captions_under_values and side == 1)


def _against_the_other_values(models: list[PageModel], results: dict[str, Found], a: str, b: str) -> dict[str, int]:
    """For two fields sharing a value (`a`, `b`), 1 for the one whose value lies on the other
    side of its label than all the page's other values found by their labels lie of theirs
    (CAPTION_VOTES or more, none on the other side), else 0 for both."""
    model = next((m for m in models if m.page.page == results[a].page), None)
    if model is None:
        return {a: 0, b: 0}
    sides = [_side(model, field_id, found) for field_id, found in results.items()
             if field_id not in (a, b) and found.source == "label" and found.valid and found.page == results[a].page]
    usual = (1 if sides.count(1) >= CAPTION_VOTES and -1 not in sides
             else -1 if sides.count(-1) >= CAPTION_VOTES and 1 not in sides else 0)
    own = {field_id: _side(model, field_id, results[field_id]) for field_id in (a, b)}
    if not usual or sorted(own.values()) != [-1, 1]:
        return {a: 0, b: 0}
    return {field_id: int(side != usual) for field_id, side in own.items()}


def _rank(spec: FieldSpec, candidates: list[Candidate], box) -> int:
    """The place among the candidates of the one whose value is `box`: the nearest is 0."""
    return next((i for i, c in enumerate(candidates) if (f := read_value(spec, c)) is not None and f.bbox == box),
                len(candidates))


def _by_label(spec: FieldSpec, doctype: DocType, models: list[PageModel]) -> Found | None:
    candidates = label_candidates(spec, doctype, models)
    if spec.pick == "last" and spec.pattern:
        # The figure a label gives stands alone after it; several after one label are a
        # table's columns (a receipt's tax summary: 'Total 80.91 0.00'), the last choice.
        regex = re.compile(expand(spec.pattern))
        candidates.sort(key=lambda c: len(regex.findall(" ".join(w.text for w in c.words))) > 1)
    best = choose(spec, candidates)
    if best is None and spec.section and spec.pattern:
        best = _alone_in_section(spec, models)
    if (best is None or not best.valid) and spec.anywhere and spec.pattern:
        fallback = choose(spec, pattern_candidates(spec, models))
        if fallback is not None and (best is None or fallback.valid):
            best = fallback
    if spec.normalize == "gender" and (best is None or best.confidence < UNSURE_GENDER):
        # A sure gender word beats an unsure reading by the label (the next label, garbled,
        # giving 'м' beside a printed 'ЖЕН.' on a 100-dpi passport).
        best = _gender_alone(spec, models) or best
    return best


def _alone_in_section(spec: FieldSpec, models: list[PageModel], taken: Box | None = None) -> Found | None:
    """A field whose labels were all lost: the one valid value of its pattern in its
    section (other than the words in `taken`, another field's). Two (a KPP and a bank's
    BIK) leave it unfound rather than guessed."""
    candidates = [c for c in section_candidates(spec, models)
                  if taken is None or not any(inside(w.bbox, taken) for w in c.words)]
    found = [f for c in candidates if (f := choose(spec, [c])) is not None and f.valid]
    if len({f.value for f in found}) != 1:
        return None
    return replace(found[0], warning=f"{spec.id}: its label was not read; the only value of its kind in its section")


UNSURE_GENDER = 0.5
PLACE_ALONE_CONF = 0.5
# What opens a place of birth ('гор. Кинешма', 'С. ИВАНОВКА') and what, before it, makes it part
# of an office's name ('ОВД Г. САМАРЫ', 'РОССИИ ПО Г. МОСКВЕ', 'ЛЕНИНСКОГО РАЙОНА Г. ТУЛЫ').
_SETTLEMENT_OPENING = re.compile(rf"(?:{SETTLEMENT_ABBREVIATION}|[Дд]|[Сс]|[Пп]|[Сс]т|СТ|пгт|ПГТ|рп|РП)\.|[Сс]т-ца|СТ-ЦА|"
                                 + SETTLEMENT_WORD)
# What opens an issuing office's name on its first row.
_OFFICE_OPENING = re.compile(r"(?:ОТДЕЛ(?:ОМ|ЕНИЕМ|ЕНИЕ|А)?|УПРАВЛЕНИЕМ|О?УФМС|У?МВД|ГУ(?:ВД)?|Р?ОВД|УВД|ТП|МП|ОВМ|ПВС"
                             r"|ПАСПОРТНО-ВИЗОВОЙ|ПАСПОРТНЫМ)[,.]?", re.IGNORECASE)
_WITHIN_PHRASE = re.compile(r"(?i)(?:по|в|во|от|\w*ВД|\w*ФМС|России|района|району|р-на|р-ну|округа|округу|области|обл"
                            r"|края|краю)[,.]?")


def _place_alone(spec: FieldSpec, models: list[PageModel], taken: list[Box]) -> Found | None:
    """A place of birth whose label was lost (a card's 'Место рождения' read 'Место фожжиия'
    at 84 dpi): the one phrase of the pages, no other field's value (`taken`), that opens with
    a settlement's abbreviation or word and a capital, after no word of an office's name it
    would go on from; with its further lines. Unsure."""
    def opens(words: list[Word], k: int) -> bool:
        return bool(k + 1 < len(words) and _SETTLEMENT_OPENING.fullmatch(words[k].text)
                    and words[k + 1].text[:1].isupper() and (k == 0 or not _WITHIN_PHRASE.fullmatch(words[k - 1].text)))

    return _phrase_alone(spec, models, taken, opens, "the one phrase opening with a settlement")


def _office_alone(spec: FieldSpec, models: list[PageModel], taken: list[Box]) -> Found | None:
    """An issuing office whose label was lost and whose rows lie too far over the issue date to
    be taken as its (a fax's 'Паспорт выдан' read as a scrap): the one row of the pages that
    opens with an office's word ('ОТДЕЛОМ', 'УФМС', 'ГУ МВД', ...), no other field's value,
    with its further lines, where it names an office. Unsure."""
    def opens(words: list[Word], k: int) -> bool:
        return k == 0 and bool(_OFFICE_OPENING.fullmatch(words[0].text))

    return _phrase_alone(spec, models, taken, opens, "the one phrase opening with an office's word")


def _phrase_alone(spec: FieldSpec, models: list[PageModel], taken: list[Box], opens, what: str) -> Found | None:
    found = []
    for model in models:
        for r, row in enumerate(model.rows):
            words = row.words
            for k in range(len(words)):
                if opens(words, k) and not any(inside(words[k].bbox, box) for box in taken):
                    end = next((i for i in range(k + 1, len(words))
                                if words[i].bbox[0] - words[i - 1].bbox[2] > PHRASE_GAP * row.height), len(words))
                    first = words[k:end]
                    found.append(read_value(spec, Candidate(first + lines_under(model, r, first, spec.lines),
                                                            model.page.page, "label")))
                    break
    if len(found) != 1 or found[0] is None or not found[0].valid:
        return None
    return replace(found[0], confidence=min(found[0].confidence, PLACE_ALONE_CONF),
                   warning=f"{spec.id}: its label was not read; {what}")


def _gender_alone(spec: FieldSpec, models: list[PageModel]) -> Found | None:
    """A gender with no label found (a small 'Пол' lost on a low-resolution scan, or read
    'Пон'): a sure word that is a gender in full or abbreviated as usual ('МУЖ.', 'женский'),
    when the pages give one gender only."""
    found = []
    for model in models:
        for row in model.rows:
            for i, word in enumerate(row.words):
                text = word.text.translate(_LAT_TO_CYR) if any("а" <= c.lower() <= "я" for c in word.text) else word.text
                if word.conf >= SURE_CONF and GENDER_WORD.fullmatch(text.strip(",;:")):
                    found.append(choose(spec, [Candidate([word], model.page.page, "pattern")]))
    values = {f.value for f in found if f is not None and f.valid}
    return next(f for f in found if f is not None and f.valid) if len(values) == 1 else None
