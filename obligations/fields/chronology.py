"""Dates whose labels were not read, told apart by the order the document's events happened in.

A passport prints two dates, its holder's birth and its own issue; on a 100-dpi scan of a
spread the small captions ('Дата рожд.', 'Дата выдачи') read as scraps while the figures read
well. The doc type lists its dates earliest first (`chronology`): where the page holds as many
valid dates no field took as there are such fields missing, and they fit the order with the
dates found, each goes to its place in it. Any other count (a notice's 'Дата формирования', a
certificate's 'поставлен на учет') leaves them missing: nothing says which is which.
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
    # A field whose label was read has its own value there, read badly ('20.08.198'): not
    # another date.
    if not absent or any(field_id in owners for field_id in absent):
        return
    # A date on a row with a caption that is no field's is that caption's ('поставлен на учет
    # ... 14 марта 2000 г.').
    captioned = {(m.page.page, h.row) for m in models for h in m.hits if not h.owner}
    first = doctype.field(order[0])
    taken = [(f.page, f.bbox) for f in results.values() if f.bbox is not None]
    free: dict[str, tuple[Found, Candidate]] = {}
    for model in models:
        for r in (r for r in range(len(model.rows)) if (model.page.page, r) not in captioned):
            candidate = Candidate(model.rows[r].words, model.page.page, "pattern")
            found = choose(first, [candidate])
            if (found is None or not found.valid or found.bbox is None
                    or any(page == found.page and inside(found.bbox, box) for page, box in taken)):
                continue
            free.setdefault(found.value, (found, candidate))
    if len(free) != len(absent):
        return
    # The dates in order, the free ones in the missing fields' places, earliest first: each
    # must be later than the one before it.
    dates = iter(sorted(free.values(), key=lambda pair: pair[0].value))
    placed = {field_id: next(dates) if field_id in absent else (results[field_id], None) for field_id in order}
    values = [placed[field_id][0].value for field_id in order]
    if any(a >= b for a, b in zip(values, values[1:])):
        return
    for field_id in absent:
        found, candidate = placed[field_id]
        own = choose(doctype.field(field_id), [candidate])  # under the field's own checks
        if own is None or not own.valid:
            continue
        results[field_id] = replace(own, confidence=min(own.confidence, BY_CHRONOLOGY_CONF), source="chronology",
                                    warning="its label was not read; told from the other dates by their order")


def _printed(doctype: DocType, field_id: str, results: dict[str, Found], owners: set[str]) -> bool:
    """Whether the pages may print the field: a passport's issue, printed on the spread's other
    page with its division code and issuing office, is not printed on a data page photographed
    alone, where no field of that page was read nor any of its labels (its one date is then
    the birth date)."""
    issue = [spec.id for spec in doctype.fields if spec.mrz in ISSUE]
    if field_id not in issue:
        return True
    return read_on_page(issue + [spec.id for spec in doctype.fields if spec.validate == "office"], results, owners)
