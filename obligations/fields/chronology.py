"""Dates whose labels were not read, told apart by the order the document's events happened in.

A passport prints two dates, its holder's birth and its own issue; on a 100-dpi scan of a
spread the small captions ('Дата рожд.', 'Дата выдачи') read as scraps while the figures read
well. The doc type lists its dates earliest first (`chronology`): where the page holds as many
valid dates no field took as there are such fields missing, and they fit the order with the
dates found, each goes to its place in it. Any other count (a notice's 'Дата формирования', a
certificate's 'поставлен на учет') leaves them missing: nothing says which is which. Only a date
on the row of the field a missing one is printed `beside` (a passport's issue date and its
division code) is that field's whatever the count.
"""

from __future__ import annotations

from dataclasses import replace

from ..backends.base import inside
from ..doctypes import DocType
from .candidates import Candidate
from .choice import Found, choose
from .layout import PageModel
from .mrz import ISSUE, read_on_page

BY_CHRONOLOGY_CONF = 0.5


def dates_in_order(doctype: DocType, models: list[PageModel], results: dict[str, Found]) -> None:
    """Fills the dates of `doctype.chronology` missing from `results` (in place)."""
    owners = {h.owner for m in models for h in m.hits}
    order = [field_id for field_id in doctype.chronology if _printed(doctype, field_id, results, owners)]
    absent = [field_id for field_id in order if results[field_id].value is None]
    if not absent:
        return
    # A date on a row with a caption that is no field's is that caption's ('поставлен на учет
    # ... 14 марта 2000 г.').
    captioned = {(m.page.page, h.row) for m in models for h in m.hits if not h.owner}
    first = doctype.field(order[0])
    # (An invalid value may hold a date: an office read on over the issue date's row.)
    taken = [(f.page, f.bbox) for f in results.values() if f.bbox is not None and f.valid]
    free: dict[str, tuple[Found, Candidate]] = {}  # by value: the date read, and its row
    for model in models:
        for r in (r for r in range(len(model.rows)) if (model.page.page, r) not in captioned):
            candidate = Candidate(model.rows[r].words, model.page.page, "pattern")
            found = choose(first, [candidate])
            if (found is None or not found.valid or found.bbox is None
                    or any(page == found.page and inside(found.bbox, box) for page, box in taken)):
                continue
            free.setdefault(found.value, (found, candidate))
    placed: dict[str, tuple[Found, Candidate]] = {}
    # A field whose label was read has its own value there, read badly ('20.08.198'): not
    # another date; nor are the others told by their order then.
    labelled = [field_id for field_id in absent if field_id in owners]
    for field_id in (field_id for field_id in absent if field_id not in labelled):
        # A date printed on the row of a field its document prints beside it (a passport's
        # issue date and division code): that field's own, however many dates are free.
        anchor = results.get(doctype.field(field_id).beside or "")
        if anchor is None or not anchor.valid or anchor.bbox is None:
            continue
        on_row = [value for value, (_, candidate) in free.items() if _holds(candidate, anchor)]
        if len(on_row) == 1:
            placed[field_id] = free.pop(on_row[0])
    rest = [field_id for field_id in absent if field_id not in placed]
    if rest and not labelled and len(free) == len(rest):
        # The dates in order, the free ones in the missing fields' places, earliest first.
        dates = iter(sorted(free.values(), key=lambda pair: pair[0].value))
        placed |= {field_id: next(dates) for field_id in rest}
    if not placed:
        return
    # Each date must be later than the one before it.
    values = [v for field_id in order if (v := (placed[field_id][0] if field_id in placed else results[field_id]).value)]
    if any(a >= b for a, b in zip(values, values[1:])):
        return
    for field_id, (found, candidate) in placed.items():
        own = choose(doctype.field(field_id), [candidate])  # under the field's own checks
        if own is None or not own.valid:
            continue
        how = (f"the date on the row of {doctype.field(field_id).beside}" if field_id not in rest
               else "told from the other dates by their order")
        results[field_id] = replace(own, confidence=min(own.confidence, BY_CHRONOLOGY_CONF), source="chronology",
                                    warning=f"its label was not read; {how}")


def _holds(candidate: Candidate, anchor: Found) -> bool:
    """Whether the row read as `candidate` holds the words of the `anchor` value."""
    return candidate.page == anchor.page and any(inside(w.bbox, anchor.bbox) for w in candidate.words)


def _printed(doctype: DocType, field_id: str, results: dict[str, Found], owners: set[str]) -> bool:
    """Whether the pages may print the field: a passport's issue, printed on the spread's other
    page with its division code and issuing office, is not printed on a data page photographed
    alone, where no field of that page was read nor any of its labels (its one date is then
    the birth date)."""
    issue = [spec.id for spec in doctype.fields if spec.mrz in ISSUE]
    if field_id not in issue:
        return True
    return read_on_page(issue + [spec.id for spec in doctype.fields if spec.validate == "office"], results, owners)
